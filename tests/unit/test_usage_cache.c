/*
 * test_usage_cache.c - closed pieces kept on disk (common/store/usage_cache.c over
 * common/store/rrdfile.c and common/store/usage.c), on real RRD files of the
 * collector's layout.
 *
 * The one rule every test checks: what usage_cache_series gives is exactly
 * (bit for bit, every field) what usage_series gives on the same files at
 * the same moment. Beside it, the cache's own counts say whether pieces
 * were taken from the cache, summed, or the cache file was found stale or
 * unusable - so that a test of "the same figures" cannot pass by never
 * using the cache at all.
 *
 * Times: T0 = 2024-01-01T00:00:00Z = 1704067200, a whole hour. A counter
 * is read every 15 minutes from T0, using 0.25 a reading unless a test says
 * otherwise; the file's hourly archive holds 5 years, its minute archive
 * the last 14 days before its last update. Series are of 10-day pieces
 * starting at T0 + 1 day, older than 14 days, so rrd_fetch reads hours.
 */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "usage.h"
#include "gm_err.h"
#include "rrd_fixture.h"
#include "rrd_layout.h"
#include "rrdfile.h"
#include "testutil.h"
#include "usage_cache.h"

#define T0 1704067200L
#define DAY 86400L
#define Q 900L

static char rrd_path[256], cache_dir[256];
static const time_t series[] = { T0 + DAY, T0 + 11 * DAY, T0 + 21 * DAY, T0 + 31 * DAY,
	T0 + 41 * DAY };
#define NSERIES 4

static int setup(void **state)
{
	char dir[200];

	(void)state;
	if (tmpdir_make("ucache") != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/hq", tmpdir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/hq/m1", tmpdir);
	mkdir(dir, 0755);
	snprintf(rrd_path, sizeof(rrd_path), "%s/hq/m1/kwh.rrd", tmpdir);
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache", tmpdir);
	return 0;
}

/* The counter as read at t: 1000, then 0.25 every 15 minutes. */
static double value_at(long t)
{
	return 1000 + 0.25 * (double)((t - T0) / Q);
}

/* One reading at t: the counter, and `use` since the reading before. */
static void reading(const char *path, long t, double use)
{
	rrd_fixture_put(path, &(struct rrd_row){ t, value_at(t), use }, 1);
}

/* Readings every 15 minutes in (after, to], each saying it used `use`. */
static void feed(const char *path, long after, long to, double use)
{
	struct rrd_row *rows = calloc((size_t)((to - after) / Q + 1), sizeof(*rows));
	size_t n = 0;

	assert_non_null(rows);
	for (long t = after + Q; t <= to; t += Q)
		rows[n++] = (struct rrd_row){ t, value_at(t), use };
	rrd_fixture_put(path, rows, n);
	free(rows);
}

/* A channel file read from T0 to `to`, each reading using `use`. */
static void make_counter(const char *path, long to, double use)
{
	unlink(path);
	rrd_fixture_create(path, T0 - 1, 0);
	reading(path, T0, NAN);
	feed(path, T0, to, use);
}

static void same_bits(const char *what, int i, const char *field, const void *a,
    const void *b, size_t n)
{
	if (memcmp(a, b, n) != 0)
		fail_msg("%s, piece %d: %s differs", what, i, field);
}

/* Every field, bit for bit. */
static void expect_same(const char *what, const struct usage *got, const struct usage *want,
    int n)
{
	for (int i = 0; i < n; i++) {
		const struct usage *a = &got[i], *b = &want[i];

#define SAME(f) same_bits(what, i, #f, &a->f, &b->f, sizeof(a->f))
		SAME(from); SAME(to); SAME(step); SAME(amount); SAME(mean); SAME(min); SAME(max);
		SAME(coverage); SAME(ngaps); SAME(more_gaps);
		SAME(ev.replaced); SAME(ev.reset); SAME(ev.reset_detected);
		SAME(ev.reset_uncounted); SAME(ev.late); SAME(ev.uncounted); SAME(ev.bad_lines);
		for (int g = 0; g < a->ngaps && g < USAGE_MAX_GAPS; g++) {
			SAME(gaps[g].start);
			SAME(gaps[g].end);
		}
#undef SAME
	}
}

static void fresh(const time_t *bounds, int n, struct usage *out)
{
	char err[512];

	if (usage_series(rrd_path, bounds, n, out, err, sizeof(err)) != GM_OK)
		fail_msg("usage_series: %s", err);
}

