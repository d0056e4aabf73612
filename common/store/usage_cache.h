/*
 * usage_cache.h - what an RRD channel used in periods whose rows can no
 * longer change, kept in a directory so that a report over closed months
 * does not read and sum their rows again. Results are the same doubles as
 * usage_series (usage.h) gives without it.
 *
 * A piece [from, to) is kept once the file's last update has reached the end
 * of the last row it uses: rrdtool never rewrites such a row (readings older
 * than the last update go to the events journal instead). Kept pieces of a
 * channel are used again only while all of this holds, else they are summed
 * anew and the file rewritten:
 *   - the RRD is the same file: device, inode and size; the same ring phase
 *     of the archive the pieces came from (a file made anew, even in place,
 *     has another: rrdfile.h); a last update not earlier than when the
 *     pieces were kept (an older copy put back); and the newest row any kept
 *     piece used still holds the same values (an older copy put back and
 *     then updated past it: the readings it lost left other rows);
 *   - the series would be read from the same archive (rrd_fetch picks the
 *     archive from the series' start and the last update: a series of the
 *     last 14 days reads minutes, a series older than 5 years days).
 * The events journal is not kept: each call reads it, as usage_series does,
 * so a grown journal counts at once. Entries journals (".entries") are not
 * kept either: they are small and summed whole each time.
 *
 * One file per channel, <dir>/<site>.<meter>.<channel>.usage (mode 0600),
 * named from ids that pass id_valid (topic.h) and nothing else, so no name
 * leaves dir. It is written under a temporary name in dir and renamed. A
 * file that is truncated, corrupt, of another version or machine, or for
 * another channel is ignored and replaced; a cache that cannot be read or
 * written only costs time: never an error, never a different figure.
 *
 * Threads and processes: one struct usage_cache may be used by several
 * threads at once, and a directory by several processes; two writers of one
 * channel's file each write their own temporary file, and the last rename
 * wins with a whole file.
 */
#ifndef GM_USAGE_CACHE_H
#define GM_USAGE_CACHE_H

#include <stddef.h>
#include <time.h>

#include "usage.h"
#include "topic.h"

struct usage_cache;

/* One series of a channel, as usage_series takes it; rc and err are set. */
struct usage_req {
	const time_t *bounds;   /* n + 1, ascending */
	int n;
	struct usage *out;      /* n pieces */
	int rc;                 /* GM_OK, or usage_series's error ... */
	char err[512];          /* ... and its reason */
};

struct usage_cache_stats {
	long hits;      /* pieces taken from the cache */
	long summed;    /* pieces summed from the rows (cache misses) */
	long written;   /* cache files written */
	long ignored;   /* cache files not usable: corrupt, foreign, another version */
	long stale;     /* cache files whose RRD changed (replaced, restored) */
	long failed;    /* cache files that could not be written */
	char error[256];/* the first failure to write, for the log */
};

/* The cache in dir, made (one level, mode 0755 less the umask) if missing.
 * NULL with the reason in err when dir is not a directory that can be made
 * or read; a directory that cannot be written is no error (see failed). */
struct usage_cache *usage_cache_open(const char *dir, char *err, size_t errlen);

/* Accepts NULL. */
void usage_cache_close(struct usage_cache *c);

/* Each req as usage_series(path, bounds, n, out) fills it, for the channel
 * id stored at path, taking kept pieces from the cache and keeping the newly
 * closed ones. c NULL, or a path that is not an RRD file (".rrd") this
 * machine can read the header of: usage_series itself. */
void usage_cache_series(struct usage_cache *c, const struct chan_id *id, const char *path,
    struct usage_req *req, int nreq);

/* What the cache did so far. */
void usage_cache_stats(struct usage_cache *c, struct usage_cache_stats *st);

#endif
