/* dash_entries.c - a unit's monthly amounts on the web (web_entries.h):
 * the form, its checks and its save, and a month's lock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "fiscal.h"
#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "page.h"
#include "timeutil.h"
#include "usage.h"
#include "web_entries.h"

#define REASON_MAX 200

struct entries_req {
	struct dash *d;
	const struct viewer *v;
	int unit, year, month;
	int n;
	struct entry_chan ch[ENTRY_CHANS_MAX];
	double stored[ENTRY_CHANS_MAX];   /* what the collector's journal holds; NAN */
	int nd;                            /* the unit's dials read by hand */
	struct entry_chan dial[ENTRY_CHANS_MAX];
	double last_t[ENTRY_CHANS_MAX], last_v[ENTRY_CHANS_MAX];   /* stored; NAN */
};

static bool may_lock(const struct viewer *v)
{
	return v->who.role == ROLE_COORDINATOR || v->who.role == ROLE_ADMIN;
}

/* "YYYY-MM" of a month that is over; false if not one. */
static bool month_of(const char *s, int *y, int *m)
{
	char tail;

	return s != NULL && sscanf(s, "%4d-%2d%c", y, m, &tail) == 2 && strlen(s) == 7 &&
	    *y >= 2000 && *y <= 2099 && *m >= 1 && *m <= 12 &&
	    payload_month_t(*y, *m) < now_wall();
}

/* The month before now's. */
static void last_month(int *y, int *m)
{
	struct tm tm;
	time_t t = local_month_start((time_t)now_wall()) - 1;

	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
}

/* A plain amount: digits, at most one '.', nothing else; >= 0. */
static bool amount_of(const char *s, double *v)
{
	size_t n = strlen(s), digits = strspn(s, "0123456789");
	char *end;

	if (n == 0 || n > 15 || digits == 0 || (s[digits] != '\0' && (s[digits] != '.' ||
	    strspn(s + digits + 1, "0123456789") != n - digits - 1)))
		return false;
	*v = strtod(s, &end);
	return *end == '\0' && isfinite(*v);
}

static void read_stored(struct entries_req *r)
{
	struct period p;
	char path[4096], err[256];

	calendar_month(r->year, r->month, &p);
	for (int i = 0; i < r->n; i++) {
		struct usage u;

		entries_path(path, sizeof(path), r->d->cfg.data_dir, &r->ch[i].id);
		r->stored[i] = usage_get(path, p.start, p.end, &u, err, sizeof(err)) == GM_OK &&
		    u.coverage > 0 ? u.amount : NAN;
	}
}

/* Each dial's last reading stored, from the collector's status. */
static void read_dials(struct entries_req *r)
{
	struct shared *ref;
	const struct meter_snap *s = dash_meters(r->d, &ref);

	for (int i = 0; i < r->nd; i++) {
		const struct meter_row *m = s != NULL ? meter_view_find(s, &r->dial[i].id) : NULL;
		bool have = m != NULL && m->st.have_last;

		double t, v;

		r->last_t[i] = have ? m->st.last_t : NAN;
		r->last_v[i] = have ? m->st.last_v : NAN;
		/* one saved here but not stored yet counts too: one a month */
		pthread_mutex_lock(&r->d->db_lock);
		if (web_entries_last_dial(r->d->db, &r->dial[i].id, &t, &v) &&
		    !(t <= r->last_t[i])) {
			r->last_t[i] = t;
			r->last_v[i] = v;
		}
		pthread_mutex_unlock(&r->d->db_lock);
	}
	dash_put(r->d, ref);
}

/* The unit and month asked for, the viewer's right to them, and their
 * channels: true, or the answer given. */
