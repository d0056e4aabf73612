/*
 * profile.h - a deterministic office load profile: how fast a simulated
 * meter counts at any moment, and the exact counter value that results.
 *
 * The rate is piecewise constant over the 168 local hours of a week:
 * load_per_h times a factor of the office's full load (busy weekday hours
 * 1.0, nights 0.15, weekends 0.12 ...), each factor shaken by a per-meter
 * jitter in [0.85, 1.15] drawn from (seed, hour), so meters differ but every
 * run of the simulator agrees with every other. The counter is the exact
 * integral of that rate since PROFILE_EPOCH, in O(1): no state, no clock, so
 * a value asked for twice (or by a test) is the same.
 *
 * Worked example, without jitter (profile_init_shape with profile_factor),
 * load_per_h = 20, start = 1000, t = Monday 10:30 local: the week began at
 * Monday 00:00, so the counter has run 7 h at 0.15 (00-06h), 1 h at 0.5
 * (07h), 2 h at 1.0 (08h, 09h) and half an hour at 1.0 (10h):
 *   1000 + 20 * (1.05 + 0.5 + 2.0 + 0.5) = 1081, and the rate is 20 an hour.
 * A whole week adds 20 * 62.51 = 1250.2 (five weekdays of 11.35 plus 48
 * weekend hours of 0.12).
 *
 * A meter's use can change from a time T on (profile_change_load), so a
 * simulated year can differ from its baseline: the same shape, jitter
 * included, times another load. The counter stays continuous at T:
 *   counter(t) = counter(T) + load_after * (full-load hours from T to t).
 * Continuing the example with load_after = 10 from Monday 10:00 (the counter
 * then reads 1000 + 20 * 3.55 = 1071): at 11:00 it is 1071 + 10 * 1.0 = 1081,
 * and the rate is 10 an hour.
 */
#ifndef GM_PROFILE_H
#define GM_PROFILE_H

#include <stdint.h>

/* Local time is UTC+7 (Asia/Bangkok) all year: Thailand has kept no
 * daylight saving time since 1920, so the hour of the week is plain
 * arithmetic on unix time, with no time zone database and no localtime(). */
#define PROFILE_UTC_OFFSET 25200
/* Monday 2020-01-06 00:00 local = 00:00 UTC minus the offset = 1578243600. */
#define PROFILE_EPOCH (1578268800.0 - PROFILE_UTC_OFFSET)
#define PROFILE_HOURS 168

struct profile {
	double load_per_h;             /* rate at full load, units per hour */
	double start;                  /* counter value at PROFILE_EPOCH */
	double change_at;              /* load_after applies from then; INFINITY: never */
	double load_after;
	double change_hours;           /* full-load hours from PROFILE_EPOCH to change_at */
	double shape[PROFILE_HOURS];   /* factor of full load, hour of week */
	double prefix[PROFILE_HOURS + 1]; /* prefix[h] = sum of shape[0..h-1] */
};

/* The office's factor of full load in hour-of-week `how` (0 = Monday
 * 00-01h local), before jitter. */
double profile_factor(int how);

/* The office shape with the meter's jitter from `seed`. */
void profile_init(struct profile *p, uint64_t seed, double load_per_h, double start);

/* The same with the caller's 168 factors (tests use it to switch off jitter). */
void profile_init_shape(struct profile *p, const double shape[PROFILE_HOURS],
    double load_per_h, double start);

/* From unix time `at` on, count at load_after instead of load_per_h (a
 * second call replaces the first). The counter up to `at` is unchanged. */
void profile_change_load(struct profile *p, double at, double load_after);

/* Hour of the week (0..167) that unix time t falls in. */
int profile_hour_of_week(double t);

/* Units per hour at unix time t (load_after's from change_at on). */
double profile_rate(const struct profile *p, double t);

/* start + the integral of the rate from PROFILE_EPOCH to t (t may be earlier). */
double profile_counter(const struct profile *p, double t);

#endif
