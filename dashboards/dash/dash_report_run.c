/* dash_report_run.c - the page that makes a Green Office report set again
 * (report_run.h): who may, for which fiscal year, and how the last run
 * went. */
#include <stdio.h>
#include <string.h>

#include "fiscal.h"
#include "form.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "log.h"
#include "page.h"
#include "report_run.h"
#include "timeutil.h"

static bool may_run(const struct viewer *v)
{
	return v->who.role == ROLE_COORDINATOR || v->who.role == ROLE_ADMIN ||
	    (v->who.role == ROLE_EDITOR && v->who.nunits > 0);
}

static void state_line(FILE *f, const struct report_run_state *st, enum lang l)
{
	if (st->started == 0)
		return;
	fprintf(f, "<p id=\"run-state\" data-running=\"%d\" data-status=\"%d\">", st->running,
	    st->status);
	if (st->running) {
		fprintf(f, "%s %s %d, ", tr(l, "r_running"), tr(l, "c_fy"), l == LANG_EN ?
		    st->fy - 543 : st->fy);
		page_time(f, st->started, l);
	} else {
		fprintf(f, "%s %s %d: %s, ", tr(l, "r_last"), tr(l, "c_fy"), l == LANG_EN ?
		    st->fy - 543 : st->fy, tr(l, st->status == 0 ? "r_done" : "r_failed"));
		page_time(f, st->ended, l);
	}
	fputs(" (", f);
	html_esc(f, st->who);
	fputs(")</p>", f);
}

static void show(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v, const char *say)
{
	enum lang l = dash_lang(rq);
	struct report_run_state st;
	int now = fiscal_year_of((time_t)now_wall());

	report_run_state(d->runner, &st);
	page_begin(rp->out, rq, l, tr(l, "r_title"), st.running ? 5 : 0);
	if (say != NULL)
		page_warn(rp->out, "say", say, NULL);
	state_line(rp->out, &st, l);
	fprintf(rp->out, "<p>%s</p><form method=\"post\" action=\"/report-run%s\" id=\"run\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><select name=\"fy\">",
	    tr(l, "r_what"), page_lang_query(l), v->s.csrf);
	page_fy_options(rp->out, now, now - 2, now, l);
	fprintf(rp->out, "</select> <button%s>%s</button></form><p><a href=\"/reports%s\">%s</a>"
	    "</p>", st.running ? " disabled" : "", tr(l, "r_button"), page_lang_query(l),
	    tr(l, "reports"));
	page_end(rp->out, l, now_wall());
}

void dash_report_run_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	enum lang l = dash_lang(rq);
	char fy_text[16], err[512], tail;
	int fy, now = fiscal_year_of((time_t)now_wall()), rc;

	if (d->runner == NULL) {
		http_server_fail(rp, 404, "no reports_dir or organisation: no report set to make");
		return;
	}
	if (!v->signed_in || !may_run(v)) {
		http_server_fail(rp, 403, "making the reports again is for coordinators and editors");
		return;
	}
	if (!rq->post) {
		show(d, rq, rp, v, NULL);
		return;
	}
	if (!dash_form_ok(v, rq)) {
		http_server_fail(rp, 403, "this form is stale or not ours: open the page again");
		return;
	}
	if (form_value(rq->body, "fy", fy_text, sizeof(fy_text)) != GM_OK ||
	    sscanf(fy_text, "%d%c", &fy, &tail) != 1 || fy < now - 2 || fy > now) {
		rp->status = 400;
		show(d, rq, rp, v, tr(l, "c_bad_fy"));
		return;
	}
	if ((rc = report_run_start(d->runner, fy, v->who.name, err, sizeof(err))) != GM_OK) {
		if (rc != GM_EBUSY)
			log_err("reports: %s", err);
		rp->status = rc == GM_EBUSY ? 409 : 503;
		show(d, rq, rp, v, tr(l, rc == GM_EBUSY ? "r_busy" : "r_cannot"));
		return;
	}
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/report-run%s", page_lang_query(l));
}
