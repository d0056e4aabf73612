/* counter.c - counter differences across wraps and resets. */
#include <math.h>

#include "counter.h"

static int plausible(double amount, double most)
{
	return isnan(most) || amount <= most;
}

double counter_delta(double prev, double cur, double wrap, double most,
    enum counter_event *ev)
{
	double d = cur - prev;

	*ev = COUNTER_OK;
	if (d >= 0)
		return d;
	if (-d <= fabs(prev) * 1e-7)
		return 0;
	if (wrap > 0 && prev < wrap && cur >= 0 && wrap - prev + cur < wrap / 2 &&
	    plausible(wrap - prev + cur, most)) {
		*ev = COUNTER_WRAP;
		return wrap - prev + cur;
	}
	if (cur >= 0 && !isnan(most) && cur <= most) {
		*ev = COUNTER_RESET;
		return cur;
	}
	*ev = COUNTER_RESET_UNCOUNTED;
	return 0;
}
