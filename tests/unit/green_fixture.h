/*
 * green_fixture.h - stored channels for the Green Office tests
 * (test_green.c, test_compare.c): real RRD files and entries journals under
 * <tmpdir>/hq/, written the way the collector leaves them, so the figures
 * come through the real reading code.
 */
#ifndef GM_GREEN_FIXTURE_H
#define GM_GREEN_FIXTURE_H

#include <time.h>

#define FIX_Q 900L   /* a counter reading every 15 minutes */

/* Local midnight of a day in Bangkok, worked out from UTC here (not by
 * the code under test): 00:00 +07 is 17:00 UTC the day before. */
time_t bkk(int y, int m, int d);

/* Use in the quarter hour that ends at t (kWh). */
typedef double (*use_fn)(time_t t, const void *arg);

/* hq/<meter>/kwh, a kWh counter read every 15 minutes from `from` to `to`:
 * each quarter hour uses use(t, arg); nothing read in (gap_a, gap_b), the
 * reading after the gap carrying the quarters it missed. */
void fix_counter(const char *meter, use_fn use, const void *arg, time_t from, time_t to,
    time_t gap_a, time_t gap_b);

/* A use_fn: *(const double *)arg every quarter hour. */
double fix_flat(time_t t, const void *arg);

/* hq/stores/<channel>.entries in reams: entry k is v[k] for the period that
 * ends at t[k]. */
void fix_entries(const char *channel, const time_t *t, const double *v, int n);

#endif
