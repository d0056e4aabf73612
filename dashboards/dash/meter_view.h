/*
 * meter_view.h - what the dashboard knows of every meter channel: the
 * collector's registry (its status file, registry.h) joined with the
 * channels stored under the data directory (datadir.h), and each one's
 * use today and this month, local time (usage.h, as gm-report reads
 * it). A scan builds a new snapshot that is never changed afterwards, so
 * pages render from it without locks while the next scan runs.
 *
 * Status is judged at the moment of asking (chan_status in registry.h:
 * stale after 3 intervals without a reading), so an old snapshot, or a
 * status file the collector stopped writing, still tells the truth about age.
 * A channel stored but absent from the status file gets its last reading
 * from its file and an unknown interval.
 */
#ifndef GM_METER_VIEW_H
#define GM_METER_VIEW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "org.h"
#include "status_file.h"

struct rrdc;

struct meter_use {
	bool known;          /* computed (a file to read, and it could be read) */
	double amount;       /* NAN for a gauge */
	double coverage;     /* 0..1: below 1 is incomplete */
	bool flagged;        /* events to review (usage.h usage_flagged) */
	time_t from, to;     /* the span amount and coverage are of: [from, to) */
	time_t flags_to;     /* flagged is of (from, flags_to]: up to the scan */
};

struct meter_row {
	struct chan_record st;   /* last reading, interval, counters */
	bool in_status;         /* the collector's status file names it */
	bool stored;            /* it has a file under the data directory */
	bool journal;           /* a delta channel: the file is its entries journal */
	struct meter_use today, month;
	const struct org_limit *limit;   /* its limits in the organisation file; NULL */
	bool out_of_range;      /* its last reading is outside them: a fault */
};

struct meter_snap {
	double taken;              /* wall clock of the scan */
	double status_mtime;       /* the status file's last change; 0: not read */
	char status_err[300];      /* why it could not be read; "" */
	char walk_err[300];        /* why the data directory could not be listed */
	time_t day_start, month_start;
	double usage_at;           /* when today's and the month's use were read */
	size_t n;
	struct meter_row *rows;    /* by site, meter, channel */
};

struct meter_scan_opts {
	const char *datadir;
	const char *status_file;   /* NULL or "": none */
	struct rrdc *cached;       /* flush each file through rrdcached first; NULL */
	pthread_mutex_t *lock;     /* held around each flush (one rrdcached client) */
	bool usage;                /* read today's and the month's use afresh */
	const struct org *org;     /* its [meter] limits judge the last readings; NULL */
};

/* A new snapshot at `now`; prev (may be NULL) lends its use figures to the
 * channels it has when opts->usage is false. NULL only when out of memory.
 * Problems reading the status file or the directory are kept in the
 * snapshot's *_err, never fatal. */
struct meter_snap *meter_view_scan(const struct meter_scan_opts *o, const struct meter_snap *prev,
    double now);
void meter_view_free(struct meter_snap *s);   /* NULL-safe */

/* The row of id, or NULL. */
const struct meter_row *meter_view_find(const struct meter_snap *s, const struct chan_id *id);
/* The rows are in id order, so a meter's channels are adjacent: the index
 * after the last row of the meter whose first row is at i. */
size_t meter_view_meter_end(const struct meter_snap *s, size_t i);
/* The row's status (registry.h chan_status), judged when the status file
 * was written while the collector keeps writing it (a reading may have come
 * since, unseen), and at now once it has stopped (2 periods missed); a
 * last reading outside the channel's limits is a fault. */
enum chan_status meter_view_status(const struct meter_snap *s, const struct meter_row *r,
    double now);

/* Seconds since its last reading; NAN if it has none. */
double meter_view_age(const struct meter_row *r, double now);


#endif
