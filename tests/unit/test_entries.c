/*
 * test_entries.c - the entries journal of a delta channel (common/store/entries.c):
 * its lines written and read back, the last line of a t in force, torn and
 * bad lines, the header and its version.
 *
 * Times are local month ends in Asia/Bangkok (UTC+7), as a clerk's monthly
 * entries carry them: 2024-10-01 00:00 +07 = 1727715600 (the end of
 * September), 2024-11-01 00:00 +07 = 1730394000 (the end of October).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entries.h"
#include "gm_err.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define SEP_END 1727715600.0
#define OCT_END 1730394000.0
#define HEADER "greenmeter-entries 1\n"

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("entries");
}

static void parse(const char *text, struct entries *es)
{
	char err[256] = "";

	if (entries_parse(text, strlen(text), "j", es, err, sizeof(err)) != GM_OK)
		fail_msg("entries_parse: %s", err);
}

static void test_path_and_header(void **state)
{
	struct chan_id id = id3("parliament", "finance-budget", "paper_reams");
	char path[256];
	size_t len;

	(void)state;
	entries_path(path, sizeof(path), "/var/lib/gm", &id);
	assert_string_equal(path, "/var/lib/gm/parliament/finance-budget/paper_reams.entries");
	assert_string_equal(entries_header(&len), HEADER);
	assert_int_equal(len, strlen(HEADER));
}

/* Each number is the shortest decimal that reads back as the same double. */
static void test_format(void **state)
{
	static const struct {
		struct entry e;
		const char *line;
	} cases[] = {
		{ { SEP_END, 40, 5, 1730800000, 0 }, "1727715600 40 5 1730800000\n" },
		{ { SEP_END, 0.1, 7, 1728540000.25, 0 }, "1727715600 0.1 7 1728540000.25\n" },
		/* 0.1 + 0.2 is not 0.3: it takes 17 digits */
		{ { OCT_END, 0.1 + 0.2, 0, 1730800000.5, 0 },
		  "1730394000 0.30000000000000004 0 1730800000.5\n" },
		{ { 1730394000.75, -2.5, 9007199254740992ULL, 1730800000, 0 },
		  "1730394000.75 -2.5 9007199254740992 1730800000\n" },
		{ { OCT_END, 1e-300, 1, 1730800000, 0 }, "1730394000 1e-300 1 1730800000\n" },
	};
	char line[ENTRIES_LINE_MAX], text[ENTRIES_LINE_MAX + 32];
	struct entries es;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		size_t n = entries_format(line, sizeof(line), &cases[i].e);

		assert_string_equal(line, cases[i].line);
		assert_int_equal(n, strlen(cases[i].line));
		/* and back, bit for bit */
		snprintf(text, sizeof(text), HEADER "%s", line);
		parse(text, &es);
		assert_int_equal(es.n, 1);
		assert_true(es.e[0].t == cases[i].e.t);
		assert_true(es.e[0].v == cases[i].e.v);
		assert_true(es.e[0].seq == cases[i].e.seq);
		assert_true(es.e[0].received_at == cases[i].e.received_at);
		assert_int_equal(es.e[0].line, 2);
		entries_free(&es);
	}
}

/* September's 35 corrected to 36 by a later line: the last line of a t is
 * the entry, whatever comes between. */
