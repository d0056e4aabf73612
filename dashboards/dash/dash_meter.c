/* dash_meter.c - one meter channel: its state, graphs, recent readings and
 * data-quality counters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>

#include "page.h"
#include "handlers.h"
#include "entries.h"
#include "gm_err.h"
#include "html.h"
#include "meter_groups.h"
#include "meter_chart.h"
#include "recent.h"
#include "timeutil.h"

static void state(FILE *f, const struct meter_snap *s, const struct meter_row *r, double now,
    enum lang l)
{
	fprintf(f, "<table class=\"state\"><tr><th>%s</th><td id=\"status\">", tr(l, "status"));
	page_status(f, meter_view_status(s, r, now), l);
	if (r->out_of_range) {
		char lo[32], hi[32];

		snprintf(lo, sizeof(lo), "%.10g", r->limit->lo);
		snprintf(hi, sizeof(hi), "%.10g", r->limit->hi);
		fputs(" <small class=\"warn\" id=\"range\">", f);
		fprintf(f, tr(l, "out_of_range"), lo, hi);
		fputs("</small>", f);
	}
	fprintf(f, "</td></tr><tr><th>%s</th><td class=\"num\" id=\"last\">", tr(l, "last_value"));
	page_reading(f, r->st.have_last ? r->st.last_v : NAN, r->st.unit, l);
	fprintf(f, "</td></tr><tr><th>%s</th><td>", tr(l, "last_reading"));
	page_time(f, r->st.have_last ? r->st.last_t : NAN, l);
	fputs(" (", f);
	page_age(f, meter_view_age(r, now), l);
	fprintf(f, ")</td></tr><tr><th>%s</th><td>", tr(l, "interval"));
	page_age(f, r->st.interval > 0 ? r->st.interval : NAN, l);
	fprintf(f, "</td></tr><tr><th>%s</th><td class=\"num\" id=\"today\">", tr(l, "today"));
	page_use(f, &r->today, r->st.unit, l);
	fprintf(f, "</td></tr><tr><th>%s</th><td class=\"num\" id=\"month\">", tr(l, "this_month"));
	page_use(f, &r->month, r->st.unit, l);
	fputs("</td></tr></table>\n", f);
}

static void about_row(FILE *f, const char *id, const char *key, const char *value, enum lang l)
{
	if (value == NULL || value[0] == '\0')
		return;
	fprintf(f, "<tr><th>%s</th><td id=\"%s\">", tr(l, key), id);
	html_esc(f, value);
	fputs("</td></tr>", f);
}

/* The meter as people know it ([meter], org.h): where it is, what it is,
 * whom it serves, and its other channels. */
static void about(FILE *f, const struct dash *d, const struct meter_snap *s,
    const struct meter_row *r, double now, enum lang l)
{
	const struct chan_id *id = &r->st.id;
	const struct org_meter *m = org_meter_find(d->org, id->site, id->meter);
	struct ov_meter om = { .row = r, .reg = m };
	char place[3 * ORG_NAME_MAX], what[160];
	int units[ORG_MAX_UNITS], n = d->org != NULL ? org_meter_units(d->org, id->site,
	    id->meter, (time_t)now, units, ORG_MAX_UNITS) : 0;

	meter_groups_place(&om, l, place, sizeof(place));
	snprintf(what, sizeof(what), "%s%s%s", m != NULL ? m->model : "",
	    m != NULL && m->model[0] && m->serial[0] ? " · " : "", m != NULL ? m->serial : "");
	fputs("<table class=\"about\">", f);
	about_row(f, "place", "place", place, l);
	if (n > 0) {
		fprintf(f, "<tr><th>%s</th><td id=\"serves\">", tr(l, "serves"));
		for (int u = 0; u < n; u++) {
			fprintf(f, "%s<a href=\"/unit/%s%s\">", u ? ", " : "", d->org->units[units[u]].id,
			    page_lang_query(l));
			html_esc(f, l == LANG_EN ? d->org->units[units[u]].name_en :
			    d->org->units[units[u]].name_th);
			fputs("</a>", f);
		}
		fputs("</td></tr>", f);
	}
	about_row(f, "model", "model", what, l);
	about_row(f, "gateway", "gateway", m != NULL ? m->gateway : NULL, l);
	fprintf(f, "<tr><th>%s</th><td id=\"channels\">", tr(l, "channels_head"));
	for (size_t i = 0; i < s->n; i++) {
		const struct chan_id *o = &s->rows[i].st.id;

		if (strcmp(o->site, id->site) != 0 || strcmp(o->meter, id->meter) != 0)
			continue;
		if (strcmp(o->channel, id->channel) == 0)
			fprintf(f, "<b>%s</b> ", o->channel);
		else {
			page_chan_short_link(f, o, l);
			fputc(' ', f);
		}
	}
	fputs("</td></tr>", f);
	if (m != NULL && m->photo[0] != '\0') {
		fprintf(f, "<tr><th>%s</th><td><a href=\"", tr(l, "photo"));
		html_esc(f, m->photo);
		fprintf(f, "\" rel=\"noopener noreferrer\">%s</a></td></tr>", tr(l, "photo"));
	}
	fputs("</table>\n", f);
}

