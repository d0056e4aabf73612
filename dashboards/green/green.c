/* green.c - a Green Office report's figures, from the units' monthly use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "fiscal.h"
#include "green.h"

static int set_period(int fy, int m0, int m1, enum period_kind kind, int n, time_t as_of,
    struct green_period *p)
{
	static const char *const fmt[] = { "round %d", "Q%d", "month %d" };
	struct period check;

	if (fiscal_year(fy, &check) != GM_OK)
		return GM_ERANGE;
	p->fy = fy;
	p->m0 = m0;
	p->m1 = m1;
	p->kind = kind;
	p->n = n;
	p->as_of = as_of;
	snprintf(p->label, sizeof(p->label), fmt[kind], n);
	return GM_OK;
}

int green_period_round(int fy, int months, time_t as_of, struct green_period *p)
{
	if (months != 6 && months != 9 && months != 12)
		return GM_ERANGE;
	return set_period(fy, 0, months, PERIOD_ROUND, months, as_of, p);
}

int green_period_quarter(int fy, int q, time_t as_of, struct green_period *p)
{
	if (q < 1 || q > 4)
		return GM_ERANGE;
	return set_period(fy, 3 * (q - 1), 3 * q, PERIOD_QUARTER, q, as_of, p);
}

int green_period_month(int fy, int m, time_t as_of, struct green_period *p)
{
	if (m < 1 || m > 12)
		return GM_ERANGE;
	return set_period(fy, m - 1, m, PERIOD_MONTH, m, as_of, p);
}

int green_period_first(int fy, int months, time_t as_of, struct green_period *p)
{
	if (months < 1 || months > 12)
		return GM_ERANGE;
	return set_period(fy, 0, months, PERIOD_ROUND, months, as_of, p);
}

/* Month m of the fiscal year (0 = October) starts on this local day. */
static time_t month_start(int fy, int m)
{
	struct period p;

	return fiscal_month(fy, m, &p, NULL, NULL) == GM_OK ? p.start : 0;
}

static bool is_paper(enum resource r)
{
	return r == RES_PAPER_REAMS || r == RES_PAPER_PRINTED;
}

/* kgCO2e with the factor in force on each month's first day. Paper counts
 * once, from the KPI's basis; a month with use but no factor leaves the
 * total unknown rather than short. */
static void ghg(const struct org *o, const struct green_period *p, struct res_line *l)
{
	l->kg_co2e = NAN;
	for (int m = 0; m < 12; m++)
		l->factors_used[m] = -1;
	if (l->cur == NULL || (is_paper(l->res) && l->res != figures_paper_resource(o)))
		return;
	for (int m = p->m0; m < p->m1; m++) {
		const struct emission_factor *ef = org_factor_at(o, l->res, month_start(p->fy, m));
		double a = l->cur->m[m].amount;

		if (isnan(a))
			continue;
		if (ef == NULL) {
			l->kg_co2e = NAN;
			return;
		}
		l->factors_used[m] = (int)(ef - o->factors);
		l->kg_co2e = (isnan(l->kg_co2e) ? 0 : l->kg_co2e) + a * ef->kg_per_unit;
	}
}

/* The whole organisation's headcount: the units' sum, NAN if none gave one. */
static double headcount_all(const struct org *o, int fy)
{
	double sum = NAN;

	for (int u = 0; u < o->nunits; u++) {
		double h = org_headcount(&o->units[u], fy);

		if (!isnan(h))
			sum = (isnan(sum) ? 0 : sum) + h;
	}
	return sum;
}

/* Judged like the change, over the compared months, when they are whole in
 * both years, on the quantity the indicator names. */
static enum tri target_met(const struct res_line *l)
{
	const struct compared *c = &l->cmp;
	double now = l->judge_per ? l->per : c->now.amount;
	double target = l->judge_per ? l->target_per : l->target_amount;

	if (isnan(target) || c->n == 0 || isnan(now))
		return TRI_UNKNOWN;
	if (c->now.completeness < 1 || c->then.completeness < 1)
		return TRI_UNKNOWN;
	return now <= target ? TRI_YES : TRI_NO;
}

static double divided(double amount, double by)
{
	double v = amount / by;

	return isfinite(v) ? v : NAN;
}

/* The divisor of "per unit" for a unit (the whole: its headcount) in fy. */
static double divisor(const struct org *o, int unit, int fy)
{
	return unit >= 0 ? org_per(&o->units[unit], fy) : headcount_all(o, fy);
}

