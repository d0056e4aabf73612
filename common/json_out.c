/* json_out.c - numbers and channel ids in our JSON answers. */
#include <math.h>

#include "json_out.h"

void json_out_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void json_out_chan_id(cJSON *o, const struct chan_id *id)
{
	char s[3 * (ID_MAX + 1)];

	chan_id_str(id, s, sizeof(s));
	cJSON_AddStringToObject(o, "channel", s);
	cJSON_AddStringToObject(o, "site", id->site);
	cJSON_AddStringToObject(o, "meter", id->meter);
	cJSON_AddStringToObject(o, "channel_id", id->channel);
}
