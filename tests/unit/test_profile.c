/*
 * test_profile.c - the office load profile: hand-computed counters without
 * jitter, and properties that hold for any seed (the counter is the exact,
 * continuous integral of the rate; weekends are quieter; seeds repeat), with
 * and without a change of load.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* The Makefile puts only common/ on the include path. */
#include "profile.h"
#include "timeutil.h"

#define H 3600.0
#define WEEK (168 * H)

static const uint64_t seeds[] = { 0, 1, 7, 42, 123456789, UINT64_MAX };
#define NSEEDS (sizeof(seeds) / sizeof(seeds[0]))

static void assert_near(double got, double want, double rel, const char *what)
{
	if (!(fabs(got - want) <= rel * fabs(want) + 1e-12))
		fail_msg("%s: got %.17g, want %.17g (relative tolerance %g)", what, got, want,
		    rel);
}

/* The office shape without jitter, load 20 an hour, 1000 at the epoch. */
static void plain_profile(struct profile *p)
{
	double shape[PROFILE_HOURS];

	for (int h = 0; h < PROFILE_HOURS; h++)
		shape[h] = profile_factor(h);
	profile_init_shape(p, shape, 20, 1000);
}

static void test_epoch(void **state)
{
	char err[128];
	time_t t;

	(void)state;
	/* 1578268800 is 2020-01-06 00:00 UTC; Bangkok is 7 h ahead. */
	assert_true(PROFILE_EPOCH == 1578243600.0);
	assert_int_equal(tz_set(TZ_DEFAULT), 0);
	assert_int_equal(time_parse_local("2020-01-06 00:00", &t, err, sizeof(err)), 0);
	assert_true((double)t == PROFILE_EPOCH);
}

static void test_factors(void **state)
{
	static const struct {
		int how;
		double factor;
	} cases[] = {
		{ 0, 0.15 },            /* Mon 00h */
		{ 6, 0.15 },            /* Mon 06h */
		{ 7, 0.5 },             /* Mon 07h */
		{ 8, 1.0 },             /* Mon 08h */
		{ 11, 1.0 },
		{ 12, 0.7 },            /* lunch */
		{ 13, 1.0 },
		{ 15, 1.0 },
		{ 16, 0.8 },
		{ 17, 0.4 },
		{ 18, 0.15 },
		{ 23, 0.15 },
		{ 24 + 10, 1.0 },       /* Tue 10h */
		{ 4 * 24 + 12, 0.7 },   /* Fri 12h */
		{ 5 * 24 + 10, 0.12 },  /* Sat 10h */
		{ 6 * 24 + 23, 0.12 },  /* Sun 23h */
	};
	double sum = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_true(profile_factor(cases[i].how) == cases[i].factor);
	/* A weekday: 13 h at 0.15 + 0.5 + 8 h at 1.0 + 0.7 + 0.8 + 0.4 = 11.35;
	 * a week: 5 * 11.35 + 48 * 0.12 = 56.75 + 5.76 = 62.51. */
	for (int h = 0; h < PROFILE_HOURS; h++)
		sum += profile_factor(h);
	assert_near(sum, 62.51, 1e-12, "weekly sum of factors");
}

