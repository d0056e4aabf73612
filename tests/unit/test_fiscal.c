/*
 * test_fiscal.c - fiscal years, rounds, quarters and months in Asia/Bangkok.
 *
 * Every expected unix time is local midnight minus 7 hours: e.g. 1 Oct 2023
 * 00:00 +07 = 2023-09-30T17:00:00Z = 1696093200 (2023-10-01T00:00:00Z is
 * 1696118400, minus 25200 s).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gm_err.h"
#include "fiscal.h"
#include "timeutil.h"

#define OCT_2023 1696093200   /* 2023-10-01 00:00 +07 */
#define JAN_2024 1704042000   /* 2024-01-01 00:00 +07 */
#define FEB_2024 1706720400   /* 2024-02-01 00:00 +07 */
#define MAR_2024 1709226000   /* 2024-03-01: Feb 2024 has 29 days */
#define APR_2024 1711904400   /* 2024-04-01 00:00 +07 */
#define JUL_2024 1719766800   /* 2024-07-01 00:00 +07 */
#define OCT_2024 1727715600   /* 2024-10-01 00:00 +07 */
#define OCT_2026 1790787600   /* 2026-10-01 00:00 +07 */

static int setup(void **state)
{
	(void)state;
	return tz_set(TZ_DEFAULT) == GM_OK ? 0 : -1;
}

static void test_buddhist_era(void **state)
{
	(void)state;
	assert_int_equal(be_year(2024), 2567);   /* 2024 + 543 */
	assert_int_equal(ce_year(2570), 2027);   /* 2570 - 543 */
	assert_int_equal(ce_year(be_year(2000)), 2000);
}

static void test_fiscal_year_2567(void **state)
{
	struct period p;

	(void)state;
	/* FY2567 = 1 Oct 2023 - 30 Sep 2024 (ends in C.E. 2024 = B.E. 2567) */
	assert_int_equal(fiscal_year(2567, &p), GM_OK);
	assert_int_equal(p.start, OCT_2023);
	assert_int_equal(p.end, OCT_2024);
}

static void test_rounds_and_quarters(void **state)
{
	static const struct { int months; time_t end; } rounds[] = {
		{ 6, APR_2024 },   /* Oct-Mar */
		{ 9, JUL_2024 },   /* Oct-Jun */
		{ 12, OCT_2024 },  /* Oct-Sep */
	};
	static const struct { int q; time_t start, end; } quarters[] = {
		{ 1, OCT_2023, JAN_2024 },
		{ 2, JAN_2024, APR_2024 },
		{ 3, APR_2024, JUL_2024 },
		{ 4, JUL_2024, OCT_2024 },
	};
	struct period p;

	(void)state;
	for (size_t i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++) {
		assert_int_equal(fiscal_round(2567, rounds[i].months, &p), GM_OK);
		assert_int_equal(p.start, OCT_2023);
		assert_int_equal(p.end, rounds[i].end);
	}
	for (size_t i = 0; i < sizeof(quarters) / sizeof(quarters[0]); i++) {
		assert_int_equal(fiscal_quarter(2567, quarters[i].q, &p), GM_OK);
		assert_int_equal(p.start, quarters[i].start);
		assert_int_equal(p.end, quarters[i].end);
	}
	assert_int_equal(fiscal_round(2567, 3, &p), GM_ERANGE);
	assert_int_equal(fiscal_quarter(2567, 5, &p), GM_ERANGE);
	assert_int_equal(fiscal_quarter(2567, 0, &p), GM_ERANGE);
}

static void test_months(void **state)
{
	struct period p;

	(void)state;
	assert_int_equal(calendar_month(2024, 2, &p), GM_OK);   /* leap February */
	assert_int_equal(p.start, FEB_2024);
	assert_int_equal(p.end, MAR_2024);
	assert_int_equal(p.end - p.start, 29 * 86400);
	assert_int_equal(calendar_month(2024, 9, &p), GM_OK);   /* carries into Oct */
	assert_int_equal(p.end, OCT_2024);
	assert_int_equal(calendar_month(2024, 13, &p), GM_ERANGE);
}

/* Midnight at the boundary is local: 30 Sep 23:59 and 1 Oct 00:01 +07 are in
 * different fiscal years, though both are 30 Sep in UTC. */
