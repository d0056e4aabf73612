/*
 * usage.h - what a meter channel used over a period, read back from its
 * file; shared by gm-report and the dashboard so both say the same. The file
 * decides how: a path ending in ".entries" is a delta channel's journal of
 * manual entries (common/store/entries.h), any other an RRD (common/store/rrd_layout.h).
 *
 * One rule for period edges, for every figure: a period is [from, to) in
 * the calls below, and what happened at a time t belongs to it when
 * from < t <= to. An RRD row ending at t covers (t - step, t]; a reading at
 * t brings the use since the reading before up to t; an entry at t is the
 * amount of a period ending at t; an event (reset, replacement, late
 * reading) at t is counted where the use of the reading at t is. So a
 * counter reset read at midnight is flagged in the day, month and year its
 * use is counted in, and the parts of a period add up to the whole: use,
 * flags and coverage alike.
 *
 * RRD (counters, gauges):
 * amount: sum over the period of the `use` rate times seconds, i.e. the
 * counter difference (linearly interpolated between readings at the ends).
 * Periods on whole hours (local days and months are) are exact for 5 years;
 * older ones come from daily rows, which rrdtool aligns on UTC days. The
 * hour (or day) under way is not consolidated yet: a period reaching into
 * it takes that part from the minute rows, so a figure up to now is the
 * same whichever resolution its start needs.
 * coverage: the share of the period where `value` is known: between two
 * readings no further apart than the file's heartbeat for it (15 minutes,
 * or half again the channel's expected interval when its agent said one at
 * the file's creation: rrd_layout.h). Time before the first reading, after
 * the last, and in an outage is not covered; each such stretch is a gap.
 * mean/min/max: of the readings.
 *
 * Journal (deltas): an entry counts whole where its t falls; it is never
 * prorated. amount: the exact sum of those entries (NAN if there are none);
 * mean, min, max: of those entries. An entry accounts for the local month
 * of the second before its t (the process's time zone: programs call
 * tz_set): coverage is the share of the period so accounted for, and what
 * is not is a gap for each local month it touches. step is 0.
 *
 * Events (RRD channels): what the channel's events journal
 * (common/meter_event.h) holds for the period, counted by kind. Resets
 * nobody announced and late readings are flagged: a figure with any must
 * be shown as "to review".
 *
 * A figure with coverage < 1 must be shown as incomplete.
 */
#ifndef GM_USAGE_H
#define GM_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define USAGE_MAX_GAPS 32

struct usage_gap {
	time_t start, end;
};

struct usage_events {
	int replaced, reset;                 /* announced */
	int reset_detected, reset_uncounted; /* flagged: nobody announced them */
	int late;                            /* flagged: readings the RRD could not take */
	double uncounted;    /* what reset-uncounted readings showed: use perhaps missed */
	size_t bad_lines;    /* journal lines that could not be read */
	double last_t;       /* internal: repeats of an event count once */
	int last_kind;
};

struct usage {
	time_t from, to;        /* the period asked for: [from, to) */
	unsigned long step;     /* resolution of the rows used, seconds; 0: a journal */
	double amount;          /* NAN when the channel has no use data (gauges) */
	double mean, min, max;  /* of the readings (or entries) in the period; NAN if none */
	double coverage;        /* 0..1 */
	int ngaps;
	bool more_gaps;         /* more than USAGE_MAX_GAPS gaps */
	struct usage_gap gaps[USAGE_MAX_GAPS];
	struct usage_events ev;
};

/* The n adjacent periods [bounds[i], bounds[i + 1]) (n + 1 bounds,
 * ascending): out[i] as usage_get gives for each, from one read of the
 * file (a fiscal year's months cost one rrd_fetch, not twelve). Every piece
 * uses the resolution that covers the whole series; an RRD file's journal
 * lines that could not be read count in every piece's ev.bad_lines. */
int usage_series(const char *path, const time_t *bounds, int n, struct usage *out,
    char *err, size_t errlen);

/* usage_series in its parts, for a reader that keeps the pieces whose rows
 * can no longer change (common/store/usage_cache.h) and sums only the others. For
 * an RRD, usage_series is usage_pieces, usage_rows (want_step 0), then
 * usage_read_events; the same rows give the same doubles either way.
 *   usage_pieces       out[i] = [bounds[i], bounds[i + 1]) with nothing known
 *                      yet; GM_EINVAL if n < 1 or a piece is empty.
 *   usage_rows         the RRD part of the n adjacent pieces out[0 .. n)
 *                      (amount, mean, min, max, coverage, gaps, step), from one
 *                      rrd_fetch of their span. want_step 0: the resolution
 *                      rrd_fetch picks for that span, as usage_series; else
 *                      asked for that many seconds a row (rrd_fetch takes the
 *                      nearest archive holding the span's start: that one, if
 *                      it does). *ret_step (may be NULL): the resolution used.
 *   usage_read_events  out[i].ev from the events journal beside the RRD. */
int usage_pieces(const time_t *bounds, int n, struct usage *out, char *err, size_t errlen);
int usage_rows(const char *rrd_path, struct usage *out, int n, unsigned long want_step,
    unsigned long *ret_step, char *err, size_t errlen);
int usage_read_events(const char *rrd_path, struct usage *out, int n, char *err,
    size_t errlen);

/* Anything in ev a person should review. */
bool usage_flagged(const struct usage *u);

/* GM_OK, or GM_ELIB / GM_EINVAL / GM_EIO / GM_ENOTFOUND with the reason
 * (librrd's, or the journal's "<path>:<line>: ...") in err. */
int usage_get(const char *path, time_t from, time_t to, struct usage *u,
    char *err, size_t errlen);

#endif
