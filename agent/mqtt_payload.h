/*
 * mqtt_payload.h - a device's MQTT payload -> the readings of its channels.
 *
 * The payload is parsed once per message, strictly (common/json_in.h): a
 * Shelly's "600000 Wmin" or "12,5" is refused rather than read as 600000
 * or 12. Then each channel takes the number at its JSON path (json_path.h)
 * and converts it by its scale (scale.h). Every refusal says why, naming
 * the field as the channel's path does; gm-agent logs it with meter, topic
 * and channel (mqtt_in.c).
 */
#ifndef GM_MQTT_PAYLOAD_H
#define GM_MQTT_PAYLOAD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "mqtt_meter.h"

#define MQTT_PAYLOAD_MAX 65536   /* bytes; a Tasmota SENSOR payload is under 2 KB */

/* GM_OK with *root (the caller cJSON_Delete()s it), or GM_EINVAL and why. */
int mqtt_payload_parse(const void *payload, size_t len, cJSON **root, char *err,
    size_t errlen);
/* ch's reading in the parsed payload. GM_OK, or GM_EINVAL and why. */
int mqtt_payload_value(const cJSON *root, const struct mqtt_chan *ch, double *out,
    char *err, size_t errlen);

#endif