static void test_hand_computed(void **state)
{
	static const struct {
		const char *what;
		double t;       /* hours after the epoch */
		double counter; /* 1000 + 20 * full-load hours since the epoch */
		double rate;
	} cases[] = {
		{ "Mon 00:00", 0, 1000, 3 },
		{ "Mon 07:00", 7, 1000 + 20 * 1.05, 10 },                /* 7 h at 0.15 */
		{ "Mon 10:30", 10.5, 1000 + 20 * 4.05, 20 },             /* + 0.5 + 2 + 0.5 */
		{ "Mon 12:15", 12.25, 1000 + 20 * 5.725, 14 },           /* 5.55 + 0.25 * 0.7 */
		{ "Tue 00:00", 24, 1000 + 20 * 11.35, 3 },               /* one weekday */
		{ "Tue 10:00", 34, 1000 + 20 * 14.9, 20 },               /* 11.35 + 3.55 */
		{ "Sat 00:00", 120, 1000 + 20 * 56.75, 2.4 },            /* five weekdays */
		{ "Sat 13:30", 133.5, 1000 + 20 * (56.75 + 13.5 * 0.12), 2.4 },
		{ "next Mon 00:00", 168, 1000 + 20 * 62.51, 3 },         /* one week */
		{ "Mon 10:30, 2 weeks on", 346.5, 1000 + 20 * (2 * 62.51 + 4.05), 20 },
		{ "Sun 23:00 before", -1, 1000 - 20 * 0.12, 2.4 },       /* floor, not trunc */
		{ "Mon 00:00 before", -168, 1000 - 20 * 62.51, 3 },
		{ "Mon 10:30 before", -157.5, 1000 - 20 * (62.51 - 4.05), 20 },
	};
	struct profile p;

	(void)state;
	plain_profile(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double t = PROFILE_EPOCH + cases[i].t * H;
		assert_near(profile_counter(&p, t), cases[i].counter, 1e-12, cases[i].what);
		assert_near(profile_rate(&p, t), cases[i].rate, 1e-12, cases[i].what);
	}
}

/* Local times from the tz database land in the hour of week the profile uses. */
static void test_local_hours(void **state)
{
	static const struct {
		const char *local;
		int how;
	} cases[] = {
		{ "2020-01-07 10:00", 24 + 10 },            /* Tuesday */
		{ "2025-11-17 00:00", 0 },                  /* Monday */
		{ "2025-11-21 17:59:59", 4 * 24 + 17 },     /* Friday */
		{ "2025-11-22 12:00", 5 * 24 + 12 },        /* Saturday */
		{ "2019-12-29 23:30", 6 * 24 + 23 },        /* Sunday, before the epoch */
	};
	char err[128];
	time_t t;

	(void)state;
	assert_int_equal(tz_set(TZ_DEFAULT), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(time_parse_local(cases[i].local, &t, err, sizeof(err)), 0);
		assert_int_equal(profile_hour_of_week((double)t), cases[i].how);
	}
}

/* The jitter keeps every factor within 15 % of the office shape. */
static void test_jitter_bounds(void **state)
{
	struct profile p;

	(void)state;
	for (size_t s = 0; s < NSEEDS; s++) {
		profile_init(&p, seeds[s], 1, 0);
		for (int h = 0; h < PROFILE_HOURS; h++) {
			double j = p.shape[h] / profile_factor(h);
			assert_true(j >= 0.85 - 1e-12 && j <= 1.15 + 1e-12);
		}
	}
}

/* counter(t + 1 h) - counter(t) is the rate integrated second by second
 * (midpoints are exact: the rate only changes on whole seconds here). */
static void test_hour_integral(void **state)
{
	static const double starts[] = {
		0, 7 * H, 12 * H + 1234, 119 * H + 1800, 167 * H + 59, -1 * H - 17,
		-300 * H + 3599, 306 * 168 * H + 10 * H + 600,   /* late 2025 */
	};
	struct profile p;

	(void)state;
	for (size_t s = 0; s < NSEEDS; s++) {
		profile_init(&p, seeds[s], 37.5, 12345.6);
		for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
			double t0 = PROFILE_EPOCH + starts[i], sum = 0;
			for (int sec = 0; sec < 3600; sec++)
				sum += profile_rate(&p, t0 + sec + 0.5) / H;
			assert_near(profile_counter(&p, t0 + H) - profile_counter(&p, t0), sum, 1e-9,
			    "one hour");
		}
	}
}

/* Any week adds the sum of its 168 hourly rates. */
static void test_week_total(void **state)
{
	static const double starts[] = { 0, 1, 10.5 * H, -5000 * H + 77, 306 * WEEK + 3 * H };
	struct profile p;

	(void)state;
	for (size_t s = 0; s < NSEEDS; s++) {
		double week = 0;
		profile_init(&p, seeds[s], 20, 1000);
		for (int h = 0; h < PROFILE_HOURS; h++)
			week += profile_rate(&p, PROFILE_EPOCH + h * H + H / 2);
		for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
			double t = PROFILE_EPOCH + starts[i];
			assert_near(profile_counter(&p, t + WEEK) - profile_counter(&p, t), week, 1e-9,
			    "one week");
		}
	}
}

