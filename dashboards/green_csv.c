/* green_csv.c - Green Office reports as CSV (UTF-8 with a BOM, so that
 * spreadsheet programs show Thai), one row a unit or a unit's month. */
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

int green_csv_summary(FILE *f, const struct green_report *r, enum lang lang)
{
	enum resource paper = paper_resource(r->org);

	bom(f);
	fputs("unit_id,unit,cohort,grade,total_pct,paper_reduction_pct,kpi_level,rank,"
	    "kwh,kwh_per_person,paper_completeness,paper_to_review,kgco2e,"
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
		text(f, !whole && r->crit != NULL ? grade_name(gu->eval.grade, lang == LANG_TH) : "");
		num(f, !whole && r->crit != NULL ? gu->eval.total : NAN);
		num(f, gu->paper_change);
		num(f, gu->kpi_level);
		if (whole)
			fputc(',', f);
		else
			fprintf(f, ",%d", gu->rank);
		num(f, gu->res[RES_ELECTRICITY].now.amount);
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

int green_csv_unit(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	const struct green_unit *gu = unit < 0 ? &r->whole : &r->units[unit];

	bom(f);
	fputs("resource,unit,month,amount,completeness,baseline_month,baseline_amount,"
	    "baseline_completeness,kgco2e_per_unit,kgco2e\n", f);
	for (int k = 0; k < RES_N; k++) {
		const struct res_line *l = &gu->res[k];

		if (l->cur == NULL)
			continue;
		for (int m = r->period.m0; m < r->period.m1; m++) {
			struct green_period base = r->period;
			char ym[16], bym[16];
			double factor = l->factors_used[m] >= 0 ?
			    r->org->factors[l->factors_used[m]].kg_per_unit : NAN;

			base.fy = gu->baseline_fy;
			green_month_label(&r->period, m, ym, sizeof(ym));
			green_month_label(&base, m, bym, sizeof(bym));
			text(f, resource_label((enum resource)k, lang));
			fputc(',', f);
			text(f, resource_unit((enum resource)k));
			fprintf(f, ",%s", ym);
			num(f, l->cur->m[m].amount);
			num(f, fig_completeness(&l->cur->m[m]));
			fprintf(f, ",%s", bym);
			num(f, l->base ? l->base->m[m].amount : NAN);
			num(f, l->base ? fig_completeness(&l->base->m[m]) : NAN);
			num(f, factor);
			num(f, l->cur->m[m].amount * factor);
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}
