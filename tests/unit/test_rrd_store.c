/*
 * test_rrd_store.c - the store's parts that need no daemon: rrdcached
 * addresses (collector/rrd_cached.c), the millisecond grid and the exact
 * last-update time read from the header (collector/rrd_head.c), and the
 * store through librrd (collector/rrd_store.c, rrd_direct.c), and how a
 * failing call on a channel's file is judged: damage (GM_EDAMAGED, the
 * channel set aside) or a failure that passes. One test runs a real
 * rrdcached for that; rrdcached itself is exercised by
 * tests/integration/60-rrdcached.sh and 61-collector-kill.sh.
 *
 * T = 1717196400 (2024-05-31T23:00:00Z), a whole minute; readings are
 * written as "seconds.milliseconds".
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
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
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#define RRD_EXPORT_DEPRECATED   /* the header's structs, to damage a file where they sit */
#include <rrd.h>

#include "rrd_backend.h"
#include "rrd_head.h"
#include "rrd_store.h"
#include "gm_err.h"
#include "log.h"
#include "rrd_layout.h"
#include "rrdc.h"
#include "rrd_fixture.h"
#include "rrdfile.h"
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
		rc = rrdc_addr_check(cases[i].addr, &is_unix, err, sizeof(err));
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

static struct rrd_store *open_direct(char *datadir, size_t len)
{
	char err[256];
	struct rrd_store *s;

	snprintf(datadir, len, "%s/data", tmpdir);
	s = rrd_store_open(datadir, NULL, err, sizeof(err));
	if (s == NULL)
		fail_msg("rrd_store_open: %s", err);
	assert_string_equal(rrd_store_backend(s), "librrd");
	return s;
}

static const struct payload_meta kwh = { .unit = "kWh", .kind = KIND_COUNTER };

static int put(struct rrd_store *s, const struct chan_id *id, const struct store_row *rows,
    size_t n)
{
	char err[256];

	return rrd_store_update(s, &(struct chan_rows){ id, &kwh, rows, n }, err, sizeof(err));
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
	struct rrd_store *s = open_direct(datadir, sizeof(datadir));
	bool exists;
	double t, v;

	(void)state;
	assert_int_equal(put(s, &id, rows, 2), GM_OK);
	rrd_layout_path(path, sizeof(path), datadir, &id);
	assert_true(head_ms(path) == (T + 60) * 1000 + 2);
	/* rrd_store_last says the same; librrd's public call only the second */
	assert_int_equal(rrd_store_last(s, &id, &exists, &t, &v, err, sizeof(err)), GM_OK);
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
	rrd_store_close(s);
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
		char full[256];
		FILE *in;
		char buf[300];

		snprintf(full, sizeof(full), "%s/full.rrd", tmpdir);
		rrd_fixture_create(full, T, 0);
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
	const char *ups[] = { "1717196460.5:1000.25:U", "1717196520:U:0.5",
	    "1717196580.001:1.0000000000000002e+300:0", "1717196640:-0.1:7" };
	char path[256], err[256];
	int64_t ms;
	double v = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/last.rrd", tmpdir);
	rrd_fixture_create(path, T, 0);
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
	struct rrd_store *s = open_direct(datadir, sizeof(datadir));

	(void)state;
	assert_int_equal(put(s, &id, both, 2), GM_ESTALE);
	rrd_layout_path(path, sizeof(path), datadir, &id);
	/* the file was made, with nothing in it, starting where the first
	 * reading's row (T, T + 60] starts */
	assert_true(head_ms(path) == T * 1000);
	assert_int_equal(put(s, &id, &both[0], 1), GM_OK);
	assert_int_equal(put(s, &id, &both[1], 1), GM_ESTALE);
	assert_true(head_ms(path) == T * 1000 + 2);
	rrd_store_close(s);
}

/* rrdcached not running: the store opens (the daemon may come later), and
 * an update fails for now, naming the daemon; nothing is held. */
