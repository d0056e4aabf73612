/* dash_signin.c - signing in and out (access.h, accounts.h, sessions.h). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "directory.h"
#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "page.h"
#include "timeutil.h"

#define SESSION_COOKIE "gm_session"
#define FORM_COOKIE "gm_form"   /* the sign-in form's own CSRF token, before any session */

bool dash_viewer(struct dash *d, const struct http_req *rq, struct viewer *v)
{
	const char *token = http_server_cookie(rq, SESSION_COOKIE);
	double now = now_wall();
	bool ok = false;

	memset(v, 0, sizeof(*v));
	if (d->db == NULL || token == NULL)
		return false;
	pthread_mutex_lock(&d->db_lock);
	if (session_find(d->db, token, now, &v->s) == GM_OK &&
	    accounts_get(d->db, v->s.user_id, &v->who) == GM_OK)
		ok = true;
	pthread_mutex_unlock(&d->db_lock);
	if (ok)
		snprintf(v->token, sizeof(v->token), "%s", token);
	v->signed_in = ok;
	return ok;
}

/* A cookie: HttpOnly and SameSite=Strict always, Secure over HTTPS;
 * max_age 0 ends it. */
static void cookie(char *buf, size_t len, const struct http_req *rq, const char *name,
    const char *value, const char *path, double max_age)
{
	snprintf(buf, len, "%s=%s; Path=%s; Max-Age=%.0f; HttpOnly; SameSite=Strict%s", name, value,
	    path, max_age, rq->tls ? "; Secure" : "");
}

/* Where to go once signed in: a path of ours, never another site's. */
static void next_of(const char *given, char *out, size_t len)
{
	bool plain = given != NULL;

	for (const unsigned char *p = (const unsigned char *)given; plain && *p; p++)
		plain = *p >= 0x20 && *p != 0x7f && *p != '\\';
	if (!plain || given[0] != '/' || given[1] == '/' || strlen(given) >= len)
		given = "/";
	snprintf(out, len, "%s", given);
}

static void form_page(struct http_reply *rp, const struct http_req *rq, enum lang l,
    const char *next, const char *name, const char *say)
{
	const char *had = http_server_cookie(rq, FORM_COOKIE);
	char token[SESSION_TOKEN_LEN + 1];

	/* the one the browser has, if it is one of ours: a second tab, or the
	 * browser's own request for an icon sent here, must not make the
	 * first form stale */
	if (had != NULL && strlen(had) == SESSION_TOKEN_LEN &&
	    strspn(had, "0123456789abcdef") == SESSION_TOKEN_LEN)
		snprintf(token, sizeof(token), "%s", had);
	else
		session_random(token);
	cookie(rp->cookie[0], sizeof(rp->cookie[0]), rq, FORM_COOKIE, token, "/signin", 3600);
	page_begin(rp->out, rq, l, tr(l, "signin"), 0);
	if (say != NULL)
		fprintf(rp->out, "<p class=\"warn\" id=\"say\">%s</p>", say);
	fprintf(rp->out, "<form method=\"post\" action=\"/signin%s\" class=\"signin\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"next\" "
	    "value=\"", page_lang_query(l), token);
	html_esc(rp->out, next);
	fprintf(rp->out, "\"><p><label>%s<br><input name=\"name\" autocomplete=\"username\" "
	    "required value=\"", tr(l, "signin_name"));
	html_esc(rp->out, name);
	fprintf(rp->out, "\"></label></p><p><label>%s<br><input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label></p><p><button>%s</button></p>"
	    "</form>", tr(l, "signin_password"), tr(l, "signin"));
	page_end(rp->out, l, now_wall());
}

