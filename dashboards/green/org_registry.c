/*
 * org_registry.c - the [meter <site>/<meter>] sections of organisation.ini:
 * the meters as the people who walk past them know them (docs/
 * organisation.md), and which units a meter serves.
 *
 * A meter is named by the ids its agent publishes under, so the registry
 * joins the channels without anyone keeping a second list in step: a
 * meter with no section is still shown, by its ids.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org.h"
#include "org_parse.h"

void org_registry_start(struct conf *c, struct org_parse *p, const char *name, int line)
{
	struct org *o = p->o;
	char site[ID_MAX + 1] = "", meter[ID_MAX + 1] = "";
	struct org_meter *v;

	if (!chan_id_split_meter(name, site, meter) || !id_valid(site) || !id_valid(meter)) {
		conf_error_at(c, line, "[meter %s]: expected [meter <site>/<meter>], each id "
		    "1-64 characters [a-z0-9_-] as the agent publishes it", name);
		return;
	}
	/* [meter a/b] twice never gets here: confparse refuses it */
	if ((v = realloc(o->meters, (o->nmeters + 1) * sizeof(*v))) == NULL) {
		conf_error_at(c, line, "out of memory");
		return;
	}
	o->meters = v;
	p->meter = memset(&o->meters[o->nmeters++], 0, sizeof(*v));
	strcpy(p->meter->site, site);
	strcpy(p->meter->meter, meter);
	p->meter->line = line;
}

/* A whole number text (strtod would read "200." of "200..250"). */
static bool number(const char *text, size_t n, double *out)
{
	char buf[64], *end;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	/* a plain decimal: "-10", "6e4", "0.5"; not ".5" (of "0...5"), hex, inf */
	if (!isdigit((unsigned char)buf[buf[0] == '-']) || strpbrk(buf, "xXiInN") != NULL)
		return false;
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

/* One "<channel> <lo>..<hi>" into l: true, or false if it is not one. */
static bool limit_item(const char *item, struct org_limit *l)
{
	char chan[CONF_LINE_MAX + 1];
	const char *p, *dots;
	int used = 0;
	size_t n;

	if (sscanf(item, " %s %n", chan, &used) != 1 || !id_valid(chan))
		return false;
	p = item + used;
	n = strcspn(p, " ");
	if (p[n + strspn(p + n, " ")] != '\0' || (dots = strstr(p, "..")) == NULL ||
	    dots > p + n || !number(p, (size_t)(dots - p), &l->lo) ||
	    !number(dots + 2, (size_t)(p + n - dots - 2), &l->hi) || l->lo >= l->hi)
		return false;
	strcpy(l->channel, chan);
	return true;
}

/* "voltage 200..250, power_w 0..60000": each a channel id and its lowest
 * and highest plausible reading. */
static void limits(struct conf *c, struct org_meter *m, const char *value)
{
	char item[CONF_LINE_MAX + 1];
	const char *p = value;

	m->nlimits = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		p += n + (p[n] == ',');
		if (m->nlimits == ORG_MAX_LIMITS) {
			conf_error(c, "limits: more than %d channels", ORG_MAX_LIMITS);
			return;
		}
		if (!limit_item(item, &m->limits[m->nlimits])) {
			conf_error(c, "limits: \"%s\": expected <channel> <lowest>..<highest>, "
			    "lowest below highest", item);
			return;
		}
		if (org_meter_limit(m, m->limits[m->nlimits].channel) != NULL) {
			conf_error(c, "limits: %s given twice", m->limits[m->nlimits].channel);
			return;
		}
		m->nlimits++;
	}
}

static bool is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

