/*
 * test_rrd_template.c - new files laid down from a template
 * (collector/rrd_template.c) are librrd's own: the same bytes but the ring
 * slots librrd picks at random, for start times on and off every step,
 * row and day, and for every heartbeat; the same rows read back after the
 * same updates; a file already at the name kept; a failed write leaving
 * nothing; many made at once from several threads.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "fileio.h"
#include "gm_err.h"
#include "rrd_fixture.h"
#include "rrd_layout.h"
#include "rrd_template.h"
#include "rrdfile.h"
#include "testutil.h"

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("rrd-template");
}

static unsigned char *slurp(const char *path, size_t *len)
{
	char *buf, err[256];

	if (fileio_read_all(path, 0, &buf, len, err, sizeof(err)) != GM_OK)
		fail_msg("%s: %s", path, err);
	return (unsigned char *)buf;
}

/* The file at ours equals librrd's at theirs but for the ring slots, and
 * ours is a sane channel file whose slots are in their rings. */
static void same_as_librrd(const char *ours, const char *theirs, time_t start, long every)
{
	unsigned char *a, *b;
	size_t alen, blen;
	struct rrdfile f;
	struct rrdfile_parts p;
	char err[256];

	a = slurp(ours, &alen);
	b = slurp(theirs, &blen);
	assert_int_equal(alen, blen);
	assert_int_equal(rrdfile_open(ours, &f, err, sizeof(err)), GM_OK);
	assert_int_equal(rrdfile_check_layout(&f, ours, err, sizeof(err)), GM_OK);
	assert_int_equal(f.last_up, start);
	p = rrdfile_parts(f.ds_cnt, (unsigned long)f.nrra);
	rrdfile_close(&f);
	memcpy(a + p.rra_ptr, b + p.rra_ptr, p.end - p.rra_ptr);
	if (memcmp(a, b, alen) != 0) {
		size_t i = 0;

		while (a[i] == b[i])
			i++;
		fail_msg("start %lld every %ld: byte %zu differs from librrd's (header %zu)",
		    (long long)start, every, i, p.end);
	}
	free(a);
	free(b);
}

static void test_same_as_librrd(void **state)
{
	/* on a minute, an hour, a day; off them; the first second of 2100 less
	 * a day; a second after the epoch's first minute */
	const time_t starts[] = { 1767225600, 1767225660, 1767229200, 1767225607,
	    1767229259, 1767311999, 4102358400, 61, 1700000000 };
	const long everys[] = { 0, 60, 900, 3600, 2678400 };
	struct rrd_templates *ts = rrd_templates_new();
	char ours[128], theirs[128], err[256];
	struct rrd_def def;

	(void)state;
	assert_non_null(ts);
	for (size_t e = 0; e < sizeof(everys) / sizeof(everys[0]); e++) {
		for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
			snprintf(ours, sizeof(ours), "%s/ours-%zu-%zu.rrd", tmpdir, e, i);
			snprintf(theirs, sizeof(theirs), "%s/theirs-%zu-%zu.rrd", tmpdir, e, i);
			if (rrd_template_make(ts, ours, starts[i], everys[e], err, sizeof(err)) != GM_OK)
				fail_msg("%s: %s", ours, err);
			rrd_layout_def(&def, everys[e]);
			rrd_clear_error();
			if (rrd_create_r2(theirs, RRD_STEP, starts[i], 0, NULL, NULL, def.argc,
			    def.argv) != 0)
				fail_msg("%s: %s", theirs, rrd_get_error());
			same_as_librrd(ours, theirs, starts[i], everys[e]);
		}
	}
	/* 2 files for each case, and nothing else: the checking files are gone */
	assert_int_equal(dir_count(tmpdir, true), 2 * 5 * 9);
	rrd_templates_free(ts);
}

