/*
 * rrd_store.h - writing meter channels into their RRD files.
 *
 * One file per channel, "<datadir>/<site>/<meter>/<channel>.rrd", created on
 * the channel's first reading with the layout of common/store/rrd_layout.h; the
 * directories are made from validated ids only. A batch of rows is written in
 * one call, by librrd in this process or by rrdcached (rrd_backend.h): the
 * caller does not see which. Either way the collector makes the directories
 * and writes the .meta files itself, so it needs the data directory on its
 * own file system. Errors come back with librrd's (or rrdcached's) reason.
 * Row times are written to the millisecond (rrd_ms()). Threads may call at
 * once (the writers of store_queue.h and the ingesting one), never two on
 * the same channel: the store takes the backend's calls one at a time, but
 * for new files (made in this process by either backend) and librrd's
 * updates, which run side by side (rrd_store_concurrent).
 *
 * A call that fails on a file trying again will not mend says GM_EDAMAGED,
 * with what is wrong: something other than a regular file at its name (a
 * FIFO is never opened blocking, a link never followed), a directory on its
 * way that is a file, or - once the file was last written over 2 s ago - a
 * header that is not sane (rrdfile.h) or a layout other than a channel's.
 * Any other failure may pass (a full disk, rrdcached away) and says so by
 * its own code. docs/operations.md lists the damages for operators.
 */
#ifndef GM_RRD_STORE_H
#define GM_RRD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "topic.h"

struct rrd_store;

struct store_row {
	double t;
	double value;
	double use;      /* NAN: unknown (gauges; a counter's first: 0) */
};

/* A row as an update string "t:value:use" (use NAN: "U"), its time ms
 * since 1970 (rrd_ms of the row's t), so that every backend, and
 * rrd_head.c, agree on it to the last digit. */
#define RRD_ROW_TEXT 96
void rrd_store_row_text(char buf[RRD_ROW_TEXT], int64_t ms, double value, double use);

/* A channel's rows on their way to its file: the channel, what its file is
 * made for (unit, kind, cadence: payload.h) and the rows, in time order. */
struct chan_rows {
	const struct chan_id *id;
	const struct payload_meta *meta;
	const struct store_row *rows;
	size_t n;
};

/* rrdcached NULL or "": librrd writes the files; else rrdcached at that
 * address (rrdc_addr_check, common/store/rrdc.h) does. */
struct rrd_store *rrd_store_open(const char *datadir, const char *rrdcached, char *err,
    size_t errlen);
/* Which backend writes: "librrd" or "rrdcached at ADDRESS". */
const char *rrd_store_backend(const struct rrd_store *s);
/* Makes the files hold everything stored (rrdcached: flushes them). */
void rrd_store_close(struct rrd_store *s);

/* The last reading stored for the channel: *exists false if it has no file.
 * t is exact on the millisecond grid (read from the header: rrd_head.h);
 * through rrdcached the file is flushed first. */
int rrd_store_last(struct rrd_store *s, const struct chan_id *id, bool *exists, double *t,
    double *value, char *err, size_t errlen);

/* Append rows (strictly after what is stored, in time order). A new file is
 * created with a "<channel>.meta" beside it naming unit and kind. GM_ESTALE
 * (nothing stored) if a row is not newer than the file's last update, or
 * not newer than the row before it once times are cut to the millisecond;
 * GM_EINVAL
 * (for good) if the channel keeps delta entries instead (entry_store.h). */
int rrd_store_update(struct rrd_store *s, const struct chan_rows *cr, char *err, size_t errlen);

/* Whether updates run side by side: with librrd; not through rrdcached's
 * one connection, which takes one at a time. New files always do (made in
 * this process, from rrd_template.h, whichever backend): a new file costs
 * what writing its megabyte costs, and on several CPUs several go at once. */
bool rrd_store_concurrent(const struct rrd_store *s);
/* Collectors sharing a data directory (a shared subscription) take the
 * channel's file in turn: an exclusive flock() on it while each reads the
 * file's last reading, computes use from it and writes. Returns the fd
 * holding the lock, STORE_NO_FILE (no file yet: nothing to lock; a new
 * file's race is settled by rrd_store_update. Also when what is there is no
 * file of ours - a FIFO, directory or link, never opened blocking nor
 * followed, or a directory on the way that is a file: the store call that
 * follows judges it damaged) or STORE_LOCK_FAILED (err set: it may pass). */
enum { STORE_NO_FILE = -1, STORE_LOCK_FAILED = -2 };
int rrd_store_lock(struct rrd_store *s, const struct chan_id *id, char *err, size_t errlen);
void rrd_store_unlock(int fd);

/* For readings at ts[0..n) at or before the file's last update last_t:
 * whether the file already has readings there, so a reading there is a
 * repeat, or adds nothing the file does not hold; or not (the file has a
 * gap there), so it comes late. covered[i]: the `value` of the row holding
 * ts[i] or of the row after it is known (at the finest resolution that
 * reaches back that far), or ts[i] is in the row of last_t. A channel read
 * less often than the value's heartbeat (every, its expected seconds
 * between readings, above RRD_VALUE_HEARTBEAT: a dial read by hand each
 * month) has no known `value` between its readings by design: there `use`
 * says instead, known from the file's first reading to its last, so a file
 * of readings imported again is a repeat, not late. */
int rrd_store_covered(struct rrd_store *s, const struct chan_id *id, const double *ts, size_t n,
    double last_t, long every, bool *covered, char *err, size_t errlen);

#endif
