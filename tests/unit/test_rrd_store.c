/*
 * test_rrd_store.c - the store's parts that need no daemon: rrdcached
 * addresses (collector/rrd_cached.c), the millisecond grid and the exact
 * last-update time read from the header (collector/rrd_head.c), and the
 * store through librrd (collector/rrd_store.c, rrd_direct.c). rrdcached
 * itself is exercised by tests/integration/60-rrdcached.sh and
 * 61-collector-kill.sh.
 *
 * T = 1717196400 (2024-05-31T23:00:00Z), a whole minute; readings are
 * written as "seconds.milliseconds".
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "../../collector/rrd_backend.h"
#include "../../collector/rrd_head.h"
#include "../../collector/rrd_store.h"
#include "err.h"
#include "log.h"
#include "rrd_layout.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define T 1717196400LL

struct addr_case {
	const char *addr;
	int rc;
	bool is_unix;
	const char *why;     /* part of the message when refused */
};

static void test_addr(void **state)
{
	static const struct addr_case cases[] = {
		{ "unix:/run/rrdcached.sock", GM_OK, true, NULL },
		{ "/run/rrdcached.sock", GM_OK, true, NULL },
		{ "unix:run/rrdcached.sock", GM_EINVAL, true, "absolute path" },
		{ "unix:", GM_EINVAL, true, "absolute path" },
		{ "unix:/" "0123456789012345678901234567890123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789", GM_EINVAL, true, "longer" },
		{ "127.0.0.1:42217", GM_OK, false, NULL },
		{ "rrd.example.org", GM_OK, false, NULL },
		{ "localhost:42217", GM_OK, false, NULL },
		{ "[::1]:42217", GM_OK, false, NULL },
		{ "[::1]", GM_OK, false, NULL },
		{ "[::1]x", GM_EINVAL, false, "[address]:port" },
		{ "[]:1", GM_EINVAL, false, "[address]:port" },
		{ "[::1", GM_EINVAL, false, "[address]:port" },
		{ ":42217", GM_EINVAL, false, "no host" },
		{ "", GM_EINVAL, false, "no host" },
		{ "host:0", GM_EINVAL, false, "1..65535" },
		{ "host:65536", GM_EINVAL, false, "1..65535" },
		{ "host:", GM_EINVAL, false, "1..65535" },
		{ "host:+1", GM_EINVAL, false, "1..65535" },
		{ "host:12x", GM_EINVAL, false, "1..65535" },
		{ "ho st:1", GM_EINVAL, false, "bad character" },
		{ "host;rm:1", GM_EINVAL, false, "bad character" },
	};
	char err[256];
	bool is_unix;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		int rc;

		err[0] = '\0';
		rc = rrd_cached_addr_check(cases[i].addr, &is_unix, err, sizeof(err));
		if (rc != cases[i].rc || is_unix != cases[i].is_unix ||
		    (cases[i].why != NULL && strstr(err, cases[i].why) == NULL))
			fail_msg("\"%s\": rc %d unix %d \"%s\", want rc %d unix %d \"%s\"",
			    cases[i].addr, rc, is_unix, err, cases[i].rc, cases[i].is_unix,
			    cases[i].why ? cases[i].why : "");
	}
}

/* Times as JSON brings them, on the grid the store writes. */
static void test_ms(void **state)
{
	(void)state;
	assert_true(rrd_ms(1717196400.0) == 1717196400000LL);
	assert_true(rrd_ms(1717196400.5) == 1717196400500LL);
	/* 1795293380.002 is not a double; the nearest one still lands on 002 */
	assert_true(rrd_ms(1795293380.002) == 1795293380002LL);
	assert_true(rrd_ms(1717196400.0021) == 1717196400002LL);
	assert_true(rrd_ms(1717196400.0024) == 1717196400002LL);
	assert_true(rrd_ms(1717196400.9996) == 1717196401000LL);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("rrd-store");
}

static struct store *open_direct(char *datadir, size_t len)
{
	char err[256];
	struct store *s;

