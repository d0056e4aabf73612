/* dash_checklist.c - a unit's self-evaluation checklist on the web
 * (web_checklist.h): every indicator of the criteria edition with its
 * score, evidence and note, the causes of the metered resources, the
 * evidence files (evidence.h), and the progress per category. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "evidence.h"
#include "fileio.h"
#include "fiscal.h"
#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "numtext.h"
#include "page.h"
#include "timeutil.h"
#include "web_checklist.h"
#include "web_export.h"

#define FILES_MAX 512
/* a cause's text or plan: what fits a file's line after "text = " */
#define CAUSE_BYTES (CONF_LINE_MAX - 8)

struct check_req {
	struct dash *d;
	const struct viewer *v;
	const struct criteria *c;
	int unit, fy;
	char path[4200];
	char problem[512];         /* the file could not be read in: why */
	uint64_t version;          /* of the checklist shown (web_export.h) */
	struct checklist cl;
	struct evidence ev[FILES_MAX];
	int nev;
};

static const char *unit_id(const struct check_req *r)
{
	return r->d->org->units[r->unit].id;
}

static bool fy_of(const char *s, int *fy)
{
	char tail;
	int now = fiscal_year_of((time_t)now_wall());

	return sscanf(s, "%4d%c", fy, &tail) == 1 && *fy >= 2560 && *fy <= now + 1;
}

/* The unit and year asked for, the viewer's right to them, the checklist
 * (read in from its file the first time) and its files: true, or the
 * answer given. */
static bool take_request(struct check_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *unit, const char *fy)
{
	enum lang l = dash_lang(rq);
	const struct account *a = &r->v->who;
	struct entry_who w = { a->name, rq->address, NULL, now_wall() };
	char err[512];

	if (r->d->org == NULL || r->d->crit == NULL) {
		http_server_fail(rp, 404, "no organisation or criteria file: no checklist");
		return false;
	}
	r->c = r->d->crit;
	if (unit == NULL && a->nunits > 0)
		unit = a->units[0];
	if (unit == NULL && r->d->org->nunits > 0)
		unit = r->d->org->units[0].id;
	r->fy = fiscal_year_of((time_t)now_wall());
	if (fy != NULL && !fy_of(fy, &r->fy)) {
		http_server_fail(rp, 400, tr(l, "c_bad_fy"));
		return false;
	}
	if ((r->unit = unit != NULL ? org_unit_find(r->d->org, unit) : -1) < 0) {
		http_server_fail(rp, 404, "no such unit");
		return false;
	}
	if (!account_may_edit(a, unit_id(r))) {
		http_server_fail(rp, 403, tr(l, "e_not_yours"));
		return false;
	}
	w.unit = unit_id(r);
	web_checklist_path(r->path, sizeof(r->path), r->d->org->checklists, r->fy, w.unit);
	pthread_mutex_lock(&r->d->db_lock);
	if (web_checklist_import(r->d->db, r->c, r->path, &w, r->fy, err, sizeof(err)) != GM_OK)
		snprintf(r->problem, sizeof(r->problem), "%s", err);
	r->version = web_export_version(r->d->db, &(struct export_id){ "checklist", w.unit, r->fy });
	if (web_checklist_get(r->d->db, r->c, w.unit, r->fy, &r->cl) != GM_OK ||
	    (r->nev = evidence_list(r->d->db, w.unit, r->fy, NULL, r->ev, FILES_MAX)) < 0) {
		pthread_mutex_unlock(&r->d->db_lock);
		http_server_fail(rp, 503, "the accounts database cannot be read");
		return false;
	}
	pthread_mutex_unlock(&r->d->db_lock);
	return true;
}

static const struct check_entry *entry_of(const struct checklist *cl, const char *code)
{
	for (int e = 0; e < cl->n; e++)
		if (strcmp(cl->e[e].code, code) == 0)
			return &cl->e[e];
	return NULL;
}

static void choose(FILE *f, const struct check_req *r, enum lang l)
{
	int now = fiscal_year_of((time_t)now_wall());

	fprintf(f, "<form method=\"get\" action=\"/checklist\" class=\"filters\">%s",
	    l == LANG_EN ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "");
	dash_unit_select(f, r->d->org, r->v, r->unit, l);
	fputs(" <select name=\"fy\">", f);
	page_fy_options(f, now + 1, now - 3, r->fy, l);
	fprintf(f, "</select> <button>%s</button> <a href=\"/checklist/units?fy=%d%s\">%s</a>"
	    "</form>\n", tr(l, "show"), r->fy, l == LANG_EN ? "&amp;lang=en" : "",
	    tr(l, "c_progress_all"));
}

