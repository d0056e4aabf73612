/*
 * test_spool.c - the agent's on-disk queue of readings (agent/spool.c).
 *
 * Most tests use "record k" (rec_of): every field is made from k, so what
 * comes back can be checked field by field, and it is 128 bytes on disk
 * (8 bytes of length and crc, 36 fixed, unit "kWh" 3, topic 81), which
 * makes segment sizes easy to work out by hand:
 *   a segment is 8 bytes of magic + 128 per record; a new one is started
 *   by an append that finds the newest at SEG_BYTES (4 MiB) or more.
 *   8 + 32767 * 128 = 4194184 < 4194304, 8 + 32768 * 128 = 4194312 >= 4194304,
 *   so a segment filled by batches that end on record 32768 holds 32768.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "spool.h"
#include "gm_err.h"
#include "log.h"
#include "testutil.h"

#define REC_BYTES 128            /* record k on disk */
#define MAGIC_LEN 8
#define PER_SEG 32768            /* records of rec_of in a full segment */
#define SEG_FULL (MAGIC_LEN + PER_SEG * REC_BYTES)   /* 4194312 */
#define BATCH 1024               /* divides PER_SEG */
#define MiB (1024u * 1024u)

static int setup(void **state)
{
	(void)state;
	log_init("test_spool", GM_LOG_ERR);   /* the expected warnings stay quiet */
	return tmpdir_make("spool");
}

/* --- helpers -------------------------------------------------------------- */

static void rec_of(struct spool_rec *r, uint64_t k)
{
	memset(r, 0, sizeof(*r));
	r->t = 1700000000.0 + (double)k;
	r->v = (double)k * 0.5;
	r->wrap = k % 2 ? 0.0 : 1e9;
	r->kind = (enum reading_kind)(k % 3);
	strcpy(r->unit, "kWh");
	/* "greenmeter/v1/site/meter/c" is 26 characters, + 55 digits = 81 */
	snprintf(r->topic, sizeof(r->topic), "greenmeter/v1/site/meter/c%055" PRIu64, k);
}

static bool same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* r must be record k with id `id`. */
static void expect_rec(const struct spool_rec *r, uint64_t id, uint64_t k)
{
	struct spool_rec w;

	rec_of(&w, k);
	if (r->id != id)
		fail_msg("id %" PRIu64 ", want %" PRIu64, r->id, id);
	if (!same_double(r->t, w.t) || !same_double(r->v, w.v) || !same_double(r->wrap, w.wrap) ||
	    r->kind != w.kind || strcmp(r->unit, w.unit) != 0 || strcmp(r->topic, w.topic) != 0)
		fail_msg("id %" PRIu64 ": t %.3f v %g wrap %g kind %d unit %s topic %s, want record "
		    "%" PRIu64, id, r->t, r->v, r->wrap, (int)r->kind, r->unit, r->topic, k);
}

/* Append records from..from+n-1 in batches of BATCH; their ids must be
 * the same numbers. */
static void fill(struct spool *sp, uint64_t from, uint64_t n)
{
	static struct spool_rec b[BATCH];

	for (uint64_t done = 0; done < n;) {
		size_t m = n - done < BATCH ? (size_t)(n - done) : BATCH;
		for (size_t i = 0; i < m; i++)
			rec_of(&b[i], from + done + i);
		assert_int_equal(spool_append(sp, b, m), GM_OK);
		for (size_t i = 0; i < m; i++) {
			if (b[i].id != from + done + i)
				fail_msg("append gave id %" PRIu64 ", want %" PRIu64, b[i].id,
				    from + done + i);
		}
		done += m;
	}
}

/* Read up to max after `after`; they must be ids first..first+want-1,
 * holding records k0, k0+1 ... */
static void expect_read(struct spool *sp, uint64_t after, size_t max, uint64_t first,
    size_t want, uint64_t k0)
{
	static struct spool_rec out[256];
	size_t n;

	assert_true(max <= 256);
	n = spool_read(sp, after, out, max);
	if (n != want)
		fail_msg("read(after %" PRIu64 ", max %zu): %zu readings, want %zu", after, max, n,
		    want);
	for (size_t i = 0; i < n; i++)
		expect_rec(&out[i], first + i, k0 + i);
}

static void expect_stats(struct spool *sp, uint64_t next_id, uint64_t acked, uint64_t pending,
    uint64_t bytes, uint64_t dropped, uint64_t truncated, int segments)
{
	struct spool_stats st;

	memset(&st, 0xA5, sizeof(st));
	spool_stats(sp, &st);
	if (st.next_id != next_id || st.acked != acked || st.pending != pending ||
	    st.bytes != bytes || st.dropped != dropped || st.truncated != truncated ||
	    st.segments != segments)
		fail_msg("stats: next_id %" PRIu64 " acked %" PRIu64 " pending %" PRIu64
		    " bytes %" PRIu64 " dropped %" PRIu64 " truncated %" PRIu64 " segments %d, "
		    "want %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		    " %d", st.next_id, st.acked, st.pending, st.bytes, st.dropped, st.truncated,
		    st.segments, next_id, acked, pending, bytes, dropped, truncated, segments);
}

static struct spool *open_spool(const char *dir, uint64_t max_bytes)
{
	char err[512] = "";
	struct spool *sp = spool_open(dir, max_bytes, err, sizeof(err));

	if (sp == NULL)
		fail_msg("spool_open %s: %s", dir, err);
	return sp;
}

/* <dir>/<first, 20 digits>.seg, in one of 8 buffers used in turn: a test
 * may hold a few of these at once */
static const char *seg_path(const char *dir, uint64_t first)
{
	static char path[8][5200];
	static unsigned turn;
	char *p = path[turn++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%020" PRIu64 ".seg", dir, first);
	return p;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* The segment files in dir (20 digits + ".seg"): how many, and their total
 * size in *bytes. */
static int seg_files(const char *dir, uint64_t *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	int n = 0;

	assert_non_null(d);
	*bytes = 0;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 24 || strspn(e->d_name, "0123456789") != 20 ||
		    strcmp(e->d_name + 20, ".seg") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		*bytes += file_size(path);
		n++;
	}
	closedir(d);
	return n;
}

/* What spool_stats says is on disk is what is on disk. */
static void expect_disk(struct spool *sp, const char *dir)
{
	struct spool_stats st;
	uint64_t bytes;
	int n = seg_files(dir, &bytes);

	spool_stats(sp, &st);
	if (n != st.segments || bytes != st.bytes)
		fail_msg("%d segment files of %" PRIu64 " bytes; stats say %d of %" PRIu64, n, bytes,
		    st.segments, st.bytes);
}

/* Overwrite one byte of a file. */
static void poke(const char *path, uint64_t off, unsigned char byte)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &byte, 1, (off_t)off), 1);
	assert_int_equal(close(fd), 0);
}

static unsigned char peek(const char *path, uint64_t off)
{
	unsigned char byte = 0;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, (off_t)off), 1);
	assert_int_equal(close(fd), 0);
	return byte;
}

/* The log (stderr) from capture_log_start to capture_log_end, warnings
 * included; a malloc'd string. */
static void capture_log_start(void)
{
	stderr_capture("captured.log");
	log_set_level(GM_LOG_WARN);
}

