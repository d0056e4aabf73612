/* green_html.c - Green Office reports as HTML pages that print as clean A4
 * PDFs from a browser: the organisation summary, a unit's resources and a
 * unit's self-evaluation. Thai by default, English with LANG_EN. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "green_out.h"
#include "chart.h"
#include "green_page.h"
#include "html.h"

/* The first space in s becomes a no-break space (U+00A0), if it fits. */
static void nbsp(char *s, size_t len)
{
	char *sp = strchr(s, ' ');

	if (sp != NULL && strlen(s) + 2 <= len) {
		memmove(sp + 2, sp + 1, strlen(sp + 1) + 1);
		sp[0] = (char)0xc2;
		sp[1] = (char)0xa0;
	}
}

/* tCO2e of a kgCO2e figure, 3 decimals (a kilogram); NAN stays "—". */
static void tonnes(FILE *f, double kg)
{
	html_num(f, kg / 1000, 3);
}

/* under_way: a month not over yet, whose share so far says nothing missing
 * (its row says it is under way) */
static void completeness_cell(FILE *f, const struct figures_sum *s, bool under_way,
    enum lang lang)
{
	fputs("<td class=\"n\">", f);
	html_num(f, 100 * s->completeness, 1);
	fputs(" %", f);
	if (s->completeness < 1 && !under_way)
		fprintf(f, " <span class=\"warn\">%s</span>", tr(lang, "incomplete"));
	if (s->flagged)
		fprintf(f, " <span class=\"warn\">%s</span>", tr(lang, "to_review"));
	fputs("</td>", f);
}

static void met_cell(FILE *f, enum tri met, enum lang lang)
{
	if (met == TRI_YES)
		fprintf(f, "<td class=\"ok\">%s</td>", tr(lang, "met"));
	else if (met == TRI_NO)
		fprintf(f, "<td class=\"bad\">%s</td>", tr(lang, "not_met"));
	else
		fprintf(f, "<td>%s</td>", tr(lang, "unknown"));
}

static void problems(FILE *f, const struct green_report *r, enum lang lang)
{
	if (r->fig->nproblems + r->nproblems == 0)
		return;
	fprintf(f, "<h2>%s</h2>\n<ul>\n", tr(lang, "problems"));
	for (int i = 0; i < r->fig->nproblems && i < FIG_PROBLEMS; i++) {
		fputs("<li>", f);
		html_esc(f, r->fig->problems[i]);
		fputs("</li>\n", f);
	}
	for (int i = 0; i < r->nproblems; i++) {
		fputs("<li>", f);
		html_esc(f, r->problems[i]);
		fputs("</li>\n", f);
	}
	if (r->fig->nproblems > FIG_PROBLEMS)
		fprintf(f, "<li>… %d %s</li>\n", r->fig->nproblems - FIG_PROBLEMS, tr(lang, "more"));
	fputs("</ul>\n", f);
}

/* Some channel serves the unit for the resource, this year or the baseline's. */
static bool mapped(const struct res_line *l)
{
	return l->cur != NULL && (l->cur->nsrc > 0 || (l->base != NULL && l->base->nsrc > 0));
}

/* Under a figure that does not compare every month of the period, the
 * months it does (compare.h). */
static void span_note(FILE *f, const struct res_line *l, enum lang lang)
{
	const struct compared *c = &l->cmp;
	char runs[256];

	if (!mapped(l) || compare_whole(c))
		return;
	green_month_runs(c->fy, c->months, lang, runs, sizeof(runs));
	fputs("<br><small class=\"span\">", f);
	if (c->n == 0)
		html_esc(f, tr(lang, "none_compared"));
	else
		fprintf(f, "%s %s", tr(lang, "compared"), runs);
	fputs("</small>", f);
}

/* A reconstructed criteria edition scores as the official one would, but
 * its words and points are not the official text: every page that scores
 * with it says so. */
static void criteria_caveat(FILE *f, const struct criteria *c, enum lang lang)
{
	if (c == NULL || c->official)
		return;
	fprintf(f, "<p class=\"warn\" data-criteria=\"reconstruction\">%s</p>\n",
	    tr(lang, "crit_reconstruction"));
}

/* One scale: a header row of names, then what is judged and the lower
 * bound of each. */
