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
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_queue.h"
#include "wal.h"
#include "gm_err.h"
#include "log.h"
#include "meter_event.h"
#include "rrd_layout.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define T 1717196400.0
#define DELAY 60

static char datadir[200];
static struct rrd_store *store;
static const struct payload_meta KWH = { "kWh", KIND_COUNTER, 1, 0, 0 };

static _Atomic size_t written;   /* rows the queue says it wrote (writer thread) */

static void count_written(void *user, const struct chan_id *id, size_t n)
{
	(void)user;
	(void)id;
	written += n;
}

static _Atomic size_t quarantined;   /* rows the queue put in the quarantine */
static char aside_why[512];          /* the last; read after a settle */
static pthread_mutex_t aside_mu = PTHREAD_MUTEX_INITIALIZER;   /* a round's threads */

static void count_quarantined(void *user, const struct chan_id *id, size_t n, const char *why)
{
	(void)user;
	(void)id;
	quarantined += n;
	pthread_mutex_lock(&aside_mu);
	snprintf(aside_why, sizeof(aside_why), "%s", why);
	pthread_mutex_unlock(&aside_mu);
}

static const struct sq_hooks hooks = { count_written, count_quarantined, NULL };
static struct quarantine *dlq;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (tmpdir_make("store_queue") != 0)
		return -1;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	if ((store = rrd_store_open(datadir, NULL, err, sizeof(err))) == NULL) {
		print_message("rrd_store_open: %s\n", err);
		return -1;
	}
	if (quarantine_open(&dlq, datadir, QUARANTINE_REFUSED_MAX, err, sizeof(err)) != GM_OK) {
		print_message("quarantine_open: %s\n", err);
		return -1;
	}
	quarantined = 0;
	return 0;
}

static int teardown(void **state)
{
	char small[120];

	snprintf(small, sizeof(small), "%s/small", tmpdir);
	umount2(small, MNT_DETACH);   /* test_disk_full's, if it failed half way */
	quarantine_close(dlq);
	rrd_store_close(store);
	return tmpdir_teardown(state);
}


static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct store_queue *open_q(void)
{
	struct store_queue *q;
	char err[256];

	if (store_queue_open(&q, store, dlq, datadir, DELAY, 0, &hooks, err, sizeof(err)) != GM_OK)
		fail_msg("store_queue_open: %s", err);
	store_queue_set_pause(q, DELAY);   /* rows wait until settled, closed or DELAY */
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
	if (store_queue_put(q, &(struct chan_rows){ id, &KWH, rows, (size_t)(to - from) },
	    err, sizeof(err)) != GM_OK)
		fail_msg("store_queue_put: %s", err);
}

/* The file's last reading: its time (0 when there is no file) and value. */
static double last_of(const struct chan_id *id, double *value)
{
	bool exists;
	double t, v;
	char err[256];

	if (rrd_store_last(store, id, &exists, &t, &v, err, sizeof(err)) != GM_OK)
		fail_msg("rrd_store_last: %s", err);
	if (value != NULL)
		*value = v;
	return exists ? t : 0;
}

