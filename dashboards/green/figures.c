/*
 * figures.c - units' monthly use of each resource, from the stored channels.
 *
 * Reading is most of the work, so channels are read by FIG_THREADS threads
 * (one through rrdcached, whose client is not thread-safe), a chunk at a
 * time: each thread takes the next channel of the chunk and leaves its
 * pieces in the channel's own slot; then this thread adds the slots up in
 * channel order. Sums of doubles depend on their order, so this keeps every
 * figure, and the order of the problems, the same whatever the threads do.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usage.h"
#include "gm_err.h"
#include "figures.h"
#include "fiscal.h"
#include "datadir.h"
#include "rrdc.h"
#include "usage_cache.h"

#define MAX_PIECES (FIG_MONTHS + 32)
#define CHUNK 64          /* channels read before they are added up */
#define MAX_THREADS 16

static void year_init(struct fig_year *y, int fy)
{
	memset(y, 0, sizeof(*y));
	y->fy = fy;
	for (int u = 0; u < ORG_MAX_UNITS; u++)
		for (int r = 0; r < RES_N; r++)
			for (int m = 0; m < FIG_MONTHS; m++)
				y->unit[u][r].m[m].amount = NAN;
	for (int r = 0; r < RES_N; r++)
		for (int m = 0; m < FIG_MONTHS; m++)
			y->all[r].m[m].amount = NAN;
}

/* The report's year first, then each baseline year once. */
static int add_year(struct figures *f, int fy)
{
	for (int i = 0; i < f->nyears; i++)
		if (f->year[i].fy == fy)
			return GM_OK;
	if (f->nyears == FIG_MAX_YEARS)
		return GM_ERANGE;
	year_init(&f->year[f->nyears++], fy);
	return GM_OK;
}

static void problem(struct figures *f, const char *msg)
{
	if (f->nproblems < (int)(sizeof(f->problems) / sizeof(f->problems[0])))
		snprintf(f->problems[f->nproblems], sizeof(f->problems[0]), "%.500s", msg);
	f->nproblems++;
}

static void add_source(struct fig_series *s, const struct chan_id *id, double share)
{
	for (int i = 0; i < s->nsrc; i++) {
		if (chan_id_eq(&s->src[i].id, id)) {
			s->src[i].changed |= s->src[i].share != share;
			s->src[i].share = share;
			return;
		}
	}
	if (s->nsrc == FIG_MAX_SOURCES) {
		s->more_src = true;
		return;
	}
	s->src[s->nsrc++] = (struct fig_source){ *id, share, false };
}

static void add_piece(struct fig_month *fm, const struct usage *u, double share)
{
	double len = (double)(u->to - u->from);

	if (!isnan(u->amount))
		fm->amount = (isnan(fm->amount) ? 0 : fm->amount) + share * u->amount;
	fm->expected_s += share * len;
	fm->covered_s += share * len * u->coverage;
	fm->flagged |= usage_flagged(u);
}

/* Month starts of the year and the channel's mapping changes, merged. */
static int piece_bounds(const struct org *o, const struct chan_id *id,
    const time_t *months, time_t *b)
{
	time_t changes[MAX_PIECES - FIG_MONTHS];
	int nc = org_map_changes(o, id, months[0], months[FIG_MONTHS], changes,
	    MAX_PIECES - FIG_MONTHS);
	int n = 0, i = 0, j = 0;

	while (i <= FIG_MONTHS || j < nc) {
		time_t t = j >= nc || (i <= FIG_MONTHS && months[i] <= changes[j]) ?
		    months[i++] : changes[j++];

		if (n == 0 || t > b[n - 1])
			b[n++] = t;
	}
	return n - 1;   /* pieces */
}

static int month_index(const time_t *months, time_t t)
{
	int m = 0;

	while (m + 1 < FIG_MONTHS && months[m + 1] <= t)
		m++;
	return m;
}

/* The series a channel's pieces went to so far, with the share: adding the
 * same source with the same share again changes nothing, and would scan a
 * unit's list of up to FIG_MAX_SOURCES once a piece (most of the time taken
 * by a report from the cache). A series new to the channel counts it once
 * in nchan; room for every unit and the whole, twice over (a mapping that
 * changes its resource within the year). */
#define SEEN_MAX (2 * (ORG_MAX_UNITS + 1))
struct src_seen {
	const struct fig_series *s;
	double share;
};

static void add_source_once(struct src_seen *seen, int *nseen, struct fig_series *s,
    const struct chan_id *id, double share)
{
	int i = 0;

	while (i < *nseen && seen[i].s != s)
		i++;
	if (i < *nseen && seen[i].share == share)
		return;
	if (i == *nseen) {
		s->nchan++;
		if (*nseen < SEEN_MAX)
			(*nseen)++;
	}
	if (i < *nseen)
		seen[i] = (struct src_seen){ s, share };
	add_source(s, id, share);
}

