/* dash_routes.c - which page answers which path. */
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "handlers.h"
#include "page_cache.h"

static bool is(const struct http_req *rq, int n, const char *first)
{
	return rq->nseg == n && (first == NULL || strcmp(rq->seg[0], first) == 0);
}

/* A channel named by three segments from i on; false (and 400) when they are
 * not ids. */
static bool chan_of(const struct http_req *rq, int i, struct chan_id *id, struct http_reply *rp)
{
	char err[160];

	if (chan_id_set(id, rq->seg[i], rq->seg[i + 1], rq->seg[i + 2], err, sizeof(err)) == 0)
		return true;
	http_server_fail(rp, 400, err);
	return false;
}

/* The pages every viewer shares: from the cache when fresh (page_cache.h),
 * else rendered here and kept. */
static void shared_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    page_fn *fn)
{
	char key[PAGE_CACHE_KEY], *buf = NULL;
	size_t len = 0;
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	double version = s ? s->taken : 0;
	FILE *theirs = rp->out;

	dash_put(d, ref);
	snprintf(key, sizeof(key), "%.40s?%s", rq->path, dash_lang(rq) == LANG_EN ? "en" : "th");
	if (s != NULL && page_cache_get(d->pages, key, version, &rp->data, &rp->len, &rp->type))
		return;
	if ((rp->out = open_memstream(&buf, &len)) == NULL) {
		rp->out = theirs;
		fn(d, rq, rp);
		return;
	}
	fn(d, rq, rp);
	fclose(rp->out);
	rp->out = theirs;
	if (rp->data == NULL) {   /* written to the stream, not handed over */
		rp->data = buf;
		rp->len = len;
	} else {
		free(buf);
	}
	if (rp->status == 200 && s != NULL)
		page_cache_put(d->pages, key, version, rp->data, rp->len, rp->type);
}

static void api(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	const char *what = rq->nseg > 1 ? rq->seg[1] : "";
	struct chan_id id;

	if (rq->nseg == 2 && strcmp(what, "meters") == 0)
		shared_page(d, rq, rp, dash_api_meters);
	else if (rq->nseg == 5 && strcmp(what, "meters") == 0 && chan_of(rq, 2, &id, rp))
		dash_api_meter(d, rq, rp, &id);
	else if (rq->nseg == 2 && strcmp(what, "units") == 0)
		dash_api_units(d, rq, rp);
	else if (rq->nseg == 3 && strcmp(what, "units") == 0)
		dash_api_unit(d, rq, rp, rq->seg[2]);
	else if (rq->nseg == 2 && strcmp(what, "reports") == 0)
		dash_api_reports(d, rq, rp);
	else if (rp->status == 200)
		http_server_fail(rp, 404, "no such API; see docs/dashboard.md");
}

/* Not signed in, for a page that needs it: a person is sent to sign in and
 * brought back; a program (API, metrics) is told 401. */
static void ask_signin(const struct http_req *rq, struct http_reply *rp)
{
	enum page_kind k = access_page_kind(rq);

	if (k == PAGE_API || k == PAGE_METRICS) {
		http_server_fail(rp, 401, "sign in first (gm-dashboard has accounts)");
		return;
	}
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/signin?next=%s%s",
	    rq->path[0] != '\0' ? rq->path : "/", dash_lang(rq) == LANG_EN ? "&lang=en" : "");
}

/* Is the request's path exactly these segments ("entries/lock")? */
static bool path_is(const struct http_req *rq, const char *path)
{
	int i = 0;

	for (const char *p = path; i < rq->nseg; i++) {
		size_t n = strcspn(p, "/");

		if (strlen(rq->seg[i]) != n || strncmp(rq->seg[i], p, n) != 0)
			return false;
		p += n;
		if (*p == '\0')
			return i + 1 == rq->nseg;
		p++;
	}
	return false;
}

typedef void viewer_fn(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v);

/* The pages behind a sign-in, and the form each takes: one list for the
 * route and for what the server may read of a POST before it (a form path
 * in one place only cannot be missed in the other). */
static const struct {
	const char *path;
	viewer_fn *fn;
	enum http_form form;
} signed_in[] = {
	{ "audit", dash_audit_page, HTTP_FORM_NONE },
	{ "entries", dash_entries_page, HTTP_FORM_FIELDS },
	{ "entries/lock", dash_entries_lock, HTTP_FORM_FIELDS },
	{ "entries/dial", dash_entries_dial, HTTP_FORM_FIELDS },
	{ "checklist", dash_checklist_page, HTTP_FORM_FIELDS },
	{ "checklist/units", dash_progress_page, HTTP_FORM_NONE },
	{ "checklist/evidence", dash_checklist_upload, HTTP_FORM_UPLOAD },
	{ "checklist/evidence/remove", dash_checklist_remove, HTTP_FORM_FIELDS },
	{ "plan", dash_plan_page, HTTP_FORM_FIELDS },
	{ "plan/evidence", dash_plan_upload, HTTP_FORM_UPLOAD },
	{ "plan/evidence/remove", dash_plan_remove, HTTP_FORM_FIELDS },
	{ "users", dash_users_page, HTTP_FORM_FIELDS },
	{ "report-run", dash_report_run_page, HTTP_FORM_FIELDS },
};

