/* green_json.c - a Green Office report as JSON: every figure with what it
 * was built from (channels and shares, baseline, factors, completeness). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "green_out.h"
#include "json_out.h"
#include "timeutil.h"

static void tri(cJSON *o, const char *k, enum tri t)
{
	if (t == TRI_UNKNOWN)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddBoolToObject(o, k, t == TRI_YES);
}

static cJSON *months_json(const struct green_report *r, const struct res_line *l)
{
	cJSON *a = cJSON_CreateArray();

	for (int m = r->period.m0; m < r->period.m1; m++) {
		cJSON *o = cJSON_CreateObject();
		char ym[16];

		green_month_label(&r->period, m, ym, sizeof(ym));
		cJSON_AddStringToObject(o, "month", ym);
		json_out_num(o, "amount", l->cur ? l->cur->m[m].amount : NAN);
		json_out_num(o, "completeness", l->cur ? figures_completeness(&l->cur->m[m]) : 0);
		json_out_num(o, "baseline", l->base ? l->base->m[m].amount : NAN);
		json_out_num(o, "baseline_completeness",
		    l->base ? figures_completeness(&l->base->m[m]) : 0);
		cJSON_AddBoolToObject(o, "compared", l->cmp.why[m] == CMP_YES);
		cJSON_AddStringToObject(o, "why", compare_why_name(l->cmp.why[m]));
		if (l->factors_used[m] >= 0)
			json_out_num(o, "kgco2e_per_unit", r->org->factors[l->factors_used[m]].kg_per_unit);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *sources_json(const struct fig_series *s)
{
	cJSON *a = cJSON_CreateArray();
	char name[3 * (ID_MAX + 1)];

	for (int i = 0; s != NULL && i < s->nsrc; i++) {
		cJSON *o = cJSON_CreateObject();

		snprintf(name, sizeof(name), "%s/%s/%s", s->src[i].id.site, s->src[i].id.meter,
		    s->src[i].id.channel);
		cJSON_AddStringToObject(o, "channel", name);
		json_out_num(o, "share", s->src[i].share);
		cJSON_AddBoolToObject(o, "share_changed_in_year", s->src[i].changed);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *month_list(int fy, unsigned months)
{
	cJSON *a = cJSON_CreateArray();
	char list[128], *save = NULL;

	green_month_list(fy, months, list, sizeof(list));
	for (char *t = strtok_r(list, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
	return a;
}

/* Like for like (compare.h): the change, per unit and target, with the
 * sums over exactly the months compared, and the span in words. */
static cJSON *compared_json(const struct green_unit *gu, const struct res_line *l)
{
	const struct compared *c = &l->cmp;
	cJSON *o = cJSON_CreateObject();
	char words[512];

	cJSON_AddItemToObject(o, "months", month_list(c->fy, c->months));
	cJSON_AddItemToObject(o, "baseline_months", month_list(gu->baseline_fy, c->months));
	cJSON_AddBoolToObject(o, "whole_period", compare_whole(c));
	green_compared_words(c, gu->baseline_fy, LANG_TH, words, sizeof(words));
	cJSON_AddStringToObject(o, "th", words);
	green_compared_words(c, gu->baseline_fy, LANG_EN, words, sizeof(words));
	cJSON_AddStringToObject(o, "en", words);
	json_out_num(o, "amount", c->now.amount);
	json_out_num(o, "completeness", c->n > 0 ? c->now.completeness : NAN);
	json_out_num(o, "baseline_amount", c->then.amount);
	json_out_num(o, "baseline_completeness", c->n > 0 ? c->then.completeness : NAN);
	/* a change or a target judged on a partial month is no better */
	cJSON_AddBoolToObject(o, "complete", c->n > 0 && c->now.completeness >= 1 &&
	    c->then.completeness >= 1);
	json_out_num(o, "change_pct", c->change_pct);
	json_out_num(o, "per", l->per);
	json_out_num(o, "per_baseline", l->per_then);
	json_out_num(o, "per_change_pct", l->per_change_pct);
	json_out_num(o, "target_amount", l->target_amount);
	json_out_num(o, "target_per", l->target_per);
	/* the quantity the target is judged on (criteria.h measure) */
	cJSON_AddStringToObject(o, "judged", l->judge_per ? "per_unit" : "total");
	tri(o, "target_met", l->met);
	return o;
}

