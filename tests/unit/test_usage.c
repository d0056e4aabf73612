/*
 * test_usage.c - amounts, coverage and gaps read back from a channel's
 * RRD file (common/store/usage.c with the layout of common/store/rrd_layout.c).
 *
 * Real RRD files are made in a temporary directory with the layout the
 * collector uses and fed rows written here by hand: `value` is the counter
 * (or gauge) as read, `use` the amount since the reading before. An RRD row
 * ending at t covers (t - step, t].
 *
 * Times: T0 = 2024-01-01T00:00:00Z = 1704067200 (2023-01-01 is 53 * 365 +
 * 13 leap days = 19358 days = 1672531200 s after 1970, and 2023 has 365 days:
 * 1672531200 + 365 * 86400 = 1704067200), a whole hour and minute.
 *
 * Use values are multiples of 0.25 and times whole minutes, so every sum
 * below is exact in binary; rrdtool stores use as a rate (use / seconds), so
 * amounts are compared to within 1e-9.
 *
 * Delta channels keep an entries journal instead (common/store/entries.h), written
 * here by hand; its sums are exact and compared exactly. Their months are
 * local, Asia/Bangkok (UTC+7): month M starts at 00:00 +07, 7 hours before
 * 00:00 UTC, and `date -d '2024-08-01 00:00' +%s` with TZ=Asia/Bangkok says
 *   JUL 2024-07-01 = 1719766800   AUG 2024-08-01 = 1722445200
 *   SEP 2024-09-01 = 1725123600   OCT 2024-10-01 = 1727715600
 *   NOV 2024-11-01 = 1730394000
 * (JUL = 2024-07-01T00:00Z 1719792000 - 25200; then + 31, 31, 30, 31 days).
 * A month's entry carries the month's end as t: July's is at AUG.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "usage.h"
#include "gm_err.h"
#include "rrd_fixture.h"
#include "rrd_layout.h"
#include "testutil.h"
#include "timeutil.h"

#define T0 1704067200L
#define DAY 86400L
#define EPS 1e-9

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s.rrd", tmpdir, name);
}

/* A channel file with the collector's layout, last updated at `last_up`. */
static void make_rrd(const char *name, long last_up)
{
	char path[128];

	path_of(path, sizeof(path), name);
	rrd_fixture_create(path, (time_t)last_up, 0);
}

static void feed(const char *name, const struct rrd_row *rows, size_t n)
{
	char path[128];

	path_of(path, sizeof(path), name);
	rrd_fixture_put(path, rows, n);
}

static void get(const char *name, long from, long to, struct usage *u)
{
	char path[128], err[512] = "";

	path_of(path, sizeof(path), name);
	if (usage_get(path, (time_t)from, (time_t)to, u, err, sizeof(err)) != GM_OK)
		fail_msg("usage_get %s: %s", path, err);
	assert_int_equal(u->from, from);
	assert_int_equal(u->to, to);
}

static void expect_near(const char *what, double got, double want)
{
	if (!(fabs(got - want) <= EPS))
		fail_msg("%s: %.17g, want %.17g", what, got, want);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("consumption");
}

/*
 * A counter read every minute, T0 .. T0 + 600. The first reading has no
 * use (nothing to count from); then the amounts since the one before:
 *   minute   1     2     3   4    5     6  7    8     9    10
 *   use      0.5   1.25  2   0    3.5   0.75 1  2.25  0.5  1.5
 *   value    1000.5 1001.75 1003.75 1003.75 1007.25 1008 1009 1011.25
 *            1011.75 1013.25
 * total use 0.5 + 1.25 + 2 + 0 + 3.5 + 0.75 + 1 + 2.25 + 0.5 + 1.5 = 13.25
 *   = 1013.25 - 1000, the counter difference.
 */
static const double minute_use[10] = { 0.5, 1.25, 2, 0, 3.5, 0.75, 1, 2.25, 0.5, 1.5 };

static void make_minutes(const char *name)
{
	struct rrd_row rows[11];
	double v = 1000;

	make_rrd(name, T0 - 60);
	rows[0] = (struct rrd_row){ T0, v, NAN };
	for (int k = 1; k <= 10; k++) {
		v += minute_use[k - 1];
		rows[k] = (struct rrd_row){ T0 + 60L * k, v, minute_use[k - 1] };
	}
	feed(name, rows, 11);
}

