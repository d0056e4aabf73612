/* usage.c - amounts, coverage and gaps of a channel over a period. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <rrd.h>

#include "usage.h"
#include "entries.h"
#include "meter_event.h"
#include "gm_err.h"
#include "rrd_layout.h"
#include "rrd_read.h"

/* A month without an entry is a gap of its own, not merged with the next:
 * ngaps counts the months missing. */
static void add_month_gap(struct usage *u, time_t a, time_t b)
{
	if (u->ngaps == USAGE_MAX_GAPS) {
		u->more_gaps = true;
		return;
	}
	u->gaps[u->ngaps].start = a;
	u->gaps[u->ngaps].end = b;
	u->ngaps++;
}

/* RRD rows without readings: runs of them make one gap. */
static void add_gap(struct usage *u, time_t a, time_t b)
{
	if (u->ngaps > 0 && u->gaps[u->ngaps - 1].end == a)
		u->gaps[u->ngaps - 1].end = b;
	else
		add_month_gap(u, a, b);
}

static int ds_index(char **names, unsigned long n, const char *want)
{
	for (unsigned long i = 0; i < n; i++) {
		if (strcmp(names[i], want) == 0)
			return (int)i;
	}
	return -1;
}

/* The rows of one rrd_fetch: row r covers (start + r * step, start + (r + 1) * step]. */
struct fetched {
	time_t start;
	unsigned long step, nds;
	size_t n;
	char **names;
	rrd_value_t *data;
	int iv, iu;
};

/* What the rows of a piece add up to, before it is finished. */
struct acc {
	double known_s, wsum;
};

static void fetched_free(struct fetched *f)
{
	for (unsigned long i = 0; i < f->nds; i++)
		rrd_freemem(f->names[i]);
	rrd_freemem(f->names);
	rrd_freemem(f->data);
	memset(f, 0, sizeof(*f));
}

static int fetch(const char *path, time_t start, time_t end, unsigned long step,
    struct fetched *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->step = step;
	rrd_clear_error();
	if (rrd_read_fetch(path, "AVERAGE", &start, &end, &f->step, &f->nds, &f->names,
	    &f->data) != 0)
		return gm_errf(err, errlen, GM_ELIB, "%s: %s", path, rrd_get_error());
	f->start = start;
	f->n = (size_t)((end - start) / (time_t)f->step);
	f->iv = ds_index(f->names, f->nds, RRD_DS_VALUE);
	f->iu = ds_index(f->names, f->nds, RRD_DS_USE);
	if (f->iv < 0 || f->iu < 0) {
		fetched_free(f);
		return gm_errf(err, errlen, GM_EINVAL, "%s: not a greenmeter RRD (no %s/%s)",
		    path, RRD_DS_VALUE, RRD_DS_USE);
	}
	return GM_OK;
}

/* Add the rows of f within [lo, hi) and u's period to u: each covers
 * (row_end - step, row_end]. */
static void sum_rows(struct usage *u, struct acc *k, const struct fetched *f, time_t lo,
    time_t hi)
{
	time_t st = (time_t)f->step;

	lo = lo > u->from ? lo : u->from;
	hi = hi < u->to ? hi : u->to;
	for (size_t r = lo > f->start ? (size_t)((lo - f->start) / st) : 0; r < f->n; r++) {
		time_t a = f->start + (time_t)r * st, b = a + st;
		double v = f->data[r * f->nds + (size_t)f->iv];
		double use = f->data[r * f->nds + (size_t)f->iu];

		a = a < lo ? lo : a;
		b = b > hi ? hi : b;
		if (a >= hi)
			break;
		if (b <= a)
			continue;
		if (isnan(v)) {
			add_gap(u, a, b);
		} else {
			k->known_s += (double)(b - a);
			k->wsum += v * (double)(b - a);
			u->min = isnan(u->min) || v < u->min ? v : u->min;
			u->max = isnan(u->max) || v > u->max ? v : u->max;
		}
		if (!isnan(use)) {
			u->amount = isnan(u->amount) ? 0 : u->amount;
			u->amount += use * (double)(b - a);
		}
	}
}

static void finish(struct usage *u, const struct acc *k, unsigned long step)
{
	u->step = step;
	u->coverage = k->known_s / (double)(u->to - u->from);
	u->mean = k->known_s > 0 ? k->wsum / k->known_s : NAN;
}

