/*
 * test_report_opts.c - gm-report's command line (dashboards/report/report_opts.c):
 * every option is honoured or refused, never ignored. --month in the plain
 * report is the month of the fiscal year the Green Office set means
 * (1 = October); one fiscal-year range (B.E. 2500..2700) in both modes; each
 * refusal names the option (and the value and its range where there is one).
 *
 * Expected times are local midnights worked out from UTC here: 00:00 +07
 * is 17:00 UTC the day before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report_opts.h"
#include "gm_err.h"
#include "timeutil.h"

#define OCT_2023 1696093200   /* 2023-09-30T17:00Z */
#define NOV_2023 1698771600   /* 2023-10-31T17:00Z */
#define JAN_2024 1704042000   /* 2023-12-31T17:00Z */
#define FEB_2024 1706720400   /* 2024-01-31T17:00Z */
#define SEP_2024 1725123600   /* 2024-08-31T17:00Z */
#define OCT_2024 1727715600   /* 2024-09-30T17:00Z */

static char err[512];

/* "gm-report " + line, split at spaces, parsed into *cmd. */
static int parse(const char *line, struct report_cmd *cmd)
{
	static char buf[1024];
	char *argv[64], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "gm-report %s", line);
	for (char *w = strtok_r(buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	err[0] = '\0';
	return report_opts_parse(argc, argv, cmd, err, sizeof(err));
}

static int setup(void **state)
{
	(void)state;
	return tz_set(TZ_DEFAULT) == GM_OK ? 0 : -1;
}

/* --month N with --fy: month N of the fiscal year, 1 = October. */
static void test_plain_month(void **state)
{
	static const struct {
		const char *line;
		time_t from, to;
	} cases[] = {
		{ "-d D --fy 2567 --month 1 --csv", OCT_2023, NOV_2023 },
		{ "-d D --fy 2567 --month 4", JAN_2024, FEB_2024 },
		{ "-d D --month 12 --fy 2567", SEP_2024, OCT_2024 },
		{ "-d D --fy 2567", OCT_2023, OCT_2024 },
		{ "-d D --fy 2567 --quarter 2", JAN_2024, 1711904400 /* 2024-03-31T17:00Z */ },
		{ "-d D --from 2024-01-01 --to 2024-02-01", JAN_2024, FEB_2024 },
	};
	struct report_cmd c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].line, &c) != GM_OK)
			fail_msg("%s: refused: %s", cases[i].line, err);
		assert_int_equal(c.mode, REPORT_PLAIN);
		assert_int_equal(c.from, cases[i].from);
		assert_int_equal(c.to, cases[i].to);
	}
	assert_int_equal(parse("-d D --fy 2567 --month 1 --csv", &c), GM_OK);
	assert_true(c.csv);
	assert_string_equal(c.datadir, "D");
}

/* The Green Office set reads --month the same way. */
static void test_green_month(void **state)
{
	struct report_cmd c;

	(void)state;
	assert_int_equal(parse("-d D --org o.ini --out r --fy 2570 --month 3", &c), GM_OK);
	assert_int_equal(c.mode, REPORT_GREEN);
	assert_int_equal(c.period.fy, 2570);
	assert_int_equal(c.period.m0, 2);   /* December: 0 = October */
	assert_int_equal(c.period.m1, 3);
	assert_int_equal(c.period.kind, PERIOD_MONTH);
	assert_int_equal(c.langs, 3);
	assert_string_equal(c.org, "o.ini");
	assert_string_equal(c.out, "r");
	assert_int_equal(parse("-d D --org o --out r --fy 2570 --lang en --cache C", &c), GM_OK);
	assert_int_equal(c.langs, 2);
	assert_int_equal(c.period.m1, 12);
	assert_string_equal(c.cache, "C");
	assert_false(c.pdf);
	assert_int_equal(parse("-d D --org o --out r --fy 2570 --pdf", &c), GM_OK);
	assert_true(c.pdf);
}

