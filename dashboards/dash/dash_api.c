/* dash_api.c - the dashboard's data as JSON, the same figures as its pages. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "handlers.h"
#include "json_out.h"
#include "gm_err.h"
#include "recent.h"
#include "report_files.h"
#include "timeutil.h"

static cJSON *use_json(const struct meter_use *u)
{
	cJSON *o = cJSON_CreateObject();

	json_out_num(o, "amount", u->known ? u->amount : NAN);
	json_out_num(o, "coverage", u->known ? u->coverage : NAN);
	cJSON_AddBoolToObject(o, "complete", u->known && u->coverage >= 1);
	cJSON_AddBoolToObject(o, "to_review", u->flagged);
	if (u->known) {   /* the spans, so that anyone can ask gm-report the same */
		cJSON_AddNumberToObject(o, "from", (double)u->from);
		cJSON_AddNumberToObject(o, "to", (double)u->to);
		cJSON_AddNumberToObject(o, "flags_to", (double)u->flags_to);
	}
	return o;
}

static cJSON *meter_json(const struct meter_snap *s, const struct meter_row *r, double now)
{
	const struct chan_record *c = &r->st;
	cJSON *o = cJSON_CreateObject();

	json_out_chan_id(o, &c->id);
	cJSON_AddStringToObject(o, "unit", c->unit);
	cJSON_AddStringToObject(o, "kind", kind_name(c->kind));
	cJSON_AddStringToObject(o, "status", chan_status_name(meter_view_status(s, r, now)));
	json_out_num(o, "last_t", c->have_last ? c->last_t : NAN);
	json_out_num(o, "last_value", c->have_last ? c->last_v : NAN);
	json_out_num(o, "age", meter_view_age(r, now));
	json_out_num(o, "interval", c->interval > 0 ? c->interval : NAN);
	cJSON_AddItemToObject(o, "today", use_json(&r->today));
	cJSON_AddItemToObject(o, "month", use_json(&r->month));
	cJSON_AddNumberToObject(o, "received", (double)c->received);
	cJSON_AddNumberToObject(o, "stored", (double)c->stored);
	cJSON_AddNumberToObject(o, "lost", (double)c->lost);
	cJSON_AddNumberToObject(o, "duplicates", (double)c->duplicates);
	cJSON_AddNumberToObject(o, "late", (double)c->late);
	cJSON_AddNumberToObject(o, "resets", (double)c->resets);
	cJSON_AddNumberToObject(o, "wraps", (double)c->wraps);
	cJSON_AddNumberToObject(o, "replaced", (double)c->replaced);
	cJSON_AddNumberToObject(o, "rejected", (double)c->rejected);
	cJSON_AddNumberToObject(o, "quarantined", (double)c->quarantined);
	cJSON_AddNumberToObject(o, "requeued", (double)c->requeued);
	cJSON_AddBoolToObject(o, "set_aside", c->aside);
	cJSON_AddStringToObject(o, "problem", c->problem);
	cJSON_AddBoolToObject(o, "in_status_file", r->in_status);
	return o;
}

/* Hand the document to the reply, as compact JSON. */
static void send_json(struct http_reply *rp, cJSON *doc)
{
	char *s = doc ? cJSON_PrintUnformatted(doc) : NULL;

	cJSON_Delete(doc);
	if (s == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return;
	}
	rp->type = "application/json";
	rp->len = strlen(s);
	rp->data = s;   /* cJSON allocates with malloc */
}

static cJSON *snap_json(const struct meter_snap *s, double now)
{
	cJSON *o = cJSON_CreateObject(), *st = cJSON_CreateObject();
	size_t count[3] = { 0 };

	cJSON_AddNumberToObject(o, "now", now);
	json_out_num(st, "updated", s->status_mtime > 0 ? s->status_mtime : NAN);
	cJSON_AddStringToObject(st, "error", s->status_err);
	cJSON_AddItemToObject(o, "status_file", st);
	json_out_num(o, "usage_at", s->usage_at > 0 ? s->usage_at : NAN);
	for (size_t i = 0; i < s->n; i++)
		count[meter_view_status(s, &s->rows[i], now)]++;
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(c, "ok", (double)count[STATUS_OK]);
	cJSON_AddNumberToObject(c, "stale", (double)count[STATUS_STALE]);
	cJSON_AddNumberToObject(c, "fault", (double)count[STATUS_FAULT]);
	return o;
}

