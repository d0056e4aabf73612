/*
 * test_manual_csv.c - the manual-entry CSV of `gm-agent --import`
 * (agent/manual_csv.c, and the file reading of agent/manual_import.c):
 * monthly amounts and dial readings.
 *
 * Every bad case is a whole file refused with the reasons, as file:line,
 * and no entries; each good case's entries are checked field by field.
 * An amount's time is the last second of its month in Asia/Bangkok (UTC+7),
 * worked out by hand: 2026-11-01T00:00+07:00 = 1793466000. A reading's is
 * its date there: 2023-10-01T00:00+07:00 = 2023-09-30T17:00Z = 1696093200,
 * + 31 days (2678400 s) = 2023-11-01 = 1698771600; 2024-03-01T08:30+07:00 =
 * 2024-03-01T01:30Z = 1709256600.
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

#include "manual_import.h"
#include "gm_err.h"
#include "testutil.h"
#include "timeutil.h"

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define HEADER "month,meter,channel,amount,unit,note\n"
#define DIAL "date,meter,channel,reading,unit,every,note\n"
#define NO_HEADER "x.csv: no header line (month,meter,channel,amount,unit,note or " \
	"date,meter,channel,reading,unit,every,note)"
#define COLUMNS "(expected month, date, meter, channel, amount, reading, unit, every, note)"
#define NOW 4102444800.0   /* 2100-01-01: every month that may be typed is over */

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	return tz_set(TZ_DEFAULT) == 0 ? tmpdir_make("manual_csv") : -1;
}

/* Parse text (len bytes: it may hold NULs) as "x.csv". */
static int parse_n(const char *text, size_t len, struct manual_entry **e, size_t *n)
{
	memset(&reports, 0, sizeof(reports));
	*e = NULL;
	*n = 0;
	return manual_csv_parse("x.csv", text, len, "senate", NOW, e, n, collect, NULL);
}

static int parse(const char *text, struct manual_entry **e, size_t *n)
{
	return parse_n(text, strlen(text), e, n);
}

/* The file must be refused with exactly one report, `want`. */
static void refused(const char *what, const char *text, size_t len, const char *want)
{
	struct manual_entry *e;
	size_t n;
	int rc = parse_n(text, len, &e, &n);

	if (rc == 0) {
		free(e);
		fail_msg("%s: accepted (%zu entries), want \"%s\"", what, n, want);
	}
	if (e != NULL || n != 0)
		fail_msg("%s: refused but gave entries", what);
	if (rc != 1 || reports.n != 1 || strcmp(reports.msg[0], want) != 0)
		fail_msg("%s: %d reports, first \"%s\", want \"%s\"", what, reports.n,
		    reports.n ? reports.msg[0] : "", want);
}

static void expect_entry(const struct manual_entry *e, const char *meter, const char *channel,
    int year, int month, double amount, const char *unit, double t, int line)
{
	assert_string_equal(e->id.site, "senate");
	assert_string_equal(e->id.meter, meter);
	assert_string_equal(e->id.channel, channel);
	assert_int_equal(e->year, year);
	assert_int_equal(e->month, month);
	assert_int_equal(e->kind, KIND_DELTA);
	assert_int_equal(e->every, 0);
	if (e->v != amount || signbit(e->v))
		fail_msg("line %d: amount %.17g, want %.17g", e->line, e->v, amount);
	assert_string_equal(e->unit, unit);
	if (e->t != t)
		fail_msg("line %d: t %.0f, want %.0f", e->line, e->t, t);
	assert_int_equal(e->seq, (uint64_t)((year - 2000) * 12 + month));
	assert_int_equal(e->line, line);
}

/* --- files that are read ------------------------------------------------- */

/* A spreadsheet's export: byte-order mark, CRLF, a quoted note with a comma
 * and a doubled quote, a comment, a blank line. */