/* Signed in: the session's cookie, the form's ended, and on to next. */
static void signed_in(struct dash *d, struct http_reply *rp, const struct http_req *rq,
    const struct account *a, const char *next)
{
	char token[SESSION_TOKEN_LEN + 1];
	struct session s;
	double now = now_wall();
	int rc;

	pthread_mutex_lock(&d->db_lock);
	rc = session_new(d->db, a->id, rq->address, now, d->cfg.access.session_s, token, &s);
	if (rc == GM_OK)
		audit_add(d->db, now, a->name, rq->address, "sign in", NULL, NULL);
	pthread_mutex_unlock(&d->db_lock);
	if (rc != GM_OK) {
		http_server_fail(rp, 503, "the accounts database cannot be written");
		return;
	}
	cookie(rp->cookie[0], sizeof(rp->cookie[0]), rq, SESSION_COOKIE, token, "/",
	    d->cfg.access.session_s);
	cookie(rp->cookie[1], sizeof(rp->cookie[1]), rq, FORM_COOKIE, "", "/signin", 0);
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "%s", next);
	log_info("sign in: %s from %s", a->name, rq->address);
}

/* A directory account's password, asked of the directory (an accounts.h
 * signin_ctx directory). */
static int directory_says(void *user, const char *name, const char *password)
{
	char err[300];
	int rc = directory_bind(user, name, password, err, sizeof(err));

	if (rc == GM_EIO)
		log_warn("sign in: %s", err);
	return rc;
}

static void signin_post(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    enum lang l)
{
	char name[ACCOUNT_NAME_MAX + 1], password[1024], csrf[SESSION_TOKEN_LEN + 1], given[256];
	char next[256];
	char say[300], when[64];
	struct account a;
	double until = 0, now = now_wall();
	const struct lockout lk = { d->cfg.access.max_failures, d->cfg.access.lock_s };
	enum signin res;

	form_value(rq->body, "next", given, sizeof(given));
	next_of(given, next, sizeof(next));
	if (form_value(rq->body, "csrf", csrf, sizeof(csrf)) != GM_OK ||
	    !session_tokens_match(csrf, http_server_cookie(rq, FORM_COOKIE))) {
		rp->status = 403;
		form_page(rp, rq, l, next, "", tr(l, "signin_stale"));
		return;
	}
	if (form_value(rq->body, "name", name, sizeof(name)) != GM_OK ||
	    form_value(rq->body, "password", password, sizeof(password)) != GM_OK)
		name[0] = password[0] = '\0';
	/* every try counts against the address until it succeeds */
	if (!signin_limit_take(d->limit, rq->address, now)) {
		rp->status = 429;
		form_page(rp, rq, l, next, name, tr(l, "signin_address"));
		return;
	}
	res = account_name_ok(name) ? accounts_check(&(struct signin_ctx){ d->db, &d->db_lock, lk,
	    d->cfg.ldap.on ? directory_says : NULL, &d->cfg.ldap }, name, password, now, &a,
	    &until) : SIGNIN_WRONG;
	memset(password, 0, sizeof(password));
	if (res == SIGNIN_OK) {
		signin_limit_gave_back(d->limit, rq->address, now);
		signed_in(d, rp, rq, &a, next);
		return;
	}
	/* a wrong password, and the lock when one made it: not every refusal
	 * while locked, which would let anyone fill the log */
	if (res == SIGNIN_WRONG || res == SIGNIN_LOCKED_NOW) {
		pthread_mutex_lock(&d->db_lock);
		if (account_name_ok(name))
			audit_add(d->db, now, name, rq->address, "sign-in refused: wrong password", NULL,
			    NULL);
		if (res == SIGNIN_LOCKED_NOW)
			audit_add(d->db, now, name, rq->address, "account locked", NULL, NULL);
		pthread_mutex_unlock(&d->db_lock);
	}
	if (res == SIGNIN_LOCKED || res == SIGNIN_LOCKED_NOW) {
		struct tm tm;
		time_t t = (time_t)until;

		localtime_r(&t, &tm);
		snprintf(when, sizeof(when), "%02d:%02d", tm.tm_hour, tm.tm_min);
		snprintf(say, sizeof(say), tr(l, "signin_locked"), when);
	} else {
		snprintf(say, sizeof(say), "%s", tr(l, res == SIGNIN_ERROR ? "signin_error" :
		    "signin_wrong"));
	}
	rp->status = res == SIGNIN_ERROR ? 503 : 200;
	form_page(rp, rq, l, next, name, say);
}