static void test_cached_absent(void **state)
{
	struct chan_id id = id3("hq", "m1", "energy");
	const struct store_row row = { T, 1000, NAN };
	char datadir[128], addr[192], err[512], want[256];
	struct rrd_store *s;
	int rc;

	(void)state;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	snprintf(addr, sizeof(addr), "unix:%s/absent.sock", tmpdir);
	s = rrd_store_open(datadir, addr, err, sizeof(err));
	if (s == NULL)
		fail_msg("rrd_store_open: %s", err);
	snprintf(want, sizeof(want), "rrdcached at %s", addr);
	assert_string_equal(rrd_store_backend(s), want);
	rc = rrd_store_update(s, &(struct chan_rows){ &id, &kwh, &row, 1 }, err, sizeof(err));
	assert_true(rc != GM_OK && rc != GM_ESTALE);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" does not name %s", err, want);
	rrd_store_close(s);

	/* a bad address is refused at open */
	assert_null(rrd_store_open(datadir, "unix:relative.sock", err, sizeof(err)));
	assert_non_null(strstr(err, "absolute path"));
}

/* ---- damage: what a failing call on a channel's file is judged to be ---- */

#define LONG_AGO 1000000000   /* 2001: a file nobody is making now */

/* Where the live head (last_up, last_up_usec) of a file sits. */
static off_t live_at(const char *path)
{
	stat_head_t st;
	FILE *f;

	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fread(&st, sizeof(st), 1, f), 1);
	fclose(f);
	return (off_t)(sizeof(st) + st.ds_cnt * sizeof(ds_def_t) + st.rra_cnt * sizeof(rra_def_t));
}

static void poke(const char *path, off_t at, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, at), (ssize_t)len);
	close(fd);
}

static void spoil_usec(const char *path)
{
	long usec = 5000000;

	poke(path, live_at(path) + (off_t)sizeof(time_t), &usec, sizeof(usec));
}

static void spoil_after_2100(const char *path)
{
	time_t t = 4102444801;   /* 2100-01-01T00:00:01Z */

	poke(path, live_at(path), &t, sizeof(t));
}

static void spoil_before_1970(const char *path)
{
	time_t t = -60;

	poke(path, live_at(path), &t, sizeof(t));
}

static void spoil_ds_type(const char *path)
{
	poke(path, (off_t)sizeof(stat_head_t) + DS_NAM_SIZE, "XYZ", 4);
}

static void spoil_ds_name(const char *path)
{
	poke(path, (off_t)sizeof(stat_head_t), "vxlue", 6);
}

static void spoil_text(const char *path)
{
	poke(path, 0, "this is no RRD header any more", 30);
}

static void cut_in_header(const char *path)
{
	assert_int_equal(truncate(path, 3000), 0);
}

static void cut_in_rows(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);
}

static void one_byte_more(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size + 1), 0);
}

static void make_fifo(const char *path)
{
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
}

