/* counter.c - counter differences across wraps and resets. */
#include <math.h>

#include "counter.h"

double counter_delta(double prev, double cur, double wrap, enum counter_event *ev)
{
	double d = cur - prev;

	*ev = COUNTER_OK;
	if (d >= 0)
		return d;
	/* A float32 register can read a hair lower on a re-read: not a reset. */
	if (-d <= fabs(prev) * 1e-7)
		return 0;
	if (wrap > 0 && prev < wrap && cur >= 0 && wrap - prev + cur < wrap / 2) {
		*ev = COUNTER_WRAP;
		return wrap - prev + cur;
	}
	*ev = COUNTER_RESET;
	return 0;
}
