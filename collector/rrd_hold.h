/*
 * rrd_hold.h - what the collector handed to rrdcached and does not yet know
 * to be in the RRD file, per file.
 *
 * rrdcached answers an update once the rows are in its memory and its
 * journal; the collector then acknowledges the message and the broker
 * forgets it. But rrdcached writes its journal through a stdio buffer it
 * does not flush (rrdtool issue #1137), so a crash of rrdcached loses the
 * rows of the last few kilobytes. The collector keeps those rows until a
 * FLUSH has put them into the file, and sends again whatever the file lacks
 * after rrdcached comes back. This module is only the bookkeeping: a table
 * of files, each with its rows in time order and the last time known to be
 * in the file or handed over. No locking: one ingest thread owns it.
 */
#ifndef GM_RRD_HOLD_H
#define GM_RRD_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A row as numbers, 24 bytes: made into text again only when it is sent
 * again (rrd_store_row_text). At 10,000 channels through an rrdcached that
 * writes every 5 minutes, every row of those minutes is held. */
struct held_row {
	int64_t ms;            /* the row's time, ms since 1970 */
	double value;
	double use;            /* NAN: unknown */
};

struct rrd_hold_file {
	char *path;            /* the file, as this process names it */
	bool known;            /* last_ms is the truth, not a guess to re-read */
	int64_t last_ms;       /* newest row in the file or handed over */
	struct held_row *rows; /* handed over, not known to be in the file */
	size_t n, cap;
	int64_t since_ms;      /* monotonic time the oldest held row was handed over */
};

struct rrd_hold;

struct rrd_hold *rrd_hold_new(void);
void rrd_hold_free(struct rrd_hold *h);

/* The file's entry, added (unknown, nothing held) if new; NULL when out of
 * memory. Entries live as long as the table. */
struct rrd_hold_file *rrd_hold_file(struct rrd_hold *h, const char *path);
size_t rrd_hold_count(const struct rrd_hold *h);
struct rrd_hold_file *rrd_hold_at(struct rrd_hold *h, size_t i);

/* Keep a row handed over at monotonic time now_ms: newer than every row
 * held. GM_OK, GM_ENOMEM, or GM_EINVAL for a row out of order. */
int rrd_hold_add(struct rrd_hold_file *f, const struct held_row *row, int64_t now_ms);
/* Rows at or before ms are in the file: forget them. */
void rrd_hold_drop_upto(struct rrd_hold_file *f, int64_t ms);
/* Rows held in all files. */
size_t rrd_hold_rows(const struct rrd_hold *h);

#endif
