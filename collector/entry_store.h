/*
 * entry_store.h - storing the readings of delta channels (manual entries)
 * in their entries journals, "<datadir>/<site>/<meter>/<channel>.entries"
 * (format and reading rules: common/store/entries.h, docs/storage.md).
 *
 * A delta reading is an amount for a period ending at t, and such entries
 * arrive late and get corrected, so unlike an RRD the journal takes them in
 * any order. For each reading of a message:
 *   - no entry for its t yet:           appended (ENTRY_NEW)
 *   - an entry for t with another value: appended, and from now on it is the
 *                                        entry for t (ENTRY_CORRECTION)
 *   - an entry for t with this value:   not appended (ENTRY_DUPLICATE)
 * The new lines of a message go in one write() followed by fdatasync(), so
 * the message is acknowledged only once they are on disk; a crash can tear
 * only the last line, which the next put cuts off (and reports).
 *
 * The journal is made at the channel's first reading, its header and first
 * lines in that same one write, with "<channel>.meta" (kind delta) written
 * beside it first. Every put reads the whole journal under an exclusive
 * flock(), so collectors sharing a data directory (shared subscriptions)
 * never decide on a stale copy; journals are small (an entry a month), so
 * that is cheap. Readers take no lock: they ignore a line being written as
 * they would a torn one.
 *
 * Errors: GM_EINVAL when the reading does not fit the channel for good (it
 * is stored as another kind): reject the message. Anything else (GM_EIO,
 * GM_ENOMEM, a journal of a newer format) may pass: offer the message again.
 */
#ifndef GM_ENTRY_STORE_H
#define GM_ENTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "payload.h"
#include "topic.h"

enum entry_fate { ENTRY_NEW, ENTRY_CORRECTION, ENTRY_DUPLICATE };

struct entry_put {
	enum entry_fate fate;
	double old_v;           /* ENTRY_CORRECTION: the value it replaces */
};

struct entry_put_report {
	size_t cut;             /* bytes of a torn last line cut off before appending */
	size_t nbad;            /* journal lines that are not entries (left as they are) */
	char bad[200];          /* the first of them: "<path>:<line>: reason" */
	bool have_last;         /* the latest entry (by t) after the put: */
	double last_t, last_v;
};

/* One message's readings of a delta channel. */
struct entry_msg {
	const struct chan_id *id;
	const struct payload_meta *meta;
	const struct point *pts;
	size_t n;               /* >= 1 */
	double received_at;     /* written into each new line */
};

/* Store the message's readings; put[i] says what became of pts[i]. */
int entry_store_put(const char *datadir, const struct entry_msg *m, struct entry_put *put,
    struct entry_put_report *rep, char *err, size_t errlen);

#endif
