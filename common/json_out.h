/*
 * json_out.h - what every JSON answer of ours writes alike: a number that
 * may be unknown (JSON has no NaN: null), and a channel's identity under
 * the same four keys wherever a channel is named ("channel" as
 * "site/meter/channel", and "site", "meter", "channel_id").
 */
#ifndef GM_JSON_OUT_H
#define GM_JSON_OUT_H

#include <cjson/cJSON.h>

#include "topic.h"

/* v, or null when it is NaN or infinite. */
void json_out_num(cJSON *o, const char *key, double v);
void json_out_chan_id(cJSON *o, const struct chan_id *id);

#endif