static char *capture_log_end(void)
{
	const char *path;
	char *text;

	log_set_level(GM_LOG_ERR);
	path = stderr_release();
	text = read_file_all(path);
	unlink(path);
	return text;
}

/* --- appending and reading ------------------------------------------------ */

/* Every field comes back as it went in, bit for bit. */
static void test_round_trip(void **state)
{
	static char longest[209];
	struct {
		double t, v, wrap;
		enum reading_kind kind;
		const char *unit, *topic;   /* NULL topic: the longest, 208 characters */
		uint64_t disk;              /* bytes on disk: 8 + 36 + unit + topic */
	} cases[] = {
		/* "greenmeter/v1/hq/b2-main/import_kwh": 14 + 3 + 8 + 10 = 35 */
		{ 1700000000.125, 12345.678, 0.0, KIND_COUNTER, "kWh",
		  "greenmeter/v1/hq/b2-main/import_kwh", 44 + 3 + 35 },
		/* 14 + 3 + 8 + 7 = 32 */
		{ 1700000001.0, -3.5, 0.0, KIND_GAUGE, "W", "greenmeter/v1/hq/b2-main/power_w",
		  44 + 1 + 32 },
		/* 14 + 3 + 10 + 6 = 33 */
		{ 1700000002.5, 7.0, 0.0, KIND_DELTA, "sheets", "greenmeter/v1/hq/printer-3/sheets",
		  44 + 6 + 33 },
		/* the longest unit and topic */
		{ 4102444799.999, 1e-300, 65536.0, KIND_COUNTER, "a-b_c.d/e123456", NULL,
		  44 + 15 + 208 },
		/* 14 + 3 + 6 + 9 = 32; minus zero stays minus zero */
		{ 946684800.0, -0.0, 4294967296.0, KIND_GAUGE, "m3", "greenmeter/v1/hq/water/volume_m3",
		  44 + 2 + 32 },
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct spool_rec in[N], out[N + 1];
	struct spool *sp = open_spool(tmpdir, 0);
	uint64_t bytes = MAGIC_LEN;

	(void)state;
	/* "greenmeter/v1/" and three ids of 64: 14 + 3 * 64 + 2 = 208 */
	memset(longest, 'x', sizeof(longest) - 1);
	memcpy(longest, "greenmeter/v1/", 14);
	longest[14 + 64] = longest[14 + 64 + 1 + 64] = '/';
	assert_int_equal(strlen(longest), 208);
	for (int i = 0; i < N; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		in[i].t = cases[i].t;
		in[i].v = cases[i].v;
		in[i].wrap = cases[i].wrap;
		in[i].kind = cases[i].kind;
		strcpy(in[i].unit, cases[i].unit);
		strcpy(in[i].topic, cases[i].topic ? cases[i].topic : longest);
		bytes += cases[i].disk;
	}
	/* 8 + 82 + 77 + 83 + 267 + 78 = 595 */
	assert_int_equal(bytes, 595);
	expect_stats(sp, 1, 0, 0, MAGIC_LEN, 0, 0, 1);

	/* three in one write, two in another */
	assert_int_equal(spool_append(sp, in, 3), GM_OK);
	assert_int_equal(spool_append(sp, in + 3, 2), GM_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(in[i].id, i + 1);
	expect_stats(sp, 6, 0, 5, 595, 0, 0, 1);
	assert_int_equal(file_size(seg_path(tmpdir, 1)), 595);

	memset(out, 0xA5, sizeof(out));
	assert_int_equal(spool_read(sp, 0, out, N + 1), N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(out[i].id, i + 1);
		assert_true(same_double(out[i].t, in[i].t));
		assert_true(same_double(out[i].v, in[i].v));
		assert_true(same_double(out[i].wrap, in[i].wrap));
		assert_int_equal(out[i].kind, in[i].kind);
		assert_string_equal(out[i].unit, in[i].unit);
		assert_string_equal(out[i].topic, in[i].topic);
	}
	/* and again, from the files, after a reopen */
	spool_close(sp);
	sp = open_spool(tmpdir, 0);
	memset(out, 0xA5, sizeof(out));
	assert_int_equal(spool_read(sp, 0, out, N + 1), N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(out[i].id, i + 1);
		assert_true(same_double(out[i].v, in[i].v));
		assert_string_equal(out[i].unit, in[i].unit);
		assert_string_equal(out[i].topic, in[i].topic);
	}
	spool_close(sp);
}

/* read(after=k) starts at k+1; max bounds it; reading goes on from there. */
static void test_read_window(void **state)
{
	static const struct {
		uint64_t after;
		size_t max;
		uint64_t first;     /* id of the first returned */
		size_t n;
	} steps[] = {
		{ 0, 3, 1, 3 },     /* 1..3 */
		{ 3, 3, 4, 3 },     /* 4..6, going on */
		{ 6, 100, 7, 4 },   /* 7..10: only 4 left */
		{ 10, 100, 0, 0 },  /* nothing after the last */
		{ 4, 2, 5, 2 },     /* back again: 5, 6 */
		{ 0, 1, 1, 1 },
		{ 9, 5, 10, 1 },
		{ 1000, 5, 0, 0 },  /* not yet written */
		{ 2, 0, 0, 0 },     /* max 0 */
	};
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, 10);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		expect_read(sp, steps[i].after, steps[i].max, steps[i].first, steps[i].n,
		    steps[i].first);
	/* appended after a read that reached the end: found there */
	expect_read(sp, 6, 100, 7, 4, 7);
	fill(sp, 11, 2);
	expect_read(sp, 10, 100, 11, 2, 11);
	spool_close(sp);
}

/* --- acknowledgement ------------------------------------------------------ */

static void test_ack(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, 10);
	spool_ack(sp, 4);
	expect_stats(sp, 11, 4, 6, MAGIC_LEN + 10 * REC_BYTES, 0, 0, 1);
	expect_read(sp, 0, 100, 5, 6, 5);      /* 1..4 are not given again */
	expect_read(sp, 2, 2, 5, 2, 5);
	expect_read(sp, 7, 100, 8, 3, 8);      /* past the ack: as asked */
	spool_ack(sp, 2);                      /* older: changes nothing */
	expect_stats(sp, 11, 4, 6, MAGIC_LEN + 10 * REC_BYTES, 0, 0, 1);
	spool_ack(sp, 10);
	expect_stats(sp, 11, 10, 0, MAGIC_LEN + 10 * REC_BYTES, 0, 0, 1);
	expect_read(sp, 0, 100, 0, 0, 0);
	fill(sp, 11, 1);
	expect_read(sp, 0, 100, 11, 1, 11);
	spool_close(sp);
}

/* Reading across a segment boundary, and a wholly acknowledged segment
 * deleted (the newest is always kept: it is appended to). */