/* Months of the fiscal year, October first: FY2567's month 0 is October
 * 2023, month 3 January 2024 (the calendar year turns), month 4 February
 * 2024 with its 29 days, month 11 September 2024, ending with the year. */
static void test_fiscal_months(void **state)
{
	struct period p;
	int year, month;

	(void)state;
	assert_int_equal(fiscal_month(2567, 0, &p, &year, &month), GM_OK);
	assert_int_equal(p.start, OCT_2023);
	assert_int_equal(year, 2023);
	assert_int_equal(month, 10);
	assert_int_equal(fiscal_month(2567, 3, &p, &year, &month), GM_OK);
	assert_int_equal(p.start, JAN_2024);
	assert_int_equal(p.end, FEB_2024);
	assert_int_equal(year, 2024);
	assert_int_equal(month, 1);
	assert_int_equal(fiscal_month(2567, 4, &p, NULL, NULL), GM_OK);
	assert_int_equal(p.end - p.start, 29 * 86400);
	assert_int_equal(fiscal_month(2567, 11, &p, &year, &month), GM_OK);
	assert_int_equal(p.end, OCT_2024);
	assert_int_equal(month, 9);
	assert_int_equal(fiscal_month(2567, 12, &p, NULL, NULL), GM_ERANGE);
	assert_int_equal(fiscal_month(2567, -1, &p, NULL, NULL), GM_ERANGE);
}

static void test_boundary_is_local(void **state)
{
	static const struct { time_t t; int fy; } cases[] = {
		{ OCT_2026 - 60, 2569 },   /* 2026-09-30 23:59 +07 = 16:59Z */
		{ OCT_2026 + 60, 2570 },   /* 2026-10-01 00:01 +07 = 17:01Z, 30 Sep UTC */
		{ OCT_2026, 2570 },        /* midnight itself starts the new year */
		{ OCT_2023 - 1, 2566 },
		{ JAN_2024, 2567 },        /* January is in the year ending next Sept */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(fiscal_year_of(cases[i].t), cases[i].fy);
}

/* One range for every fiscal year, B.E. 2500..2700 (docs/organisation.md):
 * the periods refuse a year outside it, and parsing names the value and
 * the range. */
static void test_year_range(void **state)
{
	struct period p;
	char err[128];
	int fy = 0;

	(void)state;
	assert_int_equal(fiscal_year(2500, &p), GM_OK);
	assert_int_equal(p.start, -418201200);   /* 1956-09-30T17:00Z = 1 Oct 1956 00:00 +07 */
	assert_int_equal(fiscal_year(2700, &p), GM_OK);
	assert_int_equal(fiscal_year(2499, &p), GM_ERANGE);
	assert_int_equal(fiscal_year(2701, &p), GM_ERANGE);
	assert_int_equal(fiscal_quarter(2701, 1, &p), GM_ERANGE);
	assert_int_equal(fiscal_month(2499, 0, &p, NULL, NULL), GM_ERANGE);

	assert_int_equal(fiscal_year_parse("2650", &fy, err, sizeof(err)), GM_OK);
	assert_int_equal(fy, 2650);
	assert_int_equal(fiscal_year_parse("2500", &fy, err, sizeof(err)), GM_OK);
	assert_int_equal(fiscal_year_parse("2700", &fy, err, sizeof(err)), GM_OK);
	assert_int_equal(fy, 2700);
	assert_int_equal(fiscal_year_parse("2701", &fy, err, sizeof(err)), GM_ERANGE);
	assert_string_equal(err, "\"2701\" is not a fiscal year (B.E. 2500 to 2700)");
	assert_int_equal(fiscal_year_parse("2026", &fy, err, sizeof(err)), GM_ERANGE);
	assert_string_equal(err, "\"2026\" is not a fiscal year (B.E. 2500 to 2700)");
	assert_int_equal(fiscal_year_parse("2570x", &fy, err, sizeof(err)), GM_ERANGE);
	assert_int_equal(fiscal_year_parse("", &fy, err, sizeof(err)), GM_ERANGE);
	assert_int_equal(fy, 2700);   /* untouched when refused */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buddhist_era),
		cmocka_unit_test(test_fiscal_year_2567),
		cmocka_unit_test(test_rounds_and_quarters),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_fiscal_months),
		cmocka_unit_test(test_boundary_is_local),
		cmocka_unit_test(test_year_range),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
