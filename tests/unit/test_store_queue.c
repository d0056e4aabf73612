/*
 * test_store_queue.c - the write-ahead log (collector/wal.c) and the queue
 * that writes its rows to the RRD files (collector/store_queue.c), with the
 * real store (librrd) in a fresh data directory per test.
 *
 * T = 1717196400 (2024-05-31T23:00:00Z), a whole minute. The queue's writer
 * waits DELAY seconds, longer than any test, so rows reach their files only
 * when a test settles a channel or closes the queue: what is in the files
 * at each point is known.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../collector/store_queue.h"
#include "../../collector/wal.h"
#include "err.h"
#include "log.h"
#include "meter_event.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define T 1717196400.0
#define DELAY 60

static char datadir[96];
static struct store *store;
static const struct payload_meta KWH = { "kWh", KIND_COUNTER, 1, 0 };

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (tmpdir_make("store_queue") != 0)
		return -1;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	if ((store = store_open(datadir, NULL, err, sizeof(err))) == NULL) {
		print_message("store_open: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	store_close(store);
	return tmpdir_teardown(state);
}

static _Atomic size_t written;   /* rows the queue says it wrote (writer thread) */

static void count_written(void *user, const struct chan_id *id, size_t n)
{
	(void)user;
	(void)id;
	written += n;
}

static struct store_queue *open_q(void)
{
	struct store_queue *q;
	char err[256];

	if (sq_open(&q, store, datadir, DELAY, 0, count_written, NULL, err, sizeof(err)) != GM_OK)
		fail_msg("sq_open: %s", err);
	sq_set_pause(q, DELAY);   /* rows wait until settled, closed or DELAY */
	return q;
}

/* Rows at T + 60 k for k in [from, to), value 1000 + k, use 1. */
static void rows_at(struct store_row *rows, int from, int to)
{
	for (int k = from; k < to; k++) {
		rows[k - from].t = T + 60 * k;
		rows[k - from].value = 1000 + k;
		rows[k - from].use = 1;
	}
}

static void put(struct store_queue *q, const struct chan_id *id, int from, int to)
{
	struct store_row rows[64];
	char err[256];

	rows_at(rows, from, to);
	if (sq_put(q, id, &KWH, rows, (size_t)(to - from), err, sizeof(err)) != GM_OK)
		fail_msg("sq_put: %s", err);
}

/* The file's last reading: its time (0 when there is no file) and value. */
static double last_of(const struct chan_id *id, double *value)
{
	bool exists;
	double t, v;
	char err[256];

	if (store_last(store, id, &exists, &t, &v, err, sizeof(err)) != GM_OK)
		fail_msg("store_last: %s", err);
	if (value != NULL)
		*value = v;
	return exists ? t : 0;
}

/* Segments ("*.wal") and kept bad ones ("*.wal.bad") in the log directory. */
static void count_segments(int *segs, int *bad)
{
	char dir[160];
	struct dirent *e;
	DIR *d;

	*segs = *bad = 0;
	snprintf(dir, sizeof(dir), "%s/.wal", datadir);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".wal") == 0)
			(*segs)++;
		if (n > 8 && strcmp(e->d_name + n - 8, ".wal.bad") == 0)
			(*bad)++;
	}
	closedir(d);
}

static void test_line_roundtrip(void **state)
{
	struct chan_id id = id3("hq", "m-1", "energy_2"), got;
	struct payload_meta meta;
	struct store_row row = { T + 0.125, 1234.5678, 0.1 }, back;
	char line[256], err[128];

	(void)state;
	wal_format(line, sizeof(line), &id, &KWH, &row);
	assert_string_equal(line, "hq/m-1/energy_2 counter kWh 1717196400.125 1234.5678 0.1");
	assert_int_equal(wal_parse(line, &got, &meta, &back, err, sizeof(err)), GM_OK);
	assert_string_equal(got.site, "hq");
	assert_string_equal(got.meter, "m-1");
	assert_string_equal(got.channel, "energy_2");
	assert_string_equal(meta.unit, "kWh");
	assert_int_equal(meta.kind, KIND_COUNTER);
	assert_true(back.t == row.t && back.value == row.value && back.use == row.use);
	/* a gauge has no use */
	row.use = NAN;
	wal_format(line, sizeof(line), &id, &(struct payload_meta){ "W", KIND_GAUGE, 1, 0 },
	    &row);
	assert_string_equal(line, "hq/m-1/energy_2 gauge W 1717196400.125 1234.5678 U");
	assert_int_equal(wal_parse(line, &got, &meta, &back, err, sizeof(err)), GM_OK);
	assert_true(isnan(back.use));
}

