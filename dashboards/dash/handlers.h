/*
 * handlers.h - the dashboard's pages and API answers, one file each
 * (dash_overview.c, dash_meter.c, dash_graph.c, dash_unit.c,
 * dash_reports.c, dash_api.c, dash_metrics.c); dash_routes.c picks one by
 * path. Each renders from the snapshot it holds for the request, so every
 * figure on one page is of one moment.
 */
#ifndef GM_DASH_HANDLERS_H
#define GM_DASH_HANDLERS_H

#include "dash.h"

typedef void page_fn(struct dash *d, const struct http_req *rq, struct http_reply *rp);

page_fn dash_overview_page, dash_unit_list_page, dash_reports_page, dash_metrics_page;
page_fn dash_overview_script;   /* /search.js: the overview's search as you type */
page_fn dash_api_meters, dash_api_units, dash_api_reports;

void dash_meter_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id);
/* file: "<range>.png" or "<range>.svg", range 24h, 7d, 30d or 1y */
void dash_graph_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id, const char *file);
void dash_unit_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *unit);
void dash_reports_file(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *set, const char *file);
void dash_api_meter(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id);
void dash_api_unit(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *unit);

/* Signing in and out (dash_signin.c). dash_viewer: the request's session,
 * if it has a live one (false when the dashboard has no accounts). */
page_fn dash_signin_page;
bool dash_viewer(struct dash *d, const struct http_req *rq, struct viewer *v);
void dash_signout_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
/* A POSTed form of a signed-in viewer with its session's token: every
 * form that changes something passes this first. */
bool dash_form_ok(const struct viewer *v, const struct http_req *rq);
struct evidence;
/* The files of ev (n of them) under code, each a link with the × that
 * removes it; the ×s send form_id, a form outside the one they sit in
 * (forms do not nest). */
void dash_evidence_links(FILE *f, const struct evidence *ev, int n, const char *code,
    const char *form_id, enum lang l);
/* A form's unit choice: the units the viewer may edit, selected one marked. */
void dash_unit_select(FILE *f, const struct org *o, const struct viewer *v, int selected,
    enum lang l);
/* The audit log, newest first, for a coordinator or an administrator
 * (dash_audit.c); 403 for anyone else. */
void dash_audit_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* A unit's monthly amounts: the form, its save (dash_entries.c), and a
 * month's lock (coordinators). */
void dash_entries_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
void dash_entries_lock(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
/* A unit's dials read by hand, from the same page's second form. */
void dash_entries_dial(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* A unit's self-evaluation checklist: the form and its save, an evidence
 * file's upload, and an evidence file (dash_checklist.c). */
void dash_checklist_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
void dash_checklist_upload(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
/* Every unit's checklist progress for a fiscal year (dash_progress.c). */
void dash_progress_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
void dash_checklist_remove(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
void dash_evidence_file(struct dash *d, struct http_reply *rp,
    const struct viewer *v, const char *id);

/* Accounts, for administrators (dash_users.c). */
void dash_users_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* The Green Office action plan (dash_plan.c). */
void dash_plan_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
/* An activity's evidence file attached, or removed (dash_plan.c). */
void dash_plan_upload(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);
void dash_plan_remove(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* Make a Green Office report set again (dash_report_run.c). */
void dash_report_run_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* A unit's files in the newest report set that has any, as links. */
void dash_reports_of_unit(FILE *f, const char *dir, const char *unit, enum lang l);

/* The rows of s worst first (fault, stale, ok), then by name: a malloc'd
 * array of n indexes, or NULL when out of memory. Statuses in st[] too. */
size_t *dash_overview_worst_first(const struct meter_snap *s, double now, enum chan_status *st);

#endif