static bool take_request(struct entries_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *unit_id, const char *month)
{
	enum lang l = dash_lang(rq);
	const struct account *a = &r->v->who;

	if (r->d->org == NULL) {
		http_server_fail(rp, 404, "no organisation file: no units to enter for");
		return false;
	}
	if (unit_id == NULL && a->nunits > 0)
		unit_id = a->units[0];
	r->unit = unit_id != NULL ? org_unit_find(r->d->org, unit_id) : -1;
	if (month == NULL)
		last_month(&r->year, &r->month);
	else if (!month_of(month, &r->year, &r->month)) {
		http_server_fail(rp, 400, tr(l, "e_month"));
		return false;
	}
	if (r->unit < 0) {
		http_server_fail(rp, 404, "no such unit");
		return false;
	}
	if (!account_may_edit(a, r->d->org->units[r->unit].id)) {
		http_server_fail(rp, 403, tr(l, "e_not_yours"));
		return false;
	}
	r->n = web_entries_channels(r->d->org, r->unit, r->year, r->month, r->ch, ENTRY_CHANS_MAX);
	read_stored(r);
	r->nd = web_entries_dials(r->d->org, r->unit, r->dial, ENTRY_CHANS_MAX);
	read_dials(r);
	return true;
}

static void month_options(FILE *f, const struct entries_req *r, enum lang l)
{
	int y, m;

	last_month(&y, &m);
	for (int k = 0; k < 24; k++) {
		char v[16], name[64];

		snprintf(v, sizeof(v), "%04d-%02d", y, m);
		snprintf(name, sizeof(name), "%s %d", green_month_short((m + 2) % 12, l),
		    l == LANG_TH ? be_year(y) : y);   /* fiscal month 0 is October */
		fprintf(f, "<option value=\"%s\"%s>%s</option>", v,
		    y == r->year && m == r->month ? " selected" : "", name);
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
}

static void choose(FILE *f, const struct entries_req *r, enum lang l)
{
	fprintf(f, "<form method=\"get\" action=\"/entries\" class=\"filters\">%s",
	    l == LANG_EN ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "");
	dash_unit_select(f, r->d->org, r->v, r->unit, l);
	fputs(" <select name=\"month\">", f);
	month_options(f, r, l);
	fprintf(f, "</select> <button>%s</button></form>\n", tr(l, "show"));
}

static void amounts(FILE *f, const struct entries_req *r, enum lang l)
{
	char chan[3 * (ID_MAX + 1)];

	fprintf(f, "<form method=\"post\" action=\"/entries%s\" class=\"entries\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"unit\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"month\" value=\"%04d-%02d\">",
	    page_lang_query(l), r->v->s.csrf, r->d->org->units[r->unit].id, r->year, r->month);
	fprintf(f, "<table id=\"entries\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
	    tr(l, "e_resource"), tr(l, "e_channel"), tr(l, "e_stored"), tr(l, "e_new"));
	for (int i = 0; i < r->n; i++) {
		chan_id_str(&r->ch[i].id, chan, sizeof(chan));
		fprintf(f, "<tr data-channel=\"%s\"><th>%s</th><td><code>%s</code></td><td class=\"num\">",
		    chan, resource_label(r->ch[i].res, l), chan);
		if (isfinite(r->stored[i])) {
			html_num(f, r->stored[i], resource_decimals(r->ch[i].res));
			fprintf(f, " %s", resource_unit_words(r->ch[i].res, l));
		} else {
			fputs("—", f);
		}
		fprintf(f, "</td><td><input name=\"a%d\" inputmode=\"decimal\" size=\"10\"> %s</td></tr>",
		    i, resource_unit_words(r->ch[i].res, l));
	}
	fprintf(f, "</table><p><label>%s<br><input name=\"reason\" maxlength=\"%d\" size=\"50\">"
	    "</label></p><p><button>%s</button></p></form>\n", tr(l, "e_reason"), REASON_MAX,
	    tr(l, "e_save"));
}

/* The unit's dials: the last reading stored, and a new one with the day
 * it was read (today unless said). */
static void dials(FILE *f, const struct entries_req *r, enum lang l)
{
	char chan[3 * (ID_MAX + 1)], today[32];

	time_format_local((time_t)now_wall(), today, sizeof(today));
	today[10] = '\0';
	fprintf(f, "<h2>%s</h2><form method=\"post\" action=\"/entries/dial%s\" id=\"dial-form\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
	    "name=\"unit\" value=\"%s\"><input type=\"hidden\" name=\"month\" value=\"%04d-%02d\">",
	    tr(l, "e_dials"), page_lang_query(l), r->v->s.csrf, r->d->org->units[r->unit].id,
	    r->year, r->month);
	fprintf(f, "<table id=\"dials\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", tr(l, "e_resource"), tr(l, "e_channel"), tr(l, "e_last_reading"),
	    tr(l, "e_read_on"), tr(l, "e_reading"));
	for (int i = 0; i < r->nd; i++) {
		chan_id_str(&r->dial[i].id, chan, sizeof(chan));
		fprintf(f, "<tr data-channel=\"%s\"><th>%s</th><td><code>%s</code></td>"
		    "<td class=\"num\">", chan, resource_label(r->dial[i].res, l), chan);
		if (isfinite(r->last_v[i])) {
			html_num(f, r->last_v[i], 3);
			fprintf(f, " %s<br><small>", resource_unit_words(r->dial[i].res, l));
			page_time(f, r->last_t[i], l);
			fputs("</small>", f);
		} else {
			fputs("—", f);
		}
		fprintf(f, "</td><td><input type=\"date\" name=\"dd%d\" value=\"%s\" max=\"%s\"></td>"
		    "<td><input name=\"d%d\" inputmode=\"decimal\" size=\"12\"> %s</td></tr>", i, today,
		    today, i, resource_unit_words(r->dial[i].res, l));
	}
	fprintf(f, "</table><p><small>%s</small></p><p><button>%s</button></p></form>\n",
	    tr(l, "e_dial_rule"), tr(l, "e_save"));
}

static void lock_form(FILE *f, const struct entries_req *r, bool locked, enum lang l)
{
	fprintf(f, "<form method=\"post\" action=\"/entries/lock%s\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"unit\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"month\" value=\"%04d-%02d\"><input type=\"hidden\" "
	    "name=\"lock\" value=\"%d\"><button>%s</button></form>\n", page_lang_query(l),
	    r->v->s.csrf, r->d->org->units[r->unit].id, r->year, r->month, !locked,
	    tr(l, locked ? "e_unlock" : "e_lock"));
}

static void show(struct entries_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *say)
{
	enum lang l = dash_lang(rq);
	const char *saved = http_server_arg(rq, "saved");
	char who[80] = "";
	bool locked;

	pthread_mutex_lock(&r->d->db_lock);
	locked = web_entries_locked(r->d->db, r->year, r->month, who, sizeof(who));
	pthread_mutex_unlock(&r->d->db_lock);
	page_begin(rp->out, rq, l, tr(l, "entries"), 0);
	choose(rp->out, r, l);
	if (say != NULL)
		page_warn(rp->out, "say", say, NULL);
	else if (saved != NULL)
		fprintf(rp->out, "<p id=\"say\">%s</p>", tr(l, strcmp(saved, "1") == 0 ? "e_saved" :
		    "e_saved_pending"));
	if (locked) {
		fprintf(rp->out, "<p class=\"warn\" id=\"locked\">%s ", tr(l, "e_locked"));
		html_esc(rp->out, who);
		fputs("</p>", rp->out);
	}
	if (r->n == 0 && r->nd == 0)
		fprintf(rp->out, "<p>%s</p>", tr(l, "e_none"));
	else if (r->n > 0 && (!locked || may_lock(r->v)))
		amounts(rp->out, r, l);
	if (r->nd > 0)
		dials(rp->out, r, l);
	if (may_lock(r->v))
		lock_form(rp->out, r, locked, l);
	page_end(rp->out, l, now_wall());
}

/* The form's amounts into e, its reason into reason (len), which the
 * corrections point to: how many changed, or -1 with say set. */
static int read_form(const struct entries_req *r, const struct http_req *rq,
    struct web_entry *e, char *reason, size_t len, const char **say, enum lang l)
{
	char field[16], text[64];
	int n = 0;

	if (form_value(rq->body, "reason", reason, len) == GM_EINVAL) {
		*say = tr(l, "e_bad_reason");
		return -1;
	}
	for (int i = 0; i < r->n; i++) {
		double v;

		snprintf(field, sizeof(field), "a%d", i);
		if (form_value(rq->body, field, text, sizeof(text)) != GM_OK || text[0] == '\0')
			continue;
		if (!amount_of(text, &v)) {
			*say = tr(l, "e_bad_amount");
			return -1;
		}
		if (isfinite(r->stored[i]) && v == r->stored[i])
			continue;   /* as it is */
		if (isfinite(r->stored[i]) && strspn(reason, " ") == strlen(reason)) {
			*say = tr(l, "e_need_reason");
			return -1;
		}
		e[n++] = (struct web_entry){ r->ch[i], r->year, r->month, v, r->stored[i],
		    isfinite(r->stored[i]) ? reason : "", false, 0 };
	}
	return n;
}

/* Save n entries, send them, and go back to the page: the one home of
 * both forms' saving. */
static void commit(struct entries_req *r, const struct http_req *rq, struct http_reply *rp,
    const struct web_entry *e, int n)
{
	enum lang l = dash_lang(rq);
	struct entry_who w = { r->v->who.name, rq->address, r->d->org->units[r->unit].id,
		now_wall() };
	char err[300];
	int rc = GM_OK;

	if (n > 0) {
		pthread_mutex_lock(&r->d->db_lock);
		rc = web_entries_save(r->d->db, &w, e, (size_t)n, may_lock(r->v), err, sizeof(err));
		pthread_mutex_unlock(&r->d->db_lock);
	}
	if (rc == GM_EPERM) {   /* locked meanwhile */
		http_server_fail(rp, 403, tr(l, "e_locked"));
		return;
	}
	if (rc == GM_EBUSY) {   /* a dial's month taken meanwhile */
		rp->status = 409;
		show(r, rq, rp, tr(l, "e_dial_month"));
		return;
	}
	if (rc != GM_OK) {
		log_err("entries: %s", err);
		rp->status = 503;
		show(r, rq, rp, tr(l, "signin_error"));
		return;
	}
	rc = n > 0 && r->d->cfg.have_mqtt ? web_entries_publish(r->d->db, &r->d->db_lock,
	    &r->d->cfg.mqtt, err, sizeof(err)) : GM_OK;
	if (rc != GM_OK)
		log_warn("entries: %s; they go at the next try", err);
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/entries?unit=%s&month=%04d-%02d&saved=%d%s",
	    r->d->org->units[r->unit].id, r->year, r->month, rc == GM_OK && r->d->cfg.have_mqtt ?
	    1 : 2, l == LANG_EN ? "&lang=en" : "");
}