/* Segments ("*.wal") and kept bad ones ("*.wal.bad") in the log directory. */
static void count_segments(int *segs, int *bad)
{
	char dir[256];
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
	wal_format(line, sizeof(line), &id, &(struct payload_meta){ "W", KIND_GAUGE, 1, 0, 0 },
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

/* 64 characters: the longest id the wire contract allows */
#define ID64 "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"

/*
 * The longest row the contract allows - three 64-character ids, the longest
 * kind, a 15-character unit, numbers of 17 significant digits with an
 * exponent - fits a log line, goes in and comes back bit for bit. Such a
 * batch of 5 once ran past the log's buffer (a heap overflow: the collector
 * crashed on it, and again at every start, as the broker sent it again).
 */
static void test_longest_rows(void **state)
{
	struct chan_id id = id3(ID64, ID64, ID64);
	const struct payload_meta meta = { "a-b_c.d/e123456", KIND_COUNTER, 9007199254740992ULL, 0, 0 };
	struct store_row rows[5];
	struct store_queue *q;
	struct wal *w;
	char err[256], line[64];

	(void)state;
	for (int i = 0; i < 5; i++) {
		rows[i].t = 1717196400.1234567 + i;
		rows[i].value = -1.2345678901234567e+300;
		rows[i].use = -2.2250738585072014e-308;
	}
	/* too small a buffer is refused, never overrun */
	assert_int_equal(wal_format(line, sizeof(line), &id, &meta, &rows[0]), -1);
	assert_int_equal(wal_open(&w, datadir, 0, err, sizeof(err)), GM_OK);
	assert_int_equal(wal_append(w, &(struct chan_rows){ &id, &meta, rows, 5 },
	    err, sizeof(err)), GM_OK);
	assert_int_equal(wal_append(w, &(struct chan_rows){ &id, &meta, rows, 1 },
	    err, sizeof(err)), GM_OK);
	wal_close(w);
	/* replayed whole: five rows (the sixth repeats the first, not newer).
	 * Counted once the queue is closed and every row has left it: counted
	 * while open, the writer could already have taken them (its round may
	 * start before open_q sets the long pause, on a loaded machine). */
	written = quarantined = 0;
	q = open_q();
	store_queue_close(q);
	assert_int_equal(written + quarantined, 5);
}

static size_t replayed;
static struct store_row replayed_rows[8];

static void take_row(void *user, uint64_t seg, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row)
{
	(void)user;
	(void)seg;
	(void)id;
	(void)meta;
	if (replayed < NCASES(replayed_rows))
		replayed_rows[replayed] = *row;
	replayed++;
}

/* A line holding a NUL, or longer than any row, is one bad line: the row
 * after it is read, not swallowed. */
static void test_replay_nul_and_long(void **state)
{
	static const char good1[] = "hq/m1/energy counter kWh 1717196400 1000 U\n";
	static const char nul[] = "hq/m1/energy counter kWh 17171\0964460 1001 1\n";
	static const char good2[] = "hq/m1/energy counter kWh 1717196520 1002 2\n";
	static const char good3[] = "hq/m1/energy counter kWh 1717196580 1003 1\n";
	char path[256], err[256], longline[5000];
	struct wal *w;
	FILE *f;

	(void)state;
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/.wal", datadir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/.wal/0000000000000003.wal", datadir);
	assert_non_null(f = fopen(path, "w"));
	fwrite(good1, 1, sizeof(good1) - 1, f);
	fwrite(nul, 1, sizeof(nul) - 1, f);
	fwrite(good2, 1, sizeof(good2) - 1, f);
	fputs(longline, f);
	fwrite(good3, 1, sizeof(good3) - 1, f);
	fclose(f);
	assert_int_equal(wal_open(&w, datadir, 0, err, sizeof(err)), GM_OK);
	replayed = 0;
	assert_int_equal(wal_replay(w, take_row, NULL, err, sizeof(err)), GM_OK);
	wal_close(w);
	assert_int_equal(replayed, 3);
	assert_true(replayed_rows[0].value == 1000);
	assert_true(replayed_rows[1].value == 1002);
	assert_true(replayed_rows[2].value == 1003);
}

/* A small tmpfs at tmpdir/small, a disk that fills (teardown unmounts
 * it); the test is skipped where none can be mounted (not root). */
static void mount_small(char *small, size_t len, const char *size)
{
	char opts[32];

	snprintf(small, len, "%s/small", tmpdir);
	assert_int_equal(mkdir(small, 0755), 0);
	snprintf(opts, sizeof(opts), "size=%s", size);
	if (mount("tmpfs", small, "tmpfs", 0, opts) != 0) {
		print_message("cannot mount a tmpfs (%s): skipped\n", strerror(errno));
		skip();
	}
}

/*
 * The log's disk fills part way through an append: the segment is cut back
 * to its last whole row, so after room is made the next append starts a
 * line of its own. Left torn, the next append's first row would join the
 * torn one into a bad line and be lost at replay. Twice, so the length
 * the log keeps for the cut is right after a cut too: two fillers take half
 * the disk, the log fills the rest (its last append torn: 172 bytes a
 * time, 4096 a page), a filler goes, one append goes in whole, and again.
 */
static void test_wal_full(void **state)
{
	struct chan_id id = id3("hq", "m1", "energy");
	struct store_row rows[4];
	char small[120], dir[200], filler[2][200], err[256];
	size_t ok = 0;
	struct wal *w;
	FILE *f;

	(void)state;
	mount_small(small, sizeof(small), "64k");
	for (int i = 0; i < 2; i++) {
		snprintf(filler[i], sizeof(filler[i]), "%s/filler%d", small, i);
		assert_non_null(f = fopen(filler[i], "w"));
		for (int k = 0; k < 2048; k++)
			assert_true(fputs("xxxxxxx\n", f) >= 0);
		assert_int_equal(fclose(f), 0);
	}
	snprintf(dir, sizeof(dir), "%s/data", small);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(wal_open(&w, dir, 0, err, sizeof(err)), GM_OK);
	for (int round = 0; round < 2; round++) {
		for (int k = 0;; k += 4) {
			rows_at(rows, k, k + 4);
			if (wal_append(w, &(struct chan_rows){ &id, &KWH, rows, 4 },
			    err, sizeof(err)) != GM_OK)
				break;
			ok += 4;
			assert_true(k < 100000);
		}
		assert_non_null(strstr(err, "No space left"));
		assert_int_equal(unlink(filler[round]), 0);
		rows_at(rows, 0, 4);
		assert_int_equal(wal_append(w, &(struct chan_rows){ &id, &KWH, rows, 4 },
		    err, sizeof(err)), GM_OK);
		ok += 4;
	}
	wal_close(w);
	assert_int_equal(wal_open(&w, dir, 0, err, sizeof(err)), GM_OK);
	replayed = 0;
	assert_int_equal(wal_replay(w, take_row, NULL, err, sizeof(err)), GM_OK);
	wal_close(w);
	assert_true(ok > 100);
	assert_int_equal(replayed, ok);
	umount2(small, MNT_DETACH);
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
	assert_int_equal(store_queue_queued(q), 7);
	assert_true(last_of(&a, NULL) == 0);   /* nothing written yet */
	count_segments(&segs, &bad);
	assert_int_equal(segs, 1);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, &v) == T + 240);
	assert_true(v == 1004);
	/* one round writes every channel queued when it starts */
	assert_true(last_of(&b, &v) == T + 60);
	assert_int_equal(store_queue_queued(q), 0);
	assert_int_equal(written, 7);
	/* settling a channel with nothing queued, or unknown, returns at once */
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_int_equal(store_queue_settle(q, &(struct chan_id){ "x", "y", "z" }, err,
	    sizeof(err)),
	    GM_OK);
	store_queue_close(q);
	count_segments(&segs, &bad);
	assert_int_equal(segs + bad, 0);
}

