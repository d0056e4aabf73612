/*
 * scale.h - a unit conversion, value = number x factor, done so that a
 * factor meant as 1/n divides by n. 1/60000 and 0.001 are not exact in
 * binary: 696000 Wmin x (1/60000) is 11.600000000000001 and 9 x 0.001 is
 * 0.009000000000000001, while 696000 / 60000 and 9 / 1000 are the doubles
 * nearest the true values, 11.6 and 0.009.
 */
#ifndef GM_SCALE_H
#define GM_SCALE_H

#include <stdbool.h>

struct scale {
	double by;      /* the factor, or the divisor when `divide` */
	bool divide;
};

/* value = number x factor (finite, not 0). A factor that is the double
 * nearest 1/n for a whole n (0.001, 0.1, 0.0005) divides by n instead. */
struct scale scale_times(double factor);
/* value = number / divisor (finite, not 0). */
struct scale scale_divide(double divisor);
double scale_apply(struct scale s, double number);
/* The number a value came from: value / factor (or x divisor). */
double scale_undo(struct scale s, double value);
/* The factor as one number (for messages and checks): by, or 1 / by. */
double scale_factor(struct scale s);

#endif
