/*
 * org.c - read organisation.ini (docs/organisation.md) into struct org: the
 * parse itself, [organisation], [kpi] and [factors]; resources and the
 * emission factor in force at a time. [unit] sections are org_units.c's,
 * [meters] lines org_meters.c's.
 *
 * One pass through confparse: each key is checked where it stands and every
 * mistake is reported with its line, so a person fixing the file sees all of
 * them at once. What needs the whole file (a unit named in [meters] but
 * defined further down, the required baseline, duplicates after sorting) is
 * checked after the pass, still naming a line. The struct is filled in place
 * and emptied again when anything was wrong: a half-read organisation is
 * never used.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "fiscal.h"
#include "org.h"
#include "org_parse.h"
#include "timeutil.h"

static const struct { const char *name, *unit; } resources[RES_N] = {
	[RES_ELECTRICITY] = { "electricity", "kWh" },
	[RES_WATER] = { "water", "m3" },
	[RES_PAPER_PRINTED] = { "paper_printed", "sheets" },
	[RES_PAPER_REAMS] = { "paper_reams", "reams" },
	[RES_FUEL] = { "fuel", "L" },
	[RES_WASTE] = { "waste", "kg" },
};

/* ---- small parsers shared with org_meters.c (org_parse.h) -------------- */

int org_words(char *buf, size_t len, const char *s, char **w, int max)
{
	char *save, *tok;
	int n = 0;

	snprintf(buf, len, "%s", s);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = tok;
	}
	return n;
}

