/*
 * test_timeutil.c - time zone, local time parsing and formatting
 * (common/timeutil.c).
 *
 * Unix times below are worked out by hand from two anchors:
 *   2023-01-01T00:00:00Z: 53 years after 1970 with 13 leap days
 *     (1972 .. 2020) = 53 * 365 + 13 = 19358 days = 19358 * 86400 = 1672531200
 *   2024-01-01T00:00:00Z: 1672531200 + 365 * 86400 = 1704067200
 * Asia/Bangkok is UTC+7 all year (no daylight saving): local = UTC + 25200 s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gm_err.h"
#include "timeutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define BKK 25200   /* 7 * 3600 */

/* 2023-10-01T00:00:00Z: days before October in 2023 (not a leap year)
 * 31+28+31+30+31+30+31+31+30 = 273, so 1672531200 + 273 * 86400 */
#define UTC_2023_10_01 1696118400
/* 2024-10-01T00:00:00Z: 2024 is a leap year, 274 days before October,
 * so 1704067200 + 274 * 86400 */
#define UTC_2024_10_01 1727740800
/* 2024-02-29T00:00:00Z: 31 + 28 days before it, 1704067200 + 59 * 86400 */
#define UTC_2024_02_29 1709164800

static int setup(void **state)
{
	(void)state;
	return tz_set("Asia/Bangkok") == GM_OK ? 0 : -1;
}

static void test_tz_set(void **state)
{
	static const struct {
		const char *zone;
		int rc;
	} cases[] = {
		{ "Asia/Bangkok", GM_OK },
		{ "UTC", GM_OK },
		{ "Europe/Berlin", GM_OK },
		{ "Nowhere/City", GM_ENOTFOUND },
		{ "../etc", GM_ENOTFOUND },
		{ "../../etc/passwd", GM_ENOTFOUND },
		{ "Asia/../UTC", GM_ENOTFOUND },     /* exists, but ".." is refused */
		{ "", GM_ENOTFOUND },                /* the zoneinfo directory itself */
		{ "Asia", GM_ENOTFOUND },            /* a directory, not a zone */
		{ "zone.tab", GM_ENOTFOUND },        /* a file there, but not a zone */
	};
	time_t t;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		if (tz_set(cases[i].zone) != cases[i].rc)
			fail_msg("tz_set(\"%s\") should give %d", cases[i].zone, cases[i].rc);
	}

	/* The last good zone stays: UTC, then a refused zone changes nothing. */
	assert_int_equal(tz_set("UTC"), GM_OK);
	assert_int_equal(tz_set("Nowhere/City"), GM_ENOTFOUND);
	assert_int_equal(time_parse_local("2023-10-01", &t, NULL, 0), GM_OK);
	assert_int_equal(t, UTC_2023_10_01);

	assert_int_equal(tz_set("Asia/Bangkok"), GM_OK);
	assert_int_equal(time_parse_local("2023-10-01", &t, NULL, 0), GM_OK);
	assert_int_equal(t, UTC_2023_10_01 - BKK);
}

static void test_parse_local(void **state)
{
	static const struct {
		const char *s;
		long long t;
	} cases[] = {
		/* 2023-10-01 00:00 +07 = 2023-09-30T17:00:00Z = 1696118400 - 25200 */
		{ "2023-10-01", 1696093200 },
		{ "2023-10-01 00:00", 1696093200 },
		{ "2023-10-01 00:00:00", 1696093200 },
		{ "2023-10-01T00:00:00", 1696093200 },
		{ "2023-10-01T00:00", 1696093200 },
		/* 2024-10-01 00:00 +07 = 1727740800 - 25200 = 1727715600, one second
		 * before is 2024-09-30 23:59:59 */
		{ "2024-09-30 23:59:59", 1727715599 },
		{ "2024-10-01 00:00", 1727715600 },
		/* the leap day at noon: 1709164800 + 12 * 3600 - 25200 */
		{ "2024-02-29 12:00", 1709182800 },
		/* the epoch: 1970-01-01 07:00 in Bangkok */
		{ "1970-01-01 07:00", 0 },
		{ "@1700000000", 1700000000 },
		{ "@0", 0 },
	};
	time_t t;
	char err[128];

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		err[0] = '\0';
		if (time_parse_local(cases[i].s, &t, err, sizeof(err)) != GM_OK)
			fail_msg("\"%s\" rejected: %s", cases[i].s, err);
		if ((long long)t != cases[i].t)
			fail_msg("\"%s\" = %lld, want %lld", cases[i].s, (long long)t, cases[i].t);
	}
}

#define WANT_FORMAT "expected YYYY-MM-DD[ HH:MM[:SS]] (local time) or @unix"

