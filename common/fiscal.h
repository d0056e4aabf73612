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
 */
#ifndef GM_FISCAL_H
#define GM_FISCAL_H

#include <time.h>

#define BE_OFFSET 543

struct period {
	time_t start, end;
};

int be_year(int ce_year);                 /* 2024 -> 2567 */
int ce_year(int be_year);                 /* 2567 -> 2024 */

/* The fiscal year (B.E.) that contains t. */
int fiscal_year_of(time_t t);

/* Periods of fiscal year fy_be. GM_OK, or GM_ERANGE for a round other than
 * 6, 9 or 12 months, a quarter other than 1-4, a month other than 1-12. */
int fiscal_year(int fy_be, struct period *out);
int fiscal_round(int fy_be, int months, struct period *out);
int fiscal_quarter(int fy_be, int quarter, struct period *out);
/* Month m of fiscal year fy_be, 0 = October .. 11 = September, and its
 * calendar year (C.E.) and month 1-12 (either pointer may be NULL). */
int fiscal_month(int fy_be, int m, struct period *out, int *year, int *month);
/* A calendar month (C.E. year, month 1-12), local. */
int calendar_month(int year, int month, struct period *out);

#endif
