/*
 * store_queue.h - rows taken now, written to their RRD files in batches.
 *
 * store_queue_put appends a channel's rows to the write-ahead log (wal.h)
 * and queues them: once it returns GM_OK the rows survive the collector
 * being killed, so the message may be acknowledged. A writer thread writes
 * each queued channel's rows with one rrd_store_update a file - with helper
 * threads, several files at once, where the store allows it
 * (rrd_store_concurrent) - in rounds starting once no row came for
 * SQ_PAUSE_MS or `delay` seconds after the first of them came, whichever is
 * sooner (at once while it is behind), and removes a log segment once every
 * row in it is in its file. Channels seen for the first time get a round of
 * their own SQ_PAUSE_MS after the first of them came, whatever the delay.
 * Many rows a call is what makes a burst cheap: librrd's cost is mostly per
 * call (open, mmap, munmap), not per row.
 *
 * store_queue_open queues again whatever an earlier run left in the log;
 * rows a file holds already are skipped. Anyone about to read a channel's
 * file calls store_queue_settle first. A file written behind the
 * collector's back refuses rows it has newer ones for: they are kept in the
 * channel's events journal as late (as ingest.c does) and counted for
 * store_queue_take_late.
 *
 * Store calls may come from the writers and the caller's thread at once,
 * never two on one channel; the store serializes what must be
 * (rrd_store.h). One thread calls store_queue_put, store_queue_settle and
 * store_queue_take_late.
 */
#ifndef GM_STORE_QUEUE_H
#define GM_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "quarantine.h"
#include "rrd_store.h"
#include "topic.h"

/* Rows queued at most; beyond, store_queue_put says GM_EIO until the writer catches
 * up (the broker keeps the messages meanwhile). */
#define SQ_MAX_ROWS 4000000

/* A pause in the stream this long starts a round before the delay is up
 * (the default; store_queue_set_pause changes it). */
#define SQ_PAUSE_MS 100

struct store_queue;

/* What the queue tells its owner, on the writer's thread: how many rows of
 * a channel are now in its file (not those a replay found there already,
 * nor those kept late), and how many it put in the quarantine because the
 * channel's file is damaged (why: what is wrong). Either may be NULL. */
struct sq_hooks {
	void (*written)(void *user, const struct chan_id *id, size_t n);
	void (*quarantined)(void *user, const struct chan_id *id, size_t n, const char *why);
	void *user;
};

/* A write that fails for a reason that may pass (a full disk, rrdcached
 * away) is tried again after a back-off that doubles from SQ_BACKOFF_MIN_MS
 * to SQ_BACKOFF_MAX_MS, the channel's rows kept in order; other channels are
 * written meanwhile. A channel whose file is damaged (GM_EDAMAGED) is set
 * aside: its rows go to the quarantine (quarantine.h) and are acknowledged
 * there, store_queue_put and store_queue_settle say GM_EDAMAGED for it until store_queue_release.
 * */
#define SQ_BACKOFF_MIN_MS 250
#define SQ_BACKOFF_MAX_MS 4000
/* A file failing this long (seconds) while other files are written is taken
 * as damaged: a failure that passes fails every file alike. */
#define SQ_GIVE_UP_S 600

/* wait_s: how long to wait for another collector's hold on the log (wal.h).
 * dlq: where rows of a damaged file go (not owned). hooks may be NULL; it
 * is copied. GM_OK and *out, or an error naming what failed. */
int store_queue_open(struct store_queue **out, struct rrd_store *s, struct quarantine *dlq,
    const char *datadir, double delay_s, double wait_s, const struct sq_hooks *hooks,
    char *err, size_t errlen);
/* Writes what it can, stops the writer; what could not be written stays in
 * the log for the next start (logged). NULL-safe. */
void store_queue_close(struct store_queue *q);

/* A channel's rows into the log and the queue: GM_OK once they are in
 * the log. GM_EIO while SQ_MAX_ROWS rows wait, while the channel's rows move
 * to the quarantine, or when the log cannot be written; GM_EDAMAGED (and
 * nothing logged) for a channel set aside; GM_ENOMEM. Why is in err. */
int store_queue_put(struct store_queue *q, const struct chan_rows *cr, char *err, size_t errlen);

/* Returns once the channel has no row queued: GM_OK, or the error of the
 * write that failed (the rows stay queued and are tried again), or
 * GM_EDAMAGED with why in err for a channel set aside. */
int store_queue_settle(struct store_queue *q, const struct chan_id *id, char *err, size_t errlen);

/* The channel's file was mended: take its rows again. */
void store_queue_release(struct store_queue *q, const struct chan_id *id);

/* Rows of the channel refused by its file and kept as late since the last
 * call. */
uint64_t store_queue_take_late(struct store_queue *q, const struct chan_id *id);

/* How long a pause in store_queue_put calls starts a round before the delay is up. */
void store_queue_set_pause(struct store_queue *q, double pause_s);
/* How long a file may fail while others are written (SQ_GIVE_UP_S). */
void store_queue_set_give_up(struct store_queue *q, double give_up_s);

/* Make every row put so far durable in the write-ahead log (fdatasync),
 * before something that relies on them is let go (a requeue). */
int store_queue_sync(struct store_queue *q, char *err, size_t errlen);

/* Rows queued now (all channels), for the log and the tests. */
size_t store_queue_queued(struct store_queue *q);

#endif