/* A pause in the stream starts a round long before the delay is up; while
 * rows keep coming they wait. */
static void test_pause(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q = open_q();
	char err[256];
	int waited = 0;

	(void)state;
	put(q, &a, 0, 1);   /* its file made: a fresh channel has a rule of its own */
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	written = 0;
	store_queue_set_pause(q, 0.5);
	for (int k = 1; k < 6; k++) {   /* 0.1 s apart: no pause yet */
		put(q, &a, k, k + 1);
		assert_int_equal(written, 0);
		usleep(100 * 1000);
	}
	while (written < 5 && waited < 10000) {   /* DELAY is 60 s */
		usleep(10 * 1000);
		waited += 10;
	}
	assert_int_equal(written, 5);
	assert_true(last_of(&a, NULL) == T + 300);
	store_queue_close(q);
}

/*
 * A channel seen for the first time gets its file (and its rows) a pause
 * after it came, though the stream never pauses; the rows of the channels
 * that have files keep waiting for the delay. (Meters coming online get
 * their files while they send, not all at once after.)
 */
static void test_fresh_round(void **state)
{
	struct chan_id old = id3("hq", "m1", "energy"), fresh = id3("hq", "m2", "energy");
	struct store_queue *q = open_q();
	char err[256];
	double v;

	(void)state;
	put(q, &old, 0, 1);
	assert_int_equal(store_queue_settle(q, &old, err, sizeof(err)), GM_OK);
	store_queue_set_pause(q, 1.0);
	for (int k = 1; k <= 60; k++) {   /* 3 s, a put every 50 ms: no pause */
		put(q, &old, k, k + 1);
		if (k == 4)
			put(q, &fresh, 0, 3);
		usleep(50 * 1000);
	}
	assert_true(last_of(&fresh, &v) == T + 120);
	assert_true(v == 1002);
	assert_true(last_of(&old, NULL) == T);   /* still waiting */
	assert_int_equal(store_queue_settle(q, &old, err, sizeof(err)), GM_OK);
	assert_true(last_of(&old, NULL) == T + 3600);
	store_queue_close(q);
}

