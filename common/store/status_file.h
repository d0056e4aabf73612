/*
 * status_file.h - the collector's status file: one line per meter channel,
 * "site/meter/channel key=value ..." (docs/operations.md), written by
 * gm-collector every STATUS_FILE_EVERY seconds and read by `gm-collector
 * --status`, a restarting collector and gm-dashboard. Fields are only ever
 * added at the end of a line; readers skip fields they do not know.
 *
 * A struct chan_record is what a line says of a channel: its last reading,
 * its data-quality counters and its problem. The collector keeps one in each
 * channel's state (collector/registry.h); readers get them from
 * status_read().
 */
#ifndef GM_STATUS_FILE_H
#define GM_STATUS_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "payload.h"
#include "topic.h"

/* A reading as it came to the collector: its time and value, when it came
 * (at, the collector's clock) and what became of it (note). A channel keeps
 * its ARRIVED_MAX latest, newest first: what a person checks a meter by,
 * where the RRD's rows hold a value a minute. */
#define ARRIVED_MAX 20
enum arrival_note {
	ARR_STORED = 's',      /* in its file (or journal) */
	ARR_DUPLICATE = 'd',   /* at or before a reading stored already */
	ARR_LATE = 'l',        /* older than the file's last: in the events journal */
	ARR_RESET = 'r',       /* an unannounced counter reset, flagged */
	ARR_WRAP = 'w',        /* the counter wrapped */
	ARR_QUARANTINED = 'q', /* refused or set aside: in the quarantine */
};
struct arrival {
	double t, v, at;
	char note;             /* enum arrival_note */
};

struct chan_record {
	struct chan_id id;
	bool have_last;       /* the store holds at least one reading */
	double last_t, last_v;
	uint64_t last_seq;    /* the highest seq seen */
	bool have_seq;
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	uint64_t received;    /* readings that arrived */
	uint64_t stored;      /* in the RRD file (or the entries journal) */
	uint64_t duplicates;  /* at or before a reading already stored */
	uint64_t lost;        /* messages missing by seq */
	uint64_t resets;      /* unannounced counter resets flagged */
	uint64_t wraps;
	uint64_t late;        /* older than the RRD's last: kept in the events journal */
	uint64_t replaced;    /* announced replacements and resets */
	uint64_t rejected;    /* messages refused for good */
	uint64_t quarantined; /* readings put in the quarantine, ever */
	uint64_t requeued;    /* readings taken back out of it by a requeue, ever */
	bool aside;           /* set aside: its file is damaged (collector/quarantine.h) */
	double last_seen;     /* wall clock of the last message */
	double interval;      /* seconds between its last two readings; 0: unknown */
	char problem[400];    /* the last refusal or flag */
	bool fault;           /* the last message was refused or flagged */
	double fault_until;   /* and the fault shows until then (not in the file) */
	struct arrival arrived[ARRIVED_MAX];   /* newest first */
	unsigned narrived;
};

/* a as the channel's newest arrival, keeping at most keep (≤ ARRIVED_MAX). */
void status_arrived(struct chan_record *c, const struct arrival *a, unsigned keep);

enum chan_status { STATUS_OK, STATUS_STALE, STATUS_FAULT };

/* fault: the channel is set aside (until a requeue), or its last message was
 * refused or raised a flag, or one did less than fault_hold seconds ago (so
 * that a person sees it); stale: its newest reading is more than 3
 * intervals (STALE_INTERVALS) older than now (interval unknown: 1 minute); ok
 * otherwise. A delta channel is manual entries, made once a month: its
 * interval is never taken as less than DELTA_INTERVAL, so it turns stale
 * when three months' entries are missing, not three minutes after the last
 * one. */
#define STALE_INTERVALS 3
#define STATUS_FILE_EVERY 5   /* seconds between the collector's writes of its status file */
#define DELTA_INTERVAL (31 * 86400.0)
enum chan_status chan_status(const struct chan_record *c, double now);
const char *chan_status_name(enum chan_status s);

/* One channel's line, with its status at now, and the newline. */
void status_put(FILE *out, const struct chan_record *c, double now);

/* Read one line back: 0, or -1 if it is not a status line. Unknown fields
 * are skipped. */
int status_parse_line(const char *line, struct chan_record *c);

/* Each line of a status file, whole (however long) and without its
 * newline, to fn, in file order; a line with a NUL byte is no status line
 * and is skipped. fn returns GM_OK to go on; its other codes end the walk
 * and are returned. */
int status_each_line(FILE *in, int (*fn)(const char *line, void *user), void *user);

/* Every channel of a status file, in file order: *ret is malloc'd (the
 * caller frees it), lines that are not status lines are skipped. GM_OK or
 * GM_ENOMEM. */
int status_read(FILE *in, struct chan_record **ret, size_t *n);

#endif
