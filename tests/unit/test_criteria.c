/*
 * test_criteria.c - a Green Office criteria edition, a unit's checklist and
 * the self-evaluation (dashboards/green/criteria.c, dashboards/green/checklist.c).
 *
 * Most cases use TWO, a small edition with two categories:
 *   category 1, weight 40: 1.1.1 1.1.2 1.1.3 1.1.4, 1 point each, so each
 *     point is worth 40 / 4 = 10 % of the total;
 *   category 2, weight 60: 2.1.1 (2 points), 2.1.2 (meter electricity, 1),
 *     2.1.3 (1): 4 points, each worth 60 / 4 = 15 %.
 * Every expected total is worked out by hand beside it. Tests run from the
 * repository's root (tests/run.sh), where the shipped edition is.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "criteria.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define SENATE "dashboards/org/senate"
#define N NAN   /* a checklist score left out */

/* org.c's resource names and "paper", as messages list them */
#define RESOURCES "paper, electricity, water, paper_printed, paper_reams, fuel, waste"

static const char TWO[] =
    "[criteria]\n"
    "edition = test\n"
    "th = เกณฑ์ทดสอบ\n"
    "en = Test criteria\n"
    "\n"
    "[category 1]\n"
    "th = นโยบาย\n"
    "en = Policy\n"
    "weight = 40\n"
    "\n"
    "[category 2]\n"
    "en = Resources\n"
    "weight = 60      ; inline comments are allowed\n"
    "\n"
    "[indicator 1.1.1]\n"
    "en = Policy signed\n"
    "[indicator 1.1.2]\n"
    "en = Team appointed\n"
    "[indicator 1.1.3]\n"
    "en = Issues listed\n"
    "[indicator 1.1.4]\n"
    "en = Laws listed\n"
    "[indicator 2.1.1]\n"
    "en = Measures\n"
    "points = 2\n"
    "[indicator 2.1.2]\n"
    "en = Electricity per person against the target\n"
    "source = meter electricity\n"
    "[indicator 2.1.3]\n"
    "en = Staff follow the measures\n"
    "source = checklist\n";

/* TWO's checklist indicators, in order, for scores[] below */
static const char *const CHECKED[6] = { "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2.1.1", "2.1.3" };
#define METER_IND 5   /* 2.1.2's index in crit.ind */

static const double bands[3] = { 90, 80, 60 };

/* large: kept out of the stack */
static struct criteria crit;
static struct checklist cl;
static struct self_eval ev;

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	return tmpdir_make("criteria");
}

static void show_reports(void)
{
	for (int i = 0; i < reports.n && i < TEXTLOG_MAX; i++)
		print_message("  report %d: %s\n", i, reports.msg[i]);
}

static int load_edition(const char *name, const char *text)
{
	reports.n = 0;
	return criteria_load(fixture(name, text), &crit, collect, NULL);
}

static void load_two(void)
{
	if (load_edition("two.ini", TWO) != 0) {
		show_reports();
		fail_msg("TWO has mistakes");
	}
}

static int load_checklist(const char *name, const char *text)
{
	reports.n = 0;
	return checklist_load(fixture(name, text), &crit, &cl, collect, NULL);
}

/* The meter items that make k of the four. */
static struct meter_items items_k(int k)
{
	struct meter_items m = { 0 };

	m.every_month = k >= 1;
	m.per_unit = k >= 2;
	m.target_set = k >= 3;
	m.target_met = k >= 4;
	m.cause_given = k >= 3;   /* k 3: missed, explained: item 4 without item 3 */
	return m;
}

/* Write a checklist of TWO with these scores (N: left out), load it and
 * evaluate with k meter items. */
static void evaluate(const double scores[6], int k, const double b[3])
{
	static struct meter_items items[CRIT_MAX_INDICATORS];
	char text[1024];
	size_t n = 0;

	for (int i = 0; i < 6; i++)
		if (!isnan(scores[i]))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "[%s]\nscore = %g\n",
			    CHECKED[i], scores[i]);
	text[n] = '\0';
	if (load_checklist("unit.ini", text) != 0) {
		show_reports();
		fail_msg("checklist has mistakes:\n%s", text);
	}
	memset(items, 0, sizeof(items));
	items[METER_IND] = items_k(k);
	checklist_self_evaluate(&crit, &cl, items, b, &ev);
}

