/* dash_plan.c - the Green Office action plan on the web (web_plan.h): a
 * coordinator writes the plan and its activities; the unit that owns an
 * activity says how far it has come (status) and where its evidence is;
 * every signed-in person reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "evidence.h"
#include "fiscal.h"
#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "page.h"
#include "timeutil.h"
#include "web_export.h"
#include "web_plan.h"

#define PLAN_FILES_MAX 256

struct plan_req {
	struct dash *d;
	const struct viewer *v;
	const struct org *o;
	int fy;
	char path[4200], problem[512];
	uint64_t version;          /* of the plan shown (web_export.h) */
	struct action_plan p;
	struct evidence ev[PLAN_FILES_MAX];   /* the activities' files */
	int nev;
	struct plan_activity typed;   /* a new activity refused: shown again as typed */
	bool has_typed;
};

static bool coordinates(const struct viewer *v)
{
	return v->who.role == ROLE_COORDINATOR || v->who.role == ROLE_ADMIN;
}

/* May the viewer say how this activity goes: its owner unit's editor or a
 * coordinator. */
static bool owns(const struct plan_req *r, const struct plan_activity *a)
{
	return coordinates(r->v) || (r->v->who.role == ROLE_EDITOR && a->owner >= 0 &&
	    account_may_edit(&r->v->who, r->o->units[a->owner].id));
}

static bool take_request(struct plan_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *fy)
{
	struct entry_who w = { r->v->who.name, rq->address, "", now_wall() };
	int now = fiscal_year_of((time_t)now_wall());
	char tail, err[512];

	if ((r->o = r->d->org) == NULL || r->o->plans[0] == '\0') {
		http_server_fail(rp, 404, "no organisation file, or no plans folder in it");
		return false;
	}
	r->fy = now;
	if (fy != NULL && (sscanf(fy, "%d%c", &r->fy, &tail) != 1 || r->fy < 2560 ||
	    r->fy > now + 1)) {
		http_server_fail(rp, 400, tr(dash_lang(rq), "c_bad_fy"));
		return false;
	}
	snprintf(r->path, sizeof(r->path), "%s/%d.ini", r->o->plans, r->fy);
	pthread_mutex_lock(&r->d->db_lock);
	if (web_plan_import(r->d->db, r->o, r->path, &w, r->fy, err, sizeof(err)) != GM_OK)
		snprintf(r->problem, sizeof(r->problem), "%s", err);
	r->version = web_export_version(r->d->db, &(struct export_id){ "plan", "", r->fy });
	if (web_plan_get(r->d->db, r->o, r->fy, &r->p) != GM_OK ||
	    (r->nev = evidence_list(r->d->db, NULL, r->fy, "plan-", r->ev, PLAN_FILES_MAX)) < 0) {
		pthread_mutex_unlock(&r->d->db_lock);
		http_server_fail(rp, 503, "the accounts database cannot be read");
		return false;
	}
	pthread_mutex_unlock(&r->d->db_lock);
	return true;
}

/* ---- the page --------------------------------------------------------- */

static void input(FILE *f, const char *label, const char *name, const char *type,
    const char *value, int max, bool on)
{
	fprintf(f, "<label>%s <input name=\"%s\" type=\"%s\" maxlength=\"%d\" value=\"", label,
	    name, type, max);
	html_esc(f, value);
	fprintf(f, "\"%s></label> ", on ? "" : " disabled");
}

static void date_input(FILE *f, const char *label, const char *name, time_t t, bool on)
{
	char d[16] = "";

	if (t != 0)
		action_plan_date(d, sizeof(d), t);
	input(f, label, name, "date", d, 10, on);
}

static void owner_select(FILE *f, const struct plan_req *r, const char *name, int owner,
    enum lang l, bool on)
{
	fprintf(f, "<label>%s <select name=\"%s\"%s><option value=\"\">—</option>",
	    tr(l, "p_owner"), name, on ? "" : " disabled");
	for (int u = 0; u < r->o->nunits; u++) {
		fprintf(f, "<option value=\"%s\"%s>", r->o->units[u].id, u == owner ? " selected" : "");
		html_esc(f, l == LANG_EN ? r->o->units[u].name_en : r->o->units[u].name_th);
		fputs("</option>", f);
	}
	fputs("</select></label> ", f);
}

