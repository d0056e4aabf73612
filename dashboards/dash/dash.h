/*
 * dash.h - gm-dashboard's shared state: its configuration, the
 * organisation (when configured), and the latest meter snapshot and unit
 * figures, which a scanning thread replaces while the HTTP workers read.
 *
 * A worker takes a reference (dash_meters / dash_units) and gives it back
 * (dash_put); a replaced snapshot is freed when its last reader is done,
 * so no request ever holds a lock while it renders.
 */
#ifndef GM_DASH_H
#define GM_DASH_H

#include <pthread.h>
#include <stdbool.h>

#include <sqlite3.h>

#include "accounts.h"
#include "criteria.h"
#include "dash_config.h"
#include "green_text.h"
#include "http_server.h"
#include "meter_view.h"
#include "org.h"
#include "sessions.h"
#include "signin_limit.h"
#include "unit_view.h"

struct shared;   /* a refcounted pointer */

struct dash {
	struct dash_config cfg;
	struct org *org;              /* NULL: no unit pages */
	struct criteria *crit;
	pthread_mutex_t lock;         /* guards the two below */
	struct shared *meters;        /* struct meter_snap */
	struct shared *units;         /* struct unit_view */
	struct rrdc *cached;          /* rrdcached, or NULL; used by the scan thread */
	struct page_cache *pages;     /* the shared pages' last rendering */
	pthread_mutex_t rrd_lock;     /* librrd graphing and the rrdcached client: one thread at a time */
	sqlite3 *db;                  /* accounts (access.h); NULL: none, every page open */
	pthread_mutex_t db_lock;      /* one page's transaction at a time */
	struct signin_limit *limit;   /* wrong sign-ins per address */
	struct report_run *runner;    /* a report set made again on request; NULL: none */
};

/* Who a request comes from, when the dashboard has accounts. */
struct viewer {
	bool signed_in;
	struct account who;
	struct session s;
	char token[SESSION_TOKEN_LEN + 1];
};

/* The locks: GM_OK, or an error with why in err and nothing to undo
 * (dash_fini is for a dash that dash_init made). */
int dash_init(struct dash *d, char *err, size_t errlen);
void dash_fini(struct dash *d);

/* Install a new snapshot or view (the dash owns it from now on). */
void dash_set_meters(struct dash *d, struct meter_snap *s);
void dash_set_units(struct dash *d, struct unit_view *v);
/* The current one, held until dash_put; NULL when none yet. */
const struct meter_snap *dash_meters(struct dash *d, struct shared **ref);
const struct unit_view *dash_units(struct dash *d, struct shared **ref);
void dash_put(struct dash *d, struct shared *ref);   /* NULL-safe */

/* Behind rrdcached, have it write the channel's file out before it is
 * read (call with rrd_lock held); nothing otherwise. */
void dash_flush(struct dash *d, const struct chan_id *id, bool journal);

struct recent_reading;
/* The channel's latest readings (recent.h), flushed through rrdcached
 * first, under rrd_lock: the count, or a negative code with err. */
int dash_recent(struct dash *d, const struct meter_row *r, struct recent_reading *out, int max,
    char *err, size_t errlen);

/* The request's language: ?lang=en, else Thai. */
enum lang dash_lang(const struct http_req *rq);

/* Route a request to its page (dash_routes.c); an http_handler. */
void dash_routes_handle(void *dash, const struct http_req *rq, struct http_reply *rp);
/* Which paths take a form (an http_form_path): signing in and out, when
 * the dashboard has accounts. */
enum http_form dash_routes_takes_form(void *dash, const struct http_req *rq);

#endif