void dash_api_meters(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	double now = now_wall();

	(void)rq;
	if (s == NULL) {
		http_server_fail(rp, 503, "not ready: the first scan is running");
		return;
	}
	cJSON *doc = snap_json(s, now), *arr = cJSON_AddArrayToObject(doc, "meters");
	for (size_t i = 0; i < s->n; i++)
		cJSON_AddItemToArray(arr, meter_json(s, &s->rows[i], now));
	dash_put(d, ref);
	send_json(rp, doc);
}

static void add_recent(struct dash *d, cJSON *o, const struct meter_row *r)
{
	struct recent_reading v[RECENT_MAX];
	char err[256];
	int n;

	n = dash_recent(d, r, v, RECENT_MAX, err, sizeof(err));
	if (n < 0) {
		cJSON_AddStringToObject(o, "recent_error", err);
		return;
	}
	cJSON *arr = cJSON_AddArrayToObject(o, "recent");
	for (int i = 0; i < n; i++) {
		cJSON *pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateNumber(v[i].t));
		cJSON_AddItemToArray(pair, cJSON_CreateNumber(v[i].v));
		cJSON_AddItemToArray(arr, pair);
	}
}

/* The readings as they came: [t, v, came, "stored"|"duplicate"|...]. */
static void add_arrived(cJSON *o, const struct chan_record *st)
{
	static const struct { char note; const char *name; } names[] = {
		{ ARR_STORED, "stored" }, { ARR_DUPLICATE, "duplicate" }, { ARR_LATE, "late" },
		{ ARR_RESET, "reset" }, { ARR_WRAP, "wrap" }, { ARR_QUARANTINED, "quarantined" },
	};
	cJSON *arr = cJSON_AddArrayToObject(o, "arrived");

	for (unsigned i = 0; i < st->narrived && i < ARRIVED_MAX; i++) {
		const struct arrival *a = &st->arrived[i];
		cJSON *e = cJSON_CreateArray();
		const char *name = "?";

		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (names[k].note == a->note)
				name = names[k].name;
		cJSON_AddItemToArray(e, cJSON_CreateNumber(a->t));
		cJSON_AddItemToArray(e, cJSON_CreateNumber(a->v));
		cJSON_AddItemToArray(e, cJSON_CreateNumber(a->at));
		cJSON_AddItemToArray(e, cJSON_CreateString(name));
		cJSON_AddItemToArray(arr, e);
	}
}

void dash_api_meter(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id)
{
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	const struct meter_row *r = s ? meter_view_find(s, id) : NULL;
	cJSON *o;

	(void)rq;
	if (r == NULL) {
		dash_put(d, ref);
		http_server_fail(rp, 404, "unknown meter channel");
		return;
	}
	o = meter_json(s, r, now_wall());
	add_arrived(o, &r->st);
	if (r->stored)
		add_recent(d, o, r);
	dash_put(d, ref);
	send_json(rp, o);
}

static cJSON *res_json(const struct unit_res *u)
{
	cJSON *o = cJSON_CreateObject();

	json_out_num(o, "month_so_far", u->now);
	json_out_num(o, "month_so_far_completeness", u->now_compl);
	json_out_num(o, "baseline_month", u->then);
	json_out_num(o, "baseline_month_completeness", u->then_compl);
	json_out_num(o, "baseline_pro_rata", u->then_pro);
	json_out_num(o, "change_pct", u->change_pct);
	cJSON_AddBoolToObject(o, "to_review", u->flagged);
	return o;
}