static void make_dir(const char *path)
{
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A link to a good RRD - another channel's, say: writing through it would
 * mix two channels in one file. */
static void make_link(const char *path)
{
	char other[300];

	snprintf(other, sizeof(other), "%s.other", path);
	assert_int_equal(rename(path, other), 0);
	assert_int_equal(symlink(other, path), 0);
}

/* When the file was last written: long ago (settled), an hour ahead of
 * this clock (restored from a machine whose clock was ahead, or this one
 * set back), or just now (it may be a file on its way: not judged yet). */
enum written { SETTLED, AHEAD, JUST_NOW };

struct damage_case {
	const char *what;
	void (*spoil)(const char *path);
	enum written written;
	int last_rc;        /* rrd_store_last */
	int update_rc;      /* rrd_store_update of the next reading, 1: GM_OK or GM_EDAMAGED */
	const char *why;    /* in rrd_store_last's message, or in rrd_store_update's */
};

#define EITHER 1   /* librrd may take the update (mending the field) or refuse it */

static const struct damage_case damage_cases[] = {
	{ "live head: microseconds 5000000", spoil_usec, SETTLED, GM_EDAMAGED, EITHER,
	  "microseconds" },
	{ "live head: last update after 2100", spoil_after_2100, SETTLED, GM_EDAMAGED, GM_EDAMAGED,
	  "out of range" },
	{ "live head: last update before 1970", spoil_before_1970, SETTLED, GM_EDAMAGED, EITHER,
	  "out of range" },
	{ "DS type unknown to librrd", spoil_ds_type, SETTLED, GM_OK, GM_EDAMAGED,
	  "data source" },
	{ "DS renamed", spoil_ds_name, SETTLED, GM_OK, GM_EDAMAGED, "data source" },
	{ "header overwritten", spoil_text, SETTLED, GM_EDAMAGED, GM_EDAMAGED, "not an RRD" },
	{ "header overwritten, mtime an hour ahead", spoil_text, AHEAD, GM_EDAMAGED,
	  GM_EDAMAGED, "not an RRD" },
	{ "header overwritten just now (may be a file on its way)", spoil_text, JUST_NOW,
	  GM_EIO, GM_ELIB, "not an RRD" },
	{ "cut short in its header", cut_in_header, SETTLED, GM_EDAMAGED, GM_EDAMAGED,
	  "cut short" },
	{ "cut short in its rows", cut_in_rows, SETTLED, GM_EDAMAGED, GM_EDAMAGED, "cut short" },
	/* librrd writes it, but it is not what librrd makes, nor what any
	 * reader of ours reads: the first sight of it sets its channel aside */
	{ "a byte more than its header says", one_byte_more, SETTLED, GM_EDAMAGED, EITHER,
	  "bytes" },
	{ "a FIFO", make_fifo, SETTLED, GM_EDAMAGED, GM_EDAMAGED, "special file" },
	{ "a directory", make_dir, SETTLED, GM_EDAMAGED, GM_EDAMAGED, "a directory" },
	{ "a symbolic link to a good RRD", make_link, SETTLED, GM_EDAMAGED, GM_EDAMAGED,
	  "symbolic link" },
};

struct store_call {
	struct rrd_store *s;
	struct chan_id id;
	double t;
	bool update;
	char err[512];
};

/* In a child (within()): a call that blocks fails the test, not hangs it.
 * The rc as an exit status, and the message in a file. */
static int store_call(void *arg)
{
	struct store_call *c = arg;
	const struct store_row row = { c->t, 1001, 1 };
	char path[300];
	bool exists;
	double t, v;
	FILE *f;
	int rc;

	c->err[0] = '\0';
	if (c->update)
		rc = rrd_store_update(c->s, &(struct chan_rows){ &c->id, &kwh, &row, 1 },
		    c->err, sizeof(c->err));
	else
		rc = rrd_store_last(c->s, &c->id, &exists, &t, &v, c->err, sizeof(c->err));
	snprintf(path, sizeof(path), "%s/call.err", tmpdir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(c->err, f);
		fclose(f);
	}
	return -rc;
}

/* rrd_store_last or rrd_store_update through c->s, at most 5 s: its rc, message in err. */
static int call_store(struct store_call *c, bool update, char *err, size_t errlen)
{
	char path[300];
	int status;
	FILE *f;

	c->update = update;
	if ((status = within(5, store_call, c)) < 0)
		fail_msg("%s of %s/%s/%s still blocked after 5 s", update ? "rrd_store_update" :
		    "rrd_store_last", c->id.site, c->id.meter, c->id.channel);
	snprintf(path, sizeof(path), "%s/call.err", tmpdir);
	err[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(err, (int)errlen, f) == NULL)
			err[0] = '\0';
		fclose(f);
	}
	return -status;
}

