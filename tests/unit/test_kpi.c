/*
 * test_kpi.c - the paper-reduction percentage, its level 1-5 and the Green
 * Office grade (dashboards/green/kpi.c). Every expected figure is worked by hand
 * in the comment beside it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kpi.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* got == want within 1e-9, or both NAN; prints the case on a miss. */
static void expect_near(double got, double want, const char *what, double x)
{
	if (isnan(want) ? isnan(got) : fabs(got - want) <= 1e-9)
		return;
	fail_msg("%s(%g) = %.12g, want %.12g", what, x, got, want);
}

static void test_reduction_pct(void **state)
{
	static const struct {
		double baseline, current, want;
	} cases[] = {
		{ 1200, 1050, 12.5 },      /* (1200 - 1050) / 1200 = 150 / 1200 = 0.125 */
		{ 1000, 1584.7, -58.47 },  /* iPads round: -584.7 / 1000 = -0.5847, a rise */
		{ 1000, 1000, 0 },         /* the same use: no reduction */
		{ 1000, 0, 100 },          /* no paper at all */
		{ 500, 450, 10 },          /* 50 / 500 = 0.1 */
		{ 0, 10, NAN },            /* a reduction from nothing is not a number */
		{ 0, 0, NAN },
		{ -5, 10, NAN },           /* a negative baseline is a data fault */
		{ NAN, 10, NAN },          /* baseline unknown */
		{ 1000, NAN, NAN },        /* current unknown */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++)
		expect_near(kpi_reduction_pct(cases[i].baseline, cases[i].current), cases[i].want,
		    "reduction_pct", cases[i].baseline);
	/* the exact cases are exact, not merely near */
	assert_true(kpi_reduction_pct(1200, 1050) == 12.5);
}

static void test_kpi_level(void **state)
{
	static const double t[5] = { 0, 2.5, 5, 7.5, 10 };   /* levels 1..5 */
	static const struct {
		double x, want;
	} cases[] = {
		{ 6.25, 3.5 },    /* half way from t[2] = 5 (3) to t[3] = 7.5 (4) */
		{ 10, 5 },        /* t[4] itself */
		{ 12, 5 },        /* above the top: 5, no more */
		{ -1, 0 },        /* below t[0]: `below` */
		{ 0, 1 },         /* t[0] itself: level 1 */
		{ 2.5, 2 },       /* t[1] itself: level 2 */
		{ 1, 1.4 },       /* 1 + 1 / 2.5 */
		{ 9.9, 4.96 },    /* 4 + 2.4 / 2.5 = 4 + 0.96 */
		{ -58.47, 0 },    /* the iPad round's rise */
		{ NAN, NAN },     /* nothing to judge */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++)
		expect_near(kpi_level(t, 0, cases[i].x), cases[i].want, "kpi_level", cases[i].x);
	/* `below` is the caller's: e.g. 1 where missing level 1 still scores 1 */
	expect_near(kpi_level(t, 1, -1), 1, "kpi_level below=1", -1);
}

/* Thresholds need not be evenly spaced, and two may be equal. */
static void test_kpi_level_uneven(void **state)
{
	static const double t[5] = { 5, 10, 10, 20, 40 };

	(void)state;
	expect_near(kpi_level(t, 0, 7.5), 1.5, "kpi_level", 7.5);    /* 1 + 2.5 / 5 */
	expect_near(kpi_level(t, 0, 10), 3, "kpi_level", 10);        /* t[1] = t[2]: the higher */
	expect_near(kpi_level(t, 0, 15), 3.5, "kpi_level", 15);      /* 3 + 5 / 10 */
	expect_near(kpi_level(t, 0, 30), 4.5, "kpi_level", 30);      /* 4 + 10 / 20 */
}

static void test_grade_of(void **state)
{
	static const double bands[3] = { 90, 80, 60 };
	static const struct {
		double pct;
		enum grade want;
	} cases[] = {
		{ 59.99, GRADE_NONE },
		{ 60, GRADE_BRONZE },      /* bands are half-open: [60, 80) */
		{ 79.99, GRADE_BRONZE },
		{ 80, GRADE_SILVER },
		{ 89.5, GRADE_SILVER },    /* not rounded up to 90 */
		{ 89.99, GRADE_SILVER },
		{ 90, GRADE_GOLD },
		{ 100, GRADE_GOLD },
		{ 0, GRADE_NONE },
		{ NAN, GRADE_NONE },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++)
		if (kpi_grade_of(bands, cases[i].pct) != cases[i].want)
			fail_msg("kpi_grade_of(%g) = %d, want %d", cases[i].pct,
			    kpi_grade_of(bands, cases[i].pct), cases[i].want);
}

static void test_grade_next_bound(void **state)
{
	static const double bands[3] = { 90, 80, 60 };

	(void)state;
	assert_true(kpi_grade_next_bound(bands, GRADE_NONE) == 60);
	assert_true(kpi_grade_next_bound(bands, GRADE_BRONZE) == 80);
	assert_true(kpi_grade_next_bound(bands, GRADE_SILVER) == 90);
	assert_true(isnan(kpi_grade_next_bound(bands, GRADE_GOLD)));
}

static void test_grade_name(void **state)
{
	(void)state;
	assert_string_equal(kpi_grade_name(GRADE_GOLD, 0), "Gold");
	assert_string_equal(kpi_grade_name(GRADE_SILVER, 0), "Silver");
	assert_string_equal(kpi_grade_name(GRADE_BRONZE, 0), "Bronze");
	assert_string_equal(kpi_grade_name(GRADE_NONE, 0), "Not certified");
	assert_string_equal(kpi_grade_name(GRADE_GOLD, 1), "ระดับดีเยี่ยม (ทอง)");
	assert_string_equal(kpi_grade_name(GRADE_SILVER, 1), "ระดับดีมาก (เงิน)");
	assert_string_equal(kpi_grade_name(GRADE_BRONZE, 1), "ระดับดี (ทองแดง)");
	assert_string_equal(kpi_grade_name(GRADE_NONE, 1), "ไม่ผ่านการรับรอง");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduction_pct),
		cmocka_unit_test(test_kpi_level),
		cmocka_unit_test(test_kpi_level_uneven),
		cmocka_unit_test(test_grade_of),
		cmocka_unit_test(test_grade_next_bound),
		cmocka_unit_test(test_grade_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