bool org_number(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool org_day(const char *s, time_t *out)
{
	char err[128];

	/* time_parse_local also takes times and "@unix": a date here means
	 * the day, so only the date form is let through. */
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (s[i] == '\0' || (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')))
			return false;
	}
	return s[10] == '\0' && time_parse_local(s, out, err, sizeof(err)) == GM_OK;
}

bool org_fy(struct conf *c, const char *what, const char *s, int *out)
{
	char err[CONF_LINE_MAX + 64];   /* the whole value, quoted */

	if (fiscal_year_parse(s, out, err, sizeof(err)) != GM_OK) {
		conf_error(c, "%s: %s", what, err);
		return false;
	}
	return true;
}

/* "a b c" (or "a, b, c": conf_list) into out[n], each in [min, max]. */
static bool number_list(struct conf *c, const char *key, const char *value, int n,
    double min, double max, double *out)
{
	char buf[CONF_LINE_MAX + 1], *w[KPI_LEVELS + GRADE_BANDS + 1];
	int got = conf_list(c, key, value, buf, sizeof(buf), w, n + 1);
	bool ok = got == n;

	if (got < 0)
		return false;   /* an empty item or one twice: reported */
	for (int i = 0; ok && i < n; i++)
		ok = org_number(w[i], &out[i]) && out[i] >= min && out[i] <= max;
	if (!ok)
		conf_error(c, "%s = \"%s\": expected %d numbers from %g to %g", key, value, n,
		    min, max);
	return ok;
}

/* A file named in the organisation file, relative to that file's directory. */
static void path_key(struct conf *c, const char *key, const char *value, char *dst,
    size_t len)
{
	const char *slash = strrchr(c->path, '/');
	int dirlen = value[0] == '/' || slash == NULL ? 0 : (int)(slash - c->path + 1);

	if ((size_t)snprintf(dst, len, "%.*s%s", dirlen, c->path, value) >= len) {
		conf_error(c, "%s = \"%s\": the path is too long", key, value);
		dst[0] = '\0';
	}
}

/* ---- [organisation] and [kpi] ----------------------------------------- */

static void organisation_key(struct conf *c, struct org_parse *p, const char *key,
    const char *value)
{
	struct org *o = p->o;

	if (strcmp(key, "th") == 0) {
		conf_str(c, key, value, o->name_th, sizeof(o->name_th));
	} else if (strcmp(key, "en") == 0) {
		conf_str(c, key, value, o->name_en, sizeof(o->name_en));
	} else if (strcmp(key, "baseline") == 0) {
		p->have_baseline = true;   /* a bad one is reported here, not as missing */
		org_fy(c, key, value, &o->baseline_fy);
	} else if (strcmp(key, "paper_basis") == 0) {
		if (strcmp(value, "reams") == 0)
			o->paper_basis = PAPER_BASIS_REAMS;
		else if (strcmp(value, "printed") == 0)
			o->paper_basis = PAPER_BASIS_PRINTED;
		else
			conf_error(c, "paper_basis = \"%s\": expected reams or printed", value);
	} else if (strcmp(key, "digits") == 0) {
		if (strcmp(value, "thai") == 0 || strcmp(value, "arabic") == 0)
			o->thai_digits = value[0] == 't';
		else
			conf_error(c, "digits = \"%s\": expected arabic or thai", value);
	} else if (strcmp(key, "criteria") == 0) {
		path_key(c, key, value, o->criteria, sizeof(o->criteria));
	} else if (strcmp(key, "checklists") == 0) {
		path_key(c, key, value, o->checklists, sizeof(o->checklists));
	} else if (strcmp(key, "plans") == 0) {
		path_key(c, key, value, o->plans, sizeof(o->plans));
	} else {
		conf_error(c, "unknown key \"%s\" in [organisation]", key);
	}
}

static void kpi_key(struct conf *c, struct org *o, const char *key, const char *value)
{
	double v[KPI_LEVELS];

	if (strcmp(key, "paper_levels") == 0) {
		if (!number_list(c, key, value, KPI_LEVELS, -100, 100, v))
			return;
		/* kpi_level() interpolates between neighbours: equal ones divide by 0 */
		for (int i = 1; i < KPI_LEVELS; i++) {
			if (v[i] <= v[i - 1]) {
				conf_error(c, "%s = \"%s\": each level's threshold must be above "
				    "the one before", key, value);
				return;
			}
		}
		memcpy(o->kpi_levels, v, sizeof(o->kpi_levels));
	} else if (strcmp(key, "below") == 0) {
		conf_double(c, key, value, 0, 1, &o->kpi_below);
	} else if (strcmp(key, "grades") == 0) {
		if (!number_list(c, key, value, GRADE_BANDS, 0, 100, v))
			return;
		if (v[1] >= v[0] || v[2] >= v[1]) {
			conf_error(c, "%s = \"%s\": the gold, silver and bronze bounds must "
			    "descend", key, value);
			return;
		}
		memcpy(o->grades, v, sizeof(o->grades));
	} else {
		conf_error(c, "unknown key \"%s\" in [kpi]", key);
	}
}

/* ---- [factors] --------------------------------------------------------- */

/* s[0..n) without the spaces around it, into dst. */
static void trim_copy(char *dst, size_t len, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(dst, len, "%.*s", (int)n, s);
}

/* One text, trimmed, into dst (len). */
static bool one_text(struct conf *c, const char *key, const char *s, size_t n, char *dst,
    size_t len)
{
	char buf[CONF_LINE_MAX + 1];

	trim_copy(buf, sizeof(buf), s, n);
	if (strlen(buf) >= len) {
		conf_error(c, "%s: longer than %zu bytes", key, len - 1);
		return false;
	}
	strcpy(dst, buf);
	return true;
}

bool org_bilingual(struct conf *c, const char *key, const char *value, char *th, char *en,
    size_t len)
{
	const char *bar = strchr(value, '|');

	if (bar == NULL) {
		if (!one_text(c, key, value, strlen(value), en, len))
			return false;
		strcpy(th, en);
		return true;
	}
	if (strchr(bar + 1, '|') != NULL) {
		conf_error(c, "%s: expected one text, or two (Thai | English)", key);
		return false;
	}
	return one_text(c, key, value, (size_t)(bar - value), th, len) &&
	    one_text(c, key, bar + 1, strlen(bar + 1), en, len);
}

/* "<kgCO2e per unit> [| source]" or "... | Thai source | English source". */
static bool factor_value(struct conf *c, const char *key, const char *value,
    struct emission_factor *f)
{
	const char *bar = strchr(value, '|');
	char num[CONF_LINE_MAX + 1];

	trim_copy(num, sizeof(num), value, bar ? (size_t)(bar - value) : strlen(value));
	if (!conf_double(c, key, num, 0, 1e6, &f->kg_per_unit))
		return false;
	return bar == NULL || org_bilingual(c, key, bar + 1, f->source_th, f->source,
	    sizeof(f->source));
}

static void factor_key(struct conf *c, struct org_parse *p, const char *key,
    const char *value)
{
	struct org *o = p->o;
	struct emission_factor f = { 0 };
	char buf[CONF_LINE_MAX + 1], *w[2];

	if (org_words(buf, sizeof(buf), key, w, 2) != 2) {
		conf_error(c, "\"%s\": expected \"<resource> <YYYY-MM-DD> = <kgCO2e per unit> "
		    "[| source] or [| Thai source | English source]\"", key);
		return;
	}
	if (resource_parse(w[0], &f.res) != 0) {
		conf_error(c, "%s: unknown resource \"%s\" (expected " ORG_RESOURCES ")", key,
		    w[0]);
		return;
	}
	if (!org_day(w[1], &f.from)) {
		conf_error(c, "%s: \"%s\" is not a date (YYYY-MM-DD)", key, w[1]);
		return;
	}
	if (!factor_value(c, key, value, &f))
		return;
	/* a date is written one way only (YYYY-MM-DD), so a resource and date
	 * given twice is a key given twice, which confparse refuses */
	if (o->nfactors == ORG_MAX_FACTORS) {
		conf_error(c, "more than %d emission factors", ORG_MAX_FACTORS);
		return;
	}
	o->factors[o->nfactors++] = f;
}

/* [signoff] prepared|checked|approved = name / position; "/ position"
 * alone (inih has taken the space before the slash) gives no name. */
static void signoff_key(struct conf *c, struct org *o, const char *key, const char *value)
{
	static const char *const roles[SIGN_N] = { "prepared", "checked", "approved" };
	const char *slash = strstr(value, " / ");
	size_t namelen = slash != NULL ? (size_t)(slash - value) : strlen(value);
	const char *position = slash != NULL ? slash + 3 : NULL;

	if (strncmp(value, "/ ", 2) == 0) {
		namelen = 0;
		position = value + 2;
	}
	for (int i = 0; i < SIGN_N; i++) {
		struct signer *s = &o->sign[i];

		if (strcmp(key, roles[i]) != 0)
			continue;
		if (namelen >= sizeof(s->name)) {
			conf_error(c, "%s: the name is longer than %zu bytes", key, sizeof(s->name) - 1);
			return;
		}
		memcpy(s->name, value, namelen);
		s->name[namelen] = '\0';
		if (position != NULL)
			conf_str(c, key, position, s->position, sizeof(s->position));
		return;
	}
	conf_error(c, "unknown key \"%s\" in [signoff] (prepared, checked or approved)", key);
}

/* ---- sections ------------------------------------------------------------ */

/* At a section's first key (inih says nothing of a section without keys);
 * a bad header is reported once, at its own line. */
static void section_start(struct conf *c, struct org_parse *p, const char *section)
{
	static const struct { const char *name; enum org_section sec; } plain[] = {
		{ "organisation", SEC_ORG }, { "kpi", SEC_KPI },
		{ "factors", SEC_FACTORS }, { "meters", SEC_METERS }, { "signoff", SEC_SIGNOFF },
	};
	char type[16], name[CONF_LINE_MAX + 1];
	int line = c->section_line;

	p->unit = NULL;
	p->meter = NULL;
	p->sec = line == 0 ? SEC_NONE : SEC_SKIP;
	if (line == 0)
		return;
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name)))
		goto unknown;
	if (strcmp(type, "unit") == 0) {
		if (name[0] == '\0')
			conf_error_at(c, line, "[unit] needs an id: [unit <id>]");
		else
			org_units_start(c, p, name, line);
		p->sec = p->unit ? SEC_UNIT : SEC_SKIP;
		return;
	}
	if (strcmp(type, "meter") == 0) {
		org_registry_start(c, p, name, line);
		p->sec = p->meter ? SEC_METER : SEC_SKIP;
		return;
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(type, plain[i].name) == 0 && name[0] == '\0') {
			p->sec = plain[i].sec;
			if (p->sec == SEC_ORG && p->org_line == 0)
				p->org_line = line;
			return;
		}
	}
