/* dash_overview.c - every meter on one page, as people look for them:
 * by building (or unit, or site), named, searchable, problems first
 * (meter_groups.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "html.h"
#include "meter_groups.h"
#include "page.h"
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

static void summary(FILE *f, const struct meter_snap *s, const struct ov *ov, double now,
    enum lang l)
{
	size_t count[3] = { 0 };

	for (size_t i = 0; i < ov->nmeters; i++)
		count[ov->meters[i].worst]++;
	fprintf(f, "<p class=\"summary\">%s: <b id=\"n-meters\">%zu</b> (<span id=\"n-channels\">"
	    "%zu</span> %s) · ", tr(l, "counts"), ov->nmeters, ov->nchannels, tr(l, "channels"));
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
	page_time(f, s->usage_at, l);
	fputs("</small></p>\n", f);
}

static void option(FILE *f, const char *value, const char *label, bool selected)
{
	fputs("<option value=\"", f);
	html_esc(f, value);
	fprintf(f, "\"%s>", selected ? " selected" : "");
	html_esc(f, label);
	fputs("</option>", f);
}

/* The search and filters: a plain GET form (works without script); the
 * script only narrows the rows shown while typing. */
static void filters(FILE *f, const struct org *o, const struct group_filter *gf, enum lang l)
{
	fputs("<form class=\"filters\" method=\"get\" action=\"/\">", f);
	if (l == LANG_EN)
		fputs("<input type=\"hidden\" name=\"lang\" value=\"en\">", f);
	fprintf(f, "<label>%s <input type=\"search\" id=\"q\" name=\"q\" placeholder=\"", tr(l, "search"));
	html_esc(f, tr(l, "search_hint"));
	fputs("\" value=\"", f);
	html_esc(f, gf->q != NULL ? gf->q : "");
	fprintf(f, "\"></label> <label>%s <select name=\"by\">", tr(l, "group_by"));
	option(f, "building", tr(l, "by_building"), gf->by == GROUP_BUILDING);
	if (o != NULL)
		option(f, "unit", tr(l, "by_unit"), gf->by == GROUP_UNIT);
	option(f, "site", tr(l, "by_site"), gf->by == GROUP_SITE);
	fputs("</select></label> ", f);
	if (o != NULL && o->nunits > 0) {
		fputs("<select name=\"unit\">", f);
		option(f, "", tr(l, "all_units"), gf->unit < 0);
		for (int u = 0; u < o->nunits; u++)
			option(f, o->units[u].id, l == LANG_EN ? o->units[u].name_en :
			    o->units[u].name_th, gf->unit == u);
		fputs("</select> ", f);
	}
	fputs("<select name=\"res\">", f);
	option(f, "", tr(l, "all_resources"), gf->res < 0);
	for (int r = 0; r < RES_N; r++)
		option(f, resource_name((enum resource)r), resource_label((enum resource)r, l),
		    gf->res == r);
	fputs("</select> ", f);
	fprintf(f, "<label><input type=\"checkbox\" name=\"status\" value=\"problems\"%s> %s</label> "
	    "<button>%s</button></form>\n", gf->problems ? " checked" : "", tr(l, "only_problems"),
	    tr(l, "show"));
}

static void channel_row(FILE *f, const struct meter_row *r, enum chan_status st, double now,
    enum lang l)
{
	fprintf(f, "<tr class=\"%s\" data-channel=\"%s/%s/%s\" data-status=\"%s\">"
	    "<td class=\"chan\">", chan_status_name(st), r->st.id.site, r->st.id.meter,
	    r->st.id.channel, chan_status_name(st));
	page_chan_short_link(f, &r->st.id, l);
	fputs("</td><td>", f);
	page_status(f, st, l);
	fprintf(f, "</td><td class=\"num last\" data-label=\"%s\">", tr(l, "last_value"));
	page_reading(f, r->st.have_last ? r->st.last_v : NAN, r->st.unit, l);
	fprintf(f, "</td><td class=\"num age\" data-label=\"%s\">", tr(l, "age"));
	page_age(f, meter_view_age(r, now), l);
	fprintf(f, "</td><td class=\"num today\" data-label=\"%s\">", tr(l, "today"));
	page_use(f, &r->today, r->st.unit, l);
	fprintf(f, "</td><td class=\"num month\" data-label=\"%s\">", tr(l, "this_month"));
	page_use(f, &r->month, r->st.unit, l);
	fputs("</td></tr>\n", f);
}

#define MAX_UNITS_NAMED 3