static cJSON *unit_json(const struct org *o, const struct unit_view *v, int u)
{
	const struct unit_fig *f = u < 0 ? &v->whole : &v->units[u];
	cJSON *j = cJSON_CreateObject(), *res, *p;

	cJSON_AddStringToObject(j, "id", u < 0 ? "whole" : o->units[u].id);
	cJSON_AddStringToObject(j, "name_th", u < 0 ? o->name_th : o->units[u].name_th);
	cJSON_AddStringToObject(j, "name_en", u < 0 ? o->name_en : o->units[u].name_en);
	cJSON_AddNumberToObject(j, "baseline_fy", f->baseline_fy);
	res = cJSON_AddObjectToObject(j, "resources");
	for (int r = 0; r < RES_N; r++)
		if (f->res[r].mapped)
			cJSON_AddItemToObject(res, resource_name((enum resource)r), res_json(&f->res[r]));
	p = cJSON_AddObjectToObject(j, "paper_fy");
	cJSON_AddStringToObject(p, "basis", resource_name(v->paper));
	cJSON_AddNumberToObject(p, "closed_months", f->paper_months);
	json_out_num(p, "reduction_pct", f->paper_pct);
	json_out_num(p, "kpi_level", f->paper_level);
	json_out_num(p, "completeness", f->paper_months ? f->paper_compl : NAN);
	return j;
}

static const struct unit_view *units_or_fail(struct dash *d, struct http_reply *rp,
    struct shared **ref)
{
	const struct unit_view *v = d->org ? dash_units(d, ref) : NULL;

	if (v == NULL)
		http_server_fail(rp, d->org ? 503 : 404, d->org ? "not ready: the unit figures are "
		    "being computed" : "no organisation file configured");
	return v;
}

static cJSON *view_json(const struct unit_view *v)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddNumberToObject(doc, "fy", v->fy);
	cJSON_AddNumberToObject(doc, "month", v->month + 1);   /* 1 = October */
	cJSON_AddNumberToObject(doc, "month_elapsed", v->elapsed);
	cJSON_AddNumberToObject(doc, "computed_at", v->taken);
	cJSON_AddNumberToObject(doc, "problems", v->nproblems);
	return doc;
}

void dash_api_units(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	struct shared *ref = NULL;
	const struct unit_view *v = units_or_fail(d, rp, &ref);

	(void)rq;
	if (v == NULL)
		return;
	cJSON *doc = view_json(v), *arr = cJSON_AddArrayToObject(doc, "units");
	for (int u = 0; u < d->org->nunits; u++)
		cJSON_AddItemToArray(arr, unit_json(d->org, v, u));
	cJSON_AddItemToObject(doc, "whole", unit_json(d->org, v, -1));
	dash_put(d, ref);
	send_json(rp, doc);
}

void dash_api_unit(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *unit)
{
	struct shared *ref = NULL;
	int u = d->org ? org_unit_find(d->org, unit) : -1;
	const struct unit_view *v;

	(void)rq;
	if (d->org && u < 0 && strcmp(unit, "whole") != 0) {
		http_server_fail(rp, 404, "unknown unit");
		return;
	}
	if ((v = units_or_fail(d, rp, &ref)) == NULL)
		return;
	cJSON *doc = view_json(v);
	cJSON_AddItemToObject(doc, "unit", unit_json(d->org, v, u));
	dash_put(d, ref);
	send_json(rp, doc);
}

void dash_api_reports(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	struct report_set *sets = NULL;
	int n = d->cfg.reports_dir[0] ? report_files_sets(d->cfg.reports_dir, &sets) : 0;
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "sets");

	(void)rq;
	for (int i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(s, "files");
		cJSON_AddStringToObject(s, "name", sets[i].name);
		cJSON_AddNumberToObject(s, "modified", sets[i].mtime);
		for (int k = 0; k < sets[i].nfiles; k++) {
			char url[2 * REPORT_NAME_MAX + 16];
			cJSON *f = cJSON_CreateObject();

			snprintf(url, sizeof(url), "/reports/%s/%s", sets[i].name, sets[i].files[k].name);
			cJSON_AddStringToObject(f, "name", sets[i].files[k].name);
			cJSON_AddStringToObject(f, "url", url);
			cJSON_AddNumberToObject(f, "size", (double)sets[i].files[k].size);
			cJSON_AddItemToArray(files, f);
		}
		cJSON_AddItemToArray(arr, s);
	}
	if (n > 0)
		report_files_sets_free(sets, n);
	send_json(rp, doc);
}
