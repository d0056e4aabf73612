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

#include "payload.h"
#include "topic.h"

struct chan_state {
	struct chan_id id;
	bool loaded;          /* last_t/last_v were read from the store */
	bool have_last;       /* the store holds at least one reading */
	double last_t, last_v;
	uint64_t last_seq;
	bool have_seq;
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	uint64_t received;    /* readings that arrived */
	uint64_t stored;
	uint64_t duplicates;  /* at or before a reading already stored */
	uint64_t lost;        /* messages missing by seq */
	uint64_t resets;      /* unannounced counter resets flagged */
	uint64_t wraps;
	double last_seen;     /* wall clock of the last message */
};

struct registry;

struct registry *registry_new(void);
void registry_free(struct registry *r);
/* Find the channel, adding it if new (NULL only when out of memory). */
struct chan_state *registry_get(struct registry *r, const struct chan_id *id);
size_t registry_count(struct registry *r);
/* One line per channel, for gm-collector's status output. */
void registry_dump(struct registry *r, FILE *out);

#endif