static void expect_total(double want, enum grade g, const char *what)
{
	if (fabs(ev.total - want) > 1e-9 || ev.grade != g)
		fail_msg("%s: total %.12g grade %s, want %.12g %s", what, ev.total,
		    kpi_grade_name(ev.grade, 0), want, kpi_grade_name(g, 0));
}

/* The ready list as codes, "2.1.1 1.1.3". */
static const char *ready_codes(void)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < ev.nready; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
		    crit.ind[ev.ready[i]].code);
	return buf;
}

/* ---- the edition ----------------------------------------------------- */

static void test_edition(void **state)
{
	(void)state;
	load_two();
	assert_string_equal(crit.edition, "test");
	assert_string_equal(crit.th, "เกณฑ์ทดสอบ");
	assert_int_equal(crit.ncat, 2);
	assert_int_equal(crit.cat[0].number, 1);
	assert_string_equal(crit.cat[0].th, "นโยบาย");
	assert_true(crit.cat[0].weight == 40);
	assert_true(crit.cat[1].weight == 60);   /* the inline comment is not the value */
	assert_int_equal(crit.nind, 7);
	assert_string_equal(crit.ind[0].code, "1.1.1");
	assert_int_equal(crit.ind[0].category, 0);
	assert_true(crit.ind[0].points == 1);     /* the default */
	assert_int_equal(crit.ind[0].source, SRC_CHECKLIST);
	assert_true(crit.ind[4].points == 2);
	assert_int_equal(crit.ind[4].category, 1);
	assert_string_equal(crit.ind[METER_IND].code, "2.1.2");
	assert_int_equal(crit.ind[METER_IND].source, SRC_METER);
	assert_int_equal(crit.ind[METER_IND].res, RES_ELECTRICITY);
	assert_int_equal(crit.ind[6].source, SRC_CHECKLIST);
	assert_int_equal(criteria_find(&crit, "2.1.3"), 6);
	assert_int_equal(criteria_find(&crit, "2.1"), -1);
}

/* "meter paper" is the organisation's basis, stored as reams (criteria.h). */
static void test_paper_source(void **state)
{
	enum resource r;

	(void)state;
	assert_int_equal(load_edition("paper.ini",
	    "[criteria]\nedition = p\n[category 3]\nweight = 100\n"
	    "[indicator 3.3.2]\nsource = meter paper\n"
	    "[indicator 3.3.9]\nsource = meter paper_printed\n"), 0);
	assert_int_equal(crit.ind[0].res, RES_PAPER_REAMS);
	assert_int_equal(crit.ind[1].res, RES_PAPER_PRINTED);
	/* either paper resource finds the first paper indicator */
	assert_ptr_equal(criteria_meter_indicator(&crit, RES_PAPER_PRINTED), &crit.ind[0]);
	assert_ptr_equal(criteria_meter_indicator(&crit, RES_PAPER_REAMS), &crit.ind[0]);
	assert_null(criteria_meter_indicator(&crit, RES_WATER));
	assert_false(crit.ind[0].total);   /* per unit unless the edition says total */
	/* measure: per_unit or total, nothing else */
	assert_int_equal(load_edition("measure.ini",
	    "[criteria]\nedition = p\n[category 3]\nweight = 100\n"
	    "[indicator 3.1.2]\nsource = meter water\nmeasure = total\n"
	    "[indicator 3.2.2]\nsource = meter electricity\nmeasure = per_unit\n"), 0);
	assert_true(crit.ind[0].total);
	assert_false(crit.ind[1].total);
	assert_int_equal(load_edition("measure-bad.ini",
	    "[criteria]\nedition = p\n[category 3]\nweight = 100\n"
	    "[indicator 3.1.2]\nsource = meter water\nmeasure = per person\n"), 1);
	expect_reports((const char *const[]){ "measure-bad.ini:7: measure = \"per person\": "
	    "expected per_unit or total" }, 1);
	assert_int_equal(criteria_resource("paper", &r), 0);
	assert_int_equal(r, RES_PAPER_REAMS);
	assert_int_equal(criteria_resource("waste", &r), 0);
	assert_int_equal(r, RES_WASTE);
	assert_int_equal(criteria_resource("gas", &r), -1);
}

