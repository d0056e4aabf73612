/*
 * requeue.h - messages back out of the quarantine (quarantine.h) once their
 * cause is mended: `gm-collector --requeue [SITE/METER/CHANNEL] -c CONFIG`.
 *
 * Each message taken goes through ingest again, in the order it came: the
 * channel is taken back from being set aside first, readings its file holds
 * already count as duplicates (so a requeue run twice stores nothing twice),
 * and a message that still cannot be stored goes back to the quarantine
 * with its reason. Nothing is lost either way: the records leave the
 * quarantine only once every one was dealt with and the write-ahead log
 * holding what was stored is on disk.
 *
 * The collector running on the data directory does the work: `--requeue`
 * leaves a request file "<datadir>/.quarantine/requeue-<pid>.req" (the
 * channel, or "all"), the collector's main loop serves it (requeue_serve)
 * and answers in "requeue-<pid>.done". With no collector holding the data
 * directory (none runs, or they share it in a $share/ group), `--requeue`
 * does the work itself; collectors of a group see the channel taken back by
 * the quarantine's marker.
 */
#ifndef GM_REQUEUE_H
#define GM_REQUEUE_H

#include <pthread.h>
#include <stddef.h>

#include "ingest.h"

struct requeue_report {
	size_t taken;      /* messages taken out of the quarantine */
	size_t readings;   /* the readings in them */
	size_t back;       /* of those readings, back in it: still not storable */
	size_t refused;    /* messages refused again (back in it, by rule) */
	size_t channels;   /* channels taken back from being set aside */
};

/* Requeue the messages of `only` (NULL: all). The caller holds whatever
 * serializes ingest_message. GM_OK, or the quarantine's error (records not
 * dealt with are kept for the next requeue). */
int requeue_run(struct ingest *ig, const struct chan_id *only, struct requeue_report *rep,
    char *err, size_t errlen);

/* "<n> message(s) (<r> readings) taken from the quarantine: ..." */
void requeue_describe(const struct requeue_report *rep, char *buf, size_t len);

/* The running collector: serve the requests waiting in the data directory,
 * taking lock around each. */
void requeue_serve(struct ingest *ig, pthread_mutex_t *lock);

/* The command's side with a collector running: ask it and wait up to
 * wait_s for the answer, printed to stdout. `only`: "site/meter/channel"
 * or NULL. 0 when answered, 1 when the collector answered with an error,
 * 3 when no answer came in time. */
int requeue_ask(const char *datadir, const char *only, double wait_s);

#endif