void org_registry_key(struct conf *c, struct org_meter *m, const char *key, const char *value)
{
	if (strcmp(key, "th") == 0) {
		conf_str(c, key, value, m->name_th, sizeof(m->name_th));
	} else if (strcmp(key, "en") == 0) {
		conf_str(c, key, value, m->name_en, sizeof(m->name_en));
	} else if (strcmp(key, "building") == 0) {
		org_bilingual(c, key, value, m->building_th, m->building_en, sizeof(m->building_th));
	} else if (strcmp(key, "room") == 0) {
		org_bilingual(c, key, value, m->room_th, m->room_en, sizeof(m->room_th));
	} else if (strcmp(key, "floor") == 0) {
		conf_str(c, key, value, m->floor, sizeof(m->floor));
	} else if (strcmp(key, "model") == 0) {
		conf_str(c, key, value, m->model, sizeof(m->model));
	} else if (strcmp(key, "serial") == 0) {
		conf_str(c, key, value, m->serial, sizeof(m->serial));
	} else if (strcmp(key, "gateway") == 0) {
		if (!id_valid(value))
			conf_error(c, "gateway: \"%s\" is not an id (1-64 characters [a-z0-9_-])",
			    value);
		else
			strcpy(m->gateway, value);
	} else if (strcmp(key, "limits") == 0) {
		limits(c, m, value);
	} else if (strcmp(key, "read") == 0) {
		if (strcmp(value, "hand") != 0 && strcmp(value, "meter") != 0)
			conf_error(c, "read = \"%s\": expected hand (a dial a person reads) or meter",
			    value);
		m->by_hand = strcmp(value, "hand") == 0;
	} else if (strcmp(key, "photo") == 0) {
		if (!is_url(value))
			conf_error(c, "photo: \"%s\" is not an http:// or https:// address", value);
		else
			conf_str(c, key, value, m->photo, sizeof(m->photo));
	} else {
		conf_error(c, "unknown key \"%s\" in [meter %s/%s] (th, en, building, floor, "
		    "room, model, serial, gateway, photo, limits, read)", key, m->site, m->meter);
	}
}

static int meter_cmp(const void *a, const void *b)
{
	const struct org_meter *x = a, *y = b;
	int d = strcmp(x->site, y->site);

	return d != 0 ? d : strcmp(x->meter, y->meter);
}

void org_registry_finish(struct org *o, struct conf *c)
{
	for (size_t i = 0; i < o->nmeters; i++) {
		struct org_meter *m = &o->meters[i];

		if (m->name_th[0] == '\0')
			conf_error_at(c, m->line, "[meter %s/%s] needs th (its Thai name)", m->site,
			    m->meter);
		if (m->name_en[0] == '\0')
			strcpy(m->name_en, m->name_th);
	}
	if (o->nmeters > 1)
		qsort(o->meters, o->nmeters, sizeof(o->meters[0]), meter_cmp);
}

const struct org_meter *org_meter_find(const struct org *o, const char *site, const char *meter)
{
	struct org_meter key;

	if (o == NULL || o->nmeters == 0 || strlen(site) > ID_MAX || strlen(meter) > ID_MAX)
		return NULL;
	strcpy(key.site, site);
	strcpy(key.meter, meter);
	return bsearch(&key, o->meters, o->nmeters, sizeof(key), meter_cmp);
}

const struct org_meter *org_meter_named(const struct org *o, const char *site_meter)
{
	char site[ID_MAX + 1], meter[ID_MAX + 1];

	return chan_id_split_meter(site_meter, site, meter) ? org_meter_find(o, site, meter) : NULL;
}

const struct org_limit *org_meter_limit(const struct org_meter *m, const char *channel)
{
	for (int k = 0; m != NULL && k < m->nlimits; k++)
		if (strcmp(m->limits[k].channel, channel) == 0)
			return &m->limits[k];
	return NULL;
}

int org_meter_units(const struct org *o, const char *site, const char *meter, time_t t,
    int *units, int max)
{
	bool served[ORG_MAX_UNITS] = { false };
	int n = 0;

	for (size_t i = 0; o != NULL && i < o->nmap; i++) {
		const struct meter_map *m = &o->map[i];

		if (strcmp(m->id.site, site) != 0 || strcmp(m->id.meter, meter) != 0 ||
		    (i > 0 && chan_id_eq(&o->map[i - 1].id, &m->id)))
			continue;   /* each channel once: its mapping at t */
		if ((m = org_map_at(o, &m->id, t)) == NULL)
			continue;
		for (int k = 0; k < m->nshares; k++)
			served[m->shares[k].unit] = true;
	}
	for (int u = 0; o != NULL && u < o->nunits && n < max; u++)
		if (served[u])
			units[n++] = u;
	return n;
}