static void test_edition_mistakes(void **state)
{
	static const char *const want[] = {
		"bad.ini:3: unknown key \"colour\" in [criteria]",
		"bad.ini:11: [category 1] is given twice (first at line 5)",
		"bad.ini:15: points = \"0\": must be above 0",
		"bad.ini:16: [indicator 1.1.1] is given twice (first at line 13)",
		"bad.ini:19: source = \"meter gas\": expected checklist, or meter and one of "
		    RESOURCES,
		"bad.ini:20: unknown key \"pionts\" in [indicator 2.1.1]",
		"bad.ini:23: [indicator 1.1.x]: a code is numbers joined by dots, as 3.2.2 "
		    "(at most 15 characters)",
		"bad.ini:25: [indicator 1.2.1] has no keys",
		"bad.ini:27: points = \"two\": expected a number from 0 to 1000",
		"bad.ini:28: unknown section [section] (expected [criteria], [category <n>] "
		    "or [indicator <code>])",
		/* what only the whole file tells, at the lines concerned */
		"bad.ini:5: the category weights sum to 95, not 100",   /* 25 + 70 + 0 */
		"bad.ini:21: indicator 7.1.1: there is no [category 7]",
		"bad.ini:9: [category 3] has no indicators",
	};

	(void)state;
	assert_int_equal(load_edition("bad.ini",
	    "[criteria]\n"            /* 1 */
	    "edition = bad\n"         /* 2 */
	    "colour = green\n"        /* 3 */
	    "\n"                      /* 4 */
	    "[category 1]\n"          /* 5 */
	    "weight = 25\n"           /* 6 */
	    "[category 2]\n"          /* 7 */
	    "weight = 70\n"           /* 8 */
	    "[category 3]\n"          /* 9 */
	    "weight = 0\n"            /* 10 */
	    "[category 1]\n"          /* 11 */
	    "weight = 5\n"            /* 12: ignored, not counted in the sum */
	    "[indicator 1.1.1]\n"     /* 13 */
	    "en = x\n"                /* 14 */
	    "points = 0\n"            /* 15 */
	    "[indicator 1.1.1]\n"     /* 16 */
	    "en = y\n"                /* 17 */
	    "[indicator 2.1.1]\n"     /* 18 */
	    "source = meter gas\n"    /* 19 */
	    "pionts = 2\n"            /* 20 */
	    "[indicator 7.1.1]\n"     /* 21 */
	    "en = z\n"                /* 22 */
	    "[indicator 1.1.x]\n"     /* 23 */
	    "en = w\n"                /* 24 */
	    "[indicator 1.2.1]\n"     /* 25: no keys */
	    "[indicator 1.2.2]\n"     /* 26 */
	    "points = two\n"          /* 27 */
	    "[section]\n"             /* 28 */
	    "key = 1\n"),             /* 29 */
	    (int)NCASES(want));
	expect_reports(want, NCASES(want));
	/* accepted whole or not at all */
	assert_int_equal(crit.ncat, 0);
	assert_int_equal(crit.nind, 0);
}

static void test_edition_missing_parts(void **state)
{
	static const char *const want[] = {
		"missing.ini:1: \"orphan\" is outside any [section]",
		"missing.ini:8: [category x]: a category is a number from 1 to 99",
		"missing.ini:10: [category 0]: a category is a number from 1 to 99",
		"missing.ini: [criteria] edition is required",
		"missing.ini:2: [category 1]: weight is required",
		"missing.ini:2: [category 1] has no indicators",
	};
	static const char *const empty[] = {
		"empty.ini: [criteria] edition is required",
		"empty.ini: no [category <n>] sections",
	};
	static const char *const none[] = {
		"nosuch.ini: cannot open: No such file or directory",
	};
	char path[256];

	(void)state;
	assert_int_equal(load_edition("missing.ini",
	    "orphan = 1\n"            /* 1 */
	    "[category 1]\n"          /* 2 */
	    "en = Policy\n"           /* 3 */
	    "[category 2]\n"          /* 4 */
	    "weight = 100\n"          /* 5: the sum is not checked while 1 lacks one */
	    "[indicator 2.1.1]\n"     /* 6 */
	    "en = x\n"                /* 7 */
	    "[category x]\n"          /* 8 */
	    "weight = 1\n"            /* 9 */
	    "[category 0]\n"          /* 10 */
	    "weight = 1\n"),          /* 11 */
	    (int)NCASES(want));
	expect_reports(want, NCASES(want));

	assert_int_equal(load_edition("empty.ini", "; nothing here\n"), 2);
	expect_reports(empty, NCASES(empty));

	/* an unreadable file is one mistake, not one per missing part */
	reports.n = 0;
	snprintf(path, sizeof(path), "%s/nosuch.ini", tmpdir);
	assert_int_equal(criteria_load(path, &crit, collect, NULL), 1);
	expect_reports(none, NCASES(none));
}