/* A round's many new files are made on several threads: each holds every
 * row it was given, none lost or refused. */
static void test_many_new_files(void **state)
{
	enum { N = 40 };
	struct chan_id id[N];
	struct store_queue *q = open_q();
	char ch[16];
	double v;

	(void)state;
	written = 0;
	for (int i = 0; i < N; i++) {
		snprintf(ch, sizeof(ch), "c%d", i);
		id[i] = id3("hq", i % 2 ? "m1" : "m2", ch);
		put(q, &id[i], i, i + 3);
	}
	store_queue_close(q);
	assert_int_equal(written, 3 * N);
	for (int i = 0; i < N; i++) {
		assert_true(last_of(&id[i], &v) == T + 60 * (i + 2));
		assert_true(v == 1000 + i + 2);
	}
	assert_int_equal(quarantined, 0);
}

/* Closing writes whatever is queued. */
static void test_close_writes(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q = open_q();

	(void)state;
	put(q, &a, 0, 10);
	store_queue_close(q);
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
	assert_int_equal(wal_append(w, &(struct chan_rows){ &a, &KWH, rows, 6 },
	    err, sizeof(err)), GM_OK);
	assert_int_equal(wal_append(w, &(struct chan_rows){ &b, &KWH, rows, 2 },
	    err, sizeof(err)), GM_OK);
	/* the first four of a are in the file already */
	assert_int_equal(rrd_store_update(store, &(struct chan_rows){ &a, &KWH, rows, 4 },
	    err, sizeof(err)), GM_OK);
	/* while one holds the log, another cannot take it */
	assert_int_equal(store_queue_open(&q, store, dlq, datadir, DELAY, 0, &hooks, err,
	    sizeof(err)), GM_EBUSY);
	assert_non_null(strstr(err, "another gm-collector"));
	wal_close(w);

	written = 0;
	q = open_q();
	/* replayed rows are written at once: some may be in their files already */
	assert_true(store_queue_queued(q) <= 8);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	/* b's rows too: the writer may take them after a's, on a loaded machine */
	assert_int_equal(store_queue_settle(q, &b, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, &v) == T + 300);
	assert_true(v == 1005);
	assert_true(last_of(&b, NULL) == T + 60);
	assert_int_equal(store_queue_take_late(q, &a), 0);
	/* written by this run: a's last two and b's two */
	assert_int_equal(written, 4);
	store_queue_close(q);
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
	written = 0;
	q = open_q();
	assert_true(store_queue_queued(q) <= 2);   /* written at once: maybe already */
	store_queue_close(q);
	assert_int_equal(written, 2);     /* the two whole rows, the torn ones not */
	assert_true(last_of(&a, NULL) == T + 120);
	count_segments(&segs, &bad);
	assert_int_equal(segs, 0);
	assert_int_equal(bad, 1);
	/* and the next segment number follows the one found */
	q = open_q();
	put(q, &a, 3, 4);
	snprintf(path, sizeof(path), "%s/.wal/0000000000000008.wal", datadir);
	assert_int_equal(access(path, F_OK), 0);
	store_queue_close(q);
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
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	put(q, &a, 1, 4);   /* T + 60, T + 120, T + 180 */
	assert_int_equal(rrd_store_update(store, &(struct chan_rows){ &a, &KWH, &newer, 1 },
	    err, sizeof(err)), GM_OK);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, NULL) == T + 180);
	assert_int_equal(store_queue_take_late(q, &a), 2);
	assert_int_equal(store_queue_take_late(q, &a), 0);
	assert_int_equal(written, 2);   /* T and T + 180 */
	store_queue_close(q);
	snprintf(path, sizeof(path), "%s/hq/m1/energy.events", datadir);
	late_seen = 0;
	assert_int_equal(meter_event_journal_each(path, 0, INFINITY, count_late, NULL, NULL, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(late_seen, 2);
}

struct dlq_seen {
	size_t records, readings;
	char reason[512];
	char topic[160];
};

static int see_rec(void *user, const struct quarantine_rec *r)
{
	struct dlq_seen *d = user;
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	d->records++;
	snprintf(d->reason, sizeof(d->reason), "%s", r->reason);
	snprintf(d->topic, sizeof(d->topic), "%s", r->topic);
	assert_int_equal(payload_decode(r->payload, r->len, &meta, &pts, &n, err, sizeof(err)),
	    GM_OK);
	assert_string_equal(meta.unit, "kWh");
	d->readings += n;
	free(pts);
	return GM_OK;
}

static struct dlq_seen dlq_contents(void)
{
	struct dlq_seen d = { 0 };
	char path[256], err[256];

	snprintf(path, sizeof(path), "%s/.quarantine/journal", datadir);
	assert_int_equal(quarantine_read(path, see_rec, &d, err, sizeof(err)), GM_OK);
	return d;
}

/* A file that cannot be written for a reason that will not pass - here a
 * directory on its way replaced by a file - sets its channel aside: the
 * rows go to the quarantine (and are done with, so their log segment can
 * go), settle and put say so, other channels are written as before; once
 * mended and released, the channel is written again. */
static void test_damaged_set_aside(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("hq", "m2", "energy");
	struct store_queue *q = open_q();
	char err[256], meter[256], moved[256];
	struct store_row row = { T + 600, 2000, NAN };
	struct dlq_seen d;

	(void)state;
	written = 0;
	put(q, &a, 0, 1);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	snprintf(meter, sizeof(meter), "%s/hq/m1", datadir);
	snprintf(moved, sizeof(moved), "%s/hq/m1.away", datadir);
	assert_int_equal(rename(meter, moved), 0);
	write_file(meter, "not a directory\n");
	put(q, &a, 1, 3);
	put(q, &b, 0, 2);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_EDAMAGED);
	assert_non_null(strstr(err, "hq/m1/energy.rrd: a directory on its way is not a directory"));
	assert_int_equal(quarantined, 2);
	assert_non_null(strstr(aside_why, "not a directory"));
	/* set aside: nothing more is taken for it */
	assert_int_equal(store_queue_put(q, &(struct chan_rows){ &a, &KWH, &row, 1 },
	    err, sizeof(err)), GM_EDAMAGED);
	assert_int_equal(store_queue_settle(q, &b, err, sizeof(err)), GM_OK);
	assert_true(last_of(&b, NULL) == T + 60);
	d = dlq_contents();
	assert_int_equal(d.records, 1);
	assert_int_equal(d.readings, 2);
	assert_string_equal(d.topic, "greenmeter/v1/hq/m1/energy");
	assert_non_null(strstr(d.reason, "not a directory"));
	/* mended */
	assert_int_equal(unlink(meter), 0);
	assert_int_equal(rename(moved, meter), 0);
	store_queue_release(q, &a);
	put(q, &a, 5, 6);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	assert_true(last_of(&a, NULL) == T + 300);
	assert_int_equal(written, 1 + 2 + 1);
	store_queue_close(q);
}

