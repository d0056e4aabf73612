/* compare.c - like for like: the months a change compares (compare.h). */
#include <math.h>

#include "compare.h"
#include "gm_err.h"
#include "fiscal.h"
#include "kpi.h"

static bool has_figure(const struct fig_series *s, int m)
{
	return s != NULL && !isnan(s->m[m].amount);
}

static enum cmp_why why_of(const struct fig_series *cur, const struct fig_series *base,
    int fy, int m, time_t as_of)
{
	struct period p;

	if (fiscal_month(fy, m, &p, NULL, NULL) != GM_OK || p.start > as_of)
		return CMP_NOT_YET;
	if (p.end > as_of)
		return CMP_IN_PROGRESS;
	if (!has_figure(cur, m))
		return CMP_NO_DATA;
	if (!has_figure(base, m))
		return CMP_NO_BASELINE;
	return CMP_YES;
}

/* An empty set of months sums to an unknown amount (figures_sum_set). */
static struct figures_sum sum_of(const struct fig_series *s, unsigned months)
{
	return s != NULL ? figures_sum_set(s, months) : (struct figures_sum){ NAN, 0, false, 0 };
}

void compare_months(const struct fig_series *cur, const struct fig_series *base, int fy,
    int m0, int m1, time_t as_of, struct compared *c)
{
	c->fy = fy;
	c->m0 = m0 < 0 ? 0 : m0;
	c->m1 = m1 > FIG_MONTHS ? FIG_MONTHS : m1;
	c->months = 0;
	c->n = 0;
	for (int m = c->m0; m < c->m1; m++) {
		c->why[m] = why_of(cur, base, fy, m, as_of);
		if (c->why[m] == CMP_YES) {
			c->months |= 1u << m;
			c->n++;
		}
	}
	c->now = sum_of(cur, c->months);
	c->then = sum_of(base, c->months);
	c->change_pct = c->n > 0 ? kpi_reduction_pct(c->then.amount, c->now.amount) : NAN;
}

bool compare_whole(const struct compared *c)
{
	return c->n == c->m1 - c->m0;
}

const char *compare_why_name(enum cmp_why w)
{
	static const char *const name[CMP_WHY_N] = {
		"compared", "in_progress", "not_yet", "no_data", "no_baseline",
	};

	return (unsigned)w < CMP_WHY_N ? name[w] : "?";
}