static void test_whole_minutes(void **state)
{
	struct usage u;

	(void)state;
	make_minutes("c");
	get("c", T0, T0 + 600, &u);
	assert_int_equal(u.step, 60);
	expect_near("amount", u.amount, 13.25);
	expect_near("coverage", u.coverage, 1.0);
	assert_int_equal(u.ngaps, 0);
	assert_false(u.more_gaps);
	/* the value of the row (t - 60, t] is the reading at t: the mean of
	 * minutes 1..10 is (10 * 1000 + 0.5 + 1.75 + 3.75 + 3.75 + 7.25 + 8 + 9
	 * + 11.25 + 11.75 + 13.25) / 10 = (10000 + 70.25) / 10 = 1007.025 */
	expect_near("mean", u.mean, 1007.025);
	expect_near("min", u.min, 1000.5);
	expect_near("max", u.max, 1013.25);

	/* minutes 3..5: (T0 + 120, T0 + 300] = 2 + 0 + 3.5 */
	get("c", T0 + 120, T0 + 300, &u);
	expect_near("minutes 3-5", u.amount, 5.5);
	/* minute 4 alone: no use, but read: an amount of 0, not unknown */
	get("c", T0 + 180, T0 + 240, &u);
	expect_near("minute 4", u.amount, 0);
	expect_near("minute 4 coverage", u.coverage, 1.0);
}

/* Half minutes get their share of the minute's use. */
static void test_prorated(void **state)
{
	struct usage u;

	(void)state;
	make_minutes("c");
	/* half of minute 1 and half of minute 2: 0.5 / 2 + 1.25 / 2 = 0.875 */
	get("c", T0 + 30, T0 + 90, &u);
	expect_near("amount", u.amount, 0.875);
	expect_near("coverage", u.coverage, 1.0);
	/* the last 15 s of minute 5: 3.5 * 15 / 60 = 0.875 */
	get("c", T0 + 285, T0 + 300, &u);
	expect_near("15 s", u.amount, 0.875);
	/* 20 s of minute 10 and the 40 s after the last reading: 1.5 / 3 = 0.5;
	 * nothing was read after T0 + 600, so that part is a gap */
	get("c", T0 + 580, T0 + 640, &u);
	expect_near("past the end", u.amount, 0.5);
	expect_near("past the end coverage", u.coverage, 20.0 / 60.0);
	assert_int_equal(u.ngaps, 1);
	assert_int_equal(u.gaps[0].start, T0 + 600);
	assert_int_equal(u.gaps[0].end, T0 + 640);
}

/*
 * Readings every minute to T0 + 600 (use 1.5 each: counter 1000 -> 1015),
 * none for 20 minutes, one at T0 + 1800 with the 6 used since T0 + 600
 * (counter 1021), then every minute to T0 + 2400 (use 0.25 each: 1023.5).
 * 1200 s without a reading is over the 900 s heartbeat of `value`: unknown
 * from T0 + 600 to T0 + 1800. `use` (heartbeat 366 days) spreads the 6
 * evenly over those 1200 s.
 */
