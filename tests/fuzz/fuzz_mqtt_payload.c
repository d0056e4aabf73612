/*
 * fuzz_mqtt_payload.c - libFuzzer target over what a device publishes to
 * gm-agent's MQTT meters (agent/mqtt_payload.c), read through a channel's
 * JSON path (agent/json_path.c) as its config would write it.
 *
 * Input: the path (printable ASCII, else the input is skipped), a newline,
 * then the payload (every byte after the first newline). The path goes
 * through json_path_parse() as the config loader takes it; the payload, as
 * paho hands it over (a pointer and a length with no terminator, copied to
 * a heap block of exactly that size so a read past its end faults),
 * through mqtt_payload_parse() and mqtt_payload_value().
 * Rules:
 *   - a path accepted has 0..JSON_PATH_STEPS steps and parses again to the
 *     very same steps; a refusal says why, in printable ASCII;
 *   - a reading is finite; a payload that gives none says why, in printable
 *     ASCII (it is logged with meter, topic and channel: no byte of the
 *     payload is quoted);
 *   - for a path of keys only, the reading is the number cJSON's own lookup
 *     finds there, bit for bit; where cJSON finds a finite number and the
 *     walk refuses, the key appears more than once on the way.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_payload.h"
#include "gm_err.h"
#include "fuzzlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cJSON's lookup along a path of keys: the number there, or NULL. */
static const cJSON *by_cjson(const cJSON *root, const struct json_path *p)
{
	char key[JSON_PATH_MAX];

	for (int k = 0; root != NULL && k < p->n; k++) {
		memcpy(key, p->text + p->step[k].at, p->step[k].len);
		key[p->step[k].len] = '\0';
		root = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, key) : NULL;
	}
	return cJSON_IsNumber(root) ? root : NULL;
}

static bool keys_only(const struct json_path *p)
{
	for (int k = 0; k < p->n; k++) {
		if (p->step[k].kind != STEP_KEY)
			return false;
	}
	return true;
}

static void fuzz_reading(const struct mqtt_chan *ch, const cJSON *root)
{
	char why[200];
	const cJSON *ref;
	double v;
	int rc = mqtt_payload_value(root, ch, &v, why, sizeof(why));

	if (rc == GM_OK && !isfinite(v))
		fuzz_broken("path \"%s\" gave %g", ch->path.text, v);
	if (rc != GM_OK)
		fuzz_check_reason(why, sizeof(why), "mqtt_payload_value");
	if (!keys_only(&ch->path) || ch->path.n == 0)
		return;
	ref = by_cjson(root, &ch->path);
	if (rc == GM_OK && (ref == NULL || memcmp(&v, &ref->valuedouble, sizeof(v)) != 0))
		fuzz_broken("path \"%s\" read %.17g, cJSON finds %.17g", ch->path.text, v,
		    ref ? ref->valuedouble : NAN);
	if (rc != GM_OK && ref != NULL && isfinite(ref->valuedouble) && !strstr(why, " appears "))
		fuzz_broken("path \"%s\": cJSON finds %.17g, the walk says \"%s\"", ch->path.text,
		    ref->valuedouble, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : size, len = nl ? size - plen - 1 : 0;
	struct mqtt_chan ch = { .scale = { 1, false } };
	struct json_path again;
	char text[JSON_PATH_MAX * 2], why[200];
	cJSON *root;
	void *payload;

	/* printable ASCII, as device keys are (a config line may hold UTF-8
	 * too, which gm_errf keeps: fuzz_check_reason would take it for junk) */
	if (plen >= sizeof(text))
		return 0;
	for (size_t i = 0; i < plen; i++) {
		if (data[i] < 0x20 || data[i] > 0x7e)
			return 0;
	}
	memcpy(text, data, plen);
	text[plen] = '\0';
	if (json_path_parse(text, &ch.path, why, sizeof(why)) != GM_OK) {
		fuzz_check_reason(why, sizeof(why), "json_path_parse");
		return 0;
	}
	if (ch.path.n > JSON_PATH_STEPS || json_path_parse(ch.path.text, &again, why,
	    sizeof(why)) != GM_OK || memcmp(&again, &ch.path, sizeof(again)) != 0)
		fuzz_broken("path \"%s\" does not parse again the same", text);
	if ((payload = malloc(len ? len : 1)) == NULL)
		fuzz_broken("out of memory");
	memcpy(payload, nl ? nl + 1 : data, len);
	if (mqtt_payload_parse(payload, len, &root, why, sizeof(why)) != GM_OK) {
		fuzz_check_reason(why, sizeof(why), "mqtt_payload_parse");
	} else {
		fuzz_reading(&ch, root);
		cJSON_Delete(root);
	}
	free(payload);
	return 0;
}
