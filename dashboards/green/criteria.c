/*
 * criteria.c - read a Green Office criteria edition: its categories with
 * their weights and its indicators with their points and source. The format,
 * with a worked example, is in docs/organisation.md ("The criteria edition
 * and checklists"); checklist.c reads a unit's checklist and scores it.
 *
 * Like every reader built on confparse.h, it reports each mistake as
 * "path:line: ...", goes on to show them all, and accepts the file whole or
 * not at all. What only the whole file can tell (weights summing to 100,
 * each category with an indicator, each indicator's category present) is
 * checked at the end, at the line of the section concerned.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "criteria.h"

int criteria_resource(const char *s, enum resource *out)
{
	if (strcmp(s, "paper") == 0) {
		*out = RES_PAPER_REAMS;   /* the caller substitutes the basis */
		return 0;
	}
	return resource_parse(s, out);
}

void criteria_resources(char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "paper");

	for (int r = 0; r < RES_N && n < len; r++)
		n += (size_t)snprintf(buf + n, len - n, ", %s", resource_name((enum resource)r));
}

int criteria_find(const struct criteria *c, const char *code)
{
	for (int i = 0; i < c->nind; i++)
		if (strcmp(c->ind[i].code, code) == 0)
			return i;
	return -1;
}

struct crit_parse {
	struct criteria *c;
	int section_line;                 /* header line of the section being read */
	int cur_cat, cur_ind;             /* its category or indicator; -1: neither */
	bool in_criteria;                 /* [criteria] */
	bool skip;                        /* its header was a mistake: keys ignored */
	int criteria_line;
	int cat_line[CRIT_MAX_CATEGORIES];
	bool have_weight[CRIT_MAX_CATEGORIES];
	int ind_line[CRIT_MAX_INDICATORS];
	int ind_catno[CRIT_MAX_INDICATORS];   /* the category number in its code */
};

/* "3.2.2": two or more groups of 1-3 digits; *cat = the first group. */
static bool code_parse(const char *s, int *cat)
{
	int groups = 0, digits = 0;

	if (strlen(s) >= CRIT_CODE_MAX)
		return false;
	for (const char *p = s;; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 3)
				return false;
		} else if (*p == '.' || *p == '\0') {
			if (digits == 0)
				return false;
			groups++;
			digits = 0;
			if (*p == '\0')
				break;
		} else {
			return false;
		}
	}
	*cat = atoi(s);
	return groups >= 2 && *cat > 0;
}

static void start_category(struct conf *c, struct crit_parse *p, const char *name)
{
	struct criteria *cr = p->c;
	char *end;
	long n = strtol(name, &end, 10);

	if (name[0] < '0' || name[0] > '9' || *end != '\0' || n < 1 || n > 99) {
		conf_error(c, "[category %s]: a category is a number from 1 to 99", name);
		return;
	}
	for (int k = 0; k < cr->ncat; k++)
		if (cr->cat[k].number == n) {
			conf_error(c, "[category %ld] is defined twice (first at line %d)", n,
			    p->cat_line[k]);
			return;
		}
	if (cr->ncat == CRIT_MAX_CATEGORIES) {
		conf_error(c, "more than %d categories", CRIT_MAX_CATEGORIES);
		return;
	}
	p->cat_line[cr->ncat] = c->line;
	cr->cat[cr->ncat].number = (int)n;
	p->cur_cat = cr->ncat++;
	p->skip = false;
}

static void start_indicator(struct conf *c, struct crit_parse *p, const char *code)
{
	struct criteria *cr = p->c;
	struct crit_indicator *ind;
	int catno;

	if (!code_parse(code, &catno)) {
		conf_error(c, "[indicator %s]: a code is numbers joined by dots, as 3.2.2 "
		    "(at most %d characters)", code, CRIT_CODE_MAX - 1);
		return;
	}
	/* [indicator 3.2.2] twice never gets here: confparse refuses it */
	if (cr->nind == CRIT_MAX_INDICATORS) {
		conf_error(c, "more than %d indicators", CRIT_MAX_INDICATORS);
		return;
	}
	ind = &cr->ind[cr->nind];
	strcpy(ind->code, code);
	ind->points = 1;
	ind->source = SRC_CHECKLIST;
	p->ind_line[cr->nind] = c->line;
	p->ind_catno[cr->nind] = catno;
	p->cur_ind = cr->nind++;
	p->skip = false;
}

