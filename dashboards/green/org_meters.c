/*
 * org_meters.c - which meter channels serve which units, and from when: the
 * [meters] section of organisation.ini (docs/organisation.md).
 *
 *   <site>/<meter>/<channel> = <resource> from <YYYY-MM-DD> <unit> [share] ...
 *
 * A share is a weight: the weights of one line are divided by their sum, so
 * "60 40", "3 2" and "0.6 0.4" all give 0.6 and 0.4, and a unit written
 * without one weighs 1. A line holds from its date's local midnight until
 * the next line of the same channel with a later date: a unit moving on
 * 1 April is a second line dated 1 April, and the months before it keep the
 * old split.
 *
 * org.map is sorted by channel (site, meter, channel), then date, so the
 * mapping in force at t is found by binary search: the last entry of the
 * channel whose date is <= t.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "org.h"
#include "org_parse.h"
#include "timeutil.h"

#define MAP_SHARE_MAX 1e6

static int map_cmp(const void *a, const void *b)
{
	const struct meter_map *x = a, *y = b;
	int r = chan_id_cmp(&x->id, &y->id);

	if (r != 0)
		return r;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->line - y->line;   /* duplicates: the earlier line first */
}

/* "site/meter/channel": exactly three valid ids. */
static bool chan_path(struct conf *c, const char *key, struct chan_id *id)
{
	char part[3][CONF_LINE_MAX + 1], err[200];
	const char *s = key, *slash;

	for (int i = 0; i < 3; i++) {
		slash = strchr(s, '/');
		if ((i < 2) != (slash != NULL)) {
			conf_error(c, "\"%s\": expected <site>/<meter>/<channel>", key);
			return false;
		}
		snprintf(part[i], sizeof(part[i]), "%.*s",
		    (int)(slash ? (size_t)(slash - s) : strlen(s)), s);
		if (slash != NULL)
			s = slash + 1;
	}
	if (chan_id_set(id, part[0], part[1], part[2], err, sizeof(err)) != GM_OK) {
		conf_error(c, "\"%s\": %s", key, err);
		return false;
	}
	return true;
}

/* The units and shares after "<resource> from <date>": w[0..n). */
static bool map_units(struct conf *c, struct map_pending *pd, char **w, int n)
{
	double weight[ORG_MAX_SHARES] = { 0 }, sum = 0, d;
	bool weighed[ORG_MAX_SHARES] = { false };
	struct meter_map *m = &pd->m;

	for (int i = 0; i < n; i++) {
		int k = m->nshares - 1;   /* the unit a share would belong to */
		if (org_number(w[i], &d)) {
			if (k < 0 || weighed[k]) {
				conf_error(c, "share \"%s\" does not follow a unit", w[i]);
				return false;
			}
			if (d <= 0 || d > MAP_SHARE_MAX) {
				conf_error(c, "share \"%s\" of %s: expected a number above 0, "
				    "up to %g", w[i], pd->unit[k], MAP_SHARE_MAX);
				return false;
			}
			weight[k] = d;
			weighed[k] = true;
			continue;
		}
		if (!id_valid(w[i])) {
			conf_error(c, "\"%s\" is neither a unit id nor a share", w[i]);
			return false;
		}
		for (int j = 0; j <= k; j++) {
			if (strcmp(pd->unit[j], w[i]) == 0) {
				conf_error(c, "unit %s is named twice in one mapping", w[i]);
				return false;
			}
		}
		if (m->nshares == ORG_MAX_SHARES) {
			conf_error(c, "more than %d units in one mapping", ORG_MAX_SHARES);
			return false;
		}
		strcpy(pd->unit[++k], w[i]);
		weight[k] = 1;
		weighed[k] = false;
		m->nshares++;
	}
	for (int k = 0; k < m->nshares; k++)
		sum += weight[k];
	/* correctly rounded division: 60 / 100 is exactly the double 0.6 */
	for (int k = 0; k < m->nshares; k++)
		m->shares[k].share = weight[k] / sum;
	return true;
}

static bool pending_add(struct conf *c, struct meters_parse *mp,
    const struct map_pending *pd)
{
	if (mp->n == mp->cap) {
		size_t cap = mp->cap ? mp->cap * 2 : 16;
		struct map_pending *v = realloc(mp->v, cap * sizeof(*v));
		if (v == NULL) {
			conf_error(c, "out of memory");
			return false;
		}
		mp->v = v;
		mp->cap = cap;
	}
	mp->v[mp->n++] = *pd;
	return true;
}

