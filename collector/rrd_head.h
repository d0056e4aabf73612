/*
 * rrd_head.h - the exact time of an RRD file's last update, and the value
 * a data source was last given.
 *
 * librrd's public calls (rrd_lastupdate_r, rrd_info_r, rrdcached's LAST and
 * INFO) give it in whole seconds, but the file keeps microseconds, and the
 * collector stores readings to the millisecond. Through rrdcached the
 * difference matters: rrdcached checks an update against the last time it
 * knows, which for a file it has just started caching is the whole second
 * from the header, so it accepts a reading at 12.3 s into a file whose last
 * update is 12.5 s - and then the write of that reading and of every reading
 * queued behind it fails, after the collector was told "enqueued".
 * The collector therefore reads the header itself, through common/store/rrdfile.c:
 * the same reader, and the same judgement of a sane header, as the usage
 * cache's and the store's judge of a damaged file (rrd_store.c), so that
 * what this refuses as GM_EINVAL is found damaged there once it is settled.
 *
 * Times are milliseconds since 1970 (the grid rrd_store.c writes on).
 */
#ifndef GM_RRD_HEAD_H
#define GM_RRD_HEAD_H

#include <stddef.h>
#include <stdint.h>

/* The file's last update in ms, its microseconds rounded to the nearest ms.
 * GM_EIO if it cannot be read (no such file, not a regular file - a FIFO is
 * refused, never waited on - or shorter than its own header), GM_EINVAL if
 * its header is not sane (rrdfile.h: not an RRD of format 3 or later written
 * on a machine like this one, a live head out of range, a size its header
 * does not make), with path and reason in err. */
int rrd_head_last_ms(const char *path, int64_t *ms, char *err, size_t errlen);

/* The same, and the value data source ds was last updated with (what
 * rrd_lastupdate_r reports: the header's last_ds), NAN when it is unknown
 * ("U") or the file has no such data source. One open and one read of the
 * header, where rrd_lastupdate_r maps the whole file: the collector does
 * this for every channel it meets after a start. */
int rrd_head_last(const char *path, const char *ds, int64_t *ms, double *value, char *err,
    size_t errlen);

/* t seconds on the collector's millisecond grid. */
int64_t rrd_ms(double t);

#endif