/* One report's read through the cache: its own cache handle, so *st counts
 * this read alone. */
static void cached(const struct chan_id *id, const time_t *bounds, int n, struct usage *out,
    struct usage_cache_stats *st)
{
	struct usage_req r = { .bounds = bounds, .n = n, .out = out };
	struct usage_cache *c;
	char err[512];

	if ((c = usage_cache_open(cache_dir, err, sizeof(err))) == NULL)
		fail_msg("usage_cache_open: %s", err);
	usage_cache_series(c, id, rrd_path, &r, 1);
	if (r.rc != GM_OK)
		fail_msg("usage_cache_series: %s", r.err);
	usage_cache_stats(c, st);
	usage_cache_close(c);
}

/* Through the cache and without it: the same; then the cache's counts. */
static void check(const char *what, const time_t *bounds, int n, long hits, long summed,
    long written)
{
	struct chan_id id = id3("hq", "m1", "kwh");
	struct usage want[8], got[8];
	struct usage_cache_stats st;

	assert_true(n <= 8);
	fresh(bounds, n, want);
	cached(&id, bounds, n, got, &st);
	expect_same(what, got, want, n);
	if (st.hits != hits || st.summed != summed || st.written != written)
		fail_msg("%s: hits %ld summed %ld written %ld, want %ld %ld %ld", what, st.hits,
		    st.summed, st.written, hits, summed, written);
}

static struct usage_cache_stats last_stats(const time_t *bounds, int n)
{
	struct chan_id id = id3("hq", "m1", "kwh");
	struct usage got[8], want[8];
	struct usage_cache_stats st;

	fresh(bounds, n, want);
	cached(&id, bounds, n, got, &st);
	expect_same("read", got, want, n);
	return st;
}

static void cache_file(char *buf, size_t len)
{
	snprintf(buf, len, "%s/hq.m1.kwh.usage", cache_dir);
}

/* A whole file's bytes onto another, in place: the same inode, as `cp` does. */
static void copy_in_place(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "r+b");
	char buf[65536];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Both values of the hourly row ending at t, doubled, written in place. */
static void row_times_two(const char *path, time_t t)
{
	struct rrdfile rf;
	double v[RRDFILE_MAX_DS];
	char err[300];
	uint64_t at;
	int fd, a;

	if (rrdfile_open(path, &rf, err, sizeof(err)) != GM_OK)
		fail_msg("rrdfile_open: %s", err);
	a = rrdfile_archive(&rf, 3600);
	assert_int_equal(rrdfile_row(&rf, a, t, v, RRDFILE_MAX_DS), GM_OK);
	at = rf.rra[a].offset + (rrdfile_phase(&rf, a) + (unsigned long)(t / 3600) %
	    rf.rra[a].rows) % rf.rra[a].rows * rf.ds_cnt * sizeof(double);
	for (unsigned long i = 0; i < rf.ds_cnt; i++)
		v[i] *= 2;
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, v, rf.ds_cnt * sizeof(double), (off_t)at),
	    (ssize_t)(rf.ds_cnt * sizeof(double)));
	close(fd);
	rrdfile_close(&rf);
}