static void set_mtime(const char *path, enum written w)
{
	time_t t = w == SETTLED ? LONG_AGO : w == AHEAD ? time(NULL) + 3600 : time(NULL);
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* Each damage a file of ours can come to, the file otherwise settled: the
 * store's calls answer at once (none blocks), and one that fails says
 * GM_EDAMAGED with what is wrong - never a failure that passes, which
 * would have the collector retry the message for ever with every other
 * channel behind it. A file written just now is not judged yet. */
static void test_damage_judged(void **state)
{
	char datadir[128], path[256], err[512];
	struct rrd_store *s = open_direct(datadir, sizeof(datadir));

	(void)state;
	for (size_t i = 0; i < NCASES(damage_cases); i++) {
		const struct damage_case *d = &damage_cases[i];
		const struct store_row row = { T + 0.5, 1000, NAN };
		struct store_call c = { .s = s, .t = T + 60.25 };
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "c%zu", i);
		c.id = id3("hq", "m1", name);
		assert_int_equal(put(s, &c.id, &row, 1), GM_OK);
		rrd_layout_path(path, sizeof(path), datadir, &c.id);
		d->spoil(path);
		set_mtime(path, d->written);

		rc = call_store(&c, false, err, sizeof(err));
		if (rc != d->last_rc || (rc != GM_OK && strstr(err, d->why) == NULL))
			fail_msg("%s: rrd_store_last says %d \"%s\", want %d \"%s\"", d->what, rc,
			    err,
			    d->last_rc, d->why);
		rc = call_store(&c, true, err, sizeof(err));
		if (d->update_rc == EITHER ? rc != GM_OK && rc != GM_EDAMAGED : rc != d->update_rc)
			fail_msg("%s: rrd_store_update says %d \"%s\", want %d", d->what, rc, err,
			    d->update_rc);
		if (rc == GM_EDAMAGED && strstr(err, d->why) == NULL)
			fail_msg("%s: rrd_store_update's reason \"%s\" does not say \"%s\"",
			    d->what, err,
			    d->why);
	}
	rrd_store_close(s);
}

/* The readings older than the file's last (rrd_store_covered, which reads the
 * file with rrd_fetch) of a file damaged since: judged as well, and a FIFO
 * there does not block the fetch. */
static int covered_call(void *arg)
{
	struct store_call *c = arg;
	double ts[1] = { T + 0.5 };
	bool covered[1];

	return -rrd_store_covered(c->s, &c->id, ts, 1, T + 60, 0, covered, c->err, sizeof(c->err));
}

static void test_covered_damaged(void **state)
{
	const struct store_row row = { T + 0.5, 1000, NAN };
	char datadir[128], path[256];
	struct rrd_store *s = open_direct(datadir, sizeof(datadir));
	struct store_call c = { .s = s, .id = id3("hq", "m1", "energy") };
	int status;

	(void)state;
	assert_int_equal(put(s, &c.id, &row, 1), GM_OK);
	rrd_layout_path(path, sizeof(path), datadir, &c.id);
	make_fifo(path);
	if ((status = within(5, covered_call, &c)) < 0)
		fail_msg("rrd_store_covered still blocked on a FIFO after 5 s");
	assert_int_equal(-status, GM_EDAMAGED);
	rrd_store_close(s);
}

/* Shared groups take a channel's file lock before anything else reads it:
 * whatever sits at its name, rrd_store_lock answers at once, and leaves what
 * is not a file of ours to be judged by the call that follows (a lock that
 * "failed" would have the message retried for ever). */
static int lock_call(void *arg)
{
	struct store_call *c = arg;
	int fd = rrd_store_lock(c->s, &c->id, c->err, sizeof(c->err));

	rrd_store_unlock(fd);
	return fd == STORE_NO_FILE ? 1 : fd == STORE_LOCK_FAILED ? 2 : 0;
}

