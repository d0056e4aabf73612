/*
 * fuzz_outbox.c - libFuzzer target over gm-dashboard's alert outbox files
 * (dashboards/dash/notify.c): an alert waiting for LINE, mail or a webhook
 * is written to a file before it is sent, and a stopped dashboard's files
 * are read back at the next start; a power cut, a full disk or a person may
 * leave anything there. The input is one file. Besides no crash, undefined
 * behaviour or leak:
 *   - what is read back and written again reads back to the same text (a
 *     fixed point: the next start sends what this one would have);
 *   - its retry key, which goes into a request header, is a UUID: nothing
 *     else from the file reaches a header line.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzzlib.h"
#include "notify.h"

static void key_checked(const char *text)
{
	cJSON *o = cJSON_Parse(text);
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "key");

	if (!cJSON_IsString(k) || strlen(k->valuestring) != 36 ||
	    strspn(k->valuestring, "0123456789abcdef-") != 36)
		fuzz_broken("a retry key that is no UUID: %s", text);
	cJSON_Delete(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice;

	if ((once = notify_outbox_reread((const char *)data, size)) == NULL)
		return 0;
	key_checked(once);
	if ((twice = notify_outbox_reread(once, strlen(once))) == NULL)
		fuzz_broken("written, then not taken back: %s", once);
	if (strcmp(once, twice) != 0)
		fuzz_broken("read twice, not the same:\n%s\n%s", once, twice);
	cJSON_free(once);
	cJSON_free(twice);
	return 0;
}