/* ---- the checklist --------------------------------------------------- */

static void test_checklist(void **state)
{
	(void)state;
	load_two();
	assert_int_equal(load_checklist("unit.ini",
	    "; a unit's checklist\n"
	    "[1.1.1]\n"
	    "score = 1\n"
	    "evidence = GO-2570/1-1-1 policy signed.pdf\n"
	    "note = signed by the director, 3 Nov 2026\n"
	    "[1.1.2]\n"
	    "evidence = draft only\n"                /* no score: not filled */
	    "[2.1.2]\n"
	    "note = see the meter report\n"          /* a meter indicator: no score */
	    "[2.1.1]\n"
	    "score = 1.5\n"
	    "[cause electricity]\n"
	    "text = new server room in March\n"
	    "plan = move servers to the data centre by June\n"
	    "[cause paper]\n"
	    "text = the budget bill was printed twice\n"), 0);
	assert_true(cl.found);
	assert_int_equal(cl.n, 4);
	assert_string_equal(cl.e[0].code, "1.1.1");
	assert_true(cl.e[0].score == 1);
	assert_string_equal(cl.e[0].evidence, "GO-2570/1-1-1 policy signed.pdf");
	assert_string_equal(cl.e[0].note, "signed by the director, 3 Nov 2026");
	assert_true(isnan(cl.e[1].score));
	assert_string_equal(cl.e[2].note, "see the meter report");
	assert_true(cl.e[3].score == 1.5);
	assert_string_equal(cl.cause[RES_ELECTRICITY].text, "new server room in March");
	assert_string_equal(cl.cause[RES_ELECTRICITY].plan,
	    "move servers to the data centre by June");
	/* [cause paper] is found whichever paper figure the basis names */
	assert_string_equal(cl.cause[RES_PAPER_REAMS].text, "the budget bill was printed twice");
	assert_string_equal(cl.cause[RES_PAPER_PRINTED].text, "the budget bill was printed twice");
	assert_string_equal(cl.cause[RES_WATER].text, "");

	checklist_self_evaluate(&crit, &cl, NULL, bands, &ev);
	assert_ptr_equal(ev.ind[0].check, &cl.e[0]);
	assert_true(ev.ind[0].score == 1);
	assert_ptr_equal(ev.ind[1].check, &cl.e[1]);
	assert_true(ev.ind[1].score == 0);         /* not filled counts 0 */
	assert_null(ev.ind[2].check);              /* not in the checklist */
	assert_null(ev.ind[METER_IND].check);      /* scored from the meter */
	assert_true(ev.ind[METER_IND].score == 0); /* items NULL: none met */
	/* 40 * 1 / 4 = 10; 60 * 1.5 / 4 = 22.5 */
	expect_total(32.5, GRADE_NONE, "checklist");
}

static void test_checklist_missing(void **state)
{
	char path[256];

	(void)state;
	load_two();
	reports.n = 0;
	snprintf(path, sizeof(path), "%s/2570/nosuch.ini", tmpdir);
	memset(&cl, 0xA5, sizeof(cl));
	assert_int_equal(checklist_load(path, &crit, &cl, collect, NULL), 0);
	assert_int_equal(reports.n, 0);
	assert_false(cl.found);
	assert_int_equal(cl.n, 0);
	assert_string_equal(cl.cause[RES_ELECTRICITY].text, "");
}