unknown:
	conf_error_at(c, line, "unknown section [%s] (expected [organisation], [kpi], "
	    "[factors], [unit <id>], [meter <site>/<meter>], [meters] or [signoff])", section);
}

static void org_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct org_parse *p = c->user;

	if (c->section_line != p->section_line) {
		p->section_line = c->section_line;
		section_start(c, p, section);
	}
	switch (p->sec) {
	case SEC_NONE:
		conf_error(c, "\"%s\" comes before any [section]", key);
		break;
	case SEC_ORG:
		organisation_key(c, p, key, value);
		break;
	case SEC_KPI:
		kpi_key(c, p->o, key, value);
		break;
	case SEC_FACTORS:
		factor_key(c, p, key, value);
		break;
	case SEC_UNIT:
		org_units_key(c, p->unit, key, value);
		break;
	case SEC_METER:
		org_registry_key(c, p->meter, key, value);
		break;
	case SEC_METERS:
		org_meters_key(c, &p->meters, key, value);
		break;
	case SEC_SIGNOFF:
		signoff_key(c, p->o, key, value);
		break;
	case SEC_SKIP:
		break;
	}
}

static int factor_cmp(const void *a, const void *b)
{
	const struct emission_factor *x = a, *y = b;

	if (x->res != y->res)
		return x->res < y->res ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

static void org_defaults(struct org *o)
{
	static const double levels[KPI_LEVELS] = { 0, 2.5, 5, 7.5, 10 };
	static const double grades[GRADE_BANDS] = { 90, 80, 60 };

	memset(o, 0, sizeof(*o));
	o->paper_basis = PAPER_BASIS_REAMS;
	memcpy(o->kpi_levels, levels, sizeof(levels));
	memcpy(o->grades, grades, sizeof(grades));
}

/* A channel has a [meters] line for each date its mapping changes. */
static const char *const repeating[] = { "meters", NULL };
static const struct conf_rules org_rules = { .repeat_keys = repeating };

int org_load(const char *path, struct org *o, org_report_fn report, void *user)
{
	struct org_parse p = { .o = o, .section_line = -1 };
	struct conf c = { .path = path, .report = report, .report_user = user };

	org_defaults(o);
	c.errors = conf_parse_rules(path, &org_rules, org_handler, &p, report, user);
	/* No key read and an error: the file could not be read; saying what it
	 * lacks as well would only bury that. */
	if (!(c.errors > 0 && p.section_line == -1)) {
		if (!p.have_baseline && p.org_line > 0)
			conf_error_at(&c, p.org_line, "[organisation] needs a baseline "
			    "(the fiscal year figures are compared with)");
		else if (!p.have_baseline)
			conf_error_at(&c, 0, "no [organisation] section with a baseline");
		org_meters_finish(&p.meters, o, &c);
		org_registry_finish(o, &c);
	}
	org_meters_free(&p.meters);
	qsort(o->factors, (size_t)o->nfactors, sizeof(o->factors[0]), factor_cmp);
	if (c.errors > 0)
		org_free(o);
	return c.errors;
}

void org_free(struct org *o)
{
	if (o == NULL)
		return;
	free(o->map);
	free(o->meters);
	memset(o, 0, sizeof(*o));
}

/* ---- questions ---------------------------------------------------------- */

const char *resource_name(enum resource r)
{
	return (unsigned)r < RES_N ? resources[r].name : "?";
}

const char *resource_unit(enum resource r)
{
	return (unsigned)r < RES_N ? resources[r].unit : "?";
}

int resource_parse(const char *s, enum resource *out)
{
	for (int r = 0; r < RES_N; r++) {
		if (strcmp(s, resources[r].name) == 0) {
			*out = (enum resource)r;
			return 0;
		}
	}
	return -1;
}

const struct emission_factor *org_factor_at(const struct org *o, enum resource r, time_t t)
{
	const struct emission_factor *found = NULL;

	/* sorted by resource, then from: the last one begun by t is in force */
	for (int i = 0; i < o->nfactors; i++) {
		if (o->factors[i].res == r && o->factors[i].from <= t)
			found = &o->factors[i];
	}
	return found;
}
