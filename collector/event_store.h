/*
 * event_store.h - appending to a channel's events journal,
 * "<datadir>/<site>/<meter>/<channel>.events" (format: common/meter_event.h).
 *
 * The events of one call go in one write() under an exclusive flock()
 * (collectors may share a data directory), then fdatasync(), so a message is
 * acknowledged only once what it caused to be recorded is on disk. A new
 * journal gets its header in that same write.
 */
#ifndef GM_EVENT_STORE_H
#define GM_EVENT_STORE_H

#include <stddef.h>

#include "meter_event.h"
#include "topic.h"

int event_store_append(const char *datadir, const struct chan_id *id,
    const struct meter_event *ev, size_t n, char *err, size_t errlen);

/* The last replaced/reset event of the journal with t >= since: *found says
 * whether there is one. A missing journal has none. */
int event_store_last_announced(const char *datadir, const struct chan_id *id, double since,
    struct meter_event *ev, bool *found, char *err, size_t errlen);

#endif