static void test_checklist_mistakes(void **state)
{
	static const char *const want[] = {
		"unit.ini:2: score = \"2\": expected a number from 0 to 1",
		"unit.ini:4: score = \"-1\": expected a number from 0 to 1",
		"unit.ini:5: indicator 9.9.9 is not in criteria edition test",
		"unit.ini:8: score = \"1\": indicator 2.1.2 is scored from the meter data",
		"unit.ini:10: [1.1.1] is given twice (first at line 1)",
		"unit.ini:13: unknown key \"scor\" in [1.1.3]",
		"unit.ini:14: [cause gas]: expected one of " RESOURCES,
		"unit.ini:18: [cause electricity] is given twice (first at line 16)",
		"unit.ini:22: unknown key \"colour\" in [cause water]",
		"unit.ini:24: score = \"abc\": expected a number from 0 to 2",
		"unit.ini:27: [cause paper_printed]: a cause for paper_printed is given twice "
		    "(first at line 25)",
		"unit.ini:29: bad section [a b c]",
		"unit.ini:16: [cause electricity]: text is required",
	};

	(void)state;
	load_two();
	assert_int_equal(load_checklist("unit.ini",
	    "[1.1.1]\n"                   /* 1 */
	    "score = 2\n"                 /* 2: 1.1.1 has 1 point */
	    "[1.1.2]\n"                   /* 3 */
	    "score = -1\n"                /* 4 */
	    "[9.9.9]\n"                   /* 5 */
	    "score = 1\n"                 /* 6 */
	    "[2.1.2]\n"                   /* 7 */
	    "score = 1\n"                 /* 8 */
	    "evidence = meter report\n"   /* 9: evidence is welcome */
	    "[1.1.1]\n"                   /* 10 */
	    "score = 1\n"                 /* 11 */
	    "[1.1.3]\n"                   /* 12 */
	    "scor = 1\n"                  /* 13 */
	    "[cause gas]\n"               /* 14 */
	    "text = x\n"                  /* 15 */
	    "[cause electricity]\n"       /* 16: a plan without a cause */
	    "plan = fix it\n"             /* 17 */
	    "[cause electricity]\n"       /* 18 */
	    "text = y\n"                  /* 19 */
	    "[cause water]\n"             /* 20 */
	    "text = leak\n"               /* 21 */
	    "colour = blue\n"             /* 22 */
	    "[2.1.1]\n"                   /* 23 */
	    "score = abc\n"               /* 24 */
	    "[cause paper]\n"             /* 25: both paper figures */
	    "text = budget bill\n"        /* 26 */
	    "[cause paper_printed]\n"     /* 27 */
	    "text = again\n"              /* 28 */
	    "[a b c]\n"                   /* 29 */
	    "x = 1\n"),                   /* 30 */
	    (int)NCASES(want));
	expect_reports(want, NCASES(want));
	/* accepted whole or not at all; the file was there */
	assert_true(cl.found);
	assert_int_equal(cl.n, 0);
	assert_string_equal(cl.cause[RES_WATER].text, "");
}

/* ---- the self-evaluation --------------------------------------------- */

static void test_meter_items(void **state)
{
	static const struct {
		bool month, per, set, met, cause;
		int want;
	} cases[] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 0, 0, 0, 1 },   /* (1) every month */
		{ 0, 1, 0, 0, 0, 1 },   /* (2) per person */
		{ 0, 0, 1, 1, 0, 1 },   /* (3) met, but why not said: not (4) */
		{ 0, 0, 1, 1, 1, 2 },   /* (3) met, and why: (4) */
		{ 0, 0, 1, 0, 1, 1 },   /* missed, explained: (4) */
		{ 0, 0, 1, 0, 0, 0 },   /* missed, unexplained */
		{ 0, 0, 0, 1, 0, 0 },   /* "met" without a target: nothing to meet */
		{ 0, 0, 0, 0, 1, 1 },   /* no target, a cause given: (4) */
		{ 1, 1, 1, 0, 1, 3 },
		{ 1, 1, 1, 1, 0, 3 },   /* all but the cause of meeting it */
		{ 1, 1, 1, 1, 1, 4 },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct meter_items m = {
			.every_month = cases[i].month, .per_unit = cases[i].per,
			.target_set = cases[i].set, .target_met = cases[i].met,
			.cause_given = cases[i].cause,
		};

		if (checklist_meter_items_met(&m) != cases[i].want)
			fail_msg("case %zu: %d items, want %d", i, checklist_meter_items_met(&m),
			    cases[i].want);
	}
}

/* The totals that land exactly on a band's bound grade into it; a hair
 * below does not. */