static void test_hit_is_the_same(void **state)
{
	const time_t later[] = { T0 + 41 * DAY, T0 + 51 * DAY };
	struct stat sb;
	char path[300];

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("first read", series, NSERIES, 0, 4, 1);
	cache_file(path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	check("second read", series, NSERIES, 4, 0, 0);
	/* another series of the channel adds its pieces to the same file */
	check("later series", later, 1, 0, 1, 1);
	check("later series again", later, 1, 1, 0, 0);
	check("first series again", series, NSERIES, 4, 0, 0);
	/* a piece between two kept ones: only its span is read again */
	{
		const time_t mixed[] = { T0 + DAY, T0 + 11 * DAY, T0 + 16 * DAY, T0 + 21 * DAY,
			T0 + 31 * DAY, T0 + 41 * DAY };

		check("split piece", mixed, 5, 3, 2, 1);
	}
}

/* A piece that ends after the file's last update can still change: it is
 * summed every time, and kept only once the readings have passed it. */
static void test_open_piece_not_kept(void **state)
{
	const time_t open[] = { T0 + 41 * DAY, T0 + 51 * DAY, T0 + 61 * DAY };

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("open: first read", open, 2, 0, 2, 1);
	check("open: second read", open, 2, 1, 1, 0);
	feed(rrd_path, T0 + 60 * DAY, T0 + 62 * DAY, 0.25);
	check("closed now: its new amount", open, 2, 1, 1, 1);
	check("closed now: kept", open, 2, 2, 0, 0);
}

/* The events journal is read each time, as usage_series does: a late
 * reading recorded after the pieces were kept shows at once. */
static void test_events_read_each_time(void **state)
{
	char path[300], line[128];
	struct usage u[NSERIES];
	FILE *f;

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("before the event", series, NSERIES, 0, 4, 1);
	snprintf(path, sizeof(path), "%s/hq/m1/kwh.events", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	snprintf(line, sizeof(line), "greenmeter-events 1\n%ld late v=1003 seq=3 at=%ld\n",
	    T0 + 15 * DAY, T0 + 60 * DAY);
	fputs(line, f);
	fclose(f);
	check("after the event", series, NSERIES, 4, 0, 0);
	fresh(series, NSERIES, u);
	assert_int_equal(u[1].ev.late, 1);
	assert_true(usage_flagged(&u[1]));
}

/* A file replaced under the same name by a copy of it with a row mended:
 * the same size, ring, last update and newest row; a new inode. */
static void test_replaced_file(void **state)
{
	char copy[300];
	struct usage_cache_stats st;

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("before", series, NSERIES, 0, 4, 1);
	snprintf(copy, sizeof(copy), "%s/hq/m1/mended.rrd", tmpdir);
	write_file(copy, "");
	copy_in_place(rrd_path, copy);
	row_times_two(copy, T0 + 5 * DAY);
	assert_int_equal(rename(copy, rrd_path), 0);
	st = last_stats(series, NSERIES);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.hits, 0);
	check("kept anew", series, NSERIES, 4, 0, 0);
}

static unsigned long hour_phase(const char *path)
{
	struct rrdfile rf;
	char err[300];
	unsigned long p;

	if (rrdfile_open(path, &rf, err, sizeof(err)) != GM_OK)
		fail_msg("rrdfile_open: %s", err);
	p = rrdfile_phase(&rf, rrdfile_archive(&rf, 3600));
	rrdfile_close(&rf);
	return p;
}

/* Another file copied over in place: the same inode, size and last update,
 * even the same newest row, but used twice as much in the first 11 days.
 * librrd started its rings elsewhere (made sure of here): the phase. */
static void test_other_file_in_place(void **state)
{
	char other[300];
	struct usage_cache_stats st;
	int tries = 0;

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("before", series, NSERIES, 0, 4, 1);
	snprintf(other, sizeof(other), "%s/other.rrd", tmpdir);
	do {
		make_counter(other, T0 + 11 * DAY, 0.5);
		feed(other, T0 + 11 * DAY, T0 + 60 * DAY, 0.25);
	} while (hour_phase(other) == hour_phase(rrd_path) && ++tries < 10);
	copy_in_place(other, rrd_path);
	st = last_stats(series, NSERIES);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.hits, 0);
}

/* An older copy of the same file put back in place (a restore). Read
 * while the file is behind the cache: its last update went back. Read
 * after it was updated past the cache's: the readings the copy lacks left a
 * gap in rows the kept pieces used - the newest such row is not the same. */
static void test_older_copy_put_back(void **state)
{
	char copy[300];
	struct usage_cache_stats st;

	(void)state;
	make_counter(rrd_path, T0 + 30 * DAY, 0.25);
	snprintf(copy, sizeof(copy), "%s/backup.rrd", tmpdir);
	write_file(copy, "");
	copy_in_place(rrd_path, copy);
	feed(rrd_path, T0 + 30 * DAY, T0 + 60 * DAY, 0.25);
	check("before", series, NSERIES, 0, 4, 1);
	copy_in_place(copy, rrd_path);
	st = last_stats(series, NSERIES);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.hits, 0);

	/* the same readings again: the same rows, so the two closed pieces
	 * just kept hold, and the file is kept up to day 60 again */
	feed(rrd_path, T0 + 30 * DAY, T0 + 60 * DAY, 0.25);
	check("caught up", series, NSERIES, 2, 2, 1);
	copy_in_place(copy, rrd_path);
	reading(rrd_path, T0 + 61 * DAY, 0.25 * (double)(31 * DAY / Q));
	st = last_stats(series, NSERIES);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.hits, 0);
}

