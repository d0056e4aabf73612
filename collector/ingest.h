/*
 * ingest.h - one MQTT message in, validated, deduplicated, stored.
 *
 * A message is either handled (stored, or rejected for good with a logged
 * reason naming its topic) or, when the store failed for a reason that may
 * pass (disk full, file locked), left to be offered again: the caller then
 * does not acknowledge it. Counter and gauge readings go to the channel's
 * RRD (rrd_store.h), through the write-ahead log and its writer
 * (store_queue.h) when there is one: those at or before its last stored reading are
 * duplicates (a redelivery after a restart) and are counted, not stored
 * again; readings older than that in a newer message come late and are kept
 * in the channel's events journal (meter_event.h). A counter's use is its
 * difference across wraps, announced replacements and resets
 * (meter_events.h); a fall nobody announced is flagged in that journal
 * (counter.h). Delta readings (manual entries) go to its entries journal
 * (entry_store.h), in any order: the same t with the same value is a
 * duplicate, with another value a correction, which is stored and logged.
 *
 * A message that cannot be stored for a reason trying again will not mend
 * goes to the quarantine (quarantine.h) and is done: a valid reading whose
 * file is damaged (its channel is then set aside, and its later messages
 * follow it there, until a requeue), or a message refused by rule.
 */
#ifndef GM_INGEST_H
#define GM_INGEST_H

#include <stddef.h>

#include "log.h"
#include "quarantine.h"
#include "registry.h"
#include "rrd_store.h"
#include "store_queue.h"

/* INGEST_BUSY: not stored because a file was locked for a moment; offer
 * it again soon, not after the pause a failing store gets. */
enum ingest_result { INGEST_DONE, INGEST_RETRY, INGEST_BUSY };

/* What became of the last message handled for good (INGEST_DONE): stored
 * (or found stored already, or late), put in the quarantine, or refused and
 * not kept (the quarantine's cap for refused messages was reached). */
enum ingest_fate { INGEST_STORED, INGEST_QUARANTINED, INGEST_NOT_KEPT };

struct ingest {
	struct rrd_store *store;
	struct store_queue *queue;   /* NULL: rows written at once (shared groups) */
	struct quarantine *dlq;      /* NULL: no quarantine (tests): waits instead */
	struct registry *reg;
	const char *datadir;
	double max_future_s;   /* readings further ahead of our clock are refused */
	double fault_hold_s;   /* a refused or flagged message shows as fault this long */
	unsigned arrivals;     /* readings kept per channel as they came (status_file.h) */
	char *notes;           /* the message in hand: what became of each of its readings
	                        * (enum arrival_note, by position); NULL: not kept */
	bool shared;           /* other collectors write the same files ($share/) */
	double now;            /* 0: use the wall clock (tests set it) */
	struct complaint store_trouble;   /* a failing store is logged rarely */
	struct complaint dlq_trouble;     /* so is a quarantine that cannot keep */
	const void *in_hand;   /* the payload last left to be offered again */
	bool requeue;          /* messages come from the quarantine: not counted
	                        * as received again, seq not followed */
	uint64_t dead_letters; /* messages put in the quarantine */
	enum ingest_fate fate; /* of the last message handled */
	/* the message in hand, for the quarantine */
	const char *msg_topic;
	const void *msg_payload;
	size_t msg_len;
};

/* The caller offers a message left to be offered again with the same
 * payload pointer, so that it is counted once. */
enum ingest_result ingest_message(struct ingest *ig, const char *topic,
    const void *payload, size_t len);

/* The queue's hooks (store_queue.h; ig as user): rows count as stored, or
 * as quarantined with their channel set aside. */
void ingest_written(void *user, const struct chan_id *id, size_t n);
void ingest_quarantined(void *user, const struct chan_id *id, size_t n, const char *why);

/* Read the channel's last stored reading (once a run), for ingest and
 * meter events alike. GM_EIO (logged) when the store cannot say now;
 * GM_EDAMAGED, why in err, when its file is damaged. */
int ingest_load_last(struct ingest *ig, struct chan_state *cs, char *err, size_t errlen);

/* Whether the channel is set aside (its file damaged): see quarantine.h. */
bool ingest_aside(struct ingest *ig, struct chan_state *cs);

/* The message in hand (ig->msg_*) to the quarantine with its reason, its n
 * readings counted against cs (may be NULL). must_keep: a reading that
 * cannot be stored because its file is damaged: the channel is set aside
 * (why non-NULL: its problem), and INGEST_RETRY if the quarantine cannot
 * keep it either; else a refused message, kept if there is room: always
 * INGEST_DONE. */
enum ingest_result ingest_quarantine(struct ingest *ig, struct chan_state *cs, size_t n,
    const char *why, bool must_keep, const char *where);

#endif