void dash_signin_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	char next[256];

	if (rq->post) {
		signin_post(d, rq, rp, l);
		return;
	}
	next_of(http_server_arg(rq, "next"), next, sizeof(next));
	form_page(rp, rq, l, next, "", NULL);
}

/* What the account's role may open besides the pages everyone has. */
static void account_links(FILE *f, const struct viewer *v, enum lang l)
{
	const char *q = page_lang_query(l);
	bool coord = v->who.role == ROLE_COORDINATOR || v->who.role == ROLE_ADMIN;

	fputs("<ul id=\"links\">", f);
	if (v->who.role != ROLE_VIEWER)
		fprintf(f, "<li><a href=\"/report-run%s\">%s</a></li>", q, tr(l, "r_title"));
	if (coord)
		fprintf(f, "<li><a href=\"/audit%s\">%s</a></li>", q, tr(l, "audit"));
	if (v->who.role == ROLE_ADMIN)
		fprintf(f, "<li><a href=\"/users%s\">%s</a></li>", q, tr(l, "users"));
	fputs("</ul>", f);
}

void dash_signout_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	enum lang l = dash_lang(rq);
	char csrf[SESSION_TOKEN_LEN + 1];

	if (!v->signed_in) {
		rp->status = 303;
		snprintf(rp->location, sizeof(rp->location), "/signin%s", page_lang_query(l));
		return;
	}
	if (!rq->post) {   /* /account or /signout: who, and the button */
		page_begin(rp->out, rq, l, tr(l, "account"), 0);
		fprintf(rp->out, "<form method=\"post\" action=\"/signout%s\"><p>%s <b>",
		    page_lang_query(l), tr(l, "signed_in_as"));
		html_esc(rp->out, v->who.name);
		fprintf(rp->out, "</b> (%s)</p><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button>%s</button></form>", role_name(v->who.role), v->s.csrf, tr(l, "signout"));
		account_links(rp->out, v, l);
		page_end(rp->out, l, now_wall());
		return;
	}
	if (form_value(rq->body, "csrf", csrf, sizeof(csrf)) != GM_OK ||
	    !session_csrf_ok(&v->s, csrf)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return;
	}
	pthread_mutex_lock(&d->db_lock);
	session_end(d->db, v->token);
	audit_add(d->db, now_wall(), v->who.name, rq->address, "sign out", NULL, NULL);
	pthread_mutex_unlock(&d->db_lock);
	cookie(rp->cookie[0], sizeof(rp->cookie[0]), rq, SESSION_COOKIE, "", "/", 0);
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/signin%s", page_lang_query(l));
}

bool dash_form_ok(const struct viewer *v, const struct http_req *rq)
{
	char csrf[SESSION_TOKEN_LEN + 1];

	return v->signed_in && form_value(rq->body, "csrf", csrf, sizeof(csrf)) == GM_OK &&
	    session_csrf_ok(&v->s, csrf);
}

void dash_unit_select(FILE *f, const struct org *o, const struct viewer *v, int selected,
    enum lang l)
{
	fputs("<select name=\"unit\">", f);
	for (int u = 0; u < o->nunits; u++) {
		if (!account_may_edit(&v->who, o->units[u].id))
			continue;
		fprintf(f, "<option value=\"%s\"%s>", o->units[u].id, u == selected ? " selected" : "");
		html_esc(f, l == LANG_EN ? o->units[u].name_en : o->units[u].name_th);
		fputs("</option>", f);
	}
	fputs("</select>", f);
}
