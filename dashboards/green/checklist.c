/*
 * checklist.c - a unit's checklist (what its staff enter: a score, an
 * evidence reference and a note per indicator, and a cause analysis per
 * resource whose target was missed) and the self-evaluation that combines it
 * with the meter data. The format and the arithmetic, each with a worked
 * example, are in docs/organisation.md ("The criteria edition and
 * checklists").
 *
 * ARITHMETIC. A category scores weight * sum(scores) / sum(points): the
 * scores are summed first, multiplied by the weight and divided once, so
 * exact inputs (whole points, halves, the quarters of the meter items) give
 * exact results: 25 * 3 / 4 = 18.75, 15 * 5 / 6 = 12.5, and a total meant
 * to be 90 is 90, not 89.99999999999999. Thirds and the like stay inexact:
 * 5 * 1 / 3 + 60 * 7 / 9 + 35 * 1 / 3 is 60, but 59.99999999999999 in
 * doubles, which would not be certified. So the total is rounded to a
 * millionth of a point (PCT_ROUND) before it is graded. No real score sits
 * within a millionth of a band without reaching it: scores are ratios of
 * small numbers.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confparse.h"
#include "criteria.h"

#define PCT_ROUND 1e6   /* totals are rounded to 1 / PCT_ROUND of a point */
#define PCT_EPS (1 / PCT_ROUND)

static double round_pct(double x)
{
	return round(x * PCT_ROUND) / PCT_ROUND;
}

/* ---- the checklist --------------------------------------------------- */

struct check_parse {
	const struct criteria *c;
	struct checklist *cl;
	int section_line;
	struct check_entry *cur;          /* [<code>] being read, or NULL */
	int cur_ind;                      /* its indicator */
	enum resource cause_res[2];       /* [cause <r>] being read: its resources */
	int ncause;
	char cause_word[32];              /* <r> as written */
	int cause_line[RES_N];            /* 0: no [cause] section */
	char cause_words[RES_N][32];      /* its <r> as written */
};

static void start_entry(struct conf *c, struct check_parse *p, const char *code)
{
	struct checklist *cl = p->cl;
	int i = criteria_find(p->c, code);

	if (i < 0) {
		conf_error(c, "indicator %s is not in criteria edition %s", code, p->c->edition);
		return;
	}
	/* [3.2.2] twice never gets here (confparse refuses it), so there is at
	 * most one entry per indicator and cl->n < CRIT_MAX_INDICATORS here */
	p->cur = &cl->e[cl->n++];
	strcpy(p->cur->code, code);
	p->cur->score = NAN;
	p->cur_ind = i;
}

/* [cause paper] counts for both paper figures, so it is found whichever
 * one the organisation's paper basis makes the indicator use. */
static void start_cause(struct conf *c, struct check_parse *p, const char *word)
{
	enum resource r;
	char list[160];

	if (criteria_resource(word, &r) != 0) {
		criteria_resources(list, sizeof(list));
		conf_error(c, "[cause %s]: expected one of %s", word, list);
		return;
	}
	p->ncause = 0;
	p->cause_res[p->ncause++] = r;
	if (strcmp(word, "paper") == 0)
		p->cause_res[p->ncause++] = RES_PAPER_PRINTED;
	for (int k = 0; k < p->ncause; k++)
		if (p->cause_line[p->cause_res[k]] != 0) {
			conf_error(c, "[cause %s]: a cause for %s is given twice (first at line %d)",
			    word, resource_name(p->cause_res[k]), p->cause_line[p->cause_res[k]]);
			p->ncause = 0;
			return;
		}
	/* a resource name (criteria_resource() knew it), so it fits */
	snprintf(p->cause_word, sizeof(p->cause_word), "%.*s", (int)sizeof(p->cause_word) - 1,
	    word);
	for (int k = 0; k < p->ncause; k++) {
		p->cause_line[p->cause_res[k]] = c->line;
		strcpy(p->cause_words[p->cause_res[k]], p->cause_word);
	}
}

