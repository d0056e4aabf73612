/*
 * forecast.h - a resource's use to the end of the fiscal year, from the
 * months compared so far and the baseline year's monthly shape. Labelled a
 * forecast wherever it is shown (docs/reports.md, "Forecast").
 *
 * The months compared so far (compare.h) give each month's ratio of this
 * year's use to the baseline's, r_m = cur_m / base_m, and their pooled
 * ratio R = Σ cur / Σ base (the change so far is (1 - R) * 100). The rest
 * of the year is expected to follow the baseline's months scaled alike:
 *     total    = Σ cur (compared) + R * Σ base (the other months)
 *     best/worst = the same with the smallest / largest r_m: the year if
 *                the rest goes like the best / the worst month so far
 * and the change, the KPI level and the target judged on each (the target
 * per person/m2 as the year's own, green.h).
 *
 * Only for a period that starts in October (it then holds every month so
 * far), with at least one month compared and fewer than twelve, and a
 * baseline year whose every month has a figure; otherwise `ok` is false.
 */
#ifndef GM_FORECAST_H
#define GM_FORECAST_H

#include <stdbool.h>

#include "compare.h"

/* The three cases: the pooled ratio, the best month's, the worst month's. */
enum fc_case { FC_EXPECTED, FC_BEST, FC_WORST, FC_CASES };

struct forecast {
	bool ok;
	int months;                          /* compared so far, 1..11 */
	double base_total;                   /* the baseline year's, all 12 months */
	double total[FC_CASES];              /* the year's use in each case */
	double change_pct[FC_CASES];         /* its reduction against base_total */
};

/* From the compared months c (of a period of cur's year) and the two
 * years' series. */
void forecast_year(const struct fig_series *cur, const struct fig_series *base,
    const struct compared *c, struct forecast *f);

#endif
