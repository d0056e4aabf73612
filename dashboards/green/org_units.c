/*
 * org_units.c - the [unit <id>] sections of organisation.ini, and what
 * reports ask of a unit: its baseline year, headcount and floor area per
 * fiscal year (docs/organisation.md).
 *
 * A unit's figures are per fiscal year because units move and grow: a
 * per-person figure for FY2569 divides by FY2569's headcount, never by
 * another year's, and a year not given is NAN, so a report shows "no
 * figure" instead of dividing by a guess.
 */
#include <math.h>
#include <string.h>

#include "org.h"
#include "org_parse.h"

void org_units_start(struct conf *c, struct org_parse *p, const char *id, int line)
{
	struct org *o = p->o;
	struct org_unit *u;
	double d;

	if (!id_valid(id)) {
		conf_error_at(c, line, "[unit %s]: unit ids are 1-64 characters [a-z0-9_-], "
		    "starting with a letter or digit", id);
		return;
	}
	if (org_number(id, &d)) {
		conf_error_at(c, line, "[unit %s]: a unit id cannot be a number (in [meters] "
		    "it would read as a share)", id);
		return;
	}
	/* gm-report names its organisation-wide files after these */
	if (strcmp(id, "whole") == 0 || strcmp(id, "summary") == 0 || strcmp(id, "report") == 0) {
		conf_error_at(c, line, "[unit %s]: the id is taken by the organisation's own "
		    "reports (whole, summary, report)", id);
		return;
	}
	if (o->nunits == ORG_MAX_UNITS) {
		conf_error_at(c, line, "more than %d units", ORG_MAX_UNITS);
		return;
	}
	/* [unit a] twice never gets here: confparse refuses it */
	u = &o->units[o->nunits++];
	memset(u, 0, sizeof(*u));
	strcpy(u->id, id);
	u->per = NORM_PERSON;
	for (int r = 0; r < RES_N; r++)
		u->target_pct[r] = NAN;
	p->unit = u;
}

static int year_index(const struct org_unit *u, int fy)
{
	for (int i = 0; i < u->nyears; i++) {
		if (u->years[i].fy == fy)
			return i;
	}
	return -1;
}

/* fy's entry, made (with both figures NAN) when there is none yet. */
static struct unit_year *year_slot(struct org_unit *u, int fy)
{
	int i = year_index(u, fy);
	struct unit_year *y;

	if (i >= 0)
		return &u->years[i];
	if (u->nyears == ORG_MAX_YEARS)
		return NULL;
	y = &u->years[u->nyears++];
	y->fy = fy;
	y->headcount = y->area_m2 = NAN;
	return y;
}

/* "headcount <fy> = n", "area <fy> = m2" */
static void year_key(struct conf *c, struct org_unit *u, const char *key, char **w,
    const char *value)
{
	struct unit_year *y;
	double v, *slot;
	int fy;

	if (!org_fy(c, key, w[1], &fy) || !conf_double(c, key, value, 0, 1e7, &v))
		return;
	if (v == 0) {
		conf_error(c, "%s = \"%s\": must be more than 0 (figures are divided by it)",
		    key, value);
		return;
	}
	if ((y = year_slot(u, fy)) == NULL) {
		conf_error(c, "more than %d fiscal years in [unit %s]", ORG_MAX_YEARS, u->id);
		return;
	}
	slot = strcmp(w[0], "headcount") == 0 ? &y->headcount : &y->area_m2;
	if (!isnan(*slot)) {
		conf_error(c, "%s is given twice in [unit %s]", key, u->id);
		return;
	}
	*slot = v;
}

/* "target <resource> = %" */
static void target_key(struct conf *c, struct org_unit *u, const char *key, char **w,
    const char *value)
{
	enum resource r;
	double v;

	if (resource_parse(w[1], &r) != 0) {
		conf_error(c, "%s: unknown resource \"%s\" (expected " ORG_RESOURCES ")", key,
		    w[1]);
		return;
	}
	/* a key given twice never gets here: confparse refuses it */
	if (conf_double(c, key, value, -100, 100, &v))
		u->target_pct[r] = v;
}

void org_units_key(struct conf *c, struct org_unit *u, const char *key, const char *value)
{
	char buf[CONF_LINE_MAX + 1], *w[2];
	int n = org_words(buf, sizeof(buf), key, w, 2);

	if (strcmp(key, "th") == 0) {
		conf_str(c, key, value, u->name_th, sizeof(u->name_th));
	} else if (strcmp(key, "en") == 0) {
		conf_str(c, key, value, u->name_en, sizeof(u->name_en));
	} else if (strcmp(key, "cohort") == 0) {
		conf_str(c, key, value, u->cohort, sizeof(u->cohort));
	} else if (strcmp(key, "per") == 0) {
		if (strcmp(value, "person") == 0)
			u->per = NORM_PERSON;
		else if (strcmp(value, "m2") == 0)
			u->per = NORM_M2;
		else
			conf_error(c, "per = \"%s\": expected person or m2", value);
	} else if (strcmp(key, "baseline") == 0) {
		org_fy(c, key, value, &u->baseline_fy);
	} else if (n == 2 && (strcmp(w[0], "headcount") == 0 || strcmp(w[0], "area") == 0)) {
		year_key(c, u, key, w, value);
	} else if (n == 2 && strcmp(w[0], "target") == 0) {
		target_key(c, u, key, w, value);
	} else {
		conf_error(c, "unknown key \"%s\" in [unit %s]", key, u->id);
	}
}

/* ---- questions ---------------------------------------------------------- */

int org_unit_find(const struct org *o, const char *id)
{
	for (int i = 0; i < o->nunits; i++) {
		if (strcmp(o->units[i].id, id) == 0)
			return i;
	}
	return -1;
}

int org_baseline(const struct org *o, int unit)
{
	if (unit >= 0 && unit < o->nunits && o->units[unit].baseline_fy != 0)
		return o->units[unit].baseline_fy;
	return o->baseline_fy;
}

double org_headcount(const struct org_unit *u, int fy)
{
	int i = year_index(u, fy);

	return i >= 0 ? u->years[i].headcount : NAN;
}

double org_area(const struct org_unit *u, int fy)
{
	int i = year_index(u, fy);

	return i >= 0 ? u->years[i].area_m2 : NAN;
}

double org_per(const struct org_unit *u, int fy)
{
	return u->per == NORM_M2 ? org_area(u, fy) : org_headcount(u, fy);
}

