/*
 * stale_watch.h - notices when a meter channel's status (ok, stale, fault;
 * registry.h) changes between two scans, so that the alert hook fires once
 * per change and not once per scan.
 *
 * A channel seen for the first time counts as changed only when it is not
 * ok: a restarted dashboard alerts again for channels still stale, never
 * for those that are fine. A channel that is no longer in the snapshot is
 * forgotten without an alert.
 */
#ifndef GM_STALE_WATCH_H
#define GM_STALE_WATCH_H

#include <stdbool.h>

#include "meter_view.h"

struct watch_change {
	const struct meter_row *row;   /* in the snapshot given to stale_watch_scan */
	enum chan_status from, to;
	bool first;                    /* first look at the channel: from is meaningless */
	double age;                    /* seconds since its last reading; NAN: never */
};

typedef void (*watch_fn)(void *user, const struct watch_change *c);

struct stale_watch;

struct stale_watch *stale_watch_new(void);      /* NULL when out of memory */
void stale_watch_free(struct stale_watch *w);   /* NULL-safe */

/* Judge every channel of s at now against the last scan; fn is called for
 * each change, in the snapshot's order. Returns the number of changes, or
 * GM_ENOMEM (then nothing is remembered and the next scan repeats them). */
int stale_watch_scan(struct stale_watch *w, const struct meter_snap *s, double now, watch_fn fn,
    void *user);

#endif
