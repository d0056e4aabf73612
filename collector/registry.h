/*
 * registry.h - what the collector knows of each meter channel: its last
 * stored reading and its data-quality counters. Owned by the one thread that
 * ingests; readers (the status report) take the lock.
 */
#ifndef GM_REGISTRY_H
#define GM_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chanmeta.h"
#include "payload.h"
#include "seqwin.h"
#include "topic.h"

struct chan_state {
	struct chan_id id;
	bool loaded;          /* last_t/last_v were read from the store */
	bool have_last;       /* the store holds at least one reading */
	double last_t, last_v;
	uint64_t last_seq;    /* the highest seq seen (seen.top) */
	bool have_seq;
	struct seqwin seen;   /* which of the 64 seqs below it came (ingest.c) */
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	struct chanmeta meta;  /* unit and kind the channel is stored as */
	bool meta_loaded;
	uint64_t received;    /* readings that arrived */
	uint64_t stored;      /* in the RRD file (or the entries journal) */
	uint64_t duplicates;  /* at or before a reading already stored */
	uint64_t lost;        /* messages missing by seq */
	uint64_t resets;      /* unannounced counter resets flagged */
	uint64_t wraps;
	uint64_t late;        /* older than the RRD's last: kept in the events journal */
	uint64_t replaced;    /* announced replacements and resets */
	uint64_t rejected;    /* messages refused for good */
	uint64_t quarantined; /* readings put in the quarantine (quarantine.h), ever */
	uint64_t requeued;    /* readings taken back out of it by a requeue, ever */
	bool aside;           /* set aside: its file is damaged; every message goes
	                       * to the quarantine until a requeue (registry lock) */
	bool aside_known;     /* the quarantine's marker was looked at this run */
	double last_seen;     /* wall clock of the last message */
	double interval;      /* seconds between its last two readings; 0: unknown */
	/* An announced replacement or reset (meter_events.h) waiting for the
	 * first reading after it: that reading's use counts from pend_base,
	 * plus pend_carry (what the old counter ran before it). */
	bool pending;
	double pend_t, pend_base, pend_carry;
	double peak_rate;     /* highest use a second seen this run; 0: none yet */
	char problem[400];    /* the last refusal or flag, for the status */
	double problem_at;    /* its wall clock time; 0: none */
	bool fault;           /* the last message was refused or flagged */
	double fault_until;   /* and the fault shows until then (fault_hold) */
};

enum chan_status { STATUS_OK, STATUS_STALE, STATUS_FAULT };

/* fault: the channel is set aside (until a requeue), or its last message was
 * refused or raised a flag, or one
 * did less than fault_hold seconds ago (so that a person sees it); stale: its
 * newest reading is more than 3 intervals (STALE_INTERVALS) older than now
 * (interval unknown: 3 minutes); ok otherwise. A delta channel is manual
 * entries, made once a month: its interval is never taken as less than
 * DELTA_INTERVAL, so it turns stale when three months' entries are missing,
 * not three minutes after the last one. */
#define STALE_INTERVALS 3
#define STATUS_FILE_EVERY 5   /* seconds between the collector's writes of its status file */
#define DELTA_INTERVAL (31 * 86400.0)
enum chan_status chan_status(const struct chan_state *c, double now);
const char *chan_status_name(enum chan_status s);

struct registry;

struct registry *registry_new(void);
void registry_free(struct registry *r);
/* Find the channel, adding it if new (NULL only when out of memory). */
struct chan_state *registry_get(struct registry *r, const struct chan_id *id);
/* Find the channel; NULL if it is not known. */
struct chan_state *registry_find(struct registry *r, const struct chan_id *id);
size_t registry_count(struct registry *r);
/* Rows of the channel now in its file, counted from the thread that wrote
 * them (store_queue.h), under the lock: the ingesting thread leaves
 * `stored` of a queued channel alone. An unknown channel is skipped. */
void registry_add_stored(struct registry *r, const struct chan_id *id, uint64_t n);
/* n readings of the channel went to the quarantine (counted; also from the
 * writer's thread, for a channel this run has not seen yet: it is added);
 * why non-NULL: because its file is damaged, so the channel is set aside
 * with why as its problem. Under the lock. */
void registry_add_quarantined(struct registry *r, const struct chan_id *id, uint64_t n,
    const char *why, double now);
/* Whether the channel is set aside; setting it as the quarantine's marker
 * says (why: the marker's reason); taking it back (a requeue). */
bool registry_aside(struct registry *r, const struct chan_state *cs);
void registry_set_aside(struct registry *r, struct chan_state *cs, bool aside,
    const char *why, double now);
void registry_clear_aside(struct registry *r, struct chan_state *cs);
/* The channel's problem, set and read under the lock (the writer's thread
 * sets it too): fault for hold_s seconds from now. */
void registry_note_problem(struct registry *r, struct chan_state *cs, const char *text,
    double now, double hold_s);
void registry_problem(struct registry *r, const struct chan_state *cs, char *buf, size_t len);
/* cs->quarantined, read under the lock (the writer adds to it). */
uint64_t registry_quarantined(struct registry *r, const struct chan_state *cs);
/* The status file: one line per channel, "site/meter/channel key=value ..."
 * (docs/operations.md); fields are only ever added at the end. */
void registry_dump(struct registry *r, FILE *out, double now);

/* Read one status line back (for gm-collector --status and a restart):
 * 0, or -1 if it is not one. Unknown fields are skipped. */
int registry_parse_line(const char *line, struct chan_state *c);

/* Every channel of a status file, in file order: *ret is malloc'd (the
 * caller frees it), lines that are not status lines are skipped (a line
 * with a NUL byte is none); lines are read whole, however long. GM_OK or
 * GM_ENOMEM. */
int registry_read(FILE *in, struct chan_state **ret, size_t *n);

/* Take up the counters of a status file written by an earlier run, so that
 * received, lost, duplicates ... carry on across restarts (as of the file's
 * last write: up to 5 s old after a crash). seq starts afresh. Returns the
 * number of channels taken. */
int registry_load(struct registry *r, FILE *in);

#endif