static void test_spreadsheet_export(void **state)
{
	struct manual_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(parse("\xEF\xBB\xBF" "month,meter,channel,amount,unit,note\r\n"
	    "# October, from the stores' book\r\n"
	    "2026-10,finance-budget,paper_reams,40,reams,\"from stores, floor 2\"\r\n"
	    "\r\n"
	    "2026-10,central-admin,fuel_l,420.5,L,\"vans \"\"A\"\" and B\"\r\n", &e, &n), 0);
	assert_int_equal(reports.n, 0);
	assert_int_equal(n, 2);
	expect_entry(&e[0], "finance-budget", "paper_reams", 2026, 10, 40, "reams", 1793465999, 3);
	expect_entry(&e[1], "central-admin", "fuel_l", 2026, 10, 420.5, "L", 1793465999, 5);
	free(e);
}

#define CR_BAD "month,meter,channel,amount,unit\r2026-09,p,r,1,reams\r2026-13,p,r,2,reams\r"

/* Any line ending: LF, CRLF, a lone CR (an old Mac export), mixed, and none
 * at the end; the line numbers count each. */
static void test_line_endings(void **state)
{
	static const char *const files[] = {
		"month,meter,channel,amount,unit\n2026-09,p,r,1,reams\n2026-10,p,r,2,reams\n",
		"month,meter,channel,amount,unit\r\n2026-09,p,r,1,reams\r\n2026-10,p,r,2,reams\r\n",
		"month,meter,channel,amount,unit\r2026-09,p,r,1,reams\r2026-10,p,r,2,reams\r",
		"month,meter,channel,amount,unit\r2026-09,p,r,1,reams\r\n2026-10,p,r,2,reams",
		"month,meter,channel,amount,unit\n2026-09,p,r,1,reams\r2026-10,p,r,2,reams\n",
	};
	struct manual_entry *e;
	size_t n;

	(void)state;
	for (int i = 0; i < NCASES(files); i++) {
		if (parse(files[i], &e, &n) != 0)
			fail_msg("file %d refused: %s", i, reports.msg[0]);
		assert_int_equal(n, 2);
		expect_entry(&e[0], "p", "r", 2026, 9, 1, "reams", 1790787599, 2);
		expect_entry(&e[1], "p", "r", 2026, 10, 2, "reams", 1793465999, 3);
		free(e);
	}
	/* a mistake after CR-only lines is named at its own line */
	refused("CR-only, bad line 3", CR_BAD, strlen(CR_BAD),
	    "x.csv:3: month \"2026-13\": expected YYYY-MM (e.g. 2026-10)");
}

/* Columns in any order, note optional; numbers as people type them. */
static void test_columns_and_amounts(void **state)
{
	struct manual_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(parse("unit,amount,channel,meter,month\n"
	    "kg,180,waste_kg,central-admin,2000-01\n"
	    "kg,0,waste_kg,central-admin,2000-02\n"
	    "kg,-0,waste_kg,central-admin,2000-03\n"
	    "kg,.5,waste_kg,central-admin,2000-04\n"
	    "kg,5.,waste_kg,central-admin,2000-05\n"
	    "kg,1e3,waste_kg,central-admin,2000-06\n"
	    "kg,2.5E-1,waste_kg,central-admin,2000-07\n"
	    "kg,0001.250,waste_kg,central-admin,2099-12\n", &e, &n), 0);
	assert_int_equal(n, 8);
	expect_entry(&e[0], "central-admin", "waste_kg", 2000, 1, 180, "kg", 949337999, 2);
	expect_entry(&e[1], "central-admin", "waste_kg", 2000, 2, 0, "kg", e[1].t, 3);
	expect_entry(&e[2], "central-admin", "waste_kg", 2000, 3, 0, "kg", e[2].t, 4);  /* not -0 */
	expect_entry(&e[3], "central-admin", "waste_kg", 2000, 4, 0.5, "kg", e[3].t, 5);
	expect_entry(&e[4], "central-admin", "waste_kg", 2000, 5, 5, "kg", e[4].t, 6);
	expect_entry(&e[5], "central-admin", "waste_kg", 2000, 6, 1000, "kg", e[5].t, 7);
	expect_entry(&e[6], "central-admin", "waste_kg", 2000, 7, 0.25, "kg", e[6].t, 8);
	expect_entry(&e[7], "central-admin", "waste_kg", 2099, 12, 1.25, "kg", 4102419599, 9);
	free(e);
}

