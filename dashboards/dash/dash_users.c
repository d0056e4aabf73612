/* dash_users.c - the administrators' page of accounts: who may sign in,
 * with which role and for which units; a new account, a role or units
 * changed, a password set anew, a locked account let in again. Every
 * change is in the audit log; an administrator cannot take away their own
 * role (someone must be left to give it back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include <sodium.h>

#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "page.h"
#include "timeutil.h"

#define USERS_MAX 500

static const char *const role_keys[] = { "u_viewer", "u_editor", "u_coordinator", "u_admin" };

static void role_select(FILE *f, enum role r, enum lang l)
{
	fputs("<select name=\"role\">", f);
	for (int k = ROLE_VIEWER; k <= ROLE_ADMIN; k++)
		fprintf(f, "<option value=\"%s\"%s>%s</option>", role_name((enum role)k),
		    k == (int)r ? " selected" : "", tr(l, role_keys[k]));
	fputs("</select>", f);
}

static bool has_unit(const struct account *a, const char *unit)
{
	for (int i = 0; i < a->nunits; i++)
		if (strcmp(a->units[i], unit) == 0)
			return true;
	return false;
}

/* The units as checkboxes (an editor's: the units it enters data for). */
static void unit_boxes(FILE *f, const struct dash *d, const struct account *a, enum lang l)
{
	fputs("<details><summary>", f);
	fputs(tr(l, "u_units"), f);
	fputs("</summary>", f);
	for (int u = 0; d->org != NULL && u < d->org->nunits; u++) {
		fprintf(f, "<label class=\"unit\"><input type=\"checkbox\" name=\"unit\" value=\"%s\"%s> ",
		    d->org->units[u].id, a != NULL && has_unit(a, d->org->units[u].id) ? " checked" : "");
		html_esc(f, l == LANG_EN ? d->org->units[u].name_en : d->org->units[u].name_th);
		fputs("</label> ", f);
	}
	fputs("</details>", f);
}

static void hidden(FILE *f, const struct viewer *v, const char *action, const char *name)
{
	fprintf(f, "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
	    "name=\"action\" value=\"%s\">", v->s.csrf, action);
	if (name != NULL)
		fprintf(f, "<input type=\"hidden\" name=\"name\" value=\"%s\">", name);
}

static void user_row(FILE *f, const struct dash *d, const struct viewer *v,
    const struct account *a, const struct account_state *st, enum lang l)
{
	const char *q = page_lang_query(l);

	fprintf(f, "<div class=\"ind\" id=\"user-%s\"><p><b>%s</b> ", a->name, a->name);
	html_esc(f, a->display);
	fprintf(f, " <small>%s%s%s</small></p>", tr(l, role_keys[a->role]),
	    st->directory ? " · " : "", st->directory ? tr(l, "u_directory") : "");
	fprintf(f, "<form method=\"post\" action=\"/users%s\" class=\"filters\">", q);
	hidden(f, v, "role", a->name);
	role_select(f, a->role, l);
	unit_boxes(f, d, a, l);
	fprintf(f, "<button>%s</button></form>", tr(l, "u_set_role"));
	if (!st->directory) {
		fprintf(f, "<form method=\"post\" action=\"/users%s\" class=\"filters\">", q);
		hidden(f, v, "password", a->name);
		fprintf(f, "<input type=\"password\" name=\"password\" autocomplete=\"new-password\" "
		    "minlength=\"8\" placeholder=\"%s\"> <button>%s</button></form>",
		    tr(l, "u_new_password"), tr(l, "u_set_password"));
	}
	if (st->locked) {
		fprintf(f, "<form method=\"post\" action=\"/users%s\" class=\"filters\"><span "
		    "class=\"warn\">%s</span> ", q, tr(l, "u_locked"));
		hidden(f, v, "unlock", a->name);
		fprintf(f, "<button>%s</button></form>", tr(l, "u_unlock"));
	}
	fputs("</div>\n", f);
}