/* Until when the mapping m of the channel stays in force: the next one's
 * date (o->map is sorted by channel, then date). */
static time_t map_until(const struct org *o, const struct meter_map *m,
    const struct chan_id *id)
{
	size_t i = (size_t)(m - o->map) + 1;

	return i < o->nmap && chan_id_eq(&o->map[i].id, id) ? o->map[i].from : (time_t)INT64_MAX;
}

/* Each piece to the units its mapping names then, and to the whole. The
 * mapping is looked up again only where it may have changed. */
static void spread(struct fig_year *y, const struct org *o, const struct chan_id *id,
    const time_t *b, const struct usage *u, int n, const time_t *months)
{
	struct src_seen seen[SEEN_MAX];
	const struct meter_map *m = NULL;
	time_t until = 0;
	int nseen = 0;

	for (int i = 0; i < n; i++) {
		int mi = month_index(months, b[i]);

		if (m == NULL || b[i] >= until) {
			m = org_map_at(o, id, b[i]);
			until = m != NULL ? map_until(o, m, id) : 0;
		}
		if (m == NULL)
			continue;
		for (int k = 0; k < m->nshares; k++) {
			struct fig_series *s = &y->unit[m->shares[k].unit][m->res];

			add_piece(&s->m[mi], &u[i], m->shares[k].share);
			add_source_once(seen, &nseen, s, id, m->shares[k].share);
		}
		add_piece(&y->all[m->res].m[mi], &u[i], 1);
		add_source_once(seen, &nseen, &y->all[m->res], id, 1);
	}
}

/* A mapped channel that cannot be read still should have had readings:
 * its pieces count as expected and not covered, never as nothing. */
static void nothing_read(struct usage *u, const time_t *b, int n)
{
	for (int i = 0; i < n; i++) {
		memset(&u[i], 0, sizeof(u[i]));
		u[i].from = b[i];
		u[i].to = b[i + 1];
		u[i].amount = u[i].mean = u[i].min = u[i].max = NAN;
	}
}

/* Readings but no use: a gauge (W, not kWh) mapped as a resource. */
static bool is_gauge(const struct stored_chan *c, const struct usage *u, int n)
{
	for (int i = 0; c->meta.kind != KIND_DELTA && i < n; i++)
		if (isnan(u[i].amount) && u[i].coverage > 0)
			return true;
	return false;
}

/* A channel the organisation maps but nothing has stored: its months are
 * missing, and the report says which channel. */
static void add_unstored_year(struct figures *f, struct fig_year *y, const struct org *o,
    const struct meter_map *m, const time_t *months)
{
	time_t b[MAX_PIECES + 1];
	struct usage u[MAX_PIECES];
	char msg[512];
	int n = piece_bounds(o, &m->id, months, b);

	snprintf(msg, sizeof(msg), "%s/%s/%s: mapped (organisation file line %d) but nothing "
	    "stored; counted as missing", m->id.site, m->id.meter, m->id.channel, m->line);
	if (y == &f->year[0])
		problem(f, msg);
	nothing_read(u, b, n);
	spread(y, o, &m->id, b, u, n, months);
}

static bool mapped_in(const struct org *o, const struct chan_id *id, const time_t *months)
{
	time_t t[1];

	return org_map_at(o, id, months[FIG_MONTHS] - 1) != NULL ||
	    org_map_changes(o, id, months[0], months[FIG_MONTHS], t, 1) > 0;
}

static int month_starts(int fy, time_t *months)
{
	struct period p;
	int rc = GM_OK;

	for (int k = 0; k < FIG_MONTHS && rc == GM_OK; k++) {
		rc = fiscal_month(fy, k, &p, NULL, NULL);
		months[k] = p.start;
		months[k + 1] = p.end;
	}
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return chan_id_cmp(a, &((const struct stored_chan *)b)->id);
}

/* A month of a series some channel served at some time of the year but no
 * channel served then is missing, not absent: it counts against the
 * completeness of any period holding it. */
static void fill_unserved(struct fig_year *y, const time_t *months)
{
	for (int u = 0; u <= ORG_MAX_UNITS; u++) {
		for (int r = 0; r < RES_N; r++) {
			struct fig_series *s = u < ORG_MAX_UNITS ? &y->unit[u][r] : &y->all[r];

			for (int m = 0; s->nsrc > 0 && m < FIG_MONTHS; m++)
				if (s->m[m].expected_s == 0)
					s->m[m].expected_s = (double)(months[m + 1] - months[m]);
		}
	}
}