/* At the first key of a section; its mistakes go to the header's line. */
static void start_section(struct conf *c, struct crit_parse *p, const char *section)
{
	char type[16], name[CONF_LINE_MAX + 1];
	int line = c->line;

	p->section_line = c->section_line;
	p->cur_cat = p->cur_ind = -1;
	p->in_criteria = false;
	p->skip = true;
	if (c->section_line == 0)
		return;   /* keys before any [section]: the handler says so */
	c->line = c->section_line;
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name)))
		conf_error(c, "bad section [%s]", section);
	else if (strcmp(type, "criteria") == 0 && name[0] == '\0') {
		p->in_criteria = true;
		p->skip = false;
		p->criteria_line = c->line;
	} else if (strcmp(type, "category") == 0)
		start_category(c, p, name);
	else if (strcmp(type, "indicator") == 0)
		start_indicator(c, p, name);
	else
		conf_error(c, "unknown section [%s] (expected [criteria], [category <n>] or "
		    "[indicator <code>])", section);
	c->line = line;
}

static void source_key(struct conf *c, struct crit_indicator *ind, const char *value)
{
	char list[160];

	if (strcmp(value, "checklist") == 0) {
		ind->source = SRC_CHECKLIST;
		return;
	}
	if (strncmp(value, "meter ", 6) == 0 && criteria_resource(value + 6, &ind->res) == 0) {
		ind->source = SRC_METER;
		return;
	}
	criteria_resources(list, sizeof(list));
	conf_error(c, "source = \"%s\": expected checklist, or meter and one of %s", value,
	    list);
}

static void indicator_key(struct conf *c, struct crit_indicator *ind, const char *key,
    const char *value)
{
	if (strcmp(key, "th") == 0)
		conf_str(c, key, value, ind->th, sizeof(ind->th));
	else if (strcmp(key, "en") == 0)
		conf_str(c, key, value, ind->en, sizeof(ind->en));
	else if (strcmp(key, "points") == 0) {
		if (conf_double(c, key, value, 0, 1000, &ind->points) && ind->points == 0)
			conf_error(c, "points = \"%s\": must be above 0", value);
	} else if (strcmp(key, "source") == 0)
		source_key(c, ind, value);
	else if (strcmp(key, "measure") == 0 && strcmp(value, "per_unit") == 0)
		ind->total = false;
	else if (strcmp(key, "measure") == 0 && strcmp(value, "total") == 0)
		ind->total = true;
	else if (strcmp(key, "measure") == 0)
		conf_error(c, "measure = \"%s\": expected per_unit or total", value);
	else
		conf_error(c, "unknown key \"%s\" in [indicator %s]", key, ind->code);
}

static void category_key(struct conf *c, struct crit_parse *p, const char *key,
    const char *value)
{
	struct crit_category *cat = &p->c->cat[p->cur_cat];

	if (strcmp(key, "th") == 0)
		conf_str(c, key, value, cat->th, sizeof(cat->th));
	else if (strcmp(key, "en") == 0)
		conf_str(c, key, value, cat->en, sizeof(cat->en));
	else if (strcmp(key, "weight") == 0)
		p->have_weight[p->cur_cat] = conf_double(c, key, value, 0, 100, &cat->weight);
	else
		conf_error(c, "unknown key \"%s\" in [category %d]", key, cat->number);
}

static void criteria_key(struct conf *c, struct criteria *cr, const char *key,
    const char *value)
{
	if (strcmp(key, "edition") == 0)
		conf_str(c, key, value, cr->edition, sizeof(cr->edition));
	else if (strcmp(key, "th") == 0)
		conf_str(c, key, value, cr->th, sizeof(cr->th));
	else if (strcmp(key, "en") == 0)
		conf_str(c, key, value, cr->en, sizeof(cr->en));
	else if (strcmp(key, "status") == 0 && strcmp(value, "official") == 0)
		cr->official = true;
	else if (strcmp(key, "status") == 0 && strcmp(value, "reconstruction") == 0)
		cr->official = false;
	else if (strcmp(key, "status") == 0)
		conf_error(c, "status must be \"official\" or \"reconstruction\", not \"%s\"",
		    value);
	else if (strcmp(key, "source") == 0)
		conf_str(c, key, value, cr->source, sizeof(cr->source));
	else
		conf_error(c, "unknown key \"%s\" in [criteria]", key);
}

