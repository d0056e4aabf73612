/* green_fixture.c - stored channels for the Green Office tests; see
 * green_fixture.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <rrd.h>

#include "chanmeta.h"
#include "gm_err.h"
#include "green_fixture.h"
#include "rrd_layout.h"
#include "testutil.h"

time_t bkk(int y, int m, int d)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return timegm(&tm) - 7 * 3600;
}

static void chan_path(const char *meter, const char *channel, const char *suffix, char *path,
    size_t len)
{
	char hq[256], dir[256];

	/* a path cut short would name another file: fail instead */
	if (snprintf(hq, sizeof(hq), "%s/hq", tmpdir) >= (int)sizeof(hq) ||
	    snprintf(dir, sizeof(dir), "%s/%s", hq, meter) >= (int)sizeof(dir) ||
	    snprintf(path, len, "%s/%s%s", dir, channel, suffix) >= (int)len)
		fail_msg("%s/hq/%s/%s%s: path too long", tmpdir, meter, channel, suffix);
	mkdir(hq, 0755);
	mkdir(dir, 0755);
}

static void meta(const char *meter, const char *channel, const char *unit,
    enum reading_kind kind)
{
	struct chan_id id = id3("hq", meter, channel);
	struct chanmeta m = { .kind = kind };
	char err[256];

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
	char path[256], *argv[1000], buf[1000][RRD_ARG_MAX];
	double v = 1000;
	int n = 0;
	time_t last = from;
	const char **layout;
	int argc = rrd_layout_argv(&layout);

	chan_path(meter, "kwh", ".rrd", path, sizeof(path));
	meta(meter, "kwh", "kWh", KIND_COUNTER);
	rrd_clear_error();
	if (rrd_create_r2(path, RRD_STEP, from - 1, 0, NULL, NULL, argc, layout) != 0)
		fail_msg("rrd_create: %s", rrd_get_error());
	for (time_t t = from; t <= to; t += FIX_Q) {
		double use = 0;

		if (t > gap_a && t < gap_b)
			continue;
		for (time_t q = last + FIX_Q; q <= t; q += FIX_Q)
			use += use_of(q, arg);
		v += use;
		if (t == from)
			snprintf(buf[n], sizeof(buf[n]), "%lld:%.17g:U", (long long)t, v);
		else
			snprintf(buf[n], sizeof(buf[n]), "%lld:%.17g:%.17g", (long long)t, v, use);
		argv[n] = buf[n];
		last = t;
		if (++n == 1000 || t + FIX_Q > to) {
			if (rrd_update_r(path, RRD_TEMPLATE, n, (const char **)argv) != 0)
				fail_msg("rrd_update: %s", rrd_get_error());
			n = 0;
		}
	}
}

void fix_entries(const char *channel, const time_t *t, const double *v, int n)
{
	char path[256];
	FILE *f;

	chan_path("stores", channel, ".entries", path, sizeof(path));
	meta("stores", channel, "ream", KIND_DELTA);
	assert_non_null(f = fopen(path, "w"));
	fputs("greenmeter-entries 1\n", f);
	for (int k = 0; k < n; k++)
		fprintf(f, "%lld %.17g %d %lld\n", (long long)t[k], v[k], k + 1,
		    (long long)t[k] + 60);
	fclose(f);
}
