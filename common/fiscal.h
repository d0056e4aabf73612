/*
 * fiscal.h - the Thai government's fiscal year and its reporting periods,
 * in local time (Asia/Bangkok; call tz_set first).
 *
 * A fiscal year runs 1 October - 30 September and is named in the Buddhist
 * Era by the year in which it ends: FY2567 = 1 Oct 2023 00:00 - 1 Oct 2024
 * 00:00 local (B.E. = C.E. + 543; 2024 + 543 = 2567). Reporting rounds are
 * cumulative from 1 October: 6 months (Oct-Mar), 9 months (Oct-Jun),
 * 12 months (Oct-Sep). Quarters: Q1 Oct-Dec, Q2 Jan-Mar, Q3 Apr-Jun,
 * Q4 Jul-Sep. Every period is [start, end): end is the next period's start.
 *
 * Fiscal years FY_MIN..FY_MAX only, everywhere (gm-report's every mode, the
 * organisation file): B.E. 2500 = 1957; anything outside is a typo, such as
 * a C.E. year (2026) given for a B.E. one.
 */
#ifndef GM_FISCAL_H
#define GM_FISCAL_H

#include <stddef.h>
#include <time.h>

#define BE_OFFSET 543
#define FY_MIN 2500
#define FY_MAX 2700

struct period {
	time_t start, end;
};

int be_year(int ce_year);                 /* 2024 -> 2567 */
int ce_year(int be_year);                 /* 2567 -> 2024 */

/* A fiscal year as text ("2570") into *out: GM_OK, or GM_ERANGE with
 * "\"<s>\" is not a fiscal year (B.E. 2500 to 2700)" in err for anything
 * but a decimal number FY_MIN..FY_MAX. */
int fiscal_year_parse(const char *s, int *out, char *err, size_t errlen);

/* The fiscal year (B.E.) that contains t. */
int fiscal_year_of(time_t t);

/* Periods of fiscal year fy_be. GM_OK, or GM_ERANGE for a year outside
 * FY_MIN..FY_MAX, a round other than 6, 9 or 12 months, a quarter other
 * than 1-4, a month other than 0-11. */
int fiscal_year(int fy_be, struct period *out);
int fiscal_round(int fy_be, int months, struct period *out);
int fiscal_quarter(int fy_be, int quarter, struct period *out);
/* Month m of fiscal year fy_be, 0 = October .. 11 = September, and its
 * calendar year (C.E.) and month 1-12 (either pointer may be NULL). */
int fiscal_month(int fy_be, int m, struct period *out, int *year, int *month);
/* A calendar month (C.E. year, month 1-12), local. */
int calendar_month(int year, int month, struct period *out);

#endif
