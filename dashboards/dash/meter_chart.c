/* meter_chart.c - a counter's use by the hour and by the day (meter_chart.h). */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "fiscal.h"
#include "gm_err.h"
#include "meter_chart.h"
#include "rrd_layout.h"
#include "timeutil.h"
#include "usage.h"

#define HOURS 24
#define DAYS 31

/* One series: the use of n adjacent periods of len seconds from start, of
 * which the first upto have begun (the rest, and any piece with no rows,
 * NAN: no bar). */
static void series(const char *path, time_t start, long len, int n, int upto, double *v)
{
	time_t bounds[DAYS + 1];
	struct usage u[DAYS];
	char err[256];

	for (int i = 0; i < n; i++)
		v[i] = NAN;
	if (upto > n)
		upto = n;
	if (upto <= 0)
		return;
	for (int i = 0; i <= upto; i++)
		bounds[i] = start + (time_t)i * len;
	if (usage_series(path, bounds, upto, u, err, sizeof(err)) != GM_OK)
		return;
	for (int i = 0; i < upto; i++)
		v[i] = u[i].coverage > 0 ? u[i].amount : NAN;
}

static void labels(struct chart *c, int n, int first)
{
	char t[16];

	c->nx = n;
	for (int i = 0; i < n; i++) {
		snprintf(t, sizeof(t), "%d", first + i);
		chart_text(c->x[i], t);
	}
}

/* Today by the hour; the same day a week before beside it. */
static void hours(struct chart *c, const char *path, const struct meter_row *r, time_t now,
    enum lang l)
{
	time_t day = local_day_start(now);

	c->kind = CHART_BARS;
	chart_text(c->title, tr(l, "chart_hours"));
	chart_text(c->unit, unit_words(r->st.unit, l));
	labels(c, HOURS, 0);
	c->ns = 2;
	chart_text(c->sname[0], tr(l, "today"));
	chart_text(c->sname[1], tr(l, "week_before"));
	series(path, day, 3600, HOURS, (int)((now - day) / 3600) + 1, c->v[0]);
	series(path, day - 7 * 86400, 3600, HOURS, HOURS, c->v[1]);
}

/* Days in the calendar month starting at local midnight start. */
static int month_days(time_t start)
{
	return (int)((local_month_start(start + 32 * 86400) - start) / 86400);
}

/* This month by the day; the same month of the baseline year beside it. */
static void days(struct chart *c, const char *path, const struct meter_row *r, time_t now,
    int baseline_fy, enum lang l)
{
	time_t month = local_month_start(now);
	struct tm tm;
	struct period base;
	char name[160];
	int n = month_days(month), nbase = 0;

	c->kind = CHART_BARS;
	chart_text(c->title, tr(l, "chart_days"));
	chart_text(c->unit, unit_words(r->st.unit, l));
	c->ns = 1;
	chart_text(c->sname[0], tr(l, "this_month"));
	series(path, month, 86400, n, (int)((now - month) / 86400) + 1, c->v[0]);
	localtime_r(&month, &tm);
	if (baseline_fy > 0 && calendar_month(tm.tm_year + 1900 -
	    (fiscal_year_of(now) - baseline_fy), tm.tm_mon + 1, &base) == GM_OK &&
	    base.start < month) {
		nbase = month_days(base.start);
		snprintf(name, sizeof(name), tr(l, "base_same_month"), baseline_fy);
		chart_text(c->sname[1], name);
		series(path, base.start, 86400, nbase, nbase, c->v[1]);
		c->ns = 2;
	}
	labels(c, n > nbase ? n : nbase, 1);
}

void meter_chart_write(FILE *f, struct dash *d, const struct meter_row *r, double now,
    enum lang l)
{
	struct chart c;
	char path[4096];

	if (!r->stored || r->journal || r->st.kind != KIND_COUNTER)
		return;
	rrd_layout_path(path, sizeof(path), d->cfg.data_dir, &r->st.id);
	pthread_mutex_lock(&d->rrd_lock);
	dash_flush(d, &r->st.id, false);
	memset(&c, 0, sizeof(c));
	hours(&c, path, r, (time_t)now, l);
	chart_write_html(f, &c, 720);
	memset(&c, 0, sizeof(c));
	days(&c, path, r, (time_t)now, d->org != NULL ? d->org->baseline_fy : 0, l);
	chart_write_html(f, &c, 720);
	pthread_mutex_unlock(&d->rrd_lock);
}