static void test_totals_on_the_bounds(void **state)
{
	static const struct {
		double scores[6];   /* 1.1.1 1.1.2 1.1.3 1.1.4 2.1.1 2.1.3 */
		double total;
		enum grade grade;
	} cases[] = {
		{ { 1, 1, 1, 1, 2, 1 }, 100, GRADE_GOLD },      /* 40 + 60 */
		{ { 1, 1, 1, N, 2, 1 }, 90, GRADE_GOLD },       /* 40 * 3 / 4 = 30, + 60 */
		{ { 1, 1, 1, N, 2, 0.99 }, 89.85, GRADE_SILVER }, /* 30 + 60 * 3.99 / 4 */
		{ { 1, 1, N, N, 2, 1 }, 80, GRADE_SILVER },     /* 20 + 60 */
		{ { 1, 1, N, N, 2, 0.99 }, 79.85, GRADE_BRONZE }, /* 20 + 59.85 */
		{ { N, N, N, N, 2, 1 }, 60, GRADE_BRONZE },     /* 0 + 60 */
		{ { N, N, N, N, 2, 0.99 }, 59.85, GRADE_NONE },
		{ { 1, 0.5, 0, 1, 1, 1 }, 70, GRADE_BRONZE },   /* 40 * 2.5 / 4 = 25, and with the
		                                                    meter's 1: 60 * 3 / 4 = 45 */
	};

	(void)state;
	load_two();
	for (size_t i = 0; i < NCASES(cases); i++) {
		char what[32];

		evaluate(cases[i].scores, 4, bands);
		snprintf(what, sizeof(what), "case %zu", i);
		expect_total(cases[i].total, cases[i].grade, what);
	}
	/* the bounds are met exactly, not merely within a rounding */
	evaluate(cases[1].scores, 4, bands);
	assert_true(ev.total == 90);
	assert_true(ev.cat_pct[0] == 30);
	assert_true(ev.cat_pct[1] == 60);
	evaluate(cases[3].scores, 4, bands);
	assert_true(ev.total == 80);
	evaluate(cases[5].scores, 4, bands);
	assert_true(ev.total == 60);
}

/* A meter indicator scores points * items / 4: with the rest full,
 * total = 40 + 60 * (3 + k / 4) / 4 = 85 + 3.75 k. */
static void test_meter_indicator(void **state)
{
	static const double full[6] = { 1, 1, 1, 1, 2, 1 };
	static const struct {
		int k;
		double score, total;
		enum grade grade;
	} cases[] = {
		{ 0, 0, 85, GRADE_SILVER },
		{ 1, 0.25, 88.75, GRADE_SILVER },
		{ 2, 0.5, 92.5, GRADE_GOLD },
		{ 3, 0.75, 96.25, GRADE_GOLD },
		{ 4, 1, 100, GRADE_GOLD },
	};

	(void)state;
	load_two();
	for (size_t i = 0; i < NCASES(cases); i++) {
		char what[32];

		evaluate(full, cases[i].k, bands);
		snprintf(what, sizeof(what), "%d items", cases[i].k);
		assert_int_equal(ev.ind[METER_IND].items_met, cases[i].k);
		assert_true(ev.ind[METER_IND].score == cases[i].score);
		assert_true(ev.ind[METER_IND].points == 1);
		expect_total(cases[i].total, cases[i].grade, what);
		assert_true(ev.total == cases[i].total);   /* quarters are exact */
	}
}

static void test_readiness(void **state)
{
	static const double at_80[6] = { 1, 1, N, N, 2, 1 };
	static const double at_60[6] = { N, N, N, N, 2, 1 };
	static const double mixed[6] = { 1, 0.5, 0, 1, 1, 1 };
	static const double at_90[6] = { 1, 1, 1, N, 2, 1 };
	static const double unreachable[3] = { 101, 80, 60 };

	(void)state;
	load_two();

	/* 80, silver: gold needs 10. 1.1.3 and 1.1.4 would add 10 each; equal
	 * gains keep the edition's order, and the first is enough. */
	evaluate(at_80, 4, bands);
	assert_true(ev.gain_needed == 10);
	assert_string_equal(ready_codes(), "1.1.3");

	/* 60, bronze: silver needs 20 = two of category 1's 10s. */
	evaluate(at_60, 4, bands);
	assert_true(ev.gain_needed == 20);
	assert_string_equal(ready_codes(), "1.1.1 1.1.2");

	/* 1.1.2 at 0.5, 1.1.3 at 0, 2.1.1 at 1 of 2, the meter at 2 of 4 items:
	 * 40 * 2.5 / 4 = 25 and 60 * 2.5 / 4 = 37.5, total 62.5, bronze; silver
	 * needs 17.5. Gains: 2.1.1 60 * 1 / 4 = 15, 1.1.3 40 * 1 / 4 = 10,
	 * 2.1.2 60 * 0.5 / 4 = 7.5, 1.1.2 40 * 0.5 / 4 = 5. 15 < 17.5 <= 25. */
	evaluate(mixed, 2, bands);
	expect_total(62.5, GRADE_BRONZE, "mixed");
	assert_true(ev.gain_needed == 17.5);
	assert_string_equal(ready_codes(), "2.1.1 1.1.3");

	/* gold: nothing needed */
	evaluate(at_90, 4, bands);
	assert_true(ev.gain_needed == 0);
	assert_int_equal(ev.nready, 0);

	/* a gold bound above 100: 90 needs 11, only 10 is left to gain, so the
	 * list holds every indicator short of full points */
	evaluate(at_90, 4, unreachable);
	expect_total(90, GRADE_SILVER, "unreachable");
	assert_true(ev.answered > 0);   /* a unit that scored itself */
	assert_true(ev.gain_needed == 11);
	assert_string_equal(ready_codes(), "1.1.4");

	/* no checklist and no meter data: 0, 60 needed; 2.1.1 adds 30, 2.1.2
	 * and 2.1.3 15 each */
	checklist_self_evaluate(&crit, NULL, NULL, bands, &ev);
	expect_total(0, GRADE_NONE, "nothing");
	assert_int_equal(ev.answered, 0);   /* not assessed yet, rather than not certified */
	assert_true(ev.gain_needed == 60);
	assert_string_equal(ready_codes(), "2.1.1 2.1.2 2.1.3");
}