/* Scored checklist indicators per category, and in all. */
static void progress(FILE *f, const struct check_req *r, enum lang l)
{
	int done_all = 0, all = 0;

	fprintf(f, "<table id=\"progress\"><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
	    tr(l, "category"), tr(l, "c_scored"), tr(l, "c_of_all"));
	for (int k = 0; k < r->c->ncat; k++) {
		int done = 0, n = 0;

		for (int i = 0; i < r->c->nind; i++) {
			const struct check_entry *e = entry_of(&r->cl, r->c->ind[i].code);

			if (r->c->ind[i].category != k || r->c->ind[i].source == SRC_METER)
				continue;
			n++;
			done += e != NULL && !isnan(e->score);
		}
		fprintf(f, "<tr data-category=\"%d\"><td>%d ", r->c->cat[k].number,
		    r->c->cat[k].number);
		html_esc(f, l == LANG_EN ? r->c->cat[k].en : r->c->cat[k].th);
		fprintf(f, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>", done, n);
		done_all += done;
		all += n;
	}
	fprintf(f, "<tr id=\"progress-all\"><th>%s</th><th class=\"num\">%d</th><th class=\"num\">"
	    "%d</th></tr></table>\n", tr(l, "c_all"), done_all, all);
}

static void score_choices(FILE *f, const struct crit_indicator *ind, const struct check_entry *e,
    enum lang l)
{
	double have = e != NULL ? e->score : NAN;
	bool listed = isnan(have);

	fprintf(f, "<select name=\"s%s\"><option value=\"\">%s</option>", ind->code,
	    tr(l, "c_not_scored"));
	for (double s = 0; s <= ind->points + 1e-9; s += 0.5) {
		char num[40];

		numtext_shortest(num, sizeof(num), s);
		fprintf(f, "<option%s>%s</option>", s == have ? " selected" : "", num);
		listed |= s == have;
	}
	if (!listed) {   /* a score from a file, between the steps */
		char num[40];

		numtext_shortest(num, sizeof(num), have);
		fprintf(f, "<option selected>%s</option>", num);
	}
	fputs("</select>", f);
}

void dash_evidence_links(FILE *f, const struct evidence *ev, int n, const char *code,
    const char *form_id, enum lang l)
{
	for (int k = 0; k < n; k++) {
		if (strcmp(ev[k].code, code) != 0)
			continue;
		fprintf(f, " <a class=\"file\" href=\"/evidence/%lld\">", ev[k].id);
		html_esc(f, ev[k].name[0] != '\0' ? ev[k].name : ev[k].type);
		fprintf(f, "</a><button form=\"%s\" name=\"id\" value=\"%lld\" class=\"rm\" "
		    "title=\"%s\">×</button>", form_id, ev[k].id, tr(l, "c_remove_file"));
	}
}

static void text_input(FILE *f, const char *label, char field, const char *code,
    const char *value, int max)
{
	fprintf(f, "<label>%s <input name=\"%c%s\" maxlength=\"%d\" value=\"", label, field, code,
	    max);
	html_esc(f, value);
	fputs("\"></label>", f);
}

static void indicator(FILE *f, const struct check_req *r, const struct crit_indicator *ind,
    enum lang l)
{
	const struct check_entry *e = entry_of(&r->cl, ind->code);
	char pts[40];

	numtext_shortest(pts, sizeof(pts), ind->points);
	fprintf(f, "<div class=\"ind\" id=\"i-%s\"><p><b>%s</b> ", ind->code, ind->code);
	html_esc(f, l == LANG_EN ? ind->en : ind->th);
	fprintf(f, " <small>(%s %s)</small></p><p>", tr(l, "points"), pts);
	if (ind->source == SRC_METER)
		fprintf(f, "<span class=\"meter\">%s</span> ", tr(l, "c_from_meter"));
	else {
		fprintf(f, "<label>%s ", tr(l, "score"));
		score_choices(f, ind, e, l);
		fputs("</label> ", f);
	}
	text_input(f, tr(l, "evidence"), 'e', ind->code, e != NULL ? e->evidence : "",
	    CRIT_TEXT_MAX / 3);
	fputs(" ", f);
	text_input(f, tr(l, "note"), 'n', ind->code, e != NULL ? e->note : "", CRIT_TEXT_MAX / 3);
	dash_evidence_links(f, r->ev, r->nev, ind->code, "rm-evidence", l);
	fputs("</p></div>\n", f);
}

/* The causes the edition's meter indicators ask for ("paper": the org's
 * paper basis, both paper figures). */
static void causes(FILE *f, const struct check_req *r, enum lang l)
{
	fprintf(f, "<h2>%s</h2>", tr(l, "cause"));
	for (int i = 0; i < r->c->nind; i++) {
		const struct crit_indicator *ind = &r->c->ind[i];
		bool paper = ind->res == RES_PAPER_REAMS || ind->res == RES_PAPER_PRINTED;
		const char *word = paper ? "paper" : resource_name(ind->res);
		const struct cause *c = &r->cl.cause[ind->res];

		if (ind->source != SRC_METER)
			continue;
		fprintf(f, "<div class=\"ind\" id=\"cause-%s\"><p><b>%s</b> (%s)</p><p>", word,
		    paper ? tr(l, "paper") : resource_label(ind->res, l), ind->code);
		fprintf(f, "<label>%s <input name=\"ct_%s\" maxlength=\"%d\" size=\"60\" value=\"",
		    tr(l, "c_cause_text"), word, CAUSE_BYTES / 3);
		html_esc(f, c->text);
		fprintf(f, "\"></label> <label>%s <input name=\"cp_%s\" maxlength=\"%d\" size=\"60\" "
		    "value=\"", tr(l, "c_cause_plan"), word, CAUSE_BYTES / 3);
		html_esc(f, c->plan);
		fputs("\"></label></p></div>\n", f);
	}
}

static void upload_form(FILE *f, const struct check_req *r, enum lang l)
{
	fprintf(f, "<h2>%s</h2><form method=\"post\" action=\"/checklist/evidence%s\" "
	    "enctype=\"multipart/form-data\" id=\"upload\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"unit\" value=\"%s\"><input type=\"hidden\" "
	    "name=\"fy\" value=\"%d\"><p><label>%s <select name=\"code\">", tr(l, "c_files"),
	    page_lang_query(l), r->v->s.csrf, unit_id(r), r->fy, tr(l, "c_indicator"));
	for (int i = 0; i < r->c->nind; i++)
		fprintf(f, "<option>%s</option>", r->c->ind[i].code);
	fprintf(f, "</select></label> <input type=\"file\" name=\"file\" accept=\"application/pdf,"
	    "image/jpeg,image/png\"> <button>%s</button></p><p><small>%s %g MB</small></p></form>\n",
	    tr(l, "c_attach"), tr(l, "c_file_rule"),
	    (double)r->d->cfg.access.evidence_max / (1 << 20));
	fprintf(f, "<form method=\"post\" action=\"/checklist/evidence/remove%s\" "
	    "id=\"rm-evidence\"><input type=\"hidden\" name=\"csrf\" value=\"%s\"><input "
	    "type=\"hidden\" name=\"unit\" value=\"%s\"><input type=\"hidden\" name=\"fy\" "
	    "value=\"%d\"></form>\n", page_lang_query(l), r->v->s.csrf, unit_id(r), r->fy);
}

static void show(struct check_req *r, const struct http_req *rq, struct http_reply *rp,
    const char *say, const char *detail)
{
	enum lang l = dash_lang(rq);
	const char *saved = http_server_arg(rq, "saved");
	FILE *f = rp->out;

	page_begin(f, rq, l, tr(l, "checklist"), 0);
	choose(f, r, l);
	if (say != NULL)
		page_warn(f, "say", say, detail);
	else if (saved != NULL)
		fprintf(f, "<p id=\"say\">%s</p>", tr(l, strcmp(saved, "file") == 0 ? "c_uploaded" :
		    strcmp(saved, "removed") == 0 ? "c_removed" : "c_saved"));
	if (r->problem[0] != '\0')
		page_warn(f, "problem", tr(l, "c_file_mistakes"), r->problem);
	progress(f, r, l);
	fprintf(f, "<form method=\"post\" action=\"/checklist%s\" id=\"checklist\"><input "
	    "type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"unit\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"fy\" value=\"%d\"><input type=\"hidden\" "
	    "name=\"version\" value=\"%016llx\">", page_lang_query(l), r->v->s.csrf, unit_id(r),
	    r->fy, (unsigned long long)r->version);
	for (int k = 0; k < r->c->ncat; k++) {
		fprintf(f, "<h2>%s %d ", tr(l, "category"), r->c->cat[k].number);
		html_esc(f, l == LANG_EN ? r->c->cat[k].en : r->c->cat[k].th);
		fputs("</h2>\n", f);
		for (int i = 0; i < r->c->nind; i++)
			if (r->c->ind[i].category == k)
				indicator(f, r, &r->c->ind[i], l);
		/* a long form: a way to save at the end of each category */
		fprintf(f, "<p><button>%s</button></p>\n", tr(l, "e_save"));
	}
	causes(f, r, l);
	fprintf(f, "<p><button>%s</button></p></form>\n", tr(l, "e_save"));
	upload_form(f, r, l);
	page_end(f, l, now_wall());
}

/* A text field, its ends trimmed: true when it can be kept (at most max
 * bytes, no character that cannot be, and it reads back from the file as
 * it is). */
static bool text_field(const char *body, const char *key, char *out, size_t len, size_t max)
{
	size_t n;

	if (form_value(body, key, out, len) == GM_EINVAL)
		return false;
	n = strlen(out);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
	memmove(out, out + strspn(out, " \t"), strlen(out + strspn(out, " \t")) + 1);
	return strlen(out) <= max && conf_writable(out);
}

/* A score as the select sends it: "" (not scored) or a number 0..points. */
static bool score_field(const char *body, const struct crit_indicator *ind, double *score)
{
	char key[CRIT_CODE_MAX + 2], text[32], *end;

	snprintf(key, sizeof(key), "s%s", ind->code);
	*score = NAN;
	if (form_value(body, key, text, sizeof(text)) == GM_ENOTFOUND || text[0] == '\0')
		return true;
	if (strspn(text, "0123456789.") != strlen(text))
		return false;
	*score = strtod(text, &end);
	return *end == '\0' && *score >= 0 && *score <= ind->points;
}

/* The form into cl, read whole even past a mistake (the page shown again
 * keeps what was typed); its first mistake into m. */
static void read_form(const struct check_req *r, const char *body, struct checklist *cl,
    enum lang l, struct form_mistake *m)
{
	memset(cl, 0, sizeof(*cl));
	cl->found = true;
	for (int i = 0; i < r->c->nind; i++) {
		const struct crit_indicator *ind = &r->c->ind[i];
		struct check_entry *e = &cl->e[cl->n];
		char key[CRIT_CODE_MAX + 2];

		snprintf(e->code, sizeof(e->code), "%s", ind->code);
		e->score = NAN;
		if (ind->source != SRC_METER && !score_field(body, ind, &e->score))
			form_mistake(m, tr(l, "c_bad_score"), ind->code);
		snprintf(key, sizeof(key), "e%s", ind->code);
		if (!text_field(body, key, e->evidence, sizeof(e->evidence), CRIT_TEXT_MAX - 1))
			form_mistake(m, tr(l, "c_bad_text"), ind->code);
		snprintf(key, sizeof(key), "n%s", ind->code);
		if (!text_field(body, key, e->note, sizeof(e->note), CRIT_TEXT_MAX - 1))
			form_mistake(m, tr(l, "c_bad_text"), ind->code);
		if (!isnan(e->score) || e->evidence[0] != '\0' || e->note[0] != '\0')
			cl->n++;
	}
	for (int i = 0; i < r->c->nind; i++) {
		const struct crit_indicator *ind = &r->c->ind[i];
		bool paper = ind->res == RES_PAPER_REAMS || ind->res == RES_PAPER_PRINTED;
		const char *word = paper ? "paper" : resource_name(ind->res);
		struct cause *c = &cl->cause[ind->res];
		char key[40];

		if (ind->source != SRC_METER)
			continue;
		snprintf(key, sizeof(key), "ct_%s", word);
		if (!text_field(body, key, c->text, sizeof(c->text), CAUSE_BYTES))
			form_mistake(m, tr(l, "c_bad_text"), word);
		snprintf(key, sizeof(key), "cp_%s", word);
		if (!text_field(body, key, c->plan, sizeof(c->plan), CAUSE_BYTES))
			form_mistake(m, tr(l, "c_bad_text"), word);
		if (c->text[0] == '\0' && c->plan[0] != '\0')
			form_mistake(m, tr(l, "c_need_text"), word);
		if (paper)   /* [cause paper]: both paper figures */
			cl->cause[ind->res == RES_PAPER_REAMS ? RES_PAPER_PRINTED : RES_PAPER_REAMS] = *c;
	}
}

static void back_to(struct http_reply *rp, const struct check_req *r, const char *saved,
    const char *anchor, enum lang l)
{
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/checklist?unit=%s&fy=%d&saved=%s%s%s%s",
	    unit_id(r), r->fy, saved, l == LANG_EN ? "&lang=en" : "", anchor[0] ? "#" : "", anchor);
}