static void test_parse_rejects(void **state)
{
	static const char *const bad_dates[] = {
		"2024-02-30",            /* February has 29 days in 2024 */
		"2023-02-29",            /* and 28 in 2023 */
		"2024-04-31",            /* April has 30 */
		"2024-13-01",
		"2024-00-10",
		"2024-01-00",
		"2024-01-32",
		"2024-01-01 24:00",
		"2024-01-01 23:60",
		"2024-01-01 23:59:60",
		"2024-01-01 -1:00",
		"garbage",
		"",
		"2024/01/01",
		"01-01-2024",
		"2024-01-01x",           /* trailing text */
		"2024-01-01 10:00 junk",
		"2024-01-01 10:00:00junk",
		"2024-01-01 10:00:",
		"2024-01-01 10",
		"2024-01-01_10:00",
	};
	static const char *const bad_unix[] = {
		"@", "@12x", "@1.5", "@1e9",
		"@99999999999999999999",  /* 10^20 > 2^63 - 1: does not fit */
	};
	time_t t = 12345;
	char err[128], want[128];

	(void)state;
	for (size_t i = 0; i < NCASES(bad_dates); i++) {
		if (time_parse_local(bad_dates[i], &t, err, sizeof(err)) != GM_EINVAL)
			fail_msg("\"%s\" accepted as %lld", bad_dates[i], (long long)t);
		snprintf(want, sizeof(want), "\"%s\": " WANT_FORMAT, bad_dates[i]);
		assert_string_equal(err, want);
		assert_int_equal(t, 12345);
	}
	for (size_t i = 0; i < NCASES(bad_unix); i++) {
		if (time_parse_local(bad_unix[i], &t, err, sizeof(err)) != GM_EINVAL)
			fail_msg("\"%s\" accepted as %lld", bad_unix[i], (long long)t);
		snprintf(want, sizeof(want), "\"%s\": bad @unix time", bad_unix[i]);
		assert_string_equal(err, want);
		assert_int_equal(t, 12345);
	}
}

static void test_format_local(void **state)
{
	static const struct {
		long long t;
		const char *s;
	} cases[] = {
		{ 1696093200, "2023-10-01 00:00:00" },   /* 1696118400 - 25200, above */
		{ 1727715599, "2024-09-30 23:59:59" },
		{ 1709182800, "2024-02-29 12:00:00" },
		{ 0, "1970-01-01 07:00:00" },
		/* 2023-09-30T17:30:00Z = 1696093200 + 1800 */
		{ 1696095000, "2023-10-01 00:30:00" },
	};
	char buf[32];
	time_t t;

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		time_format_local((time_t)cases[i].t, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].s);
		/* and back */
		assert_int_equal(time_parse_local(buf, &t, NULL, 0), GM_OK);
		assert_int_equal(t, cases[i].t);
	}

	/* 19 characters and the NUL: exactly 20 bytes */
	char exact[20];
	time_format_local(1696093200, exact, sizeof(exact));
	assert_string_equal(exact, "2023-10-01 00:00:00");

	/* a time no struct tm can hold (its year overflows an int) */
	time_format_local((time_t)INT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "@9223372036854775807");
}

static void test_local_day_start(void **state)
{
	static const struct {
		long long t, start;
	} cases[] = {
		/* 2023-09-30T17:30:00Z is 00:30 on 1 October in Bangkok; that day
		 * began at 2023-09-30T17:00:00Z = 1696093200 */
		{ 1696095000, 1696093200 },
		{ 1696093200, 1696093200 },                 /* midnight itself */
		{ 1696093199, 1696093200 - 86400 },         /* 23:59:59 the day before */
		{ 1727715599, 1727715600 - 86400 },         /* 2024-09-30 23:59:59 */
		{ 0, -BKK },                                /* 1970-01-01 07:00 local */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		long long got = (long long)local_day_start((time_t)cases[i].t);
		if (got != cases[i].start)
			fail_msg("local_day_start(%lld) = %lld, want %lld", cases[i].t, got,
			    cases[i].start);
	}

	/* In UTC the same instant belongs to 30 September, which began at
	 * 1696118400 - 86400 = 1696032000. */
	assert_int_equal(tz_set("UTC"), GM_OK);
	assert_int_equal(local_day_start(1696095000), 1696032000);
	assert_int_equal(tz_set("Asia/Bangkok"), GM_OK);
}

static void test_clocks(void **state)
{
	int64_t a, b;
	double w;

	(void)state;
	/* 1700000000 is 2023-11-14; T_MAX-like 4102444800 is 2100-01-01 */
	w = now_wall();
	assert_true(w > 1700000000.0 && w < 4102444800.0);
	assert_true(w - (double)time(NULL) < 2 && (double)time(NULL) - w < 2);

	a = mono_ms();
	usleep(20 * 1000);
	b = mono_ms();
	assert_true(b - a >= 20);
	assert_true(b - a < 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* each test starts in Asia/Bangkok, whatever the one before left */
		cmocka_unit_test_setup(test_tz_set, setup),
		cmocka_unit_test_setup(test_parse_local, setup),
		cmocka_unit_test_setup(test_parse_rejects, setup),
		cmocka_unit_test_setup(test_format_local, setup),
		cmocka_unit_test_setup(test_local_day_start, setup),
		cmocka_unit_test_setup(test_clocks, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