static void test_ack_deletes_segments(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, PER_SEG);                  /* 1..32768 fill the first segment */
	expect_stats(sp, PER_SEG + 1, 0, PER_SEG, SEG_FULL, 0, 0, 1);
	fill(sp, PER_SEG + 1, 8);              /* 32769..32776 start the second */
	/* 4194312 + 8 + 8 * 128 = 4195344 */
	expect_stats(sp, 32777, 0, 32776, 4195344, 0, 0, 2);
	assert_true(exists(seg_path(tmpdir, 1)));
	assert_int_equal(file_size(seg_path(tmpdir, 32769)), 8 + 8 * REC_BYTES);
	expect_disk(sp, tmpdir);

	/* 32761..32776: eight from each segment; then on from a cursor */
	expect_read(sp, 32760, 16, 32761, 16, 32761);
	expect_read(sp, 32700, 64, 32701, 64, 32701);   /* up to 32764 */
	expect_read(sp, 32764, 64, 32765, 12, 32765);   /* 32765..32776 */

	spool_ack(sp, 32767);                  /* the first still holds 32768 */
	expect_stats(sp, 32777, 32767, 9, 4195344, 0, 0, 2);
	assert_true(exists(seg_path(tmpdir, 1)));
	expect_read(sp, 0, 2, 32768, 2, 32768);

	spool_ack(sp, 32768);
	expect_stats(sp, 32777, 32768, 8, 8 + 8 * REC_BYTES, 0, 0, 1);
	assert_false(exists(seg_path(tmpdir, 1)));
	/* the reader goes on from where it was (32769), the segments having
	 * moved under it */
	expect_read(sp, 32769, 64, 32770, 7, 32770);
	expect_read(sp, 0, 64, 32769, 8, 32769);
	expect_disk(sp, tmpdir);

	spool_ack(sp, 32776);                  /* all: the newest stays */
	expect_stats(sp, 32777, 32776, 0, 8 + 8 * REC_BYTES, 0, 0, 1);
	assert_true(exists(seg_path(tmpdir, 32769)));
	fill(sp, 32777, 1);
	expect_read(sp, 32776, 64, 32777, 1, 32777);
	spool_close(sp);
}

/* --- persistence ---------------------------------------------------------- */

static void test_reopen(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, 10);
	spool_ack(sp, 3);
	assert_int_equal(spool_sync(sp), GM_OK);
	spool_close(sp);

	sp = open_spool(tmpdir, 0);
	expect_stats(sp, 11, 3, 7, MAGIC_LEN + 10 * REC_BYTES + MAGIC_LEN, 0, 0, 2);
	expect_read(sp, 0, 100, 4, 7, 4);      /* 4..10 come back */
	fill(sp, 11, 1);                       /* the numbering goes on */
	spool_ack(sp, 6);                      /* closing saves it too */
	spool_close(sp);

	sp = open_spool(tmpdir, 0);
	expect_stats(sp, 12, 6, 5, MAGIC_LEN + 10 * REC_BYTES + MAGIC_LEN + REC_BYTES +
	    MAGIC_LEN, 0, 0, 3);
	expect_read(sp, 0, 100, 7, 5, 7);
	expect_disk(sp, tmpdir);
	spool_ack(sp, 11);
	spool_close(sp);

	/* all acknowledged: the old segments go, the numbering does not restart */
	sp = open_spool(tmpdir, 0);
	expect_stats(sp, 12, 11, 0, MAGIC_LEN, 0, 0, 1);
	expect_read(sp, 0, 100, 0, 0, 0);
	assert_false(exists(seg_path(tmpdir, 1)));
	assert_false(exists(seg_path(tmpdir, 11)));
	fill(sp, 12, 1);
	expect_read(sp, 0, 100, 12, 1, 12);
	spool_close(sp);
}

/* The acknowledgement is newer than every segment left (they were lost or
 * removed): numbering goes on after it, or new readings would count as
 * acknowledged and never be sent. */
static void test_ack_without_segments(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, 10);
	spool_ack(sp, 10);
	spool_close(sp);
	assert_int_equal(unlink(seg_path(tmpdir, 1)), 0);

	sp = open_spool(tmpdir, 0);
	expect_stats(sp, 11, 10, 0, MAGIC_LEN, 0, 0, 1);
	fill(sp, 11, 2);
	expect_read(sp, 0, 100, 11, 2, 11);
	spool_close(sp);
}

/*
 * A killed agent: appended readings are kept (they were written), the
 * acknowledgement saved by spool_sync holds, a later one not synced is
 * lost, so those readings come again (at least once). The child process
 * does the work and ends with _exit, never closing the spool.
 */
static void test_killed(void **state)
{
	struct spool *sp;
	pid_t pid;
	int status;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[512];
		struct spool_rec r[12];
		sp = spool_open(tmpdir, 0, err, sizeof(err));
		if (sp == NULL)
			_exit(10);
		for (int i = 0; i < 12; i++)
			rec_of(&r[i], (uint64_t)i + 1);
		if (spool_append(sp, r, 10) != GM_OK)
			_exit(11);
		spool_ack(sp, 4);
		if (spool_sync(sp) != GM_OK)
			_exit(12);
		spool_ack(sp, 7);                 /* not synced */
		if (spool_append(sp, r + 10, 2) != GM_OK)   /* 11, 12: not synced */
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	sp = open_spool(tmpdir, 0);
	/* segment 1 with 12 records, a new one for appending */
	expect_stats(sp, 13, 4, 8, MAGIC_LEN + 12 * REC_BYTES + MAGIC_LEN, 0, 0, 2);
	expect_read(sp, 0, 100, 5, 8, 5);      /* 5..12, 5..7 a second time */
	fill(sp, 13, 1);
	expect_read(sp, 12, 100, 13, 1, 13);
	spool_close(sp);
}

/* --- recovery at open ----------------------------------------------------- */

enum damage { CUT, POKE, FLIP, REID };

/* Give the record at off the id `id`, with a checksum that fits. */
static void set_id(const char *path, uint64_t off, uint64_t id)
{
	unsigned char rec[REC_BYTES];
	uint32_t crc;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, rec, REC_BYTES, (off_t)off), REC_BYTES);
	for (int i = 0; i < 8; i++)               /* little-endian */
		rec[8 + i] = (unsigned char)(id >> (8 * i));
	crc = (uint32_t)crc32(0L, rec + 8, REC_BYTES - 8);
	for (int i = 0; i < 4; i++)
		rec[4 + i] = (unsigned char)(crc >> (8 * i));
	assert_int_equal(pwrite(fd, rec, REC_BYTES, (off_t)off), REC_BYTES);
	assert_int_equal(close(fd), 0);
}

/* Read everything there is: ids and records must be 1..upto and from..last
 * (from 0: none of those), record k with id k. */
static void expect_all(struct spool *sp, uint64_t upto, uint64_t from, uint64_t last)
{
	static struct spool_rec out[256];
	size_t n = spool_read(sp, 0, out, 256), want = 0, i = 0;

	want = upto + (from ? last - from + 1 : 0);
	if (n != want)
		fail_msg("%zu readings, want %zu (1..%" PRIu64 " and %" PRIu64 "..%" PRIu64 ")", n,
		    want, upto, from, last);
	for (uint64_t k = 1; k <= upto; k++)
		expect_rec(&out[i++], k, k);
	for (uint64_t k = from; from && k <= last; k++)
		expect_rec(&out[i++], k, k);
}

static void expect_lost(struct spool *sp, uint64_t lost)
{
	struct spool_stats st;

	spool_stats(sp, &st);
	if (st.lost != lost)
		fail_msg("%" PRIu64 " readings counted lost, want %" PRIu64, st.lost, lost);
}