static void corrupt_and_check(const char *what, void (*spoil)(const char *path))
{
	char path[300];
	struct usage_cache_stats st;

	spoil((cache_file(path, sizeof(path)), path));
	st = last_stats(series, NSERIES);
	if (st.ignored != 1 || st.hits != 0 || st.written != 1)
		fail_msg("%s: ignored %ld hits %ld written %ld, want 1 0 1", what, st.ignored,
		    st.hits, st.written);
	check(what, series, NSERIES, 4, 0, 0);    /* replaced by a good one */
}

/* The first piece's amount, a byte of it: past the header (8 + 4 + 4 +
 * 3 * 65 + 8 * 7 + 4 + 2 * 8 = 287 bytes), the count (4) and from, to (16). */
static void flip_amount(const char *path)
{
	int fd = open(path, O_RDWR);
	unsigned char b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, 287 + 4 + 16 + 3), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, 287 + 4 + 16 + 3), 1);
	close(fd);
}

static void cut_short(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(truncate(path, sb.st_size - 9), 0);
}

static void garbage(const char *path)
{
	write_file(path, "gm-usage but not really\n");
}

static void empty(const char *path)
{
	write_file(path, "");
}

/* Another channel's good cache file under this one's name. */
static void foreign(const char *path)
{
	char other[300], cmd[800];
	struct chan_id id = id3("hq", "m2", "kwh");
	struct usage u[NSERIES];
	struct usage_cache_stats st;
	struct usage_cache *c;
	struct usage_req r = { .bounds = series, .n = NSERIES, .out = u };

	snprintf(other, sizeof(other), "%s/hq/m2", tmpdir);
	mkdir(other, 0755);
	snprintf(other, sizeof(other), "%s/hq/m2/kwh.rrd", tmpdir);
	make_counter(other, T0 + 60 * DAY, 0.5);
	assert_non_null(c = usage_cache_open(cache_dir, cmd, sizeof(cmd)));
	usage_cache_series(c, &id, other, &r, 1);
	usage_cache_stats(c, &st);
	usage_cache_close(c);
	assert_int_equal(st.written, 1);
	snprintf(other, sizeof(other), "%s/hq.m2.kwh.usage", cache_dir);
	assert_int_equal(rename(other, path), 0);
}

static void test_corrupt_cache_ignored(void **state)
{
	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	check("good", series, NSERIES, 0, 4, 1);
	corrupt_and_check("a flipped byte", flip_amount);
	corrupt_and_check("cut short", cut_short);
	corrupt_and_check("not ours", garbage);
	corrupt_and_check("empty", empty);
	corrupt_and_check("another channel's", foreign);
}

/* A series of the last 14 days is read from the minute rows, and kept so;
 * once the file has moved on, rrd_fetch reads the same series from the
 * hourly rows, and so must the cache. */
static void test_resolution_follows_rrd_fetch(void **state)
{
	const time_t recent[] = { T0 + 50 * DAY, T0 + 52 * DAY, T0 + 54 * DAY };
	const time_t older[] = { T0 + 41 * DAY, T0 + 50 * DAY, T0 + 52 * DAY };
	struct usage u[2];

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	/* [50, 52) as part of a series from day 41 is hours; alone, minutes */
	check("hours", older, 2, 0, 2, 1);
	check("minutes, not the hours kept", recent, 1, 0, 1, 1);
	remove_tree(cache_dir);
	fresh(recent, 2, u);
	assert_int_equal(u[0].step, 60);
	check("minutes", recent, 2, 0, 2, 1);
	check("minutes, kept", recent, 2, 2, 0, 0);
	feed(rrd_path, T0 + 60 * DAY, T0 + 70 * DAY, 0.25);
	fresh(recent, 2, u);
	assert_int_equal(u[0].step, 3600);
	check("hours now", recent, 2, 0, 2, 1);
}

/* Ids that could climb out of the cache directory are never used to name
 * a file: such a channel is read as without a cache. */
static void test_bad_id_never_written(void **state)
{
	struct chan_id bad[] = { id3("..", "m1", "kwh"), id3("hq", "m1/../..", "kwh"),
		id3("hq", "", "kwh"), id3("HQ", "m1", "kwh") };
	struct usage got[NSERIES], want[NSERIES];
	struct usage_cache_stats st;

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	fresh(series, NSERIES, want);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cached(&bad[i], series, NSERIES, got, &st);
		expect_same("bad id", got, want, NSERIES);
		assert_int_equal(st.written, 0);
	}
	assert_int_equal(dir_count(cache_dir, false), 0);
}

/* A cache that cannot be written costs time, never a figure: here the
 * channel's file name is taken by a directory. No temporary file is left.
 * A cache directory that is a file cannot be opened at all. */