/*
 * A round of many channels is written on several threads at once: each
 * channel's rows are counted once, whatever befalls it, beside the others.
 * 120 channels on four meters, with files; then in one round m0 and m1 take
 * three rows each, half of m2's channels had a newer row written behind the
 * queue's back (two rows late, one written), and m3's directory became a
 * file (every channel there set aside, its rows quarantined).
 */
static void test_round_many_at_once(void **state)
{
	enum { N = 120, M = 4 };
	struct chan_id id[N];
	struct store_row newer = { T + 200, 5000, NAN };
	char ch[16], meter[M][16], err[256], path[256], moved[256];
	struct store_queue *q = open_q();
	size_t late = 0;
	double v;

	(void)state;
	for (int i = 0; i < M; i++)
		snprintf(meter[i], sizeof(meter[i]), "m%d", i);
	for (int i = 0; i < N; i++) {
		snprintf(ch, sizeof(ch), "c%d", i);
		id[i] = id3("hq", meter[i % M], ch);
		put(q, &id[i], 0, 2);
	}
	store_queue_close(q);   /* files made, several at once */
	written = 0;
	quarantined = 0;
	q = open_q();
	for (int i = 0; i < N; i++) {
		put(q, &id[i], 2, 5);   /* T + 120, T + 180, T + 240 */
		if (i % (2 * M) == 2)   /* half of m2's */
			assert_int_equal(rrd_store_update(store, &(struct chan_rows){ &id[i], &KWH,
			    &newer, 1 }, err, sizeof(err)), GM_OK);
	}
	snprintf(path, sizeof(path), "%s/hq/m3", datadir);
	snprintf(moved, sizeof(moved), "%s/hq/m3.away", datadir);
	assert_int_equal(rename(path, moved), 0);
	write_file(path, "not a directory\n");
	assert_int_equal(store_queue_settle(q, &id[0], err, sizeof(err)), GM_OK);
	for (int i = 0; i < N; i++) {
		int rc = store_queue_settle(q, &id[i], err, sizeof(err));

		late += store_queue_take_late(q, &id[i]);
		if (i % M == 3) {
			assert_int_equal(rc, GM_EDAMAGED);
			continue;
		}
		assert_int_equal(rc, GM_OK);
		assert_true(last_of(&id[i], &v) == T + 240);
		assert_true(v == 1004);
	}
	store_queue_close(q);
	/* m0, m1 and half of m2: 3 rows; m2's other half: 1; m3: none */
	assert_int_equal(written, 30 * 3 + 30 * 3 + 15 * 3 + 15 * 1);
	assert_int_equal(late, 15 * 2);
	assert_int_equal(quarantined, 30 * 3);
	assert_int_equal(dlq_contents().readings, 30 * 3);
}

