/* dash_audit.c - the audit log, read on the web (audit.h): newest first, a
 * hundred rows a page; for coordinators and administrators only. It has
 * no form: the log is changed by nothing but the actions it records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "timeutil.h"

#define AUDIT_PAGE 100

static void cell(FILE *f, const char *s)
{
	fputs("<td>", f);
	html_esc(f, s[0] != '\0' ? s : "—");
	fputs("</td>", f);
}

/* What the log says (kept in English, the same for every reader) in the
 * page's words, where it has them. */
static void words(FILE *f, const char *s, enum lang l)
{
	char key[240];
	const char *w;

	snprintf(key, sizeof(key), "audit:%s", s);
	w = tr(l, key);
	cell(f, strcmp(w, key) != 0 ? w : s);
}

void dash_audit_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	enum lang l = dash_lang(rq);
	const char *b = http_server_arg(rq, "before");
	long long before = b != NULL ? strtoll(b, NULL, 10) : 0;
	struct audit_row *rows;
	int n;

	if (!v->signed_in || (v->who.role != ROLE_COORDINATOR && v->who.role != ROLE_ADMIN)) {
		http_server_fail(rp, 403, "the audit log is for coordinators and administrators");
		return;
	}
	if ((rows = calloc(AUDIT_PAGE, sizeof(*rows))) == NULL) {
		http_server_fail(rp, 503, "out of memory");
		return;
	}
	pthread_mutex_lock(&d->db_lock);
	n = audit_read(d->db, before > 0 ? before : 0, rows, AUDIT_PAGE);
	pthread_mutex_unlock(&d->db_lock);
	page_begin(rp->out, rq, l, tr(l, "audit"), 0);
	fprintf(rp->out, "<table id=\"audit\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr>", tr(l, "time"), tr(l, "audit_who"), tr(l, "audit_from"),
	    tr(l, "audit_what"), tr(l, "audit_old"), tr(l, "audit_new"));
	for (int i = 0; i < n; i++) {
		fputs("<tr><td>", rp->out);
		page_time(rp->out, rows[i].at, l);
		fputs("</td>", rp->out);
		words(rp->out, rows[i].who, l);
		cell(rp->out, rows[i].address);
		words(rp->out, rows[i].what, l);
		cell(rp->out, rows[i].old);
		cell(rp->out, rows[i].new_value);
		fputs("</tr>", rp->out);
	}
	fputs("</table>", rp->out);
	if (n == AUDIT_PAGE)
		fprintf(rp->out, "<p><a href=\"/audit?before=%lld%s\">%s</a></p>", rows[n - 1].id,
		    l == LANG_EN ? "&amp;lang=en" : "", tr(l, "audit_older"));
	if (n < 0)
		fprintf(rp->out, "<p class=\"warn\">%s</p>", tr(l, "signin_error"));
	page_end(rp->out, l, now_wall());
	free(rows);
}