/* A channel's years as a reader thread leaves them, to be added up. */
struct chan_read {
	bool skip;                               /* a second file of the channel */
	int nreq;
	int year[FIG_MAX_YEARS];                 /* req[j] is of f->year[year[j]] */
	struct usage_req req[FIG_MAX_YEARS];
	time_t b[FIG_MAX_YEARS][MAX_PIECES + 1];
	struct usage u[FIG_MAX_YEARS][MAX_PIECES];
};

/* What the reader threads share; while they run, only `next` changes, and
 * each thread writes only the channels and slots it took. */
struct reader {
	const char *datadir;
	const struct figures *f;
	const struct org *o;
	const struct fig_opts *opts;
	struct stored_chan *chans;
	time_t (*months)[FIG_MONTHS + 1];
	struct chan_read *slot;
	int c0, nslots;
	atomic_int next;
};

static void read_channel(const struct reader *rd, int c, struct chan_read *s)
{
	struct stored_chan *ch = &rd->chans[c];
	struct rrdc *cached = rd->opts->rrdcached;
	char err[512];

	s->nreq = 0;
	s->skip = c > 0 && by_name(&ch->id, &rd->chans[c - 1]) == 0;
	for (int i = 0; !s->skip && i < rd->f->nyears; i++) {
		struct usage_req *r = &s->req[s->nreq];

		if (!mapped_in(rd->o, &ch->id, rd->months[i]))
			continue;
		s->year[s->nreq++] = i;
		r->bounds = s->b[i];
		r->out = s->u[i];
		r->n = piece_bounds(rd->o, &ch->id, rd->months[i], s->b[i]);
	}
	if (s->nreq == 0)
		return;
	datadir_meta(rd->datadir, ch);   /* here: on this thread, and only if read */
	/* through rrdcached a file holds what it was sent only once flushed */
	if (cached != NULL && ch->meta.kind != KIND_DELTA) {
		int rc = rrdc_flush_file(cached, ch->path, err, sizeof(err));

		for (int j = 0; rc != GM_OK && j < s->nreq; j++) {
			s->req[j].rc = rc;
			snprintf(s->req[j].err, sizeof(s->req[j].err), "%s", err);
		}
		if (rc != GM_OK)
			return;
	}
	usage_cache_series(rd->opts->cache, &ch->id, ch->path, s->req, s->nreq);
}

static void *reader_run(void *arg)
{
	struct reader *rd = arg;
	int k;

	while ((k = atomic_fetch_add(&rd->next, 1)) < rd->nslots)
		read_channel(rd, rd->c0 + k, &rd->slot[k]);
	return NULL;
}

/* A channel's years, read, into the figures: what could not be read, or is
 * a gauge, is a problem and counts as missing. */
static void add_read(struct figures *f, const struct org *o, const struct stored_chan *c,
    struct chan_read *s, time_t months[][FIG_MONTHS + 1])
{
	char msg[1024];

	if (s->skip) {
		snprintf(msg, sizeof(msg), "%.400s: the channel has readings and manual "
		    "entries; only the first file is used", c->path);
		problem(f, msg);
		return;
	}
	for (int j = 0; j < s->nreq; j++) {
		struct usage_req *r = &s->req[j];

		if (r->rc != GM_OK) {
			problem(f, r->err);
			nothing_read(r->out, r->bounds, r->n);
		} else if (is_gauge(c, r->out, r->n)) {
			snprintf(msg, sizeof(msg), "%.700s: has readings but no use (a gauge?) "
			    "though the organisation file maps it; counted as not read", c->path);
			problem(f, msg);
			nothing_read(r->out, r->bounds, r->n);
		}
		spread(&f->year[s->year[j]], o, &c->id, r->bounds, r->out, r->n,
		    months[s->year[j]]);
	}
	f->channels_read += s->nreq > 0;
}