static void fetch(const char *path, unsigned long step, time_t from, time_t to,
    rrd_value_t **data, unsigned long *n)
{
	time_t a = from, b = to;
	unsigned long nds;
	char **names;

	rrd_clear_error();
	if (rrd_fetch_r(path, "AVERAGE", &a, &b, &step, &nds, &names, data) != 0)
		fail_msg("%s: %s", path, rrd_get_error());
	*n = (unsigned long)(b - a) / step * nds;
	for (unsigned long i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
}

/* Three days of readings, with a gap, into a template file and a librrd
 * file: every archive reads back the same rows. */
static void test_same_rows(void **state)
{
	const time_t start = 1767225600 - 3 * 86400 + 17;
	struct rrd_templates *ts = rrd_templates_new();
	static struct rrd_row rows[3 * 1440];
	const unsigned long steps[] = { 60, 3600, 86400 };
	char ours[128], theirs[128], err[256];
	size_t n = 0;

	(void)state;
	snprintf(ours, sizeof(ours), "%s/ours.rrd", tmpdir);
	snprintf(theirs, sizeof(theirs), "%s/theirs.rrd", tmpdir);
	assert_int_equal(rrd_template_make(ts, ours, start, 60, err, sizeof(err)), GM_OK);
	rrd_fixture_create(theirs, start, 60);
	for (time_t t = start + 43; t < start + 3 * 86400; t += 60) {
		if (t > start + 86400 && t < start + 86400 + 5000)
			continue;   /* the gap: unknown rows */
		rows[n] = (struct rrd_row){ t, 1000.0 + (double)n * 0.25, n ? 0.25 : NAN };
		n++;
	}
	rrd_fixture_put(ours, rows, n);
	rrd_fixture_put(theirs, rows, n);
	for (size_t s = 0; s < 3; s++) {
		rrd_value_t *a, *b;
		unsigned long na, nb, known = 0;

		fetch(ours, steps[s], start, start + 3 * 86400, &a, &na);
		fetch(theirs, steps[s], start, start + 3 * 86400, &b, &nb);
		assert_int_equal(na, nb);
		for (unsigned long i = 0; i < na; i++) {
			if (isnan(a[i]) != isnan(b[i]) || (!isnan(a[i]) && a[i] != b[i]))
				fail_msg("step %lu value %lu: %g, librrd's %g", steps[s], i, a[i], b[i]);
			known += !isnan(a[i]);
		}
		assert_true(known > 0);
		rrd_freemem(a);
		rrd_freemem(b);
	}
	rrd_templates_free(ts);
}

/* A file at the name (another collector's, just made) is kept. */
static void test_keeps_existing(void **state)
{
	struct rrd_templates *ts = rrd_templates_new();
	char path[128], buf[32], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/there.rrd", tmpdir);
	write_file(path, "someone's\n");
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)), GM_EDUP);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "someone's\n");
	assert_int_equal(dir_count(tmpdir, true), 1);
	rrd_templates_free(ts);
}

/* Where librrd cannot make its checking files (no such directory here; a
 * full disk in earnest), the answer is "no template" for a while, not on
 * every new file and not for good: each try writes two files of 1.1 MB. */
static void test_check_files_fail(void **state)
{
	struct rrd_templates *ts = rrd_templates_new();
	char path[128], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/nodir/a.rrd", tmpdir);
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_non_null(strstr(err, "librrd could not make"));
	snprintf(path, sizeof(path), "%s/first.rrd", tmpdir);
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_non_null(strstr(err, "no template until"));
	assert_int_equal(dir_count(tmpdir, true), 0);
	rrd_templates_free(ts);
}

/* A write that fails names the file and leaves nothing; the template is
 * still there for the next file. */
static void test_failures(void **state)
{
	struct rrd_templates *ts = rrd_templates_new();
	char path[128], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/first.rrd", tmpdir);
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)), GM_OK);
	snprintf(path, sizeof(path), "%s/second.rrd", tmpdir);
	file_limit_set(256 * 1024);
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)), GM_EIO);
	file_limit_lift();
	assert_non_null(strstr(err, path));
	assert_int_equal(dir_count(tmpdir, true), 1);   /* first.rrd alone */
	assert_int_equal(rrd_template_make(ts, path, 1767225600, 0, err, sizeof(err)), GM_OK);
	rrd_templates_free(ts);
}

static void test_set_start_refuses(void **state)
{
	unsigned char junk[2912];

	(void)state;
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(rrd_template_set_start(junk, sizeof(junk), 1767225600, 1), GM_EINVAL);
	assert_int_equal(rrd_template_set_start(junk, 8, 1767225600, 1), GM_EINVAL);
}

struct maker {
	struct rrd_templates *ts;
	int id;
	char err[256];
};

static void *make_many(void *arg)
{
	struct maker *m = arg;
	char path[128];

	for (int i = 0; i < 25; i++) {
		snprintf(path, sizeof(path), "%s/t%d-%d.rrd", tmpdir, m->id, i);
		/* two heartbeats, so templates are made while others are used */
		if (rrd_template_make(m->ts, path, 1767225600 + i * 61, i % 2 ? 3600 : 0, m->err,
		    sizeof(m->err)) != GM_OK)
			return m->err;
	}
	return NULL;
}

/* Four threads at once, as the collector's helpers make files. */
static void test_threads(void **state)
{
	struct rrd_templates *ts = rrd_templates_new();
	struct maker m[4];
	pthread_t t[4];
	char path[128], err[256];
	struct rrdfile f;

	(void)state;
	for (int i = 0; i < 4; i++) {
		m[i] = (struct maker){ .ts = ts, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, make_many, &m[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *r;

		assert_int_equal(pthread_join(t[i], &r), 0);
		if (r != NULL)
			fail_msg("%s", (char *)r);
	}
	assert_int_equal(dir_count(tmpdir, true), 100);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/t%d-24.rrd", tmpdir, i);
		assert_int_equal(rrdfile_open(path, &f, err, sizeof(err)), GM_OK);
		assert_int_equal(f.last_up, 1767225600 + 24 * 61);
		rrdfile_close(&f);
	}
	rrd_templates_free(ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_librrd, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_same_rows, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_keeps_existing, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_check_files_fail, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_set_start_refuses, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
