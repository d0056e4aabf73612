/* profile.c - office load profile: rate by hour of week, counter as its exact integral. */
#include <math.h>

#include "hash.h"
#include "profile.h"

#define HOUR_S 3600.0
#define WEEK_S (PROFILE_HOURS * HOUR_S)

/* Where t falls: whole weeks since the epoch (negative before it), the hour
 * of that week and the seconds into that hour. floor() rather than a cast,
 * so times before the epoch land in the week they belong to. */
struct when {
	double weeks;
	int how;
	double in_hour;
};

static struct when when_split(double t)
{
	double d = t - PROFILE_EPOCH;
	double weeks = floor(d / WEEK_S);
	double in_week = d - weeks * WEEK_S;
	int how = (int)(in_week / HOUR_S);

	/* Rounding can put a time just before a week boundary at in_week ==
	 * WEEK_S; it belongs at the very end of hour 167. */
	if (how > PROFILE_HOURS - 1)
		how = PROFILE_HOURS - 1;
	return (struct when){ weeks, how, in_week - how * HOUR_S };
}

double profile_factor(int how)
{
	int day = how / 24, hour = how % 24;

	if (day >= 5)
		return 0.12;            /* Saturday, Sunday */
	if (hour <= 6 || hour >= 18)
		return 0.15;            /* night: servers, fridges, standby */
	if (hour == 7)
		return 0.5;
	if (hour == 12)
		return 0.7;             /* lunch */
	if (hour == 16)
		return 0.8;
	if (hour == 17)
		return 0.4;
	return 1.0;
}

/* A factor in [0.85, 1.15) that depends only on (seed, hour). */
static double jitter(uint64_t seed, int how)
{
	uint64_t h = splitmix64(splitmix64(seed) ^ (uint64_t)how);

	return 0.85 + 0.30 * (double)(h >> 11) / 9007199254740992.0;   /* 2^53 */
}

void profile_init_shape(struct profile *p, const double shape[PROFILE_HOURS],
    double load_per_h, double start)
{
	p->load_per_h = load_per_h;
	p->start = start;
	p->change_at = INFINITY;
	p->load_after = load_per_h;
	p->change_hours = 0;
	p->prefix[0] = 0;
	for (int h = 0; h < PROFILE_HOURS; h++) {
		p->shape[h] = shape[h];
		p->prefix[h + 1] = p->prefix[h] + shape[h];
	}
}

void profile_init(struct profile *p, uint64_t seed, double load_per_h, double start)
{
	double shape[PROFILE_HOURS];

	for (int h = 0; h < PROFILE_HOURS; h++)
		shape[h] = profile_factor(h) * jitter(seed, h);
	profile_init_shape(p, shape, load_per_h, start);
}

/* Full-load hours from PROFILE_EPOCH to t: the integral of the shape alone. */
static double full_load_hours(const struct profile *p, double t)
{
	struct when w = when_split(t);

	return w.weeks * p->prefix[PROFILE_HOURS] + p->prefix[w.how] +
	    p->shape[w.how] * (w.in_hour / HOUR_S);
}

void profile_change_load(struct profile *p, double at, double load_after)
{
	p->change_at = at;
	p->load_after = load_after;
	p->change_hours = full_load_hours(p, at);
}

int profile_hour_of_week(double t)
{
	return when_split(t).how;
}

double profile_rate(const struct profile *p, double t)
{
	double load = t < p->change_at ? p->load_per_h : p->load_after;

	return load * p->shape[when_split(t).how];
}

/* Before change_at, one load times the hours; from it on, the counter at
 * change_at plus load_after times the hours since. At t == change_at both
 * give start + load_per_h * change_hours, so there is no step. */
double profile_counter(const struct profile *p, double t)
{
	double hours = full_load_hours(p, t);

	if (t < p->change_at)
		return p->start + p->load_per_h * hours;
	return p->start + p->load_per_h * p->change_hours +
	    p->load_after * (hours - p->change_hours);
}
