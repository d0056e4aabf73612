/* rrdfile.c - an RRD file's header and single rows, read directly; whether
 * it is sane, and whether it is a channel's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The struct definitions of the file format sit behind this switch because
 * librrd's internal functions do; the format itself is fixed (every existing
 * file depends on it), and nothing else from behind it is used. */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "gm_err.h"
#include "fileio.h"
#include "rrd_layout.h"
#include "rrdfile.h"

_Static_assert(RRDFILE_NAME == DS_NAM_SIZE && RRDFILE_NAME == DST_SIZE &&
    RRDFILE_NAME == CF_NAM_SIZE, "rrdfile.h's name size is the format's");
_Static_assert(RRDFILE_LAST_DS == LAST_DS_LEN, "rrdfile.h's last_ds size is the format's");

#define FIRST_READ 4096                /* a channel's whole header (2912 bytes) in one read */
#define STEP_MAX (366 * 86400UL)
#define RING_MAX (1UL << 30)           /* rows of an archive, steps of a row */

static int read_at(int fd, void *buf, size_t len, uint64_t at)
{
	ssize_t got = pread(fd, buf, len, (off_t)at);

	return got == (ssize_t)len ? GM_OK : GM_EIO;
}

/* "RRD", a version of 0003 or later (the ones with microseconds) and the
 * float cookie that shows it was written with this machine's layout; the
 * counts and the step within what a reader can hold. */
static bool head_ok(const stat_head_t *st)
{
	return memcmp(st->cookie, RRD_COOKIE, 4) == 0 && st->version[4] == '\0' &&
	    strcmp(st->version, RRD_VERSION3) >= 0 && st->float_cookie == FLOAT_COOKIE &&
	    st->ds_cnt > 0 && st->ds_cnt <= RRDFILE_MAX_DS && st->rra_cnt > 0 &&
	    st->rra_cnt <= RRDFILE_MAX_RRA && st->pdp_step > 0 && st->pdp_step <= STEP_MAX;
}

struct rrdfile_parts rrdfile_parts(unsigned long ds_cnt, unsigned long rra_cnt)
{
	struct rrdfile_parts l;

	l.ds_def = sizeof(stat_head_t);
	l.rra_def = l.ds_def + ds_cnt * sizeof(ds_def_t);
	l.live = l.rra_def + rra_cnt * sizeof(rra_def_t);
	l.pdp = l.live + sizeof(live_head_t);
	l.cdp = l.pdp + ds_cnt * sizeof(pdp_prep_t);
	l.rra_ptr = l.cdp + ds_cnt * rra_cnt * sizeof(cdp_prep_t);
	l.end = l.rra_ptr + rra_cnt * sizeof(rra_ptr_t);
	return l;
}

