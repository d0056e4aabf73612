/*
 * mqtt_link.h - one MQTT connection that keeps itself up (paho MQTTAsync),
 * shared by gm-agent (publishing) and gm-collector (subscribing).
 *
 * A thread connects, and reconnects after a loss, backing off from 1 s to
 * 15 s; every connect re-subscribes the filters given. A broker that
 * refuses us for a reason retrying cannot cure (connack.h: a bad password,
 * a client id it rejects) is logged once as an error saying what to fix,
 * reminded hourly, and tried again only every opts->refused_retry_s
 * seconds; the link keeps trying (an agent spools meanwhile) and says so
 * when it is let in. Callbacks run on paho's threads:
 *   connected()  the link is up (after each connect);
 *   lost()       the link went down: messages in flight may not arrive;
 *   message()    a message arrived; return 1 once it is safely handled: only
 *                then is it acknowledged (for QoS 1 paho sends PUBACK after
 *                this callback returns), 0 to have it offered again later;
 *   delivered()  the broker acknowledged the publish with this token;
 *   answered()   over MQTT 5, the broker's PUBACK for this token, with its
 *                reason code (0x87: not authorised; 0 or 0x10: taken): once
 *                a publish, after delivered(). Over 3.1.1 a broker that will
 *                not take a message acknowledges it all the same and drops
 *                it: only v5 can tell.
 */
#ifndef GM_MQTT_LINK_H
#define GM_MQTT_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "mqtt_opts.h"

struct mqtt_link;

struct mqtt_link_cb {
	void (*connected)(void *user);
	void (*lost)(void *user);
	int (*message)(void *user, const char *topic, const void *payload, size_t len);
	void (*delivered)(void *user, int token);
	void (*answered)(void *user, int token, int reason);
};

/* clean_session false keeps the broker's queue for us while we are away.
 * `opts` and `cb` are borrowed for the link's lifetime. */
struct mqtt_link *mqtt_link_new(const struct mqtt_opts *opts, bool clean_session,
    const struct mqtt_link_cb *cb, void *user, char *err, size_t errlen);
/* Subscribe to `filter` at QoS 1 on every connect (call before start; may be
 * called for several filters). GM_OK or GM_ENOMEM. */
int mqtt_link_subscribe(struct mqtt_link *l, const char *filter);
int mqtt_link_start(struct mqtt_link *l);
void mqtt_link_stop(struct mqtt_link *l);    /* disconnects; NULL-safe */
void mqtt_link_free(struct mqtt_link *l);    /* NULL-safe */
bool mqtt_link_up(struct mqtt_link *l);
const char *mqtt_link_uri(const struct mqtt_link *l);

/* Publish at QoS 1; *token identifies the later delivered() call.
 * GM_OK, or GM_EIO when not connected or paho refused. */
int mqtt_link_publish(struct mqtt_link *l, const char *topic, const void *payload,
    size_t len, int *token);

#endif
