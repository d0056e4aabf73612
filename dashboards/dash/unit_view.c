/* unit_view.c - the dashboard's unit figures, through gm-report's own code. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "fiscal.h"
#include "green.h"
#include "kpi.h"
#include "rrdc.h"
#include "unit_view.h"

static void month_res(struct unit_res *u, const struct res_line *l, double elapsed)
{
	u->mapped = l->cur != NULL;
	u->now = l->now.amount;
	u->now_compl = elapsed > 0 ? fmin(1, l->now.completeness / elapsed) : 0;
	u->then = l->base_all.amount;
	u->then_compl = l->base_all.completeness;
	u->then_pro = u->then * elapsed;
	/* nothing yet this month (paper, fuel and waste come as one entry a
	 * month) is no change, not a reduction of 100 % */
	u->change_pct = u->now_compl > 0 ? kpi_reduction_pct(u->then_pro, u->now) : NAN;
	u->flagged = l->now.flagged || l->base_all.flagged;
}

static void fill(struct unit_fig *u, const struct green_unit *month,
    const struct green_unit *sofar, enum resource paper, double elapsed, int closed)
{
	u->unit = month->unit;
	u->baseline_fy = month->baseline_fy;
	for (int r = 0; r < RES_N; r++)
		month_res(&u->res[r], &month->res[r], elapsed);
	u->paper_months = closed;
	u->paper_pct = u->paper_level = NAN;
	u->paper_compl = 0;
	if (sofar == NULL)
		return;
	u->paper_pct = sofar->paper_change;
	u->paper_level = sofar->kpi_level;
	u->paper_compl = fmin(sofar->res[paper].now.completeness,
	    sofar->res[paper].base_all.completeness);
}

/* The share of fiscal month m of fy gone at now, in whole hours: the
 * figures come from hourly rows, and the hour under way has none yet. */
static double month_gone(int fy, int m, double now)
{
	struct period p;
	double hour = floor(now / 3600) * 3600;

	if (fiscal_month(fy, m, &p, NULL, NULL) != GM_OK || p.end <= p.start)
		return 0;
	return fmax(0, fmin(1, (hour - (double)p.start) / (double)(p.end - p.start)));
}

static bool month_start_passed(int fy, int m, double now)
{
	struct period p;

	return fiscal_month(fy, m, &p, NULL, NULL) == GM_OK && (double)p.start <= now;
}

static void fill_all(struct unit_view *v, const struct org *o, const struct green_report *m,
    const struct green_report *s)
{
	v->nunits = o->nunits;
	for (int i = 0; i < o->nunits; i++)
		fill(&v->units[i], &m->units[i], s ? &s->units[i] : NULL, v->paper, v->elapsed,
		    v->month);
	fill(&v->whole, &m->whole, s ? &s->whole : NULL, v->paper, v->elapsed, v->month);
}

int unit_view_build(const struct org *o, const struct criteria *c, const char *datadir,
    struct rrdc *cached, double now, struct unit_view *v, char *err, size_t errlen)
{
	struct figures *f = calloc(1, sizeof(*f));
	struct green_report *m = calloc(1, sizeof(*m)), *s = calloc(1, sizeof(*s));
	struct green_period pm, ps;
	int rc = GM_ENOMEM;

	if (f == NULL || m == NULL || s == NULL)
		goto out;
	memset(v, 0, sizeof(*v));
	v->taken = now;
	v->fy = fiscal_year_of((time_t)now);
	v->month = 0;
	while (v->month < 11 && month_start_passed(v->fy, v->month + 1, now))
		v->month++;
	v->elapsed = month_gone(v->fy, v->month, now);
	v->paper = figures_paper_resource(o);
	if ((rc = figures_load(datadir, cached, o, v->fy, f, err, errlen)) != GM_OK)
		goto out;
	green_period_month(v->fy, v->month + 1, (time_t)now, &pm);
	green_build(o, c, f, &pm, m);
	if (v->month > 0) {
		green_period_first(v->fy, v->month, (time_t)now, &ps);
		green_build(o, c, f, &ps, s);
	}
	fill_all(v, o, m, v->month > 0 ? s : NULL);
	v->nproblems = f->nproblems;
	if (f->nproblems > 0)
		snprintf(v->problem, sizeof(v->problem), "%s", f->problems[0]);
out:
	if (rc == GM_ENOMEM)
		gm_errf(err, errlen, rc, "out of memory");
	free(f);
	free(m);
	free(s);
	return rc;
}
