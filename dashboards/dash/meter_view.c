/* meter_view.c - scan the status file and the data directory into a snapshot. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rrd.h>

#include "usage.h"
#include "entries.h"
#include "gm_err.h"
#include "meter_view.h"
#include "datadir.h"
#include "rrd_layout.h"
#include "rrd_read.h"
#include "rrdfile.h"
#include "rrdc.h"
#include "timeutil.h"

static int row_cmp(const void *a, const void *b)
{
	const struct meter_row *x = a, *y = b;

	return chan_id_cmp(&x->st.id, &y->st.id);
}

/* Rows of the status file; its time in *mtime. */
static int read_status(const char *path, struct meter_row **rows, size_t *n, double *mtime,
    char *err, size_t errlen)
{
	struct chan_record *c;
	struct stat sb;
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL || fstat(fileno(f), &sb) != 0) {
		gm_errf(err, errlen, GM_EIO, "status file %s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return GM_EIO;
	}
	*mtime = (double)sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9;
	rc = status_read(f, &c, n);
	fclose(f);
	if (rc != GM_OK)
		return rc;
	if ((*rows = calloc(*n + 1, sizeof(**rows))) == NULL) {
		free(c);
		return GM_ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		(*rows)[i].st = c[i];
		(*rows)[i].in_status = true;
	}
	free(c);
	return GM_OK;
}

static struct meter_row *find_row(struct meter_row *rows, size_t n, const struct chan_id *id)
{
	struct meter_row key;

	key.st.id = *id;
	return bsearch(&key, rows, n, sizeof(*rows), row_cmp);
}

/* A channel the status file does not name: its last reading from its file. */
static void last_from_file(struct meter_row *r, const char *path)
{
	if (r->journal) {
		struct entries es;
		char err[256];

		if (entries_load(path, &es, err, sizeof(err)) == GM_OK && es.n > 0) {
			r->st.have_last = true;
			r->st.last_t = es.e[es.n - 1].t;
			r->st.last_v = es.e[es.n - 1].v;
		}
		entries_free(&es);
		return;
	}
	time_t last;
	unsigned long nds = 0;
	char **names = NULL, **values = NULL;

	if (rrd_read_lastupdate(path, &last, &nds, &names, &values) != 0) {
		rrd_clear_error();
		return;
	}
	for (unsigned long i = 0; i < nds; i++) {
		if (strcmp(names[i], RRD_DS_VALUE) == 0 && strcmp(values[i], "U") != 0) {
			r->st.have_last = true;
			r->st.last_t = (double)last;
			r->st.last_v = strtod(values[i], NULL);
		}
		free(names[i]);
		free(values[i]);
	}
	free(names);
	free(values);
}

static void chan_path(const char *datadir, const struct meter_row *r, char *buf, size_t len)
{
	if (r->journal)
		entries_path(buf, len, datadir, &r->st.id);
	else
		rrd_layout_path(buf, len, datadir, &r->st.id);
}

static struct meter_use use_of(const struct usage *u, int n)
{
	struct meter_use m = { .known = true, .amount = NAN, .from = u[0].from,
		.to = u[n - 1].to, .flags_to = u[n - 1].to };
	double len = 0, covered = 0;

	for (int i = 0; i < n; i++) {
		if (!isnan(u[i].amount))
			m.amount = (isnan(m.amount) ? 0 : m.amount) + u[i].amount;
		len += (double)(u[i].to - u[i].from);
		covered += (double)(u[i].to - u[i].from) * u[i].coverage;
		m.flagged |= usage_flagged(&u[i]);
	}
	m.coverage = len > 0 ? covered / len : 0;
	return m;
}

/* Where today's figure ends: now, or for an RRD the start of the minute of
 * its last reading, the last whole row the file has (the minute under way
 * is not consolidated yet, and would read as a gap). The status file may
 * name a reading the file does not hold yet (the collector writes rows in
 * rounds, write_delay): the file's own last update bounds it, read after
 * the flush, so that the span ends where the rows are final and gm-report,
 * asked later, reads the same rows. */