static void save(struct check_req *r, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct checklist *cl = malloc(sizeof(*cl));
	struct entry_who w = { r->v->who.name, rq->address, unit_id(r), now_wall() };
	struct form_mistake m = { NULL, "" };
	char err[512];
	int rc;

	if (cl == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return;
	}
	if (form_version(rq->body) != r->version) {   /* before its mistakes: 409 comes first */
		rp->status = 409;
		show(r, rq, rp, tr(l, "c_stale"), NULL);
		free(cl);
		return;
	}
	read_form(r, rq->body, cl, l, &m);
	if (m.say != NULL) {
		r->cl = *cl;   /* shown again as typed, with the version it was typed on */
		rp->status = 400;
		show(r, rq, rp, m.say, m.where);
		free(cl);
		return;
	}
	pthread_mutex_lock(&r->d->db_lock);
	rc = web_checklist_save(r->d->db, r->c, r->path, &w, r->fy, cl, form_version(rq->body),
	    err, sizeof(err));
	pthread_mutex_unlock(&r->d->db_lock);
	free(cl);
	if (rc != GM_OK) {
		if (rc == GM_EBUSY) {   /* the page shows the latest, as take_request read it */
			rp->status = 409;
			show(r, rq, rp, tr(l, "c_stale"), NULL);
			return;
		}
		log_err("checklist %s %d: %s", w.unit, r->fy, err);
		rp->status = rc == GM_EINVAL ? 400 : 503;
		show(r, rq, rp, tr(l, "c_not_saved"), err);
		return;
	}
	back_to(rp, r, "1", "", l);
}