static void status_select(FILE *f, const char *name, enum act_status s, enum lang l, bool on)
{
	static const char *const key[] = { "p_not_started", "p_in_progress", "p_done" };

	fprintf(f, "<label>%s <select name=\"%s\"%s>", tr(l, "status"), name, on ? "" : " disabled");
	for (int k = 0; k < 3; k++)
		fprintf(f, "<option value=\"%s\"%s>%s</option>", act_status_name((enum act_status)k),
		    (int)s == k ? " selected" : "", tr(l, key[k]));
	fputs("</select></label> ", f);
}

/* An activity's evidence files: to those who may see its owner unit's,
 * with the × that removes one (its form is outside the plan's). */
static void activity_files(FILE *f, const struct plan_req *r, const struct plan_activity *a,
    enum lang l)
{
	char code[32];

	if (a->owner < 0 || !account_may_edit(&r->v->who, r->o->units[a->owner].id))
		return;
	snprintf(code, sizeof(code), "plan-%s", a->number);
	dash_evidence_links(f, r->ev, r->nev, code, "rm-plan-evidence", l);
}

/* Attaching a file to an activity the viewer owns, and the form the ×
 * buttons send: both outside the plan's form (forms do not nest). */
static void file_forms(FILE *f, const struct plan_req *r, enum lang l)
{
	bool any = false;

	for (int i = 0; i < r->p.nact; i++)
		any |= owns(r, &r->p.act[i]) && r->p.act[i].owner >= 0;
	if (!any)
		return;
	fprintf(f, "<h2>%s</h2><form method=\"post\" action=\"/plan/evidence%s\" "
	    "enctype=\"multipart/form-data\" id=\"plan-upload\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"fy\" value=\"%d\"><p>"
	    "<label>%s <select name=\"n\">", tr(l, "c_files"), page_lang_query(l), r->v->s.csrf,
	    r->fy, tr(l, "p_activity"));
	for (int i = 0; i < r->p.nact; i++)
		if (owns(r, &r->p.act[i]) && r->p.act[i].owner >= 0)
			fprintf(f, "<option>%s</option>", r->p.act[i].number);
	fprintf(f, "</select></label> <input type=\"file\" name=\"file\" accept=\"application/pdf,"
	    "image/jpeg,image/png\"> <button>%s</button></p><p><small>%s %g MB</small></p></form>\n",
	    tr(l, "c_attach"), tr(l, "c_file_rule"),
	    (double)r->d->cfg.access.evidence_max / (1 << 20));
	fprintf(f, "<form method=\"post\" action=\"/plan/evidence/remove%s\" "
	    "id=\"rm-plan-evidence\"><input type=\"hidden\" name=\"csrf\" value=\"%s\"><input "
	    "type=\"hidden\" name=\"fy\" value=\"%d\"></form>\n", page_lang_query(l),
	    r->v->s.csrf, r->fy);
}

/* One activity: every field for a coordinator, status and evidence for
 * its owner, nothing to change for anyone else. */
static void activity(FILE *f, const struct plan_req *r, const struct plan_activity *a,
    const char *n, enum lang l)
{
	bool all = coordinates(r->v), mine = a != NULL && owns(r, a);
	static const struct plan_activity blank = { .owner = -1 };
	char name[48];

	if (a == NULL)
		a = &blank;
	/* n is "new" or a number (digits and dots: action_plan.c), safe in a name */
	fprintf(f, "<div class=\"ind\" id=\"act-%s\"><p><b>", n);
	if (strcmp(n, "new") == 0)
		fputs(tr(l, "p_new"), f);
	else
		fprintf(f, "%s %s", tr(l, "p_activity"), n);
	fputs("</b></p><p>", f);
	snprintf(name, sizeof(name), "th_%s", n);
	input(f, "ไทย", name, "text", a->th, ORG_NAME_MAX / 3, all);
	snprintf(name, sizeof(name), "en_%s", n);
	input(f, "English", name, "text", a->en, ORG_NAME_MAX - 1, all);
	fputs("</p><p>", f);
	snprintf(name, sizeof(name), "owner_%s", n);
	owner_select(f, r, name, a->owner, l, all);
	snprintf(name, sizeof(name), "due_%s", n);
	date_input(f, tr(l, "p_due"), name, a->due, all);
	snprintf(name, sizeof(name), "status_%s", n);
	status_select(f, name, a->status, l, all || mine);
	snprintf(name, sizeof(name), "evidence_%s", n);
	input(f, tr(l, "evidence"), name, "text", a->evidence, ORG_NAME_MAX / 3, all || mine);
	if (strcmp(n, "new") != 0)
		activity_files(f, r, a, l);
	if (all && strcmp(n, "new") != 0)
		fprintf(f, "<label><input type=\"checkbox\" name=\"remove_%s\" value=\"1\"> %s</label>",
		    n, tr(l, "p_remove"));
	fputs("</p></div>\n", f);
}