/*
 * Ten records (1288 bytes: record k at 8 + (k-1) * 128) are written and the
 * spool closed; then its segment is damaged, and opened again. A torn end
 * is cut off; damage with good records after it costs only the damaged
 * record: the ones after it are kept, in a segment of their own (named by
 * their first id), and the loss is counted in readings.
 */
static void test_damaged_segment(void **state)
{
	static const struct {
		const char *what;
		enum damage how;
		uint64_t arg;           /* CUT: bytes cut off the end; else an offset */
		unsigned char byte;     /* POKE: the new byte; REID: the new id */
		uint64_t truncated;     /* bytes cut away at open */
		uint64_t upto, from;    /* records 1..upto and from..10 remain (from 0: none) */
		uint64_t lost;          /* readings counted lost */
	} cases[] = {
		/* record 10 at 1160..1287; 1283 - 1160 = 123 bytes of it left:
		 * the newest segment's torn end, counted in bytes */
		{ "torn last record", CUT, 5, 0, 123, 9, 0, 0 },
		/* 1288 - 1 - 1160 */
		{ "last byte missing", CUT, 1, 0, 127, 9, 0, 0 },
		/* 1160 + 4: only record 10's length is left */
		{ "torn header", CUT, 124, 0, 4, 9, 0, 0 },
		/* a whole record gone: nothing torn to see */
		{ "cut at a record", CUT, 128, 0, 0, 9, 0, 0 },
		/* the magic and 3 bytes of record 1 are left */
		{ "torn first record", CUT, 1277, 0, 3, 0, 0, 0 },
		/* body of record 5 (at 520): its t; crc mismatch: record 5 lost,
		 * 6..10 found again at 648 */
		{ "body byte of record 5", FLIP, 520 + 8 + 9, 0, 128, 4, 6, 1 },
		/* its topic's last byte */
		{ "topic byte of record 5", FLIP, 520 + 127, 0, 128, 4, 6, 1 },
		/* its crc */
		{ "crc of record 5", FLIP, 520 + 5, 0, 128, 4, 6, 1 },
		/* its length: 120 becomes 0x01000078, longer than any record */
		{ "length of record 5", POKE, 520 + 3, 1, 128, 4, 6, 1 },
		/* its length 119: the body and crc disagree */
		{ "short length of record 5", POKE, 520, 119, 128, 4, 6, 1 },
		/* a valid record out of order: record 5 says it is 4 again */
		{ "record 5 repeats id 4", REID, 520, 4, 128, 4, 6, 1 },
		/* record 1 says 0: 2..10 go on in segment 2 */
		{ "record 1 with id 0", REID, 8, 0, 128, 0, 2, 1 },
		/* record 1's crc: the same */
		{ "crc of record 1", FLIP, 8 + 4, 0, 128, 0, 2, 1 },
		/* the last record's body: nothing after it to find */
		{ "body byte of record 10", FLIP, 1160 + 20, 0, 128, 9, 0, 0 },
		/* the magic: records 1..10 are all there after it */
		{ "a byte of the magic", FLIP, 2, 0, 0, 10, 0, 0 },
		/* the magic's version byte made '3': a later format, refused below */
	};
	char dir[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spool *sp;
		struct spool_stats st;
		const char *seg;
		uint64_t size = MAGIC_LEN + 10 * REC_BYTES, next;
		uint64_t upto = cases[i].upto, from = cases[i].from;

		print_message("  %s\n", cases[i].what);
		snprintf(dir, sizeof(dir), "%s/%zu", tmpdir, i);
		sp = open_spool(dir, 0);
		fill(sp, 1, 10);
		spool_close(sp);
		seg = seg_path(dir, 1);
		assert_int_equal(file_size(seg), size);
		switch (cases[i].how) {
		case CUT:
			assert_int_equal(truncate(seg, (off_t)(size - cases[i].arg)), 0);
			break;
		case POKE:
			poke(seg, cases[i].arg, cases[i].byte);
			break;
		case FLIP:
			poke(seg, cases[i].arg, peek(seg, cases[i].arg) ^ 0x10);
			break;
		case REID:
			set_id(seg, cases[i].arg, cases[i].byte);
			break;
		}

		sp = open_spool(dir, 0);
		next = from ? 11 : upto + 1;
		spool_stats(sp, &st);
		if (st.next_id != next || st.truncated != cases[i].truncated || st.dropped != 0 ||
		    st.acked != 0)
			fail_msg("next_id %" PRIu64 " truncated %" PRIu64 ", want %" PRIu64 " %" PRIu64,
			    st.next_id, st.truncated, next, cases[i].truncated);
		/* what is left in segment 1, the rest in segment `from` */
		if (upto > 0)
			assert_int_equal(file_size(seg), MAGIC_LEN + upto * REC_BYTES);
		else if (next == 1)   /* nothing left: 1 is the new segment's name */
			assert_int_equal(file_size(seg), MAGIC_LEN);
		else
			assert_false(exists(seg));
		if (from > 0)
			assert_int_equal(file_size(seg_path(dir, from)), MAGIC_LEN +
			    (11 - from) * REC_BYTES);
		assert_int_equal(st.bytes, (upto ? MAGIC_LEN + upto * REC_BYTES : 0) +
		    (from ? MAGIC_LEN + (11 - from) * REC_BYTES : 0) + MAGIC_LEN);
		expect_lost(sp, cases[i].lost);
		expect_disk(sp, dir);
		expect_all(sp, upto, from, 10);
		/* appending goes on after the last good record */
		fill(sp, next, 1);
		expect_all(sp, from ? upto : next, from, next);
		spool_close(sp);

		/* and all of it is there after another reopen, nothing cut or lost */
		sp = open_spool(dir, 0);
		expect_all(sp, from ? upto : next, from, next);
		spool_stats(sp, &st);
		assert_int_equal(st.truncated, 0);
		assert_int_equal(st.lost, 0);
		spool_close(sp);
	}
}

/*
 * The acceptance case: 10 000 readings in one segment, one byte flipped in
 * the middle (in record 5000): 9 999 come back, the one loss is counted as
 * a reading, and the log says so in readings, by id.
 */
static void test_flipped_byte_10000(void **state)
{
	static struct spool_rec out[1024];
	struct spool *sp;
	struct spool_stats st;
	uint64_t got = 0, after = 0, missing = 0;
	const char *seg = seg_path(tmpdir, 1);
	uint64_t off = MAGIC_LEN + 4999 * REC_BYTES + 40;   /* the middle of record 5000 */
	char *log;

	(void)state;
	sp = open_spool(tmpdir, 0);
	fill(sp, 1, 10000);
	spool_close(sp);
	assert_int_equal(file_size(seg), MAGIC_LEN + 10000 * REC_BYTES);
	poke(seg, off, peek(seg, off) ^ 0x01);

	capture_log_start();
	sp = open_spool(tmpdir, 0);
	log = capture_log_end();
	for (size_t n; (n = spool_read(sp, after, out, 1024)) > 0; after = out[n - 1].id) {
		for (size_t i = 0; i < n; i++) {
			uint64_t want = got + 1 + missing;
			if (out[i].id != want) {
				assert_int_equal(want, 5000);   /* the only one missing */
				missing++;
				want++;
			}
			expect_rec(&out[i], want, want);
			got++;
		}
	}
	print_message("  %" PRIu64 " of 10000 readings delivered\n", got);
	assert_true(got >= 9990);
	assert_int_equal(got, 9999);
	spool_stats(sp, &st);
	assert_int_equal(st.lost, 1);
	assert_int_equal(st.truncated, REC_BYTES);
	if (strstr(log, "00000000000000000001.seg: damaged at bytes 639880..640008: 1 reading lost "
	    "(id 5000)") == NULL)
		fail_msg("the log does not count the loss in readings:\n%s", log);
	free(log);
	spool_close(sp);
}