static void test_lock_damaged(void **state)
{
	static const struct {
		const char *what;
		void (*spoil)(const char *path);
	} cases[] = { { "a FIFO", make_fifo }, { "a directory", make_dir },
	    { "a symbolic link", make_link } };
	const struct store_row row = { T + 0.5, 1000, NAN };
	char datadir[128], path[256], dir[300], err[512];
	struct rrd_store *s = open_direct(datadir, sizeof(datadir));
	struct store_call c = { .s = s };
	bool exists;
	double t, v;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		char name[16];
		int got;

		snprintf(name, sizeof(name), "c%zu", i);
		c.id = id3("hq", "m1", name);
		assert_int_equal(put(s, &c.id, &row, 1), GM_OK);
		rrd_layout_path(path, sizeof(path), datadir, &c.id);
		assert_int_equal(within(5, lock_call, &c), 0);   /* a file: locked */
		cases[i].spoil(path);
		if ((got = within(5, lock_call, &c)) != 1)
			fail_msg("%s: rrd_store_lock %s", cases[i].what, got < 0 ? "still blocked "
			    "after 5 s" : "failed: the message would be retried for ever");
		assert_int_equal(rrd_store_last(s, &c.id, &exists, &t, &v, err, sizeof(err)),
		    GM_EDAMAGED);
	}
	/* a directory on the way is a file */
	c.id = id3("hq", "m2", "energy");
	assert_int_equal(put(s, &c.id, &row, 1), GM_OK);
	snprintf(dir, sizeof(dir), "%s/hq/m2", datadir);
	assert_int_equal(remove_tree(dir), 0);
	write_file(dir, "a file where a meter's directory was\n");
	assert_int_equal(within(5, lock_call, &c), 1);
	assert_int_equal(rrd_store_last(s, &c.id, &exists, &t, &v, err, sizeof(err)), GM_EDAMAGED);
	rrd_store_close(s);
}

static pid_t rrdcached_pid = -1;

/* A real rrdcached on a unix socket in tmpdir, serving tmpdir/data, its
 * output in tmpdir/rrdcached.log; stopped by teardown_cached. datadir and
 * addr (128 and 160 bytes): the data directory and the address to give
 * the store. */
static void start_rrdcached(char *datadir, char *addr)
{
	char journal[128], base[128], pidfile[128], sock[128];
	struct stat st;
	pid_t pid;

	snprintf(datadir, 128, "%s/data", tmpdir);
	snprintf(sock, sizeof(sock), "%s/rrdcached.sock", tmpdir);
	snprintf(addr, 160, "unix:%s", sock);
	snprintf(journal, sizeof(journal), "%s/journal", tmpdir);
	snprintf(base, sizeof(base), "%s/data", tmpdir);
	snprintf(pidfile, sizeof(pidfile), "%s/rrdcached.pid", tmpdir);
	assert_int_equal(mkdir(journal, 0755), 0);
	assert_true(mkdir(base, 0755) == 0 || errno == EEXIST);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		char listen[160], log[128];
		int fd;

		snprintf(listen, sizeof(listen), "unix:%s", sock);
		snprintf(log, sizeof(log), "%s/rrdcached.log", tmpdir);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execlp("rrdcached", "rrdcached", "-g", "-F", "-j", journal, "-b", base, "-B",
		    "-p", pidfile, "-l", listen, (char *)NULL);
		_exit(127);
	}
	rrdcached_pid = pid;
	for (int i = 0; i < 500 && stat(sock, &st) != 0; i++)
		usleep(10 * 1000);
	if (stat(sock, &st) != 0)
		fail_msg("rrdcached did not start (%s/rrdcached.log)", tmpdir);
}

static int teardown_cached(void **state)
{
	if (rrdcached_pid > 0) {
		kill(rrdcached_pid, SIGTERM);
		waitpid(rrdcached_pid, NULL, 0);
		rrdcached_pid = -1;
	}
	return tmpdir_teardown(state);
}

/*
 * Through rrdcached the store reads the header itself as well (rrd_head.h),
 * and a damaged one came back GM_EINVAL - which the store passed on as it
 * passes on a refused reading: ingest then dropped the message ("rejected")
 * or retried it for ever. It is damage, as through librrd.
 */