static void test_gap(void **state)
{
	struct rrd_row rows[22];
	struct usage u;
	double v = 1000;
	int n = 0;

	(void)state;
	make_rrd("g", T0 - 60);
	rows[n++] = (struct rrd_row){ T0, v, NAN };
	for (int k = 1; k <= 10; k++) {
		v += 1.5;
		rows[n++] = (struct rrd_row){ T0 + 60L * k, v, 1.5 };
	}
	v += 6;
	rows[n++] = (struct rrd_row){ T0 + 1800, v, 6 };
	for (int k = 31; k <= 40; k++) {
		v += 0.25;
		rows[n++] = (struct rrd_row){ T0 + 60L * k, v, 0.25 };
	}
	assert_true(v == 1023.5);
	feed("g", rows, (size_t)n);

	/* 10 * 1.5 + 6 + 10 * 0.25 = 15 + 6 + 2.5 = 23.5 = 1023.5 - 1000 */
	get("g", T0, T0 + 2400, &u);
	expect_near("amount", u.amount, 23.5);
	/* read for 600 + 600 of 2400 s */
	expect_near("coverage", u.coverage, 0.5);
	assert_int_equal(u.ngaps, 1);
	assert_int_equal(u.gaps[0].start, T0 + 600);
	assert_int_equal(u.gaps[0].end, T0 + 1800);
	assert_false(u.more_gaps);
	/* the mean is of the read rows only: minutes 1..10 are 1001.5 .. 1015
	 * (mean (1001.5 + 1015) / 2 = 1008.25), minutes 31..40 are 1021.25 ..
	 * 1023.5 (mean 1022.375); (1008.25 + 1022.375) / 2 = 1015.3125 */
	expect_near("mean", u.mean, 1015.3125);
	expect_near("min", u.min, 1001.5);
	expect_near("max", u.max, 1023.5);

	/* inside the gap: half of the 1200 s, so half of the 6 */
	get("g", T0 + 600, T0 + 1200, &u);
	expect_near("half the gap", u.amount, 3);
	expect_near("gap coverage", u.coverage, 0);
	assert_true(isnan(u.mean));
	assert_true(isnan(u.min));
	assert_int_equal(u.ngaps, 1);
	assert_int_equal(u.gaps[0].start, T0 + 600);
	assert_int_equal(u.gaps[0].end, T0 + 1200);
}

/* A gauge (W) has no use: no amount, but mean, min and max of its values. */
static void test_gauge(void **state)
{
	static const double w[4] = { 231, 229.5, 230.5, 232 };
	struct rrd_row rows[5];
	struct usage u;

	(void)state;
	make_rrd("w", T0 - 60);
	rows[0] = (struct rrd_row){ T0, 230, NAN };
	for (int k = 1; k <= 4; k++)
		rows[k] = (struct rrd_row){ T0 + 60L * k, w[k - 1], NAN };
	feed("w", rows, 5);
	get("w", T0, T0 + 240, &u);
	assert_true(isnan(u.amount));
	/* (231 + 229.5 + 230.5 + 232) / 4 = 923 / 4 = 230.75 */
	expect_near("mean", u.mean, 230.75);
	expect_near("min", u.min, 229.5);
	expect_near("max", u.max, 232);
	expect_near("coverage", u.coverage, 1.0);
	assert_int_equal(u.ngaps, 0);
}

/*
 * 16 days of readings every 300 s from T0: reading j (1 .. 4608 = 16 * 288)
 * at T0 + 300 j uses 0.25 * (((j - 1) mod 12) + 1), i.e. 0.25, 0.5 ... 3
 * within each hour (T0 + 3600 h, T0 + 3600 (h + 1)]: 0.25 * (1 + ... + 12)
 * = 0.25 * 78 = 19.5 an hour, 24 * 19.5 = 468 a day.
 * The last reading is at T0 + 16 days; the minute rows keep 14 days, so
 * day 2 (T0 + 1 d .. T0 + 2 d) comes from the hourly rows.
 */