/* Damage in several places: each costs its record only, and the segment
 * comes back as four, each of consecutive ids. */
static void test_several_damages(void **state)
{
	static struct spool_rec out[64];
	static const uint64_t flip[] = { 3, 4, 20, 31 };   /* records damaged */
	struct spool *sp = open_spool(tmpdir, 0);
	char seg[256];
	size_t n, j = 0;

	(void)state;
	snprintf(seg, sizeof(seg), "%s", seg_path(tmpdir, 1));
	fill(sp, 1, 40);
	spool_close(sp);
	for (size_t i = 0; i < 4; i++) {
		uint64_t off = MAGIC_LEN + (flip[i] - 1) * REC_BYTES + 50;
		poke(seg, off, peek(seg, off) ^ 0x80);
	}
	sp = open_spool(tmpdir, 0);
	expect_lost(sp, 4);
	n = spool_read(sp, 0, out, 64);
	assert_int_equal(n, 36);
	for (uint64_t k = 1; k <= 40; k++) {
		if (k == 3 || k == 4 || k == 20 || k == 31)
			continue;
		expect_rec(&out[j++], k, k);
	}
	/* 1..2, 5..19, 21..30, 32..40 and the new 41 */
	assert_int_equal(file_size(seg), MAGIC_LEN + 2 * REC_BYTES);
	assert_int_equal(file_size(seg_path(tmpdir, 5)), MAGIC_LEN + 15 * REC_BYTES);
	assert_int_equal(file_size(seg_path(tmpdir, 21)), MAGIC_LEN + 10 * REC_BYTES);
	assert_int_equal(file_size(seg_path(tmpdir, 32)), MAGIC_LEN + 9 * REC_BYTES);
	expect_disk(sp, tmpdir);
	spool_ack(sp, 20);          /* segments 1 and 5 go */
	assert_false(exists(seg));
	assert_false(exists(seg_path(tmpdir, 5)));
	expect_read(sp, 20, 10, 21, 10, 21);
	spool_close(sp);
}

/* Readings already acknowledged are not lost when their records are
 * damaged: the log says so, and nothing is counted. */
static void test_damage_acknowledged(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);
	const char *seg = seg_path(tmpdir, 1);
	uint64_t off = MAGIC_LEN + 2 * REC_BYTES + 30;   /* record 3 */
	char *log;

	(void)state;
	fill(sp, 1, 10);
	spool_ack(sp, 5);
	spool_close(sp);
	poke(seg, off, peek(seg, off) ^ 0x04);
	capture_log_start();
	sp = open_spool(tmpdir, 0);
	log = capture_log_end();
	expect_lost(sp, 0);
	expect_read(sp, 0, 100, 6, 5, 6);
	if (strstr(log, "damaged at bytes 264..392: readings 3..3 were already sent; nothing lost")
	    == NULL)
		fail_msg("log:\n%s", log);
	free(log);
	spool_close(sp);
}

/* A torn or damaged end of a segment that is not the newest: the next
 * segment's name tells which readings are missing, and they are counted. */
static void test_damaged_end_counted(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);
	const char *seg = seg_path(tmpdir, 1);
	char *log;

	(void)state;
	fill(sp, 1, 10);
	spool_close(sp);
	sp = open_spool(tmpdir, 0);     /* 11.. go to segment 11 */
	fill(sp, 11, 3);
	spool_close(sp);
	/* records 9 and 10 of segment 1: the first damaged, the second torn */
	assert_int_equal(truncate(seg, MAGIC_LEN + 9 * REC_BYTES + 10), 0);
	poke(seg, MAGIC_LEN + 8 * REC_BYTES + 60, 0xFF);
	capture_log_start();
	sp = open_spool(tmpdir, 0);
	log = capture_log_end();
	expect_lost(sp, 2);
	expect_all(sp, 8, 11, 13);
	if (strstr(log, "00000000000000000001.seg: damaged or torn from byte 1032 to its end "
	    "(138 bytes): 2 readings lost (ids 9..10)") == NULL)
		fail_msg("log:\n%s", log);
	free(log);
	spool_close(sp);
}

/* A crash while recovery was splitting a segment: the segment after the
 * damage was written, the damaged file not yet cut. The next open does the
 * rest; no reading comes twice. */
static void test_crash_during_recovery(void **state)
{
	char cmd[512];
	struct spool *sp = open_spool(tmpdir, 0);
	const char *seg = seg_path(tmpdir, 1);
	uint64_t off = MAGIC_LEN + 4 * REC_BYTES + 20;   /* record 5 */

	(void)state;
	fill(sp, 1, 10);
	spool_close(sp);
	poke(seg, off, peek(seg, off) ^ 0x20);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/damaged'", seg, tmpdir);
	assert_int_equal(system(cmd), 0);
	sp = open_spool(tmpdir, 0);
	expect_all(sp, 4, 6, 10);
	spool_close(sp);
	/* as if it had stopped before cutting segment 1 */
	snprintf(cmd, sizeof(cmd), "cp '%s/damaged' '%s'", tmpdir, seg);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(file_size(seg), MAGIC_LEN + 10 * REC_BYTES);
	sp = open_spool(tmpdir, 0);
	expect_all(sp, 4, 6, 10);
	assert_int_equal(file_size(seg), MAGIC_LEN + 4 * REC_BYTES);
	assert_int_equal(file_size(seg_path(tmpdir, 6)), MAGIC_LEN + 5 * REC_BYTES);
	expect_disk(sp, tmpdir);
	spool_close(sp);
}

/* Damage that appears while the spool is open (a failing disk): reading
 * skips to the next good record and counts the loss, and goes on. */
static void test_damage_while_open(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);
	const char *seg = seg_path(tmpdir, 1);

	(void)state;
	fill(sp, 1, 10);
	expect_read(sp, 0, 3, 1, 3, 1);
	poke(seg, MAGIC_LEN + 6 * REC_BYTES + 70, 0x00);   /* record 7 */
	poke(seg, MAGIC_LEN + 6 * REC_BYTES + 71, 0x00);
	expect_read(sp, 3, 3, 4, 3, 4);                      /* 4..6 */
	expect_read(sp, 6, 10, 8, 3, 8);                     /* 8..10 */
	expect_lost(sp, 1);
	/* read again from the start: the loss is not counted twice */
	expect_read(sp, 6, 10, 8, 3, 8);
	expect_lost(sp, 1);
	spool_close(sp);
}

/* What a reading must be to enter: the wire contract's. One bad reading in
 * a batch is refused alone, logged with its topic and counted; the good
 * ones around it are appended with consecutive ids. */