static void header(FILE *f, const struct plan_req *r, enum lang l, bool on)
{
	static const char *const text[] = { "impacts", "problems", "obstacles", "recommendations" };
	const char *val[] = { r->p.impacts, r->p.problems, r->p.obstacles, r->p.recommendations };

	fprintf(f, "<div class=\"ind\" id=\"plan-head\"><p>");
	input(f, "ชื่อแผน", "th", "text", r->p.th, ORG_NAME_MAX / 3, on);
	input(f, "Title", "en", "text", r->p.en, ORG_NAME_MAX - 1, on);
	fputs("</p><p>", f);
	date_input(f, tr(l, "p_approved"), "approved", r->p.approved, on);
	date_input(f, tr(l, "p_submitted"), "submitted", r->p.submitted, on);
	fputs("</p>", f);
	for (int k = 0; k < 4; k++) {
		char key[32];

		snprintf(key, sizeof(key), "p_%s", text[k]);
		fputs("<p>", f);
		input(f, tr(l, key), text[k], "text", val[k], 1000 / 3, on);
		fputs("</p>", f);
	}
	fputs("</div>\n", f);
}

static void progress(FILE *f, const struct plan_req *r, enum lang l)
{
	int done = 0;

	for (int i = 0; i < r->p.nact; i++)
		done += r->p.act[i].status == ACT_DONE;
	fprintf(f, "<p id=\"plan-progress\" data-done=\"%d\" data-total=\"%d\">%s %d %s %d",
	    done, r->p.nact, tr(l, "p_done_of"), done, tr(l, "c_of_all"), r->p.nact);
	if (r->p.nact > 0)
		fprintf(f, " (%.0f %%)", 100.0 * done / r->p.nact);
	fputs("</p>", f);
}

static void show(struct plan_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *say, const char *detail)
{
	enum lang l = dash_lang(rq);
	FILE *f = rp->out;
	const char *saved = http_server_arg(rq, "saved");
	bool all = coordinates(r->v), any = all;
	int now = fiscal_year_of((time_t)now_wall());

	page_begin(f, rq, l, tr(l, "plan_title"), 0);
	fprintf(f, "<form method=\"get\" action=\"/plan\" class=\"filters\">%s<select name=\"fy\">",
	    l == LANG_EN ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "");
	page_fy_options(f, now + 1, now - 3, r->fy, l);
	fprintf(f, "</select> <button>%s</button></form>\n", tr(l, "show"));
	if (say != NULL)
		page_warn(f, "say", say, detail);
	else if (saved != NULL)
		fprintf(f, "<p id=\"say\">%s</p>", tr(l, strcmp(saved, "file") == 0 ? "c_uploaded" :
		    strcmp(saved, "removed") == 0 ? "c_removed" : "p_saved"));
	if (r->problem[0] != '\0')
		page_warn(f, "problem", tr(l, "c_file_mistakes"), r->problem);
	progress(f, r, l);
	for (int i = 0; i < r->p.nact; i++)
		any |= owns(r, &r->p.act[i]);
	fprintf(f, "<form method=\"post\" action=\"/plan%s\" id=\"plan\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"fy\" value=\"%d\">"
	    "<input type=\"hidden\" name=\"version\" value=\"%016llx\">", page_lang_query(l),
	    r->v->s.csrf, r->fy, (unsigned long long)r->version);
	header(f, r, l, all);
	fprintf(f, "<h2>%s</h2>\n", tr(l, "p_activities"));
	for (int i = 0; i < r->p.nact; i++)
		activity(f, r, &r->p.act[i], r->p.act[i].number, l);
	if (all && r->p.nact < PLAN_MAX_ACT)
		activity(f, r, r->has_typed ? &r->typed : NULL, "new", l);
	if (any)
		fprintf(f, "<p><button>%s</button></p>", tr(l, "e_save"));
	fputs("</form>\n", f);
	file_forms(f, r, l);
	page_end(f, l, now_wall());
}

