/*
 * recent.h - a meter channel's latest readings, newest first: from its RRD
 * file's one-minute rows (the value each minute ended with; the last
 * RECENT_HOURS hours), or a delta channel's latest manual entries.
 */
#ifndef GM_RECENT_H
#define GM_RECENT_H

#include <stdbool.h>
#include <stddef.h>

#include "topic.h"

#define RECENT_MAX 20
#define RECENT_HOURS 6

struct recent_reading {
	double t, v;
};

/* At most max readings into out; the count, or a negative GM_E* code with
 * the reason in err. Behind rrdcached, flush the file first. */
int recent_readings(const char *datadir, const struct chan_id *id, bool journal,
    struct recent_reading *out, int max, char *err, size_t errlen);

#endif
