/*
 * rrdfile.h - an RRD file's header and single rows, read without librrd's
 * rrd_fetch, for common/usage_cache.c: to tell whether rows it summed before
 * are still the rows rrd_fetch would read, it needs the file's last update,
 * its archives, where each archive's ring starts, and one row.
 *
 * Read like collector/rrd_head.c: the file format's own structs (rrd.h with
 * RRD_EXPORT_DEPRECATED), a few preads, nothing written. Only a file of
 * format 0003 or later made on a machine like this one (librrd's float
 * cookie), whose size is exactly what its header describes, is read; anything
 * else is GM_EINVAL, and the caller leaves the file to librrd, which says
 * what is wrong with it. Nothing here prints.
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

struct rrdfile_rra {
	bool average;           /* consolidation function AVERAGE */
	unsigned long step;     /* seconds a row */
	unsigned long rows;
	unsigned long cur_row;  /* the slot of the newest row */
	uint64_t offset;        /* of slot 0 in the file */
};

struct rrdfile {
	int fd;
	uint64_t dev, ino, size;
	time_t last_up;         /* whole seconds, as rrd_fetch uses it */
	unsigned long ds_cnt;
	int nrra;
	struct rrdfile_rra rra[RRDFILE_MAX_RRA];
};

/* GM_OK, or GM_EIO / GM_EINVAL with the reason in err (f is then closed). */
int rrdfile_open(const char *path, struct rrdfile *f, char *err, size_t errlen);

/* Accepts a file that failed to open. */
void rrdfile_close(struct rrdfile *f);

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
