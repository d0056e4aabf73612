/* consumption.c - amounts, coverage and gaps of a channel over a period. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <rrd.h>

#include "consumption.h"
#include "entries.h"
#include "meter_event.h"
#include "err.h"
#include "rrd_layout.h"

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

/* Walk the rows; each covers (row_end - step, row_end]. */
static void sum_rows(struct usage *u, time_t start, unsigned long step, unsigned long nds,
    const rrd_value_t *data, int iv, int iu, size_t nrows)
{
	double known_s = 0, wsum = 0;

	for (size_t r = 0; r < nrows; r++) {
		time_t a = start + (time_t)(r * step), b = a + (time_t)step;
		double v = data[r * nds + (size_t)iv], use = data[r * nds + (size_t)iu];
		if (a < u->from)
			a = u->from;
		if (b > u->to)
			b = u->to;
		if (b <= a)
			continue;
		if (isnan(v)) {
			add_gap(u, a, b);
		} else {
			known_s += (double)(b - a);
			wsum += v * (double)(b - a);
			u->min = isnan(u->min) || v < u->min ? v : u->min;
			u->max = isnan(u->max) || v > u->max ? v : u->max;
		}
		if (!isnan(use)) {
			u->amount = isnan(u->amount) ? 0 : u->amount;
			u->amount += use * (double)(b - a);
		}
	}
	u->coverage = known_s / (double)(u->to - u->from);
	u->mean = known_s > 0 ? wsum / known_s : NAN;
}

/* The rows of [start, start + nrows * step) that overlap u's period. */
static void sum_piece(struct usage *u, time_t start, unsigned long step, unsigned long nds,
    const rrd_value_t *data, int iv, int iu, size_t nrows)
{
	time_t st = (time_t)step;
	size_t r0 = u->from > start ? (size_t)((u->from - start) / st) : 0;
	size_t r1 = u->to > start ? (size_t)((u->to - start + st - 1) / st) : 0;

	if (r1 > nrows)
		r1 = nrows;
	if (r0 > r1)
		r0 = r1;
	u->step = step;
	sum_rows(u, start + (time_t)r0 * st, step, nds, data + r0 * nds, iv, iu, r1 - r0);
}

/* One fetch for the pieces' span, then each piece from its rows. */
int usage_rows(const char *rrd_path, struct usage *out, int n, unsigned long want_step,
    unsigned long *ret_step, char *err, size_t errlen)
{
	time_t start = out[0].from, end = out[n - 1].to;
	unsigned long step = want_step != 0 ? want_step : RRD_STEP, nds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	int iv, iu, rc = GM_OK;

	rrd_clear_error();
	if (rrd_fetch_r(rrd_path, "AVERAGE", &start, &end, &step, &nds, &names, &data) != 0)
		return gm_errf(err, errlen, GM_ELIB, "%s: %s", rrd_path, rrd_get_error());
	iv = ds_index(names, nds, RRD_DS_VALUE);
	iu = ds_index(names, nds, RRD_DS_USE);
	if (iv < 0 || iu < 0) {
		rc = gm_errf(err, errlen, GM_EINVAL, "%s: not a greenmeter RRD (no %s/%s)",
		    rrd_path, RRD_DS_VALUE, RRD_DS_USE);
	} else {
		for (int i = 0; i < n; i++)
			sum_piece(&out[i], start, step, nds, data, iv, iu,
			    (size_t)((end - start) / (time_t)step));
	}
	if (ret_step != NULL)
		*ret_step = step;
	for (unsigned long i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return rc;
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
	/* events_each keeps from <= t < to: (from, to] is the next doubles up */
	rc = events_each(path, nextafter((double)out[0].from, INFINITY),
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