/* Coarser rows end with the last whole one: rrdtool consolidates an hour
 * (or a day) only once it is over. What came since is in the minute rows,
 * so a period that reaches into the row under way takes its end from them,
 * and a figure up to now is the same whichever archive its start needs.
 * Returns where the minute rows take over (end: nowhere). */
static time_t fetch_tail(const char *path, const struct fetched *f, time_t end,
    struct fetched *tail)
{
	time_t last = rrd_read_last(path), c;
	char err[256];

	memset(tail, 0, sizeof(*tail));
	if (f->step <= RRD_STEP || last <= 0)
		return end;
	c = last - last % (time_t)f->step;
	if (c >= end || fetch(path, c, end, RRD_STEP, tail, err, sizeof(err)) != GM_OK)
		return end;
	if (tail->step != RRD_STEP) {   /* the minutes are gone too: as it is */
		fetched_free(tail);
		return end;
	}
	return c;
}

/* One fetch for the pieces' span, then each piece from its rows. */
int usage_rows(const char *rrd_path, struct usage *out, int n, unsigned long want_step,
    unsigned long *ret_step, char *err, size_t errlen)
{
	struct fetched f, tail;
	time_t c;
	int rc;

	rc = fetch(rrd_path, out[0].from, out[n - 1].to, want_step != 0 ? want_step : RRD_STEP,
	    &f, err, errlen);
	if (rc != GM_OK)
		return rc;
	c = fetch_tail(rrd_path, &f, out[n - 1].to, &tail);
	for (int i = 0; i < n; i++) {
		struct acc k = { 0, 0 };

		sum_rows(&out[i], &k, &f, out[i].from, c);
		if (c < out[n - 1].to)
			sum_rows(&out[i], &k, &tail, c, out[i].to);
		finish(&out[i], &k, f.step);
	}
	if (ret_step != NULL)
		*ret_step = f.step;
	fetched_free(&f);
	if (c < out[n - 1].to)
		fetched_free(&tail);
	return GM_OK;
}