static void test_refuses_bad_readings(void **state)
{
	static const struct {
		const char *what;
		double t, v, wrap;
		int kind;
		const char *unit, *topic;
		const char *reason;
	} bad[] = {
		{ "NaN value", 1700000000, NAN, 0, KIND_COUNTER, "kWh", NULL, "value is not finite" },
		{ "+Inf value", 1700000000, INFINITY, 0, KIND_GAUGE, "W", NULL, "value is not finite" },
		{ "-Inf value", 1700000000, -INFINITY, 0, KIND_GAUGE, "W", NULL, "value is not finite" },
		{ "NaN time", NAN, 1, 0, KIND_GAUGE, "W", NULL,
		  "time nan is outside 2000-01-01..2100-01-01" },
		{ "time 1970", 0, 1, 0, KIND_GAUGE, "W", NULL,
		  "time 0.000 is outside 2000-01-01..2100-01-01" },
		{ "NaN wrap", 1700000000, 1, NAN, KIND_COUNTER, "kWh", NULL,
		  "wrap nan is not a finite number, 0 or more" },
		{ "negative wrap", 1700000000, 1, -1, KIND_COUNTER, "kWh", NULL,
		  "wrap -1 is not a finite number, 0 or more" },
		{ "kind 3", 1700000000, 1, 0, 3, "kWh", NULL, "not a reading's topic, unit or kind" },
		{ "empty unit", 1700000000, 1, 0, KIND_GAUGE, "", NULL,
		  "not a reading's topic, unit or kind" },
		{ "event topic", 1700000000, 1, 0, KIND_GAUGE, "W", "greenmeter/v1/s/m/c/event",
		  "not a reading's topic, unit or kind" },
		{ "upper-case id", 1700000000, 1, 0, KIND_GAUGE, "W", "greenmeter/v1/s/M/c",
		  "not a reading's topic, unit or kind" },
	};
	enum { NB = sizeof(bad) / sizeof(bad[0]) };
	struct spool_rec in[2 * NB + 1];
	struct spool_stats st;
	struct spool *sp = open_spool(tmpdir, 0);
	char *log, line[400];
	uint64_t k = 1;

	(void)state;
	/* good, bad, good, bad ... good */
	for (size_t i = 0; i < 2 * NB + 1; i++) {
		if (i % 2 == 0) {
			rec_of(&in[i], k++);
			continue;
		}
		const size_t b = i / 2;
		memset(&in[i], 0, sizeof(in[i]));
		in[i].t = bad[b].t;
		in[i].v = bad[b].v;
		in[i].wrap = bad[b].wrap;
		in[i].kind = (enum reading_kind)bad[b].kind;
		strcpy(in[i].unit, bad[b].unit);
		snprintf(in[i].topic, sizeof(in[i].topic), "%s",
		    bad[b].topic ? bad[b].topic : "greenmeter/v1/s/m/c");
		in[i].id = 77;
	}
	for (size_t b = 0; b < NB; b++) {   /* the reason, one by one */
		char why[160] = "";
		assert_int_equal(spool_rec_check(&in[2 * b + 1], why, sizeof(why)), GM_EINVAL);
		if (strcmp(why, bad[b].reason) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", bad[b].what, why, bad[b].reason);
	}
	capture_log_start();
	assert_int_equal(spool_append(sp, in, 2 * NB + 1), GM_EINVAL);
	log = capture_log_end();
	for (size_t i = 0; i < 2 * NB + 1; i++)
		assert_int_equal(in[i].id, i % 2 ? 0 : i / 2 + 1);
	spool_stats(sp, &st);
	assert_int_equal(st.refused, NB);
	assert_int_equal(st.next_id, NB + 2);
	expect_read(sp, 0, 100, 1, NB + 1, 1);
	/* the first is logged at once, with its topic; the rest rarely */
	snprintf(line, sizeof(line), "spool: greenmeter/v1/s/m/c: reading at 1700000000.000 "
	    "refused: value is not finite (1 refused since start)");
	if (strstr(log, line) == NULL)
		fail_msg("log:\n%s", log);
	free(log);
	/* one good reading alone: GM_OK */
	rec_of(&in[0], NB + 2);
	assert_int_equal(spool_append(sp, in, 1), GM_OK);
	assert_int_equal(in[0].id, NB + 2);
	/* one bad alone: nothing written */
	assert_int_equal(spool_append(sp, &in[1], 1), GM_EINVAL);
	spool_close(sp);
	sp = open_spool(tmpdir, 0);
	expect_read(sp, 0, 100, 1, NB + 2, 1);
	spool_close(sp);
}

/* Temporaries a crash left (fileio.h's hidden names, an older agent's
 * acked.tmp) are removed at open; saving the acknowledgement leaves none. */
static void test_leftovers(void **state)
{
	static const char *const gone[] = {
		".00000000000000000001.seg.Ab3dE9", ".acked.x1Y2z3", "acked.tmp",
	};
	static const char *const kept[] = {
		".00000000000000000001.seg", ".acked.x1Y2z", "acked.tmp2", ".seq.aBcDeF",
	};
	char path[256];
	struct spool *sp = open_spool(tmpdir, 0);

	(void)state;
	fill(sp, 1, 3);
	spool_ack(sp, 2);
	assert_int_equal(spool_sync(sp), GM_OK);
	spool_close(sp);
	for (size_t i = 0; i < 3; i++)
		fixture(gone[i], "x\n");
	for (size_t i = 0; i < 4; i++)
		fixture(kept[i], "x\n");
	sp = open_spool(tmpdir, 0);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, gone[i]);
		if (exists(path))
			fail_msg("%s was left", gone[i]);
	}
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, kept[i]);
		if (!exists(path))
			fail_msg("%s was removed", kept[i]);
	}
	expect_read(sp, 0, 10, 3, 1, 3);
	spool_ack(sp, 3);
	assert_int_equal(spool_sync(sp), GM_OK);
	spool_close(sp);
	snprintf(path, sizeof(path), "%s/acked", tmpdir);
	assert_true(exists(path));
	{
		DIR *d = opendir(tmpdir);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, ".acked.", 7) == 0 && strcmp(e->d_name, ".acked.x1Y2z"))
				fail_msg("temporary %s left", e->d_name);
		}
		closedir(d);
	}
}

/* A crash as a segment was being started: a file with part of the magic,
 * or none of it, or only the magic. Each is cut away (what there is of it
 * counted) and removed, and the records before it are intact. */
static void test_torn_new_segment(void **state)
{
	static const struct {
		const char *what;
		const char *content;
		size_t len;
		uint64_t truncated;
	} cases[] = {
		{ "part of the magic", "GMSPO", 5, 5 },
		{ "an empty file", "", 0, 0 },
		{ "only the magic", "GMSPOOL1", 8, 0 },
	};
	char dir[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spool *sp;
		int fd;

		print_message("  %s\n", cases[i].what);
		snprintf(dir, sizeof(dir), "%s/%zu", tmpdir, i);
		sp = open_spool(dir, 0);
		fill(sp, 1, 10);
		spool_close(sp);
		/* the crash came as segment 11 was being started */
		fd = open(seg_path(dir, 11), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, cases[i].content, cases[i].len), (ssize_t)cases[i].len);
		assert_int_equal(close(fd), 0);

		sp = open_spool(dir, 0);
		/* segment 1, and 11 made anew for appending: one of 11, not two */
		expect_stats(sp, 11, 0, 10, MAGIC_LEN + 10 * REC_BYTES + MAGIC_LEN, 0,
		    cases[i].truncated, 2);
		expect_disk(sp, dir);
		assert_int_equal(file_size(seg_path(dir, 11)), MAGIC_LEN);
		expect_read(sp, 0, 100, 1, 10, 1);
		fill(sp, 11, 2);
		expect_read(sp, 0, 100, 1, 12, 1);
		spool_close(sp);
	}
}

