/*
 * test_seqmap.c - the last message number sent on each topic, kept across
 * restarts (agent/seqmap.c): "<seq> <topic>" per line.
 */
#include <inttypes.h>
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

#include "seqmap.h"
#include "gm_err.h"
#include "log.h"
#include "testutil.h"

static int setup(void **state)
{
	(void)state;
	log_init("test_seqmap", GM_LOG_ERR);
	return tmpdir_make("seqmap");
}

/* <tmpdir>/<name> */
static const char *path_of(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void expect_next(struct seqmap *m, const char *topic, uint64_t want)
{
	uint64_t got = seqmap_next(m, topic);

	if (got != want)
		fail_msg("next(%s): %" PRIu64 ", want %" PRIu64, topic, got, want);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file's lines, sorted (it is written in hash order), must be `want`,
 * also sorted. */
static void expect_file(const char *path, const char *const *want, int n)
{
	char line[512], *got[16];
	int count = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		assert_true(count < 16);
		assert_non_null(strchr(line, '\n'));
		*strchr(line, '\n') = '\0';
		got[count++] = strdup(line);
	}
	fclose(f);
	qsort(got, (size_t)count, sizeof(got[0]), cmp_str);
	for (int i = 0; i < count || i < n; i++) {
		if (i >= count || i >= n || strcmp(got[i], want[i]) != 0)
			fail_msg("line %d: \"%s\", want \"%s\"", i, i < count ? got[i] : "(none)",
			    i < n ? want[i] : "(none)");
	}
	for (int i = 0; i < count; i++)
		free(got[i]);
}

/* Each topic counts from 1, apart from the others. */
static void test_next(void **state)
{
	static const struct {
		const char *topic;
		uint64_t want;
	} steps[] = {
		{ "greenmeter/v1/hq/m1/import_kwh", 1 },
		{ "greenmeter/v1/hq/m1/power_w", 1 },
		{ "greenmeter/v1/hq/m1/import_kwh", 2 },
		{ "greenmeter/v1/hq/m1/import_kwh", 3 },
		{ "greenmeter/v1/hq/m1/import_kwh/event", 1 },   /* a topic of its own */
		{ "greenmeter/v1/hq/m1/power_w", 2 },
		{ "greenmeter/v1/hq/m2/import_kwh", 1 },
		{ "greenmeter/v1/hq/m1/import_kwh", 4 },
	};
	struct seqmap *m = seqmap_open(path_of("seq"));

	(void)state;
	assert_non_null(m);                    /* no file yet: everything from 0 */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		expect_next(m, steps[i].topic, steps[i].want);
	seqmap_free(m);
	assert_false(exists(path_of("seq")));   /* freeing does not save */
	seqmap_free(NULL);
}

static void test_save_reopen(void **state)
{
	static const char *const saved[] = {   /* sorted */
		"1 greenmeter/v1/hq/m1/b",
		"3 greenmeter/v1/hq/m1/a",
	};
	static const char *const saved2[] = {
		"1 greenmeter/v1/hq/m1/c",
		"2 greenmeter/v1/hq/m1/b",
		"4 greenmeter/v1/hq/m1/a",
	};
	const char *path = path_of("seq");
	char tmp[300];
	struct seqmap *m = seqmap_open(path);

	(void)state;
	expect_next(m, "greenmeter/v1/hq/m1/a", 1);
	expect_next(m, "greenmeter/v1/hq/m1/a", 2);
	expect_next(m, "greenmeter/v1/hq/m1/a", 3);
	expect_next(m, "greenmeter/v1/hq/m1/b", 1);
	assert_int_equal(seqmap_save(m), GM_OK);
	expect_file(path, saved, 2);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_false(exists(tmp));             /* renamed into place */
	seqmap_free(m);

	m = seqmap_open(path);
	/* nothing changed since the load: nothing is written */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(seqmap_save(m), GM_OK);
	assert_false(exists(path));
	/* the numbering goes on from the file */
	expect_next(m, "greenmeter/v1/hq/m1/a", 4);
	expect_next(m, "greenmeter/v1/hq/m1/b", 2);
	expect_next(m, "greenmeter/v1/hq/m1/c", 1);
	assert_int_equal(seqmap_save(m), GM_OK);
	expect_file(path, saved2, 3);
	seqmap_free(m);

	m = seqmap_open(path);
	expect_next(m, "greenmeter/v1/hq/m1/a", 5);
	expect_next(m, "greenmeter/v1/hq/m1/c", 2);
	seqmap_free(m);                        /* not saved: the file stays */
	expect_file(path, saved2, 3);
}

/* A line that is not "<digits> <topic>" is skipped; the others count. A
 * number above 2^53 is damage too: sent, every later message on its topic
 * would be refused. Of a topic given twice, the larger number counts. */
static void test_damaged_lines(void **state)
{
	static const struct {
		const char *topic;
		uint64_t want;     /* its next number */
	} expect[] = {
		{ "greenmeter/v1/a/b/one", 6 },
		{ "greenmeter/v1/a/b/two", 9 },
		{ "greenmeter/v1/a/b/last", 5 },      /* no newline at the end */
		{ "greenmeter/v1/a/b/big", 1 },       /* 2^64 - 2: damaged */
		{ "greenmeter/v1/a/b/over", 1 },      /* 2^53 + 1: damaged */
		{ "greenmeter/v1/a/b/max", 1 },       /* 2^53: the next starts again */
		{ "greenmeter/v1/a/b/below", 9007199254740992ULL },   /* 2^53 - 1 */
		{ "greenmeter/v1/a/b/dup", 10 },      /* 3, 9, 5: the largest */
		{ "greenmeter/v1/a/b/neg", 1 },       /* "-3 ...": skipped */
		{ "greenmeter/v1/a/b/plus", 1 },
		{ "greenmeter/v1/a/b/x9", 1 },
		{ "abc", 1 },                         /* from "12abc ..." */
		{ "greenmeter/v1/a/b/glued", 1 },
		{ "greenmeter/v1/a/b/crlf", 1 },      /* a CR is not part of a topic */
		{ "greenmeter/v1/a/b/two words", 1 },
		{ "greenmeter/v1/a/b/twospaces", 1 },
		{ "greenmeter/v1/a/b/digits21", 1 },  /* 21 digits */
		{ "garbage", 1 },
	};
	struct seqmap *m;

	(void)state;
	fixture("seq",
	    "5 greenmeter/v1/a/b/one\n"
	    "garbage\n"
	    "\n"
	    "7\n"
	    "x9 greenmeter/v1/a/b/x9\n"
	    "-3 greenmeter/v1/a/b/neg\n"
	    "+3 greenmeter/v1/a/b/plus\n"
	    "12abc greenmeter/v1/a/b/glued\n"
	    "   \n"
	    "8 greenmeter/v1/a/b/two\n"
	    "18446744073709551614 greenmeter/v1/a/b/big\n"
	    "9007199254740993 greenmeter/v1/a/b/over\n"
	    "9007199254740992 greenmeter/v1/a/b/max\n"
	    "9007199254740991 greenmeter/v1/a/b/below\n"
	    "3 greenmeter/v1/a/b/dup\n"
	    "9 greenmeter/v1/a/b/dup\n"
	    "5 greenmeter/v1/a/b/dup\n"
	    "4 greenmeter/v1/a/b/crlf\r\n"
	    "4 greenmeter/v1/a/b/two words\n"
	    "4  greenmeter/v1/a/b/twospaces\n"
	    "000000000000000000004 greenmeter/v1/a/b/digits21\n"
	    "4 greenmeter/v1/a/b/last");
	m = seqmap_open(path_of("seq"));
	assert_non_null(m);
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		expect_next(m, expect[i].topic, expect[i].want);
	seqmap_free(m);
}

/* A NUL in a line: the line is damaged (the topic would end early). */
static void test_nul_in_line(void **state)
{
	static const char text[] = "5 greenmeter/v1/a/b/c\0d\n6 greenmeter/v1/a/b/e\n";
	FILE *f = fopen(path_of("seq"), "w");
	struct seqmap *m;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	assert_int_equal(fclose(f), 0);
	m = seqmap_open(path_of("seq"));
	expect_next(m, "greenmeter/v1/a/b/c", 1);
	expect_next(m, "greenmeter/v1/a/b/e", 7);
	seqmap_free(m);
}

/*
 * Lines longer than any seqmap writes (20 digits, a space, a topic of at
 * most TOPIC_MAX - 1 = 216 characters) are skipped whole, and do not
 * disturb the lines after them.
 */
static void test_long_lines(void **state)
{
	char text[4096], topic[400], longest[218];
	struct seqmap *m;
	size_t len = 0;

	(void)state;
	/* the longest topic: "greenmeter/v1/" and 202 more */
	memset(longest, 'x', 216);
	memcpy(longest, "greenmeter/v1/", 14);
	longest[216] = '\0';
	len += (size_t)snprintf(text + len, sizeof(text) - len, "6 %s\n", longest);
	/* one longer: too long for a topic */
	len += (size_t)snprintf(text + len, sizeof(text) - len, "6 %sy\n", longest);
	/* 300 characters of topic */
	memset(topic, 'a', 300);
	topic[300] = '\0';
	len += (size_t)snprintf(text + len, sizeof(text) - len, "3 %s\n", topic);
	/* a line of 2 + 297 + 28: its tail reads like a line of its own */
	memset(topic, 'b', 297);
	topic[297] = '\0';
	len += (size_t)snprintf(text + len, sizeof(text) - len,
	    "1 %s 9 greenmeter/v1/a/b/tail\n", topic);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "2 greenmeter/v1/a/b/after\n");
	assert_true(len < sizeof(text) - 1);
	fixture("seq", text);

	m = seqmap_open(path_of("seq"));
	assert_non_null(m);
	expect_next(m, longest, 7);
	strcat(longest, "y");
	expect_next(m, longest, 1);
	topic[255] = '\0';                     /* nor what fits a 255-character buffer */
	memset(topic, 'a', 255);
	expect_next(m, topic, 1);
	expect_next(m, "greenmeter/v1/a/b/tail", 1);
	expect_next(m, "greenmeter/v1/a/b/after", 3);
	seqmap_free(m);
}

