/*
 * access.h - who may see what on gm-dashboard: the [accounts] section, and
 * the rule each request passes. Without a database the dashboard is as it
 * was (read-only, every page to whoever reaches it: keep it on loopback or
 * behind a proxy that signs people in). With one, every page needs a
 * signed-in person, except the ones `public` names, and nothing is public
 * by default.
 *
 *   [accounts]
 *   database = /var/lib/greenmeter/dashboard.db   ; SQLite (db.h)
 *   session_hours = 8      ; a session ends this long after sign-in
 *   max_failures = 10      ; wrong passwords in a row that lock an account
 *   lock_minutes = 15      ; for this long
 *   address_failures = 30  ; wrong sign-ins from one address in 15 minutes
 *                          ; before that address waits out the window
 *   public = overview units ; pages anyone may see: overview, units, meters
 *                          ; (a meter and its graphs), reports, api, metrics
 *   evidence = /var/lib/greenmeter/evidence ; checklist evidence files (never
 *                          ; served as a folder); default: <database>.evidence
 *   evidence_max_mb = 10   ; the largest evidence file
 */
#ifndef GM_ACCESS_H
#define GM_ACCESS_H

#include <stdbool.h>

#include "confparse.h"
#include "http_server.h"

enum page_kind {
	PAGE_OVERVIEW, PAGE_UNITS, PAGE_METERS, PAGE_REPORTS, PAGE_API, PAGE_METRICS,
	PAGE_PRIVATE,   /* the audit log and what comes after: never public */
	PAGE_N,
};

struct access_config {
	char database[1024];     /* "": no accounts */
	double session_s;
	int max_failures;
	double lock_s;
	int address_failures;
	bool public[PAGE_N];
	char evidence[1024];     /* "": beside the database */
	size_t evidence_max;     /* bytes */
};

void access_config_defaults(struct access_config *a);
/* One key of [accounts]; mistakes reported through c. */
void access_config_key(struct conf *c, struct access_config *a, const char *key,
    const char *value);

/* What kind of page a request is for (the first path segment). */
enum page_kind access_page_kind(const struct http_req *rq);

#endif
