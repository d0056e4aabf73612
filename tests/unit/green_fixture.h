/*
 * green_fixture.h - stored channels for the Green Office tests
 * (test_green.c, test_compare.c, test_report_table.c): real RRD files and
 * entries journals under <tmpdir>/hq/, each with its .meta, written the way
 * the collector leaves them, so the figures come through the real reading
 * code. Days are Bangkok days: bkk() in testutil.h.
 */
#ifndef GM_GREEN_FIXTURE_H
#define GM_GREEN_FIXTURE_H

#include <stddef.h>
#include <time.h>

#include "payload.h"

#define FIX_Q 900L   /* a counter reading every 15 minutes */

/* <tmpdir>/hq/<meter>/<channel><suffix> into path, its folders made and
 * its .meta written; a path that does not fit fails the test. */
void fix_chan(const char *meter, const char *channel, const char *suffix, const char *unit,
    enum reading_kind kind, char *path, size_t len);

/* Use in the quarter hour that ends at t (kWh). */
typedef double (*use_fn)(time_t t, const void *arg);

/* hq/<meter>/kwh, a kWh counter read every 15 minutes from `from` to `to`:
 * each quarter hour uses use(t, arg); nothing read in (gap_a, gap_b), the
 * reading after the gap carrying the quarters it missed. */
void fix_counter(const char *meter, use_fn use, const void *arg, time_t from, time_t to,
    time_t gap_a, time_t gap_b);

/* A use_fn: *(const double *)arg every quarter hour. */
double fix_flat(time_t t, const void *arg);

/* hq/stores/<channel>.entries in `unit`: entry k is v[k] for the period
 * that ends at t[k]. */
void fix_entries(const char *channel, const char *unit, const time_t *t, const double *v,
    int n);

#endif