static void test_lang(void **state)
{
	struct report_cmd c;

	(void)state;
	assert_int_equal(parse("-d D --fy 2567", &c), GM_OK);
	assert_int_equal(c.lang, LANG_EN);
	assert_int_equal(parse("-d D --fy 2567 --lang th", &c), GM_OK);
	assert_int_equal(c.lang, LANG_TH);
	assert_int_equal(parse("-d D --fy 2567 --lang en", &c), GM_OK);
	assert_int_equal(c.lang, LANG_EN);
	assert_int_equal(parse("-d D --org o --out r --fy 2570 --lang th", &c), GM_OK);
	assert_int_equal(c.langs, 1);
}

/* One range in both modes: 2500 and 2700 taken, 2499 and 2701 refused with
 * the value and the range. */
static void test_fy_range(void **state)
{
	static const char *const modes[] = { "-d D", "-d D --org o --out r" };
	char line[128];
	struct report_cmd c;

	(void)state;
	for (int m = 0; m < 2; m++) {
		snprintf(line, sizeof(line), "%s --fy 2650", modes[m]);
		assert_int_equal(parse(line, &c), GM_OK);
		snprintf(line, sizeof(line), "%s --fy 2500", modes[m]);
		assert_int_equal(parse(line, &c), GM_OK);
		snprintf(line, sizeof(line), "%s --fy 2700 --quarter 4", modes[m]);
		assert_int_equal(parse(line, &c), GM_OK);
		snprintf(line, sizeof(line), "%s --fy 2701", modes[m]);
		assert_int_equal(parse(line, &c), GM_EINVAL);
		assert_string_equal(err, "--fy: \"2701\" is not a fiscal year (B.E. 2500 to 2700)");
		snprintf(line, sizeof(line), "%s --fy 2499 --month 1", modes[m]);
		assert_int_equal(parse(line, &c), GM_EINVAL);
		assert_string_equal(err, "--fy: \"2499\" is not a fiscal year (B.E. 2500 to 2700)");
	}
}

/* -h or --help asks for the usage, whatever else the line says (even a
 * line that would be refused); an unknown option is still refused. */
static void test_help(void **state)
{
	static const char *const asks[] = {
		"--help", "-h", "-d D --fy 2567 --help", "-d D --org o --out r --fy 2570 -h",
		"--fy 2701 --help", "--csv --org o -h",
	};
	struct report_cmd c;

	(void)state;
	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		if (parse(asks[i], &c) != GM_OK)
			fail_msg("%s: refused (%s), expected the usage", asks[i], err);
		if (c.mode != REPORT_HELP)
			fail_msg("%s: mode %d, expected REPORT_HELP", asks[i], (int)c.mode);
	}
	assert_int_equal(parse("--halp", &c), GM_EINVAL);
	assert_string_equal(err, "\"--halp\" is not an option of gm-report (or is short for more "
	    "than one, or takes no value)");
}

