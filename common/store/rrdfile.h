/*
 * rrdfile.h - an RRD file's header and single rows, read without librrd:
 * the one reader of the header, and the one judge of what a sane header
 * and a channel's file are.
 *
 * Two readers use it: the collector (collector/rrd_head.c: a channel's last
 * reading, at its first sight after every start; rrd_store.c: whether a
 * failing file is damaged), and common/store/usage_cache.c (whether rows it
 * summed before are still the rows rrd_fetch would read: it needs the
 * file's last update, its archives, where each archive's ring starts, and
 * one row).
 *
 * Read with the file format's own structs (rrd.h with RRD_EXPORT_DEPRECATED),
 * in one pread of the header for a file of ours, nothing written. A file is
 * read only when it is a regular file (opened O_NONBLOCK | O_NOFOLLOW: a
 * FIFO or a link at its name is refused at once, fileio.h) and its header
 * is sane:
 *   - "RRD", format 0003 or later, the float cookie of this machine;
 *   - 1..RRDFILE_MAX_DS data sources, 1..RRDFILE_MAX_RRA archives, a step
 *     of 1 s .. 366 days; every archive 1..2^30 rows of 1..2^30 steps, its
 *     newest row one of them;
 *   - a last update in 1970..2100 (the wire contract's times) and its
 *     microseconds 0..999999;
 *   - the file exactly as long as its header and archives make it.
 * Anything else is GM_EINVAL with what is wrong, but a file shorter than its
 * own header, which is GM_EIO ("header cut short", as a read that came
 * short); the caller leaves the file to librrd or judges it. Nothing here
 * prints.
 *
 * Whether a sane file is a channel's - of the layout rrd_layout.h creates -
 * is a question of its own (rrdfile_check_layout): the collector asks it
 * only when a call on the file failed, so that a file librrd cannot use for
 * our rows is judged damaged, not retried for ever.
 *
 * The file stays open from rrdfile_open to rrdfile_close, so a row is read
 * from the very file the header came from.
 */
#ifndef GM_RRDFILE_H
#define GM_RRDFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RRDFILE_MAX_RRA 32
#define RRDFILE_MAX_DS 8
#define RRDFILE_NAME 20      /* the format's DS_NAM_SIZE, DST_SIZE and CF_NAM_SIZE */
#define RRDFILE_LAST_DS 30   /* the format's LAST_DS_LEN */
#define RRDFILE_LAST_UP_MAX 4102444800LL   /* 2100-01-01, the wire contract's end of time */

struct rrdfile_ds {
	char name[RRDFILE_NAME];          /* as in the file, cut to fit a NUL */
	char type[RRDFILE_NAME];          /* GAUGE, ABSOLUTE, ... */
	char last[RRDFILE_LAST_DS + 1];   /* the text of its last update: "U" when unknown */
};

struct rrdfile_rra {
	bool average;           /* consolidation function AVERAGE */
	char cf[RRDFILE_NAME];  /* AVERAGE, LAST, MAX, MIN, ... */
	unsigned long pdp_cnt;  /* steps a row */
	unsigned long step;     /* seconds a row */
	unsigned long rows;
	unsigned long cur_row;  /* the slot of the newest row */
	uint64_t offset;        /* of slot 0 in the file */
};

struct rrdfile {
	int fd;
	uint64_t dev, ino, size;
	time_t last_up;         /* whole seconds, as rrd_fetch uses it */
	long last_up_usec;      /* and its microseconds, 0..999999 */
	unsigned long pdp_step; /* seconds */
	unsigned long ds_cnt;
	struct rrdfile_ds ds[RRDFILE_MAX_DS];
	int nrra;
	struct rrdfile_rra rra[RRDFILE_MAX_RRA];
};

/* Where each part of a header of ds_cnt data sources and rra_cnt archives
 * starts, in the format's order (the format's structs, rrd.h): stat head,
 * ds defs, rra defs, live head, pdp prep (one a data source), cdp prep (one
 * a data source of each archive, archive by archive), rra pointers; the
 * rows start at end. */
struct rrdfile_parts {
	size_t ds_def, rra_def, live, pdp, cdp, rra_ptr, end;
};
struct rrdfile_parts rrdfile_parts(unsigned long ds_cnt, unsigned long rra_cnt);

/* GM_OK; GM_EIO (cannot be read: no such file, not a regular file, a read
 * error, shorter than its own header) or GM_EINVAL (not a sane header, see
 * above), with the path and the reason in err; f is then closed. */
int rrdfile_open(const char *path, struct rrdfile *f, char *err, size_t errlen);

/* Accepts a file that failed to open. */
void rrdfile_close(struct rrdfile *f);

/* GM_OK if the open file f is of the layout every channel's file is made
 * with (rrd_layout.h): its step, its data sources' names and types in
 * order, its archives' consolidation functions, steps and rows in order.
 * What `rrdtool tune` may change without changing what a row holds
 * (heartbeats, minimum and maximum, xff) is not compared. Else GM_EINVAL
 * with path and the first difference in err. */
int rrdfile_check_layout(const struct rrdfile *f, const char *path, char *err, size_t errlen);

/* The bytes of a channel's file, header and rows: every one is exactly
 * this long. */
uint64_t rrdfile_layout_bytes(void);

/* The archive rrd_fetch_r(cf AVERAGE) reads for a fetch from `start` asked
 * for `step` seconds a row: of the archives holding `start`, the one whose
 * step is nearest (the first on a tie; librrd 1.7 rrd_fetch.c). -1 when none
 * holds it: rrd_fetch then takes the best partial one, which we do not
 * predict. */
int rrdfile_pick(const struct rrdfile *f, time_t start, unsigned long step);

/* The first AVERAGE archive of `step` seconds a row, or -1. */
int rrdfile_archive(const struct rrdfile *f, unsigned long step);

/* Archive a's row ending at t sits in slot (phase + t / step) % rows. Updates
 * move the newest row and the slot together, so the phase stays; librrd
 * starts the ring of a file it creates at a random slot, so a file made anew
 * (re-created, restored from a dump) almost surely has another. */
unsigned long rrdfile_phase(const struct rrdfile *f, int a);

/* The ds_cnt values of archive a's row ending at t, into v (nv >= ds_cnt):
 * GM_OK; GM_ERANGE if the archive does not hold such a row (t not a
 * multiple of its step, older than its ring, after the last update); GM_EIO. */
int rrdfile_row(const struct rrdfile *f, int a, time_t t, double *v, size_t nv);

#endif
