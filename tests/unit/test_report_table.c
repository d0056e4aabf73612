/*
 * test_report_table.c - the plain report's text table (dashboards/
 * report_table.c over textwidth.c), from real files: RRDs and entries
 * journals read back by datadir_walk and usage_get, as gm-report does.
 *
 * The period is 15 Nov 2024 (a day, as yesterday.txt is). In it:
 *   hq/b2-main/import_kwh   counter, 0.25 kWh every 15 min: 24 kWh, 100 %
 *   hq/old-meter/kwh        counter read until 1 Nov 2024 only: nothing
 *   hq/stores/fuel          entry of 50 L at 16 Nov 00:00 (the day's end)
 *   hq/stores/committee-secretariat-paper-reams
 *                           monthly entries at month ends: none in the day
 * A channel with nothing says so in words, never "nan"; every column lines
 * up in terminal columns, in English and in Thai, whatever the width of a
 * channel's name (this one is 33 characters).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "report_table.h"
#include "textwidth.h"
#include "gm_err.h"
#include "green_fixture.h"
#include "rrd_fixture.h"
#include "testutil.h"
#include "timeutil.h"

#define LONG_NAME "committee-secretariat-paper-reams"

/* A counter using 0.25 kWh every 15 minutes over [from, to]. */
static void counter(const char *meter, const char *channel, time_t from, time_t to)
{
	struct rrd_row rows[8 * 96];
	char path[512];
	double v = 100;
	size_t n = 0;

	fix_chan(meter, channel, ".rrd", "kWh", KIND_COUNTER, path, sizeof(path));
	rrd_fixture_create(path, from - 1, 0);
	for (time_t t = from; t <= to; t += FIX_Q, v += 0.25) {
		assert_true(n < sizeof(rows) / sizeof(rows[0]));
		rows[n++] = (struct rrd_row){ t, v, t == from ? NAN : 0.25 };
	}
	rrd_fixture_put(path, rows, n);
}

static int setup(void **state)
{
	time_t month_ends[] = { bkk(2024, 11, 1), bkk(2024, 12, 1) };
	time_t day_end = bkk(2024, 11, 16);

	(void)state;
	if (tz_set(TZ_DEFAULT) != GM_OK || tmpdir_make("report-table") != 0)
		return -1;
	counter("b2-main", "import_kwh", bkk(2024, 11, 14), bkk(2024, 11, 17));
	counter("old-meter", "kwh", bkk(2024, 10, 30), bkk(2024, 11, 1));
	fix_entries("fuel", "L", &day_end, (const double[]){ 50 }, 1);
	fix_entries(LONG_NAME, "reams", month_ends, (const double[]){ 40, 40 }, 2);
	return 0;
}

/* The table of 15 Nov 2024 in `lang`, malloc'd. */
static char *table(enum lang lang)
{
	struct stored_chan *chans = NULL;
	struct plain_row rows[8];
	time_t from = bkk(2024, 11, 15), to = bkk(2024, 11, 16);
	char err[512], *out = NULL;
	size_t len = 0;
	FILE *f;
	int n = datadir_walk(tmpdir, NULL, NULL, &chans);

	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++) {
		if (usage_get(chans[i].path, from, to, &rows[i].u, err, sizeof(err)) != GM_OK)
			fail_msg("usage_get: %s", err);
		rows[i].c = &chans[i];
	}
	assert_non_null(f = open_memstream(&out, &len));
	report_table(f, rows, n, from, to, false, lang);
	fclose(f);
	free(chans);
	return out;
}

/* The line of the table that holds `what` (a static copy, no '\n'). */
static const char *line_with(const char *text, const char *what)
{
	static char line[1024];
	const char *p = strstr(text, what), *b, *e;

	if (p == NULL)
		fail_msg("no line holds \"%s\" in:\n%s", what, text);
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e - b), b);
	return line;
}

/* The terminal column where `what` starts (end: where it ends) in the
 * line of `text` that holds `key`. */