static time_t use_end(const struct meter_row *r, const char *path, time_t now)
{
	struct rrdfile f;
	char err[256];
	time_t last;

	if (r->journal || !r->st.have_last || r->st.last_t >= (double)now)
		return now;
	last = (time_t)r->st.last_t;
	if (rrdfile_open(path, &f, err, sizeof(err)) == GM_OK) {
		if (f.last_up < last)
			last = f.last_up;
		rrdfile_close(&f);
	}
	return last - last % RRD_STEP;
}

/* What happened after the last whole row is today's all the same: a reset
 * read as the latest reading is flagged in today's and the month's figure,
 * as gm-report flags it for the same span (usage.h: events belong
 * where their t falls). */
static void flag_since(const char *path, struct meter_row *r, time_t from, time_t now)
{
	time_t b[2] = { from, now };
	struct usage tail;
	char err[512];

	if (usage_pieces(b, 1, &tail, err, sizeof(err)) != GM_OK ||
	    usage_read_events(path, &tail, 1, err, sizeof(err)) != GM_OK)
		return;
	r->today.flags_to = r->month.flags_to = now;
	if (!usage_flagged(&tail))
		return;
	r->today.flagged = r->today.known;
	r->month.flagged = r->month.known;
}

/* Today [day start, its end) from the one-minute rows; the month adds
 * [month start, day start) from the hourly rows. A journal's month is
 * read in one piece. */
static void read_usage(const struct meter_scan_opts *o, struct meter_snap *s,
    struct meter_row *r, time_t now)
{
	char path[4096], err[512];
	time_t today[2] = { s->day_start, now };
	time_t before[2] = { s->month_start, s->day_start };
	struct usage u[2];
	int n = 0;

	chan_path(o->datadir, r, path, sizeof(path));
	if (o->cached != NULL && !r->journal) {
		pthread_mutex_lock(o->lock);
		rrdc_flush_file(o->cached, path, err, sizeof(err));   /* else: what the file has */
		pthread_mutex_unlock(o->lock);
	}
	today[1] = use_end(r, path, now);
	if (r->journal)   /* entries count by month, not by second: read it whole */
		before[1] = today[1];
	if (before[1] > before[0] && usage_series(path, before, 1, &u[n], err, sizeof(err)) == GM_OK)
		n++;
	else if (before[1] > before[0])
		return;
	if (today[1] > today[0] && usage_series(path, today, 1, &u[n], err, sizeof(err)) == GM_OK) {
		r->today = use_of(&u[n], 1);
		n += !r->journal;
	}
	if (n > 0)
		r->month = use_of(u, n);
	if (!r->journal && today[1] < now)
		flag_since(path, r, today[1], now);
}

/* The row of a stored channel: the status file's (sorted, the first
 * nstatus rows), or one added just before (the walk lists a channel with
 * both files twice, side by side); NULL when new. */
static struct meter_row *row_of(struct meter_row *rows, size_t nstatus, size_t n,
    const struct chan_id *id)
{
	struct meter_row *r = find_row(rows, nstatus, id);

	if (r == NULL && n > nstatus && chan_id_cmp(&rows[n - 1].st.id, id) == 0)
		r = &rows[n - 1];
	return r;
}

/* Join the stored channels into the rows, adding those the status file
 * lacks. A channel with an RRD and a journal is read from its RRD. Returns
 * the new count, or GM_ENOMEM. */
static int join_stored(const struct meter_scan_opts *o, struct meter_snap *s, size_t nstatus)
{
	struct stored_chan *sc = NULL;
	int nc = datadir_walk(o->datadir, NULL, NULL, &sc);
	size_t n = nstatus;

	if (nc < 0) {
		gm_errf(s->walk_err, sizeof(s->walk_err), nc, "data directory %s: %s", o->datadir,
		    gm_strerror(nc));
		return (int)n;
	}
	struct meter_row *rows = realloc(s->rows, (n + (size_t)nc + 1) * sizeof(*rows));
	if (rows == NULL) {
		free(sc);
		return GM_ENOMEM;
	}
	s->rows = rows;
	for (int i = 0; i < nc; i++) {
		struct meter_row *r = row_of(rows, nstatus, n, &sc[i].id);
		bool journal = strstr(sc[i].path, ENTRIES_SUFFIX) != NULL;

		if (r == NULL) {
			r = &rows[n++];
			memset(r, 0, sizeof(*r));
			r->st.id = sc[i].id;
			snprintf(r->st.unit, sizeof(r->st.unit), "%s", sc[i].meta.unit);
			r->st.kind = sc[i].meta.kind;
			r->journal = journal;
		} else {
			r->journal = r->stored ? r->journal && journal : journal;
		}
		r->stored = true;
	}
	free(sc);
	return (int)n;
}

