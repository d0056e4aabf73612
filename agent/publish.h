/*
 * publish.h - the agent's one connection to the broker (paho MQTTAsync).
 *
 * A thread takes messages from the outbox and publishes them at QoS 1 with
 * up to 256 awaiting PUBACK; an acknowledged message leaves the outbox,
 * and on a lost connection everything in flight is sent again, in order,
 * once reconnected (attempts back off from 1 s to 60 s).
 */
#ifndef GM_PUBLISH_H
#define GM_PUBLISH_H

#include <stdbool.h>

#include "mqtt_opts.h"
#include "outbox.h"

struct publisher;

/* Borrow `opts` and `ob` for the publisher's lifetime. */
struct publisher *publisher_new(const struct mqtt_opts *opts, struct outbox *ob,
    char *err, size_t errlen);
int publisher_start(struct publisher *p);   /* connects in the background */
/* Stop: wait up to drain_ms for the outbox to empty, then disconnect. */
void publisher_stop(struct publisher *p, int drain_ms);
void publisher_free(struct publisher *p);
bool publisher_connected(struct publisher *p);

#endif
