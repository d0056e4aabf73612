/*
 * publisher.h - from the spool to the broker over one connection.
 *
 * A thread reads the spool in order, turns its readings into messages of the
 * wire contract (a batch per topic when several are waiting, as after an
 * outage: oldest first, with their original times, ahead of newer ones),
 * numbers them per topic, and publishes them at QoS 1 with up to 256 awaiting
 * PUBACK. Only what the broker acknowledged is acknowledged to the spool; on
 * a lost connection everything in flight is sent again, in order, once
 * reconnected. Every `sync_ms` it has the spool fsynced and its
 * acknowledgement and the message numbers saved. A counter's or gauge's
 * message says how often its channel is read ("every"), as the agent's
 * configuration says it now: the spool keeps readings, not settings.
 */
#ifndef GM_PUBLISHER_H
#define GM_PUBLISHER_H

#include <stdbool.h>

#include "mqtt_opts.h"
#include "outbox.h"
#include "seqmap.h"
#include "spool.h"

struct publisher;

/* The seconds expected between readings of a topic's channel, 0 when not
 * known; called on the publisher's thread. */
typedef long (*publisher_every_fn)(void *user, const char *topic);

/* Borrows opts, spool and seqmap for the publisher's lifetime; every (may
 * be NULL: no message says) with every_user likewise. */
struct publisher *publisher_new(const struct mqtt_opts *opts, struct spool *sp,
    struct seqmap *seqs, int sync_ms, publisher_every_fn every, void *every_user,
    char *err, size_t errlen);
int publisher_start(struct publisher *p);   /* connects in the background */
/* Stop: wait up to drain_ms for the spool to be acknowledged, then disconnect. */
void publisher_stop(struct publisher *p, int drain_ms);
void publisher_free(struct publisher *p);
bool publisher_connected(struct publisher *p);

#endif