/* Every refusal, with its message. */
static void test_refused(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		/* values */
		{ "-d D --fy 2567 --month 13",
		  "--month: \"13\" is not a month of the fiscal year (1 = October to 12 = September)" },
		{ "-d D --fy 2567 --month 0",
		  "--month: \"0\" is not a month of the fiscal year (1 = October to 12 = September)" },
		{ "-d D --fy 2567 --round 7", "--round: \"7\" is not a round (6, 9 or 12 months)" },
		{ "-d D --fy 2567 --round x", "--round: \"x\" is not a round (6, 9 or 12 months)" },
		{ "-d D --fy 2567 --quarter 5", "--quarter: \"5\" is not a quarter (1 to 4)" },
		{ "-d D --fy 2567 --month 1x",
		  "--month: \"1x\" is not a month of the fiscal year (1 = October to 12 = September)" },
		{ "-d D --fy abc", "--fy: \"abc\" is not a fiscal year (B.E. 2500 to 2700)" },
		{ "-d D --fy 2567 --lang de", "--lang: \"de\" is not th or en" },
		{ "-d D --org o --out r --fy 2570 --lang de", "--lang: \"de\" is not th, en or both" },
		{ "-d D --from 2024-13-01 --to 2024-02-01", "--from: " },
		{ "-d D --from 2024-02-01 --to 2024-01-01", "--to must be after --from" },
		/* the period named twice, or half of it */
		{ "-d D --fy 2567 --round 6 --month 2",
		  "--round and --month both name the period: give one" },
		{ "-d D --fy 2567 --quarter 1 --month 2",
		  "--quarter and --month both name the period: give one" },
		{ "-d D --month 1 --from 2024-01-01 --to 2024-02-01",
		  "--month needs --fy: it is a part of a fiscal year" },
		{ "-d D --quarter 1", "--quarter needs --fy: it is a part of a fiscal year" },
		{ "-d D --fy 2567 --from 2024-01-01 --to 2024-02-01",
		  "--from and --fy both name the period: give one" },
		{ "-d D --fy 2567 --to 2024-02-01", "--to and --fy both name the period: give one" },
		{ "-d D --from 2024-01-01", "--from needs --to" },
		{ "-d D --to 2024-01-01", "--to needs --from" },
		{ "-d D", "no period: give --from and --to, or --fy" },
		{ "--fy 2567", "-d DATADIR is missing: where the meter channels are stored" },
		/* options the plain report has no use for */
		{ "-d D --fy 2567 --lang both",
		  "--lang both is for the Green Office set (--org, --out), which writes a file for "
		  "each language; the plain report prints one: th or en" },
		{ "-d D --fy 2567 --lang th --csv",
		  "--lang does not apply to --csv: its column names and values are the same in "
		  "every language" },
		{ "-d D --fy 2567 --cache C",
		  "--cache does not apply to the plain report: it keeps the closed months the Green "
		  "Office set (--org, --out) reads; the plain report reads every row" },
		{ "-d D --fy 2567 --pdf",
		  "--pdf does not apply to the plain report: it writes the PDF of each page of the "
		  "Green Office set (--org, --out)" },
		{ "-d D --org o --out r --fy 2570 --pdf --pdf", "--pdf is given twice" },
		/* options the Green Office set has no use for */
		{ "-d D --org o --out r --fy 2570 --csv",
		  "--csv does not apply to the Green Office set (--org, --out): it writes its CSV "
		  "files beside the HTML ones" },
		{ "-d D --org o --out r --fy 2570 --site hq",
		  "--site does not apply to the Green Office set (--org, --out): it reports the "
		  "channels the organisation file maps" },
		{ "-d D --org o --out r --fy 2570 --meter m",
		  "--meter does not apply to the Green Office set (--org, --out): it reports the "
		  "channels the organisation file maps" },
		{ "-d D --org o --out r --from 2024-01-01 --to 2024-02-01",
		  "--from does not apply to the Green Office set (--org, --out): its period is --fy "
		  "with --round, --quarter or --month" },
		{ "-d D --org o --fy 2570", "--org needs --out DIR: where the set is written" },
		{ "-d D --out r --fy 2570",
		  "--out needs --org FILE: the organisation the set reports on" },
		{ "-d D --org o --out r", "the Green Office set needs --fy" },
		/* the command line itself */
		{ "-d D --fy 2567 --fy 2568", "--fy is given twice" },
		{ "-d D -d E --fy 2567", "-d is given twice" },
		{ "-d D --fy 2567 --csv --csv", "--csv is given twice" },
		{ "-d D --fy 2567 extra", "unexpected argument \"extra\"" },
		{ "-d D --fy 2567 --bogus",
		  "\"--bogus\" is not an option of gm-report (or is short for more than one, or "
		  "takes no value)" },
		{ "-d D --fy 2567 --csv=1",
		  "\"--csv=1\" is not an option of gm-report (or is short for more than one, or "
		  "takes no value)" },
		{ "-d D --fy 2567 -x", "-x is not an option of gm-report" },
		{ "-d D --fy", "--fy needs a value" },
	};
	struct report_cmd c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].line, &c) != GM_EINVAL)
			fail_msg("%s: taken, expected \"%s\"", cases[i].line, cases[i].msg);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("%s:\n  said     \"%s\"\n  expected \"%s\"", cases[i].line, err,
			    cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_month),
		cmocka_unit_test(test_green_month),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_fy_range),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