/* ---- the form --------------------------------------------------------- */

static bool text_of(const char *body, const char *key, char *out, size_t len)
{
	size_t n, lead;

	if (form_value(body, key, out, len) == GM_EINVAL)
		return false;
	n = strlen(out);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
	lead = strspn(out, " \t");
	memmove(out, out + lead, n - lead + 1);
	return conf_writable(out);
}

static bool date_of(const char *body, const char *key, time_t *t)
{
	char d[16], err[64];

	*t = 0;
	if (form_value(body, key, d, sizeof(d)) != GM_OK || d[0] == '\0')
		return form_value(body, key, d, sizeof(d)) != GM_EINVAL;
	return strlen(d) == 10 && time_parse_local(d, t, err, sizeof(err)) == 0;
}

/* An activity's fields named <field>_<n> into a: NULL, or what is wrong. */
static const char *read_activity(const struct plan_req *r, const char *body, const char *n,
    struct plan_activity *a, bool all, enum lang l)
{
	char key[48], owner[ID_MAX + 2], status[16];

	if (all) {
		snprintf(key, sizeof(key), "th_%s", n);
		if (!text_of(body, key, a->th, sizeof(a->th)))
			return tr(l, "c_bad_text");
		snprintf(key, sizeof(key), "en_%s", n);
		if (!text_of(body, key, a->en, sizeof(a->en)))
			return tr(l, "c_bad_text");
		if (a->th[0] == '\0' || a->en[0] == '\0')
			return tr(l, "p_need_names");
		snprintf(key, sizeof(key), "owner_%s", n);
		if (form_value(body, key, owner, sizeof(owner)) == GM_EINVAL ||
		    (owner[0] != '\0' && (a->owner = org_unit_find(r->o, owner)) < 0))
			return tr(l, "p_bad_owner");
		if (owner[0] == '\0')
			a->owner = -1;
		snprintf(key, sizeof(key), "due_%s", n);
		if (!date_of(body, key, &a->due))
			return tr(l, "p_bad_date");
	}
	snprintf(key, sizeof(key), "status_%s", n);
	if (form_value(body, key, status, sizeof(status)) != GM_OK ||
	    act_status_parse(status, &a->status) != 0)
		return tr(l, "p_bad_status");
	snprintf(key, sizeof(key), "evidence_%s", n);
	if (!text_of(body, key, a->evidence, sizeof(a->evidence)))
		return tr(l, "c_bad_text");
	return NULL;
}

/* The plan's own fields, for a coordinator. */
static const char *read_head(const char *body, struct action_plan *p, enum lang l)
{
	char *text[] = { p->impacts, p->problems, p->obstacles, p->recommendations };
	static const char *const key[] = { "impacts", "problems", "obstacles", "recommendations" };
	char buf[1001];

	if (!text_of(body, "th", p->th, sizeof(p->th)) || !text_of(body, "en", p->en,
	    sizeof(p->en)))
		return tr(l, "c_bad_text");
	if (!date_of(body, "approved", &p->approved) || !date_of(body, "submitted", &p->submitted))
		return tr(l, "p_bad_date");
	for (int k = 0; k < 4; k++) {
		if (!text_of(body, key[k], buf, sizeof(buf)))
			return tr(l, "c_bad_text");
		snprintf(text[k], PLAN_TEXT_MAX, "%s", buf);
	}
	return NULL;
}

/* The form into p (r->p is the plan as stored), read whole even past a
 * mistake (the page shown again keeps what was typed); its first mistake
 * into m. A coordinator gives everything; an owner the status and
 * evidence of the activities of their units, the rest kept. */
static void read_form(const struct plan_req *r, const char *body, struct action_plan *p,
    struct form_mistake *m, struct plan_activity *refused, enum lang l)
{
	bool all = coordinates(r->v);
	const char *bad;
	char rm[32], v[4], where[64];
	int next = 0;