/* An edition of n categories, category k with count[k] indicators of 1
 * point and weight[k], and a checklist scoring the first got[k] of them 1;
 * loaded, and evaluated without meter data. */
static void evaluate_counts(int n, const int *weight, const int *count, const int *got)
{
	static char edition[8192], checklist[4096];
	size_t ne = 0, nc = 0;

	ne += (size_t)snprintf(edition + ne, sizeof(edition) - ne, "[criteria]\nedition = t\n");
	for (int k = 0; k < n; k++) {
		ne += (size_t)snprintf(edition + ne, sizeof(edition) - ne,
		    "[category %d]\nweight = %d\n", k + 1, weight[k]);
		for (int i = 0; i < count[k]; i++) {
			ne += (size_t)snprintf(edition + ne, sizeof(edition) - ne,
			    "[indicator %d.1.%d]\nen = x\n", k + 1, i + 1);
			if (i < got[k])
				nc += (size_t)snprintf(checklist + nc, sizeof(checklist) - nc,
				    "[%d.1.%d]\nscore = 1\n", k + 1, i + 1);
		}
	}
	assert_int_equal(load_edition("counts.ini", edition), 0);
	assert_int_equal(load_checklist("counts-unit.ini", checklist), 0);
	checklist_self_evaluate(&crit, &cl, NULL, bands, &ev);
}

/* A category multiplies before it divides: 90 * 7 / 10 = 630 / 10 = 63
 * exactly, where 7 / 10 * 90 would give 62.99999999999999. */
static void test_category_exact(void **state)
{
	static const int weight[2] = { 90, 10 }, count[2] = { 10, 1 }, got[2] = { 7, 1 };

	(void)state;
	evaluate_counts(2, weight, count, got);
	assert_true(ev.cat_pct[0] == 63);
	assert_true(ev.cat_pct[1] == 10);
	assert_true(ev.total == 73);
	assert_int_equal(ev.grade, GRADE_BRONZE);
}

/* 5 * 1 / 3 + 60 * 7 / 9 + 35 * 1 / 3 = 5/3 + 140/3 + 35/3 = 180/3 = 60
 * exactly; in doubles the three terms add up to 59.99999999999999. The
 * total is rounded (checklist.c, ARITHMETIC), so it grades bronze. */
static void test_thirds(void **state)
{
	static const int weight[3] = { 5, 60, 35 }, count[3] = { 3, 9, 3 }, got[3] = { 1, 7, 1 };

	(void)state;
	evaluate_counts(3, weight, count, got);
	/* the plain sum really is short of 60 */
	assert_true(ev.cat_pct[0] + ev.cat_pct[1] + ev.cat_pct[2] < 60);
	assert_true(ev.total == 60);
	assert_int_equal(ev.grade, GRADE_BRONZE);
}

/* ---- the shipped files ------------------------------------------------ */