static void test_hourly_rows(void **state)
{
	const int n = 16 * 288;
	struct rrd_row *rows = calloc((size_t)n, sizeof(*rows));
	struct usage u;
	double v = 0;

	(void)state;
	assert_non_null(rows);
	make_rrd("h", T0);
	for (int j = 1; j <= n; j++) {
		double use = 0.25 * ((j - 1) % 12 + 1);

		v += use;
		rows[j - 1] = (struct rrd_row){ T0 + 300L * j, v, use };
	}
	feed("h", rows, (size_t)n);
	free(rows);

	get("h", T0 + DAY, T0 + 2 * DAY, &u);
	assert_int_equal(u.step, 3600);
	expect_near("day 2", u.amount, 468);
	expect_near("day 2 coverage", u.coverage, 1.0);
	assert_int_equal(u.ngaps, 0);

	/* hours 29, 30, 31 of the file: 3 * 19.5 = 58.5 */
	get("h", T0 + DAY + 5 * 3600, T0 + DAY + 8 * 3600, &u);
	assert_int_equal(u.step, 3600);
	expect_near("3 hours", u.amount, 58.5);

	/* the last day is still in the minute rows */
	get("h", T0 + 15 * DAY, T0 + 16 * DAY, &u);
	assert_int_equal(u.step, 60);
	expect_near("day 16", u.amount, 468);
	expect_near("day 16 coverage", u.coverage, 1.0);

	/* A period up to a time inside the hour under way, whose start needs
	 * hourly rows: that hour is not consolidated yet, so its part comes
	 * from the minute rows, and the figure is the same as from minutes
	 * alone. One more reading at 16 days + 25 min (use 2.5; minutes to
	 * 16 days + 20 min hold it): days 2 .. 16 are 15 * 468, plus 2.5. */
	feed("h", &(struct rrd_row){ T0 + 16 * DAY + 1500, v + 2.5, 2.5 }, 1);
	get("h", T0 + DAY, T0 + 16 * DAY + 1500, &u);
	assert_int_equal(u.step, 3600);
	expect_near("days 2 .. 16 and 25 minutes", u.amount, 15 * 468 + 2.5);
	get("h", T0 + 15 * DAY, T0 + 16 * DAY + 1500, &u);
	assert_int_equal(u.step, 60);
	expect_near("day 16 and 25 minutes", u.amount, 468 + 2.5);
}

static void expect_gap(const struct usage *u, int i, long start, long end)
{
	assert_true(i < u->ngaps);
	if (u->gaps[i].start != start || u->gaps[i].end != end)
		fail_msg("gap %d: %lld .. %lld, want %ld .. %ld", i, (long long)u->gaps[i].start,
		    (long long)u->gaps[i].end, start, end);
}

/*
 * A counter its agent reads hourly (`every` 3600: its file's `value` has a
 * heartbeat of 5400 s): readings at T0 .. T0 + 5 h, use 2.5 each, then none
 * until T0 + 10 h (an outage of 5 h, past the heartbeat), then T0 + 11 h.
 * Between two readings an hour apart nothing is missing: covered. Before
 * the first reading, in the outage and after the last, not. The same rows
 * in a file of the usual 900 s heartbeat are covered nowhere.
 */
static void feed_hourly(const char *name, long every)
{
	struct rrd_row rows[8];
	char path[128];
	int n = 0;

	path_of(path, sizeof(path), name);
	rrd_fixture_create(path, (time_t)(T0 - 60), every);
	rows[n++] = (struct rrd_row){ T0, 100, NAN };
	for (int k = 1; k <= 5; k++)
		rows[n++] = (struct rrd_row){ T0 + 3600L * k, 100 + 2.5 * k, 2.5 };
	rows[n++] = (struct rrd_row){ T0 + 10 * 3600L, 120, 7.5 };
	rows[n++] = (struct rrd_row){ T0 + 11 * 3600L, 121, 1 };
	feed(name, rows, (size_t)n);
}

static void test_expected_interval(void **state)
{
	struct usage u;

	(void)state;
	assert_int_equal(rrd_layout_heartbeat(0), 900);
	assert_int_equal(rrd_layout_heartbeat(60), 900);
	assert_int_equal(rrd_layout_heartbeat(3600), 5400);
	assert_int_equal(rrd_layout_heartbeat(2678400), 4017600);

	feed_hourly("usual", 0);
	get("usual", T0, T0 + 5 * 3600, &u);
	expect_near("amount", u.amount, 12.5);
	assert_true(u.coverage < 0.02);

	feed_hourly("h", 3600);
	get("h", T0, T0 + 5 * 3600, &u);
	expect_near("amount", u.amount, 12.5);
	assert_true(u.coverage == 1.0);
	assert_int_equal(u.ngaps, 0);
	/* the hour before the first reading: not covered, but for its last
	 * minute, since the file was made at T0 - 60 (rrdtool counts the first
	 * reading from there): 5 h + 60 s of 6 h */
	get("h", T0 - 3600, T0 + 5 * 3600, &u);
	expect_near("coverage", u.coverage, (5.0 * 3600 + 60) / (6.0 * 3600));
	assert_int_equal(u.ngaps, 1);
	expect_gap(&u, 0, T0 - 3600, T0 - 60);
	/* the outage: 5 h > 1.5 h, a gap; what it used (7.5) still counts */
	get("h", T0 + 4 * 3600, T0 + 11 * 3600, &u);
	expect_near("amount", u.amount, 2.5 + 7.5 + 1);
	expect_near("coverage", u.coverage, 2.0 / 7.0);
	assert_int_equal(u.ngaps, 1);
	expect_gap(&u, 0, T0 + 5 * 3600, T0 + 10 * 3600);
	/* after the last reading: not covered */
	get("h", T0 + 10 * 3600, T0 + 12 * 3600, &u);
	expect_near("coverage", u.coverage, 0.5);
}

