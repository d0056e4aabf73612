/* green_page.c - what every page of a Green Office report set shares: the
 * head (title, unit, fiscal year, period, as-of day), the links between the
 * pages, and the foot with the sign-off block (green_page.h). */
#include <stdio.h>
#include <string.h>

#include "green_page.h"
#include "html.h"

const char *green_page_name(const struct green_report *r, int unit, enum lang lang)
{
	if (unit < 0)
		return lang == LANG_TH ? r->org->name_th : r->org->name_en;
	return lang == LANG_TH ? r->org->units[unit].name_th : r->org->units[unit].name_en;
}

/* Links between the pages of a set, in the page's language (green_set.c
 * names the files): the summary and the organisation's KPI 1.4 pages, or a
 * unit's (or the whole's) resources and self-evaluation. On screen only: a
 * printed page does not need them. */
static void nav(FILE *f, const struct green_report *r, const char *title, int unit,
    enum lang lang)
{
	const char *l = lang == LANG_TH ? "th" : "en";
	const char *id = unit < 0 ? "whole" : r->org->units[unit].id;
	bool org_page = strcmp(title, "summary") == 0 || strcmp(title, "kpi14") == 0 ||
	    strcmp(title, "results_report") == 0;

	fprintf(f, "<p class=\"nav\"><a href=\"summary.%s.html\">%s</a>", l, tr(lang, "summary"));
	if (org_page) {
		fprintf(f, " · <a href=\"whole.resources.%s.html\">%s</a>", l, tr(lang, "whole"));
		fprintf(f, " · <a href=\"green-parliament.%s.html\">%s</a>", l, tr(lang, "kpi14"));
		fprintf(f, " · <a href=\"green-parliament-results.%s.html\">%s</a>", l,
		    tr(lang, "results_report"));
	} else {
		fprintf(f, " · <a href=\"%s.resources.%s.html\">%s</a>", id, l,
		    tr(lang, "resources"));
		if (unit >= 0 && r->crit != NULL)
			fprintf(f, " · <a href=\"%s.self-evaluation.%s.html\">%s</a>", id, l,
			    tr(lang, "self_eval"));
	}
	fputs("</p>\n", f);
}

void green_page_head(FILE *f, const struct green_report *r, enum lang lang, const char *title,
    int unit)
{
	char span[112], what[64], as_of[64];

	green_period_span(&r->period, lang, span, sizeof(span));
	green_date_name(r->period.as_of, lang, as_of, sizeof(as_of));
	green_period_name(&r->period, lang, what, sizeof(what));
	/* data-digits: the PDF's own words (page numbers, chart labels) follow */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\">\n",
	    lang == LANG_TH ? "th" : "en",
	    lang == LANG_TH && r->org->thai_digits ? " data-digits=\"thai\"" : "");
	fputs("<title>", f);
	html_esc(f, tr(lang, title));
	fputs(" — ", f);
	html_esc(f, green_page_name(r, unit, lang));
	fputs("</title>\n<style>\n"
	    "@page { size: A4; margin: 15mm 12mm; }\n"
	    "body { font-family: \"Sarabun\", \"TH Sarabun New\", \"Laksaman\", \"Noto Sans Thai\","
	    " \"Loma\", \"Garuda\", sans-serif; font-size: 11pt; color: #111; margin: 0 auto;"
	    " max-width: 190mm; }\n"
	    "h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm;"
	    " break-after: avoid; }\n"
	    "table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: auto; }\n"
	    "th, td { border: 1px solid #999; padding: 1mm 1.5mm; vertical-align: top; }\n"
	    "th { background: #e8f0e8; text-align: left; } td.n { text-align: right;"
	    " font-variant-numeric: tabular-nums; white-space: nowrap; }\n"
	    "tr { break-inside: avoid; } thead { display: table-header-group; }\n"
	    ".warn { color: #a40; font-weight: bold; } .ok { color: #060; } .bad { color: #a00; }\n"
	    ".meta { color: #444; font-size: 9pt; } cite { font-style: normal; }\n"
	    ".months td:first-child, .months td:last-child { white-space: nowrap; }\n"
	    ".nav { font-size: 9pt; } @media print { .nav { display: none; } }\n"
	    "figure { margin: 2mm 0; } figcaption { font-size: 9pt; color: #444; text-align: center; }\n"
	    "@media screen and (max-width: 600px) { body { font-size: 10pt; }"
	    " table { display: block; overflow-x: auto; } th, td { min-width: 4.5em; }"
	    " td.n { white-space: nowrap; } }\n"
	    ".signoff { margin-top: 10mm; break-inside: avoid; } .signoff td { border: 0;"
	    " width: 33%; text-align: center; line-height: 1.6; }\n"
	    "</style>\n", f);
	if (unit < 0 && strcmp(title, "summary") == 0)   /* ten columns: a landscape page */
		fputs("<style>@page { size: A4 landscape; } body { max-width: 273mm; }</style>\n", f);
	fputs("</head>\n<body>\n<h1>", f);
	html_esc(f, tr(lang, title));
	fputs("</h1>\n<p><b>", f);
	html_esc(f, green_page_name(r, unit, lang));
	fprintf(f, "</b><br>%s %d, %s %s (%s), %s %s</p>\n", tr(lang, "fy"), r->period.fy,
	    tr(lang, "period"), span, what, tr(lang, "as_of"), as_of);
	nav(f, r, title, unit, lang);
}

/* Prepared, checked, approved: a signature line each, with the name and
 * position the organisation file gives, or dotted lines to fill in. */
static void signoff(FILE *f, const struct green_report *r, enum lang lang)
{
	static const char *const role[SIGN_N] = { "sign_prepared", "sign_checked", "sign_approved" };

	fputs("<table class=\"signoff\">\n<tr>", f);
	for (int i = 0; i < SIGN_N; i++) {
		const struct signer *s = &r->org->sign[i];

		fprintf(f, "<td data-sign=\"%d\"><b>%s</b><br><br>%s ......................<br>(",
		    i, tr(lang, role[i]), tr(lang, "sign_signed"));
		if (s->name[0] != '\0')
			html_esc(f, s->name);
		else
			fputs("......................", f);
		fprintf(f, ")<br>%s ", tr(lang, "sign_position"));
		if (s->position[0] != '\0')
			html_esc(f, s->position);
		else
			fputs("......................", f);
		fprintf(f, "<br>%s</td>", tr(lang, "sign_date"));
	}
	fputs("</tr>\n</table>\n", f);
}

void green_page_foot(FILE *f, const struct green_report *r, enum lang lang)
{
	signoff(f, r, lang);
	fprintf(f, "<p class=\"meta\">%s</p>\n</body>\n</html>\n", tr(lang, "generated"));
}