static void criteria_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct crit_parse *p = c->user;

	/* inih does not say when a section starts; its header's line does */
	if (c->section_line != p->section_line)
		start_section(c, p, section);
	if (c->section_line == 0)
		conf_error(c, "\"%s\" is outside any [section]", key);
	else if (p->skip)
		return;
	else if (p->in_criteria)
		criteria_key(c, p->c, key, value);
	else if (p->cur_cat >= 0)
		category_key(c, p, key, value);
	else
		indicator_key(c, &p->c->ind[p->cur_ind], key, value);
}

/* What can only be checked once the whole file is read. */
static void criteria_check(struct conf *c, struct crit_parse *p)
{
	struct criteria *cr = p->c;
	double sum = 0;
	bool weights = true;
	int n[CRIT_MAX_CATEGORIES] = { 0 };

	if (cr->edition[0] == '\0')
		conf_error_at(c, p->criteria_line, "[criteria] edition is required");
	if (cr->official && cr->source[0] == '\0')
		conf_error_at(c, p->criteria_line, "[criteria] status = official needs its "
		    "source (the official document)");
	if (cr->ncat == 0)
		conf_error_at(c, 0, "no [category <n>] sections");
	for (int k = 0; k < cr->ncat; k++) {
		if (!p->have_weight[k]) {
			conf_error_at(c, p->cat_line[k], "[category %d]: weight is required",
			    cr->cat[k].number);
			weights = false;
		}
		sum += cr->cat[k].weight;
	}
	if (cr->ncat > 0 && weights && fabs(sum - 100) > 0.001)
		conf_error_at(c, p->cat_line[0], "the category weights sum to %g, not 100", sum);
	for (int i = 0; i < cr->nind; i++) {
		int k;

		for (k = 0; k < cr->ncat && cr->cat[k].number != p->ind_catno[i]; k++)
			;
		if (k == cr->ncat) {
			conf_error_at(c, p->ind_line[i], "indicator %s: there is no [category %d]",
			    cr->ind[i].code, p->ind_catno[i]);
			continue;
		}
		cr->ind[i].category = k;
		n[k]++;
	}
	for (int k = 0; k < cr->ncat; k++)
		if (n[k] == 0)
			conf_error_at(c, p->cat_line[k], "[category %d] has no indicators",
			    cr->cat[k].number);
}

int criteria_load(const char *path, struct criteria *cr, crit_report_fn report, void *user)
{
	struct crit_parse *p = calloc(1, sizeof(*p));
	struct conf c = { .path = path, .report = report, .report_user = user };

	memset(cr, 0, sizeof(*cr));
	if (p == NULL) {
		conf_error(&c, "out of memory");
		return c.errors;
	}
	p->c = cr;
	p->section_line = -1;
	c.errors = conf_parse(path, criteria_handler, p, report, user);
	/* An unreadable file (mistakes, no key read) is one mistake, not six;
	 * an empty one is checked and found wanting. */
	if (c.errors == 0 || p->section_line != -1) {
		criteria_check(&c, p);
	}
	free(p);
	if (c.errors != 0)
		memset(cr, 0, sizeof(*cr));
	return c.errors;
}

const struct crit_indicator *criteria_meter_indicator(const struct criteria *c,
    enum resource res)
{
	bool paper = res == RES_PAPER_REAMS || res == RES_PAPER_PRINTED;

	for (int i = 0; c != NULL && i < c->nind; i++) {
		const struct crit_indicator *ind = &c->ind[i];

		if (ind->source == SRC_METER && (ind->res == res ||
		    (paper && (ind->res == RES_PAPER_REAMS || ind->res == RES_PAPER_PRINTED))))
			return ind;
	}
	return NULL;
}
