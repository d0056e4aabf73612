/*
 * web_entries.h - a bureau's monthly amounts entered on the web: reams of
 * paper issued, fuel, waste, for a unit's own channels (the organisation's
 * [meters] lines that give a channel of those resources to that unit
 * alone). An entry goes the way `gm-agent --import` sends one: one reading
 * of kind delta on the wire, stamped and numbered by its month
 * (payload_month_t, payload_month_seq), so the collector's journal stays
 * the one record and its rules about duplicates and corrections hold.
 *
 * A dial read by hand (the water meter in the basement) goes as
 * `--import` sends a reading: kind counter, taken at its time, one a month.
 *
 * Saved first (the database's entries table, with who, when, from where
 * and why, and the audit log, in one transaction), then published; what
 * the broker has not taken yet is published again at the next try
 * (web_entries_publish), so a broker that is down loses nothing. A month
 * a coordinator has locked takes entries from coordinators and
 * administrators only.
 */
#ifndef GM_WEB_ENTRIES_H
#define GM_WEB_ENTRIES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "mqtt_opts.h"
#include "org.h"

#define ENTRY_CHANS_MAX 16

struct entry_chan {
	struct chan_id id;
	enum resource res;
};

/* The unit's own manual channels in force at the month's end: how many
 * (at most max), in the order of the organisation file. */
int web_entries_channels(const struct org *o, int unit, int year, int month,
    struct entry_chan *out, int max);
/* The unit's own dials, read by hand (their [meter] says read = hand),
 * in force now: how many (at most max). */
int web_entries_dials(const struct org *o, int unit, struct entry_chan *out, int max);

struct web_entry {
	struct entry_chan ch;
	int year, month;         /* a dial: the month of its reading */
	double amount;           /* a dial: the counter's reading */
	double old;              /* what was stored; NAN: nothing */
	const char *reason;      /* "" for a first entry */
	bool dial;               /* a counter read by hand at t (kind counter) */
	double t;
};

struct entry_who {
	const char *name, *address, *unit;
	double at;
};

/* Save n entries whole, each with its audit row; GM_OK, GM_EBUSY (a dial
 * reading for a month that has one here already), GM_EPERM (a month locked,
 * and may_locked false: not a coordinator's), nothing saved either way; or
 * GM_EIO. Both are checked inside the transaction, so a lock or another
 * reading made at the same moment cannot be slipped past. */
int web_entries_save(sqlite3 *db, const struct entry_who *who, const struct web_entry *e,
    size_t n, bool may_locked, char *err, size_t errlen);

/* Publish what is saved and not yet taken by the broker, oldest first
 * (lock held around the database only). GM_OK when nothing is left;
 * GM_EIO with why in err (it stays for the next try). */
int web_entries_publish(sqlite3 *db, pthread_mutex_t *lock, const struct mqtt_opts *mqtt,
    char *err, size_t errlen);

/* The latest dial reading saved on the web for the channel (sent yet or
 * not): true with its time and value. */
bool web_entries_last_dial(sqlite3 *db, const struct chan_id *id, double *t, double *v);

/* Is the month locked (by whom, into who)? */
bool web_entries_locked(sqlite3 *db, int year, int month, char *who, size_t len);
/* Lock or unlock a month, audited; GM_OK or GM_EIO. */
int web_entries_set_lock(sqlite3 *db, int year, int month, bool lock, const struct entry_who *w);

#endif