static void start_check_section(struct conf *c, struct check_parse *p, const char *section)
{
	char type[CONF_LINE_MAX + 1], name[CONF_LINE_MAX + 1];
	int line = c->line;

	p->section_line = c->section_line;
	p->cur = NULL;
	p->ncause = 0;
	if (c->section_line == 0)
		return;   /* keys before any [section]: the handler says so */
	c->line = c->section_line;
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name)))
		conf_error(c, "bad section [%s]", section);
	else if (strcmp(type, "cause") == 0 && name[0] != '\0')
		start_cause(c, p, name);
	else if (name[0] == '\0')
		start_entry(c, p, type);
	else
		conf_error(c, "unknown section [%s] (expected [<indicator code>] or "
		    "[cause <resource>])", section);
	c->line = line;
}

static void entry_key(struct conf *c, struct check_parse *p, const char *key,
    const char *value)
{
	const struct crit_indicator *ind = &p->c->ind[p->cur_ind];
	struct check_entry *e = p->cur;

	if (strcmp(key, "score") == 0) {
		if (ind->source == SRC_METER)
			conf_error(c, "score = \"%s\": indicator %s is scored from the meter data",
			    value, ind->code);
		else
			conf_double(c, key, value, 0, ind->points, &e->score);
	} else if (strcmp(key, "evidence") == 0)
		conf_str(c, key, value, e->evidence, sizeof(e->evidence));
	else if (strcmp(key, "note") == 0)
		conf_str(c, key, value, e->note, sizeof(e->note));
	else
		conf_error(c, "unknown key \"%s\" in [%s]", key, e->code);
}

static void cause_key(struct conf *c, struct check_parse *p, const char *key,
    const char *value)
{
	struct cause *first = &p->cl->cause[p->cause_res[0]];

	if (strcmp(key, "text") == 0)
		conf_str(c, key, value, first->text, sizeof(first->text));
	else if (strcmp(key, "plan") == 0)
		conf_str(c, key, value, first->plan, sizeof(first->plan));
	else
		conf_error(c, "unknown key \"%s\" in [cause %s]", key, p->cause_word);
	for (int k = 1; k < p->ncause; k++)   /* [cause paper]: both paper figures */
		p->cl->cause[p->cause_res[k]] = *first;
}

static void check_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct check_parse *p = c->user;

	if (c->section_line != p->section_line)
		start_check_section(c, p, section);
	if (c->section_line == 0)
		conf_error(c, "\"%s\" is outside any [section]", key);
	else if (p->cur != NULL)
		entry_key(c, p, key, value);
	else if (p->ncause > 0)
		cause_key(c, p, key, value);
}

/* A cause must say what went wrong; a plan alone does not analyse it. */
static void checklist_check(struct conf *c, struct check_parse *p)
{
	for (int r = 0; r < RES_N; r++) {
		bool seen = false;

		for (int q = 0; q < r; q++)
			seen |= p->cause_line[q] == p->cause_line[r];   /* [cause paper]: once */
		if (p->cause_line[r] != 0 && !seen && p->cl->cause[r].text[0] == '\0')
			conf_error_at(c, p->cause_line[r], "[cause %s]: text is required",
			    p->cause_words[r]);
	}
}

/* "[1.6.2]" with no keys yet: not filled, as if it were not there. */
static const struct conf_rules check_rules = { .empty_sections = true };

int checklist_load(const char *path, const struct criteria *cr, struct checklist *cl,
    crit_report_fn report, void *user)
{
	struct check_parse *p = calloc(1, sizeof(*p));
	struct conf c = { .path = path, .report = report, .report_user = user };
	struct stat st;

	memset(cl, 0, sizeof(*cl));
	if (p == NULL) {
		conf_error(&c, "out of memory");
		return c.errors;
	}
	if (stat(path, &st) != 0 && errno == ENOENT) {
		free(p);
		return 0;   /* not filled in yet: every checklist score is 0 */
	}
	cl->found = true;
	p->c = cr;
	p->cl = cl;
	p->section_line = -1;
	c.errors = conf_parse_rules(path, &check_rules, check_handler, p, report, user);
	checklist_check(&c, p);
	free(p);
	if (c.errors != 0) {
		memset(cl, 0, sizeof(*cl));
		cl->found = true;
	}
	return c.errors;
}

