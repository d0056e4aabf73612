/* json_in.c - strict parsing of a JSON object from the network. */
#include <string.h>
#include <strings.h>

#include "gm_err.h"
#include "json_in.h"

/* "\u0000" in any case of its hex digits, unless its backslash is itself
 * escaped. */
static int has_escaped_nul(const char *s, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++) {
		if (s[i] != '\\')
			continue;
		if (strncasecmp(s + i + 1, "u0000", 5) == 0)
			return 1;
		i++;   /* skip what the backslash escapes */
	}
	return 0;
}

static const char *repeated_key(const cJSON *o)
{
	for (const cJSON *a = o->child; a != NULL; a = a->next) {
		for (const cJSON *b = a->next; b != NULL; b = b->next) {
			if (strcmp(a->string, b->string) == 0)
				return a->string;
		}
	}
	return NULL;
}

int json_value_parse(const char *json, size_t len, size_t max, cJSON **out, char *err,
    size_t errlen)
{
	const char *end = NULL;
	cJSON *v;

	*out = NULL;
	if (len > max)
		return gm_errf(err, errlen, GM_EINVAL,
		    "payload of %zu bytes exceeds the %zu-byte limit", len, max);
	if (memchr(json, '\0', len) != NULL)
		return gm_errf(err, errlen, GM_EINVAL, "payload contains a NUL byte");
	if (has_escaped_nul(json, len))
		return gm_errf(err, errlen, GM_EINVAL, "payload has a string holding \\u0000");
	v = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	/* cJSON stops after the first value: only white space may follow it. */
	while (v != NULL && end < json + len &&
	    (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (v == NULL || end != json + len) {
		cJSON_Delete(v);
		return gm_errf(err, errlen, GM_EINVAL, "payload is not valid JSON");
	}
	*out = v;
	return GM_OK;
}

int json_object_parse(const char *json, size_t len, size_t max, cJSON **out, char *err,
    size_t errlen)
{
	const char *key;
	cJSON *o;
	int rc;

	if ((rc = json_value_parse(json, len, max, &o, err, errlen)) != GM_OK)
		return rc;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return gm_errf(err, errlen, GM_EINVAL, "payload is not a JSON object");
	}
	if ((key = repeated_key(o)) != NULL) {
		char shown[41];
		size_t i;

		/* the key comes from the network: printable ASCII only in messages */
		for (i = 0; key[i] != '\0' && i < sizeof(shown) - 1; i++)
			shown[i] = key[i] >= 0x20 && key[i] < 0x7f ? key[i] : '?';
		shown[i] = '\0';
		gm_errf(err, errlen, GM_EINVAL, "field \"%s\" appears more than once", shown);
		cJSON_Delete(o);
		return GM_EINVAL;
	}
	*out = o;
	return GM_OK;
}