static cJSON *not_compared_json(const struct green_report *r, const struct compared *c)
{
	cJSON *a = cJSON_CreateArray();

	for (int m = c->m0; m < c->m1; m++) {
		cJSON *o;
		char ym[16];

		if (c->why[m] == CMP_YES)
			continue;
		o = cJSON_CreateObject();
		green_month_label(&r->period, m, ym, sizeof(ym));
		cJSON_AddStringToObject(o, "month", ym);
		cJSON_AddStringToObject(o, "why", compare_why_name(c->why[m]));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* The forecast to the year's end (forecast.h), or null. */
static cJSON *forecast_json(const struct res_line *l)
{
	static const char *const cases[FC_CASES] = { "expected", "best", "worst" };
	const struct forecast *fc = &l->fc;
	cJSON *o;

	if (!fc->ok)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "months", fc->months);
	json_out_num(o, "baseline_total", fc->base_total);
	json_out_num(o, "target", l->fc_target);
	for (int i = 0; i < FC_CASES; i++) {
		cJSON *c = cJSON_CreateObject();

		json_out_num(c, "total", fc->total[i]);
		json_out_num(c, "change_pct", fc->change_pct[i]);
		json_out_num(c, "kpi_level", l->fc_level[i]);
		tri(c, "target_met", l->fc_met[i]);
		cJSON_AddItemToObject(o, cases[i], c);
	}
	return o;
}

static cJSON *res_json(const struct green_report *r, const struct green_unit *gu,
    const struct res_line *l)
{
	cJSON *o = cJSON_CreateObject();
	char why[512];

	cJSON_AddStringToObject(o, "unit", resource_unit(l->res));
	/* the period's use, every month of it: no baseline beside it */
	json_out_num(o, "amount", l->now.amount);
	json_out_num(o, "completeness", l->now.completeness);
	cJSON_AddBoolToObject(o, "complete", l->now.completeness >= 1);
	cJSON_AddBoolToObject(o, "to_review", l->now.flagged);
	cJSON_AddItemToObject(o, "compared", compared_json(gu, l));
	cJSON_AddItemToObject(o, "not_compared", not_compared_json(r, &l->cmp));
	green_not_compared_words(&l->cmp, LANG_TH, why, sizeof(why));
	cJSON_AddStringToObject(o, "not_compared_th", why);
	green_not_compared_words(&l->cmp, LANG_EN, why, sizeof(why));
	cJSON_AddStringToObject(o, "not_compared_en", why);
	json_out_num(o, "per_divisor", l->per_value);
	json_out_num(o, "per_divisor_baseline", l->per_value_then);
	json_out_num(o, "target_pct", l->target_pct);
	json_out_num(o, "kgco2e", l->kg_co2e);
	cJSON_AddItemToObject(o, "forecast", forecast_json(l));
	cJSON_AddItemToObject(o, "months", months_json(r, l));
	cJSON_AddItemToObject(o, "sources", sources_json(l->cur));
	cJSON_AddNumberToObject(o, "source_count", l->cur != NULL ? l->cur->nchan : 0);
	cJSON_AddItemToObject(o, "baseline_sources", sources_json(l->base));
	cJSON_AddNumberToObject(o, "baseline_source_count", l->base != NULL ? l->base->nchan : 0);
	return o;
}

static cJSON *eval_json(const struct criteria *c, const struct green_unit *gu)
{
	cJSON *o = cJSON_CreateObject(), *cats = cJSON_CreateArray(), *inds = cJSON_CreateArray();
	cJSON *ready = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "edition", c->edition);
	cJSON_AddBoolToObject(o, "edition_official", c->official);
	json_out_num(o, "total_pct", gu->eval.total);
	cJSON_AddStringToObject(o, "grade", kpi_grade_name(gu->eval.grade, 0));
	cJSON_AddBoolToObject(o, "self_assessed", gu->eval.answered > 0);
	cJSON_AddNumberToObject(o, "checklist_answered", gu->eval.answered);
	json_out_num(o, "gain_needed_for_next_grade", gu->eval.gain_needed);
	cJSON_AddBoolToObject(o, "checklist_found", gu->cl.found);
	for (int k = 0; k < c->ncat; k++) {
		cJSON *x = cJSON_CreateObject();

		cJSON_AddNumberToObject(x, "category", c->cat[k].number);
		json_out_num(x, "weight", c->cat[k].weight);
		json_out_num(x, "score", gu->eval.cat_pct[k]);
		cJSON_AddItemToArray(cats, x);
	}
	for (int i = 0; i < c->nind; i++) {
		const struct ind_score *s = &gu->eval.ind[i];
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "code", c->ind[i].code);
		cJSON_AddStringToObject(x, "source", c->ind[i].source == SRC_METER ? "meter" : "checklist");
		json_out_num(x, "score", s->score);
		json_out_num(x, "points", s->points);
		if (c->ind[i].source == SRC_METER)
			cJSON_AddNumberToObject(x, "items_met", s->items_met);
		if (s->check != NULL) {
			cJSON_AddStringToObject(x, "evidence", s->check->evidence);
			cJSON_AddStringToObject(x, "note", s->check->note);
		}
		cJSON_AddItemToArray(inds, x);
	}
	for (int i = 0; i < gu->eval.nready; i++)
		cJSON_AddItemToArray(ready, cJSON_CreateString(c->ind[gu->eval.ready[i]].code));
	cJSON_AddItemToObject(o, "categories", cats);
	cJSON_AddItemToObject(o, "indicators", inds);
	cJSON_AddItemToObject(o, "readiness", ready);
	return o;
}

