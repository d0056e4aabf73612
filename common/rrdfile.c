/* rrdfile.c - an RRD file's header and single rows, read directly. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The struct definitions of the file format sit behind this switch because
 * librrd's internal functions do; the format itself is fixed (every existing
 * file depends on it), and nothing else from behind it is used. */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "err.h"
#include "rrdfile.h"

static int read_at(int fd, void *buf, size_t len, uint64_t at)
{
	ssize_t got = pread(fd, buf, len, (off_t)at);

	return got == (ssize_t)len ? GM_OK : GM_EIO;
}

/* "RRD", a version of 0003 or later (the ones with microseconds) and the
 * float cookie that shows it was written with this machine's layout. */
static bool head_ok(const stat_head_t *st)
{
	return memcmp(st->cookie, RRD_COOKIE, 4) == 0 && st->version[4] == '\0' &&
	    strcmp(st->version, RRD_VERSION3) >= 0 && st->float_cookie == FLOAT_COOKIE &&
	    st->ds_cnt > 0 && st->ds_cnt <= RRDFILE_MAX_DS && st->rra_cnt > 0 &&
	    st->rra_cnt <= RRDFILE_MAX_RRA && st->pdp_step > 0 && st->pdp_step <= 366 * 86400UL;
}

/* The header's parts, in rrd_open's order: stat head, ds defs, rra defs,
 * live head, pdp prep, cdp prep, rra pointers; then the rows. */
struct layout {
	size_t rra_def, live, rra_ptr, end;
};

static struct layout layout_of(const stat_head_t *st)
{
	struct layout l;

	l.rra_def = sizeof(*st) + st->ds_cnt * sizeof(ds_def_t);
	l.live = l.rra_def + st->rra_cnt * sizeof(rra_def_t);
	l.rra_ptr = l.live + sizeof(live_head_t) + st->ds_cnt * sizeof(pdp_prep_t) +
	    st->ds_cnt * st->rra_cnt * sizeof(cdp_prep_t);
	l.end = l.rra_ptr + st->rra_cnt * sizeof(rra_ptr_t);
	return l;
}

/* The archives, and where their rows start: after the header h. Their
 * sizes must add up to the file's: anything else is not a file we know how
 * to read. (memcpy: h need not be aligned for the structs.) */
static int read_archives(struct rrdfile *f, const stat_head_t *st, const unsigned char *h)
{
	struct layout l = layout_of(st);
	live_head_t live;
	uint64_t at = l.end, row_bytes = st->ds_cnt * sizeof(rrd_value_t);

	memcpy(&live, h + l.live, sizeof(live));
	f->last_up = live.last_up;
	f->ds_cnt = st->ds_cnt;
	f->nrra = (int)st->rra_cnt;
	for (int i = 0; i < f->nrra; i++) {
		struct rrdfile_rra *a = &f->rra[i];
		rra_def_t def;
		rra_ptr_t ptr;

		memcpy(&def, h + l.rra_def + (size_t)i * sizeof(def), sizeof(def));
		memcpy(&ptr, h + l.rra_ptr + (size_t)i * sizeof(ptr), sizeof(ptr));
		a->average = strncmp(def.cf_nam, "AVERAGE", sizeof(def.cf_nam)) == 0;
		a->step = st->pdp_step * def.pdp_cnt;
		a->rows = def.row_cnt;
		a->cur_row = ptr.cur_row;
		a->offset = at;
		if (a->rows == 0 || a->rows > (1UL << 30) || a->step == 0 ||
		    a->cur_row >= a->rows || def.pdp_cnt > (1UL << 30))
			return GM_EINVAL;
		at += a->rows * row_bytes;
	}
	return at == f->size && live.last_up > 0 ? GM_OK : GM_EINVAL;
}

/* The header in one read when it fits in buf, as ours (under 4 kB) does. */
static int read_header(struct rrdfile *f)
{
	unsigned char buf[8192], *h = buf;
	ssize_t got = pread(f->fd, buf, sizeof(buf), 0);
	stat_head_t st;
	size_t len;
	int rc = GM_OK;

	if (got < (ssize_t)sizeof(st))
		return GM_EIO;
	memcpy(&st, buf, sizeof(st));
	if (!head_ok(&st))
		return GM_EINVAL;
	if ((len = layout_of(&st).end) > (size_t)got) {
		if ((h = malloc(len)) == NULL)
			return GM_ENOMEM;
		rc = read_at(f->fd, h, len, 0);
	}
	if (rc == GM_OK)
		rc = read_archives(f, &st, h);
	if (h != buf)
		free(h);
	return rc;
}

int rrdfile_open(const char *path, struct rrdfile *f, char *err, size_t errlen)
{
	struct stat sb;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(f->fd, &sb) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
		rrdfile_close(f);
		return rc;
	}
	f->dev = (uint64_t)sb.st_dev;
	f->ino = (uint64_t)sb.st_ino;
	f->size = (uint64_t)sb.st_size;
	if ((rc = read_header(f)) != GM_OK) {
		rrdfile_close(f);
		return gm_errf(err, errlen, rc, "%s: not an RRD of format 0003 or later made on "
		    "this kind of machine, or cut short", path);
	}
	return GM_OK;
}

void rrdfile_close(struct rrdfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* The end of the newest row and the start of the oldest (the time before
 * its first row), as rrd_fetch works them out. */
static time_t ring_end(const struct rrdfile *f, const struct rrdfile_rra *a)
{
	return f->last_up - f->last_up % (time_t)a->step;
}

static time_t ring_start(const struct rrdfile *f, const struct rrdfile_rra *a)
{
	return ring_end(f, a) - (time_t)(a->step * a->rows);
}

int rrdfile_pick(const struct rrdfile *f, time_t start, unsigned long step)
{
	unsigned long best = 0;
	int pick = -1;

	for (int i = 0; i < f->nrra; i++) {
		const struct rrdfile_rra *a = &f->rra[i];
		unsigned long diff = a->step > step ? a->step - step : step - a->step;

		if (!a->average || ring_start(f, a) > start)
			continue;
		if (pick < 0 || diff < best) {
			pick = i;
			best = diff;
		}
	}
	return pick;
}

int rrdfile_archive(const struct rrdfile *f, unsigned long step)
{
	for (int i = 0; i < f->nrra; i++)
		if (f->rra[i].average && f->rra[i].step == step)
			return i;
	return -1;
}

unsigned long rrdfile_phase(const struct rrdfile *f, int a)
{
	const struct rrdfile_rra *r = &f->rra[a];
	unsigned long newest = (unsigned long)(ring_end(f, r) / (time_t)r->step) % r->rows;

	return (r->cur_row + r->rows - newest) % r->rows;
}

int rrdfile_row(const struct rrdfile *f, int a, time_t t, double *v, size_t nv)
{
	const struct rrdfile_rra *r = &f->rra[a];
	unsigned long slot;

	if (nv < f->ds_cnt || t <= 0 || t % (time_t)r->step != 0 || t > ring_end(f, r) ||
	    t <= ring_start(f, r))
		return GM_ERANGE;
	slot = (rrdfile_phase(f, a) + (unsigned long)(t / (time_t)r->step) % r->rows) % r->rows;
	return read_at(f->fd, v, f->ds_cnt * sizeof(double),
	    r->offset + slot * f->ds_cnt * sizeof(double));
}
