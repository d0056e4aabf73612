/* web_entries.c - monthly amounts from the web to the wire (web_entries.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "gm_err.h"
#include "numtext.h"
#include "oneshot.h"
#include "payload.h"
#include "timeutil.h"
#include "web_entries.h"

#define PUBLISH_BATCH 64
#define PUBLISH_TIMEOUT_MS 5000

static bool manual(enum resource r)
{
	return r == RES_PAPER_REAMS || r == RES_FUEL || r == RES_WASTE;
}

static bool by_hand(const struct org *o, const struct chan_id *id)
{
	const struct org_meter *m = org_meter_find(o, id->site, id->meter);

	return m != NULL && m->by_hand;
}

int web_entries_channels(const struct org *o, int unit, int year, int month,
    struct entry_chan *out, int max)
{
	time_t end = (time_t)payload_month_t(year, month);
	int n = 0;

	for (size_t i = 0; o != NULL && i < o->nmap && n < max; i++) {
		const struct meter_map *m = org_map_at(o, &o->map[i].id, end);

		/* each channel once: the line in force at the month's end */
		if (m != &o->map[i] || !manual(m->res) || m->nshares != 1 ||
		    m->shares[0].unit != unit || by_hand(o, &m->id))
			continue;
		out[n].id = m->id;
		out[n++].res = m->res;
	}
	return n;
}

int web_entries_dials(const struct org *o, int unit, struct entry_chan *out, int max)
{
	time_t now = (time_t)now_wall();
	int n = 0;

	for (size_t i = 0; o != NULL && i < o->nmap && n < max; i++) {
		const struct meter_map *m = org_map_at(o, &o->map[i].id, now);

		if (m != &o->map[i] || m->nshares != 1 || m->shares[0].unit != unit ||
		    !by_hand(o, &m->id))
			continue;
		out[n].id = m->id;
		out[n++].res = m->res;
	}
	return n;
}