/* The forecast to the year's end, judged like the period (green.h). */
static void year_forecast(const struct org *o, struct res_line *l)
{
	const struct forecast *fc = &l->fc;

	forecast_year(l->cur, l->base, &l->cmp, &l->fc);
	l->fc_target = NAN;
	for (int i = 0; i < FC_CASES; i++) {
		l->fc_level[i] = NAN;
		l->fc_met[i] = TRI_UNKNOWN;
	}
	if (!fc->ok)
		return;
	l->fc_target = (l->judge_per ? fc->base_total / l->per_value_then : fc->base_total) *
	    (1 - l->target_pct / 100);
	for (int i = 0; i < FC_CASES; i++) {
		double v = l->judge_per ? fc->total[i] / l->per_value : fc->total[i];

		l->fc_level[i] = kpi_level(o->kpi_levels, o->kpi_below, fc->change_pct[i]);
		if (isfinite(v) && isfinite(l->fc_target))
			l->fc_met[i] = v <= l->fc_target ? TRI_YES : TRI_NO;
	}
}

static void res_line(const struct green_report *r, int unit, int baseline, enum resource res,
    struct res_line *l)
{
	const struct org *o = r->org;
	const struct green_period *p = &r->period;
	const struct crit_indicator *ind = criteria_meter_indicator(r->crit, res);

	memset(l, 0, sizeof(*l));
	l->res = res;
	l->cur = figures_get(r->fig, p->fy, unit, res);
	l->base = figures_get(r->fig, baseline, unit, res);
	l->now = l->cur != NULL ? figures_sum(l->cur, p->m0, p->m1) :
	    (struct figures_sum){ NAN, 0, 0, 0 };
	l->base_all = l->base != NULL ? figures_sum(l->base, p->m0, p->m1) :
	    (struct figures_sum){ NAN, 0, 0, 0 };
	compare_months(l->cur, l->base, p->fy, p->m0, p->m1, p->as_of, &l->cmp);
	l->per_value = divisor(o, unit, p->fy);
	l->per = divided(l->cmp.now.amount, l->per_value);
	l->per_value_then = divisor(o, unit, baseline);
	l->per_then = divided(l->cmp.then.amount, l->per_value_then);
	l->per_change_pct = isnan(l->per) || isnan(l->per_then) ? NAN :
	    kpi_reduction_pct(l->per_then, l->per);
	l->judge_per = ind != NULL && !ind->total;
	l->target_pct = unit >= 0 ? o->units[unit].target_pct[res] : NAN;
	l->target_amount = l->cmp.then.amount * (1 - l->target_pct / 100);
	l->target_per = l->per_then * (1 - l->target_pct / 100);
	l->met = target_met(l);
	ghg(o, p, l);
	year_forecast(o, l);
}

/* What the meter data says of one meter indicator (criteria.h's 4 items). */
static struct meter_items items_of(const struct res_line *l, const struct checklist *cl,
    const struct green_period *p)
{
	struct meter_items mi = { 0 };

	mi.every_month = l->cur != NULL && l->now.months_complete == p->m1 - p->m0;
	mi.per_unit = isfinite(l->per);
	mi.target_set = !isnan(l->target_amount);
	mi.target_met = l->met == TRI_YES;
	mi.cause_given = cl->cause[l->res].text[0] != '\0';
	return mi;
}

/* A checklist's mistakes go into the report, each with its file:line. */
static void keep_problem(void *user, const char *msg)
{
	struct green_report *r = user;

	if (r->nproblems < (int)(sizeof(r->problems) / sizeof(r->problems[0])))
		snprintf(r->problems[r->nproblems++], sizeof(r->problems[0]), "%.500s", msg);
}

static void evaluate(struct green_report *r, struct green_unit *gu)
{
	const struct criteria *c = r->crit;
	struct meter_items items[CRIT_MAX_INDICATORS];
	char path[4096 + 128];

	snprintf(path, sizeof(path), "%s/%d/%s.ini", r->org->checklists, r->period.fy,
	    r->org->units[gu->unit].id);
	checklist_load(path, c, &gu->cl, keep_problem, r);
	for (int i = 0; i < c->nind; i++) {
		enum resource res = c->ind[i].res;

		if (c->ind[i].source != SRC_METER)
			continue;
		if (is_paper(res))
			res = figures_paper_resource(r->org);
		items[i] = items_of(&gu->res[res], &gu->cl, &r->period);
	}
	checklist_self_evaluate(c, &gu->cl, items, r->org->grades, &gu->eval);
}