void org_meters_key(struct conf *c, struct meters_parse *mp, const char *key,
    const char *value)
{
	char buf[CONF_LINE_MAX + 1], *w[3 + 2 * ORG_MAX_SHARES + 1];
	int maxw = (int)(sizeof(w) / sizeof(w[0]));
	struct map_pending pd;
	int n;

	memset(&pd, 0, sizeof(pd));
	if (!chan_path(c, key, &pd.m.id))
		return;
	n = org_words(buf, sizeof(buf), value, w, maxw);
	if (n > maxw) {
		conf_error(c, "%s: more than %d units in one mapping", key, ORG_MAX_SHARES);
		return;
	}
	if (n < 4 || strcmp(w[1], "from") != 0) {
		conf_error(c, "%s = \"%s\": expected \"<resource> from <YYYY-MM-DD> <unit> "
		    "[share] [<unit> [share] ...]\"", key, value);
		return;
	}
	if (resource_parse(w[0], &pd.m.res) != 0) {
		conf_error(c, "%s: unknown resource \"%s\" (expected " ORG_RESOURCES ")", key,
		    w[0]);
		return;
	}
	if (!org_day(w[2], &pd.m.from)) {
		conf_error(c, "%s: \"%s\" is not a date (YYYY-MM-DD)", key, w[2]);
		return;
	}
	if (!map_units(c, &pd, w + 3, n - 3))
		return;
	pd.m.line = c->line;
	pending_add(c, mp, &pd);
}

/* Unit ids to indexes; a unit may have been defined after the line. */
static void resolve(struct map_pending *pd, const struct org *o, struct conf *c)
{
	for (int k = 0; k < pd->m.nshares; k++) {
		int u = org_unit_find(o, pd->unit[k]);
		if (u < 0)
			conf_error_at(c, pd->m.line, "unknown unit \"%s\" (there is no [unit %s])",
			    pd->unit[k], pd->unit[k]);
		pd->m.shares[k].unit = u;
	}
}

/* Neighbours in the sorted map: one channel, one resource, one line a date. */
static void check_sorted(const struct org *o, struct conf *c)
{
	char chan[3 * (ID_MAX + 1)], day[32];

	for (size_t i = 1; i < o->nmap; i++) {
		const struct meter_map *a = &o->map[i - 1], *b = &o->map[i];
		if (chan_id_cmp(&a->id, &b->id) != 0)
			continue;
		chan_id_str(&b->id, chan, sizeof(chan));
		if (a->from == b->from) {
			time_format_local(b->from, day, sizeof(day));
			day[10] = '\0';   /* the date, without its 00:00:00 */
			conf_error_at(c, b->line, "%s is mapped twice from %s (also at line %d)",
			    chan, day, a->line);
		} else if (a->res != b->res) {
			conf_error_at(c, b->line, "%s measures %s here but %s at line %d: a "
			    "channel measures one resource", chan, resource_name(b->res),
			    resource_name(a->res), a->line);
		}
	}
}

void org_meters_finish(struct meters_parse *mp, struct org *o, struct conf *c)
{
	if (mp->n == 0)
		return;
	if ((o->map = malloc(mp->n * sizeof(*o->map))) == NULL) {
		conf_error_at(c, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < mp->n; i++) {
		resolve(&mp->v[i], o, c);
		o->map[i] = mp->v[i].m;
	}
	o->nmap = mp->n;
	qsort(o->map, o->nmap, sizeof(o->map[0]), map_cmp);
	check_sorted(o, c);
}

void org_meters_free(struct meters_parse *mp)
{
	free(mp->v);
	memset(mp, 0, sizeof(*mp));
}

/* ---- questions ---------------------------------------------------------- */

/* The index of the first entry after (id, t) in map order. */
static size_t after(const struct org *o, const struct chan_id *id, time_t t)
{
	size_t lo = 0, hi = o->nmap;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct meter_map *m = &o->map[mid];
		int r = chan_id_cmp(&m->id, id);
		if (r < 0 || (r == 0 && m->from <= t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct meter_map *org_map_at(const struct org *o, const struct chan_id *id, time_t t)
{
	size_t i = after(o, id, t);

	if (i == 0 || chan_id_cmp(&o->map[i - 1].id, id) != 0)
		return NULL;
	return &o->map[i - 1];
}

int org_map_changes(const struct org *o, const struct chan_id *id, time_t from, time_t to,
    time_t *out, int max)
{
	int n = 0;

	/* after(from) is the first entry of the channel dated later than from */
	for (size_t i = after(o, id, from); i < o->nmap && n < max; i++) {
		const struct meter_map *m = &o->map[i];
		if (chan_id_cmp(&m->id, id) != 0 || m->from >= to)
			break;
		out[n++] = m->from;
	}
	return n;
}
