/*
 * mqtt_in.h - readings from meters that publish over MQTT themselves.
 *
 * One connection (a clean session) to the broker of [mqtt], as client
 * "<client_id>-in", subscribed at QoS 1 to every [mqtt_meter]'s topics. Each
 * message is turned into readings (mqtt_payload.h) stamped with the time it
 * arrived and appended to the spool before the message is acknowledged. A
 * payload that gives a channel no reading is logged with meter, topic, the
 * field and why, per channel: at once, then rarely (log.h).
 */
#ifndef GM_MQTT_IN_H
#define GM_MQTT_IN_H

#include <stddef.h>

#include "agent_config.h"
#include "spool.h"

struct mqtt_in;

/* Borrows cfg and sp for its lifetime. NULL with err on failure. */
struct mqtt_in *mqtt_in_new(const struct agent_config *cfg, struct spool *sp, char *err,
    size_t errlen);
int mqtt_in_start(struct mqtt_in *in);
void mqtt_in_free(struct mqtt_in *in);     /* stops first; NULL-safe */

#endif