/* CPU seconds this process has used, all threads. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*
 * A disk that is full (a real one: a 1 MiB tmpfs, where a new file's 1.1 MB
 * cannot fit) is a failure that passes: the rows stay queued, in order,
 * ahead of newer ones, and are tried again after a back-off - not in a
 * busy loop, which once took a whole core making and deleting half files.
 * Once there is room they go out within one back-off. Needs root (mount);
 * skipped without.
 */
static void test_disk_full(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	char small[120], err[256];
	struct rrd_store *big = store;
	struct quarantine *bigq = dlq;
	struct store_queue *q;
	double cpu0, t0;
	int rc;

	(void)state;
	mount_small(small, sizeof(small), "1m");
	snprintf(datadir, sizeof(datadir), "%s/data", small);
	assert_non_null(store = rrd_store_open(datadir, NULL, err, sizeof(err)));
	assert_int_equal(quarantine_open(&dlq, datadir, QUARANTINE_REFUSED_MAX, err, sizeof(err)),
	    GM_OK);
	written = 0;
	q = open_q();
	put(q, &a, 0, 3);
	rc = store_queue_settle(q, &a, err, sizeof(err));
	assert_int_equal(rc, GM_EIO);
	assert_non_null(strstr(err, "could not be written yet"));
	put(q, &a, 3, 5);
	assert_int_equal(store_queue_queued(q), 5);
	/* two seconds of a full disk: the writer sleeps between tries */
	cpu0 = cpu_s();
	usleep(2000 * 1000);
	assert_true(cpu_s() - cpu0 < 0.2);
	assert_int_equal(quarantined, 0);   /* a full disk passes: nothing set aside */
	/* room again: written within one back-off, each row once, in order */
	assert_int_equal(mount("tmpfs", small, "tmpfs", MS_REMOUNT, "size=16m"), 0);
	t0 = now_s();
	while (store_queue_settle(q, &a, err, sizeof(err)) != GM_OK && now_s() - t0 < 10)
		usleep(50 * 1000);
	assert_int_equal(written, 5);
	assert_true(now_s() - t0 <= SQ_BACKOFF_MAX_MS / 1000.0 + 0.5);
	assert_true(last_of(&a, NULL) == T + 240);
	store_queue_close(q);
	quarantine_close(dlq);
	rrd_store_close(store);
	umount2(small, MNT_DETACH);
	store = big;
	dlq = bigq;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
}

/*
 * Puts racing the writer (no delay: it writes as soon as there is
 * anything): one busy channel, and 60 that get one row each, in between.
 * Every row still reaches its file with no settle: no channel was left off
 * the writer's list while holding rows (which would also have let its log
 * segment go before its rows were written, lost at the next kill).
 */
#define RACE_ONCE 60
/*
 * A settle racing the writer: a channel whose rows a round has taken but not
 * yet written (the round still busy with the channels before it) once made
 * a settle wait for a round that never came - it was no longer on the
 * writer's list, so the writer slept. Thirty new channels (their files are
 * made in the round: it lasts a while), the last settled while the round
 * is at the first ones; a settle that hangs fails the test by the alarm.
 */
