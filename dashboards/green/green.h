/*
 * green.h - the figures of a Green Office report for one period of a fiscal
 * year: for each unit and the whole organisation, each resource against the
 * same months of the baseline year and the unit's target, per person or m2,
 * greenhouse gas, the paper-reduction KPI and the self-evaluation. Built
 * from figures.h; rendered by green_html.c, green_csv.c and green_json.c,
 * which add nothing but words.
 *
 * Rules (docs/reports.md has each with a worked example):
 * - like for like (compare.h): the change, the per-person figure and the
 *   target are over the compared months only: whole months closed by the
 *   period's as-of time with a figure in both years. cmp.now and cmp.then,
 *   the sums over exactly those months, are the amounts printed beside them.
 * - change = kpi_reduction_pct(cmp.then, cmp.now): positive is less use.
 * - per: cmp.now / the unit's headcount (or m2) for the report's year;
 *   per_then: cmp.then / the same for the baseline year; per_change_pct
 *   = kpi_reduction_pct(per_then, per).
 * - target met, judged on the quantity the criteria's indicator names
 *   (criteria.h measure; total when there is no criteria edition):
 *   per <= per_then * (1 - target / 100) per unit, cmp.now <= cmp.then *
 *   (1 - target / 100) in total; when the compared months are complete in
 *   both years (and per unit, both divisors are known); otherwise unknown.
 * - kgCO2e: each month's amount times the factor in force on its first day;
 *   paper counts once, from the KPI's basis. By scope (the GHG Protocol's,
 *   as TGO's organisation footprint uses it): 1 fuel burnt in the unit's
 *   vehicles, 2 electricity bought, 3 paper, water and waste (green_scope).
 *   A scope with no resource measured is NAN, not 0.
 * - paper KPI: cmp.change_pct of the basis resource; level by kpi_level.
 * - units ranked by paper reduction, highest first; NAN last.
 * - forecast: forecast.h, for a period from October with months still to
 *   come; the year's target is the baseline year's whole use (or per person
 *   by its divisor) less the target %.
 * - KPI 1.4: action_plan.h's ladder, level 4 counting the units whose
 *   self-evaluation has a line scored (self_eval.answered).
 */
#ifndef GM_GREEN_H
#define GM_GREEN_H

#include "action_plan.h"
#include "compare.h"
#include "criteria.h"
#include "figures.h"
#include "forecast.h"
#include "kpi.h"
#include "org.h"

enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

enum period_kind { PERIOD_ROUND, PERIOD_QUARTER, PERIOD_MONTH };

struct green_period {
	int fy;
	int m0, m1;          /* months [m0, m1) of the year, 0 = October */
	enum period_kind kind;
	int n;               /* months of the round, the quarter, the month (1 = October) */
	char label[64];      /* English: "round 6", "Q2", "month 3" */
	time_t as_of;        /* the report's as-of time: only months closed by it are compared */
};

struct res_line {
	enum resource res;
	const struct fig_series *cur, *base;   /* NULL: nothing mapped */
	struct figures_sum now;                /* the period's use: every month, one in progress too */
	/* The baseline's months of the period, whole: the dashboard's month in
	 * progress is held against it pro rata (unit_view.h). Never printed
	 * beside a change: cmp.then is. */
	struct figures_sum base_all;
	struct compared cmp;                   /* like for like: the change and its amounts */
	double per, per_value;                 /* cmp.now per person/m2; the divisor */
	double per_then, per_value_then;       /* cmp.then by the baseline year's divisor */
	double per_change_pct;                 /* positive is less use per person/m2 */
	bool judge_per;                        /* the target is judged per person/m2 */
	double target_pct, target_amount;      /* NAN: no target; the amount in total */
	double target_per;                     /* and per person/m2 */
	enum tri met;
	double kg_co2e;                        /* NAN when no factor or no amount */
	int factors_used[12];                  /* indexes into org.factors, -1 none */
	/* To the fiscal year's end (forecast.h): the target of the whole year
	 * in the quantity judged, and for the expected, the best and the worst
	 * case, the KPI level its change reaches and whether the target is met */
	struct forecast fc;
	double fc_target;
	double fc_level[FC_CASES];
	enum tri fc_met[FC_CASES];
};

#define GREEN_ROUNDS 3   /* the cumulative rounds of 6, 9 and 12 months */
#define GREEN_SCOPES 3   /* greenhouse gas scopes 1, 2 and 3 */

struct green_unit {
	int unit;                /* index in org.units; -1: the organisation */
	int baseline_fy;
	/* paper reduction at each round of the year, as far as the period
	 * reaches (NAN beyond it): the trend the summary shows */
	double paper_trend[GREEN_ROUNDS];
	/* and month by month: like for like over the months compared up to
	 * and including month m (0 = October); NAN before the first */
	double paper_cum[FIG_MONTHS];
	double kwh_per_person;   /* whatever the unit's own normaliser */
	struct res_line res[RES_N];
	double paper_change, kpi_level;
	double kg_co2e;          /* sum over resources with a factor */
	double scope_kg[GREEN_SCOPES];   /* kgCO2e of scope 1, 2, 3; NAN: none measured */
	struct checklist cl;
	struct self_eval eval;
	int rank;                /* by paper reduction, 1 = best; 0 for the whole */
};

struct green_report {
	const struct org *org;
	const struct criteria *crit;
	const struct figures *fig;
	struct green_period period;
	struct green_unit units[ORG_MAX_UNITS];
	struct green_unit whole;
	struct action_plan plan;   /* the year's action plan (org.plans/<fy>.ini) */
	struct kpi14 kpi14;        /* KPI 1.4 Green Parliament, from it */
	char problems[16][512];  /* checklist files with mistakes, and the like */
	int nproblems;
};

/* The scope (1..3) a resource's emissions belong to. */
int green_scope(enum resource r);

/* m0/m1 from --round 6|9|12, --quarter 1-4 or --month 1-12 (1 = October),
 * as it stands at as_of (the time the report is made, for gm-report). */
int green_period_round(int fy, int months, time_t as_of, struct green_period *p);
int green_period_quarter(int fy, int q, time_t as_of, struct green_period *p);
int green_period_month(int fy, int m, time_t as_of, struct green_period *p);
/* The first `months` months (1-12), a round of any length: "so far". */
int green_period_first(int fy, int months, time_t as_of, struct green_period *p);

/* Fills *r (large: allocate it). The checklists are read from the org's
 * checklist directory, <fy>/<unit id>.ini. */
void green_build(const struct org *o, const struct criteria *c, const struct figures *f,
    const struct green_period *p, struct green_report *r);

#endif
