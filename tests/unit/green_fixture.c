/* green_fixture.c - stored channels for the Green Office tests; see
 * green_fixture.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "chanmeta.h"
#include "gm_err.h"
#include "green_fixture.h"
#include "rrd_fixture.h"
#include "testutil.h"

void fix_chan(const char *meter, const char *channel, const char *suffix, const char *unit,
    enum reading_kind kind, char *path, size_t len)
{
	struct chan_id id = id3("hq", meter, channel);
	struct chanmeta m = { .kind = kind };
	char hq[256], dir[256], err[256];

	/* a path cut short would name another file: fail instead */
	if (snprintf(hq, sizeof(hq), "%s/hq", tmpdir) >= (int)sizeof(hq) ||
	    snprintf(dir, sizeof(dir), "%s/%s", hq, meter) >= (int)sizeof(dir) ||
	    snprintf(path, len, "%s/%s%s", dir, channel, suffix) >= (int)len)
		fail_msg("%s/hq/%s/%s%s: path too long", tmpdir, meter, channel, suffix);
	mkdir(hq, 0755);
	mkdir(dir, 0755);
	snprintf(m.unit, sizeof(m.unit), "%s", unit);
	if (chanmeta_write(tmpdir, &id, &m, err, sizeof(err)) != GM_OK)
		fail_msg("chanmeta_write: %s", err);
}

double fix_flat(time_t t, const void *arg)
{
	(void)t;
	return *(const double *)arg;
}

void fix_counter(const char *meter, use_fn use_of, const void *arg, time_t from, time_t to,
    time_t gap_a, time_t gap_b)
{
	struct rrd_row *rows = calloc((size_t)((to - from) / FIX_Q + 1), sizeof(*rows));
	char path[256];
	double v = 1000;
	size_t n = 0;
	time_t last = from;

	assert_non_null(rows);
	fix_chan(meter, "kwh", ".rrd", "kWh", KIND_COUNTER, path, sizeof(path));
	rrd_fixture_create(path, from - 1, 0);
	for (time_t t = from; t <= to; t += FIX_Q) {
		double use = 0;

		if (t > gap_a && t < gap_b)
			continue;
		for (time_t q = last + FIX_Q; q <= t; q += FIX_Q)
			use += use_of(q, arg);
		v += use;
		rows[n++] = (struct rrd_row){ t, v, t == from ? NAN : use };
		last = t;
	}
	rrd_fixture_put(path, rows, n);
	free(rows);
}

void fix_entries(const char *channel, const char *unit, const time_t *t, const double *v,
    int n)
{
	char path[256];
	FILE *f;

	fix_chan("stores", channel, ".entries", unit, KIND_DELTA, path, sizeof(path));
	assert_non_null(f = fopen(path, "w"));
	fputs("greenmeter-entries 1\n", f);
	for (int k = 0; k < n; k++)
		fprintf(f, "%lld %.17g %d %lld\n", (long long)t[k], v[k], k + 1,
		    (long long)t[k] + 60);
	fclose(f);
}