/* The organisation's limits for the channel, and whether its last reading
 * keeps them. The org outlives every snapshot (gm-dashboard loads it once). */
static void judge_limits(const struct org *org, struct meter_row *r)
{
	const struct chan_id *id = &r->st.id;

	r->limit = org_meter_limit(org_meter_find(org, id->site, id->meter), id->channel);
	r->out_of_range = r->limit != NULL && r->st.have_last &&
	    (r->st.last_v < r->limit->lo || r->st.last_v > r->limit->hi);
}

struct meter_snap *meter_view_scan(const struct meter_scan_opts *o, const struct meter_snap *prev,
    double now)
{
	struct meter_snap *s = calloc(1, sizeof(*s));
	size_t n = 0;
	int rc;

	if (s == NULL)
		return NULL;
	s->taken = now;
	s->day_start = local_day_start((time_t)now);
	s->month_start = local_month_start((time_t)now);
	if (o->status_file != NULL && o->status_file[0] != '\0' &&
	    read_status(o->status_file, &s->rows, &n, &s->status_mtime, s->status_err,
	    sizeof(s->status_err)) == GM_ENOMEM)
		goto oom;
	if (s->rows != NULL)
		qsort(s->rows, n, sizeof(*s->rows), row_cmp);
	if ((rc = join_stored(o, s, n)) < 0)
		goto oom;
	s->n = (size_t)rc;
	qsort(s->rows, s->n, sizeof(*s->rows), row_cmp);
	for (size_t i = 0; i < s->n; i++) {
		struct meter_row *r = &s->rows[i];
		const struct meter_row *p = prev ? meter_view_find(prev, &r->st.id) : NULL;

		if (!r->in_status && r->stored && !o->usage && p != NULL) {
			r->st.have_last = p->st.have_last;   /* read with the use, not each scan */
			r->st.last_t = p->st.last_t;
			r->st.last_v = p->st.last_v;
		} else if (!r->in_status && r->stored) {
			char path[4096];

			chan_path(o->datadir, r, path, sizeof(path));
			last_from_file(r, path);
		}
		judge_limits(o->org, r);
		if (o->usage && r->stored)
			read_usage(o, s, r, (time_t)now);
		else if (!o->usage && p != NULL && prev->day_start == s->day_start) {
			r->today = p->today;
			r->month = p->month;
		}
	}
	s->usage_at = o->usage ? now : prev && prev->day_start == s->day_start ? prev->usage_at : 0;
	return s;
oom:
	meter_view_free(s);
	return NULL;
}

void meter_view_free(struct meter_snap *s)
{
	if (s == NULL)
		return;
	free(s->rows);
	free(s);
}

size_t meter_view_meter_end(const struct meter_snap *s, size_t i)
{
	const struct chan_id *first = &s->rows[i].st.id;

	while (++i < s->n && strcmp(s->rows[i].st.id.site, first->site) == 0 &&
	    strcmp(s->rows[i].st.id.meter, first->meter) == 0)
		;
	return i;
}

const struct meter_row *meter_view_find(const struct meter_snap *s, const struct chan_id *id)
{
	struct meter_row key;

	if (s == NULL || s->n == 0)
		return NULL;
	key.st.id = *id;
	return bsearch(&key, s->rows, s->n, sizeof(*s->rows), row_cmp);
}

enum chan_status meter_view_status(const struct meter_snap *s, const struct meter_row *r,
    double now)
{
	double at = now;

	if (r->in_status && s->status_mtime > 0 && now - s->status_mtime < 2 * STATUS_FILE_EVERY &&
	    s->status_mtime < now)
		at = s->status_mtime;
	enum chan_status st = chan_status(&r->st, at);

	/* a silent meter is stale, whatever its last reading said */
	return st == STATUS_OK && r->out_of_range ? STATUS_FAULT : st;
}

double meter_view_age(const struct meter_row *r, double now)
{
	return r->st.have_last ? now - r->st.last_t : NAN;
}
