/* dash_metrics.c - Prometheus text exposition (format 0.0.4) of every
 * meter channel: last value, age, status and the data-quality counters. */
#include <math.h>
#include <string.h>

#include "handlers.h"
#include "timeutil.h"

enum what { LAST_V, LAST_T, AGE, STALE, STATUS, RECEIVED, LOST, DUPL, STORED, RESETS,
	QUARANTINED, REQUEUED, ASIDE };

struct metric {
	enum what what;
	const char *name, *type, *help;
};

static const struct metric metrics[] = {
	{ LAST_V, "greenmeter_meter_last_value", "gauge", "The last reading stored, in the channel's unit." },
	{ LAST_T, "greenmeter_meter_last_timestamp_seconds", "gauge", "When the last reading was taken (unix seconds)." },
	{ AGE, "greenmeter_meter_age_seconds", "gauge", "Seconds since the last reading." },
	{ STALE, "greenmeter_meter_stale", "gauge", "1 when no reading came for more than 3 intervals." },
	{ STATUS, "greenmeter_meter_status", "gauge", "1 for the channel's status (ok, stale, fault)." },
	{ RECEIVED, "greenmeter_meter_readings_received_total", "counter", "Readings that arrived." },
	{ LOST, "greenmeter_meter_readings_lost_total", "counter", "Messages missing by seq." },
	{ DUPL, "greenmeter_meter_readings_duplicated_total", "counter", "Readings at or before one already stored." },
	{ STORED, "greenmeter_meter_readings_stored_total", "counter", "Readings in the channel's file." },
	{ RESETS, "greenmeter_meter_resets_flagged_total", "counter", "Unannounced counter resets flagged for review." },
	{ QUARANTINED, "greenmeter_meter_readings_quarantined_total", "counter", "Readings put in the collector's quarantine (not stored)." },
	{ REQUEUED, "greenmeter_meter_readings_requeued_total", "counter", "Readings taken back out of the quarantine by a requeue." },
	{ ASIDE, "greenmeter_meter_set_aside", "gauge", "1 while the channel's file is damaged and its readings go to the quarantine." },
};

/* The labels of a channel: ids are [a-z0-9_-] (topic.h), the unit is
 * escaped as the format asks. */
static void labels(FILE *f, const struct chan_record *c, const char *status)
{
	fprintf(f, "{site=\"%s\",meter=\"%s\",channel=\"%s\",unit=\"", c->id.site, c->id.meter,
	    c->id.channel);
	for (const char *p = c->unit; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if (*p != '\n')
			fputc(*p, f);
	}
	fputc('"', f);
	if (status != NULL)
		fprintf(f, ",status=\"%s\"", status);
	fputc('}', f);
}

static void value(FILE *f, double v)
{
	if (isnan(v))
		fputs(" NaN\n", f);
	else
		fprintf(f, " %.17g\n", v);
}

static double value_of(enum what w, const struct meter_row *r, enum chan_status st,
    double now)
{
	const struct chan_record *c = &r->st;

	switch (w) {
	case LAST_V: return c->have_last ? c->last_v : NAN;
	case LAST_T: return c->have_last ? c->last_t : NAN;
	case AGE: return meter_view_age(r, now);
	case STALE: return st == STATUS_STALE;
	case RECEIVED: return (double)c->received;
	case LOST: return (double)c->lost;
	case DUPL: return (double)c->duplicates;
	case STORED: return (double)c->stored;
	case RESETS: return (double)c->resets;
	case QUARANTINED: return (double)c->quarantined;
	case REQUEUED: return (double)c->requeued;
	case ASIDE: return c->aside;
	case STATUS: break;
	}
	return NAN;
}

/* One metric for every row; the status as a state set, a line per state. */
static void family(FILE *f, const struct metric *m, const struct meter_snap *s, double now)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, m->type);
	for (size_t i = 0; i < s->n; i++) {
		const struct chan_record *c = &s->rows[i].st;
		enum chan_status st = meter_view_status(s, &s->rows[i], now);

		for (int k = 0; k < 3 && m->what == STATUS; k++) {
			fputs(m->name, f);
			labels(f, c, chan_status_name((enum chan_status)k));
			fprintf(f, " %d\n", (int)st == k);
		}
		if (m->what == STATUS)
			continue;
		fputs(m->name, f);
		labels(f, c, NULL);
		value(f, value_of(m->what, &s->rows[i], st, now));
	}
}

void dash_metrics_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	double now = now_wall();

	(void)rq;
	rp->type = "text/plain; version=0.0.4; charset=utf-8";
	if (s == NULL) {
		http_server_fail(rp, 503, "not ready: the first scan is running");
		return;
	}
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		family(rp->out, &metrics[i], s, now);
	fprintf(rp->out, "# HELP greenmeter_status_file_age_seconds Seconds since the collector "
	    "last wrote its status file.\n# TYPE greenmeter_status_file_age_seconds gauge\n"
	    "greenmeter_status_file_age_seconds");
	value(rp->out, s->status_mtime > 0 ? now - s->status_mtime : NAN);
	dash_put(d, ref);
}
