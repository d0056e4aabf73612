/* figures.c - units' monthly use of each resource, from the stored channels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumption.h"
#include "err.h"
#include "figures.h"
#include "fiscal.h"
#include "report_walk.h"

#define MAX_PIECES (FIG_MONTHS + 32)

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

/* By name: the bytes after an id's NUL are not set. */
static bool same_chan(const struct chan_id *a, const struct chan_id *b)
{
	return strcmp(a->site, b->site) == 0 && strcmp(a->meter, b->meter) == 0 &&
	    strcmp(a->channel, b->channel) == 0;
}

static void add_source(struct fig_series *s, const struct chan_id *id, double share)
{
	for (int i = 0; i < s->nsrc; i++) {
		if (same_chan(&s->src[i].id, id)) {
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

static void add_channel_year(struct figures *f, struct fig_year *y, const struct org *o,
    const struct stored_chan *c, const time_t *months)
{
	time_t b[MAX_PIECES + 1];
	struct usage u[MAX_PIECES];
	char err[512], msg[1024];
	int n = piece_bounds(o, &c->id, months, b);

	if (usage_series(c->path, b, n, u, err, sizeof(err)) != GM_OK) {
		problem(f, err);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct meter_map *m = org_map_at(o, &c->id, b[i]);
		int mi = month_index(months, b[i]);

		if (m == NULL)
			continue;
		if (isnan(u[i].amount) && c->meta.kind != KIND_DELTA && u[i].coverage > 0) {
			snprintf(msg, sizeof(msg), "%.700s: has readings but no use (a gauge?) "
			    "though mapped as %s (organisation file line %d)", c->path,
			    resource_name(m->res), m->line);
			problem(f, msg);
			return;
		}
		for (int k = 0; k < m->nshares; k++) {
			struct fig_series *s = &y->unit[m->shares[k].unit][m->res];

			add_piece(&s->m[mi], &u[i], m->shares[k].share);
			add_source(s, &c->id, m->shares[k].share);
		}
		add_piece(&y->all[m->res].m[mi], &u[i], 1);
		add_source(&y->all[m->res], &c->id, 1);
	}
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
	int rc;

	if ((rc = fiscal_year(fy, &p)) != GM_OK)
		return rc;
	for (int k = 0; k < FIG_MONTHS; k++) {
		int mon = (k + 9) % 12 + 1;   /* October first */
		int year = ce_year(fy) - (mon >= 10 ? 1 : 0);

		if ((rc = calendar_month(year, mon, &p)) != GM_OK)
			return rc;
		months[k] = p.start;
		months[k + 1] = p.end;
	}
	return GM_OK;
}

int figures_load(const char *datadir, const struct org *o, int fy, struct figures *f,
    char *err, size_t errlen)
{
	struct stored_chan *chans = NULL;
	time_t months[FIG_MAX_YEARS][FIG_MONTHS + 1];
	int n, rc;

	memset(f, 0, sizeof(*f));
	rc = add_year(f, fy);
	for (int u = 0; rc == GM_OK && u < o->nunits; u++)
		rc = add_year(f, org_baseline(o, u));
	if (rc != GM_OK)
		return gm_errf(err, errlen, rc, "more than %d baseline years", FIG_MAX_YEARS - 1);
	for (int i = 0; i < f->nyears; i++)
		if ((rc = month_starts(f->year[i].fy, months[i])) != GM_OK)
			return gm_errf(err, errlen, rc, "fiscal year %d", f->year[i].fy);
	if ((n = report_walk(datadir, NULL, NULL, &chans)) < 0)
		return gm_errf(err, errlen, n, "%s: cannot list the channels", datadir);
	for (int c = 0; c < n; c++) {
		bool read = false;

		for (int i = 0; i < f->nyears; i++) {
			if (!mapped_in(o, &chans[c].id, months[i]))
				continue;
			add_channel_year(f, &f->year[i], o, &chans[c], months[i]);
			read = true;
		}
		f->channels_read += read;
	}
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

struct fig_sum fig_sum(const struct fig_series *s, int m0, int m1)
{
	struct fig_sum sum = { NAN, 0, false, 0 };
	double expected = 0, covered = 0;

	for (int m = m0; m < m1 && m < FIG_MONTHS; m++) {
		const struct fig_month *fm = &s->m[m];

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

double fig_completeness(const struct fig_month *m)
{
	return m->expected_s > 0 ? m->covered_s / m->expected_s : 0;
}

enum resource paper_resource(const struct org *o)
{
	return o->paper_basis == PAPER_BASIS_PRINTED ? RES_PAPER_PRINTED : RES_PAPER_REAMS;
}