static void test_settle_mid_round(void **state)
{
	struct chan_id ids[30];
	struct store_queue *q;
	char err[256], name[32];

	(void)state;
	assert_int_equal(store_queue_open(&q, store, dlq, datadir, 1, 0, &hooks, err, sizeof(err)),
	    GM_OK);
	store_queue_set_pause(q, 0.02);
	alarm(120);
	for (int k = 0; k < 8; k++) {
		for (int i = 0; i < 30; i++) {
			snprintf(name, sizeof(name), "c%d-%d", k, i);
			ids[i] = id3("hq", "race", name);
			put(q, &ids[i], 0, 1);
		}
		/* the round starts 20 ms after the last put, and makes files for
		 * a while: settle somewhere in it */
		usleep((useconds_t)(25 + 5 * k) * 1000);
		assert_int_equal(store_queue_settle(q, &ids[29], err, sizeof(err)), GM_OK);
		assert_true(last_of(&ids[29], NULL) == T);
	}
	alarm(0);
	store_queue_close(q);
}

/*
 * A file that fails for good with an error that looks passing - here
 * locked by a program that never lets go - while the other files are
 * written: after the give-up time the channel is set aside, its rows in
 * the quarantine, rather than pin the write-ahead log for ever.
 */
static void test_give_up(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("hq", "m2", "energy");
	struct store_row first = { T, 1000, NAN };
	struct store_queue *q;
	char err[256], path[512];
	int pipefd[2];
	pid_t child;

	(void)state;
	/* the files made before any thread runs: a forked child of a process
	 * with threads may hang in the sanitizers' locks */
	assert_int_equal(rrd_store_update(store, &(struct chan_rows){ &a, &KWH, &first, 1 },
	    err, sizeof(err)), GM_OK);
	assert_int_equal(rrd_store_update(store, &(struct chan_rows){ &b, &KWH, &first, 1 },
	    err, sizeof(err)), GM_OK);
	rrd_layout_path(path, sizeof(path), datadir, &a);
	assert_int_equal(pipe(pipefd), 0);
	if ((child = fork()) == 0) {   /* holds a's file locked as librrd would */
		prctl(PR_SET_PDEATHSIG, SIGKILL);   /* and goes with the test */
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(path, O_RDWR);
		char c;

		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		(void)c;
		(void)!write(pipefd[1], "L", 1);
		for (;;)
			pause();   /* until killed */
	}
	{
		char c;

		int st;

		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1) {
			waitpid(child, &st, 0);
			fail_msg("the locking child failed: status %d", st);
		}
	}
	q = open_q();
	store_queue_set_give_up(q, 1);
	for (int k = 1; k <= 25; k++) {   /* 2.5 s: a fails, b is written */
		struct store_row row;
		int rc;

		rows_at(&row, k, k + 1);
		rc = store_queue_put(q, &(struct chan_rows){ &a, &KWH, &row, 1 },
		    err, sizeof(err));
		assert_true(rc == GM_OK || rc == GM_EDAMAGED || rc == GM_EIO);
		put(q, &b, k, k + 1);
		(void)store_queue_settle(q, &b, err, sizeof(err));
		usleep(100 * 1000);
	}
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_EDAMAGED);
	assert_non_null(strstr(err, "while other files were written"));
	assert_true(quarantined > 0);
	assert_true(last_of(&b, NULL) == T + 60 * 25);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(pipefd[0]);
	store_queue_close(q);
}

static void test_race(void **state)
{
	struct chan_id busy = id3("hq", "m1", "busy"), once[RACE_ONCE];
	struct store_queue *q;
	char err[256], name[16];
	int k, waited = 0;

	(void)state;
	written = 0;
	assert_int_equal(store_queue_open(&q, store, dlq, datadir, 0, 0, &hooks, err,
	    sizeof(err)), GM_OK);
	for (k = 0; k < RACE_ONCE * 20; k++) {
		put(q, &busy, k, k + 1);
		if (k % 20 == 10) {
			snprintf(name, sizeof(name), "c%d", k / 20);
			once[k / 20] = id3("hq", "m2", name);
			put(q, &once[k / 20], 0, 1);
		}
	}
	while (store_queue_queued(q) > 0 && waited++ < 300)
		usleep(10 * 1000);
	assert_int_equal(store_queue_queued(q), 0);
	/* taken off the queue is not yet written: a round may be under way */
	for (int i = 0; i < RACE_ONCE; i++) {
		assert_int_equal(store_queue_settle(q, &once[i], err, sizeof(err)), GM_OK);
		assert_true(last_of(&once[i], NULL) == T);
	}
	store_queue_close(q);
	assert_int_equal(written, RACE_ONCE * 21);
}