/* With accounts: signing in and out, and nothing else without a session
 * but what is public. True when the request is answered here. */
static bool gate(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    struct viewer *v)
{
	memset(v, 0, sizeof(*v));
	if (d->db == NULL)
		return false;
	if (is(rq, 1, "signin")) {
		dash_signin_page(d, rq, rp);
		return true;
	}
	if (is(rq, 1, "favicon.ico")) {   /* a browser's own request: no detour to sign in */
		http_server_fail(rp, 404, "no icon");
		return true;
	}
	dash_viewer(d, rq, v);
	if (is(rq, 1, "signout") || is(rq, 1, "account")) {
		dash_signout_page(d, rq, rp, v);
		return true;
	}
	if (!v->signed_in && !d->cfg.access.public[access_page_kind(rq)]) {
		ask_signin(rq, rp);
		return true;
	}
	for (size_t i = 0; i < sizeof(signed_in) / sizeof(signed_in[0]); i++)
		if (path_is(rq, signed_in[i].path)) {
			signed_in[i].fn(d, rq, rp, v);
			return true;
		}
	if (is(rq, 2, "evidence")) {
		dash_evidence_file(d, rp, v, rq->seg[1]);
		return true;
	}
	return false;
}

enum http_form dash_routes_takes_form(void *dash, const struct http_req *rq)
{
	const struct dash *d = dash;

	if (d->db == NULL)
		return HTTP_FORM_NONE;
	if (is(rq, 1, "signin") || is(rq, 1, "signout"))
		return HTTP_FORM_FIELDS;
	for (size_t i = 0; i < sizeof(signed_in) / sizeof(signed_in[0]); i++) {
		struct viewer v;

		if (!path_is(rq, signed_in[i].path))
			continue;
		if (signed_in[i].form != HTTP_FORM_UPLOAD)
			return signed_in[i].form;
		/* a file is held in memory: only for someone signed in who may attach one */
		return dash_viewer((struct dash *)d, rq, &v) && v.signed_in &&
		    v.who.role != ROLE_VIEWER ? HTTP_FORM_UPLOAD : HTTP_FORM_REFUSED;
	}
	return HTTP_FORM_NONE;
}

void dash_routes_handle(void *dash, const struct http_req *req, struct http_reply *rp)
{
	struct dash *d = dash;
	struct http_req r = *req;
	const struct http_req *rq = &r;
	struct chan_id id;
	struct viewer v;

	r.accounts = d->db != NULL;
	rp->personal = d->db != NULL;
	if (gate(d, rq, rp, &v))
		return;
	if (rq->nseg == 0 && (http_server_arg(rq, "q") != NULL ||
	    http_server_arg(rq, "status") != NULL || http_server_arg(rq, "unit") != NULL ||
	    http_server_arg(rq, "by") != NULL || http_server_arg(rq, "res") != NULL))
		dash_overview_page(d, rq, rp);   /* one viewer's search: not kept */
	else if (rq->nseg == 0)
		shared_page(d, rq, rp, dash_overview_page);
	else if (is(rq, 1, "search.js"))
		dash_overview_script(d, rq, rp);
	else if (is(rq, 1, "units"))
		dash_unit_list_page(d, rq, rp);
	else if (is(rq, 2, "unit"))
		dash_unit_page(d, rq, rp, rq->seg[1]);
	else if (is(rq, 4, "meter")) {
		if (chan_of(rq, 1, &id, rp))
			dash_meter_page(d, rq, rp, &id);
	} else if (is(rq, 5, "graph")) {
		if (chan_of(rq, 1, &id, rp))
			dash_graph_page(d, rq, rp, &id, rq->seg[4]);
	} else if (is(rq, 1, "reports"))
		dash_reports_page(d, rq, rp);
	else if (is(rq, 3, "reports"))
		dash_reports_file(d, rq, rp, rq->seg[1], rq->seg[2]);
	else if (is(rq, 1, "metrics"))
		shared_page(d, rq, rp, dash_metrics_page);
	else if (rq->nseg >= 2 && strcmp(rq->seg[0], "api") == 0)
		api(d, rq, rp);
	else
		page_not_found(rp, rq, dash_lang(rq), rq->path);
}