static void test_bad_lines(void **state)
{
	static const char *const lines[] = {
		"",
		"hq/m1/energy counter kWh 1717196400 1000",          /* no use */
		"hq/m1/energy counter kWh 1717196400 1000 1 x",      /* more */
		"hq/m1/energy counter kWh 1717196400 1000 nan",
		"hq/m1/energy counter kWh 1717196400 inf 1",
		"hq/m1/energy counter kWh 0x10 1000 1",
		"hq/m1/energy delta kWh 1717196400 1000 1",          /* no RRD for delta */
		"hq/m1/energy total kWh 1717196400 1000 1",
		"hq/m1/energy counter k\\Wh 1717196400 1000 1",
		"hq/m1 counter kWh 1717196400 1000 1",
		"../m1/energy counter kWh 1717196400 1000 1",
		"hq/../energy counter kWh 1717196400 1000 1",
		"hq/m1/energy/x counter kWh 1717196400 1000 1",
		"HQ/m1/energy counter kWh 1717196400 1000 1",
		"hq/m1/energy  counter kWh 1717196400 1000 1",
		"hq/m1/energy counter kWh 1717196400 1000 1 ",
	};
	struct payload_meta meta;
	struct store_row row;
	struct chan_id id;
	char err[128];

	(void)state;
	for (size_t i = 0; i < NCASES(lines); i++) {
		if (wal_parse(lines[i], &id, &meta, &row, err, sizeof(err)) != GM_EINVAL)
			fail_msg("accepted: \"%s\"", lines[i]);
	}
}

/* Rows wait in the log until settled; then the file has them all, in one
 * batch, and the log segment goes once they are written. */
static void test_put_settle(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("hq", "m2", "energy");
	struct store_queue *q = open_q();
	char err[256];
	double v;
	int segs, bad;

	(void)state;
	written = 0;
	put(q, &a, 0, 3);
	put(q, &a, 3, 5);
	put(q, &b, 0, 2);
	assert_int_equal(sq_queued(q), 7);
	assert_true(last_of(&a, NULL) == 0);   /* nothing written yet */
	count_segments(&segs, &bad);
	assert_int_equal(segs, 1);
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, &v) == T + 240);
	assert_true(v == 1004);
	/* one round writes every channel queued when it starts */
	assert_true(last_of(&b, &v) == T + 60);
	assert_int_equal(sq_queued(q), 0);
	assert_int_equal(written, 7);
	/* settling a channel with nothing queued, or unknown, returns at once */
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_int_equal(sq_settle(q, &(struct chan_id){ "x", "y", "z" }, err, sizeof(err)),
	    GM_OK);
	sq_close(q);
	count_segments(&segs, &bad);
	assert_int_equal(segs + bad, 0);
}

/* A pause in the stream starts a round long before the delay is up; while
 * rows keep coming they wait. */
static void test_pause(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q = open_q();
	int waited = 0;

	(void)state;
	written = 0;
	sq_set_pause(q, 0.5);
	for (int k = 0; k < 5; k++) {   /* 0.1 s apart: no pause yet */
		put(q, &a, k, k + 1);
		assert_int_equal(written, 0);
		usleep(100 * 1000);
	}
	while (written < 5 && waited < 10000) {   /* DELAY is 60 s */
		usleep(10 * 1000);
		waited += 10;
	}
	assert_int_equal(written, 5);
	assert_true(last_of(&a, NULL) == T + 240);
	sq_close(q);
}

/* Closing writes whatever is queued. */
static void test_close_writes(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q = open_q();

	(void)state;
	put(q, &a, 0, 10);
	sq_close(q);
	assert_true(last_of(&a, NULL) == T + 540);
}

/*
 * A crash: rows in the log, some of them already in the file (the writer
 * was killed between writing and removing the segment). The next open
 * writes the rest and skips the written ones without calling them late.
 */
static void test_replay(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("site2", "m1", "water");
	struct store_row rows[8];
	struct store_queue *q;
	struct wal *w;
	char err[256], path[256];
	double v;
	int segs, bad;

	(void)state;
	assert_int_equal(wal_open(&w, datadir, 0, err, sizeof(err)), GM_OK);
	rows_at(rows, 0, 6);
	assert_int_equal(wal_append(w, &a, &KWH, rows, 6, err, sizeof(err)), GM_OK);
	assert_int_equal(wal_append(w, &b, &KWH, rows, 2, err, sizeof(err)), GM_OK);
	/* the first four of a are in the file already */
	assert_int_equal(store_update(store, &a, &KWH, rows, 4, err, sizeof(err)), GM_OK);
	/* while one holds the log, another cannot take it */
	assert_int_equal(sq_open(&q, store, datadir, DELAY, 0, count_written, NULL, err, sizeof(err)), GM_EBUSY);
	assert_non_null(strstr(err, "another gm-collector"));
	wal_close(w);

	written = 0;
	q = open_q();
	assert_int_equal(sq_queued(q), 8);
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, &v) == T + 300);
	assert_true(v == 1005);
	assert_true(last_of(&b, NULL) == T + 60);
	assert_int_equal(sq_take_late(q, &a), 0);
	/* written by this run: a's last two and b's two */
	assert_int_equal(written, 4);
	sq_close(q);
	snprintf(path, sizeof(path), "%s/hq/m1/energy.events", datadir);
	assert_int_equal(access(path, F_OK), -1);   /* nothing late */
	count_segments(&segs, &bad);
	assert_int_equal(segs + bad, 0);
}