/* A meter: a head row with its name, place and units, then its channels. */
static void meter_rows(FILE *f, const struct ov *ov, const struct ov_meter *m,
    const struct org *o, double now, enum lang l)
{
	char name[ORG_NAME_MAX], place[3 * ORG_NAME_MAX];

	meter_groups_name(m, l, name, sizeof(name));
	meter_groups_place(m, l, place, sizeof(place));
	fprintf(f, "<tbody class=\"meter\" data-meter=\"%s/%s\"><tr class=\"meter-head\">"
	    "<th colspan=\"6\">", m->row->st.id.site, m->row->st.id.meter);
	page_status(f, m->worst, l);
	fputs(" <span class=\"name\">", f);
	html_esc(f, name);
	fputs("</span>", f);
	if (place[0] != '\0') {
		fputs(" <small class=\"place\">", f);
		html_esc(f, place);
		fputs("</small>", f);
	}
	if (m->nunits > MAX_UNITS_NAMED)   /* a building's meter: its units on its page */
		fprintf(f, " <small class=\"unit\">%s %d %s</small>", tr(l, "shared_by"), m->nunits,
		    tr(l, "units_word"));
	for (int u = 0; m->nunits <= MAX_UNITS_NAMED && u < m->nunits; u++) {
		fprintf(f, "%s<a class=\"unit\" href=\"/unit/%s%s\">", u == 0 ? " <small>" : ", ",
		    o->units[m->units[u]].id, page_lang_query(l));
		html_esc(f, l == LANG_EN ? o->units[m->units[u]].name_en :
		    o->units[m->units[u]].name_th);
		fputs(u + 1 == m->nunits ? "</a></small>" : "</a>", f);
	}
	fputs("</th></tr>\n", f);
	for (size_t c = 0; c < m->n; c++)
		channel_row(f, &m->row[c], ov->st[m->first + c], now, l);
	fputs("</tbody>\n", f);
}

static void group_head(FILE *f, const struct ov_group *g, enum group_by by, enum lang l)
{
	fputs("<tbody class=\"group\"><tr><th colspan=\"6\"><h2>", f);
	html_esc(f, g->name[0] != '\0' ? g->name :
	    tr(l, by == GROUP_UNIT ? "no_unit" : "no_building"));
	fprintf(f, "</h2> <small>%zu %s", g->n, tr(l, g->n == 1 ? "meter_unit" : "meters_unit"));
	for (int k = STATUS_FAULT; k > STATUS_OK; k--)
		if (g->count[k] > 0) {
			fprintf(f, " · %zu ", g->count[k]);
			page_status(f, (enum chan_status)k, l);
		}
	fputs("</small></th></tr></tbody>\n", f);
}

/* Narrows the rows to the words typed, as the server would (every word
 * somewhere in the meter's text), without a round trip. A file of its
 * own: the pages allow no inline script (http_server.c's policy). */
static const char live_search[] =
	"(function(){var q=document.getElementById('q');if(!q)return;"
	"q.addEventListener('input',function(){var w=q.value.toLowerCase().split(/\\s+/)"
	".filter(Boolean);document.querySelectorAll('#meters tbody.meter').forEach(function(b){"
	"var t=b.textContent.toLowerCase()+' '+b.dataset.meter;"
	"b.hidden=!w.every(function(x){return t.indexOf(x)>=0;});});});})();\n";

void dash_overview_script(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	(void)d;
	(void)rq;
	rp->type = "text/javascript; charset=utf-8";
	rp->cacheable = true;
	fputs(live_search, rp->out);
}

static void table(FILE *f, const struct ov *ov, const struct org *o, const struct group_filter *gf,
    double now, enum lang l)
{
	if (ov->shown == 0) {
		fprintf(f, "<p id=\"no-match\">%s</p>\n", tr(l, "no_match"));
		return;
	}
	fprintf(f, "<table id=\"meters\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th></tr></thead>\n", tr(l, "meter"), tr(l, "status"),
	    tr(l, "last_value"), tr(l, "age"), tr(l, "today"), tr(l, "this_month"));
	for (size_t i = 0; i < ov->ngroups; i++) {
		const struct ov_group *g = &ov->groups[i];

		group_head(f, g, gf->by, l);
		for (size_t k = 0; k < g->n; k++)
			meter_rows(f, ov, &ov->meters[g->meters[k]], o, now, l);
	}
	fputs("</table>\n<script src=\"/search.js\"></script>\n", f);
}

void dash_overview_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	double now = now_wall();
	struct group_filter gf;
	struct ov ov;

	page_begin(rp->out, rq, l, tr(l, "overview"), d->cfg.refresh_s);
	if (s == NULL) {
		fprintf(rp->out, "<p>%s</p>", tr(l, "not_ready"));
		page_end(rp->out, l, now);
		return;
	}
	meter_groups_filter(d->org, &(struct group_query){ http_server_arg(rq, "by"),
	    http_server_arg(rq, "q"), http_server_arg(rq, "status"), http_server_arg(rq, "unit"),
	    http_server_arg(rq, "res") }, &gf);
	if (meter_groups_build(s, d->org, &gf, l, now, &ov) != 0) {
		http_server_fail(rp, 503, "out of memory");
	} else {
		summary(rp->out, s, &ov, now, l);
		filters(rp->out, d->org, &gf, l);
		table(rp->out, &ov, d->org, &gf, now, l);
		page_end(rp->out, l, now);
		meter_groups_free(&ov);
	}
	dash_put(d, ref);
}