static cJSON *unit_json(const struct green_report *r, const struct green_unit *gu)
{
	cJSON *o = cJSON_CreateObject(), *res = cJSON_CreateObject();

	if (gu->unit >= 0) {
		const struct org_unit *u = &r->org->units[gu->unit];

		cJSON_AddStringToObject(o, "id", u->id);
		cJSON_AddStringToObject(o, "th", u->name_th);
		cJSON_AddStringToObject(o, "en", u->name_en);
		cJSON_AddStringToObject(o, "cohort", u->cohort);
		cJSON_AddStringToObject(o, "per", u->per == NORM_M2 ? "m2" : "person");
		cJSON_AddNumberToObject(o, "rank_paper", gu->rank);
	}
	cJSON_AddNumberToObject(o, "baseline_fy", gu->baseline_fy);
	json_out_num(o, "paper_reduction_pct", gu->paper_change);
	json_out_num(o, "kpi_level", gu->kpi_level);
	json_out_num(o, "kwh_per_person", gu->kwh_per_person);
	{
		cJSON *t = cJSON_CreateObject();

		json_out_num(t, "round6", gu->paper_trend[0]);
		json_out_num(t, "round9", gu->paper_trend[1]);
		json_out_num(t, "round12", gu->paper_trend[2]);
		cJSON_AddItemToObject(o, "paper_reduction_by_round", t);
	}
	json_out_num(o, "kgco2e", gu->kg_co2e);
	{
		cJSON *g = cJSON_CreateObject();

		static const char *const key[GREEN_SCOPES] = { "scope1", "scope2", "scope3" };

		for (int s = 0; s < GREEN_SCOPES; s++)
			json_out_num(g, key[s], gu->scope_kg[s] / 1000);
		json_out_num(g, "total", gu->kg_co2e / 1000);
		cJSON_AddItemToObject(o, "tco2e", g);
	}
	for (int k = 0; k < RES_N; k++)
		cJSON_AddItemToObject(res, resource_name((enum resource)k),
		    res_json(r, gu, &gu->res[k]));
	cJSON_AddItemToObject(o, "resources", res);
	if (gu->unit >= 0 && r->crit != NULL)
		cJSON_AddItemToObject(o, "self_evaluation", eval_json(r->crit, gu));
	return o;
}

static cJSON *factors_json(const struct org *o)
{
	cJSON *a = cJSON_CreateArray();
	char day[32];

	for (int i = 0; i < o->nfactors; i++) {
		cJSON *x = cJSON_CreateObject();

		green_day_label(o->factors[i].from, day, sizeof(day));
		cJSON_AddStringToObject(x, "resource", resource_name(o->factors[i].res));
		cJSON_AddStringToObject(x, "from", day);
		json_out_num(x, "kgco2e_per_unit", o->factors[i].kg_per_unit);
		cJSON_AddStringToObject(x, "source", o->factors[i].source);
		cJSON_AddStringToObject(x, "source_th", o->factors[i].source_th);
		cJSON_AddItemToArray(a, x);
	}
	return a;
}