/* A name of the file as a string: cut at its NUL or where it must end. */
static void copy_name(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The data sources: names, types and the text of their last update. */
static void read_sources(struct rrdfile *f, const struct rrdfile_parts *l, const unsigned char *h)
{
	for (unsigned long i = 0; i < f->ds_cnt; i++) {
		ds_def_t def;
		pdp_prep_t pdp;

		memcpy(&def, h + l->ds_def + i * sizeof(def), sizeof(def));
		memcpy(&pdp, h + l->pdp + i * sizeof(pdp), sizeof(pdp));
		copy_name(f->ds[i].name, def.ds_nam, sizeof(f->ds[i].name));
		copy_name(f->ds[i].type, def.dst, sizeof(f->ds[i].type));
		copy_name(f->ds[i].last, pdp.last_ds, sizeof(f->ds[i].last));
	}
}

/* The last update: a time of the wire contract, its microseconds within
 * the second. (Its milliseconds must fit an int64_t: rrd_head.h.) */
static int read_live(struct rrdfile *f, const struct rrdfile_parts *l, const unsigned char *h,
    const char *path, char *err, size_t errlen)
{
	live_head_t live;

	memcpy(&live, h + l->live, sizeof(live));
	f->last_up = live.last_up;
	f->last_up_usec = live.last_up_usec;
	if (live.last_up_usec < 0 || live.last_up_usec >= 1000000)
		return gm_errf(err, errlen, GM_EINVAL, "%s: bad microseconds in its live head (%ld)",
		    path, live.last_up_usec);
	if (live.last_up <= 0 || live.last_up > RRDFILE_LAST_UP_MAX)
		return gm_errf(err, errlen, GM_EINVAL, "%s: last update time %lld out of range "
		    "(1970..2100)", path, (long long)live.last_up);
	return GM_OK;
}

/* The archives, and where their rows start: after the header. Their sizes
 * must add up to the file's: anything else is not a file we know how to
 * read. (memcpy: h need not be aligned for the structs.) */
static int read_archives(struct rrdfile *f, const struct rrdfile_parts *l, const unsigned char *h,
    const char *path, char *err, size_t errlen)
{
	uint64_t at = l->end, row_bytes = f->ds_cnt * sizeof(rrd_value_t);

	for (int i = 0; i < f->nrra; i++) {
		struct rrdfile_rra *a = &f->rra[i];
		rra_def_t def;
		rra_ptr_t ptr;

		memcpy(&def, h + l->rra_def + (size_t)i * sizeof(def), sizeof(def));
		memcpy(&ptr, h + l->rra_ptr + (size_t)i * sizeof(ptr), sizeof(ptr));
		copy_name(a->cf, def.cf_nam, sizeof(a->cf));
		a->average = strcmp(a->cf, "AVERAGE") == 0;
		a->pdp_cnt = def.pdp_cnt;
		a->rows = def.row_cnt;
		a->cur_row = ptr.cur_row;
		a->offset = at;
		if (a->rows == 0 || a->rows > RING_MAX || a->pdp_cnt == 0 ||
		    a->pdp_cnt > RING_MAX || a->cur_row >= a->rows)
			return gm_errf(err, errlen, GM_EINVAL, "%s: archive %d: %lu rows of %lu steps, "
			    "the newest in slot %lu: not an archive", path, i, a->rows, a->pdp_cnt,
			    a->cur_row);
		a->step = f->pdp_step * a->pdp_cnt;
		at += a->rows * row_bytes;
	}
	if (at != f->size)
		return gm_errf(err, errlen, GM_EINVAL, "%s: %s: %llu bytes, where its header "
		    "makes %llu", path, f->size < at ? "cut short" : "too long",
		    (unsigned long long)f->size, (unsigned long long)at);
	return GM_OK;
}

/* The header, in one read when it fits in buf, as a channel's does. */
static int read_header(struct rrdfile *f, const char *path, char *err, size_t errlen)
{
	unsigned char buf[FIRST_READ], *h = buf;
	ssize_t got = pread(f->fd, buf, sizeof(buf), 0);
	struct rrdfile_parts l;
	stat_head_t st;
	int rc = GM_OK;

	if (got < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	if ((size_t)got < sizeof(st))
		return gm_errf(err, errlen, GM_EIO, "%s: header cut short (%zd bytes)", path, got);
	memcpy(&st, buf, sizeof(st));
	if (!head_ok(&st))
		return gm_errf(err, errlen, GM_EINVAL, "%s: not an RRD of format 0003 or later made "
		    "on this kind of machine, with 1..%d data sources, 1..%d archives and a step "
		    "of 1 s .. 366 days", path, RRDFILE_MAX_DS, RRDFILE_MAX_RRA);
	l = rrdfile_parts(st.ds_cnt, st.rra_cnt);
	if (l.end > (size_t)got) {
		if (l.end > f->size)
			return gm_errf(err, errlen, GM_EIO, "%s: header cut short (%llu bytes, the "
			    "header alone takes %zu)", path, (unsigned long long)f->size, l.end);
		if ((h = malloc(l.end)) == NULL)
			return gm_errf(err, errlen, GM_ENOMEM, "%s: out of memory", path);
		if ((rc = read_at(f->fd, h, l.end, 0)) != GM_OK)
			gm_errf(err, errlen, rc, "%s: header cut short", path);
	}
	f->pdp_step = st.pdp_step;
	f->ds_cnt = st.ds_cnt;
	f->nrra = (int)st.rra_cnt;
	if (rc == GM_OK && (rc = read_live(f, &l, h, path, err, errlen)) == GM_OK &&
	    (rc = read_archives(f, &l, h, path, err, errlen)) == GM_OK)
		read_sources(f, &l, h);
	if (h != buf)
		free(h);
	return rc;
}

int rrdfile_open(const char *path, struct rrdfile *f, char *err, size_t errlen)
{
	struct stat sb;
	int rc;

	memset(f, 0, sizeof(*f));
	if (fileio_open_regular(path, O_RDONLY, 0, &f->fd, &sb, err, errlen) != GM_OK)
		return GM_EIO;
	f->dev = (uint64_t)sb.st_dev;
	f->ino = (uint64_t)sb.st_ino;
	f->size = (uint64_t)sb.st_size;
	if ((rc = read_header(f, path, err, errlen)) != GM_OK)
		rrdfile_close(f);
	return rc;
}

/* A channel's layout, read from rrd_layout.c's own definitions (the one
 * place it is written down): "DS:name:TYPE:...", "RRA:CF:xff:steps:rows". */
struct channel_layout {
	unsigned long nds;
	int nrra;
	struct rrdfile_ds ds[RRDFILE_MAX_DS];      /* name and type */
	struct rrdfile_rra rra[RRDFILE_MAX_RRA];   /* cf, pdp_cnt and rows */
};

static void channel_layout(struct channel_layout *w)
{
	const char **argv;
	int argc = rrd_layout_argv(&argv);

	memset(w, 0, sizeof(*w));
	for (int i = 0; i < argc; i++) {
		struct rrdfile_ds *d = &w->ds[w->nds];
		struct rrdfile_rra *a = &w->rra[w->nrra];

		if (w->nds < RRDFILE_MAX_DS &&
		    sscanf(argv[i], "DS:%19[^:]:%19[^:]:", d->name, d->type) == 2)
			w->nds++;
		else if (w->nrra < RRDFILE_MAX_RRA && sscanf(argv[i], "RRA:%19[^:]:%*[^:]:%lu:%lu",
		    a->cf, &a->pdp_cnt, &a->rows) == 3)
			w->nrra++;
	}
}

uint64_t rrdfile_layout_bytes(void)
{
	struct channel_layout w;
	uint64_t rows = 0;

	channel_layout(&w);
	for (int i = 0; i < w.nrra; i++)
		rows += w.rra[i].rows;
	return rrdfile_parts(w.nds, (unsigned long)w.nrra).end + rows * w.nds * sizeof(rrd_value_t);
}

/* A name of the file, for a message: any byte but printable ASCII as \xHH. */
static const char *shown(char *buf, size_t len, const char *name)
{
	size_t o = 0;

	for (; *name != '\0' && o + 5 <= len; name++) {
		unsigned char c = (unsigned char)*name;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static int check_sources(const struct rrdfile *f, const struct channel_layout *w,
    const char *path, char *err, size_t errlen)
{
	if (f->ds_cnt != w->nds)
		return gm_errf(err, errlen, GM_EINVAL, "%s: %lu data sources, where a channel's "
		    "file has %lu", path, f->ds_cnt, w->nds);
	for (unsigned long i = 0; i < w->nds; i++) {
		const struct rrdfile_ds *d = &f->ds[i], *want = &w->ds[i];
		char name[4 * RRDFILE_NAME], type[4 * RRDFILE_NAME];

		if (strcmp(d->name, want->name) != 0 || strcmp(d->type, want->type) != 0)
			return gm_errf(err, errlen, GM_EINVAL, "%s: data source %lu is \"%s\" of "
			    "type \"%s\", where a channel's file has %s of type %s", path, i,
			    shown(name, sizeof(name), d->name), shown(type, sizeof(type), d->type),
			    want->name, want->type);
	}
	return GM_OK;
}

/* The file's AVERAGE archives are the layout's, in order. A layout-1 file
 * (rrd_layout.h) also has LAST, MAX and MIN ones, which nothing reads:
 * those are passed over, anything else is not a channel's. */
static int check_archives(const struct rrdfile *f, const struct channel_layout *w,
    const char *path, char *err, size_t errlen)
{
	char cf[4 * RRDFILE_NAME];
	int k = 0;

	for (int i = 0; i < f->nrra; i++) {
		const struct rrdfile_rra *a = &f->rra[i], *want = &w->rra[k];

		if (!a->average && (strcmp(a->cf, "LAST") == 0 || strcmp(a->cf, "MAX") == 0 ||
		    strcmp(a->cf, "MIN") == 0))
			continue;
		if (k == w->nrra || strcmp(a->cf, want->cf) != 0 || a->pdp_cnt != want->pdp_cnt ||
		    a->rows != want->rows)
			return gm_errf(err, errlen, GM_EINVAL, "%s: archive %d is \"%s\" of %lu "
			    "step(s) x %lu rows, where a channel's file has %s", path, i,
			    shown(cf, sizeof(cf), a->cf), a->pdp_cnt, a->rows, k == w->nrra ?
			    "no more" : "AVERAGE of the layout's next steps and rows");
		k++;
	}
	if (k != w->nrra)
		return gm_errf(err, errlen, GM_EINVAL, "%s: %d archives of the layout's %d", path, k,
		    w->nrra);
	return GM_OK;
}

int rrdfile_check_layout(const struct rrdfile *f, const char *path, char *err, size_t errlen)
{
	struct channel_layout w;
	int rc;

	channel_layout(&w);
	if (f->pdp_step != RRD_STEP)
		return gm_errf(err, errlen, GM_EINVAL, "%s: a step of %lu s, where a channel's "
		    "file has %d s", path, f->pdp_step, RRD_STEP);
	if ((rc = check_sources(f, &w, path, err, errlen)) != GM_OK)
		return rc;
	return check_archives(f, &w, path, err, errlen);
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