static void add_form(FILE *f, const struct dash *d, const struct viewer *v, enum lang l)
{
	fprintf(f, "<h2>%s</h2><form method=\"post\" action=\"/users%s\" id=\"add-user\">",
	    tr(l, "u_add"), page_lang_query(l));
	hidden(f, v, "add", NULL);
	fprintf(f, "<p><label>%s <input name=\"name\" maxlength=\"%d\" autocomplete=\"off\"></label> "
	    "<label>%s <input name=\"display\" maxlength=\"80\"></label></p><p>", tr(l, "u_name"),
	    ACCOUNT_NAME_MAX, tr(l, "u_display"));
	role_select(f, ROLE_VIEWER, l);
	unit_boxes(f, d, NULL, l);
	fprintf(f, "</p><p><label>%s <input type=\"password\" name=\"password\" "
	    "autocomplete=\"new-password\" minlength=\"8\"></label> <label><input type=\"checkbox\" "
	    "name=\"directory\" value=\"1\"> %s</label></p><p><button>%s</button></p></form>\n",
	    tr(l, "u_password"), tr(l, "u_directory_signin"), tr(l, "u_add_button"));
}

static void show(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v, const char *say, const char *detail)
{
	enum lang l = dash_lang(rq);
	struct account *a = calloc(USERS_MAX, sizeof(*a));
	struct account_state *st = calloc(USERS_MAX, sizeof(*st));
	int n = -1;

	if (a != NULL && st != NULL) {
		pthread_mutex_lock(&d->db_lock);
		n = accounts_list(d->db, now_wall(), a, st, USERS_MAX);
		pthread_mutex_unlock(&d->db_lock);
	}
	if (n < 0) {
		http_server_fail(rp, 503, "the accounts database cannot be read");
	} else {
		page_begin(rp->out, rq, l, tr(l, "users"), 0);
		if (say != NULL)
			page_warn(rp->out, "say", say, detail);
		else if (http_server_arg(rq, "saved") != NULL)
			fprintf(rp->out, "<p id=\"say\">%s</p>", tr(l, "u_saved"));
		for (int i = 0; i < n; i++)
			user_row(rp->out, d, v, &a[i], &st[i], l);
		add_form(rp->out, d, v, l);
		page_end(rp->out, l, now_wall());
	}
	free(a);
	free(st);
}

/* ---- the forms -------------------------------------------------------- */

/* The role and units a form gives into a: NULL, or what is wrong. */
static const char *read_role(const struct dash *d, const char *body, struct account *a,
    enum lang l)
{
	char role[16], unit[ID_MAX + 1];

	if (form_value(body, "role", role, sizeof(role)) != GM_OK || role_parse(role, &a->role) != 0)
		return tr(l, "u_bad_role");
	a->nunits = 0;
	for (int i = 0; form_value_at(body, "unit", i, unit, sizeof(unit)) != GM_ENOTFOUND; i++) {
		if (d->org == NULL || org_unit_find(d->org, unit) < 0)
			return tr(l, "u_bad_unit");
		if (a->nunits < ACCOUNT_UNITS_MAX && a->role == ROLE_EDITOR)
			snprintf(a->units[a->nunits++], sizeof(a->units[0]), "%s", unit);
	}
	if (a->role == ROLE_EDITOR && a->nunits == 0)
		return tr(l, "u_need_unit");
	return NULL;
}

/* "editor: finance-budget legal", as the audit log keeps a role. */
static void role_text(char *buf, size_t len, const struct account *a)
{
	size_t o = (size_t)snprintf(buf, len, "%s", role_name(a->role));

	for (int i = 0; i < a->nunits && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : ": ", a->units[i]);
}

static int add(struct dash *d, const struct http_req *rq, const struct viewer *v,
    const char **say, char *err, size_t errlen)
{
	enum lang l = dash_lang(rq);
	struct account *a = calloc(1, sizeof(*a));
	char password[256] = "", dir[4] = "", what[400];
	int rc = GM_EINVAL;

	if (a == NULL)
		return GM_ENOMEM;
	if (form_value(rq->body, "name", a->name, sizeof(a->name)) != GM_OK ||
	    form_value(rq->body, "display", a->display, sizeof(a->display)) == GM_EINVAL)
		*say = tr(l, "u_bad_name");
	else if ((*say = read_role(d, rq->body, a, l)) == NULL) {
		bool directory = form_value(rq->body, "directory", dir, sizeof(dir)) == GM_OK;

		form_value(rq->body, "password", password, sizeof(password));
		pthread_mutex_lock(&d->db_lock);
		rc = accounts_add(d->db, a, directory ? NULL : password, err, errlen);
		if (rc == GM_OK) {
			char role[250];

			role_text(role, sizeof(role), a);
			snprintf(what, sizeof(what), "%s (%s%s)", a->name, role,
			    directory ? ", directory" : "");
			audit_add(d->db, now_wall(), v->who.name, rq->address, "add user", NULL, what);
		}
		pthread_mutex_unlock(&d->db_lock);
		*say = rc == GM_OK ? NULL : tr(l, "u_not_added");
	}
	sodium_memzero(password, sizeof(password));
	free(a);
	return rc;
}

