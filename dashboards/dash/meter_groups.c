/* meter_groups.c - the overview's meters, grouped and filtered (meter_groups.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "meter_groups.h"

void meter_groups_filter(const struct org *o, const struct group_query *gq,
    struct group_filter *f)
{
	const char *by = gq->by, *q = gq->q, *status = gq->status, *unit = gq->unit;
	enum resource r;

	f->by = o != NULL && o->nmeters > 0 ? GROUP_BUILDING : GROUP_SITE;
	if (by != NULL && strcmp(by, "building") == 0)
		f->by = GROUP_BUILDING;
	else if (by != NULL && strcmp(by, "unit") == 0 && o != NULL)
		f->by = GROUP_UNIT;
	else if (by != NULL && strcmp(by, "site") == 0)
		f->by = GROUP_SITE;
	f->q = q != NULL && q[0] != '\0' ? q : NULL;
	f->problems = status != NULL && strcmp(status, "problems") == 0;
	f->unit = unit != NULL && o != NULL ? org_unit_find(o, unit) : -1;
	f->res = gq->res != NULL && resource_parse(gq->res, &r) == 0 ? (int)r : -1;
}

/* Which resource a channel measures: its mapping now, else its unit. */
static int chan_resource(const struct org *o, const struct chan_id *id, const char *unit,
    time_t t)
{
	/* only units that say it alone: m3 may be gas, L water, kg anything */
	static const struct { const char *unit; enum resource r; } plain[] = {
		{ "kWh", RES_ELECTRICITY }, { "Wh", RES_ELECTRICITY }, { "W", RES_ELECTRICITY },
		{ "kW", RES_ELECTRICITY }, { "V", RES_ELECTRICITY }, { "A", RES_ELECTRICITY },
		{ "sheets", RES_PAPER_PRINTED }, { "pages", RES_PAPER_PRINTED },
		{ "reams", RES_PAPER_REAMS },
	};
	const struct meter_map *m = o != NULL ? org_map_at(o, id, t) : NULL;

	if (m != NULL)
		return (int)m->res;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(unit, plain[i].unit) == 0)
			return (int)plain[i].r;
	return -1;
}

void meter_groups_name(const struct ov_meter *m, enum lang l, char *buf, size_t len)
{
	if (m->reg != NULL)
		snprintf(buf, len, "%s", l == LANG_EN ? m->reg->name_en : m->reg->name_th);
	else
		snprintf(buf, len, "%s/%s", m->row->st.id.site, m->row->st.id.meter);
}

void meter_groups_place(const struct ov_meter *m, enum lang l, char *buf, size_t len)
{
	const struct org_meter *r = m->reg;
	const char *b, *room;

	buf[0] = '\0';
	if (r == NULL)
		return;
	b = l == LANG_EN ? r->building_en : r->building_th;
	room = l == LANG_EN ? r->room_en : r->room_th;
	snprintf(buf, len, "%s%s%s%s%s%s%s", b, b[0] && r->floor[0] ? " " : "",
	    r->floor[0] ? tr(l, "floor") : "", r->floor[0] ? " " : "", r->floor,
	    (b[0] || r->floor[0]) && room[0] ? " " : "", room);
}

/* ---- the search: every word of q in what the meter shows ----------------- */