static size_t col(const char *text, const char *key, const char *what, bool end)
{
	const char *line = line_with(text, key), *p = strstr(line, what);
	char prefix[1024];

	if (p == NULL)
		fail_msg("\"%s\" is not in \"%s\"", what, line);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(p - line) + (end ? (int)strlen(what) : 0),
	    line);
	return textwidth_of(prefix);
}

/* Counted by hand: each Thai mark above or below the line takes no column. */
static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(textwidth_of("abc"), 3);
	assert_int_equal(textwidth_of(""), 0);
	assert_int_equal(textwidth_of("ที่"), 1);          /* ท + sara ii + mai ek */
	assert_int_equal(textwidth_of("ช่องข้อมูล"), 7);    /* 10 characters, 3 marks */
	assert_int_equal(textwidth_of("ความครบถ้วน"), 10);  /* 11 characters, 1 mark */
	assert_int_equal(textwidth_of("น้ำ"), 2);           /* sara am is a letter of its own */
	assert_int_equal(textwidth_of("e\xCC\x81"), 1);    /* e + combining acute */
	assert_int_equal(textwidth_of("\xFF" "a"), 2);     /* a stray byte: one '?' */
	assert_int_equal(strlen("ช่องข้อมูล"), 30);       /* what a byte count would say */
}

static void check_aligned(const char *t, const char *h_amount, const char *h_unit,
    const char *h_cover, const char *h_channel)
{
	/* the header ends each right-aligned column where its figures end */
	size_t amount_end = col(t, h_amount, h_amount, true);
	size_t unit_at = col(t, h_amount, h_unit, false);
	size_t cover_end = col(t, h_amount, h_cover, true);
	size_t chan_at = col(t, h_amount, h_channel, false);

	assert_int_equal(col(t, "import_kwh", "24.000000", true), amount_end);
	assert_int_equal(col(t, "fuel", "50.000000", true), amount_end);
	assert_int_equal(col(t, "import_kwh", "kWh", false), unit_at);
	assert_int_equal(col(t, "fuel", "  L  ", false) + 2, unit_at);
	assert_int_equal(col(t, "import_kwh", "100.0%", true), cover_end);
	assert_int_equal(col(t, "fuel", "100.0%", true), cover_end);
	assert_int_equal(col(t, LONG_NAME, LONG_NAME, false), chan_at);
	assert_int_equal(col(t, "import_kwh", "import_kwh", false), chan_at);
}

static void test_english(void **state)
{
	char *t = table(LANG_EN);

	(void)state;
	assert_null(strstr(t, " nan "));
	assert_non_null(strstr(line_with(t, LONG_NAME), "no entry this period"));
	assert_non_null(strstr(line_with(t, "old-meter"), "no readings this period"));
	/* the whole period is the gap: not said again under the row */
	assert_null(strstr(t, "gap from"));
	assert_null(strstr(line_with(t, LONG_NAME), "incomplete"));
	assert_null(strstr(line_with(t, "fuel"), "incomplete"));
	check_aligned(t, "amount / mean", "unit", "coverage", "channel");
	free(t);
}

static void test_thai(void **state)
{
	char *t = table(LANG_TH);

	(void)state;
	assert_null(strstr(t, " nan "));
	assert_null(strstr(t, "no entry"));
	assert_non_null(strstr(line_with(t, LONG_NAME), "ไม่มีรายการบันทึกในช่วงนี้"));
	assert_non_null(strstr(line_with(t, "old-meter"), "ไม่มีค่าที่อ่านได้ในช่วงนี้"));
	assert_non_null(strstr(t, "greenmeter ปริมาณการใช้ 2024-11-15 00:00:00 .. "
	    "2024-11-16 00:00:00 (Asia/Bangkok)\n"));
	check_aligned(t, "ปริมาณ / ค่าเฉลี่ย", "หน่วย", "ความครบถ้วน", "ช่องข้อมูล");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_thai),
	};

	return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
