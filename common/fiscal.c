/*
 * fiscal.c - fiscal years, rounds, quarters and months as local-time periods.
 *
 * Worked example: FY2567. ce_year(2567) = 2024, so it ends 1 Oct 2024 00:00
 * and starts a year earlier, 1 Oct 2023 00:00 Asia/Bangkok, which is
 * 2023-09-30T17:00:00Z = 1696093200. Its 6-month round ends 1 Apr 2024
 * 00:00 local = 1711904400.
 */
#include <errno.h>
#include <stdlib.h>

#include "gm_err.h"
#include "fiscal.h"

int be_year(int ce)
{
	return ce + BE_OFFSET;
}

int ce_year(int be)
{
	return be - BE_OFFSET;
}

static int fy_ok(int fy_be)
{
	return fy_be >= FY_MIN && fy_be <= FY_MAX;
}

int fiscal_year_parse(const char *s, int *out, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < FY_MIN || v > FY_MAX)
		return gm_errf(err, errlen, GM_ERANGE,
		    "\"%s\" is not a fiscal year (B.E. %d to %d)", s, FY_MIN, FY_MAX);
	*out = (int)v;
	return GM_OK;
}

/* Local midnight starting the first day of a month; months past 12 carry
 * into the next year (mktime normalises them). */
static time_t month_start(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1,
	    .tm_isdst = -1 };

	return mktime(&tm);
}

int fiscal_year_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* October to December belong to the fiscal year ending next September. */
	return be_year(tm.tm_year + 1900 + (tm.tm_mon >= 9 ? 1 : 0));
}

int fiscal_round(int fy_be, int months, struct period *out)
{
	int start_year = ce_year(fy_be) - 1;

	if (!fy_ok(fy_be) || (months != 6 && months != 9 && months != 12))
		return GM_ERANGE;
	out->start = month_start(start_year, 10);
	out->end = month_start(start_year, 10 + months);
	return GM_OK;
}

int fiscal_year(int fy_be, struct period *out)
{
	return fiscal_round(fy_be, 12, out);
}

int fiscal_quarter(int fy_be, int quarter, struct period *out)
{
	int start_year = ce_year(fy_be) - 1;

	if (!fy_ok(fy_be) || quarter < 1 || quarter > 4)
		return GM_ERANGE;
	out->start = month_start(start_year, 10 + 3 * (quarter - 1));
	out->end = month_start(start_year, 10 + 3 * quarter);
	return GM_OK;
}

int fiscal_month(int fy_be, int m, struct period *out, int *year, int *month)
{
	int start_year = ce_year(fy_be) - 1;

	if (!fy_ok(fy_be) || m < 0 || m > 11)
		return GM_ERANGE;
	out->start = month_start(start_year, 10 + m);
	out->end = month_start(start_year, 11 + m);
	if (year != NULL)
		*year = start_year + (m >= 3);
	if (month != NULL)
		*month = (m + 9) % 12 + 1;
	return GM_OK;
}

int calendar_month(int year, int month, struct period *out)
{
	if (month < 1 || month > 12)
		return GM_ERANGE;
	out->start = month_start(year, month);
	out->end = month_start(year, month + 1);
	return GM_OK;
}