/* 5000 topics: the table grows (from 16 slots) many times; every count is
 * kept through the growth, a save and a reopen. */
static void test_many_topics(void **state)
{
	enum { N = 5000 };
	char topic[64];
	struct seqmap *m = seqmap_open(path_of("seq"));
	FILE *f;
	int lines = 0, c;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(topic, sizeof(topic), "greenmeter/v1/s/m%d/c", i);
		expect_next(m, topic, 1);
	}
	/* every third a second time: 2; the others are still at 1 */
	for (int i = 0; i < N; i += 3) {
		snprintf(topic, sizeof(topic), "greenmeter/v1/s/m%d/c", i);
		expect_next(m, topic, 2);
	}
	assert_int_equal(seqmap_save(m), GM_OK);
	seqmap_free(m);

	f = fopen(path_of("seq"), "r");
	assert_non_null(f);
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	assert_int_equal(lines, N);

	m = seqmap_open(path_of("seq"));
	for (int i = 0; i < N; i++) {
		snprintf(topic, sizeof(topic), "greenmeter/v1/s/m%d/c", i);
		expect_next(m, topic, i % 3 == 0 ? 3 : 2);
	}
	seqmap_free(m);
}

/* The file cannot be written: GM_EIO, and the next save tries again. */
static void test_save_error(void **state)
{
	char dir[256];
	struct seqmap *m;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/later", tmpdir);
	m = seqmap_open(path_of("later/seq"));
	assert_non_null(m);
	expect_next(m, "greenmeter/v1/a/b/c", 1);
	assert_int_equal(seqmap_save(m), GM_EIO);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(seqmap_save(m), GM_OK);
	seqmap_free(m);

	m = seqmap_open(path_of("later/seq"));
	expect_next(m, "greenmeter/v1/a/b/c", 2);
	seqmap_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_next, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_save_reopen, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_lines, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_nul_in_line, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_long_lines, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_many_topics, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_save_error, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