/* The KPI at the rounds of 6, 9 and 12 months that the period covers, each
 * like for like as the period's own figure. */
static void trend(struct green_report *r, struct green_unit *gu)
{
	static const int months[GREEN_ROUNDS] = { 6, 9, 12 };
	const struct res_line *l = &gu->res[figures_paper_resource(r->org)];
	struct compared c;

	for (int m = 0; m < FIG_MONTHS; m++) {
		unsigned upto = l->cmp.months & ((2u << m) - 1);

		gu->paper_cum[m] = NAN;
		if (upto != 0 && l->cur != NULL && l->base != NULL)
			gu->paper_cum[m] = kpi_reduction_pct(figures_sum_set(l->base, upto).amount,
			    figures_sum_set(l->cur, upto).amount);
	}
	for (int i = 0; i < GREEN_ROUNDS; i++) {
		gu->paper_trend[i] = NAN;
		if (months[i] > r->period.m1 || r->period.m0 != 0)
			continue;
		compare_months(l->cur, l->base, r->period.fy, 0, months[i], r->period.as_of, &c);
		gu->paper_trend[i] = c.change_pct;
	}
}

int green_scope(enum resource r)
{
	return r == RES_FUEL ? 1 : r == RES_ELECTRICITY ? 2 : 3;
}

static void add_kg(double *sum, double kg)
{
	if (!isnan(kg))
		*sum = (isnan(*sum) ? 0 : *sum) + kg;
}

static void build_unit(struct green_report *r, int unit, struct green_unit *gu)
{
	const struct org *o = r->org;
	enum resource paper = figures_paper_resource(o);

	gu->unit = unit;
	gu->baseline_fy = unit >= 0 ? org_baseline(o, unit) : o->baseline_fy;
	gu->kg_co2e = NAN;
	for (int i = 0; i < GREEN_SCOPES; i++)
		gu->scope_kg[i] = NAN;
	for (int k = 0; k < RES_N; k++) {
		enum resource res = (enum resource)k;

		res_line(r, unit, gu->baseline_fy, res, &gu->res[k]);
		add_kg(&gu->kg_co2e, gu->res[k].kg_co2e);
		add_kg(&gu->scope_kg[green_scope(res) - 1], gu->res[k].kg_co2e);
	}
	gu->paper_change = gu->res[paper].cmp.change_pct;
	gu->kwh_per_person = gu->res[RES_ELECTRICITY].cmp.now.amount / (unit >= 0 ?
	    org_headcount(&o->units[unit], r->period.fy) : headcount_all(o, r->period.fy));
	if (!isfinite(gu->kwh_per_person))
		gu->kwh_per_person = NAN;
	trend(r, gu);
	gu->kpi_level = isnan(gu->paper_change) ? NAN :
	    kpi_level(o->kpi_levels, o->kpi_below, gu->paper_change);
	if (unit >= 0 && r->crit != NULL)
		evaluate(r, gu);
}

static void rank(struct green_report *r)
{
	int n = r->org->nunits;

	for (int i = 0; i < n; i++) {
		double a = r->units[i].paper_change;

		r->units[i].rank = 1;
		for (int j = 0; j < n; j++) {
			double b = r->units[j].paper_change;

			/* NAN ranks below every number; equal figures share a rank */
			if (!isnan(b) && (isnan(a) || b > a))
				r->units[i].rank++;
		}
	}
}

/* KPI 1.4 from the year's action plan and the units' self-evaluations. */
static void green_parliament(struct green_report *r)
{
	char path[4096 + 32];
	int assessed = 0;

	if (r->org->plans[0] != '\0') {
		snprintf(path, sizeof(path), "%s/%d.ini", r->org->plans, r->period.fy);
		action_plan_load(path, r->org, &r->plan, keep_problem, r);
	}
	for (int u = 0; u < r->org->nunits; u++)
		assessed += r->crit != NULL && r->units[u].eval.answered > 0;
	action_plan_level(&r->plan, assessed, r->org->nunits, &r->kpi14);
}

void green_build(const struct org *o, const struct criteria *c, const struct figures *f,
    const struct green_period *p, struct green_report *r)
{
	memset(r, 0, sizeof(*r));
	r->org = o;
	r->crit = c;
	r->fig = f;
	r->period = *p;
	for (int u = 0; u < o->nunits; u++)
		build_unit(r, u, &r->units[u]);
	build_unit(r, -1, &r->whole);
	rank(r);
	green_parliament(r);
}