static void test_last_line_wins(void **state)
{
	static const char text[] = HEADER
		"1727715600 35 4 1728540000.25\n"
		"1730394000 40 5 1730800000\n"
		"1727715600 36 6 1730900000\n";
	const struct entry *e;
	struct entries es;

	(void)state;
	parse(text, &es);
	assert_int_equal(es.lines, 3);
	assert_int_equal(es.n, 2);
	assert_int_equal(es.nbad, 0);
	assert_int_equal(es.torn_len, 0);
	assert_int_equal(es.valid_len, strlen(text));
	/* in increasing t */
	assert_true(es.e[0].t == SEP_END);
	assert_true(es.e[0].v == 36);
	assert_int_equal(es.e[0].seq, 6);
	assert_int_equal(es.e[0].line, 4);
	assert_true(es.e[1].t == OCT_END);
	assert_true(es.e[1].v == 40);
	assert_int_equal(es.e[1].line, 3);
	e = entries_find(&es, SEP_END);
	assert_non_null(e);
	assert_true(e->v == 36);
	assert_null(entries_find(&es, SEP_END + 1));
	assert_null(entries_find(&es, SEP_END - 0.5));
	assert_null(entries_find(&es, OCT_END + 86400));
	entries_free(&es);

	/* back to 35 again: the third line of that t is the one */
	parse(HEADER "1727715600 35 4 1\n1727715600 36 6 2\n1727715600 35 7 3\n", &es);
	assert_int_equal(es.lines, 3);
	assert_int_equal(es.n, 1);
	assert_true(es.e[0].v == 35);
	assert_int_equal(es.e[0].seq, 7);
	entries_free(&es);
}

/* Bytes after the last '\n' are a torn line: not an entry, and counted so
 * the collector knows what to cut. */
static void test_torn(void **state)
{
	static const char whole[] = HEADER "1727715600 35 4 1728540000\n";
	char text[256];
	struct entries es;

	(void)state;
	/* "1730394000 4" is 12 bytes, which might have been "1730394000 40 ..." */
	snprintf(text, sizeof(text), "%s1730394000 4", whole);
	parse(text, &es);
	assert_int_equal(es.n, 1);
	assert_int_equal(es.lines, 1);
	assert_true(es.e[0].v == 35);
	assert_int_equal(es.valid_len, strlen(whole));
	assert_int_equal(es.torn_len, 12);
	assert_int_equal(es.nbad, 0);
	entries_free(&es);

	/* a header torn while the file was made: a journal with nothing in it */
	parse("greenmeter-ent", &es);
	assert_int_equal(es.n, 0);
	assert_int_equal(es.valid_len, 0);
	assert_int_equal(es.torn_len, 14);
	entries_free(&es);
	parse("", &es);
	assert_int_equal(es.n, 0);
	assert_int_equal(es.valid_len, 0);
	assert_int_equal(es.torn_len, 0);
	entries_free(&es);
}

/* A whole line that is not an entry is skipped and named (line 3 here);
 * entries_load refuses such a file, as a sum without it would be wrong. */
static void test_bad_lines(void **state)
{
	static const struct {
		const char *line, *reason;
	} cases[] = {
#define FIELDS "expected \"t v seq received_at\" (four plain numbers, one space apart)"
		{ "1730394000 40 5", FIELDS },
		{ "1730394000 40", FIELDS },
		{ "", FIELDS },
		{ "1730394000  40 5 1730800000", FIELDS },
		{ " 1730394000 40 5 1730800000", FIELDS },
		{ "1730394000 40 5 1730800000\r", FIELDS },
		{ "1730394000\t40 5 1730800000", FIELDS },
		{ "1730394000 40 5 1730800000x", FIELDS },
		{ "nan 40 5 1730800000", FIELDS },
		{ "1730394000 inf 5 1730800000", FIELDS },
		{ "1730394000 1e999 5 1730800000", FIELDS },
		{ "0x671a1a10 40 5 1730800000", FIELDS },
		{ "1730394000 4-0 5 1730800000", FIELDS },
		{ "# a note 1730394000 40 5 1730800000", FIELDS },
		{ "946684799 40 5 1730800000", "t is outside 2000-01-01 .. 2100-01-01" },
		{ "4102444801 40 5 1730800000", "t is outside 2000-01-01 .. 2100-01-01" },
		{ "1730394000 40 -1 1730800000", "seq is not an integer from 0 to 2^53" },
		{ "1730394000 40 1.5 1730800000", "seq is not an integer from 0 to 2^53" },
		{ "1730394000 40 9007199254740994 1730800000",
		  "seq is not an integer from 0 to 2^53" },
#undef FIELDS
	};
	char text[512], want[300], err[512];
	const char *path;
	struct entries es;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		snprintf(text, sizeof(text), HEADER "1727715600 35 4 1728540000\n%s\n"
		    "1730394000 40 5 1730800000\n", cases[i].line);
		parse(text, &es);
		snprintf(want, sizeof(want), "j:3: %s", cases[i].reason);
		if (es.nbad != 1 || strcmp(es.bad, want) != 0)
			fail_msg("line \"%s\": %zu bad, \"%s\"; want 1, \"%s\"", cases[i].line,
			    es.nbad, es.bad, want);
		/* the lines around it still count */
		assert_int_equal(es.n, 2);
		entries_free(&es);

		path = fixture("bad.entries", text);
		err[0] = '\0';
		assert_int_equal(entries_load(path, &es, err, sizeof(err)), GM_EINVAL);
		snprintf(want, sizeof(want), "%s:3: %s", path, cases[i].reason);
		assert_string_equal(err, want);
		assert_null(es.e);
	}
	/* fields after the fourth are for later versions: ignored */
	parse(HEADER "1727715600 35 4 1728540000 checked-by=somchai\n", &es);
	assert_int_equal(es.nbad, 0);
	assert_int_equal(es.n, 1);
	assert_true(es.e[0].received_at == 1728540000);
	entries_free(&es);
}

