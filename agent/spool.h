/*
 * spool.h - the agent's on-disk queue of readings not yet acknowledged by the
 * broker. Every reading goes through it, broker up or down.
 *
 * Promise: a reading appended is in the operating system's hands when
 * spool_append returns (a killed agent loses nothing), and on disk within
 * `sync_ms` (a power cut loses at most that much). Readings come back from
 * spool_read in the order they were appended, with their original times,
 * until spool_ack says the broker has them; after a restart, reading resumes
 * after the last acknowledgement saved (so a few may be sent twice: the
 * collector recognises them). When the spool reaches its size limit, the
 * oldest unacknowledged segment is dropped, and spool_stats counts what was
 * lost that way: never silently. Thread-safe.
 *
 * Only what the wire contract can carry gets in (spool_rec_check): one bad
 * reading is refused alone, never stored to spoil a batch. A damaged file
 * costs only the readings whose records are damaged: every good record
 * after the damage is kept and sent, and the loss is counted and logged in
 * readings, by their ids (spool.c, RECOVERY).
 */
#ifndef GM_SPOOL_H
#define GM_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "topic.h"

struct spool;

struct spool_rec {
	uint64_t id;              /* assigned by spool_append, increasing */
	double t, v;
	double wrap;
	enum reading_kind kind;
	char unit[UNIT_MAX + 1];
	char topic[TOPIC_MAX];
};

struct spool_stats {
	uint64_t next_id;         /* the id the next append gets */
	uint64_t acked;           /* every id up to this one is acknowledged */
	uint64_t pending;         /* appended, not acknowledged */
	uint64_t bytes;           /* on disk */
	uint64_t dropped;         /* lost to the size limit, since open */
	uint64_t truncated;       /* bytes of torn or damaged records cut off at open */
	uint64_t lost;            /* readings lost to damaged records (by their ids,
	                             not yet acknowledged), since open */
	uint64_t refused;         /* readings spool_append refused, since open */
	int segments;
};

/* Open (creating) the spool in `dir`, recovering what is there: a record cut
 * off by a crash is truncated away, damaged records are skipped and every
 * good one after them kept; both are counted. max_bytes bounds the disk
 * used. On failure returns NULL with the reason in err (a segment in a
 * later format is refused, not touched). */
struct spool *spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen);

/* Flush, save the acknowledgement, close. NULL-safe. */
void spool_close(struct spool *sp);

/* Whether r may enter the spool: a reading's topic, a valid unit and kind,
 * t and v as payload_reading_check wants them, a wrap finite and 0 or more.
 * GM_OK, or GM_EINVAL with the reason in err. */
int spool_rec_check(const struct spool_rec *r, char *err, size_t errlen);

/* Append n readings in one write; fills in their ids. A reading that fails
 * spool_rec_check is refused alone (id 0), logged with its topic and
 * counted; the others are appended. GM_OK, GM_EINVAL if any was refused,
 * GM_EIO if the write failed (none appended), GM_ENOMEM. */
int spool_append(struct spool *sp, struct spool_rec *recs, size_t n);

/* Up to max readings with id > after, in order. Returns how many. */
size_t spool_read(struct spool *sp, uint64_t after, struct spool_rec *out, size_t max);

/* Every reading up to `id` is acknowledged: whole segments of them are
 * deleted; the acknowledgement itself is saved by spool_sync. */
void spool_ack(struct spool *sp, uint64_t id);

/* fsync what was appended and save the acknowledgement. */
int spool_sync(struct spool *sp);

void spool_stats(struct spool *sp, struct spool_stats *st);

#endif
