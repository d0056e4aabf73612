/* page.c - the frame and the small pieces of every dashboard page. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "html.h"
#include "timeutil.h"

static const char style[] =
	"body{font-family:'Loma','Garuda','Noto Sans Thai',sans-serif;margin:0;color:#1d2a22}"
	"header{background:#1f6f43;color:#fff;padding:.6em 1em;display:flex;gap:1.2em;"
	"align-items:center;flex-wrap:wrap}"
	"header a{color:#fff;text-decoration:none;font-weight:bold}"
	"header .lang{margin-left:auto;font-weight:normal}"
	"main{padding:1em}table{border-collapse:collapse;margin:.5em 0}"
	"th,td{border-bottom:1px solid #d8e2dc;padding:.3em .6em;text-align:left}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
	"div.ind{margin:.2em 0 .8em}div.ind p{margin:.2em 0}div.ind label{white-space:nowrap}"
	"div.ind input{max-width:100%}a.file{margin-left:.5em}"
	"button.rm{margin-left:.2em;padding:0 .4em;color:#9a4b00}"
	/* a problem names a file by its whole path: let it wrap anywhere */
	"td.why{overflow-wrap:anywhere;word-break:break-word;max-width:40em}"
	".st{padding:.1em .5em;border-radius:.8em;font-size:90%;white-space:nowrap}"
	"tbody.group h2{display:inline;font-size:120%;margin:0}"
	"tr.meter-head th{font-weight:normal;padding-top:.8em}"
	"tr.meter-head .name{font-weight:bold}td.chan{padding-left:1.6em}"
	"form.filters{margin:.5em 0;display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center}"
	"form.filters select{max-width:18em}"
	/* a phone: each channel a card of label: value lines, no table to scroll */
	"@media (max-width:600px){#meters thead{display:none}"
	"#meters,#meters tbody,#meters tr,#meters th{display:block}"
	"#meters tr[data-channel]{display:flex;flex-wrap:wrap;gap:.1em .9em;padding:.4em 0 .4em 1em;"
	"border-bottom:1px solid #d8e2dc}"
	"#meters td{display:block;border:0;padding:0}td.chan{padding-left:0;width:100%}"
	"#meters td.num{text-align:left}"
	"#meters td[data-label]::before{content:attr(data-label) ': ';color:#56645b}"
	"main table:not(#meters){display:block;overflow-x:auto}}"
	".st-ok{background:#d6f0de}.st-stale{background:#ffe0a3}.st-fault{background:#f8c4c4}"
	"tr.stale td,tr.fault td{background:#fffaf0}"
	".warn{color:#9a4b00}small{color:#56645b}"
	"img.graph{max-width:100%;border:1px solid #d8e2dc;margin:.3em 0}"
	"figure.chart{margin:.6em 0;max-width:760px}figure.chart svg{width:100%;height:auto}"
	"p.tabs{font-size:105%}"
	"form.signin input{width:18em;max-width:100%;font-size:105%;padding:.3em}"
	"form.signin button{font-size:105%;padding:.3em 1.2em}"
	"footer{padding:1em;color:#56645b;font-size:85%}";

const char *page_lang_query(enum lang l)
{
	return l == LANG_EN ? "?lang=en" : "";
}

void page_begin(FILE *f, const struct http_req *rq, enum lang l, const char *title,
    int refresh)
{
	const char *q = page_lang_query(l);

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
	    l == LANG_EN ? "en" : "th");
	if (refresh > 0)
		fprintf(f, "<meta http-equiv=\"refresh\" content=\"%d\">", refresh);
	fputs("<title>", f);
	html_esc(f, title);
	fprintf(f, " · greenmeter</title><style>%s</style></head><body><header>"
	    "<a href=\"/%s\">greenmeter</a><a href=\"/%s\">%s</a><a href=\"/units%s\">%s</a>"
	    "<a href=\"/reports%s\">%s</a><span class=\"lang\">", style, q, q,
	    tr(l, "overview"), q, tr(l, "units"), q, tr(l, "reports"));
	if (rq->accounts)   /* the same for everyone: a cached page may carry it */
		fprintf(f, "<a href=\"/entries%s\">%s</a> <a href=\"/checklist%s\">%s</a> "
		    "<a href=\"/plan%s\">%s</a> <a href=\"/account%s\">%s</a> ", q, tr(l, "entries"),
		    q, tr(l, "checklist_nav"), q, tr(l, "plan_nav"), q, tr(l, "account"));
	/* the same page in the other language; the path is plain (http_server.h) */
	fputs("<a href=\"", f);
	html_esc(f, rq->path);
	fprintf(f, "%s\">%s</a></span></header><main><h1>", l == LANG_EN ? "" : "?lang=en",
	    l == LANG_EN ? "ภาษาไทย" : "English");
	html_esc(f, title);
	fputs("</h1>\n", f);
}