static cJSON *header_json(const struct green_report *r)
{
	cJSON *o = cJSON_CreateObject(), *levels = cJSON_CreateArray(), *grades = cJSON_CreateArray();
	char a[32], b[32];

	green_period_days(&r->period, a, b, sizeof(a));
	cJSON_AddStringToObject(o, "th", r->org->name_th);
	cJSON_AddStringToObject(o, "en", r->org->name_en);
	cJSON_AddNumberToObject(o, "fiscal_year", r->period.fy);
	cJSON_AddStringToObject(o, "period", r->period.label);
	cJSON_AddStringToObject(o, "from", a);
	cJSON_AddStringToObject(o, "to", b);
	cJSON_AddStringToObject(o, "time_zone", TZ_DEFAULT);
	/* the day only: what is compared changes at month ends, and a set made
	 * again the same day stays the same, byte for byte */
	green_day_label(r->period.as_of, a, sizeof(a));
	cJSON_AddStringToObject(o, "as_of", a);
	cJSON_AddStringToObject(o, "paper_basis", resource_name(figures_paper_resource(r->org)));
	for (int i = 0; i < KPI_LEVELS; i++)
		cJSON_AddItemToArray(levels, cJSON_CreateNumber(r->org->kpi_levels[i]));
	for (int i = 0; i < GRADE_BANDS; i++)
		cJSON_AddItemToArray(grades, cJSON_CreateNumber(r->org->grades[i]));
	cJSON_AddItemToObject(o, "kpi_levels_pct", levels);
	json_out_num(o, "kpi_below_level_1", r->org->kpi_below);
	cJSON_AddItemToObject(o, "grade_bounds_pct", grades);
	cJSON_AddItemToObject(o, "emission_factors", factors_json(r->org));
	return o;
}

/* KPI 1.4 Green Parliament: the level, each level's own condition, and
 * what they were judged from (action_plan.h). */
static cJSON *kpi14_json(const struct green_report *r)
{
	const struct kpi14 *k = &r->kpi14;
	cJSON *o = cJSON_CreateObject(), *met = cJSON_CreateArray(), *acts = cJSON_CreateArray();
	char day[32];

	cJSON_AddNumberToObject(o, "level", k->level);
	for (int i = 0; i < PLAN_LEVELS; i++)
		cJSON_AddItemToArray(met, cJSON_CreateBool(k->met[i]));
	cJSON_AddItemToObject(o, "met", met);
	cJSON_AddBoolToObject(o, "plan_found", r->plan.found);
	cJSON_AddNumberToObject(o, "activities", k->total);
	cJSON_AddNumberToObject(o, "activities_done", k->done);
	json_out_num(o, "done_pct", k->done_pct);
	cJSON_AddNumberToObject(o, "units_assessed", k->assessed);
	cJSON_AddNumberToObject(o, "units", k->units);
	if (r->plan.submitted != 0) {
		green_day_label(r->plan.submitted, day, sizeof(day));
		cJSON_AddStringToObject(o, "results_submitted", day);
	} else
		cJSON_AddNullToObject(o, "results_submitted");
	for (int i = 0; i < r->plan.nact; i++) {
		cJSON *a = cJSON_CreateObject();

		cJSON_AddStringToObject(a, "number", r->plan.act[i].number);
		cJSON_AddStringToObject(a, "status", act_status_name(r->plan.act[i].status));
		cJSON_AddItemToArray(acts, a);
	}
	cJSON_AddItemToObject(o, "activity", acts);
	return o;
}

int green_json(FILE *out, const struct green_report *r)
{
	cJSON *root = header_json(r), *units = cJSON_CreateArray(), *problems = cJSON_CreateArray();
	char *text;
	int rc = 0;

	for (int u = 0; u < r->org->nunits; u++)
		cJSON_AddItemToArray(units, unit_json(r, &r->units[u]));
	cJSON_AddItemToObject(root, "units", units);
	cJSON_AddItemToObject(root, "whole", unit_json(r, &r->whole));
	cJSON_AddItemToObject(root, "kpi_1_4", kpi14_json(r));
	for (int i = 0; i < r->fig->nproblems && i < FIG_PROBLEMS; i++)
		cJSON_AddItemToArray(problems, cJSON_CreateString(r->fig->problems[i]));
	for (int i = 0; i < r->nproblems; i++)
		cJSON_AddItemToArray(problems, cJSON_CreateString(r->problems[i]));
	cJSON_AddItemToObject(root, "problems", problems);
	cJSON_AddNumberToObject(root, "problems_total", r->fig->nproblems + r->nproblems);
	if ((text = cJSON_Print(root)) == NULL || fprintf(out, "%s\n", text) < 0)
		rc = -1;
	free(text);
	cJSON_Delete(root);
	return rc;
}
