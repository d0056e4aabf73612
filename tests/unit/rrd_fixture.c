/* rrd_fixture.c - channel files for the unit tests; see rrd_fixture.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <rrd.h>

#include "rrd_fixture.h"
#include "rrd_layout.h"
#include "testutil.h"

/* Room for one rrd_update argument "TIME:VALUE:USE": a 64-bit time and two
 * %.17g, 20 + 1 + 24 + 1 + 24 bytes and the NUL. */
#define RRD_ARG_MAX 72

/* rrd_update opens the file once a call: a year of quarter hours one row a
 * call would take minutes. */
#define BATCH 1000

void rrd_fixture_create(const char *path, time_t start, long every)
{
	struct rrd_def def;

	rrd_layout_def(&def, every);
	rrd_clear_error();
	if (rrd_create_r2(path, RRD_STEP, start, 0, NULL, NULL, def.argc, def.argv) != 0)
		fail_msg("rrd_create %s: %s", path, rrd_get_error());
}

static void number(char *buf, size_t len, double x)
{
	if (isnan(x))
		snprintf(buf, len, "U");
	else
		snprintf(buf, len, "%.17g", x);
}

void rrd_fixture_put(const char *path, const struct rrd_row *rows, size_t n)
{
	static char text[BATCH][RRD_ARG_MAX];
	const char *argv[BATCH];
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		char v[32], u[32];

		number(v, sizeof(v), rows[i].value);
		number(u, sizeof(u), rows[i].use);
		snprintf(text[k], sizeof(text[k]), "%lld:%s:%s", (long long)rows[i].t, v, u);
		argv[k] = text[k];
		if (++k < BATCH && i + 1 < n)
			continue;
		rrd_clear_error();
		if (rrd_update_r(path, RRD_TEMPLATE, k, argv) != 0)
			fail_msg("rrd_update %s: %s", path, rrd_get_error());
		k = 0;
	}
}