static void scale(FILE *f, const char *kind, const char *title, const char *const *names,
    const char *what, const double *bounds, int n)
{
	fprintf(f, "<table class=\"scale\" data-scale=\"%s\">\n<tr><th>%s</th>", kind, title);
	for (int i = 0; i < n; i++)
		fprintf(f, "<th>%s</th>", names[i]);
	fprintf(f, "</tr>\n<tr><td>%s</td>", what);
	for (int i = 0; i < n; i++) {
		fputs("<td class=\"n\">≥ ", f);
		html_num(f, bounds[i], 2);
		fputs("</td>", f);
	}
	fputs("</tr>\n</table>\n", f);
}

/* The scales the summary's figures are judged on, printed beside them: the
 * KPI level each paper reduction reaches, and the grade each total earns. */
static void scales(FILE *f, const struct green_report *r, enum lang lang)
{
	static const enum grade g[GRADE_BANDS] = { GRADE_GOLD, GRADE_SILVER, GRADE_BRONZE };
	char levels[KPI_LEVELS][48];
	const char *names[KPI_LEVELS > GRADE_BANDS ? KPI_LEVELS : GRADE_BANDS];

	for (int i = 0; i < KPI_LEVELS; i++) {
		snprintf(levels[i], sizeof(levels[i]), "%s %d", tr(lang, "level"), i + 1);
		names[i] = levels[i];
	}
	scale(f, "kpi", tr(lang, "kpi_scale"), names, tr(lang, "paper_change"),
	    r->org->kpi_levels, KPI_LEVELS);
	if (r->crit == NULL)
		return;
	for (int i = 0; i < GRADE_BANDS; i++)
		names[i] = kpi_grade_name(g[i], lang == LANG_TH);
	scale(f, "grade", tr(lang, "grade_scale"), names, tr(lang, "total"), r->org->grades,
	    GRADE_BANDS);
}

/* ---- the organisation summary ------------------------------------------ */

/* The paper reduction at 6 / 9 / 12 months; a unit with none of them says
 * it has no data rather than three dashes. */
static void trend_cell(FILE *f, const struct green_unit *gu, enum lang lang)
{
	bool any = false;

	for (int i = 0; i < GREEN_ROUNDS; i++)
		any |= !isnan(gu->paper_trend[i]);
	if (!any) {
		fputs(tr(lang, "no_data"), f);
		return;
	}
	for (int i = 0; i < GREEN_ROUNDS; i++) {
		fputs(i ? " / " : "", f);
		html_num(f, gu->paper_trend[i], 1);
	}
}

