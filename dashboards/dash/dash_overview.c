/* dash_overview.c - every meter on one page, problems first. */
#include <math.h>
#include <stdlib.h>

#include "page.h"
#include "handlers.h"
#include "html.h"
#include "timeutil.h"

size_t *dash_overview_worst_first(const struct meter_snap *s, double now, enum chan_status *st)
{
	size_t *ix = malloc((s->n + 1) * sizeof(*ix));

	if (ix == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		ix[i] = i;
		st[i] = meter_view_status(s, &s->rows[i], now);
	}
	/* rows are in name order already: a stable pass by status keeps it */
	size_t k = 0;
	for (int want = STATUS_FAULT; want >= STATUS_OK; want--)
		for (size_t i = 0; i < s->n; i++)
			if ((int)st[i] == want)
				ix[k++] = i;
	return ix;
}

static void summary(FILE *f, const struct meter_snap *s, const enum chan_status *st,
    double now, enum lang l)
{
	size_t count[3] = { 0 };

	for (size_t i = 0; i < s->n; i++)
		count[st[i]]++;
	fprintf(f, "<p class=\"summary\">%s: <b id=\"n-meters\">%zu</b> · ", tr(l, "counts"), s->n);
	for (int k = 0; k < 3; k++) {
		page_status(f, (enum chan_status)k, l);
		fprintf(f, " <b id=\"n-%s\">%zu</b> ", chan_status_name((enum chan_status)k),
		    count[k]);
	}
	fprintf(f, "<br><small>%s: ", tr(l, "collector_status"));
	if (s->status_err[0] != '\0') {
		fputs("<span class=\"warn\">", f);
		html_esc(f, s->status_err);
		fputs("</span>", f);
	} else if (s->status_mtime > 0) {
		fprintf(f, "%s ", tr(l, "updated"));
		page_age(f, now - s->status_mtime, l);
	} else {
		fputs("—", f);
	}
	fprintf(f, " · %s ", tr(l, "usage_at"));
	page_time(f, s->usage_at);
	fputs("</small></p>\n", f);
}

static void row(FILE *f, const struct meter_row *r, enum chan_status st, double now,
    enum lang l)
{
	fprintf(f, "<tr class=\"%s\" data-channel=\"%s/%s/%s\" data-status=\"%s\"><td>",
	    chan_status_name(st), r->st.id.site, r->st.id.meter, r->st.id.channel,
	    chan_status_name(st));
	page_chan_link(f, &r->st.id, l);
	fputs("</td><td>", f);
	page_status(f, st, l);
	fputs("</td><td class=\"num last\">", f);
	page_reading(f, r->st.have_last ? r->st.last_v : NAN, r->st.unit);
	fputs("</td><td class=\"num age\">", f);
	page_age(f, meter_view_age(r, now), l);
	fputs("</td><td class=\"num today\">", f);
	page_use(f, &r->today, r->st.unit, l);
	fputs("</td><td class=\"num month\">", f);
	page_use(f, &r->month, r->st.unit, l);
	fputs("</td></tr>\n", f);
}

void dash_overview_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	double now = now_wall();
	enum chan_status *st;
	size_t *ix;

	page_begin(rp->out, rq, l, tr(l, "overview"), d->cfg.refresh_s);
	if (s == NULL) {
		fprintf(rp->out, "<p>%s</p>", tr(l, "not_ready"));
		page_end(rp->out, l, now);
		return;
	}
	st = malloc((s->n + 1) * sizeof(*st));
	ix = st ? dash_overview_worst_first(s, now, st) : NULL;
	if (ix == NULL) {
		http_server_fail(rp, 503, "out of memory");
	} else {
		summary(rp->out, s, st, now, l);
		fprintf(rp->out, "<table id=\"meters\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n", tr(l, "meter"),
		    tr(l, "status"), tr(l, "last_value"), tr(l, "age"), tr(l, "today"),
		    tr(l, "this_month"));
		for (size_t i = 0; i < s->n; i++)
			row(rp->out, &s->rows[ix[i]], st[ix[i]], now, l);
		fputs("</tbody></table>\n", rp->out);
		page_end(rp->out, l, now);
	}
	free(ix);
	free(st);
	dash_put(d, ref);
}