/* Read a chunk on the threads (this one among them), add it up, go on. */
static int load_stored(const char *datadir, struct figures *f, const struct org *o,
    const struct fig_opts *opts, struct stored_chan *chans, int n,
    time_t months[][FIG_MONTHS + 1])
{
	struct reader rd = { .datadir = datadir, .f = f, .o = o, .opts = opts, .chans = chans,
		.months = months };
	int threads = opts->rrdcached != NULL ? 1 : opts->threads > 0 ? opts->threads : FIG_THREADS;
	pthread_t tid[MAX_THREADS];

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if ((rd.slot = malloc(CHUNK * sizeof(*rd.slot))) == NULL)
		return GM_ENOMEM;
	for (rd.c0 = 0; rd.c0 < n; rd.c0 += CHUNK) {
		int started = 0;

		rd.nslots = n - rd.c0 < CHUNK ? n - rd.c0 : CHUNK;
		atomic_store(&rd.next, 0);
		while (started < threads - 1 &&
		    pthread_create(&tid[started], NULL, reader_run, &rd) == 0)
			started++;
		reader_run(&rd);
		for (int t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
		for (int k = 0; k < rd.nslots; k++)
			add_read(f, o, &chans[rd.c0 + k], &rd.slot[k], months);
	}
	free(rd.slot);
	return GM_OK;
}

static void load_unstored(struct figures *f, const struct org *o,
    const struct stored_chan *chans, int n, time_t months[][FIG_MONTHS + 1])
{
	for (size_t k = 0; k < o->nmap; k++) {
		const struct meter_map *m = &o->map[k];

		if (k > 0 && chan_id_eq(&m->id, &o->map[k - 1].id))
			continue;   /* the channel's later mappings: done with its first */
		if (n > 0 && bsearch(&m->id, chans, (size_t)n, sizeof(*chans), by_name) != NULL)
			continue;
		for (int i = 0; i < f->nyears; i++)
			if (mapped_in(o, &m->id, months[i]))
				add_unstored_year(f, &f->year[i], o, m, months[i]);
	}
}

int figures_load(const char *datadir, struct rrdc *cached, const struct org *o, int fy,
    struct figures *f, char *err, size_t errlen)
{
	struct fig_opts opts = { .rrdcached = cached };

	return figures_load_opts(datadir, &opts, o, fy, f, err, errlen);
}

int figures_load_opts(const char *datadir, const struct fig_opts *opts, const struct org *o,
    int fy, struct figures *f, char *err, size_t errlen)
{
	struct stored_chan *chans = NULL;
	time_t months[FIG_MAX_YEARS][FIG_MONTHS + 1];
	int n, rc;

	memset(f, 0, sizeof(*f));
	rc = add_year(f, fy);
	for (int u = 0; rc == GM_OK && u < o->nunits; u++)
		rc = add_year(f, org_baseline(o, u));
	if (rc == GM_OK)
		rc = add_year(f, o->baseline_fy);
	if (rc != GM_OK)
		return gm_errf(err, errlen, rc, "more than %d baseline years", FIG_MAX_YEARS - 1);
	for (int i = 0; i < f->nyears; i++)
		if ((rc = month_starts(f->year[i].fy, months[i])) != GM_OK)
			return gm_errf(err, errlen, rc, "fiscal year %d", f->year[i].fy);
	if ((n = datadir_names(datadir, NULL, NULL, &chans)) < 0)
		return gm_errf(err, errlen, n, "%s: cannot list the channels", datadir);
	if (load_stored(datadir, f, o, opts, chans, n, months) != GM_OK) {
		free(chans);
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	}
	load_unstored(f, o, chans, n, months);
	for (int i = 0; i < f->nyears; i++)
		fill_unserved(&f->year[i], months[i]);
	free(chans);
	return GM_OK;
}

const struct fig_series *figures_get(const struct figures *f, int fy, int unit,
    enum resource r)
{
	for (int i = 0; i < f->nyears; i++) {
		if (f->year[i].fy == fy)
			return unit < 0 ? &f->year[i].all[r] : &f->year[i].unit[unit][r];
	}
	return NULL;
}

struct figures_sum figures_sum_set(const struct fig_series *s, unsigned months)
{
	struct figures_sum sum = { NAN, 0, false, 0 };
	double expected = 0, covered = 0;

	for (int m = 0; m < FIG_MONTHS; m++) {
		const struct fig_month *fm = &s->m[m];

		if (!(months & 1u << m))
			continue;
		if (!isnan(fm->amount))
			sum.amount = (isnan(sum.amount) ? 0 : sum.amount) + fm->amount;
		expected += fm->expected_s;
		covered += fm->covered_s;
		sum.flagged |= fm->flagged;
		if (fm->expected_s > 0 && fm->covered_s >= fm->expected_s * (1 - 1e-9))
			sum.months_complete++;
	}
	sum.completeness = expected > 0 ? covered / expected : 0;
	return sum;
}

struct figures_sum figures_sum(const struct fig_series *s, int m0, int m1)
{
	unsigned months = 0;

	for (int m = m0 < 0 ? 0 : m0; m < m1 && m < FIG_MONTHS; m++)
		months |= 1u << m;
	return figures_sum_set(s, months);
}

double figures_completeness(const struct fig_month *m)
{
	return m->expected_s > 0 ? m->covered_s / m->expected_s : 0;
}

enum resource figures_paper_resource(const struct org *o)
{
	return o->paper_basis == PAPER_BASIS_PRINTED ? RES_PAPER_PRINTED : RES_PAPER_REAMS;
}