static void counter_row(FILE *f, const char *key, uint64_t n, enum lang l)
{
	fprintf(f, "<tr><th>%s</th><td class=\"num\" id=\"q-%s\">%llu</td></tr>", tr(l, key), key,
	    (unsigned long long)n);
}

static void quality(FILE *f, const struct meter_row *r, enum lang l)
{
	const struct chan_record *c = &r->st;

	fprintf(f, "<h2>%s</h2><table class=\"quality\">", tr(l, "quality"));
	counter_row(f, "received", c->received, l);
	counter_row(f, "stored", c->stored, l);
	counter_row(f, "lost", c->lost, l);
	counter_row(f, "duplicates", c->duplicates, l);
	counter_row(f, "late", c->late, l);
	counter_row(f, "resets", c->resets, l);
	counter_row(f, "wraps", c->wraps, l);
	counter_row(f, "replaced", c->replaced, l);
	counter_row(f, "rejected", c->rejected, l);
	counter_row(f, "quarantined", c->quarantined, l);
	counter_row(f, "requeued", c->requeued, l);
	if (c->aside)
		fprintf(f, "<tr class=\"fault\"><td colspan=\"2\" class=\"why\" id=\"q-aside\">"
		    "%s</td></tr>", tr(l, "set_aside"));
	fprintf(f, "<tr><th>%s</th><td class=\"why\">", tr(l, "problem"));
	html_esc(f, c->problem[0] ? c->problem : "—");
	fputs("</td></tr></table>\n", f);
}

static void graphs(FILE *f, const struct meter_row *r, enum lang l)
{
	static const char *const range[][2] = {
		{ "24h", "r_24h" }, { "7d", "r_7d" }, { "30d", "r_30d" }, { "1y", "r_1y" },
	};
	const struct chan_id *id = &r->st.id;

	fprintf(f, "<h2>%s</h2>", tr(l, "graphs"));
	if (r->journal) {
		fprintf(f, "<p>%s</p>", tr(l, "no_graph"));
		return;
	}
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		fprintf(f, "<h3>%s</h3><img class=\"graph\" src=\"/graph/%s/%s/%s/%s.png%s\" "
		    "alt=\"%s\"> <small><a href=\"/graph/%s/%s/%s/%s.svg%s\">SVG</a></small>\n",
		    tr(l, range[i][1]), id->site, id->meter, id->channel, range[i][0], page_lang_query(l),
		    tr(l, range[i][1]), id->site, id->meter, id->channel, range[i][0],
		    page_lang_query(l));
}

/* The two views of its latest readings: as they came (the collector's
 * status file), or as its file stores them (?rows=stored). */
static void tabs(FILE *f, const struct chan_id *id, bool stored, enum lang l)
{
	const char *q = page_lang_query(l), *name[2] = { tr(l, "tab_arrived"), tr(l, "tab_stored") };

	fprintf(f, "<h2>%s</h2><p class=\"tabs\">", tr(l, "recent"));
	for (int i = 0; i < 2; i++) {
		if (i > 0)
			fputs(" · ", f);
		if (i == (int)stored)
			fprintf(f, "<strong aria-current=\"page\">%s</strong>", name[i]);
		else
			fprintf(f, "<a href=\"/meter/%s/%s/%s%s%s#recent\">%s</a>", id->site, id->meter,
			    id->channel, q, i == 0 ? "" : *q ? "&amp;rows=stored" : "?rows=stored",
			    name[i]);
	}
	fputs("</p>", f);
}

