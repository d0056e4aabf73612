/*
 * compare.h - like for like: which months of a period a change against the
 * baseline year compares. The one home of the rule; every resource, every
 * output of a Green Office report (HTML, CSV, JSON) and the dashboard's
 * paper figure go through it. docs/reports.md has a worked example.
 *
 * A month of the period is compared when
 *   - it is a whole local calendar month that has closed by the report's
 *     as-of time (its end <= as_of): the month in progress is not compared,
 *     whatever it holds so far (6 days of December against a whole December
 *     of the baseline year is no reduction), and
 *   - both the report's year and the baseline year have a figure for it (a
 *     known amount; an incomplete month still counts, and is shown
 *     incomplete): a month not entered must not count as a reduction.
 * The change, the per-person (or per-m2) figure and the target are worked
 * out over the compared months only, and the current and baseline amounts
 * printed beside them are the sums over exactly those months, so that
 *     change % = (baseline - current) / baseline * 100
 * reconciles from the printed numbers.
 */
#ifndef GM_COMPARE_H
#define GM_COMPARE_H

#include <stdbool.h>
#include <time.h>

#include "figures.h"

/* Why a month of the period is, or is not, compared. */
enum cmp_why {
	CMP_YES,           /* compared */
	CMP_IN_PROGRESS,   /* the as-of time falls in it */
	CMP_NOT_YET,       /* it begins after the as-of time */
	CMP_NO_DATA,       /* closed, but no figure in the report's year */
	CMP_NO_BASELINE,   /* closed, a figure this year but none in the baseline year */
};
#define CMP_WHY_N 5

struct compared {
	int fy, m0, m1;               /* the period: months [m0, m1) of fy, 0 = October */
	enum cmp_why why[FIG_MONTHS]; /* of each month m0 .. m1 - 1 */
	unsigned months;              /* bit m: month m is compared */
	int n;                        /* months compared */
	struct figures_sum now, then;     /* over exactly the compared months */
	double change_pct;            /* kpi_reduction_pct(then, now); NAN when n is 0 */
};

/* Months [m0, m1) of fiscal year fy at as_of: which are compared, and the
 * sums over them. cur, base: the report's and the baseline year's series
 * (NULL: nothing mapped that year, so nothing to compare). */
void compare_months(const struct fig_series *cur, const struct fig_series *base, int fy,
    int m0, int m1, time_t as_of, struct compared *c);

/* Every month of the period is compared: nothing to say about the span. */
bool compare_whole(const struct compared *c);

/* "compared", "in_progress", "not_yet", "no_data", "no_baseline". */
const char *compare_why_name(enum cmp_why w);

#endif