int green_html_summary(FILE *f, const struct green_report *r, enum lang lang)
{
	enum resource paper = figures_paper_resource(r->org);
	char cohort[ORG_NAME_MAX + 96];

	green_page_head(f, r, lang, "summary", -1);
	criteria_caveat(f, r->crit, lang);
	fprintf(f, "<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s 6 / 9 / 12</th>"
	    "</tr></thead>\n<tbody>\n",
	    tr(lang, "unit"), tr(lang, "cohort"), tr(lang, "grade"), tr(lang, "total"),
	    tr(lang, "paper_change"), tr(lang, "kpi_level"), tr(lang, "rank"), tr(lang, "kwh_per"),
	    tr(lang, "completeness"), tr(lang, "trend"));
	for (int u = 0; u < r->org->nunits; u++) {
		const struct green_unit *gu = &r->units[u];

		fprintf(f, "<tr><td><a href=\"%s.resources.%s.html\">", r->org->units[u].id,
		    lang == LANG_TH ? "th" : "en");
		html_esc(f, green_page_name(r, u, lang));
		fputs("</a></td><td>", f);
		green_cohort_words(r->org->units[u].cohort, lang, cohort, sizeof(cohort));
		html_esc(f, cohort);
		fprintf(f, "</td><td>%s</td><td class=\"n\">",
		    r->crit != NULL ? green_grade_words(&gu->eval, lang) : "—");
		html_num(f, r->crit != NULL ? gu->eval.total : NAN, 2);
		fputs("</td><td class=\"n\">", f);
		html_num(f, gu->paper_change, 2);
		span_note(f, &gu->res[paper], lang);
		fputs("</td><td class=\"n\">", f);
		html_num(f, gu->kpi_level, 2);
		fprintf(f, "</td><td class=\"n\">%d</td><td class=\"n\">", gu->rank);
		html_num(f, gu->kwh_per_person, 1);
		span_note(f, &gu->res[RES_ELECTRICITY], lang);
		fputs("</td>", f);
		completeness_cell(f, &gu->res[paper].now, false, lang);
		fputs("<td class=\"n\">", f);
		trend_cell(f, gu, lang);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	fprintf(f, "<p>%s: ", tr(lang, "whole"));
	fprintf(f, "%s ", tr(lang, "paper_change"));
	html_num(f, r->whole.paper_change, 2);
	span_note(f, &r->whole.res[paper], lang);
	fprintf(f, ", %s ", tr(lang, "kpi_level"));
	html_num(f, r->whole.kpi_level, 2);
	fprintf(f, ", %s ", tr(lang, "ghg_t"));
	tonnes(f, r->whole.kg_co2e);
	for (int s = 0; s < GREEN_SCOPES; s++) {
		fprintf(f, "%s%s %d ", s ? ", " : " (", tr(lang, "scope_n"), s + 1);
		tonnes(f, r->whole.scope_kg[s]);
	}
	fputs(")", f);
	fprintf(f, "</p>\n<p class=\"meta\">%s: %s</p>\n", tr(lang, "formula"),
	    tr(lang, "formula_change"));
	scales(f, r, lang);
	problems(f, r, lang);
	green_page_foot(f, r, lang);
	return ferror(f) ? -1 : 0;
}

/* ---- a unit's resources ------------------------------------------------ */

static void month_table(FILE *f, const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l, enum lang lang)
{
	fprintf(f, "<table class=\"months\">\n<thead><tr><th>%s</th><th>%s (%s)</th><th>%s</th><th>%s (%d)</th>"
	    "<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n", tr(lang, "month"), tr(lang, "amount"),
	    resource_unit_words(l->res, lang), tr(lang, "completeness"), tr(lang, "baseline"),
	    gu->baseline_fy, tr(lang, "ghg"), tr(lang, "compared_col"));
	for (int m = r->period.m0; m < r->period.m1; m++) {
		char name[48], ym[16];
		const struct fig_month *fm = l->cur ? &l->cur->m[m] : NULL;
		struct figures_sum one = l->cur ? figures_sum(l->cur, m, m + 1) :
		    (struct figures_sum){ NAN, 0, 0, 0 };
		enum cmp_why why = l->cmp.why[m];
		double kg = NAN;

		green_month_name(&r->period, m, lang, name, sizeof(name));
		nbsp(name, sizeof(name));   /* "ต.ค. 2568" is one label: never two lines */
		green_month_label(&r->period, m, ym, sizeof(ym));
		if (fm != NULL && l->factors_used[m] >= 0)
			kg = fm->amount * r->org->factors[l->factors_used[m]].kg_per_unit;
		fprintf(f, "<tr data-month=\"%s\" data-compared=\"%d\"><td>%s</td><td class=\"n\">",
		    ym, why == CMP_YES, name);
		html_num(f, fm ? fm->amount : NAN, resource_decimals(l->res));
		fputs("</td>", f);
		completeness_cell(f, &one, why == CMP_IN_PROGRESS, lang);
		fputs("<td class=\"n\">", f);
		html_num(f, l->base ? l->base->m[m].amount : NAN, resource_decimals(l->res));
		fputs("</td><td class=\"n\">", f);
		html_num(f, kg, 1);
		if (why == CMP_YES)
			fprintf(f, "</td><td class=\"ok\">%s</td></tr>\n", tr(lang, "compared"));
		else
			fprintf(f, "</td><td class=\"warn\">%s</td></tr>\n", green_why_words(why, lang));
	}
	fputs("</tbody>\n</table>\n", f);
}

/* The meters a resource line was read from: each named, up to
 * SOURCES_SHOWN; past that their number, so that a unit of 400 meters gets
 * a line, not pages (the organisation file maps every one). */
#define SOURCES_SHOWN 10

static void sources(FILE *f, const struct fig_series *s, enum lang lang)
{
	int shown = s != NULL && s->nsrc < SOURCES_SHOWN ? s->nsrc : SOURCES_SHOWN;

	if (s == NULL || s->nsrc == 0)
		return;
	fprintf(f, "<p class=\"meta\" data-fig=\"meters\" data-n=\"%d\">%s (", s->nchan,
	    tr(lang, "meters"));
	html_num(f, s->nchan, 0);
	fprintf(f, " %s): ", tr(lang, s->nchan == 1 ? "meter_unit" : "meters_unit"));
	for (int i = 0; i < shown; i++)
		fprintf(f, "%s<code>%s/%s/%s</code> (%s %.0f %%%s)", i ? ", " : "", s->src[i].id.site,
		    s->src[i].id.meter, s->src[i].id.channel, tr(lang, "share"),
		    100 * s->src[i].share, s->src[i].changed ? "*" : "");
	if (s->nchan > shown) {
		fprintf(f, " %s ", tr(lang, "and_more"));
		html_num(f, s->nchan - shown, 0);
		fprintf(f, " %s", tr(lang, "more_meters"));
	}
	fputs("</p>\n", f);
}

/* An amount beside the change: over the compared months, flagged when
 * they are not complete. */
static void compared_cell(FILE *f, const char *fig, const struct figures_sum *s, enum resource res,
    enum lang lang)
{
	fprintf(f, "<td class=\"n\" data-fig=\"%s\">", fig);
	html_num(f, s->amount, resource_decimals(res));
	fprintf(f, " %s", resource_unit_words(res, lang));
	if (!isnan(s->amount) && s->completeness < 1)
		fprintf(f, " <span class=\"warn\">%s</span>", tr(lang, "incomplete"));
	fputs("</td>", f);
}

/* The use of months not compared (in progress, or missing in a year):
 * shown, and said to be left out of the change. */
static void not_compared_row(FILE *f, const struct res_line *l, enum lang lang)
{
	char why[512];

	if (compare_whole(&l->cmp))
		return;
	green_not_compared_words(&l->cmp, lang, why, sizeof(why));
	fprintf(f, "<tr><th>%s</th><td class=\"n\" data-fig=\"period\">", tr(lang, "period_so_far"));
	html_num(f, l->now.amount, resource_decimals(l->res));
	fprintf(f, " %s</td><td colspan=\"2\" class=\"warn\">", resource_unit_words(l->res, lang));
	html_esc(f, why);
	fputs("</td></tr>\n", f);
}

static void res_summary(FILE *f, const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l, enum lang lang)
{
	char span[512];
	const char *per = gu->unit >= 0 && r->org->units[gu->unit].per == NORM_M2 ?
	    tr(lang, "per_m2") : tr(lang, "per_person");

	green_compared_words(&l->cmp, gu->baseline_fy, lang, span, sizeof(span));
	fprintf(f, "<table data-res=\"%s\">\n<tr><td colspan=\"4\" data-fig=\"span\">",
	    resource_name(l->res));
	html_esc(f, span);
	fprintf(f, "</td></tr>\n<tr><th>%s</th>", tr(lang, "amount_compared"));
	compared_cell(f, "amount", &l->cmp.now, l->res, lang);
	fprintf(f, "<th>%s %d (%s)</th>", tr(lang, "baseline"), gu->baseline_fy,
	    tr(lang, "same_months"));
	compared_cell(f, "baseline", &l->cmp.then, l->res, lang);
	fprintf(f, "</tr>\n<tr><th>%s</th><td class=\"n\" data-fig=\"change\">", tr(lang, "change"));
	html_num(f, l->cmp.change_pct, 2);
	fprintf(f, "</td><th>%s (%s)</th><td class=\"n\" data-fig=\"per_change\">",
	    tr(lang, "change"), per);
	html_num(f, l->per_change_pct, 2);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td class=\"n\" data-fig=\"per\">", per);
	html_num(f, l->per, 2);
	fprintf(f, "</td><th>%s %d (%s)</th><td class=\"n\" data-fig=\"per_baseline\">",
	    tr(lang, "baseline"), gu->baseline_fy, per);
	html_num(f, l->per_then, 2);
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td class=\"n\" data-fig=\"target\">",
	    tr(lang, "target_pct"));
	html_num(f, l->target_pct, 1);
	fputs(" → ", f);
	if (l->judge_per) {
		html_num(f, l->target_per, 2);
		fprintf(f, " %s %s", resource_unit_words(l->res, lang), per);
	} else {
		html_num(f, l->target_amount, resource_decimals(l->res));
		fprintf(f, " %s", resource_unit_words(l->res, lang));
	}
	fprintf(f, "</td><th>%s (%s)</th>", tr(lang, "target"),
	    l->judge_per ? tr(lang, "judged_per") : tr(lang, "judged_total"));
	met_cell(f, l->met, lang);
	fputs("</tr>\n", f);
	not_compared_row(f, l, lang);
	fprintf(f, "<tr><th>%s</th>", tr(lang, "completeness"));
	completeness_cell(f, &l->now, false, lang);
	fprintf(f, "<th>%s</th><td class=\"n\">", tr(lang, "ghg"));
	html_num(f, l->kg_co2e, 1);
	fputs("</td></tr>\n</table>\n", f);
}