static void test_cache_not_writable(void **state)
{
	char path[300], err[300];
	struct usage_cache_stats st;

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	mkdir(cache_dir, 0755);
	cache_file(path, sizeof(path));
	mkdir(path, 0755);
	st = last_stats(series, NSERIES);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.failed, 1);
	assert_non_null(strstr(st.error, "hq.m1.kwh.usage"));
	assert_int_equal(dir_count(cache_dir, true), 1);
	assert_null(usage_cache_open(rrd_path, err, sizeof(err)));
	assert_non_null(strstr(err, "not a directory"));
}

/* rrdfile.c reads what librrd reads: the archive rrd_fetch picks for a
 * start (minutes for the last 14 days, hours within 5 years, days before),
 * and the values of a row. */
static void test_rrdfile_as_librrd(void **state)
{
	const time_t starts[] = { T0 + 50 * DAY, T0 + 45 * DAY, T0 + DAY, T0 - 5 * 365 * DAY,
		T0 - 6 * 365 * DAY };
	const time_t rows[] = { T0 + 5 * DAY, T0 + 41 * DAY, T0 + 60 * DAY };
	struct rrdfile rf;
	char err[300];

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	assert_int_equal(rrdfile_open(rrd_path, &rf, err, sizeof(err)), GM_OK);
	assert_int_equal(rf.last_up, T0 + 60 * DAY);
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		time_t a = starts[i], b = starts[i] + DAY;
		unsigned long step = RRD_STEP, nds;
		char **names;
		rrd_value_t *data;

		assert_int_equal(rrd_fetch_r(rrd_path, "AVERAGE", &a, &b, &step, &nds, &names,
		    &data), 0);
		assert_int_equal(rf.rra[rrdfile_pick(&rf, starts[i], RRD_STEP)].step, step);
		for (unsigned long k = 0; k < nds; k++)
			rrd_freemem(names[k]);
		rrd_freemem(names);
		rrd_freemem(data);
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		time_t a = rows[i] - 3600, b = rows[i] - 1;
		unsigned long step = 3600, nds;
		double v[RRDFILE_MAX_DS];
		char **names;
		rrd_value_t *data;

		assert_int_equal(rrd_fetch_r(rrd_path, "AVERAGE", &a, &b, &step, &nds, &names,
		    &data), 0);
		assert_int_equal(a, rows[i] - 3600);   /* data[0..nds) is the row ending at rows[i] */
		assert_int_equal(rrdfile_row(&rf, rrdfile_archive(&rf, 3600), rows[i], v,
		    RRDFILE_MAX_DS), GM_OK);
		assert_memory_equal(v, data, nds * sizeof(double));
		assert_false(isnan(v[0]));
		for (unsigned long k = 0; k < nds; k++)
			rrd_freemem(names[k]);
		rrd_freemem(names);
		rrd_freemem(data);
	}
	/* not held: after the last update, not on a row's end */
	assert_int_equal(rrdfile_row(&rf, rrdfile_archive(&rf, 3600), T0 + 61 * DAY, NULL, 8),
	    GM_ERANGE);
	assert_int_equal(rrdfile_row(&rf, rrdfile_archive(&rf, 3600), T0 + 60, NULL, 8),
	    GM_ERANGE);
	rrdfile_close(&rf);
}

/* No cache (NULL) is usage_series itself; so is an entries journal. */
static void test_no_cache(void **state)
{
	struct usage got[NSERIES], want[NSERIES];
	struct usage_req r = { .bounds = series, .n = NSERIES, .out = got };
	struct chan_id id = id3("hq", "m1", "kwh");

	(void)state;
	make_counter(rrd_path, T0 + 60 * DAY, 0.25);
	fresh(series, NSERIES, want);
	usage_cache_series(NULL, &id, rrd_path, &r, 1);
	assert_int_equal(r.rc, GM_OK);
	expect_same("no cache", got, want, NSERIES);
	/* a file that is not there: usage_series's error */
	r.rc = GM_OK;
	unlink(rrd_path);
	usage_cache_series(NULL, &id, rrd_path, &r, 1);
	assert_int_equal(r.rc, GM_ELIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit_is_the_same, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_piece_not_kept, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_events_read_each_time, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_replaced_file, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_other_file_in_place, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_older_copy_put_back, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_cache_ignored, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_resolution_follows_rrd_fetch, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_id_never_written, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cache_not_writable, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_rrdfile_as_librrd, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_no_cache, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
