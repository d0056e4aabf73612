/*
 * fuzz_conf_criteria.c - libFuzzer target over a Green Office criteria
 * edition (dashboards/green/criteria.c), which every self-evaluation is scored
 * against. Besides the rules of fuzz_conf.h:
 *   - a refused file leaves an empty edition;
 *   - an accepted one has an edition name; 1..12 categories numbered 1..99,
 *     no number twice, weights in 0..100 that sum to 100; indicators with
 *     codes of dot-separated numbers, none twice, each in a category that
 *     exists and matches its code's first number, points in (0, 1000]; and
 *     every category has an indicator;
 *   - scored with nothing filled in, it grades: a total of 0, within
 *     0..100, and each category within 0..its weight.
 */
#include <math.h>

#include "criteria.h"
#include "fuzz_conf.h"

static void check_indicators(const struct criteria *c)
{
	int per_cat[CRIT_MAX_CATEGORIES] = { 0 };

	if (c->nind < 1 || c->nind > CRIT_MAX_INDICATORS)
		fuzz_broken("%d indicators", c->nind);
	for (int i = 0; i < c->nind; i++) {
		const struct crit_indicator *ind = &c->ind[i];
		size_t n = strlen(ind->code);
		if (n == 0 || strspn(ind->code, "0123456789.") != n || ind->code[0] == '.' ||
		    ind->code[n - 1] == '.' || strstr(ind->code, "..") != NULL ||
		    strchr(ind->code, '.') == NULL)
			fuzz_broken("indicator code \"%s\"", ind->code);
		if (criteria_find(c, ind->code) != i)
			fuzz_broken("indicator %s twice", ind->code);
		if (ind->category < 0 || ind->category >= c->ncat ||
		    c->cat[ind->category].number != atoi(ind->code))
			fuzz_broken("indicator %s in category #%d", ind->code, ind->category);
		if (!(ind->points > 0 && ind->points <= 1000))
			fuzz_broken("indicator %s: %g points", ind->code, ind->points);
		if (ind->source == SRC_METER && (unsigned)ind->res >= RES_N)
			fuzz_broken("indicator %s: resource %d", ind->code, ind->res);
		per_cat[ind->category]++;
	}
	for (int k = 0; k < c->ncat; k++) {
		if (per_cat[k] == 0)
			fuzz_broken("category %d has no indicator", c->cat[k].number);
	}
}

static void check_edition(const struct criteria *c)
{
	static const double bands[3] = { 90, 80, 60 };
	static struct self_eval ev;
	double sum = 0;

	if (c->edition[0] == '\0' || c->ncat < 1 || c->ncat > CRIT_MAX_CATEGORIES)
		fuzz_broken("edition \"%s\" with %d categories", c->edition, c->ncat);
	for (int k = 0; k < c->ncat; k++) {
		if (c->cat[k].number < 1 || c->cat[k].number > 99 ||
		    !(c->cat[k].weight >= 0 && c->cat[k].weight <= 100))
			fuzz_broken("category %d weighs %g", c->cat[k].number, c->cat[k].weight);
		for (int j = 0; j < k; j++) {
			if (c->cat[j].number == c->cat[k].number)
				fuzz_broken("category %d twice", c->cat[k].number);
		}
		sum += c->cat[k].weight;
	}
	if (fabs(sum - 100) > 0.001)
		fuzz_broken("weights sum to %.17g", sum);
	check_indicators(c);
	checklist_self_evaluate(c, NULL, NULL, bands, &ev);
	if (ev.total != 0)
		fuzz_broken("nothing filled in scores %g", ev.total);
	for (int k = 0; k < c->ncat; k++) {
		if (!(ev.cat_pct[k] >= 0 && ev.cat_pct[k] <= c->cat[k].weight))
			fuzz_broken("category %d scores %g of %g", c->cat[k].number, ev.cat_pct[k],
			    c->cat[k].weight);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	static struct criteria c;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_criteria";
	if (path == NULL)
		path = fuzz_path("criteria.ini");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = criteria_load(path, &c, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_edition(&c);
	else if (c.ncat != 0 || c.nind != 0)
		fuzz_broken("a refused edition left %d categories, %d indicators", c.ncat, c.nind);
	return 0;
}