static void arrived(FILE *f, const struct meter_row *r, enum lang l)
{
	const struct chan_record *st = &r->st;
	char key[8], lag[32];

	if (st->narrived == 0) {
		fprintf(f, "<p>%s</p>", tr(l, "arrived_none"));
		return;
	}
	fprintf(f, "<table id=\"recent\" class=\"arrived\"><tr><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", tr(l, "time"), tr(l, "value"), tr(l, "arrived_at"),
	    tr(l, "arrived_fate"));
	for (unsigned i = 0; i < st->narrived && i < ARRIVED_MAX; i++) {
		const struct arrival *a = &st->arrived[i];

		snprintf(key, sizeof(key), "arr_%c", a->note);
		snprintf(lag, sizeof(lag), "%.1f", a->at - a->t);
		fputs("<tr><td>", f);
		page_time(f, a->t, l);
		fputs("</td><td class=\"num\">", f);
		page_reading(f, a->v, st->unit, l);
		fputs("</td><td>", f);
		fprintf(f, tr(l, "after"), lag);
		fprintf(f, "</td><td%s>%s</td></tr>", a->note == ARR_STORED ? "" : " class=\"warn\"",
		    tr(l, key));
	}
	fputs("</table>\n", f);
}

static void recent(FILE *f, struct dash *d, const struct meter_row *r, enum lang l)
{
	struct recent_reading v[RECENT_MAX];
	char err[256];
	int n;

	n = dash_recent(d, r, v, RECENT_MAX, err, sizeof(err));
	if (n < 0) {
		fputs("<p class=\"warn\">", f);
		html_esc(f, err);
		fputs("</p>", f);
		return;
	}
	fprintf(f, "<table id=\"recent\"><tr><th>%s</th><th>%s</th></tr>", tr(l, "time"),
	    tr(l, "value"));
	for (int i = 0; i < n; i++) {
		fputs("<tr><td>", f);
		page_time(f, v[i].t, l);
		fputs("</td><td class=\"num\">", f);
		page_reading(f, v[i].v, r->st.unit, l);
		fputs("</td></tr>", f);
	}
	fputs("</table>\n", f);
}

void dash_meter_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id)
{
	enum lang l = dash_lang(rq);
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	const struct meter_row *r = s ? meter_view_find(s, id) : NULL;
	char title[ORG_NAME_MAX + ID_MAX + 8];
	const struct org_meter *m;
	double now = now_wall();
	const char *arg;
	bool stored;

	if (r == NULL) {
		page_not_found(rp, rq, l, "unknown meter channel");
		dash_put(d, ref);
		return;
	}
	m = org_meter_find(d->org, id->site, id->meter);
	if (m != NULL)
		snprintf(title, sizeof(title), "%s · %s", l == LANG_EN ? m->name_en : m->name_th,
		    id->channel);
	else
		chan_id_str(id, title, sizeof(title));
	page_begin(rp->out, rq, l, title, d->cfg.refresh_s);
	fprintf(rp->out, "<p><small><code>%s/%s/%s</code> · %s · ", id->site, id->meter,
	    id->channel, kind_name(r->st.kind));
	html_esc(rp->out, r->st.unit);
	fputs("</small></p>", rp->out);
	about(rp->out, d, s, r, now, l);
	state(rp->out, s, r, now, l);
	meter_chart_write(rp->out, d, r, now, l);
	graphs(rp->out, r, l);
	stored = (arg = http_server_arg(rq, "rows")) != NULL && strcmp(arg, "stored") == 0;
	tabs(rp->out, id, stored, l);
	if (!stored)
		arrived(rp->out, r, l);
	else if (r->stored)
		recent(rp->out, d, r, l);
	else
		fprintf(rp->out, "<p>%s</p>", tr(l, "no_data"));
	quality(rp->out, r, l);
	page_end(rp->out, l, now);
	dash_put(d, ref);
}