/* needle in hay, ASCII letters either case (Thai has none). */
static bool contains(const char *hay, const char *needle, size_t n)
{
	for (const char *h = hay; *h != '\0'; h++) {
		size_t i = 0;

		while (i < n && h[i] != '\0' &&
		    tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static bool word_in_meter(const struct ov_meter *m, const struct org *o, const char *w,
    size_t n)
{
	const struct org_meter *r = m->reg;

	if (contains(m->row->st.id.site, w, n) || contains(m->row->st.id.meter, w, n))
		return true;
	for (size_t i = 0; i < m->n; i++)
		if (contains(m->row[i].st.id.channel, w, n))
			return true;
	if (r != NULL) {
		const char *f[] = { r->name_th, r->name_en, r->building_th, r->building_en,
			r->room_th, r->room_en, r->floor, r->model, r->serial, r->gateway };

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (contains(f[i], w, n))
				return true;
	}
	for (int u = 0; u < m->nunits; u++)
		if (contains(o->units[m->units[u]].name_th, w, n) ||
		    contains(o->units[m->units[u]].name_en, w, n) ||
		    contains(o->units[m->units[u]].id, w, n))
			return true;
	return false;
}

static bool kept(const struct ov_meter *m, const struct org *o, const struct group_filter *f)
{
	bool serves = f->unit < 0;

	if (f->problems && m->worst == STATUS_OK)
		return false;
	if (f->res >= 0 && !(m->resources & 1u << f->res))
		return false;
	for (int u = 0; !serves && u < m->nunits; u++)
		serves = m->units[u] == f->unit;
	if (!serves)
		return false;
	for (const char *q = f->q; q != NULL && *q != '\0';) {
		size_t n;

		while (*q == ' ')
			q++;
		n = strcspn(q, " ");
		if (n > 0 && !word_in_meter(m, o, q, n))
			return false;
		q += n;
	}
	return true;
}

/* ---- meters, then groups -------------------------------------------------- */

static int gather(const struct meter_snap *s, const struct org *o, double now, struct ov *ov)
{
	ov->st = malloc((s->n + 1) * sizeof(*ov->st));
	ov->meters = malloc((s->n + 1) * sizeof(*ov->meters));
	if (ov->st == NULL || ov->meters == NULL)
		return GM_ENOMEM;
	for (size_t i = 0, end; i < s->n; i = end) {
		const struct chan_id *id = &s->rows[i].st.id;
		struct ov_meter *m = memset(&ov->meters[ov->nmeters++], 0, sizeof(*m));

		m->row = &s->rows[i];
		m->first = i;
		m->reg = org_meter_find(o, id->site, id->meter);
		m->nunits = o != NULL ? org_meter_units(o, id->site, id->meter, (time_t)now,
		    m->units, ORG_MAX_UNITS) : 0;
		end = meter_view_meter_end(s, i);
		for (size_t j = i; j < end; j++) {
			int r = chan_resource(o, &s->rows[j].st.id, s->rows[j].st.unit, (time_t)now);

			ov->st[j] = meter_view_status(s, &s->rows[j], now);
			m->n++;
			if (r >= 0)
				m->resources |= 1u << r;
			if (ov->st[j] > m->worst)
				m->worst = ov->st[j];
		}
	}
	ov->nchannels = s->n;
	return GM_OK;
}

/* What groups m, in l: its building, a unit it serves (the k-th), its site. */
static void group_of(const struct ov_meter *m, const struct org *o, enum group_by by, int k,
    enum lang l, char *key, char *name, size_t len)
{
	key[0] = name[0] = '\0';
	if (by == GROUP_BUILDING && m->reg != NULL) {
		snprintf(key, len, "%s", m->reg->building_th);
		snprintf(name, len, "%s", l == LANG_EN ? m->reg->building_en : m->reg->building_th);
	} else if (by == GROUP_UNIT && k < m->nunits) {
		const struct org_unit *u = &o->units[m->units[k]];

		snprintf(key, len, "%s", u->id);
		snprintf(name, len, "%s", l == LANG_EN ? u->name_en : u->name_th);
	} else if (by == GROUP_SITE) {
		snprintf(key, len, "%s", m->row->st.id.site);
		snprintf(name, len, "%s", m->row->st.id.site);
	}
}

static struct ov_group *group_for(struct ov *ov, const char *key, const char *name)
{
	struct ov_group *g;

	for (size_t i = 0; i < ov->ngroups; i++)
		if (strcmp(ov->groups[i].key, key) == 0)
			return &ov->groups[i];
	g = &ov->groups[ov->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->key, sizeof(g->key), "%s", key);
	snprintf(g->name, sizeof(g->name), "%s", name);
	if ((g->meters = malloc((ov->nmeters + 1) * sizeof(*g->meters))) == NULL)
		return NULL;
	return g;
}

/* A group's meters problems first; each status's in name order, as added. */
static void worst_first(const struct ov *ov, struct ov_group *g)
{
	size_t *sorted = malloc((g->n + 1) * sizeof(*sorted)), k = 0;

	if (sorted == NULL)
		return;   /* left in name order */
	for (int want = STATUS_FAULT; want >= STATUS_OK; want--)
		for (size_t i = 0; i < g->n; i++)
			if ((int)ov->meters[g->meters[i]].worst == want)
				sorted[k++] = g->meters[i];
	free(g->meters);
	g->meters = sorted;
}

/* Groups with problems first, then by name; "not given" last. */
static int group_order(const void *a, const void *b)
{
	const struct ov_group *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	if ((x->key[0] == '\0') != (y->key[0] == '\0'))
		return x->key[0] == '\0' ? 1 : -1;
	return strcmp(x->name, y->name);
}

int meter_groups_build(const struct meter_snap *s, const struct org *o,
    const struct group_filter *f, enum lang l, double now, struct ov *ov)
{
	char key[ORG_NAME_MAX], name[ORG_NAME_MAX];

	memset(ov, 0, sizeof(*ov));
	if (gather(s, o, now, ov) != GM_OK ||
	    (ov->groups = calloc(ov->nmeters * (size_t)(f->by == GROUP_UNIT ? ORG_MAX_UNITS : 1) +
	    1, sizeof(*ov->groups))) == NULL) {
		meter_groups_free(ov);
		return GM_ENOMEM;
	}
	for (size_t i = 0; i < ov->nmeters; i++) {
		struct ov_meter *m = &ov->meters[i];
		int ng = f->by == GROUP_UNIT && m->nunits > 0 ? m->nunits : 1;

		if (!kept(m, o, f))
			continue;
		ov->shown++;
		for (int k = 0; k < ng; k++) {
			struct ov_group *g;

			group_of(m, o, f->by, k, l, key, name, sizeof(key));
			if ((g = group_for(ov, key, name)) == NULL) {
				meter_groups_free(ov);
				return GM_ENOMEM;
			}
			g->meters[g->n++] = i;
			g->count[m->worst]++;
			if (m->worst > g->worst)
				g->worst = m->worst;
		}
	}
	for (size_t i = 0; i < ov->ngroups; i++)
		worst_first(ov, &ov->groups[i]);
	qsort(ov->groups, ov->ngroups, sizeof(*ov->groups), group_order);
	return GM_OK;
}

void meter_groups_free(struct ov *ov)
{
	for (size_t i = 0; ov->groups != NULL && i < ov->ngroups; i++)
		free(ov->groups[i].meters);
	free(ov->groups);
	free(ov->meters);
	free(ov->st);
	memset(ov, 0, sizeof(*ov));
}