/* Is the month locked to this viewer (answered 403 then)? */
static bool locked_out(struct entries_req *r, int year, int month, const struct http_req *rq,
    struct http_reply *rp)
{
	char who[80];
	bool locked;

	pthread_mutex_lock(&r->d->db_lock);
	locked = web_entries_locked(r->d->db, year, month, who, sizeof(who));
	pthread_mutex_unlock(&r->d->db_lock);
	if (locked && !may_lock(r->v)) {
		http_server_fail(rp, 403, tr(dash_lang(rq), "e_locked"));
		return true;
	}
	return false;
}

static void save(struct entries_req *r, const struct http_req *rq, struct http_reply *rp)
{
	struct web_entry e[ENTRY_CHANS_MAX];
	const char *say = NULL;
	char reason[REASON_MAX * 4 + 1];
	int n;

	if (locked_out(r, r->year, r->month, rq, rp))
		return;
	if ((n = read_form(r, rq, e, reason, sizeof(reason), &say, dash_lang(rq))) < 0) {
		rp->status = 400;
		show(r, rq, rp, say);
		return;
	}
	commit(r, rq, rp, e, n);
}

void dash_entries_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct entries_req r = { .d = d, .v = v };
	char unit[ID_MAX + 1], month[16];

	if (!v->signed_in) {
		http_server_fail(rp, 403, "sign in first");
		return;
	}
	if (!rq->post) {
		if (take_request(&r, rq, rp, http_server_arg(rq, "unit"), http_server_arg(rq, "month")))
			show(&r, rq, rp, NULL);
		return;
	}
	if (!dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return;
	}
	form_value(rq->body, "unit", unit, sizeof(unit));
	form_value(rq->body, "month", month, sizeof(month));
	if (take_request(&r, rq, rp, unit, month))
		save(&r, rq, rp);
}