static void test_shipped_edition(void **state)
{
	static const struct {
		const char *code;
		enum resource res;
	} meters[] = {
		{ "3.1.2", RES_WATER },
		{ "3.2.2", RES_ELECTRICITY },
		{ "3.2.5", RES_FUEL },
		{ "3.3.2", RES_PAPER_REAMS },   /* "meter paper": the org's basis */
	};
	static const double weights[6] = { 25, 15, 15, 15, 15, 15 };
	int nmeter = 0, i;

	(void)state;
	reports.n = 0;
	if (criteria_load(SENATE "/criteria-2567.ini", &crit, collect, NULL) != 0) {
		show_reports();
		fail_msg("criteria-2567.ini has mistakes");
	}
	assert_false(crit.official);   /* a reconstruction, and labelled so */
	assert_string_equal(crit.edition, "2567");
	assert_int_equal(crit.ncat, 6);
	for (int k = 0; k < 6; k++) {
		assert_int_equal(crit.cat[k].number, k + 1);
		assert_true(crit.cat[k].weight == weights[k]);
		assert_true(crit.cat[k].th[0] != '\0' && crit.cat[k].en[0] != '\0');
	}
	assert_string_equal(crit.cat[0].th,
	    "การกำหนดนโยบาย การวางแผนการดำเนินงานและการปรับปรุงอย่างต่อเนื่อง");
	for (i = 0; i < crit.nind; i++) {
		assert_true(crit.ind[i].th[0] != '\0' && crit.ind[i].en[0] != '\0');
		nmeter += crit.ind[i].source == SRC_METER;
	}
	assert_int_equal(nmeter, 4);
	for (size_t m = 0; m < NCASES(meters); m++) {
		i = criteria_find(&crit, meters[m].code);
		assert_true(i >= 0);
		assert_int_equal(crit.ind[i].source, SRC_METER);
		assert_int_equal(crit.ind[i].res, meters[m].res);
	}
	/* greenhouse-gas data is evidence staff attach */
	i = criteria_find(&crit, "1.5.1");
	assert_true(i >= 0);
	assert_int_equal(crit.ind[i].source, SRC_CHECKLIST);
}

static void test_shipped_checklist(void **state)
{
	(void)state;
	reports.n = 0;
	assert_int_equal(criteria_load(SENATE "/criteria-2567.ini", &crit, collect, NULL), 0);
	if (checklist_load(SENATE "/checklists/2570/foreign-affairs.ini", &crit, &cl, collect,
	    NULL) != 0) {
		show_reports();
		fail_msg("foreign-affairs.ini has mistakes");
	}
	assert_true(cl.found);
	assert_true(cl.n > 0);
	assert_true(cl.cause[RES_ELECTRICITY].text[0] != '\0');
	checklist_self_evaluate(&crit, &cl, NULL, bands, &ev);
	assert_true(ev.total > 0 && ev.total <= 100);
}

/* TWO with keys added to its [criteria] section. */
static const char *two_with(const char *keys)
{
	static char text[sizeof(TWO) + 512];

	snprintf(text, sizeof(text), "[criteria]\n%s%s", keys, TWO + strlen("[criteria]\n"));
	return text;
}

/* Whether the edition is the official text: a reconstruction unless it
 * says official, and official only with its source. */
static void test_status(void **state)
{
	(void)state;
	assert_int_equal(load_edition("plain.ini", TWO), 0);
	assert_false(crit.official);
	assert_int_equal(load_edition("recon.ini", two_with("status = reconstruction\n")), 0);
	assert_false(crit.official);
	assert_int_equal(load_edition("official.ini", two_with("status = official\n"
	    "source = DCCE, Green Office criteria 2567 (PDF)\n")), 0);
	assert_true(crit.official);
	assert_string_equal(crit.source, "DCCE, Green Office criteria 2567 (PDF)");
	/* official without its source, and a status of another word: mistakes */
	assert_int_equal(load_edition("nosource.ini", two_with("status = official\n")), 1);
	assert_non_null(strstr(reports.msg[0], "needs its source"));
	assert_int_equal(load_edition("other.ini", two_with("status = draft\n")), 1);
	assert_non_null(strstr(reports.msg[0], "\"draft\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edition, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_paper_source, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_edition_mistakes, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_edition_missing_parts, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_checklist, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_checklist_missing, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_checklist_mistakes, setup, tmpdir_teardown),
		cmocka_unit_test(test_meter_items),
		cmocka_unit_test_setup_teardown(test_totals_on_the_bounds, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_meter_indicator, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_readiness, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_category_exact, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_thirds, setup, tmpdir_teardown),
		cmocka_unit_test(test_shipped_edition),
		cmocka_unit_test(test_shipped_checklist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