static int set_role(struct dash *d, const struct http_req *rq, const struct viewer *v,
    const char **say, char *err, size_t errlen)
{
	enum lang l = dash_lang(rq);
	struct account *a = calloc(1, sizeof(*a)), *was = calloc(1, sizeof(*was));
	struct account_state st;
	char old[300] = "", now[300];
	int rc = GM_EINVAL;

	if (a == NULL || was == NULL) {
		free(a);
		free(was);
		return GM_ENOMEM;
	}
	form_value(rq->body, "name", a->name, sizeof(a->name));
	if ((*say = read_role(d, rq->body, a, l)) == NULL && strcmp(a->name, v->who.name) == 0 &&
	    a->role != ROLE_ADMIN)
		*say = tr(l, "u_self");
	if (*say == NULL) {
		pthread_mutex_lock(&d->db_lock);
		/* the old role, for the audit log */
		if (accounts_find(d->db, a->name, was, &st) == GM_OK)
			role_text(old, sizeof(old), was);
		if ((rc = accounts_set_role(d->db, a, err, errlen)) == GM_OK) {
			role_text(now, sizeof(now), a);
			audit_add(d->db, now_wall(), v->who.name, rq->address, "set role", old, now);
		}
		pthread_mutex_unlock(&d->db_lock);
		*say = rc == GM_OK ? NULL : tr(l, "u_not_saved");
	}
	free(a);
	free(was);
	return rc;
}

static int set_password(struct dash *d, const struct http_req *rq, const struct viewer *v,
    const char **say, char *err, size_t errlen)
{
	char name[ACCOUNT_NAME_MAX + 1] = "", password[256] = "";
	int rc;

	form_value(rq->body, "name", name, sizeof(name));
	form_value(rq->body, "password", password, sizeof(password));
	pthread_mutex_lock(&d->db_lock);
	/* its sessions end with it (accounts.h) */
	if ((rc = accounts_set_password(d->db, name, password, err, errlen)) == GM_OK)
		audit_add(d->db, now_wall(), v->who.name, rq->address, "set password", NULL, name);
	pthread_mutex_unlock(&d->db_lock);
	sodium_memzero(password, sizeof(password));
	*say = rc == GM_OK ? NULL : tr(dash_lang(rq), "u_not_saved");
	return rc;
}

static int unlock(struct dash *d, const struct http_req *rq, const struct viewer *v,
    const char **say)
{
	char name[ACCOUNT_NAME_MAX + 1] = "";
	int rc;

	form_value(rq->body, "name", name, sizeof(name));
	pthread_mutex_lock(&d->db_lock);
	if ((rc = accounts_unlock(d->db, name)) == GM_OK)
		audit_add(d->db, now_wall(), v->who.name, rq->address, "unlock", NULL, name);
	pthread_mutex_unlock(&d->db_lock);
	*say = rc == GM_OK ? NULL : tr(dash_lang(rq), "u_not_saved");
	return rc;
}

void dash_users_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	char action[16] = "", err[300] = "";
	const char *say = NULL;
	int rc;

	if (!v->signed_in || v->who.role != ROLE_ADMIN) {
		http_server_fail(rp, 403, "accounts are for administrators");
		return;
	}
	if (!rq->post) {
		show(d, rq, rp, v, NULL, NULL);
		return;
	}
	if (!dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return;
	}
	form_value(rq->body, "action", action, sizeof(action));
	if (strcmp(action, "add") == 0)
		rc = add(d, rq, v, &say, err, sizeof(err));
	else if (strcmp(action, "role") == 0)
		rc = set_role(d, rq, v, &say, err, sizeof(err));
	else if (strcmp(action, "password") == 0)
		rc = set_password(d, rq, v, &say, err, sizeof(err));
	else if (strcmp(action, "unlock") == 0)
		rc = unlock(d, rq, v, &say);
	else
		rc = GM_EINVAL, say = tr(dash_lang(rq), "u_not_saved");
	if (rc != GM_OK) {
		rp->status = rc == GM_EIO ? 503 : 400;
		show(d, rq, rp, v, say, err[0] ? err : NULL);
		return;
	}
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/users?saved=1%s",
	    dash_lang(rq) == LANG_EN ? "&lang=en" : "");
}