static int sql_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	return gm_errf(err, errlen, GM_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

static int save_one(sqlite3 *db, const struct entry_who *w, const struct web_entry *e,
    char *err, size_t errlen)
{
	char chan[3 * (ID_MAX + 1)], month[16], when[40], what[400], old[40], amount[40];
	sqlite3_stmt *st;
	bool ok;

	chan_id_str(&e->ch.id, chan, sizeof(chan));
	snprintf(month, sizeof(month), "%04d-%02d", e->year, e->month);
	snprintf(when, sizeof(when), "%s", month);
	if (e->dial) {   /* the day it was read */
		time_format_local((time_t)e->t, when, sizeof(when));
		when[10] = '\0';
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO entries (at, who, address, unit, channel, month, "
	    "amount, wire_unit, reason, kind, t) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11)", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, "save an entry", err, errlen);
	sqlite3_bind_double(st, 1, w->at);
	sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, chan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, month, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 7, e->amount);
	sqlite3_bind_text(st, 8, resource_unit(e->ch.res), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, e->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, e->dial ? "counter" : "delta", -1, SQLITE_STATIC);
	if (e->dial)
		sqlite3_bind_double(st, 11, e->t);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	snprintf(what, sizeof(what), "%s %s %s %s%s%s", e->dial ? "dial" : "entry", w->unit, chan,
	    when, e->reason[0] ? ": " : "", e->reason);
	numtext_shortest(old, sizeof(old), e->old);
	numtext_shortest(amount, sizeof(amount), e->amount);
	if (!ok || audit_add(db, w->at, w->name, w->address, what, isfinite(e->old) ? old : NULL,
	    amount) != GM_OK)
		return sql_fail(db, "save an entry", err, errlen);
	return GM_OK;
}

/* A dial reading for a month that has one saved here already, or a later
 * one: checked again inside the save's transaction, where two forms sent
 * at once cannot both pass. */
static bool dial_taken(sqlite3 *db, const struct web_entry *e, char *err, size_t errlen)
{
	double t, v;
	time_t lt;
	struct tm last;

	if (!e->dial || !web_entries_last_dial(db, &e->ch.id, &t, &v))
		return false;
	lt = (time_t)t;
	localtime_r(&lt, &last);
	if ((e->year - 1900 - last.tm_year) * 12 + e->month - 1 - last.tm_mon > 0 && e->amount >= v)
		return false;
	gm_errf(err, errlen, GM_EBUSY, "a reading of %04d-%02d or later, or a higher one, is saved "
	    "already", e->year, e->month);
	return true;
}

int web_entries_save(sqlite3 *db, const struct entry_who *who, const struct web_entry *e,
    size_t n, bool may_locked, char *err, size_t errlen)
{
	int rc = GM_OK;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "save entries", err, errlen);
	for (size_t i = 0; i < n && rc == GM_OK; i++) {
		char by[80];

		if (!may_locked && web_entries_locked(db, e[i].year, e[i].month, by, sizeof(by)))
			rc = gm_errf(err, errlen, GM_EPERM, "%04d-%02d is locked", e[i].year, e[i].month);
		else
			rc = dial_taken(db, &e[i], err, errlen) ? GM_EBUSY : save_one(db, who, &e[i],
			    err, errlen);
	}
	if (rc == GM_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(db, "save entries", err, errlen);
	if (rc != GM_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The unpublished entries, oldest first, as messages; their ids in ids.
 * How many, or -1. */
static int pending(sqlite3 *db, struct oneshot_msg *m, long long *ids, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, channel, month, amount, wire_unit, kind, t FROM "
	    "entries WHERE published = 0 ORDER BY id LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct payload_meta meta = { .kind = KIND_DELTA };
		struct chan_id id;
		struct point p;
		char s[ID_MAX + 1], mt[ID_MAX + 1], c[ID_MAX + 1], why[128];
		int y, mo;

		if (sscanf((const char *)sqlite3_column_text(st, 1), "%64[^/]/%64[^/]/%64s", s, mt,
		    c) != 3 || chan_id_set(&id, s, mt, c, NULL, 0) != 0 ||
		    sscanf((const char *)sqlite3_column_text(st, 2), "%d-%d", &y, &mo) != 2)
			continue;   /* written by us: cannot happen */
		snprintf(meta.unit, sizeof(meta.unit), "%s", (const char *)sqlite3_column_text(st, 4));
		meta.seq = payload_month_seq(y, mo);
		p.t = payload_month_t(y, mo);
		if (strcmp((const char *)sqlite3_column_text(st, 5), "counter") == 0) {
			/* a dial: read at t, one a month, as --import sends one */
			meta.kind = KIND_COUNTER;
			meta.every = PAYLOAD_EVERY_MONTHLY;
			p.t = sqlite3_column_double(st, 6);
		}
		p.v = sqlite3_column_double(st, 3);
		topic_build(m[n].topic, sizeof(m[n].topic), &id, TOPIC_READING);
		if (payload_encode(&meta, &p, 1, &m[n].payload, why, sizeof(why)) != GM_OK)
			continue;
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

static void mark_published(sqlite3 *db, const long long *ids, int n)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "UPDATE entries SET published = 1 WHERE id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

int web_entries_publish(sqlite3 *db, pthread_mutex_t *lock, const struct mqtt_opts *mqtt,
    char *err, size_t errlen)
{
	struct oneshot_msg m[PUBLISH_BATCH];
	long long ids[PUBLISH_BATCH];
	int n, rc = GM_OK;

	do {
		memset(m, 0, sizeof(m));
		pthread_mutex_lock(lock);
		n = pending(db, m, ids, PUBLISH_BATCH);
		pthread_mutex_unlock(lock);
		if (n < 0)
			return gm_errf(err, errlen, GM_EIO, "entries: %s", sqlite3_errmsg(db));
		/* sending again is safe: the collector stores a repeated entry once */
		if (n > 0 && (rc = oneshot_publish(mqtt, m, (size_t)n, PUBLISH_TIMEOUT_MS, err,
		    errlen)) == GM_OK) {
			pthread_mutex_lock(lock);
			mark_published(db, ids, n);
			pthread_mutex_unlock(lock);
		}
		for (int i = 0; i < n; i++)
			free(m[i].payload);
	} while (rc == GM_OK && n == PUBLISH_BATCH);
	return rc;
}

bool web_entries_last_dial(sqlite3 *db, const struct chan_id *id, double *t, double *v)
{
	char chan[3 * (ID_MAX + 1)];
	sqlite3_stmt *st;
	bool found = false;

	chan_id_str(id, chan, sizeof(chan));
	if (sqlite3_prepare_v2(db, "SELECT t, amount FROM entries WHERE kind = 'counter' AND "
	    "channel = ?1 ORDER BY t DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, chan, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*t = sqlite3_column_double(st, 0);
		*v = sqlite3_column_double(st, 1);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool web_entries_locked(sqlite3 *db, int year, int month, char *who, size_t len)
{
	char key[16];
	sqlite3_stmt *st;
	bool locked = false;

	snprintf(key, sizeof(key), "%04d-%02d", year, month);
	if (sqlite3_prepare_v2(db, "SELECT who FROM locks WHERE month = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		locked = true;
		snprintf(who, len, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return locked;
}

int web_entries_set_lock(sqlite3 *db, int year, int month, bool lock, const struct entry_who *w)
{
	char key[16];
	sqlite3_stmt *st;
	int rc = GM_EIO;

	snprintf(key, sizeof(key), "%04d-%02d", year, month);
	if (sqlite3_prepare_v2(db, lock ? "INSERT OR REPLACE INTO locks (month, who, at) "
	    "VALUES (?1, ?2, ?3)" : "DELETE FROM locks WHERE month = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (lock) {
		sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 3, w->at);
	}
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = GM_OK;
	sqlite3_finalize(st);
	if (rc == GM_OK) {
		char what[64];

		snprintf(what, sizeof(what), "%s %s", lock ? "lock month" : "unlock month", key);
		audit_add(db, w->at, w->name, w->address, what, NULL, NULL);
	}
	return rc;
}
