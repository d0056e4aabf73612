/*
 * fuzz_form.c - libFuzzer target over gm-dashboard's form fields
 * (dashboards/dash/form.c): the body of a POST, from anyone who can reach
 * the sign-in page. The input is the body. Besides no crash, undefined
 * behaviour or leak, for the fields "name" and "password":
 *   - a value taken is shorter than the room given, valid UTF-8, with no
 *     NUL or control byte but tab and line breaks;
 *   - a value refused leaves "" behind;
 *   - a value taken, encoded again and read back, is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzzlib.h"
#include "gm_err.h"

static void encode(const char *v, char *out, size_t len)
{
	size_t k = snprintf(out, len, "x=1&name=");

	for (const unsigned char *p = (const unsigned char *)v; *p && k + 4 < len; p++)
		k += (size_t)snprintf(out + k, len - k, "%%%02X", *p);
	snprintf(out + k, len - k, "&y=2");
}

static void field(const char *body, const char *key)
{
	char v[128], again[128], enc[1024];
	int rc = form_value(body, key, v, sizeof(v));

	if (rc != GM_OK) {
		if (v[0] != '\0')
			fuzz_broken("%s refused, but \"%s\" left behind", key, v);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			fuzz_broken("%s: control byte 0x%02x taken", key, *p);
	encode(v, enc, sizeof(enc));
	if (form_value(enc, "name", again, sizeof(again)) != GM_OK || strcmp(v, again) != 0)
		fuzz_broken("%s: \"%s\" encoded and read back is not the same", key, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size + 1);

	if (body == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';   /* as the server hands it: a NUL inside is refused before */
	field(body, "name");
	field(body, "password");
	free(body);
	return 0;
}
