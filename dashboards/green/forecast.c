/* forecast.c - the fiscal year's use from the months so far and the
 * baseline year's shape (forecast.h). */
#include <math.h>
#include <string.h>

#include "forecast.h"
#include "kpi.h"

void forecast_year(const struct fig_series *cur, const struct fig_series *base,
    const struct compared *c, struct forecast *f)
{
	double so_far = 0, base_so_far = 0, rest = 0, rmin = INFINITY, rmax = -INFINITY, r;

	memset(f, 0, sizeof(*f));
	if (cur == NULL || base == NULL || c->m0 != 0 || c->n == 0 || c->n >= FIG_MONTHS)
		return;
	for (int m = 0; m < FIG_MONTHS; m++) {
		double b = base->m[m].amount;

		if (isnan(b))
			return;   /* the baseline's shape has a hole: no forecast */
		if (!(c->months & (1u << m))) {
			rest += b;
			continue;
		}
		so_far += cur->m[m].amount;
		base_so_far += b;
		if (b > 0) {
			rmin = fmin(rmin, cur->m[m].amount / b);
			rmax = fmax(rmax, cur->m[m].amount / b);
		}
	}
	if (!(base_so_far > 0) || !isfinite(rmin))
		return;
	r = so_far / base_so_far;
	f->ok = true;
	f->months = c->n;
	f->base_total = base_so_far + rest;
	f->total[FC_EXPECTED] = so_far + r * rest;
	f->total[FC_BEST] = so_far + rmin * rest;
	f->total[FC_WORST] = so_far + rmax * rest;
	for (int i = 0; i < FC_CASES; i++)
		f->change_pct[i] = kpi_reduction_pct(f->base_total, f->total[i]);
}