	snprintf(datadir, len, "%s/data", tmpdir);
	s = store_open(datadir, NULL, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	assert_string_equal(store_backend(s), "librrd");
	return s;
}

static const struct payload_meta kwh = { .unit = "kWh", .kind = KIND_COUNTER };

static int put(struct store *s, const struct chan_id *id, const struct store_row *rows,
    size_t n)
{
	char err[256];

	return store_update(s, id, &kwh, rows, n, err, sizeof(err));
}

static int64_t head_ms(const char *path)
{
	char err[256];
	int64_t ms = -1;

	if (rrd_head_last_ms(path, &ms, err, sizeof(err)) != GM_OK)
		fail_msg("rrd_head_last_ms: %s", err);
	return ms;
}

/* The header keeps microseconds; librrd's public calls give the second. */
static void test_head_exact(void **state)
{
	struct chan_id id = id3("hq", "m1", "energy");
	const struct store_row rows[] = {
		{ T + 0.5, 1000.5, NAN },
		{ T + 60.002, 1001, 0.5 },
	};
	char datadir[128], path[256], err[256];
	const char *argv[1] = { "1717196520.001:1002:1" };
	struct store *s = open_direct(datadir, sizeof(datadir));
	bool exists;
	double t, v;

	(void)state;
	assert_int_equal(put(s, &id, rows, 2), GM_OK);
	rrd_layout_path(path, sizeof(path), datadir, &id);
	assert_true(head_ms(path) == (T + 60) * 1000 + 2);
	/* store_last says the same; librrd's public call only the second */
	assert_int_equal(store_last(s, &id, &exists, &t, &v, err, sizeof(err)), GM_OK);
	assert_true(exists);
	assert_true(rrd_ms(t) == (T + 60) * 1000 + 2);
	assert_true(v == 1001);
	rrd_clear_error();
	assert_true(rrd_last_r(path) == T + 60);
	/* librrd keeps .001 as 999 microseconds (it truncates 0.000999...):
	 * read back as 1 ms */
	rrd_clear_error();
	assert_int_equal(rrd_update_r(path, RRD_TEMPLATE, 1, argv), 0);
	assert_true(head_ms(path) == (T + 120) * 1000 + 1);
	store_close(s);
}

static void test_head_bad(void **state)
{
	char path[256], err[256];
	int64_t ms;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.rrd", tmpdir);
	assert_int_equal(rrd_head_last_ms(path, &ms, err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "No such file"));
	snprintf(path, sizeof(path), "%s/text.rrd", tmpdir);
	write_file(path, "this is not an RRD file, but it is long enough to hold a header: "
	    "0123456789012345678901234567890123456789012345678901234567890123456789\n");
	assert_int_equal(rrd_head_last_ms(path, &ms, err, sizeof(err)), GM_EINVAL);
	assert_non_null(strstr(err, "not an RRD"));
	/* a real header, cut before its live part */
	snprintf(path, sizeof(path), "%s/cut.rrd", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	{
		const char **argv;
		int argc = rrd_layout_argv(&argv);
		char full[256];
		FILE *in;
		char buf[300];

		snprintf(full, sizeof(full), "%s/full.rrd", tmpdir);
		rrd_clear_error();
		assert_int_equal(rrd_create_r2(full, RRD_STEP, T, 0, NULL, NULL, argc, argv), 0);
		assert_non_null(in = fopen(full, "r"));
		assert_int_equal(fread(buf, 1, sizeof(buf), in), sizeof(buf));
		fclose(in);
		assert_int_equal(fwrite(buf, 1, sizeof(buf), f), sizeof(buf));
		assert_true(head_ms(full) == T * 1000);
	}
	fclose(f);
	assert_int_equal(rrd_head_last_ms(path, &ms, err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "cut short"));
}

/* librrd's own answer for a data source's last value, NAN for "U". */
static double lib_last(const char *path, const char *ds)
{
	char **names = NULL, **last = NULL;
	unsigned long n = 0;
	time_t when;
	double v = NAN;

	rrd_clear_error();
	if (rrd_lastupdate_r(path, &when, &n, &names, &last) != 0)
		fail_msg("rrd_lastupdate_r: %s", rrd_get_error());
	for (unsigned long i = 0; i < n; i++) {
		if (strcmp(names[i], ds) == 0 && strcmp(last[i], "U") != 0)
			v = strtod(last[i], NULL);
		free(names[i]);
		free(last[i]);
	}
	free(names);
	free(last);
	return v;
}

/* The header's last value is what librrd reports, in every state. */
static void test_head_last_value(void **state)
{
	const char **argv;
	int argc = rrd_layout_argv(&argv);
	const char *ups[] = { "1717196460.5:1000.25:U", "1717196520:U:0.5",
	    "1717196580.001:1.0000000000000002e+300:0", "1717196640:-0.1:7" };
	char path[256], err[256];
	int64_t ms;
	double v = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/last.rrd", tmpdir);
	rrd_clear_error();
	assert_int_equal(rrd_create_r2(path, RRD_STEP, T, 0, NULL, NULL, argc, argv), 0);
	assert_int_equal(rrd_head_last(path, RRD_DS_VALUE, &ms, &v, err, sizeof(err)), GM_OK);
	assert_true(ms == T * 1000);
	assert_true(isnan(v) && isnan(lib_last(path, RRD_DS_VALUE)));
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		double want_v, want_use, use;

		rrd_clear_error();
		assert_int_equal(rrd_update_r(path, RRD_TEMPLATE, 1, &ups[i]), 0);
		want_v = lib_last(path, RRD_DS_VALUE);
		want_use = lib_last(path, RRD_DS_USE);
		assert_int_equal(rrd_head_last(path, RRD_DS_VALUE, &ms, &v, err, sizeof(err)),
		    GM_OK);
		assert_int_equal(rrd_head_last(path, RRD_DS_USE, &ms, &use, err, sizeof(err)),
		    GM_OK);
		assert_true(isnan(want_v) ? isnan(v) : v == want_v);
		assert_true(isnan(want_use) ? isnan(use) : use == want_use);
	}
	assert_true(v == -0.1);
	assert_true(ms == (T + 240) * 1000);
	/* no such data source: the time still, and no value */
	assert_int_equal(rrd_head_last(path, "nosuch", &ms, &v, err, sizeof(err)), GM_OK);
	assert_true(isnan(v) && ms == (T + 240) * 1000);
}

/* Two readings in the same millisecond are one row of the file: a batch
 * holding both is refused whole, as librrd refuses any stale row. */
static void test_ms_grid(void **state)
{
	struct chan_id id = id3("hq", "m1", "energy");
	const struct store_row both[] = {
		{ T + 0.0021, 1000, NAN },
		{ T + 0.0024, 1000.25, 0.25 },
	};
	char datadir[128], path[256];
	struct store *s = open_direct(datadir, sizeof(datadir));

	(void)state;
	assert_int_equal(put(s, &id, both, 2), GM_ESTALE);
	rrd_layout_path(path, sizeof(path), datadir, &id);
	/* the file was made, with nothing in it, starting where the first
	 * reading's row (T, T + 60] starts */
	assert_true(head_ms(path) == T * 1000);
	assert_int_equal(put(s, &id, &both[0], 1), GM_OK);
	assert_int_equal(put(s, &id, &both[1], 1), GM_ESTALE);
	assert_true(head_ms(path) == T * 1000 + 2);
	store_close(s);
}

/* rrdcached not running: the store opens (the daemon may come later), and
 * an update fails for now, naming the daemon; nothing is held. */
static void test_cached_absent(void **state)
{
	struct chan_id id = id3("hq", "m1", "energy");
	const struct store_row row = { T, 1000, NAN };
	char datadir[128], addr[192], err[512], want[256];
	struct store *s;
	int rc;

	(void)state;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	snprintf(addr, sizeof(addr), "unix:%s/absent.sock", tmpdir);
	s = store_open(datadir, addr, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	snprintf(want, sizeof(want), "rrdcached at %s", addr);
	assert_string_equal(store_backend(s), want);
	rc = store_update(s, &id, &kwh, &row, 1, err, sizeof(err));
	assert_true(rc != GM_OK && rc != GM_ESTALE);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" does not name %s", err, want);
	store_close(s);

	/* a bad address is refused at open */
	assert_null(store_open(datadir, "unix:relative.sock", err, sizeof(err)));
	assert_non_null(strstr(err, "absolute path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_ms),
		cmocka_unit_test_setup_teardown(test_head_exact, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_head_bad, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_head_last_value, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_ms_grid, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cached_absent, setup, tmpdir_teardown),
	};

	log_init("test_rrd_store", LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