/* Why the target was met or missed, as the unit wrote it: the criteria's
 * item 4 asks for it either way (criteria.h). */
static void cause(FILE *f, const struct green_unit *gu, enum resource res, enum lang lang)
{
	const struct cause *c = &gu->cl.cause[res];
	enum tri met = gu->res[res].met;

	if (met == TRI_UNKNOWN && c->text[0] == '\0')
		return;
	fprintf(f, "<p data-cause=\"%s\"><b>%s:</b> ", c->text[0] ? "given" : "missing",
	    tr(lang, met == TRI_YES ? "cause_met" : met == TRI_NO ? "cause_missed" : "cause"));
	if (c->text[0] == '\0') {
		fprintf(f, "<span class=\"warn\">%s</span></p>\n", tr(lang, "no_cause"));
		return;
	}
	html_esc(f, c->text);
	if (c->plan[0] != '\0') {
		fprintf(f, "<br><b>%s:</b> ", tr(lang, "plan"));
		html_esc(f, c->plan);
	}
	fputs("</p>\n", f);
}

static void factors_used(FILE *f, const struct green_report *r, const struct green_unit *gu,
    enum lang lang)
{
	bool used[ORG_MAX_FACTORS] = { false };
	char day[48];

	for (int k = 0; k < RES_N; k++)
		for (int m = 0; m < 12; m++)
			if (gu->res[k].factors_used[m] >= 0)
				used[gu->res[k].factors_used[m]] = true;
	fprintf(f, "<h2>%s</h2>\n<ul>\n", tr(lang, "factors"));
	for (int i = 0; i < r->org->nfactors; i++) {
		const struct emission_factor *ef = &r->org->factors[i];

		if (!used[i])
			continue;
		green_date_name(ef->from, lang, day, sizeof(day));
		fprintf(f, "<li>%s: %.4f %s %s (%s %s; %s ", resource_label(ef->res, lang),
		    ef->kg_per_unit, tr(lang, "kgco2e_per"), resource_unit_words(ef->res, lang),
		    tr(lang, "factor_from"), day, tr(lang, "source"));
		fputs("<cite>", f);   /* the organisation's words, as given */
		html_esc(f, lang == LANG_TH ? ef->source_th : ef->source);
		fputs("</cite>)</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* The year to its end, for electricity and the paper basis: expected,
 * best and worst, each with its change, KPI level (paper) and verdict. */
static void forecast_table(FILE *f, const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l, enum lang lang)
{
	static const char *const cases[FC_CASES] = { "fc_expected", "fc_best", "fc_worst" };
	const struct forecast *fc = &l->fc;
	bool paper = l->res == figures_paper_resource(r->org);
	const char *per = gu->unit >= 0 && r->org->units[gu->unit].per == NORM_M2 ?
	    tr(lang, "per_m2") : tr(lang, "per_person");

	if (!fc->ok || (!paper && l->res != RES_ELECTRICITY))
		return;
	fprintf(f, "<p><b>%s</b><br><span class=\"meta\">%s %d</span></p>\n"
	    "<table data-forecast=\"%s\">\n<thead><tr><th>%s</th><th>%s</th><th>%s</th>",
	    tr(lang, "fc_title"), tr(lang, "fc_basis"), fc->months, resource_name(l->res),
	    tr(lang, "fc_case"), tr(lang, "fc_year_total"), tr(lang, "change"));
	if (paper)
		fprintf(f, "<th>%s</th>", tr(lang, "kpi_level"));
	fprintf(f, "<th>%s</th></tr></thead>\n<tbody>\n", tr(lang, "target"));
	for (int i = 0; i < FC_CASES; i++) {
		fprintf(f, "<tr data-case=\"%d\"><td>%s</td><td class=\"n\">", i, tr(lang, cases[i]));
		html_num(f, fc->total[i], resource_decimals(l->res));
		fprintf(f, " %s</td><td class=\"n\">", resource_unit_words(l->res, lang));
		html_num(f, fc->change_pct[i], 2);
		fputs("</td>", f);
		if (paper) {
			fputs("<td class=\"n\">", f);
			html_num(f, l->fc_level[i], 2);
			fputs("</td>", f);
		}
		if (l->fc_met[i] == TRI_UNKNOWN)
			fputs("<td>—</td>", f);
		else
			fprintf(f, "<td class=\"%s\">%s</td>", l->fc_met[i] == TRI_YES ? "ok" : "bad",
			    tr(lang, l->fc_met[i] == TRI_YES ? "fc_met" : "fc_not_met"));
		fputs("</tr>\n", f);
	}
	fprintf(f, "</tbody>\n</table>\n<p class=\"meta\">%s ", tr(lang, "fc_base_year"));
	html_num(f, fc->base_total, resource_decimals(l->res));
	fprintf(f, " %s; %s ", resource_unit_words(l->res, lang), tr(lang, "fc_target_year"));
	html_num(f, l->fc_target, l->judge_per ? 2 : resource_decimals(l->res));
	fprintf(f, " %s%s%s</p>\n", resource_unit_words(l->res, lang), l->judge_per ? " " : "",
	    l->judge_per ? per : "");
}

/* The width charts are drawn at: the A4 page's text, in points. */
#define CHART_W 520.0

/* Month by month, this year's bars beside the baseline year's. */
static void month_chart(FILE *f, const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l, enum lang lang)
{
	struct chart c = { .kind = CHART_BARS, .ns = 2 };
	char t[CHART_TEXT];

	snprintf(t, sizeof(t), "%s: %s", resource_label(l->res, lang), tr(lang, "chart_months"));
	chart_text(c.title, t);
	chart_text(c.unit, resource_unit_words(l->res, lang));
	snprintf(t, sizeof(t), "%s %d", tr(lang, "fy"), r->period.fy);
	chart_text(c.sname[0], t);
	snprintf(t, sizeof(t), "%s %d", tr(lang, "baseline"), gu->baseline_fy);
	chart_text(c.sname[1], t);
	for (int m = r->period.m0; m < r->period.m1 && c.nx < CHART_MAX_X; m++, c.nx++) {
		chart_text(c.x[c.nx], green_month_short(m, lang));
		c.v[0][c.nx] = l->cur != NULL ? l->cur->m[m].amount : NAN;
		c.v[1][c.nx] = l->base != NULL ? l->base->m[m].amount : NAN;
	}
	chart_write_html(f, &c, CHART_W);
}

/* The paper reduction so far, month by month, over the KPI's levels. */
static void paper_chart(FILE *f, const struct green_report *r, const struct green_unit *gu,
    enum lang lang)
{
	struct chart c = { .kind = CHART_LINE, .ns = 1, .nbands = KPI_LEVELS };

	chart_text(c.title, tr(lang, "chart_paper"));
	chart_text(c.unit, tr(lang, "chart_pct"));
	chart_text(c.sname[0], tr(lang, "paper_change"));
	chart_text(c.band_label, tr(lang, "level"));
	memcpy(c.band, r->org->kpi_levels, sizeof(r->org->kpi_levels));
	for (int m = r->period.m0; m < r->period.m1 && c.nx < CHART_MAX_X; m++, c.nx++) {
		chart_text(c.x[c.nx], green_month_short(m, lang));
		c.v[0][c.nx] = gu->paper_cum[m];
	}
	chart_write_html(f, &c, CHART_W);
}

/* Greenhouse gas by scope: one bar for a unit, one per unit for the whole. */
static void ghg_chart(FILE *f, const struct green_report *r, const struct green_unit *gu,
    enum lang lang)
{
	struct chart c = { .kind = CHART_HBARS, .ns = GREEN_SCOPES };
	int first = gu->unit < 0 ? 0 : gu->unit, last = gu->unit < 0 ? r->org->nunits : gu->unit + 1;
	char t[CHART_TEXT];

	chart_text(c.title, tr(lang, "ghg_by_scope"));
	chart_text(c.unit, tr(lang, "chart_tonnes"));
	for (int s = 0; s < GREEN_SCOPES; s++) {
		snprintf(t, sizeof(t), "%s %d", tr(lang, "scope_n"), s + 1);
		chart_text(c.sname[s], t);
	}
	for (int u = first; u < last && c.nx < CHART_MAX_X; u++, c.nx++) {
		chart_text(c.x[c.nx], green_page_name(r, u, lang));
		for (int s = 0; s < GREEN_SCOPES; s++)
			c.v[s][c.nx] = r->units[u].scope_kg[s] / 1000;
	}
	chart_write_html(f, &c, CHART_W);
}

/* The unit's greenhouse gas by scope, each resource under its scope. */
static void ghg_scopes(FILE *f, const struct green_unit *gu, enum lang lang)
{
	static const char *const scope_key[GREEN_SCOPES] = { "scope1", "scope2", "scope3" };

	fprintf(f, "<h2>%s</h2>\n<table data-ghg=\"scopes\">\n<tbody>\n", tr(lang, "ghg_by_scope"));
	for (int s = 0; s < GREEN_SCOPES; s++) {
		fprintf(f, "<tr><th colspan=\"2\">%s</th><td class=\"n\" data-fig=\"scope%d\"><b>",
		    tr(lang, scope_key[s]), s + 1);
		tonnes(f, gu->scope_kg[s]);
		fputs("</b></td></tr>\n", f);
		for (int k = 0; k < RES_N; k++) {
			const struct res_line *l = &gu->res[k];

			if (green_scope((enum resource)k) != s + 1 || isnan(l->kg_co2e))
				continue;
			fprintf(f, "<tr><td></td><td>%s</td><td class=\"n\">",
			    resource_label((enum resource)k, lang));
			tonnes(f, l->kg_co2e);
			fputs("</td></tr>\n", f);
		}
	}
	fprintf(f, "<tr><th colspan=\"2\">%s</th><td class=\"n\" data-fig=\"ghg_total\"><b>",
	    tr(lang, "scope_total"));
	tonnes(f, gu->kg_co2e);
	fputs("</b></td></tr>\n</tbody>\n</table>\n", f);
}

/* The whole organisation's page: every unit's scopes side by side. */
static void ghg_units(FILE *f, const struct green_report *r, enum lang lang)
{
	fprintf(f, "<table data-ghg=\"units\">\n<thead><tr><th>%s</th><th>%s 1</th><th>%s 2</th>"
	    "<th>%s 3</th><th>%s</th></tr></thead>\n<tbody>\n", tr(lang, "unit"),
	    tr(lang, "scope_n"), tr(lang, "scope_n"), tr(lang, "scope_n"), tr(lang, "scope_total"));
	for (int u = 0; u < r->org->nunits; u++) {
		const struct green_unit *gu = &r->units[u];

		fprintf(f, "<tr data-unit=\"%s\"><td>", r->org->units[u].id);
		html_esc(f, green_page_name(r, u, lang));
		fputs("</td>", f);
		for (int s = 0; s < GREEN_SCOPES; s++) {
			fputs("<td class=\"n\">", f);
			tonnes(f, gu->scope_kg[s]);
			fputs("</td>", f);
		}
		fputs("<td class=\"n\">", f);
		tonnes(f, gu->kg_co2e);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

int green_html_resources(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	const struct green_unit *gu = unit < 0 ? &r->whole : &r->units[unit];

	green_page_head(f, r, lang, "resources", unit);
	for (int k = 0; k < RES_N; k++) {
		const struct res_line *l = &gu->res[k];

		if (!mapped(l))
			continue;   /* no meter serves the unit for this resource */
		fprintf(f, "<h2>%s</h2>\n", resource_label((enum resource)k, lang));
		res_summary(f, r, gu, l, lang);
		cause(f, gu, (enum resource)k, lang);
		forecast_table(f, r, gu, l, lang);
		month_chart(f, r, gu, l, lang);
		month_table(f, r, gu, l, lang);
		sources(f, l->cur, lang);
	}
	fprintf(f, "<h2>%s</h2>\n<p>%s ", tr(lang, "paper_change"), tr(lang, "paper_change"));
	html_num(f, gu->paper_change, 2);
	fprintf(f, " → %s ", tr(lang, "kpi_level"));
	html_num(f, gu->kpi_level, 2);
	span_note(f, &gu->res[figures_paper_resource(r->org)], lang);
	fprintf(f, "</p>\n<p class=\"meta\">%s: %s</p>\n", tr(lang, "formula"),
	    tr(lang, "formula_change"));
	paper_chart(f, r, gu, lang);
	ghg_scopes(f, gu, lang);
	ghg_chart(f, r, gu, lang);
	if (unit < 0)
		ghg_units(f, r, lang);
	factors_used(f, r, gu, lang);
	problems(f, r, lang);
	green_page_foot(f, r, lang);
	return ferror(f) ? -1 : 0;
}

/* ---- a unit's self-evaluation ------------------------------------------ */

static void indicator_row(FILE *f, const struct criteria *c, const struct green_unit *gu,
    int i, enum lang lang)
{
	const struct ind_score *s = &gu->eval.ind[i];
	const struct fig_series *cur = c->ind[i].source == SRC_METER ?
	    gu->res[c->ind[i].res].cur : NULL;

	fprintf(f, "<tr><td>%s</td><td>", c->ind[i].code);
	html_esc(f, lang == LANG_TH ? c->ind[i].th : c->ind[i].en);
	fputs("</td><td class=\"n\">", f);
	html_num(f, s->score, 2);
	fputs(" / ", f);
	html_num(f, s->points, 0);
	fputs("</td><td>", f);
	if (c->ind[i].source == SRC_METER && (cur == NULL || cur->nsrc == 0)) {
		/* nothing maps to the unit: say what to enter, not "0 of 4" */
		fprintf(f, "<span class=\"warn\" data-nodata=\"%s\">%s</span>: %s%s",
		    resource_name(c->ind[i].res), tr(lang, "no_data"), tr(lang, "no_data_enter"),
		    resource_label(c->ind[i].res, lang));
	} else if (c->ind[i].source == SRC_METER) {
		fprintf(f, "%s: %d %s", tr(lang, "from_meters"), s->items_met, tr(lang, "items_met"));
	} else if (s->check != NULL) {
		html_esc(f, s->check->evidence);
		if (s->check->note[0] != '\0') {
			fputs("<br><span class=\"meta\">", f);
			html_esc(f, s->check->note);
			fputs("</span>", f);
		}
	}
	fputs("</td></tr>\n", f);
}

static void readiness(FILE *f, const struct criteria *c, const struct green_unit *gu,
    enum lang lang)
{
	fprintf(f, "<h2>%s</h2>\n", tr(lang, "readiness"));
	if (gu->eval.grade == GRADE_GOLD) {
		fprintf(f, "<p>%s</p>\n", tr(lang, "at_top"));
		return;
	}
	fprintf(f, "<p>%s: ", tr(lang, "gain_needed"));
	html_num(f, gu->eval.gain_needed, 2);
	fputs("</p>\n<ul>\n", f);
	for (int k = 0; k < gu->eval.nready; k++) {
		int i = gu->eval.ready[k];

		fprintf(f, "<li>%s ", c->ind[i].code);
		html_esc(f, lang == LANG_TH ? c->ind[i].th : c->ind[i].en);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

int green_html_self_eval(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	const struct criteria *c = r->crit;
	const struct green_unit *gu = &r->units[unit];

	green_page_head(f, r, lang, "self_eval", unit);
	fprintf(f, "<p>%s: <b>", tr(lang, "total"));
	html_num(f, gu->eval.total, 2);
	fprintf(f, "</b> — %s: <b>%s</b></p>\n", tr(lang, "grade"),
	    green_grade_words(&gu->eval, lang));
	fprintf(f, "<p class=\"meta\">%s ", tr(lang, "edition"));
	html_esc(f, c->edition);
	fputs(": ", f);
	html_esc(f, lang == LANG_TH ? c->th : c->en);
	fputs("</p>\n", f);
	criteria_caveat(f, c, lang);
	if (!gu->cl.found)
		fprintf(f, "<p class=\"warn\">%s</p>\n", tr(lang, "no_checklist"));
	for (int k = 0; k < c->ncat; k++) {
		fprintf(f, "<h2>%s %d ", tr(lang, "category"), c->cat[k].number);
		html_esc(f, lang == LANG_TH ? c->cat[k].th : c->cat[k].en);
		fprintf(f, " (%s ", tr(lang, "score"));
		html_num(f, gu->eval.cat_pct[k], 2);
		fputs(" / ", f);
		html_num(f, c->cat[k].weight, 0);
		fprintf(f, ")</h2>\n<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "</tr></thead>\n<tbody>\n", tr(lang, "ind_no"), tr(lang, "indicator"),
		    tr(lang, "score"), tr(lang, "evidence"));
		for (int i = 0; i < c->nind; i++)
			if (c->ind[i].category == k)
				indicator_row(f, c, gu, i, lang);
		fputs("</tbody>\n</table>\n", f);
	}
	readiness(f, c, gu, lang);
	green_page_foot(f, r, lang);
	return ferror(f) ? -1 : 0;
}
