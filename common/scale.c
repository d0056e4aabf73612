/* scale.c - unit conversions that divide when the factor means 1/n. */
#include <math.h>

#include "scale.h"

struct scale scale_times(double factor)
{
	struct scale s = { .by = factor, .divide = false };
	double n;

	if (fabs(factor) >= 1)
		return s;
	n = nearbyint(1.0 / factor);
	/* n is exact (below 2^53) and 1/n rounds to the very factor written */
	if (isfinite(n) && fabs(n) <= 9007199254740992.0 && 1.0 / n == factor)
		s = scale_divide(n);
	return s;
}

struct scale scale_divide(double divisor)
{
	struct scale s = { .by = divisor, .divide = true };

	return s;
}

double scale_apply(struct scale s, double number)
{
	return s.divide ? number / s.by : number * s.by;
}

double scale_factor(struct scale s)
{
	return s.divide ? 1.0 / s.by : s.by;
}

double scale_undo(struct scale s, double value)
{
	return s.divide ? value * s.by : value / s.by;
}