/* A segment in a later format is neither read nor cut away: the spool
 * refuses to open, and the file is still whole afterwards. */
static void test_newer_format(void **state)
{
	static const char newer[] = "GMSPOOL2 readings of a later version";
	char dir[128], err[256];
	struct spool *sp;
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/newer", tmpdir);
	sp = open_spool(dir, 0);
	fill(sp, 1, 3);
	spool_close(sp);
	fd = open(seg_path(dir, 4), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, newer, sizeof(newer) - 1), (ssize_t)(sizeof(newer) - 1));
	assert_int_equal(close(fd), 0);

	assert_null(spool_open(dir, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read its segments"));
	assert_int_equal(file_size(seg_path(dir, 4)), (off_t)(sizeof(newer) - 1));
}

/* Files that are not segments are left alone. */
static void test_other_files(void **state)
{
	static const char *const names[] = {
		"notes.txt",
		"123.seg",                      /* too short a name */
		"000000000000000000001.seg",    /* 21 digits */
		"abcdefghijklmnopqrst.seg",
		"00000000000000000000.seg",     /* no id is 0 */
		"+0000000000000000001.seg",     /* strtoull would take these */
		" 0000000000000000001.seg",
		"-0000000000000000001.seg",
		"99999999999999999999.seg",     /* more than 64 bits */
		"00000000000000000001.seg.bak",
		"00000000000000000001.se",
		"acked.old",
		"seq",
	};
	char path[256];
	struct spool *sp;

	(void)state;
	sp = open_spool(tmpdir, 0);
	fill(sp, 1, 3);
	spool_close(sp);
	/* each holds a valid segment of its own: records that must not appear */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char cmd[11000];
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", seg_path(tmpdir, 1), path);
		assert_int_equal(system(cmd), 0);
	}

	sp = open_spool(tmpdir, 0);
	expect_stats(sp, 4, 0, 3, MAGIC_LEN + 3 * REC_BYTES + MAGIC_LEN, 0, 0, 2);
	expect_read(sp, 0, 100, 1, 3, 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		if (file_size(path) != MAGIC_LEN + 3 * REC_BYTES)
			fail_msg("%s was changed", names[i]);
	}
	spool_ack(sp, 3);
	spool_close(sp);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		if (!exists(path))
			fail_msg("%s was removed", names[i]);
	}
}

/* --- write errors -------------------------------------------------------- */

/* Append one record k under a file size limit of `limit` bytes (EFBIG past
 * it, as a full disk gives ENOSPC); GM_OK or GM_EIO. */
static int append_limited(struct spool *sp, uint64_t k, rlim_t limit)
{
	struct rlimit old, lim;
	struct spool_rec r;
	int rc;

	rec_of(&r, k);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = limit;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = spool_append(sp, &r, 1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	return rc;
}

/*
 * Writing fails, then works again. Segment 1 holds 1..3 (8 + 3 * 128 = 392
 * bytes). With no room at all neither record 4 nor a new segment's magic
 * can be written: the append fails, and no half-made segment may take the
 * next appends. With room again the next append works, and what it wrote
 * can be read, now and after a reopen. Then a write torn by the limit.
 */
static void test_write_error(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);
	struct spool_stats st;

	(void)state;
	fill(sp, 1, 3);
	assert_int_equal(append_limited(sp, 4, 0), GM_EIO);
	expect_stats(sp, 4, 0, 3, 392, 0, 0, 1);
	expect_read(sp, 0, 100, 1, 3, 1);
	expect_disk(sp, tmpdir);

	/* room again: 4 goes to a new segment */
	fill(sp, 4, 2);
	expect_read(sp, 0, 100, 1, 5, 1);
	expect_read(sp, 3, 100, 4, 2, 4);
	expect_stats(sp, 6, 0, 5, 392 + MAGIC_LEN + 2 * REC_BYTES, 0, 0, 2);
	expect_disk(sp, tmpdir);

	/* room for 36 bytes of record 6 after segment 4's 8 + 2 * 128 = 264:
	 * a torn record, left behind; a new segment 6 takes the next */
	assert_int_equal(append_limited(sp, 6, 300), GM_EIO);
	assert_int_equal(file_size(seg_path(tmpdir, 4)), 300);
	expect_read(sp, 3, 100, 4, 2, 4);
	fill(sp, 6, 1);
	expect_read(sp, 5, 100, 6, 1, 6);
	spool_close(sp);

	/* the torn 36 bytes are cut at open */
	sp = open_spool(tmpdir, 0);
	spool_stats(sp, &st);
	assert_int_equal(st.truncated, 36);
	assert_int_equal(st.next_id, 7);
	expect_read(sp, 0, 100, 1, 6, 1);
	spool_close(sp);
}

/* --- the size limit ------------------------------------------------------- */

/*
 * The limit is at least 2 * SEG_BYTES = 8 MiB (asked for 1 MiB here). With
 * a full first segment (1..32768, 4194312 bytes) the second may grow to
 * 8388608 - 4194312 = 4194296 bytes: 8 + 32767 records is 4194184, the
 * 32768th makes it 4194312 and the total 8388624 > 8388608: the first
 * segment goes. 1..1000 were acknowledged, so 32768 - 1000 = 31768 are lost.
 */
static void test_size_limit(void **state)
{
	struct spool *sp = open_spool(tmpdir, 1 * MiB);

	(void)state;
	fill(sp, 1, PER_SEG);
	spool_ack(sp, 1000);
	expect_read(sp, 0, 1, 1001, 1, 1001);
	fill(sp, PER_SEG + 1, PER_SEG - 1);      /* up to 65535 */
	/* 4194312 + 4194184 = 8388496: at the limit, not over */
	expect_stats(sp, 65536, 1000, 64535, 8388496, 0, 0, 2);
	expect_disk(sp, tmpdir);

	fill(sp, 2 * PER_SEG, 1);                /* 65536 */
	expect_stats(sp, 65537, 32768, 32768, SEG_FULL, 31768, 0, 1);
	assert_false(exists(seg_path(tmpdir, 1)));
	expect_disk(sp, tmpdir);
	/* reading resumes at the oldest left, wherever the reader was */
	expect_read(sp, 1000, 4, 32769, 4, 32769);
	expect_read(sp, 1001, 4, 32769, 4, 32769);
	expect_read(sp, 32772, 4, 32773, 4, 32773);

	/* the loss is acknowledged as far as the spool goes, and saved */
	spool_close(sp);
	sp = open_spool(tmpdir, 1 * MiB);
	expect_stats(sp, 65537, 32768, 32768, SEG_FULL + MAGIC_LEN, 0, 0, 2);
	expect_read(sp, 0, 1, 32769, 1, 32769);
	spool_close(sp);
}