/* A collector writing the file holds its lock for a moment; librrd's
 * fetch then fails at once ("could not lock RRD"). A reader waits for it:
 * here a child holds the write lock for 300 ms. */
static void test_locked_by_writer(void **state)
{
	char path[128], err[256], c;
	struct usage u;
	int fds[2];
	pid_t pid;

	(void)state;
	make_rrd("w", T0 - 60);
	feed("w", (struct rrd_row[]){ { T0, 100, NAN }, { T0 + 60, 101.5, 1.5 } }, 2);
	path_of(path, sizeof(path), "w");
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(path, O_RDWR);

		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		if (write(fds[1], "l", 1) != 1)
			_exit(1);
		usleep(300 * 1000);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(read(fds[0], &c, 1), 1);   /* the child holds the lock */
	assert_int_equal(usage_get(path, T0, T0 + 60, &u, err, sizeof(err)), GM_OK);
	expect_near("amount", u.amount, 1.5);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

/* usage_series: each piece as usage_get gives it alone. */
static void expect_same(const struct usage *a, const struct usage *b)
{
	assert_int_equal(a->from, b->from);
	assert_int_equal(a->to, b->to);
	assert_int_equal(a->step, b->step);
	assert_true(isnan(a->amount) ? isnan(b->amount) : fabs(a->amount - b->amount) <= EPS);
	assert_true(isnan(a->mean) ? isnan(b->mean) : fabs(a->mean - b->mean) <= EPS);
	expect_near("coverage", a->coverage, b->coverage);
	assert_int_equal(a->ngaps, b->ngaps);
	for (int i = 0; i < a->ngaps; i++) {
		assert_int_equal(a->gaps[i].start, b->gaps[i].start);
		assert_int_equal(a->gaps[i].end, b->gaps[i].end);
	}
}

static void series_vs_get(const char *path, const time_t *bounds, int n)
{
	struct usage series[4], one;
	char err[512] = "";

	assert_true(n <= 4);
	if (usage_series(path, bounds, n, series, err, sizeof(err)) != GM_OK)
		fail_msg("usage_series %s: %s", path, err);
	for (int i = 0; i < n; i++) {
		if (usage_get(path, bounds[i], bounds[i + 1], &one, err, sizeof(err)) != GM_OK)
			fail_msg("usage_get %s: %s", path, err);
		expect_same(&series[i], &one);
	}
}

static void test_series(void **state)
{
	struct rrd_row rows[22];
	char path[128];
	double v = 1000;
	int n = 0;
	time_t around_gap[] = { T0, T0 + 600, T0 + 1200, T0 + 2400 };
	time_t bad[] = { T0 + 600, T0 };
	struct usage u[1];
	char err[256];

	(void)state;
	make_rrd("s", T0 - 60);   /* test_gap's readings: 10 minutes, a gap, 10 more */
	rows[n++] = (struct rrd_row){ T0, v, NAN };
	for (int k = 1; k <= 10; k++)
		rows[n++] = (struct rrd_row){ T0 + 60L * k, v += 1.5, 1.5 };
	rows[n++] = (struct rrd_row){ T0 + 1800, v += 6, 6 };
	for (int k = 31; k <= 40; k++)
		rows[n++] = (struct rrd_row){ T0 + 60L * k, v += 0.25, 0.25 };
	feed("s", rows, (size_t)n);
	path_of(path, sizeof(path), "s");
	series_vs_get(path, around_gap, 3);
	/* the pieces add up to the whole: 15 + 3 + (3 + 2.5) = 23.5 */
	{
		struct usage p[3];

		assert_int_equal(usage_series(path, around_gap, 3, p, err, sizeof(err)), GM_OK);
		expect_near("sum of pieces", p[0].amount + p[1].amount + p[2].amount, 23.5);
		expect_near("first piece", p[0].amount, 15);
	}
	assert_int_equal(usage_series(path, bad, 1, u, err, sizeof(err)), GM_EINVAL);
	assert_int_equal(usage_series(path, bad, 0, u, err, sizeof(err)), GM_EINVAL);
}

static void test_errors(void **state)
{
	char path[128], err[512], want[200];
	struct usage u;

	(void)state;
	path_of(path, sizeof(path), "nosuch");
	err[0] = '\0';
	assert_int_equal(usage_get(path, T0, T0 + 60, &u, err, sizeof(err)), GM_ELIB);
	/* "<path>: <librrd's reason>" */
	snprintf(want, sizeof(want), "%s: ", path);
	if (strncmp(err, want, strlen(want)) != 0 || strlen(err) == strlen(want))
		fail_msg("error \"%s\" should name %s and a reason", err, path);
	assert_true(isnan(u.amount));

	make_minutes("c");
	path_of(path, sizeof(path), "c");
	err[0] = '\0';
	assert_int_equal(usage_get(path, T0 + 60, T0 + 60, &u, err, sizeof(err)), GM_EINVAL);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	assert_int_equal(usage_get(path, T0 + 60, T0, &u, err, sizeof(err)), GM_EINVAL);
	assert_true(err[0] != '\0');
	assert_true(isnan(u.amount));
	assert_int_equal(u.ngaps, 0);
}

/* An RRD without the value and use data sources is not a channel file. */
static void test_not_a_channel_file(void **state)
{
	static const char *const def[] = { "DS:x:GAUGE:900:U:U", "RRA:AVERAGE:0.5:1:100" };
	char path[128], err[512] = "";
	struct usage u;

	(void)state;
	path_of(path, sizeof(path), "other");
	assert_int_equal(rrd_create_r2(path, 60, T0 - 60, 0, NULL, NULL, 2, (const char **)def),
	    0);
	assert_int_equal(usage_get(path, T0, T0 + 60, &u, err, sizeof(err)), GM_EINVAL);
	assert_non_null(strstr(err, path));
}

#define JUL 1719766800L
#define AUG 1722445200L
#define SEP 1725123600L
#define OCT 1727715600L
#define NOV 1730394000L
#define JOURNAL_HEADER "greenmeter-entries 1\n"

/*
 * June's entry (at JUL, the end of June) 99 reams, July's 12.5, August's
 * 20.25, September's 7.75, October's (at NOV) 1000. The third quarter
 * [JUL, OCT) holds July, August and September: 12.5 + 20.25 + 7.75 = 40.5;
 * June's entry at JUL = from and October's at NOV are outside it.
 */
static const char quarter[] = JOURNAL_HEADER
	"1719766800 99 1 1719800000\n"
	"1722445200 12.5 2 1722500000\n"
	"1725123600 20.25 3 1725200000\n"
	"1727715600 7.75 4 1727800000\n"
	"1730394000 1000 5 1730400000\n";

static void get_journal(const char *text, long from, long to, struct usage *u)
{
	char err[512] = "";
	const char *path = fixture("paper.entries", text);

	if (usage_get(path, (time_t)from, (time_t)to, u, err, sizeof(err)) != GM_OK)
		fail_msg("usage_get %s: %s", path, err);
	assert_int_equal(u->from, from);
	assert_int_equal(u->to, to);
	assert_int_equal(u->step, 0);
}


static void test_journal_quarter(void **state)
{
	struct usage u;

	(void)state;
	get_journal(quarter, JUL, OCT, &u);
	assert_true(u.amount == 40.5);
	assert_true(u.coverage == 1.0);
	assert_int_equal(u.ngaps, 0);
	/* of the three entries: 40.5 / 3 = 13.5 */
	assert_true(u.mean == 13.5);
	assert_true(u.min == 7.75);
	assert_true(u.max == 20.25);

	/* the months one by one */
	get_journal(quarter, JUL, AUG, &u);
	assert_true(u.amount == 12.5);
	get_journal(quarter, AUG, SEP, &u);
	assert_true(u.amount == 20.25);
	assert_true(u.coverage == 1.0);
	get_journal(quarter, SEP, OCT, &u);
	assert_true(u.amount == 7.75);
	/* the entry at OCT counts where OCT is in (from, to]: in [SEP + 1, OCT + 1),
	 * and not in [OCT, NOV - 1), which October's entry at NOV misses too;
	 * yet October's entry accounts for all of October: no amount, but no
	 * gap either (the parts of a period add up to it, coverage too) */
	get_journal(quarter, SEP + 1, OCT + 1, &u);
	assert_true(u.amount == 7.75);
	get_journal(quarter, OCT, NOV - 1, &u);
	assert_true(isnan(u.amount));
	assert_true(u.coverage == 1.0);
	assert_int_equal(u.ngaps, 0);
	/* four months to NOV: 40.5 + 1000 */
	get_journal(quarter, JUL, NOV, &u);
	assert_true(u.amount == 1040.5);
	assert_true(u.coverage == 1.0);
}

/* The months of a quarter from one read of the journal. */
static void test_journal_series(void **state)
{
	const char *path = fixture("paper.entries", quarter);
	time_t months[] = { JUL, AUG, SEP, OCT, NOV };
	struct usage u[4];
	char err[256];

	(void)state;
	series_vs_get(path, months, 4);
	assert_int_equal(usage_series(path, months, 4, u, err, sizeof(err)), GM_OK);
	assert_true(u[0].amount == 12.5);
	assert_true(u[1].amount == 20.25);
	assert_true(u[2].amount == 7.75);
	assert_true(u[3].amount == 1000);
}

/* August not entered: the quarter is incomplete, by August's 31 days of
 * the quarter's 92 (July 31 + August 31 + September 30). */
static void test_journal_missing_month(void **state)
{
	static const char no_august[] = JOURNAL_HEADER
		"1722445200 12.5 2 1722500000\n"
		"1727715600 7.75 4 1727800000\n";
	static const char july_only[] = JOURNAL_HEADER
		"1722445200 12.5 2 1722500000\n";
	struct usage u;

	(void)state;
	get_journal(no_august, JUL, OCT, &u);
	assert_true(u.amount == 20.25);   /* 12.5 + 7.75 */
	expect_near("coverage", u.coverage, 61.0 / 92.0);
	assert_int_equal(u.ngaps, 1);
	expect_gap(&u, 0, AUG, SEP);
	assert_false(u.more_gaps);
	assert_true(u.min == 7.75);
	assert_true(u.max == 12.5);

	/* August and September missing: a gap each, not one of two months */
	get_journal(july_only, JUL, OCT, &u);
	assert_true(u.amount == 12.5);
	expect_near("coverage", u.coverage, 31.0 / 92.0);
	assert_int_equal(u.ngaps, 2);
	expect_gap(&u, 0, AUG, SEP);
	expect_gap(&u, 1, SEP, OCT);

	/* nothing at all in the period: no amount, not 0 */
	get_journal(july_only, AUG, OCT, &u);
	assert_true(isnan(u.amount));
	assert_true(isnan(u.mean));
	assert_true(u.coverage == 0);
	assert_int_equal(u.ngaps, 2);

	/* one day (3 September): no entry ends in it, so no amount; but
	 * September's entry accounts for it: covered, no gap */
	get_journal(quarter, SEP + 2 * DAY, SEP + 3 * DAY, &u);
	assert_true(isnan(u.amount));
	assert_true(u.coverage == 1.0);
	assert_int_equal(u.ngaps, 0);
	/* without September's entry: a gap of that day */
	get_journal(no_august, AUG + 2 * DAY, AUG + 3 * DAY, &u);
	assert_true(u.coverage == 0);
	assert_int_equal(u.ngaps, 1);
	expect_gap(&u, 0, AUG + 2 * DAY, AUG + 3 * DAY);

	/* 15 August .. 15 October: August's entry (at SEP) and September's (at
	 * OCT) fall in it: 20.25 + 7.75 = 28; October's (at NOV) does not, but
	 * accounts for October's first half: every day is accounted for */
	get_journal(quarter, AUG + 14 * DAY, OCT + 14 * DAY, &u);
	assert_true(u.amount == 28);
	assert_true(u.coverage == 1.0);
	assert_int_equal(u.ngaps, 0);
	/* without August's and October's entries: only September's 30 days of
	 * the 61 are accounted for: 30 / 61 */
	get_journal(no_august, AUG + 14 * DAY, OCT + 14 * DAY, &u);
	expect_near("coverage", u.coverage, 30.0 / 61.0);
	assert_int_equal(u.ngaps, 2);
	expect_gap(&u, 0, AUG + 14 * DAY, SEP);
	expect_gap(&u, 1, OCT, OCT + 14 * DAY);
}

/* A later line for the same t corrects the entry; a torn last line is not
 * an entry; a t inside the month's last day is that month's. */
static void test_journal_lines(void **state)
{
	struct usage u;
	char text[1024];

	(void)state;
	/* September's 7.75 corrected to 8: 12.5 + 20.25 + 8 = 40.75 */
	snprintf(text, sizeof(text), "%s1727715600 8 6 1727900000\n", quarter);
	get_journal(text, JUL, OCT, &u);
	assert_true(u.amount == 40.75);
	assert_true(u.max == 20.25);
	assert_true(u.min == 8);

	/* "1727715600 99" torn off a line that would have corrected it again */
	snprintf(text, sizeof(text), "%s1727715600 99", quarter);
	get_journal(text, JUL, OCT, &u);
	assert_true(u.amount == 40.5);

	/* September entered at 30 September 17:00 local, OCT - 7 h = 1727690400 */
	get_journal(JOURNAL_HEADER "1727690400 7.75 4 1727800000\n", SEP, OCT, &u);
	assert_true(u.amount == 7.75);
	assert_true(u.coverage == 1.0);
	get_journal(JOURNAL_HEADER "1727690400 7.75 4 1727800000\n", OCT, NOV, &u);
	assert_true(isnan(u.amount));
}

static void test_journal_errors(void **state)
{
	char path[128], err[512], want[300];
	struct usage u;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.entries", tmpdir);
	err[0] = '\0';
	assert_int_equal(usage_get(path, JUL, OCT, &u, err, sizeof(err)), GM_ENOTFOUND);
	assert_non_null(strstr(err, path));
	assert_true(isnan(u.amount));

	/* a line that is not an entry: no figure that silently leaves it out */
	snprintf(path, sizeof(path), "%s", fixture("bad.entries", JOURNAL_HEADER
	    "1722445200 12.5 2 1722500000\n1725123600 20,25 3 1725200000\n"));
	err[0] = '\0';
	assert_int_equal(usage_get(path, JUL, OCT, &u, err, sizeof(err)), GM_EINVAL);
	snprintf(want, sizeof(want), "%s:3: expected \"t v seq received_at\"", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\", want it to start \"%s\"", err, want);
	assert_true(isnan(u.amount));

	/* a version this program does not know */
	snprintf(path, sizeof(path), "%s", fixture("v2.entries",
	    "greenmeter-entries 2\n1722445200 12.5 2 1722500000\n"));
	assert_int_equal(usage_get(path, JUL, OCT, &u, err, sizeof(err)), GM_EINVAL);
	assert_non_null(strstr(err, "newer"));

	/* an empty period, as for an RRD */
	snprintf(path, sizeof(path), "%s", fixture("ok.entries", quarter));
	assert_int_equal(usage_get(path, OCT, OCT, &u, err, sizeof(err)), GM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_minutes, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prorated, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_gauge, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_hourly_rows, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_expected_interval, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_locked_by_writer, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_series, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_channel_file, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_journal_quarter, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_journal_missing_month, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_journal_series, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_journal_lines, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_journal_errors, setup, tmpdir_teardown),
	};

	/* months of manual entries are local months */
	if (tz_set(TZ_DEFAULT) != GM_OK) {
		fprintf(stderr, "time zone %s is not installed\n", TZ_DEFAULT);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