void page_end(FILE *f, enum lang l, double now)
{
	fputs("</main><footer>", f);
	page_time(f, now, l);
	fprintf(f, " · %s</footer></body></html>\n", tr(l, "generated"));
}

void page_age(FILE *f, double s, enum lang l)
{
	if (isnan(s))
		fputs(tr(l, "never"), f);
	else if (s < 120)
		fprintf(f, "%.0f %s", fmax(0, s), tr(l, "seconds"));
	else if (s < 7200)
		fprintf(f, "%.0f %s", s / 60, tr(l, "minutes"));
	else if (s < 3 * 86400)
		fprintf(f, "%.1f %s", s / 3600, tr(l, "hours"));
	else
		fprintf(f, "%.1f %s", s / 86400, tr(l, "days"));
}

void page_status(FILE *f, enum chan_status s, enum lang l)
{
	static const char *const key[] = { "st_ok", "st_stale", "st_fault" };

	fprintf(f, "<span class=\"st st-%s\">%s</span>", chan_status_name(s), tr(l, key[s]));
}

/* As few decimals as show the reading to a thousandth (a meter's display
 * rarely shows more): 73, 230.5, 120,411.719. */
static int reading_decimals(double v)
{
	double milli = round(v * 1000);

	for (int d = 0; d < 3; d++) {
		double p = pow(10, 3 - d);

		if (fmod(milli, p) == 0)
			return d;
	}
	return 3;
}

void page_reading(FILE *f, double v, const char *unit, enum lang l)
{
	if (!isfinite(v)) {
		fputs("—", f);
		return;
	}
	if (round(v * 1000) == 0)
		v = 0;   /* -0.0004 kW is 0, not "-0" */
	html_num(f, v, reading_decimals(v));
	fputc(' ', f);
	html_esc(f, unit_words(unit, l));
}

void page_use(FILE *f, const struct meter_use *u, const char *unit, enum lang l)
{
	if (!u->known || isnan(u->amount)) {
		fputs("—", f);
		return;
	}
	html_num(f, u->amount, 2);
	fputc(' ', f);
	html_esc(f, unit_words(unit, l));
	if (u->coverage < 1)
		fprintf(f, " <small class=\"warn\">%s %.0f%%</small>", tr(l, "incomplete"),
		    floor(u->coverage * 100));
	if (u->flagged)
		fprintf(f, " <small class=\"warn\">%s</small>", tr(l, "to_review"));
}

void page_time(FILE *f, double t, enum lang l)
{
	char day[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (!isfinite(t) || t <= 0) {
		fputs("—", f);
		return;
	}
	green_date_name(tt, l, day, sizeof(day));
	localtime_r(&tt, &tm);
	fprintf(f, "%s %02d:%02d:%02d%s", day, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    l == LANG_TH ? " น." : "");
}

void page_chan_link(FILE *f, const struct chan_id *id, enum lang l)
{
	fprintf(f, "<a href=\"/meter/%s/%s/%s%s\">%s/%s/%s</a>", id->site, id->meter,
	    id->channel, page_lang_query(l), id->site, id->meter, id->channel);
}

void page_chan_short_link(FILE *f, const struct chan_id *id, enum lang l)
{
	fprintf(f, "<a href=\"/meter/%s/%s/%s%s\">%s</a>", id->site, id->meter, id->channel,
	    page_lang_query(l), id->channel);
}

void page_not_found(struct http_reply *rp, const struct http_req *rq, enum lang l,
    const char *what)
{
	rp->status = 404;
	page_begin(rp->out, rq, l, tr(l, "not_found"), 0);
	fputs("<p>", rp->out);
	html_esc(rp->out, what);
	fputs("</p>", rp->out);
	page_end(rp->out, l, now_wall());
}

void page_warn(FILE *f, const char *id, const char *text, const char *detail)
{
	fprintf(f, "<p class=\"warn\" id=\"%s\">%s", id, text);
	if (detail != NULL) {
		fputs(" <small>", f);
		html_esc(f, detail);
		fputs("</small>", f);
	}
	fputs("</p>", f);
}

void page_fy_options(FILE *f, int newest, int oldest, int selected, enum lang l)
{
	for (int fy = newest; fy >= oldest; fy--)
		fprintf(f, "<option value=\"%d\"%s>%s %d</option>", fy, fy == selected ? " selected" : "",
		    tr(l, "c_fy"), l == LANG_EN ? fy - 543 : fy);
}