void dash_entries_lock(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct entries_req r = { .d = d, .v = v };
	char unit[ID_MAX + 1], month[16], lock[4];
	struct entry_who w = { v->who.name, rq->address, "", now_wall() };
	int rc;

	if (!may_lock(v) || !dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "locking a month is for coordinators, with a fresh form");
		return;
	}
	form_value(rq->body, "unit", unit, sizeof(unit));
	form_value(rq->body, "month", month, sizeof(month));
	form_value(rq->body, "lock", lock, sizeof(lock));
	if (!take_request(&r, rq, rp, unit, month))
		return;
	pthread_mutex_lock(&d->db_lock);
	rc = web_entries_set_lock(d->db, r.year, r.month, strcmp(lock, "1") == 0, &w);
	pthread_mutex_unlock(&d->db_lock);
	if (rc != GM_OK) {
		http_server_fail(rp, 503, "the accounts database cannot be written");
		return;
	}
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/entries?unit=%s&month=%04d-%02d%s", unit,
	    r.year, r.month, dash_lang(rq) == LANG_EN ? "&lang=en" : "");
}

/* One dial's new reading, if the form has one: 1, 0 (none), or -1 with
 * say set. A reading is taken at 00:00 of the day it was read (as
 * `--import` takes a date), one a month, never lower than the last. */