	*p = r->p;
	p->found = true;
	if (all) {
		p->nact = 0;
		if ((bad = read_head(body, p, l)) != NULL)
			form_mistake(m, bad, tr(l, "plan_title"));
	}
	for (int i = 0; i < r->p.nact; i++) {
		const struct plan_activity *old = &r->p.act[i];
		struct plan_activity *a = all ? &p->act[p->nact] : &p->act[i];

		next = atoi(old->number) >= next ? atoi(old->number) + 1 : next;
		snprintf(rm, sizeof(rm), "remove_%s", old->number);
		if ((!all && !owns(r, old)) || (all && form_value(body, rm, v, sizeof(v)) == GM_OK &&
		    strcmp(v, "1") == 0))
			continue;
		*a = *old;
		snprintf(where, sizeof(where), "%s %s", tr(l, "p_activity"), old->number);
		if ((bad = read_activity(r, body, old->number, a, all, l)) != NULL)
			form_mistake(m, bad, where);
		p->nact += all;
	}
	if (all && p->nact < PLAN_MAX_ACT) {
		struct plan_activity *a = &p->act[p->nact];
		char th[ORG_NAME_MAX * 4] = "", en[ORG_NAME_MAX * 4] = "";

		/* anything typed, even too long (then refused below, not dropped) */
		form_value(body, "th_new", th, sizeof(th));
		form_value(body, "en_new", en, sizeof(en));
		if (strspn(th, " \t") != strlen(th) || strspn(en, " \t") != strlen(en)) {
			*a = (struct plan_activity){ .owner = -1 };
			snprintf(a->number, sizeof(a->number), "%d", next > 0 ? next : 1);
			if ((bad = read_activity(r, body, "new", a, true, l)) != NULL) {
				form_mistake(m, bad, tr(l, "p_new"));
				*refused = *a;   /* it has no number yet: shown again in the new one's place */
			} else {
				p->nact++;
			}
		}
	}
}

static void save(struct plan_req *r, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct action_plan *p = malloc(sizeof(*p));
	struct entry_who w = { r->v->who.name, rq->address, "", now_wall() };
	struct form_mistake m = { NULL, "" };
	bool any = coordinates(r->v);
	char err[512];
	int rc;

	for (int i = 0; i < r->p.nact; i++)
		any |= owns(r, &r->p.act[i]);
	if (!any || p == NULL) {
		http_server_fail(rp, any ? 503 : 403, any ? "out of memory" :
		    "the action plan is written by coordinators, its activities' status by their owners");
		free(p);
		return;
	}
	if (form_version(rq->body) != r->version) {   /* before its mistakes: 409 comes first */
		rp->status = 409;
		show(r, rq, rp, tr(l, "c_stale"), NULL);
		free(p);
		return;
	}
	r->typed.number[0] = '\0';
	read_form(r, rq->body, p, &m, &r->typed, l);
	if (m.say != NULL) {
		r->p = *p;   /* shown again as typed, with the version it was typed on */
		r->has_typed = r->typed.number[0] != '\0';
		rp->status = 400;
		show(r, rq, rp, m.say, m.where);
		free(p);
		return;
	}
	pthread_mutex_lock(&r->d->db_lock);
	rc = web_plan_save(r->d->db, r->o, r->path, &w, r->fy, p, form_version(rq->body), err,
	    sizeof(err));
	pthread_mutex_unlock(&r->d->db_lock);
	free(p);
	if (rc == GM_EBUSY) {   /* the page shows the latest, as take_request read it */
		rp->status = 409;
		show(r, rq, rp, tr(l, "c_stale"), NULL);
		return;
	}
	if (rc != GM_OK) {
		log_err("action plan %d: %s", r->fy, err);
		rp->status = rc == GM_EINVAL ? 400 : 503;
		show(r, rq, rp, tr(l, "c_not_saved"), err);
		return;
	}
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/plan?fy=%d&saved=1%s", r->fy,
	    l == LANG_EN ? "&lang=en" : "");
}

void dash_plan_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct plan_req *r = calloc(1, sizeof(*r));
	char fy[16] = "";

	if (r == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return;
	}
	r->d = d;
	r->v = v;
	if (!v->signed_in)
		http_server_fail(rp, 403, "sign in first");
	else if (!rq->post) {
		if (take_request(r, rq, rp, http_server_arg(rq, "fy")))
			show(r, rq, rp, NULL, NULL);
	} else if (!dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
	} else {
		form_value(rq->body, "fy", fy, sizeof(fy));
		if (take_request(r, rq, rp, fy))
			save(r, rq, rp);
	}
	free(r);
}