static void test_cached_damaged(void **state)
{
	static const struct {
		const char *what;
		void (*spoil)(const char *path);
	} cases[] = { { "microseconds 5000000", spoil_usec },
	    { "last update after 2100", spoil_after_2100 },
	    { "header overwritten", spoil_text } };
	const struct store_row row = { T + 0.5, 1000, NAN };
	char datadir[128], addr[160], path[256], err[512];
	struct rrd_store *s;
	bool exists;
	double t, v;

	(void)state;
	start_rrdcached(datadir, addr);
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct store_call c = { .t = T + 60.25 };
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "c%zu", i);
		c.id = id3("hq", "m1", name);
		assert_non_null(s = rrd_store_open(datadir, addr, err, sizeof(err)));
		assert_int_equal(put(s, &c.id, &row, 1), GM_OK);
		rrd_store_close(s);   /* flushes: the file holds the reading */
		rrd_layout_path(path, sizeof(path), datadir, &c.id);
		cases[i].spoil(path);
		set_mtime(path, SETTLED);

		assert_non_null(c.s = rrd_store_open(datadir, addr, err, sizeof(err)));
		if ((rc = call_store(&c, false, err, sizeof(err))) != GM_EDAMAGED)
			fail_msg("rrdcached, %s: rrd_store_last says %d \"%s\", want GM_EDAMAGED",
			    cases[i].what, rc, err);
		if ((rc = call_store(&c, true, err, sizeof(err))) != GM_EDAMAGED)
			fail_msg("rrdcached, %s: rrd_store_update says %d \"%s\", want GM_EDAMAGED",
			    cases[i].what, rc, err);
		assert_int_equal(rrd_store_last(c.s, &c.id, &exists, &t, &v, err, sizeof(err)),
		    GM_EDAMAGED);
		rrd_store_close(c.s);
	}
}

/*
 * Through rrdcached, new files are made in this process, side by side,
 * while the updates take turns on the one connection: four threads giving
 * 25 new channels each three readings, one call a reading, leave every file
 * with its last reading once the store is closed (flushed).
 */
#define CACHED_THREADS 4
#define CACHED_EACH 25

struct cached_worker {
	struct rrd_store *s;
	int first;
	int failed;
};

static struct chan_id cached_id(int i)
{
	char meter[16], name[16];

	snprintf(meter, sizeof(meter), "m%d", i % 3);
	snprintf(name, sizeof(name), "c%d", i);
	return id3("hq", meter, name);
}

static void *cached_work(void *arg)
{
	struct cached_worker *w = arg;

	for (int k = 0; k < 3; k++) {
		for (int i = w->first; i < w->first + CACHED_EACH; i++) {
			struct chan_id id = cached_id(i);
			struct store_row row = { T + 60 * k, 1000 + i + k, NAN };

			if (put(w->s, &id, &row, 1) != GM_OK)
				w->failed++;
		}
	}
	return NULL;
}

static void test_cached_threads(void **state)
{
	struct cached_worker w[CACHED_THREADS];
	pthread_t th[CACHED_THREADS];
	char datadir[128], addr[160], err[512];
	struct rrd_store *s;
	bool exists;
	double t, v;

	(void)state;
	start_rrdcached(datadir, addr);
	assert_non_null(s = rrd_store_open(datadir, addr, err, sizeof(err)));
	assert_false(rrd_store_concurrent(s));   /* updates in turn; new files side by side */
	for (int i = 0; i < CACHED_THREADS; i++) {
		w[i] = (struct cached_worker){ s, i * CACHED_EACH, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, cached_work, &w[i]), 0);
	}
	for (int i = 0; i < CACHED_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	rrd_store_close(s);
	assert_non_null(s = rrd_store_open(datadir, NULL, err, sizeof(err)));
	for (int i = 0; i < CACHED_THREADS * CACHED_EACH; i++) {
		struct chan_id id = cached_id(i);

		assert_int_equal(rrd_store_last(s, &id, &exists, &t, &v, err, sizeof(err)), GM_OK);
		assert_true(exists);
		assert_true(t == T + 120);
		assert_true(v == 1000 + i + 2);
	}
	rrd_store_close(s);
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
		cmocka_unit_test_setup_teardown(test_damage_judged, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_covered_damaged, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_lock_damaged, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cached_damaged, setup, teardown_cached),
		cmocka_unit_test_setup_teardown(test_cached_threads, setup, teardown_cached),
	};

	log_init("test_rrd_store", GM_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
