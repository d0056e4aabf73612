/* dash_unit.c - the units: each one's month against its baseline month and
 * its paper reduction this fiscal year (unit_view.h). */
#include <math.h>
#include <string.h>

#include "page.h"
#include "handlers.h"
#include "html.h"
#include "kpi.h"
#include "timeutil.h"

static const char *unit_name(const struct org *o, int u, enum lang l)
{
	if (u < 0)
		return l == LANG_TH ? o->name_th : o->name_en;
	return l == LANG_TH ? o->units[u].name_th : o->units[u].name_en;
}

static void pct(FILE *f, double v)
{
	html_num(f, v, 1);
	if (isfinite(v))
		fputs(" %", f);
}

static void compl(FILE *f, double c, enum lang l)
{
	if (c < 1)
		fprintf(f, " <small class=\"warn\">%s %.0f%%</small>", tr(l, "incomplete"),
		    floor(c * 100));
}

/* An amount with its unit and how complete it is; a period with no data
 * at all says so (none_key) rather than "0 %" of an empty figure: paper,
 * fuel and waste come as one entry a month, so early in a month there is
 * none yet. */
static void amount(FILE *f, double v, double c, const char *unit, const char *none_key,
    enum lang l)
{
	if (c <= 0 || !isfinite(v)) {
		fprintf(f, "— <small class=\"none\">%s</small>", tr(l, none_key));
		return;
	}
	html_num(f, v, 2);
	fprintf(f, " %s", unit_words(unit, l));
	compl(f, c, l);
}

static void res_row(FILE *f, enum resource r, const struct unit_res *u, enum lang l)
{
	const char *unit = resource_unit(r);

	fprintf(f, "<tr data-res=\"%s\"><th>%s</th><td class=\"num now\">", resource_name(r),
	    resource_label(r, l));
	amount(f, u->now, u->now_compl, unit, "none_yet", l);
	fputs("</td><td class=\"num then\">", f);
	amount(f, u->then, u->then_compl, unit, "no_data", l);
	fputs("</td><td class=\"num pro\">", f);
	html_num(f, u->then_pro, 2);
	fputs("</td><td class=\"num change\">", f);
	pct(f, u->change_pct);
	if (u->flagged)
		fprintf(f, " <small class=\"warn\">%s</small>", tr(l, "to_review"));
	fputs("</td></tr>\n", f);
}

static void month_table(FILE *f, const struct unit_view *v, const struct unit_fig *u,
    enum lang l)
{
	fprintf(f, "<h2>%s</h2><p><small>%.0f%% %s · %s %d</small></p>", tr(l, "month_vs"),
	    v->elapsed * 100, tr(l, "month_gone"), tr(l, "baseline"),
	    u->baseline_fy);
	fprintf(f, "<table id=\"month\"><tr><th></th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "</tr>", tr(l, "month_so_far"), tr(l, "base_month"), tr(l, "base_pro"),
	    tr(l, "change"));
	for (int r = 0; r < RES_N; r++)
		if (u->res[r].mapped)
			res_row(f, (enum resource)r, &u->res[r], l);
	fputs("</table>\n", f);
}

static void paper(FILE *f, const struct unit_fig *u, enum lang l)
{
	fprintf(f, "<h2>%s</h2>", tr(l, "paper_fy"));
	if (u->paper_months == 0) {
		fprintf(f, "<p>%s</p>", tr(l, "no_closed"));
		return;
	}
	fputs("<p class=\"paper\"><b id=\"paper-pct\">", f);
	pct(f, u->paper_pct);
	fprintf(f, "</b> · %s ", tr(l, "kpi_level"));
	html_num(f, u->paper_level, 2);
	fprintf(f, " · %d %s", u->paper_months, tr(l, "months_closed"));
	compl(f, u->paper_compl, l);
	fputs("</p>\n", f);
}

/* The view, or an answer saying why there is none yet. */
static const struct unit_view *view_or_say(struct dash *d, const struct http_req *rq,
    struct http_reply *rp, struct shared **ref, enum lang l)
{
	const struct unit_view *v = d->org ? dash_units(d, ref) : NULL;

	if (v != NULL)
		return v;
	rp->status = d->org ? 503 : 404;
	page_begin(rp->out, rq, l, tr(l, "units"), d->org ? 5 : 0);
	fprintf(rp->out, "<p>%s</p>", tr(l, d->org ? "not_ready" : "no_org"));
	page_end(rp->out, l, now_wall());
	return NULL;
}

void dash_unit_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *unit)
{
	enum lang l = dash_lang(rq);
	struct shared *ref = NULL;
	int u = d->org ? org_unit_find(d->org, unit) : -1;
	const struct unit_view *v;

	if (d->org && u < 0 && strcmp(unit, "whole") != 0) {
		page_not_found(rp, rq, l, "unknown unit");
		return;
	}
	if ((v = view_or_say(d, rq, rp, &ref, l)) == NULL)
		return;
	const struct unit_fig *f = u < 0 ? &v->whole : &v->units[u];
	page_begin(rp->out, rq, l, unit_name(d->org, u, l), d->cfg.refresh_s);
	month_table(rp->out, v, f, l);
	paper(rp->out, f, l);
	dash_reports_of_unit(rp->out, d->cfg.reports_dir, u < 0 ? "whole" : unit, l);
	page_end(rp->out, l, now_wall());
	dash_put(d, ref);
}

static void unit_line(FILE *f, const struct org *o, const struct unit_view *v, int u,
    enum lang l)
{
	const struct unit_fig *x = u < 0 ? &v->whole : &v->units[u];
	const char *id = u < 0 ? "whole" : o->units[u].id;

	fprintf(f, "<tr data-unit=\"%s\"><td><a href=\"/unit/%s%s\">", id, id, page_lang_query(l));
	html_esc(f, unit_name(o, u, l));
	fputs("</a></td><td class=\"num\">", f);
	pct(f, x->res[RES_ELECTRICITY].change_pct);
	fputs("</td><td class=\"num\">", f);
	pct(f, x->res[RES_WATER].change_pct);
	fputs("</td><td class=\"num paper\">", f);
	pct(f, x->paper_pct);
	compl(f, x->paper_months ? x->paper_compl : 1, l);
	fputs("</td><td class=\"num\">", f);
	html_num(f, x->paper_level, 2);
	fputs("</td></tr>\n", f);
}

void dash_unit_list_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct shared *ref = NULL;
	const struct unit_view *v = view_or_say(d, rq, rp, &ref, l);

	if (v == NULL)
		return;
	page_begin(rp->out, rq, l, tr(l, "units"), d->cfg.refresh_s);
	fprintf(rp->out, "<p><small>%s %d · %s: %s</small></p>", tr(l, "fy"), v->fy,
	    tr(l, "change"), tr(l, "month_vs"));
	fprintf(rp->out, "<table id=\"units\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", tr(l, "unit"), resource_label(RES_ELECTRICITY, l),
	    resource_label(RES_WATER, l), tr(l, "paper_change"), tr(l, "kpi_level"));
	for (int u = 0; u < d->org->nunits; u++)
		unit_line(rp->out, d->org, v, u, l);
	unit_line(rp->out, d->org, v, -1, l);
	fputs("</table>\n", rp->out);
	if (v->nproblems > 0) {
		fprintf(rp->out, "<p class=\"warn\">%s (%d): ", tr(l, "problems"), v->nproblems);
		html_esc(rp->out, v->problem);
		fputs("</p>", rp->out);
	}
	page_end(rp->out, l, now_wall());
	dash_put(d, ref);
}
