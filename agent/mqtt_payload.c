/* mqtt_payload.c - a device's payload -> the readings of its channels. */
#include <math.h>

#include "gm_err.h"
#include "json_in.h"
#include "mqtt_payload.h"

int mqtt_payload_parse(const void *payload, size_t len, cJSON **root, char *err,
    size_t errlen)
{
	return json_value_parse(payload, len, MQTT_PAYLOAD_MAX, root, err, errlen);
}

int mqtt_payload_value(const cJSON *root, const struct mqtt_chan *ch, double *out,
    char *err, size_t errlen)
{
	double number, v;
	int rc;

	if ((rc = json_path_number(root, &ch->path, &number, err, errlen)) != GM_OK)
		return rc;
	v = scale_apply(ch->scale, number);
	if (!isfinite(v))
		return gm_errf(err, errlen, GM_EINVAL, "%s times the scale %.17g is out of "
		    "range: %.17g", ch->path.n > 0 ? ch->path.text : "the payload",
		    scale_factor(ch->scale), number);
	*out = v;
	return GM_OK;
}