static int read_dial(const struct entries_req *r, const struct http_req *rq, int i,
    struct web_entry *e, const char **say, enum lang l)
{
	char field[16], text[64], day[16], why[64];
	time_t t;
	struct tm tm;
	double v;

	snprintf(field, sizeof(field), "d%d", i);
	if (form_value(rq->body, field, text, sizeof(text)) != GM_OK || text[0] == '\0')
		return 0;
	if (!amount_of(text, &v)) {
		*say = tr(l, "e_bad_amount");
		return -1;
	}
	snprintf(field, sizeof(field), "dd%d", i);
	if (form_value(rq->body, field, day, sizeof(day)) != GM_OK || strlen(day) != 10 ||
	    time_parse_local(day, &t, why, sizeof(why)) != 0 || t > now_wall()) {
		*say = tr(l, "e_dial_day");
		return -1;
	}
	localtime_r(&t, &tm);
	*e = (struct web_entry){ r->dial[i], tm.tm_year + 1900, tm.tm_mon + 1, v, r->last_v[i], "",
		true, (double)t };
	if (isfinite(r->last_t[i])) {
		time_t lt = (time_t)r->last_t[i];
		struct tm last;

		localtime_r(&lt, &last);
		if ((tm.tm_year - last.tm_year) * 12 + tm.tm_mon - last.tm_mon <= 0) {
			*say = tr(l, "e_dial_month");
			return -1;
		}
		if (v < r->last_v[i]) {
			*say = tr(l, "e_dial_back");
			return -1;
		}
	}
	return 1;
}

void dash_entries_dial(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct entries_req r = { .d = d, .v = v };
	struct web_entry e[ENTRY_CHANS_MAX];
	enum lang l = dash_lang(rq);
	char unit[ID_MAX + 1], month[16];
	const char *say = NULL;
	int n = 0;

	if (!dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return;
	}
	form_value(rq->body, "unit", unit, sizeof(unit));
	form_value(rq->body, "month", month, sizeof(month));
	if (!take_request(&r, rq, rp, unit, month))
		return;
	for (int i = 0; i < r.nd; i++) {
		int got = read_dial(&r, rq, i, &e[n], &say, l);

		if (got < 0) {
			rp->status = 400;
			show(&r, rq, rp, say);
			return;
		}
		if (got > 0 && locked_out(&r, e[n].year, e[n].month, rq, rp))
			return;
		n += got;
	}
	commit(&r, rq, rp, e, n);
}
