/* green_csv.c - Green Office reports as CSV (UTF-8 with a BOM, so that
 * spreadsheet programs show Thai), one row a unit or a unit's month; after
 * a resource's months, a row "sum" of the months compared (compare.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "green_out.h"

/* RFC 4180: quote every text field, double the quotes inside. */
static void text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* An unknown figure is an empty field, not 0. */
static void num(FILE *f, double v)
{
	fputc(',', f);
	if (!isnan(v) && !isinf(v))
		fprintf(f, "%.15g", v);   /* no 1.23457e+06 for a year's kWh */
}

static void bom(FILE *f)
{
	fputs("\xEF\xBB\xBF", f);
}

/* A like-for-like figure (compare.h): the months compared, the two sums
 * over them. */
static void compared(FILE *f, const struct compared *c)
{
	char months[128];

	green_month_list(c->fy, c->months, months, sizeof(months));
	num(f, c->now.amount);
	num(f, c->then.amount);
	fputc(',', f);
	text(f, months);
}

int green_csv_summary(FILE *f, const struct green_report *r, enum lang lang)
{
	enum resource paper = figures_paper_resource(r->org);

	bom(f);
	fputs("unit_id,unit,cohort,grade,total_pct,paper_reduction_pct,paper_amount,"
	    "paper_baseline_amount,paper_compared,kpi_level,rank,kwh,kwh_baseline,kwh_compared,"
	    "kwh_per_person,paper_completeness,paper_to_review,kgco2e,"
	    "paper_reduction_round6,paper_reduction_round9,paper_reduction_round12\n", f);
	for (int u = 0; u <= r->org->nunits; u++) {
		const struct green_unit *gu = u < r->org->nunits ? &r->units[u] : &r->whole;
		bool whole = u == r->org->nunits;

		text(f, whole ? "*" : r->org->units[u].id);
		fputc(',', f);
		text(f, whole ? tr(lang, "whole") : lang == LANG_TH ? r->org->units[u].name_th :
		    r->org->units[u].name_en);
		fputc(',', f);
		text(f, whole ? "" : r->org->units[u].cohort);
		fputc(',', f);
		text(f, !whole && r->crit != NULL ? green_grade_words(&gu->eval, lang) : "");
		num(f, !whole && r->crit != NULL ? gu->eval.total : NAN);
		num(f, gu->paper_change);
		compared(f, &gu->res[paper].cmp);
		num(f, gu->kpi_level);
		if (whole)
			fputc(',', f);
		else
			fprintf(f, ",%d", gu->rank);
		compared(f, &gu->res[RES_ELECTRICITY].cmp);
		num(f, gu->kwh_per_person);
		num(f, gu->res[paper].now.completeness);
		fprintf(f, ",%d", gu->res[paper].now.flagged ? 1 : 0);
		num(f, gu->kg_co2e);
		for (int i = 0; i < GREEN_ROUNDS; i++)
			num(f, gu->paper_trend[i]);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static void month_row(FILE *f, const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l, int m, enum lang lang)
{
	struct green_period base = r->period;
	char ym[16], bym[16];
	double factor = l->factors_used[m] >= 0 ?
	    r->org->factors[l->factors_used[m]].kg_per_unit : NAN;

	base.fy = gu->baseline_fy;
	green_month_label(&r->period, m, ym, sizeof(ym));
	green_month_label(&base, m, bym, sizeof(bym));
	text(f, resource_label(l->res, lang));
	fputc(',', f);
	text(f, resource_unit(l->res));
	fprintf(f, ",%s", ym);
	num(f, l->cur->m[m].amount);
	num(f, figures_completeness(&l->cur->m[m]));
	fprintf(f, ",%s", bym);
	num(f, l->base ? l->base->m[m].amount : NAN);
	num(f, l->base ? figures_completeness(&l->base->m[m]) : NAN);
	num(f, factor);
	num(f, l->cur->m[m].amount * factor);
	fprintf(f, ",%d,,", l->cmp.why[m] == CMP_YES);
	text(f, green_why_words(l->cmp.why[m], lang));
	fputc('\n', f);
}

/* After a resource's months, the sums over the compared ones and the change
 * between them: the row a reader checks the change against. */
static void compared_row(FILE *f, const struct green_unit *gu, const struct res_line *l,
    enum lang lang)
{
	const struct compared *c = &l->cmp;
	char months[128], base[128], words[512], why[512], note[1040];

	green_month_list(c->fy, c->months, months, sizeof(months));
	green_month_list(gu->baseline_fy, c->months, base, sizeof(base));
	green_compared_words(c, gu->baseline_fy, lang, words, sizeof(words));
	green_not_compared_words(c, lang, why, sizeof(why));
	text(f, resource_label(l->res, lang));
	fputc(',', f);
	text(f, resource_unit(l->res));
	fputc(',', f);
	text(f, months);
	num(f, c->now.amount);
	num(f, c->n > 0 ? c->now.completeness : NAN);
	fputc(',', f);
	text(f, base);
	num(f, c->then.amount);
	num(f, c->n > 0 ? c->then.completeness : NAN);
	fputs(",,,sum", f);
	num(f, c->change_pct);
	fputc(',', f);
	snprintf(note, sizeof(note), "%s%s%s", words, why[0] != '\0' ? "; " : "", why);
	text(f, note);
	fputc('\n', f);
}

int green_csv_unit(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	const struct green_unit *gu = unit < 0 ? &r->whole : &r->units[unit];

	bom(f);
	fputs("resource,unit,month,amount,completeness,baseline_month,baseline_amount,"
	    "baseline_completeness,kgco2e_per_unit,kgco2e,compared,change_pct,note\n", f);
	for (int k = 0; k < RES_N; k++) {
		const struct res_line *l = &gu->res[k];

		if (l->cur == NULL)
			continue;
		for (int m = r->period.m0; m < r->period.m1; m++)
			month_row(f, r, gu, l, m, lang);
		compared_row(f, gu, l, lang);
	}
	return ferror(f) ? -1 : 0;
}
