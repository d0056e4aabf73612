/*
 * seqwin.h - which of a channel's recent messages (by seq) are stored, kept
 * beside its RRD as "<channel>.seq" when collectors share a subscription.
 *
 * Collectors in one shared-subscription group get a channel's messages in
 * turn and may store them out of order: message 8 before message 7. Then 7's
 * readings are older than the file, and only this record tells a message
 * already stored (a redelivery: a duplicate) from one that never was (late:
 * kept in the events journal). It holds the highest seq stored and which of
 * the 63 below it were, and is read and written under the file's lock
 * (rrd_store.h rrd_store_lock). Format: one line, "<top> <bits>\n", bit i = seq
 * top - i stored.
 */
#ifndef GM_SEQWIN_H
#define GM_SEQWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topic.h"

struct seqwin {
	uint64_t top;
	uint64_t bits;   /* 0: nothing stored yet */
};

bool seqwin_has(const struct seqwin *w, uint64_t seq);
/* The same window in memory, as messages are seen: seq taken as seen, and
 * what it means for the count of missing numbers: k > 0 when it skips k
 * numbers, -1 when it is one skipped before (it came after newer ones: a
 * broker's or a spool's resend), 0 for a number seen before or too old to
 * tell. The first number seen counts every one below it as seen. */
int seqwin_note(struct seqwin *w, uint64_t seq);
void seqwin_add(struct seqwin *w, uint64_t seq);

/* A missing or unreadable record is an empty window (GM_OK); GM_EIO only
 * when writing fails. */
int seqwin_read(const char *datadir, const struct chan_id *id, struct seqwin *w);
int seqwin_write(const char *datadir, const struct chan_id *id, const struct seqwin *w,
    char *err, size_t errlen);

#endif
