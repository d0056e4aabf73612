/*
 * outbox.h - messages on their way to the broker, oldest first, kept until
 * the broker acknowledges them (PUBACK). Thread-safe: pollers put, the
 * publisher takes, paho's thread acknowledges.
 *
 * A message leaves the outbox only when acknowledged. If the connection
 * drops, every message in flight goes back to the front, so they are sent
 * again in their original order (the collector drops the duplicates).
 * This outbox lives in memory and is bounded: when full, the oldest message
 * not in flight is dropped, counted and logged by the caller.
 */
#ifndef GM_OUTBOX_H
#define GM_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct outbox;

struct outmsg {
	char *topic;
	char *payload;
	size_t len;
};

struct outbox_stats {
	size_t queued;       /* waiting or in flight */
	size_t inflight;
	uint64_t acked;
	uint64_t dropped;    /* lost to a full outbox */
};

struct outbox *outbox_new(size_t max);
void outbox_free(struct outbox *ob);          /* frees what is still queued */

/* Queue a message; takes ownership of topic and payload (malloc'd).
 * `release` (0 for none) is handed back by outbox_released once this message
 * and all before it are acknowledged: the spool position it completes.
 * Returns the number of older messages dropped to make room (0 normally). */
size_t outbox_put(struct outbox *ob, char *topic, char *payload, uint64_t release);

/* The highest `release` of the messages freed since the last call, or 0. */
uint64_t outbox_released(struct outbox *ob);

/* The oldest message not yet sent, marked in flight; waits up to
 * timeout_ms while there is none or `window` messages are in flight.
 * Returns its key (> 0) and a borrowed view of it valid until it is
 * acknowledged or requeued, or 0 on timeout. */
uint64_t outbox_take(struct outbox *ob, size_t window, int timeout_ms, struct outmsg *view);

/* The broker's token for a message in flight (paho assigns it on send). */
void outbox_set_token(struct outbox *ob, uint64_t key, int token);
/* A PUBACK for `token`. */
void outbox_ack(struct outbox *ob, int token);
/* Sending failed or the connection dropped: all in flight go back to the front. */
void outbox_requeue(struct outbox *ob);
/* Wake outbox_take waiters (at shutdown). */
void outbox_wake(struct outbox *ob);

void outbox_stats(struct outbox *ob, struct outbox_stats *st);

#endif
