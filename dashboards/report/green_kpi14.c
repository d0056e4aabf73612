/* green_kpi14.c - the organisation's KPI 1.4 pages (action_plan.h): the
 * Green Parliament ladder with what shows each level and the action plan,
 * and the level-5 results report to the head of agency, written from the
 * figures of the set and the plan's status. */
#include <math.h>
#include <stdio.h>

#include "green_out.h"
#include "green_page.h"
#include "html.h"

static const char *status_key(enum act_status s)
{
	return s == ACT_DONE ? "act_done" : s == ACT_IN_PROGRESS ? "act_in_progress" :
	    "act_not_started";
}

static void date_cell(FILE *f, time_t t, enum lang lang)
{
	char day[48];

	if (t == 0) {
		fputs("—", f);
		return;
	}
	green_date_name(t, lang, day, sizeof(day));
	html_esc(f, day);
}

static void done_words(FILE *f, const struct kpi14 *k, enum lang lang)
{
	fprintf(f, "%s %d %s %d (", tr(lang, "activities_done"), k->done, tr(lang, "of"),
	    k->total);
	html_num(f, k->done_pct, 1);
	fputs(" %)", f);
}

/* What shows level i (0-based) met or not. */
static void shown_by(FILE *f, const struct green_report *r, int i, enum lang lang)
{
	const struct action_plan *p = &r->plan;
	const struct kpi14 *k = &r->kpi14;

	switch (i) {
	case 0:
		if (!k->met[0]) {
			fputs(tr(lang, "no_plan"), f);
			break;
		}
		html_esc(f, lang == LANG_TH || p->en[0] == '\0' ? p->th : p->en);
		if (p->approved != 0) {
			fprintf(f, ", %s ", tr(lang, "approved_on"));
			date_cell(f, p->approved, lang);
		}
		break;
	case 1:
	case 2:
		done_words(f, k, lang);
		break;
	case 3:
		fprintf(f, "%s %d %s %d", tr(lang, "units_assessed"), k->assessed, tr(lang, "of"),
		    k->units);
		break;
	default:
		if (p->submitted != 0) {
			fprintf(f, "%s ", tr(lang, "submitted_on"));
			date_cell(f, p->submitted, lang);
		} else
			fputs(tr(lang, "not_submitted"), f);
		if (!k->met[4] && p->submitted != 0)
			fprintf(f, "; %s", tr(lang, "texts_missing"));
		fprintf(f, " (<a href=\"green-parliament-results.%s.html\">%s</a>)",
		    lang == LANG_TH ? "th" : "en", tr(lang, "results_report"));
	}
}

static void ladder(FILE *f, const struct green_report *r, enum lang lang)
{
	static const char *const crit[PLAN_LEVELS] = { "kpi14_l1", "kpi14_l2", "kpi14_l3",
		"kpi14_l4", "kpi14_l5" };

	fprintf(f, "<p data-kpi14-level=\"%d\"><b>%s %d</b> (%s 5; %s)</p>\n", r->kpi14.level,
	    tr(lang, "level_reached"), r->kpi14.level, tr(lang, "of"), tr(lang, "kpi14_weight"));
	fprintf(f, "<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
	    "<tbody>\n", tr(lang, "level"), tr(lang, "criterion"), tr(lang, "shown_by"),
	    tr(lang, "status"));
	for (int i = 0; i < PLAN_LEVELS; i++) {
		fprintf(f, "<tr data-level=\"%d\"><td class=\"n\">%d</td><td>%s</td><td>", i + 1,
		    i + 1, tr(lang, crit[i]));
		shown_by(f, r, i, lang);
		fprintf(f, "</td><td class=\"%s\">%s</td></tr>\n", r->kpi14.met[i] ? "ok" : "bad",
		    tr(lang, r->kpi14.met[i] ? "level_met" : "level_not_met"));
	}
	fputs("</tbody>\n</table>\n", f);
}