/* --- threads -------------------------------------------------------------- */

#define WRITERS 4
#define PER_WRITER 1000

struct writer {
	struct spool *sp;
	int n;               /* which writer */
	int failed;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct spool_rec r;
	uint64_t last = 0;

	for (int i = 0; i < PER_WRITER; i++) {
		memset(&r, 0, sizeof(r));
		r.t = 1700000000.0;
		r.v = i;
		r.kind = KIND_GAUGE;
		strcpy(r.unit, "W");
		snprintf(r.topic, sizeof(r.topic), "greenmeter/v1/s/w%d/c", w->n);
		if (spool_append(w->sp, &r, 1) != GM_OK || r.id <= last)
			w->failed = 1;
		last = r.id;
	}
	return NULL;
}

/* Four threads append 1000 each while this one reads and acknowledges:
 * ids 1..4000 each come once, in order, and each writer's in its order. */
static void test_threads(void **state)
{
	struct spool *sp = open_spool(tmpdir, 0);
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	struct spool_rec out[64];
	int next_v[WRITERS] = { 0 };
	uint64_t last = 0;
	time_t deadline = time(NULL) + 20;

	(void)state;
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ sp, i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
	while (last < WRITERS * PER_WRITER && time(NULL) < deadline) {
		size_t n = spool_read(sp, last, out, 64);
		for (size_t i = 0; i < n; i++) {
			int wn;
			if (out[i].id != last + 1)
				fail_msg("read id %" PRIu64 " after %" PRIu64, out[i].id, last);
			if (sscanf(out[i].topic, "greenmeter/v1/s/w%d/c", &wn) != 1 || wn < 0 ||
			    wn >= WRITERS)
				fail_msg("id %" PRIu64 ": topic %s", out[i].id, out[i].topic);
			if (out[i].v != next_v[wn])
				fail_msg("writer %d: %g, want %d", wn, out[i].v, next_v[wn]);
			next_v[wn]++;
			last = out[i].id;
		}
		if (n > 0)
			spool_ack(sp, last);
		if (n > 0 && last % 1000 < 64)
			spool_sync(sp);
	}
	for (int i = 0; i < WRITERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failed, 0);
		assert_int_equal(next_v[i], PER_WRITER);
	}
	assert_int_equal(last, WRITERS * PER_WRITER);
	assert_int_equal(spool_read(sp, last, out, 64), 0);
	expect_stats(sp, 4001, 4000, 0, MAGIC_LEN + 4000 * (44 + 1 + 20), 0, 0, 1);
	spool_close(sp);
}

/* --- opening -------------------------------------------------------------- */

/* A damaged acknowledgement file is not trusted: believed, it could skip
 * readings never sent (or, at 2^64 - 1, wrap the numbering). Everything
 * spooled is sent again instead; the collector stores each once. */
static void test_damaged_acked(void **state)
{
	static const struct {
		const char *text;
		uint64_t first;         /* the first reading given back */
	} cases[] = {
		{ "acked 5\n", 6 },                        /* as written: believed */
		{ "acked 10\n", 11 },                      /* all of them */
		{ "acked 999999\n", 1 },                   /* beyond the last spooled */
		{ "acked 11\n", 1 },
		{ "acked 18446744073709551615\n", 1 },     /* 20 digits */
		{ "acked 5x\n", 1 },
		{ "acked 5", 1 },                          /* no newline: cut short */
		{ "acked -5\n", 1 },
		{ "acked  5\n", 1 },
		{ "", 1 },
		{ "acked 5\nacked 9\n", 1 },
	};
	char dir[128], path[200];
	struct spool *sp;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%zu", tmpdir, i);
		sp = open_spool(dir, 0);
		fill(sp, 1, 10);
		spool_close(sp);
		snprintf(path, sizeof(path), "%s/acked", dir);
		write_file(path, cases[i].text);
		sp = open_spool(dir, 0);
		if (cases[i].first <= 10)
			expect_read(sp, 0, 100, cases[i].first, 11 - cases[i].first, cases[i].first);
		else
			expect_read(sp, 0, 100, 0, 0, 0);
		fill(sp, 11, 1);                 /* the numbering goes on */
		expect_read(sp, 10, 100, 11, 1, 11);
		spool_ack(sp, 3);                /* a new acknowledgement is saved */
		assert_int_equal(spool_sync(sp), GM_OK);
		spool_close(sp);
		sp = open_spool(dir, 0);
		expect_read(sp, 0, 100, cases[i].first > 4 ? cases[i].first : 4,
		    cases[i].first > 4 ? 12 - cases[i].first : 8,
		    cases[i].first > 4 ? cases[i].first : 4);
		spool_close(sp);
	}
}

/* One agent per spool: a second open is refused while the first holds it,
 * and works once it is closed, or its process gone (kill -9). */
static void test_one_agent(void **state)
{
	char err[512], want[600];
	struct spool *a = open_spool(tmpdir, 0), *b;
	pid_t pid;
	int status, ready[2];

	(void)state;
	fill(a, 1, 2);
	err[0] = '\0';
	assert_null(spool_open(tmpdir, 0, err, sizeof(err)));
	snprintf(want, sizeof(want), "spool %s: in use by another gm-agent", tmpdir);
	assert_string_equal(err, want);
	expect_read(a, 0, 10, 1, 2, 1);          /* the first goes on unharmed */
	spool_close(a);
	b = open_spool(tmpdir, 0);
	expect_read(b, 0, 10, 1, 2, 1);
	spool_close(b);

	/* held by a process killed with -9: free again */
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char e[512];
		struct spool *c = spool_open(tmpdir, 0, e, sizeof(e));
		if (write(ready[1], c ? "y" : "n", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], err, 1), 1);
	assert_int_equal(err[0], 'y');
	assert_null(spool_open(tmpdir, 0, err, sizeof(err)));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	b = open_spool(tmpdir, 0);
	expect_read(b, 0, 10, 1, 2, 1);
	spool_close(b);
	close(ready[0]);
	close(ready[1]);
}

static void test_open_errors(void **state)
{
	char dir[5000], file[256], err[512], want[600];
	struct spool *sp;

	(void)state;
	/* made with its parents */
	snprintf(dir, sizeof(dir), "%s/a/b/spool", tmpdir);
	sp = open_spool(dir, 0);
	assert_true(exists(seg_path(dir, 1)));
	spool_close(sp);

	/* a file where the directory should be */
	snprintf(file, sizeof(file), "%s", fixture("plainfile", "x\n"));
	err[0] = '\0';
	assert_null(spool_open(file, 0, err, sizeof(err)));
	snprintf(want, sizeof(want), "spool %s: Not a directory", file);
	assert_string_equal(err, want);

	memset(dir, 'a', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	assert_null(spool_open(dir, 0, err, sizeof(err)));
	assert_string_equal(err, "spool directory path is too long");

	spool_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_window, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_ack, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_ack_deletes_segments, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_ack_without_segments, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_killed, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_segment, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte_10000, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_several_damages, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damage_acknowledged, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_end_counted, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_crash_during_recovery, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damage_while_open, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_readings, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_leftovers, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_torn_new_segment, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_newer_format, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_other_files, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_acked, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_one_agent, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