/* ---- the order of a channel set aside: it once went wrong ---- */

struct order_seen {
	double last_t;
	size_t readings, inversions;
};

static int see_order(void *user, const struct quarantine_rec *r)
{
	struct order_seen *o = user;
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	assert_int_equal(payload_decode(r->payload, r->len, &meta, &pts, &n, err, sizeof(err)),
	    GM_OK);
	for (size_t i = 0; i < n; i++) {
		if (pts[i].t <= o->last_t)
			o->inversions++;
		o->last_t = pts[i].t;
		o->readings++;
	}
	free(pts);
	return GM_OK;
}

/*
 * Rows put while the writer is setting the channel aside (between its
 * take of the rows and c->damaged = true) stay queued until the next round;
 * a message that comes after damaged is set goes to the quarantine at once
 * (store_queue_put says GM_EDAMAGED, ingest_quarantine puts it) - ahead of those
 * queued rows, which the writer quarantines later. The journal holds the
 * channel's readings out of time order; a requeue then stores the newer
 * ones first, and the older ones become "late" (events journal, not RRD).
 * The loop here does what paho's thread does for a channel in a burst (an
 * agent replaying its spool).
 */
static void test_aside_keeps_order(void **state)
{
	struct chan_id a = id3("hq", "m1", "energy");
	struct store_queue *q;
	char err[256], path[512], topic[TOPIC_MAX];
	struct order_seen o = { 0, 0, 0 };
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	FILE *f;

	(void)state;
	q = open_q();
	put(q, &a, 0, 1);
	assert_int_equal(store_queue_settle(q, &a, err, sizeof(err)), GM_OK);
	store_queue_close(q);
	rrd_layout_path(path, sizeof(path), datadir, &a);
	assert_non_null(f = fopen(path, "r+"));
	fputs("this is no RRD header any more", f);
	fclose(f);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	topic_build(topic, sizeof(topic), &a, TOPIC_READING);
	/* no delay: the writer takes rows as soon as there are any */
	assert_int_equal(store_queue_open(&q, store, dlq, datadir, 0, 0, &hooks, err, sizeof(err)),
	    GM_OK);
	for (int k = 1; k < 400; k++) {
		struct store_row row = { T + 60 * k, 1000 + k, 1 };
		int rc;

		/* GM_EIO while the channel's rows are on their way to the
		 * quarantine: ingest offers the message again */
		while ((rc = store_queue_put(q, &(struct chan_rows){ &a, &KWH, &row, 1 },
		    err, sizeof(err))) == GM_EIO)
			usleep(1000);
		if (rc == GM_EDAMAGED) {   /* what ingest_quarantine does with the message */
			struct point pt = { row.t, row.value };
			char *text = NULL;

			assert_int_equal(payload_encode(&KWH, &pt, 1, &text, err, sizeof(err)), GM_OK);
			assert_int_equal(quarantine_put(dlq, topic, text, strlen(text), "set aside",
			    true, err, sizeof(err)), GM_OK);
			free(text);
		} else {
			assert_int_equal(rc, GM_OK);
		}
		usleep(200);
	}
	store_queue_close(q);
	snprintf(path, sizeof(path), "%s/.quarantine/journal", datadir);
	assert_int_equal(quarantine_read(path, see_order, &o, err, sizeof(err)), GM_OK);
	assert_int_equal(o.readings, 399);
	if (o.inversions > 0)
		fail_msg("%zu reading(s) of the channel are in the quarantine after newer ones",
		    o.inversions);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_roundtrip),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test_setup_teardown(test_longest_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_nul_and_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_settle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_new_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_many_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_give_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settle_mid_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aside_keeps_order, setup, teardown),
	};

	/* the failures are meant: only errors show */
	log_init("test_store_queue", GM_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