static void activities(FILE *f, const struct green_report *r, enum lang lang)
{
	const struct action_plan *p = &r->plan;

	if (p->nact == 0)
		return;
	fprintf(f, "<h2>%s</h2>\n<table>\n<thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n", tr(lang, "action_plan"),
	    tr(lang, "activity"), tr(lang, "owner"), tr(lang, "due"), tr(lang, "status"),
	    tr(lang, "evidence"));
	for (int i = 0; i < p->nact; i++) {
		const struct plan_activity *a = &p->act[i];

		fputs("<tr><td>", f);
		html_esc(f, a->number);
		fputs("</td><td>", f);
		html_esc(f, lang == LANG_TH || a->en[0] == '\0' ? a->th : a->en);
		fputs("</td><td>", f);
		if (a->owner >= 0)
			html_esc(f, green_page_name(r, a->owner, lang));
		fputs("</td><td>", f);
		date_cell(f, a->due, lang);
		fprintf(f, "</td><td class=\"%s\" data-status=\"%s\">%s</td><td>",
		    a->status == ACT_DONE ? "ok" : "warn", act_status_name(a->status),
		    tr(lang, status_key(a->status)));
		html_esc(f, a->evidence);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

int green_html_kpi14(FILE *f, const struct green_report *r, enum lang lang)
{
	green_page_head(f, r, lang, "kpi14", -1);
	ladder(f, r, lang);
	activities(f, r, lang);
	green_page_foot(f, r, lang);
	return ferror(f) ? -1 : 0;
}

/* ---- the results report (level 5) -------------------------------------- */

static void text_section(FILE *f, const char *key, const char *text, enum lang lang)
{
	fprintf(f, "<h2>%s</h2>\n<p data-text=\"%s\">", tr(lang, key), key);
	if (text[0] != '\0')
		html_esc(f, text);
	else
		fprintf(f, "<span class=\"warn\">%s</span>", tr(lang, "not_written"));
	fputs("</p>\n", f);
}

/* The outcomes: the organisation's figures of the set, as the summary and
 * the whole's resources page print them. */
static void outcomes(FILE *f, const struct green_report *r, enum lang lang)
{
	const struct green_unit *w = &r->whole;
	int grades[GRADE_GOLD + 1] = { 0 }, unassessed = 0;

	fprintf(f, "<h2>%s</h2>\n<table>\n<tbody>\n<tr><th>%s</th><td class=\"n\" "
	    "data-fig=\"paper_change\">", tr(lang, "outcomes"), tr(lang, "paper_change"));
	html_num(f, w->paper_change, 2);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td class=\"n\" data-fig=\"kpi_level\">",
	    tr(lang, "kpi_level"));
	html_num(f, w->kpi_level, 2);
	fputs("</td></tr>\n", f);
	for (int k = 0; k < RES_N; k++) {
		const struct res_line *l = &w->res[k];

		if (isnan(l->cmp.change_pct))
			continue;
		fprintf(f, "<tr><th>%s: %s</th><td class=\"n\" data-fig=\"change_%s\">",
		    resource_label(l->res, lang), tr(lang, "change"), resource_name(l->res));
		html_num(f, l->cmp.change_pct, 2);
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "<tr><th>%s</th><td class=\"n\" data-fig=\"ghg\">", tr(lang, "ghg_t"));
	html_num(f, w->kg_co2e / 1000, 3);
	fputs("</td></tr>\n", f);
	for (int u = 0; u < r->org->nunits; u++) {
		if (r->crit == NULL || r->units[u].eval.answered == 0)
			unassessed++;
		else
			grades[r->units[u].eval.grade]++;
	}
	fprintf(f, "<tr><th>%s</th><td>", tr(lang, "units_graded"));
	for (int g = GRADE_GOLD; g >= GRADE_NONE; g--)
		if (grades[g] > 0)
			fprintf(f, "%s %d, ", kpi_grade_name((enum grade)g, lang == LANG_TH), grades[g]);
	fprintf(f, "%s %d</td></tr>\n</tbody>\n</table>\n", tr(lang, "not_assessed"), unassessed);
}

int green_html_kpi14_results(FILE *f, const struct green_report *r, enum lang lang)
{
	const struct action_plan *p = &r->plan;

	green_page_head(f, r, lang, "results_report", -1);
	fprintf(f, "<h2>%s</h2>\n<p>", tr(lang, "plan_progress"));
	if (r->kpi14.met[0])
		done_words(f, &r->kpi14, lang);
	else
		fputs(tr(lang, "no_plan"), f);
	fprintf(f, "; <a href=\"green-parliament.%s.html\">%s</a>: %s %d</p>\n",
	    lang == LANG_TH ? "th" : "en", tr(lang, "kpi14"), tr(lang, "level_reached"),
	    r->kpi14.level);
	outcomes(f, r, lang);
	text_section(f, "impacts", p->impacts, lang);
	text_section(f, "plan_problems", p->problems, lang);
	text_section(f, "obstacles", p->obstacles, lang);
	text_section(f, "recommendations", p->recommendations, lang);
	fputs("<p>", f);
	if (p->submitted != 0) {
		fprintf(f, "%s ", tr(lang, "submitted_on"));
		date_cell(f, p->submitted, lang);
	} else
		fputs(tr(lang, "not_submitted"), f);
	fputs("</p>\n", f);
	green_page_foot(f, r, lang);
	return ferror(f) ? -1 : 0;
}