/* The unit and year a POSTed form names, checked as a GET's would be. */
static bool take_posted(struct check_req *r, const struct http_req *rq, struct http_reply *rp)
{
	char unit[ID_MAX + 1] = "", fy[16] = "";

	if (!dash_form_ok(r->v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return false;
	}
	form_value(rq->body, "unit", unit, sizeof(unit));
	form_value(rq->body, "fy", fy, sizeof(fy));
	return take_request(r, rq, rp, unit, fy);
}

/* A request's state (large: on the heap), or NULL with 503 answered. */
static struct check_req *new_req(struct dash *d, const struct viewer *v, struct http_reply *rp)
{
	struct check_req *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return NULL;
	}
	r->d = d;
	r->v = v;
	return r;
}

void dash_checklist_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct check_req *r = new_req(d, v, rp);

	if (r == NULL)
		return;
	if (!v->signed_in)
		http_server_fail(rp, 403, "sign in first");
	else if (!rq->post) {
		if (take_request(r, rq, rp, http_server_arg(rq, "unit"), http_server_arg(rq, "fy")))
			show(r, rq, rp, NULL, NULL);
	} else if (take_posted(r, rq, rp))
		save(r, rq, rp);
	free(r);
}

static void upload(struct check_req *r, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct entry_who w = { r->v->who.name, rq->address, unit_id(r), now_wall() };
	char code[CRIT_CODE_MAX], err[512];
	long long id;
	int rc;

	if (form_value(rq->body, "code", code, sizeof(code)) != GM_OK ||
	    criteria_find(r->c, code) < 0) {
		rp->status = 400;
		show(r, rq, rp, tr(l, "c_bad_indicator"), NULL);
		return;
	}
	if (rq->file == NULL || rq->file_len == 0) {
		rp->status = 400;
		show(r, rq, rp, tr(l, "c_no_file"), NULL);
		return;
	}
	pthread_mutex_lock(&r->d->db_lock);
	rc = evidence_add(r->d->db, r->d->cfg.access.evidence, &w, r->fy, code, rq->file_name,
	    rq->file, rq->file_len, &id, err, sizeof(err));
	pthread_mutex_unlock(&r->d->db_lock);
	if (rc != GM_OK) {
		if (rc != GM_EINVAL && rc != GM_ERANGE)
			log_err("evidence %s %d %s: %s", w.unit, r->fy, code, err);
		rp->status = rc == GM_EINVAL ? 415 : rc == GM_ERANGE ? 409 : 503;
		show(r, rq, rp, tr(l, rc == GM_EINVAL ? "c_bad_file" : rc == GM_ERANGE ?
		    "c_too_many_files" : "c_not_saved"), NULL);
		return;
	}
	{
		char anchor[CRIT_CODE_MAX + 4];

		snprintf(anchor, sizeof(anchor), "i-%s", code);
		back_to(rp, r, "file", anchor, l);
	}
}