/* ---- an activity's evidence files ------------------------------------ */

static struct plan_req *posted(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct plan_req *r = calloc(1, sizeof(*r));
	char fy[16] = "";

	if (r == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return NULL;
	}
	r->d = d;
	r->v = v;
	form_value(rq->body, "fy", fy, sizeof(fy));
	if (!dash_form_ok(v, rq))
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
	else if (take_request(r, rq, rp, fy))
		return r;
	free(r);
	return NULL;
}

static void back(struct http_reply *rp, const struct plan_req *r, const char *saved,
    const char *n, enum lang l)
{
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/plan?fy=%d&saved=%s%s%s%s", r->fy, saved,
	    l == LANG_EN ? "&lang=en" : "", n[0] ? "#act-" : "", n);
}

static void attach(struct plan_req *r, const struct http_req *rq, struct http_reply *rp,
    const struct plan_activity *a)
{
	enum lang l = dash_lang(rq);
	struct entry_who w = { r->v->who.name, rq->address, r->o->units[a->owner].id, now_wall() };
	char code[32], err[300];
	long long id;
	int rc;

	snprintf(code, sizeof(code), "plan-%s", a->number);
	pthread_mutex_lock(&r->d->db_lock);
	rc = evidence_add(r->d->db, r->d->cfg.access.evidence, &w, r->fy, code, rq->file_name,
	    rq->file, rq->file_len, &id, err, sizeof(err));
	pthread_mutex_unlock(&r->d->db_lock);
	if (rc == GM_OK) {
		back(rp, r, "file", a->number, l);
		return;
	}
	rp->status = rc == GM_EINVAL ? 415 : rc == GM_ERANGE ? 409 : 503;
	show(r, rq, rp, tr(l, rc == GM_EINVAL ? "c_bad_file" : rc == GM_ERANGE ?
	    "c_too_many_files" : "c_not_saved"), NULL);
}

void dash_plan_upload(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct plan_req *r = posted(d, rq, rp, v);
	const struct plan_activity *a = NULL;
	char n[16] = "";

	if (r == NULL)
		return;
	form_value(rq->body, "n", n, sizeof(n));
	for (int i = 0; i < r->p.nact; i++)
		if (strcmp(r->p.act[i].number, n) == 0)
			a = &r->p.act[i];
	if (a == NULL || a->owner < 0 || !owns(r, a)) {
		http_server_fail(rp, a == NULL ? 404 : 403, a == NULL ? "no such activity" :
		    "files of an activity are its owner unit's and the coordinators'");
	} else if (rq->file == NULL || rq->file_len == 0) {
		rp->status = 400;
		show(r, rq, rp, tr(dash_lang(rq), "c_no_file"), NULL);
	} else {
		attach(r, rq, rp, a);
	}
	free(r);
}

void dash_plan_remove(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct plan_req *r = posted(d, rq, rp, v);
	struct evidence e;
	char id_text[24] = "", err[300], *end;
	long long id;
	int rc;

	if (r == NULL)
		return;
	form_value(rq->body, "id", id_text, sizeof(id_text));
	id = strtoll(id_text, &end, 10);
	pthread_mutex_lock(&d->db_lock);
	rc = id > 0 && *end == '\0' ? evidence_get(d->db, id, &e) : GM_ENOTFOUND;
	if (rc == GM_OK && (strncmp(e.code, "plan-", 5) != 0 || e.fy != r->fy))
		rc = GM_ENOTFOUND;
	if (rc == GM_OK && !account_may_edit(&v->who, e.unit))
		rc = GM_EPERM;
	if (rc == GM_OK) {
		struct entry_who w = { v->who.name, rq->address, e.unit, now_wall() };

		rc = evidence_remove(d->db, d->cfg.access.evidence, &w, id, err, sizeof(err));
	}
	pthread_mutex_unlock(&d->db_lock);
	if (rc == GM_OK)
		back(rp, r, "removed", "", dash_lang(rq));
	else
		http_server_fail(rp, rc == GM_EPERM ? 403 : rc == GM_ENOTFOUND ? 404 : 503,
		    rc == GM_EPERM ? "files of an activity are its owner unit's and the coordinators'" :
		    rc == GM_ENOTFOUND ? "no such file of this year's plan" :
		    "the database cannot be written");
	free(r);
}