/* No step at an hour or week boundary: a millisecond either side moves the
 * counter by at most a millisecond at the highest rate (1.15 * load). */
static void test_continuity(void **state)
{
	static const double bounds[] = { 0, H, 7 * H, 12 * H, 120 * H, 167 * H, WEEK,
		-WEEK, -H, 306 * WEEK, 306 * WEEK + 8 * H };
	const double eps = 1e-3, load = 20, step = 1.15 * load * eps / H;
	struct profile p;

	(void)state;
	for (size_t s = 0; s < NSEEDS; s++) {
		profile_init(&p, seeds[s], load, 1000);
		for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
			double b = PROFILE_EPOCH + bounds[i], c = profile_counter(&p, b);
			double before = c - profile_counter(&p, b - eps);
			double after = profile_counter(&p, b + eps) - c;
			/* 1e-6 covers double rounding of t ~ 1.6e9 s and counters ~ 1e4. */
			assert_true(before > 0 && before <= step + 1e-6);
			assert_true(after > 0 && after <= step + 1e-6);
		}
	}
}

/* Saturday's busiest hour (0.12 * 1.15) stays below Tuesday 10:00 (0.85). */
static void test_weekend_quieter(void **state)
{
	struct profile p;

	(void)state;
	for (uint64_t seed = 0; seed < 100; seed++) {
		profile_init(&p, seed, 20, 0);
		double tue10 = profile_rate(&p, PROFILE_EPOCH + (24 + 10) * H + 60);
		for (int h = 0; h < 24; h++)
			assert_true(profile_rate(&p, PROFILE_EPOCH + (120 + h) * H + 60) < tue10);
	}
}

static void test_seeds(void **state)
{
	struct profile a, b, c;
	double t = 1763700000.25;

	(void)state;
	profile_init(&a, 42, 20, 1000);
	profile_init(&b, 42, 20, 1000);
	profile_init(&c, 43, 20, 1000);
	assert_memory_equal(a.shape, b.shape, sizeof(a.shape));
	assert_true(profile_counter(&a, t) == profile_counter(&b, t));
	assert_true(profile_rate(&a, t) == profile_rate(&b, t));
	assert_memory_not_equal(a.shape, c.shape, sizeof(a.shape));
	assert_true(profile_counter(&a, t) != profile_counter(&c, t));
}

/*
 * A change of load, worked by hand without jitter: load 20 until Monday
 * 10:00, 10 from then on. At 10:00 the counter is 1000 + 20 * 3.55 = 1071
 * (7 h at 0.15, 0.5, 2 h at 1.0), whichever load is asked; after it,
 * 1071 + 10 * the full-load hours since 10:00.
 */
static void test_change_hand_computed(void **state)
{
	static const struct {
		const char *what;
		double t;       /* hours after the epoch */
		double counter;
		double rate;
	} cases[] = {
		{ "Mon 07:00, before", 7, 1000 + 20 * 1.05, 10 },        /* untouched */
		{ "Mon 09:30, before", 9.5, 1000 + 20 * 3.05, 20 },
		{ "Mon 10:00, the change", 10, 1071, 10 },
		{ "Mon 11:00", 11, 1071 + 10 * 1.0, 10 },                /* 1081 */
		{ "Mon 12:15", 12.25, 1071 + 10 * (2.0 + 0.25 * 0.7), 7 },
		{ "Tue 00:00", 24, 1071 + 10 * (11.35 - 3.55), 1.5 },    /* rest of Monday */
		{ "Sat 13:30", 133.5, 1071 + 10 * (56.75 - 3.55 + 13.5 * 0.12), 1.2 },
		{ "next Mon 10:00", 178, 1071 + 10 * 62.51, 10 },        /* one week on */
	};
	struct profile p;

	(void)state;
	plain_profile(&p);
	profile_change_load(&p, PROFILE_EPOCH + 10 * H, 10);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double t = PROFILE_EPOCH + cases[i].t * H;
		assert_near(profile_counter(&p, t), cases[i].counter, 1e-12, cases[i].what);
		assert_near(profile_rate(&p, t), cases[i].rate, 1e-12, cases[i].what);
	}
	/* The rate steps at T (20 a second before, 10 at it), the counter does not. */
	assert_near(profile_rate(&p, PROFILE_EPOCH + 10 * H - 1), 20, 1e-12, "rate before T");
	assert_near(profile_counter(&p, PROFILE_EPOCH + 10 * H - 1), 1071 - 20.0 / H, 1e-12,
	    "a second before T");
}