void dash_checklist_upload(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct check_req *r = new_req(d, v, rp);

	if (r == NULL)
		return;
	if (take_posted(r, rq, rp))
		upload(r, rq, rp);
	free(r);
}

/* An evidence file, to a signed-in person who may see its unit. */
void dash_evidence_file(struct dash *d, struct http_reply *rp,
    const struct viewer *v, const char *id_text)
{
	struct evidence e;
	char path[4200] = "", why[256] = "database", *data = NULL, *end;
	long long id = strtoll(id_text, &end, 10);
	size_t len;
	int rc;

	if (!v->signed_in) {
		http_server_fail(rp, 403, "sign in first");
		return;
	}
	if (id_text[0] < '1' || id_text[0] > '9' || *end != '\0' || strlen(id_text) > 18) {
		http_server_fail(rp, 404, "no such file");
		return;
	}
	/* the row and its file read under one lock: a removal between cannot
	 * hand out a file that is no longer this row's */
	pthread_mutex_lock(&d->db_lock);
	if ((rc = evidence_get(d->db, id, &e)) == GM_OK && account_may_edit(&v->who, e.unit)) {
		evidence_path(path, sizeof(path), d->cfg.access.evidence, id);
		/* its own size, not today's limit: a limit lowered since keeps old files */
		if (fileio_read_regular(path, (size_t)e.size + 1, &data, &len, why, sizeof(why)) !=
		    GM_OK)
			rc = GM_EIO;
	}
	pthread_mutex_unlock(&d->db_lock);
	if (rc == GM_ENOTFOUND || (rc == GM_OK && !account_may_edit(&v->who, e.unit))) {
		http_server_fail(rp, rc == GM_OK ? 403 : 404, rc == GM_OK ?
		    "this file is of another unit's checklist" : "no such file");
		return;
	}
	if (rc != GM_OK) {
		log_err("evidence %lld: %s: %s", id, path, why);
		http_server_fail(rp, 503, "the evidence file cannot be read");
		return;
	}
	rp->data = data;
	rp->len = len;
	rp->type = strcmp(e.type, "application/pdf") == 0 ? "application/pdf" :
	    strcmp(e.type, "image/png") == 0 ? "image/png" : "image/jpeg";
	/* a name of our own (the uploaded one may hold anything), with its type's
	 * extension, so the file opens where it is saved */
	snprintf(rp->disposition, sizeof(rp->disposition), "%s; filename=\"evidence-%lld.%s\"",
	    strcmp(e.type, "application/pdf") == 0 ? "attachment" : "inline", id,
	    strcmp(e.type, "application/pdf") == 0 ? "pdf" : strcmp(e.type, "image/png") == 0 ?
	    "png" : "jpg");
	rp->personal = true;
}

/* An evidence file taken away (attached by mistake, or holding what should
 * not be kept): its unit's editor or a coordinator, audited. */
void dash_checklist_remove(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	struct check_req *r = new_req(d, v, rp);
	char id_text[24] = "", err[300], *end;
	long long id;
	int rc;

	if (r == NULL)
		return;
	if (take_posted(r, rq, rp)) {
		struct entry_who w = { v->who.name, rq->address, unit_id(r), now_wall() };

		form_value(rq->body, "id", id_text, sizeof(id_text));
		id = strtoll(id_text, &end, 10);
		pthread_mutex_lock(&d->db_lock);
		rc = id > 0 && *end == '\0' ? evidence_remove(d->db, d->cfg.access.evidence, &w, id,
		    err, sizeof(err)) : GM_ENOTFOUND;
		pthread_mutex_unlock(&d->db_lock);
		if (rc == GM_OK)
			back_to(rp, r, "removed", "", dash_lang(rq));
		else
			http_server_fail(rp, rc == GM_ENOTFOUND ? 404 : 503, rc == GM_ENOTFOUND ?
			    "no such file in this unit's checklist" : "the database cannot be written");
	}
	free(r);
}