/* The same file gives the same entries (t and seq): importing it again
 * publishes the same readings. */
static void test_same_file_same_entries(void **state)
{
	static const char text[] = HEADER "2026-02,printing,paper_reams,310,reams,\n";
	struct manual_entry *a, *b;
	size_t na, nb;

	(void)state;
	assert_int_equal(parse(text, &a, &na), 0);
	assert_int_equal(parse(text, &b, &nb), 0);
	assert_int_equal(na, 1);
	assert_int_equal(nb, 1);
	expect_entry(&a[0], "printing", "paper_reams", 2026, 2, 310, "reams", 1772297999, 2);
	assert_memory_equal(&a[0], &b[0], sizeof(a[0]));
	free(a);
	free(b);
}

/* --- files that are refused, whole ---------------------------------------- */

/* Months: YYYY-MM exactly, 2000-01..2099-12. "2026-1O" (letter O) was
 * read as January. */
static void test_months(void **state)
{
	static const char *const bad[] = {
		"2026-1O", "2026-1 ", "2026-+1", "2026-1a", "2026-13", "2026-00", "1999-12",
		"2100-01", "26-10", "2026/10", "2026-010", " 2026-10", "2026-1", "2O26-10",
		"2026-10 ", "", "2026--1", "+026-10", "2026-0x", "２０２６-10",
	};
	char text[200], want[300], shown[100];

	(void)state;
	for (int i = 0; i < NCASES(bad); i++) {
		size_t o = 0;
		for (const unsigned char *p = (const unsigned char *)bad[i]; *p; p++)
			o += (size_t)snprintf(shown + o, sizeof(shown) - o,
			    *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
		shown[o] = '\0';
		snprintf(text, sizeof(text), HEADER "%s,printing,paper_reams,310,reams,\n", bad[i]);
		snprintf(want, sizeof(want), "x.csv:2: month \"%s\": expected YYYY-MM (e.g. 2026-10)",
		    shown);
		refused(bad[i], text, strlen(text), want);
	}
}

/* Amounts: a plain decimal, finite, 0 or more. */
static void test_amounts(void **state)
{
	static const char *const bad[] = {
		"nan", "NaN", "inf", "-inf", "infinity", "0x10", "0x1p3", "1e999", "-1e999",
		"40abc", "40 ", " 40", "+5", "-5", "-0.1", "", ".", "-", "1e", "1e+", "e5",
		"--1", "1.2.3", "1,5", "1 000", "5%", "4O", "\t1",
	};
	char text[200], want[300], shown[100];

	(void)state;
	for (int i = 0; i < NCASES(bad); i++) {
		size_t o = 0;
		for (const unsigned char *p = (const unsigned char *)bad[i]; *p; p++)
			o += (size_t)snprintf(shown + o, sizeof(shown) - o,
			    *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
		shown[o] = '\0';
		snprintf(text, sizeof(text), HEADER "2026-10,printing,paper_reams,\"%s\",reams,\n",
		    bad[i]);
		snprintf(want, sizeof(want), "x.csv:2: amount \"%s\": expected a number, 0 or more",
		    shown);
		refused(bad[i], text, strlen(text), want);
	}
}

/* The header: each column once, none unknown, the required ones there. A
 * duplicated column silently won before. */
static void test_header(void **state)
{
	static const struct {
		const char *what, *text;
		const char *want[3];
	} cases[] = {
		{ "amount twice",
		  "month,meter,channel,amount,unit,amount\n2026-10,p,r,1,reams,2\n",
		  { "x.csv:1: column \"amount\" appears twice (columns 4 and 6)" } },
		{ "month twice, note twice",
		  "month,month,meter,channel,amount,unit,note,note\n",
		  { "x.csv:1: column \"month\" appears twice (columns 1 and 2)",
		    "x.csv:1: column \"note\" appears twice (columns 7 and 8)" } },
		{ "unknown and missing",
		  "month,meter,chanel,amount,unit\n",
		  { "x.csv:1: unknown column \"chanel\" " COLUMNS,
		    "x.csv:1: column \"channel\" is missing" } },
		{ "upper case",
		  "Month,meter,channel,amount,unit\n",
		  { "x.csv:1: unknown column \"Month\" " COLUMNS,
		    "x.csv:1: column \"month\" is missing" } },
		/* a dial reading's columns go together, and every with them */
		{ "date without reading",
		  "date,meter,channel,unit\n",
		  { "x.csv:1: column \"reading\" is missing" } },
		{ "reading without date",
		  "meter,channel,reading,unit\n",
		  { "x.csv:1: column \"date\" is missing" } },
		{ "every alone",
		  "month,meter,channel,amount,unit,every\n",
		  { "x.csv:1: column \"date\" is missing",
		    "x.csv:1: column \"reading\" is missing" } },
		{ "neither kind",
		  "meter,channel,unit,note\n",
		  { "x.csv:1: columns \"month\" and \"amount\" (a month's amount) or \"date\" and "
		    "\"reading\" (a dial reading) are missing" } },
		{ "reading twice",
		  "date,meter,channel,reading,unit,reading\n",
		  { "x.csv:1: column \"reading\" appears twice (columns 4 and 6)" } },
	};
	struct manual_entry *e;
	size_t n;

	(void)state;
	for (int i = 0; i < NCASES(cases); i++) {
		int want = 0;
		while (want < 3 && cases[i].want[want] != NULL)
			want++;
		print_message("  %s\n", cases[i].what);
		assert_true(parse(cases[i].text, &e, &n) > 0);
		assert_null(e);
		expect_reports(cases[i].want, want);
	}
}

/* Every mistake of a file is named, each at its line, and none is lost
 * behind another (a long line, a NUL); nothing of the file is kept. */
static void test_every_mistake_named(void **state)
{
	static char text[8000];
	static const char *const want[] = {
		"x.csv:3: has 5 fields; the header (line 1) has 6",
		"x.csv:4: meter id \"Printing\" does not match [a-z0-9][a-z0-9_-]{0,63}",
		"x.csv:4: amount \"-5\": expected a number, 0 or more",
		"x.csv:5: line is longer than 4096 characters",
		"x.csv:6: a NUL byte (column 9): not text; save the file as \"CSV UTF-8\"",
		"x.csv:7: month \"2026-1O\": expected YYYY-MM (e.g. 2026-10)",
		"x.csv:8: a quoted field is not closed",
		"x.csv:9: text after a closing quote",
		"x.csv:10: more than 16 fields",
		"x.csv:11: channel id is empty",
		"x.csv:12: unit \"k Wh\": expected 1-15 characters [A-Za-z0-9/%._-]",
		"x.csv:14: 2026-10 finance/paper_reams is also at line 2",
		"x.csv:15: unit \"sheets\" of finance/paper_reams differs from \"reams\" at line 2",
	};
	size_t len = 0;
	struct manual_entry *e;
	size_t n;

	(void)state;
	len += (size_t)sprintf(text + len, HEADER);
	len += (size_t)sprintf(text + len, "2026-10,finance,paper_reams,40,reams,\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,paper_reams,40,reams\n");
	len += (size_t)sprintf(text + len, "2026-10,Printing,paper_reams,-5,reams,\n");
	memset(text + len, 'a', 5000);
	len += 5000;
	text[len++] = '\n';
	memcpy(text + len, "2026-10,\0a,b,1,u,\n", 18);   /* the NUL at column 9 */
	len += 18;
	len += (size_t)sprintf(text + len, "2026-1O,finance,fuel_l,1,L,\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,fuel_l,1,L,\"open\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,fuel_l,1,L,\"note\"x\n");
	len += (size_t)sprintf(text + len, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,,1,L,\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,fuel_l,1,k Wh,\n");
	len += (size_t)sprintf(text + len, "2026-11,finance,paper_reams,41,reams,\n");
	len += (size_t)sprintf(text + len, "2026-10,finance,paper_reams,42,reams,\n");
	len += (size_t)sprintf(text + len, "2026-12,finance,paper_reams,43,sheets,\n");
	assert_int_equal(parse_n(text, len, &e, &n), NCASES(want));
	assert_null(e);
	assert_int_equal(n, 0);
	expect_reports(want, NCASES(want));
}

#define COMMENTED "# entries\r\n" HEADER "# none yet\r\n\r\n"
#define CR_HEADER "month,meter,channel,amount,unit\r\r"

/* Files with nothing to import are mistakes, not a success that imported
 * nothing; text that is not UTF-8 is named as such. */
static void test_nothing_or_not_text(void **state)
{
	static const char utf16le[] = "\xFF\xFEm\0o\0n\0t\0h\0\n\0";
	static const char utf16be[] = "\xFE\xFF\0m\0o\0n\0t\0h\0\n";
	static const char utf16_nobom[] = "m\0o\0n\0t\0h\0,\0";

	(void)state;
	refused("header only", HEADER, strlen(HEADER),
	    "x.csv:1: no entries after the header: nothing to import");
	refused("header and comments", COMMENTED, strlen(COMMENTED),
	    "x.csv:2: no entries after the header: nothing to import");
	refused("CR-only header", CR_HEADER, strlen(CR_HEADER),
	    "x.csv:1: no entries after the header: nothing to import");
	refused("empty", "", 0, NO_HEADER);
	refused("only a BOM", "\xEF\xBB\xBF", 3, NO_HEADER);
	refused("only comments", "# a\n#b\n\n", 7, NO_HEADER);
	refused("UTF-16LE", utf16le, sizeof(utf16le) - 1,
	    "x.csv:1: the file is UTF-16 text: save it as \"CSV UTF-8\"");
	refused("UTF-16BE", utf16be, sizeof(utf16be) - 1,
	    "x.csv:1: the file is UTF-16 text: save it as \"CSV UTF-8\"");
	refused("UTF-16 without its mark", utf16_nobom, sizeof(utf16_nobom) - 1,
	    "x.csv:1: the file is UTF-16 text: save it as \"CSV UTF-8\"");
}

/* A month is entered once it is over: stamped with its last second, it
 * would be refused by the collector as a reading from the future (more
 * than 300 s ahead of its clock), after the rest of the file was stored. */
static void test_month_not_over(void **state)
{
	static const char text[] = HEADER "2026-09,p,r,1,reams,\n2026-10,p,r,2,reams,\n";
	static const char *const want[] = {
		"x.csv:3: month 2026-10 is not over yet: enter it once it is",
	};
	struct manual_entry *e;
	size_t n;

	(void)state;
	memset(&reports, 0, sizeof(reports));
	assert_int_equal(manual_csv_parse("x.csv", text, strlen(text), "senate",
	    1793465999.0 - 301, &e, &n, collect, NULL), 1);
	expect_reports(want, 1);
	memset(&reports, 0, sizeof(reports));
	assert_int_equal(manual_csv_parse("x.csv", text, strlen(text), "senate",
	    1793465999.0 - 300, &e, &n, collect, NULL), 0);
	assert_int_equal(n, 2);
	free(e);
}

/* --- dial readings -------------------------------------------------------- */

static void expect_reading(const struct manual_entry *e, const char *meter, const char *channel,
    double t, double reading, long every, int year, int month, int line)
{
	assert_string_equal(e->id.site, "senate");
	assert_string_equal(e->id.meter, meter);
	assert_string_equal(e->id.channel, channel);
	assert_int_equal(e->kind, KIND_COUNTER);
	if (e->t != t)
		fail_msg("line %d: t %.0f, want %.0f", e->line, e->t, t);
	if (e->v != reading || signbit(e->v))
		fail_msg("line %d: reading %.17g, want %.17g", e->line, e->v, reading);
	assert_string_equal(e->unit, "m3");
	assert_int_equal(e->every, every);
	assert_int_equal(e->year, year);
	assert_int_equal(e->month, month);
	assert_int_equal(e->seq, (uint64_t)((year - 2000) * 12 + month));
	assert_int_equal(e->line, line);
}

/* A dial read on a day is read at 00:00 local unless a time is given;
 * every is a month (31 days) unless the line says. */
static void test_dial_readings(void **state)
{
	struct manual_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(parse(DIAL
	    "2023-10-01,b2-water,volume_m3,1000,m3,,first of the year\n"
	    "2023-11-01,b2-water,volume_m3,1120.5,m3,,\n"
	    "2024-03-01 08:30,b2-water,volume_m3,1120.5,m3,,no water used\n"
	    "2023-10-01,b3-water,volume_m3,0,m3,86400,\n", &e, &n), 0);
	assert_int_equal(reports.n, 0);
	assert_int_equal(n, 4);
	expect_reading(&e[0], "b2-water", "volume_m3", 1696093200, 1000, 2678400, 2023, 10, 2);
	expect_reading(&e[1], "b2-water", "volume_m3", 1698771600, 1120.5, 2678400, 2023, 11, 3);
	expect_reading(&e[2], "b2-water", "volume_m3", 1709256600, 1120.5, 2678400, 2024, 3, 4);
	expect_reading(&e[3], "b3-water", "volume_m3", 1696093200, 0, 86400, 2023, 10, 5);
	free(e);

	/* without an every column, a month; columns in any order */
	assert_int_equal(parse("unit,reading,channel,meter,date\n"
	    "m3,7,volume_m3,w,2099-12-31 23:59\n", &e, &n), 0);
	expect_reading(&e[0], "w", "volume_m3", 4102419540, 7, 2678400, 2099, 12, 2);
	free(e);
}

/* One file, both kinds of line: each fills its own columns. */
static void test_amounts_and_readings(void **state)
{
	struct manual_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(parse("month,date,meter,channel,amount,reading,unit,every,note\n"
	    "2026-09,,finance,paper_reams,40,,reams,,\n"
	    ",2023-10-01,b2-water,volume_m3,,1000,m3,,\n"
	    ",2023-11-01,b2-water,volume_m3,,1120.5,m3,2678400,\n", &e, &n), 0);
	assert_int_equal(n, 3);
	expect_entry(&e[0], "finance", "paper_reams", 2026, 9, 40, "reams", 1790787599, 2);
	expect_reading(&e[1], "b2-water", "volume_m3", 1696093200, 1000, 2678400, 2023, 10, 3);
	expect_reading(&e[2], "b2-water", "volume_m3", 1698771600, 1120.5, 2678400, 2023, 11, 4);
	free(e);
}

/* Dates: YYYY-MM-DD or YYYY-MM-DD HH:MM, a day and a time that exist. */
static void test_dates(void **state)
{
	static const char *const bad[] = {
		"2024-02-30", "2023-02-29", "2024-04-31", "2024-3-01", "2024-03-1", "01/03/2024",
		"2024-03-01T08:30", "2024-03-01 24:00", "2024-03-01 08:60", "2024-03-01 8:30",
		"2024-03-01 08:30:00", "2024-03-01 ", " 2024-03-01", "2024-13-01", "2024-00-10",
		"2024-03-00", "1999-12-31", "2100-01-01", "2024-03", "", "2024-03-01 -1:30",
		"2O24-03-01",
	};
	char text[200], want[300];

	(void)state;
	for (int i = 0; i < NCASES(bad); i++) {
		snprintf(text, sizeof(text), DIAL "%s,w,volume_m3,1,m3,,\n", bad[i]);
		snprintf(want, sizeof(want), "x.csv:2: date \"%s\": expected YYYY-MM-DD or "
		    "YYYY-MM-DD HH:MM, a day that exists, 2000 to 2099 (e.g. 2026-10-01)", bad[i]);
		refused(bad[i], text, strlen(text), want);
	}
	/* 2000-01-01 before 07:00 local is before 2000 in UTC: the wire has no such time */
	refused("before 2000 UTC", DIAL "2000-01-01 06:59,w,volume_m3,1,m3,,\n",
	    strlen(DIAL "2000-01-01 06:59,w,volume_m3,1,m3,,\n"),
	    "x.csv:2: date 2000-01-01 06:59 is outside 2000-01-01..2100-01-01 UTC");
}

/* Readings and every: numbers as an amount is; every whole seconds. */
static void test_reading_values(void **state)
{
	static const char *const bad_reading[] = { "nan", "-1", "", "1e999", "0x10", "12 m3" };
	static const char *const bad_every[] = {
		"0", "31622401", "1.5", "-60", " 60", "60 ", "x", "1e6", "+60", "999999999",
	};
	char text[200], want[300];

	(void)state;
	for (int i = 0; i < NCASES(bad_reading); i++) {
		snprintf(text, sizeof(text), DIAL "2024-03-01,w,volume_m3,%s,m3,,\n", bad_reading[i]);
		snprintf(want, sizeof(want), "x.csv:2: reading \"%s\": expected a number, 0 or more",
		    bad_reading[i]);
		refused(bad_reading[i], text, strlen(text), want);
	}
	for (int i = 0; i < NCASES(bad_every); i++) {
		snprintf(text, sizeof(text), DIAL "2024-03-01,w,volume_m3,1,m3,%s,\n", bad_every[i]);
		snprintf(want, sizeof(want), "x.csv:2: every \"%s\": expected whole seconds from 1 "
		    "to 31622400, or empty for a month (2678400)", bad_every[i]);
		refused(bad_every[i], text, strlen(text), want);
	}
}

/* A channel's readings rise in time and value, with one every and one
 * kind: each mistake named at its line, against the line it breaks with. */
static void test_reading_order(void **state)
{
	static const char text[] =
	    "month,date,meter,channel,amount,reading,unit,every,note\n"     /* 1 */
	    ",2024-03-01,w,v,,100,m3,,\n"                                    /* 2 */
	    ",2024-04-01,w,v,,120.5,m3,,\n"                                  /* 3 */
	    ",2024-03-15,w,v,,110,m3,,\n"                                    /* 4: before 3 */
	    ",2024-04-01,w,v,,121,m3,,\n"                                    /* 5: again */
	    ",2024-05-01,w,v,,99.5,m3,,\n"                                   /* 6: lower */
	    ",2024-06-01,w,v,,130,m3,86400,\n"                               /* 7: every */
	    "2024-05,,w,v,5,,m3,,\n"                                         /* 8: kind */
	    "2024-05,,p,r,5,,reams,,\n"                                      /* 9 */
	    ",2024-05-01,p,r,,6,reams,,\n"                                   /* 10: kind */
	    "2024-06,,p,r,5,6,reams,,\n"                                     /* 11: both */
	    ",,p,r,,,reams,,\n"                                              /* 12: none */
	    "2024-07,2024-07-01,p,r,5,,reams,,\n"                            /* 13: a date */
	    "2024-08,,p,r,5,,reams,60,\n"                                    /* 14: every */
	    "2024-07,2024-07-01,w,v,,140,m3,,\n"                             /* 15: a month */
	    ",2024-06-01,w,v,,130,m3,,\n";                                   /* 16: fine */
	static const char *const want[] = {
		"x.csv:4: 2024-03-15 of w/v is before the reading at line 3: give a channel's "
		"readings in the order they were taken",
		"x.csv:5: 2024-04-01 w/v is also at line 3",
		"x.csv:6: reading 99.5 of w/v is lower than 120.5 at line 3: a dial does not run "
		"back; if the meter was replaced or reset, announce it with `gm-agent --event` and "
		"import the readings after it in a file of their own",
		"x.csv:7: every 86400 of w/v differs from 2678400 at line 2",
		"x.csv:8: w/v has dial readings at line 2: a channel takes amounts or dial "
		"readings, not both",
		"x.csv:10: p/r has amounts at line 9: a channel takes amounts or dial readings, "
		"not both",
		"x.csv:11: an amount and a reading: give one of them on a line",
		"x.csv:12: no amount and no reading: give one of them on a line",
		"x.csv:13: date \"2024-07-01\" on a line with an amount: an amount is for a month",
		"x.csv:14: every \"60\" on a line with an amount: every is for dial readings",
		"x.csv:15: month \"2024-07\" on a line with a reading: a reading is dated by \"date\"",
	};
	struct manual_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(parse(text, &e, &n), NCASES(want));
	assert_null(e);
	expect_reports(want, NCASES(want));
}

/* A reading is entered once taken: its time more than 300 s ahead of the
 * clock would be refused by the collector. */
static void test_reading_not_taken(void **state)
{
	static const char text[] = DIAL "2023-10-01,w,v,1,m3,,\n2023-11-01,w,v,2,m3,,\n";
	static const char *const want[] = {
		"x.csv:3: date 2023-11-01 is in the future: enter a reading once it is taken",
	};
	struct manual_entry *e;
	size_t n;

	(void)state;
	memset(&reports, 0, sizeof(reports));
	assert_int_equal(manual_csv_parse("x.csv", text, strlen(text), "senate",
	    1698771600.0 - 301, &e, &n, collect, NULL), 1);
	expect_reports(want, 1);
	memset(&reports, 0, sizeof(reports));
	assert_int_equal(manual_csv_parse("x.csv", text, strlen(text), "senate",
	    1698771600.0 - 300, &e, &n, collect, NULL), 0);
	assert_int_equal(n, 2);
	free(e);
}

/* Through the file: read whole, any size up to the limit; a file that is
 * not there is named. */
static void test_file(void **state)
{
	struct manual_entry *e = NULL;
	size_t n = 0;
	const char *path = fixture("cr.csv", "month,meter,channel,amount,unit\r2020-10,p,r,7,reams\r");
	static const char *const missing[] = { "nope.csv: cannot open: No such file or directory" };

	(void)state;
	assert_int_equal(manual_import_parse(path, "senate", &e, &n, collect, NULL), 0);
	assert_int_equal(n, 1);
	/* 2020-11-01T00:00+07:00 = 1604163600 */
	expect_entry(&e[0], "p", "r", 2020, 10, 7, "reams", 1604163599, 2);
	free(e);
	e = NULL;
	memset(&reports, 0, sizeof(reports));
	assert_int_equal(manual_import_parse("nope.csv", "senate", &e, &n, collect, NULL), 1);
	assert_null(e);
	expect_reports(missing, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spreadsheet_export, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_line_endings, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_columns_and_amounts, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_same_file_same_entries, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_months, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_amounts, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_every_mistake_named, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_nothing_or_not_text, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_month_not_over, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_dial_readings, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_amounts_and_readings, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_dates, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_reading_values, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_reading_order, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_reading_not_taken, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_file, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