/* What --used prints is a difference of counters: over Mon 09:30..12:30 with
 * the change at 10:00, 20 * 0.5 before it and 10 * (1.0 + 1.0 + 0.5 * 0.7)
 * after: 10 + 23.5 = 33.5. A span wholly after T counts at 10 alone. */
static void test_change_used(void **state)
{
	struct profile p;
	double t0 = PROFILE_EPOCH;

	(void)state;
	plain_profile(&p);
	profile_change_load(&p, t0 + 10 * H, 10);
	assert_near(profile_counter(&p, t0 + 12.5 * H) - profile_counter(&p, t0 + 9.5 * H), 33.5,
	    1e-12, "used across T");
	assert_near(profile_counter(&p, t0 + 24 * H) - profile_counter(&p, t0 + 10 * H), 78,
	    1e-12, "used from T to Tue 00:00");
	assert_near(profile_counter(&p, t0 + 10 * H) - profile_counter(&p, t0), 71, 1e-12,
	    "used up to T");
	/* load_after = 0: the meter stops at 1071 and stays there. */
	profile_change_load(&p, t0 + 10 * H, 0);
	assert_near(profile_counter(&p, t0 + 500 * H), 1071, 1e-12, "stopped");
	assert_true(profile_rate(&p, t0 + 500 * H) == 0);
}

/* With any seed and a change at any second (on an hour boundary or inside
 * one, before the epoch or after): no step at T, the load after it is the
 * one asked for, and an hour across T is still the rate's exact integral. */
static void test_change_continuity(void **state)
{
	static const double changes[] = { 10 * H, 12 * H + 1234, 120 * H, -H - 17,
		306 * WEEK + 8 * H + 600 };
	static const double afters[] = { 8, 20, 31.5 };
	const double eps = 1e-3, load = 20;
	struct profile base, p;

	(void)state;
	for (size_t s = 0; s < NSEEDS; s++) {
		profile_init(&base, seeds[s], load, 1000);
		for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
			for (size_t a = 0; a < sizeof(afters) / sizeof(afters[0]); a++) {
				double T = PROFILE_EPOCH + changes[i], c, sum = 0;
				double step = 1.15 * (afters[a] > load ? afters[a] : load) * eps / H;

				p = base;
				profile_change_load(&p, T, afters[a]);
				c = profile_counter(&p, T);
				assert_true(c == profile_counter(&base, T));
				assert_true(profile_counter(&p, T - 1) == profile_counter(&base, T - 1));
				assert_true(c - profile_counter(&p, T - eps) <= step + 1e-6);
				assert_true(profile_counter(&p, T + eps) - c <= step + 1e-6);
				assert_true(profile_rate(&p, T - 1) == profile_rate(&base, T - 1));
				assert_near(profile_rate(&p, T + 1), profile_rate(&base, T + 1) *
				    afters[a] / load, 1e-12, "rate after T");
				/* A day on, it has counted load_after / load of the baseline. */
				assert_near(profile_counter(&p, T + 24 * H) - c,
				    (profile_counter(&base, T + 24 * H) - c) * afters[a] / load, 1e-9,
				    "a day after T");
				for (int sec = 0; sec < 3600; sec++)
					sum += profile_rate(&p, T - 1800 + sec + 0.5) / H;
				assert_near(profile_counter(&p, T + 1800) - profile_counter(&p, T - 1800),
				    sum, 1e-9, "an hour across T");
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_factors),
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_local_hours),
		cmocka_unit_test(test_jitter_bounds),
		cmocka_unit_test(test_hour_integral),
		cmocka_unit_test(test_week_total),
		cmocka_unit_test(test_continuity),
		cmocka_unit_test(test_weekend_quieter),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_change_hand_computed),
		cmocka_unit_test(test_change_used),
		cmocka_unit_test(test_change_continuity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