static void test_header(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "greenmeter-entries 2\n1727715600 35 4 1\n",
		  "j:1: format version 2 is newer than this program reads (1)" },
		{ "1727715600 35 4 1\n", "j:1: not a greenmeter entries journal (the first "
		  "line is not \"greenmeter-entries <version>\")" },
		{ "greenmeter-entries\n", "j:1: not a greenmeter entries journal (the first "
		  "line is not \"greenmeter-entries <version>\")" },
		{ "greenmeter-entries one\n", "j:1: bad format version \"one\"" },
		{ "greenmeter-entries 0\n", "j:1: bad format version \"0\"" },
		{ "greenmeter-entries 1 \n", "j:1: bad format version \"1 \"" },
		{ "greenmeter-entries -1\n", "j:1: bad format version \"-1\"" },
		/* what the header holds is shown printable: it goes to a log */
		{ "greenmeter-entries 1\x1b[2J\xca\xd3\n",
		  "j:1: bad format version \"1?[2J??\"" },
	};
	char err[256];
	struct entries es;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		err[0] = '\0';
		if (entries_parse(cases[i].text, strlen(cases[i].text), "j", &es, err,
		    sizeof(err)) != GM_EINVAL)
			fail_msg("\"%s\" was read", cases[i].text);
		assert_string_equal(err, cases[i].err);
		assert_null(es.e);
	}
}

static void test_load(void **state)
{
	char path[128], err[256] = "";
	struct entries es;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.entries", tmpdir);
	assert_int_equal(entries_load(path, &es, err, sizeof(err)), GM_ENOTFOUND);
	assert_non_null(strstr(err, path));

	/* a torn last line is no reason to refuse the file */
	snprintf(path, sizeof(path), "%s", fixture("ok.entries",
	    HEADER "1727715600 35 4 1\n1730394000 40 5 2\n1727715600 36 6 3\n1730394"));
	assert_int_equal(entries_load(path, &es, err, sizeof(err)), GM_OK);
	assert_int_equal(es.n, 2);
	assert_int_equal(es.lines, 3);
	assert_int_equal(es.torn_len, 7);
	assert_true(es.e[0].v == 36);
	assert_true(es.e[1].v == 40);
	entries_free(&es);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_and_header),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_last_line_wins),
		cmocka_unit_test(test_torn),
		cmocka_unit_test_setup_teardown(test_bad_lines, setup, tmpdir_teardown),
		cmocka_unit_test(test_header),
		cmocka_unit_test_setup_teardown(test_load, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