/* A torn line (a crash mid-write, an edit) is skipped; the rows around it
 * are written and the segment is kept aside for a person. */
static void test_replay_torn(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q;
	char path[256];
	int segs, bad;

	(void)state;
	snprintf(path, sizeof(path), "%s/.wal", datadir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/.wal/0000000000000007.wal", datadir);
	write_file(path, "hq/m1/energy counter kWh 1717196400 1000 U\n"
	    "hq/m1/energy counter kWh 17171\n"
	    "hq/m1/energy counter kWh 1717196520 1002 2\n"
	    "hq/m1/energy counter kWh 17171964");
	q = open_q();
	assert_int_equal(sq_queued(q), 2);
	sq_close(q);
	assert_true(last_of(&a, NULL) == T + 120);
	count_segments(&segs, &bad);
	assert_int_equal(segs, 0);
	assert_int_equal(bad, 1);
	/* and the next segment number follows the one found */
	q = open_q();
	put(q, &a, 3, 4);
	snprintf(path, sizeof(path), "%s/.wal/0000000000000008.wal", datadir);
	assert_int_equal(access(path, F_OK), 0);
	sq_close(q);
}

static size_t late_seen;

static void count_late(const struct meter_event *ev, void *user)
{
	(void)user;
	if (ev->kind == EV_LATE)
		late_seen++;
}

/* Someone wrote the file behind the queue's back: the rows it now refuses
 * are kept in the events journal as late, counted once, never dropped. */
static void test_written_behind(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_row newer = { T + 150, 2000, NAN };
	struct store_queue *q = open_q();
	char err[256], path[256];

	(void)state;
	written = 0;
	put(q, &a, 0, 1);
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	put(q, &a, 1, 4);   /* T + 60, T + 120, T + 180 */
	assert_int_equal(store_update(store, &a, &KWH, &newer, 1, err, sizeof(err)), GM_OK);
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, NULL) == T + 180);
	assert_int_equal(sq_take_late(q, &a), 2);
	assert_int_equal(sq_take_late(q, &a), 0);
	assert_int_equal(written, 2);   /* T and T + 180 */
	sq_close(q);
	snprintf(path, sizeof(path), "%s/hq/m1/energy.events", datadir);
	late_seen = 0;
	assert_int_equal(events_each(path, 0, INFINITY, count_late, NULL, NULL, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(late_seen, 2);
}

/* A write that fails keeps its rows queued, in order, ahead of newer ones;
 * settle says so; they go out once it works again. */
static void test_write_fails(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q = open_q();
	char err[256], meter[256];

	(void)state;
	written = 0;
	put(q, &a, 0, 1);
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	/* the meter's directory unwritable for root too: replaced by a file */
	snprintf(meter, sizeof(meter), "%s/hq/m1", datadir);
	put(q, &a, 1, 3);
	{
		char moved[256];

		snprintf(moved, sizeof(moved), "%s/hq/m1.away", datadir);
		assert_int_equal(rename(meter, moved), 0);
		write_file(meter, "not a directory\n");
		assert_int_not_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
		assert_int_equal(sq_queued(q), 2);
		put(q, &a, 3, 4);
		assert_int_equal(unlink(meter), 0);
		assert_int_equal(rename(moved, meter), 0);
	}
	assert_int_equal(sq_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, NULL) == T + 180);
	assert_int_equal(sq_queued(q), 0);
	assert_int_equal(written, 4);   /* each row once, the failed ones too */
	sq_close(q);
}

/*
 * Puts racing the writer (no delay: it writes as soon as there is
 * anything): one busy channel, and 60 that get one row each, in between.
 * Every row still reaches its file with no settle: no channel was left off
 * the writer's list while holding rows (which would also have let its log
 * segment go before its rows were written, lost at the next kill).
 */
#define RACE_ONCE 60
static void test_race(void **state)
{
	struct chan_id busy = id3("hq", "m1", "busy"), once[RACE_ONCE];
	struct store_queue *q;
	char err[256], name[16];
	int k, waited = 0;

	(void)state;
	written = 0;
	assert_int_equal(sq_open(&q, store, datadir, 0, 0, count_written, NULL, err,
	    sizeof(err)), GM_OK);
	for (k = 0; k < RACE_ONCE * 20; k++) {
		put(q, &busy, k, k + 1);
		if (k % 20 == 10) {
			snprintf(name, sizeof(name), "c%d", k / 20);
			once[k / 20] = id3("hq", "m2", name);
			put(q, &once[k / 20], 0, 1);
		}
	}
	while (sq_queued(q) > 0 && waited++ < 300)
		usleep(10 * 1000);
	assert_int_equal(sq_queued(q), 0);
	for (int i = 0; i < RACE_ONCE; i++)
		assert_true(last_of(&once[i], NULL) == T);
	sq_close(q);
	assert_int_equal(written, RACE_ONCE * 21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_roundtrip),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test_setup_teardown(test_put_settle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
	};

	/* the failures are meant: only errors show */
	log_init("test_store_queue", LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
