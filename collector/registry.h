/*
 * registry.h - what the collector knows of each meter channel: its last
 * stored reading and its data-quality counters. Owned by the one thread that
 * ingests; readers (the status report) take the lock.
 */
#ifndef GM_REGISTRY_H
#define GM_REGISTRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chanmeta.h"
#include "payload.h"
#include "seqwin.h"
#include "status_file.h"
#include "topic.h"

/* A channel's state: what its status line says (struct chan_record, r) and
 * what ingest needs besides. */
struct chan_state {
	struct chan_record r;
	bool loaded;          /* last_t/last_v were read from the store */
	struct seqwin seen;   /* which of the 64 seqs below r.last_seq came (ingest.c) */
	struct chanmeta meta;  /* unit and kind the channel is stored as */
	bool meta_loaded;
	bool aside_known;     /* the quarantine's marker was looked at this run */
	/* An announced replacement or reset (meter_events.h) waiting for the
	 * first reading after it: that reading's use counts from pend_base,
	 * plus pend_carry (what the old counter ran before it). */
	bool pending;
	double pend_t, pend_base, pend_carry;
	double peak_rate;     /* highest use a second seen this run; 0: none yet */
	double problem_at;    /* wall clock of r.problem; 0: none */
};

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
/* The status file (status_file.h): every channel's line, each a still
 * picture of its channel, taken under the registry's lock and `outer` (the
 * lock under which ingest changes channels; NULL: none), a few channels at
 * a time. GM_ENOMEM (nothing written) when out of memory. */
int registry_dump(struct registry *r, FILE *out, double now, pthread_mutex_t *outer);

/* Take up the counters of a status file written by an earlier run, so that
 * received, lost, duplicates ... carry on across restarts (as of the file's
 * last write: up to 5 s old after a crash). seq starts afresh. Returns the
 * number of channels taken. */
int registry_load(struct registry *r, FILE *in);

#endif