/* ---- the self-evaluation --------------------------------------------- */

int checklist_meter_items_met(const struct meter_items *m)
{
	bool met = m->target_set && m->target_met;

	return m->every_month + m->per_unit + met + m->cause_given;
}

static const struct check_entry *entry_of(const struct checklist *cl, const char *code)
{
	for (int e = 0; cl != NULL && e < cl->n; e++)
		if (strcmp(cl->e[e].code, code) == 0)
			return &cl->e[e];
	return NULL;
}

static void score_indicator(const struct crit_indicator *ind, const struct checklist *cl,
    const struct meter_items *items, struct ind_score *s)
{
	s->points = ind->points;
	if (ind->source == SRC_METER) {
		s->items_met = items != NULL ? checklist_meter_items_met(items) : 0;
		s->score = ind->points * s->items_met / 4;
		return;
	}
	s->check = entry_of(cl, ind->code);
	s->score = s->check != NULL && !isnan(s->check->score) ? s->check->score : 0;
}

/* Readiness: the indicators short of full points, by what each would add
 * to the total (weight * missing points / the category's points), largest
 * first and in edition order among equals, until they add up to `needed`. */
static void readiness(const struct criteria *c, const double *cat_points, double needed,
    struct self_eval *out)
{
	double gain[CRIT_MAX_INDICATORS] = { 0 }, sum = 0;

	out->nready = 0;
	for (int i = 0; i < c->nind; i++) {
		const struct ind_score *s = &out->ind[i];
		int k = c->ind[i].category, j;

		if (!(s->score < s->points))
			continue;
		gain[i] = c->cat[k].weight * (s->points - s->score) / cat_points[k];
		/* insertion sort, stable: equal gains keep the edition's order */
		for (j = out->nready; j > 0 && gain[out->ready[j - 1]] < gain[i]; j--)
			out->ready[j] = out->ready[j - 1];
		out->ready[j] = i;
		out->nready++;
	}
	for (int n = 0; n < out->nready; n++) {
		sum += gain[out->ready[n]];
		if (sum >= needed - PCT_EPS) {
			out->nready = n + 1;
			break;
		}
	}
}

void checklist_self_evaluate(const struct criteria *c, const struct checklist *cl,
    const struct meter_items *items, const double bands[3], struct self_eval *out)
{
	double points[CRIT_MAX_CATEGORIES] = { 0 }, scores[CRIT_MAX_CATEGORIES] = { 0 };
	double total = 0, next;

	memset(out, 0, sizeof(*out));
	for (int i = 0; cl != NULL && cl->found && i < cl->n; i++)
		out->answered += !isnan(cl->e[i].score);
	for (int i = 0; i < c->nind; i++) {
		int k = c->ind[i].category;

		score_indicator(&c->ind[i], cl, items != NULL ? &items[i] : NULL, &out->ind[i]);
		points[k] += out->ind[i].points;
		scores[k] += out->ind[i].score;
	}
	for (int k = 0; k < c->ncat; k++) {
		/* multiply, then divide once: see ARITHMETIC above */
		out->cat_pct[k] = points[k] > 0 ? c->cat[k].weight * scores[k] / points[k] : 0;
		total += out->cat_pct[k];
	}
	out->total = round_pct(total);
	out->grade = kpi_grade_of(bands, out->total);
	next = kpi_grade_next_bound(bands, out->grade);
	if (isnan(next))
		return;   /* gold: nothing needed, no readiness list */
	out->gain_needed = round_pct(next - out->total);
	readiness(c, points, out->gain_needed, out);
}