/* Local midnight starting the month after the one that contains t. */
static time_t next_month(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mon++;   /* mktime carries December into January */
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The last local month start before t (for 1 October 00:00, 1 September). */
static time_t month_start_before(time_t t)
{
	struct tm tm;
	time_t s = t - 1;

	localtime_r(&s, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	s = mktime(&tm);
	return s == (time_t)-1 || s >= t ? t - 1 : s;
}

/* [a, b) without an entry: a gap for each month it touches, so that ngaps
 * counts the months not entered. */
static void journal_gap(struct usage *u, time_t a, time_t b)
{
	for (time_t m; a < b; a = m) {
		m = next_month(a);
		if (m <= a || m > b)
			m = b;
		add_month_gap(u, a, m);
	}
}

/* Manual entries: each is the amount of a period ending at its t, so it
 * counts in the period [from, to) when from < t <= to (an entry at
 * 1 October 00:00 is September's), whole, never prorated. It accounts for
 * its local month (that of the second before t: September for 1 October
 * 00:00, and for 30 September 17:00): that share of the period is its
 * coverage, and what no entry accounts for is a gap. */
static void journal_piece(const struct entries *es, struct usage *u)
{
	size_t count = 0;
	time_t done = u->from;   /* accounted for, or a gap, up to here */
	double sum = 0, covered = 0;

	for (size_t i = 0; i < es->n; i++) {
		time_t t = (time_t)ceil(es->e[i].t), a = month_start_before(t), b = next_month(a);

		if (es->e[i].t > (double)u->from && es->e[i].t <= (double)u->to) {
			double v = es->e[i].v;

			sum += v;
			count++;
			u->min = isnan(u->min) || v < u->min ? v : u->min;
			u->max = isnan(u->max) || v > u->max ? v : u->max;
		}
		b = b <= a || b > u->to ? u->to : b;
		a = a > done ? a : done;
		if (b <= a)
			continue;   /* its month is outside, or accounted for already */
		journal_gap(u, done, a);
		covered += (double)(b - a);
		done = b;
	}
	journal_gap(u, done, u->to);
	if (count > 0) {
		u->amount = sum;
		u->mean = sum / (double)count;
	}
	u->coverage = covered / (double)(u->to - u->from);
}

static int usage_journal(const char *path, struct usage *out, int n, char *err, size_t errlen)
{
	struct entries es;
	int rc;

	if ((rc = entries_load(path, &es, err, errlen)) != GM_OK)
		return rc;
	for (int i = 0; i < n; i++)
		journal_piece(&es, &out[i]);
	entries_free(&es);
	return GM_OK;
}

static bool is_journal(const char *path)
{
	size_t n = strlen(path), sl = strlen(ENTRIES_SUFFIX);

	return n > sl && strcmp(path + n - sl, ENTRIES_SUFFIX) == 0;
}

/* Repeats of one event (a store retried after its journal line was
 * written) count once: they follow each other in the file. */
static void count_event(const struct meter_event *ev, void *user)
{
	struct usage_events *ue = user;

	if (ev->t == ue->last_t && (int)ev->kind == ue->last_kind)
		return;
	ue->last_t = ev->t;
	ue->last_kind = ev->kind;
	switch (ev->kind) {
	case EV_REPLACED: ue->replaced++; break;
	case EV_RESET: ue->reset++; break;
	case EV_RESET_DETECTED: ue->reset_detected++; break;
	case EV_RESET_UNCOUNTED:
		ue->reset_uncounted++;
		ue->uncounted += ev->to;
		break;
	case EV_LATE: ue->late++; break;
	default: break;
	}
}

struct event_pieces {
	struct usage *u;
	int n;
};

/* The piece holding the event's time, from < t <= to as for use: a reset
 * read at midnight belongs to the day its use is counted in (pieces are
 * adjacent, ascending). */
static void count_in_piece(const struct meter_event *ev, void *user)
{
	struct event_pieces *ep = user;
	int lo = 0, hi = ep->n - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if ((double)ep->u[mid].from < ev->t)
			lo = mid;
		else
			hi = mid - 1;
	}
	count_event(ev, &ep->u[lo].ev);
}

/* The events journal beside an RRD, "<channel>.events", read once. */
int usage_read_events(const char *rrd_path, struct usage *out, int n, char *err,
    size_t errlen)
{
	char path[4096];
	size_t len = strlen(rrd_path), nbad = 0;
	struct event_pieces ep = { out, n };
	int rc;

	if (len < 4 || len + sizeof(EVENTS_SUFFIX) > sizeof(path) ||
	    strcmp(rrd_path + len - 4, ".rrd") != 0)
		return GM_OK;
	memcpy(path, rrd_path, len - 4);
	strcpy(path + len - 4, EVENTS_SUFFIX);
	for (int i = 0; i < n; i++)
		out[i].ev.last_t = -1;
	/* meter_event_journal_each keeps from <= t < to: (from, to] is the next doubles up */
	rc = meter_event_journal_each(path, nextafter((double)out[0].from, INFINITY),
	    nextafter((double)out[n - 1].to, INFINITY), count_in_piece, &ep, &nbad, err, errlen);
	for (int i = 0; i < n; i++)   /* bad lines: of the file, not of a period */
		out[i].ev.bad_lines = nbad;
	return rc;
}

int usage_pieces(const time_t *bounds, int n, struct usage *out, char *err, size_t errlen)
{
	if (n < 1)
		return gm_errf(err, errlen, GM_EINVAL, "no period");
	for (int i = 0; i < n; i++) {
		struct usage *u = &out[i];

		memset(u, 0, sizeof(*u));
		u->from = bounds[i];
		u->to = bounds[i + 1];
		u->amount = u->mean = u->min = u->max = NAN;
		if (u->to <= u->from)
			return gm_errf(err, errlen, GM_EINVAL, "empty period");
	}
	return GM_OK;
}

int usage_series(const char *path, const time_t *bounds, int n, struct usage *out,
    char *err, size_t errlen)
{
	int rc;

	if ((rc = usage_pieces(bounds, n, out, err, errlen)) != GM_OK)
		return rc;
	if (is_journal(path))
		return usage_journal(path, out, n, err, errlen);
	if ((rc = usage_rows(path, out, n, 0, NULL, err, errlen)) != GM_OK)
		return rc;
	return usage_read_events(path, out, n, err, errlen);
}

int usage_get(const char *path, time_t from, time_t to, struct usage *u,
    char *err, size_t errlen)
{
	time_t bounds[2] = { from, to };

	return usage_series(path, bounds, 1, u, err, errlen);
}

bool usage_flagged(const struct usage *u)
{
	return u->ev.reset_detected + u->ev.reset_uncounted + u->ev.late > 0 ||
	    u->ev.bad_lines > 0;
}
