/*
 * wal.h - the collector's write-ahead log: rows taken but not yet in their
 * RRD files, in "<datadir>/.wal/" (no id starts with a dot, so no channel
 * can be named like it).
 *
 * The log is a run of numbered segments, "<n>.wal", text, one row a line:
 *   site/meter/channel kind unit t value use
 * (use "U" when unknown). Rows are appended with one write(2) a call, so a
 * row appended survives the collector being killed; segments are
 * fdatasync'd when they are closed (wal_rotate), so a power cut loses at
 * most the open segment. A segment is removed once every row in it is in its
 * file (wal_drop_before). One collector owns the log at a time: wal_open
 * takes an exclusive lock on "<datadir>/.wal/lock".
 */
#ifndef GM_WAL_H
#define GM_WAL_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "rrd_store.h"
#include "topic.h"

struct wal;

/* Waits up to wait_s seconds for the lock (0: not at all); GM_EBUSY with a
 * reason naming the directory if another collector keeps it. */
int wal_open(struct wal **out, const char *datadir, double wait_s, char *err,
    size_t errlen);
/* Closes the open segment (synced) and frees; segments stay on disk. */
void wal_close(struct wal *w);

/* Hand every row the segments on disk hold to fn, oldest first, with its
 * segment's number. Lines that are not rows (torn by a crash, edited) are
 * logged with file:line and skipped; a segment that had any is renamed to
 * "<n>.wal.bad" once its rows are in their files, for a person to look at. */
typedef void (*wal_row_fn)(void *user, uint64_t seg, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row);
int wal_replay(struct wal *w, wal_row_fn fn, void *user, char *err, size_t errlen);

/* Append rows of one channel to the open segment. */
int wal_append(struct wal *w, const struct chan_rows *cr, char *err, size_t errlen);
/* The number of the open segment: rows appended now land in it. */
uint64_t wal_segment(const struct wal *w);

/* Start a new segment if the open one holds anything, and return the
 * previous one's fd for wal_seal (or -1 if there was nothing to seal). Not
 * thread-safe against wal_append: the caller holds its own lock. */
int wal_rotate(struct wal *w);
/* fdatasync and close a segment wal_rotate handed over (any thread). */
int wal_seal(struct wal *w, int fd, char *err, size_t errlen);

/* Remove the segments numbered below seg: their rows are in the files. */
void wal_drop_before(struct wal *w, uint64_t seg);

/* One row as a log line (without the newline): for wal.c and its tests. */
int wal_format(char *buf, size_t len, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row);
int wal_parse(const char *line, struct chan_id *id, struct payload_meta *meta,
    struct store_row *row, char *err, size_t errlen);

#endif
