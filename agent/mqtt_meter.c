/* mqtt_meter.c - [mqtt_meter] sections and the formats of known devices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "mqtt_meter.h"

static struct mqtt_chan *chan_get(struct conf *c, struct mqtt_meter *m, const char *name)
{
	struct mqtt_chan *ch;

	for (int i = 0; i < m->nch; i++) {
		if (strcmp(m->ch[i].name, name) == 0)
			return &m->ch[i];
	}
	if (!id_valid(name)) {
		conf_error(c, "\"%s\" is not a channel id (1-64 characters [a-z0-9_-])", name);
		return NULL;
	}
	if (m->nch == MQTT_METER_MAX_CH) {
		conf_error(c, "[mqtt_meter %s]: more than %d channels", m->id, MQTT_METER_MAX_CH);
		return NULL;
	}
	ch = &m->ch[m->nch++];
	memset(ch, 0, sizeof(*ch));
	strcpy(ch->name, name);
	ch->scale = scale_times(1);
	ch->line = c->line;
	return ch;
}

static void set_topic(struct conf *c, struct mqtt_meter *m, const char *value)
{
	if (strpbrk(value, "+#") != NULL)
		conf_error(c, "topic = \"%s\": give the device's exact topic, without + or #",
		    value);
	else
		conf_str(c, "topic", value, m->topic, sizeof(m->topic));
}

static void set_format(struct conf *c, struct mqtt_meter *m, const char *value)
{
	if (strcmp(value, "json") == 0)
		m->format = FORMAT_JSON;
	else if (strcmp(value, "tasmota") == 0)
		m->format = FORMAT_TASMOTA;
	else if (strcmp(value, "shelly-gen1") == 0)
		m->format = FORMAT_SHELLY_GEN1;
	else
		conf_error(c, "format = \"%s\": expected json, tasmota or shelly-gen1", value);
}

static void set_index(struct conf *c, struct mqtt_meter *m, const char *value)
{
	long i;

	if (conf_long(c, "index", value, 0, MQTT_INDEX_MAX, &i)) {
		m->index = (int)i;
		m->index_line = c->line;
	}
}

static void set_path(struct conf *c, struct mqtt_chan *ch, const char *key, const char *value)
{
	char why[160];

	if (json_path_parse(value, &ch->path, why, sizeof(why)) != GM_OK)
		conf_error(c, "%s = \"%s\": %s (a JSON path: keys dot-separated, [i] for an "
		    "array element, e.g. ENERGY.Total[1])", key, value, why);
	ch->have_path = true;
	ch->line = c->line;
}

/* scale.<id> = <factor>, or 1/<divisor> for a factor no decimal writes
 * exactly (1/60000: watt-minutes to kWh). */
static void set_scale(struct conf *c, struct mqtt_chan *ch, const char *key, const char *value)
{
	bool divide = strncmp(value, "1/", 2) == 0;
	double d;

	if (!conf_double(c, key, divide ? value + 2 : value, -1e12, 1e12, &d))
		return;
	if (d == 0)
		conf_error(c, "%s = %s: a scale of zero hides every reading", key, value);
	else
		ch->scale = divide ? scale_divide(d) : scale_times(d);
}

/* channel.<id>, unit.<id>, kind.<id>, scale.<id> */
static void chan_key(struct conf *c, struct mqtt_meter *m, const char *key, const char *value)
{
	const char *dot = strchr(key, '.');
	char field[16];
	struct mqtt_chan *ch;

	snprintf(field, sizeof(field), "%.*s", (int)(dot - key), key);
	if ((ch = chan_get(c, m, dot + 1)) == NULL)
		return;
	if (strcmp(field, "channel") == 0) {
		set_path(c, ch, key, value);
	} else if (strcmp(field, "unit") == 0) {
		conf_unit(c, key, value, ch->unit);
		ch->have_unit = true;
	} else if (strcmp(field, "kind") == 0) {
		conf_kind(c, key, value, &ch->kind);
		ch->have_kind = true;
	} else {
		set_scale(c, ch, key, value);
	}
}

void mqtt_meter_key(struct conf *c, struct mqtt_meter *m, const char *key, const char *value)
{
	const char *dot = strchr(key, '.');

	if (m->line == 0)
		m->line = c->section_line;
	if (strcmp(key, "topic") == 0)
		set_topic(c, m, value);
	else if (strcmp(key, "format") == 0)
		set_format(c, m, value);
	else if (strcmp(key, "index") == 0)
		set_index(c, m, value);
	else if (dot != NULL && (strncmp(key, "channel.", 8) == 0 || strncmp(key, "unit.", 5) == 0 ||
	    strncmp(key, "kind.", 5) == 0 || strncmp(key, "scale.", 6) == 0))
		chan_key(c, m, key, value);
	else
		conf_error(c, "unknown key \"%s\" in [mqtt_meter %s]", key, m->id);
}

static void preset(struct mqtt_meter *m, const char *name, const char *suffix,
    const char *path, const char *unit, enum reading_kind kind, struct scale scale)
{
	struct mqtt_chan *ch = &m->ch[m->nch++];
	char text[JSON_PATH_MAX], why[160];

	memset(ch, 0, sizeof(*ch));
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	snprintf(ch->topic, sizeof(ch->topic), "%s%s", m->topic, suffix);
	/* one element of a multi-channel device's arrays */
	if (m->index_line > 0)
		snprintf(text, sizeof(text), "%s[%d]", path, m->index);
	else
		snprintf(text, sizeof(text), "%s", path);
	if (json_path_parse(text, &ch->path, why, sizeof(why)) != GM_OK)
		abort();   /* the presets below are valid paths */
	snprintf(ch->unit, sizeof(ch->unit), "%s", unit);
	ch->kind = kind;
	ch->scale = scale;
	ch->line = m->line;
}

/* A format that knows its device: fill in its channels. */
static void presets(struct mqtt_meter *m)
{
	switch (m->format) {
	case FORMAT_TASMOTA:
		/* tele/<topic>/SENSOR: {"ENERGY":{"Total":kWh,"Power":W,...}}; with
		 * several channels (SetOption129 for Total) each is an array */
		preset(m, "total_kwh", "", "ENERGY.Total", "kWh", KIND_COUNTER, scale_times(1));
		preset(m, "power_w", "", "ENERGY.Power", "W", KIND_GAUGE, scale_times(1));
		return;
	case FORMAT_SHELLY_GEN1:
		/* .../relay/<i>/energy in watt-minutes, .../power in W; divided, as
		 * x (1/60000) is not exact: 696000 Wmin would be 11.600000000000001 */
		preset(m, "total_kwh", "/energy", ".", "kWh", KIND_COUNTER, scale_divide(60000));
		preset(m, "power_w", "/power", ".", "W", KIND_GAUGE, scale_times(1));
		return;
	case FORMAT_JSON:
		return;
	}
}

void mqtt_meter_resolve(struct conf *c, struct mqtt_meter *m)
{
	if (m->topic[0] == '\0') {
		conf_error_at(c, m->line, "[mqtt_meter %s]: \"topic\" is required", m->id);
		return;
	}
	if (m->index_line > 0 && m->format != FORMAT_TASMOTA) {
		conf_error_at(c, m->index_line, "[mqtt_meter %s]: index is for format = tasmota; "
		    "with json, write the element in the path (ENERGY.Total[1])", m->id);
		return;
	}
	if (m->format != FORMAT_JSON && m->nch > 0) {
		conf_error_at(c, m->ch[0].line, "[mqtt_meter %s]: channel keys are for "
		    "format = json; this format sets its own channels", m->id);
		return;
	}
	if (m->format != FORMAT_JSON) {
		presets(m);
		return;
	}
	if (m->nch == 0)
		conf_error_at(c, m->line, "[mqtt_meter %s]: format = json needs at least one "
		    "channel.<id> = <JSON path>", m->id);
	for (int i = 0; i < m->nch; i++) {
		struct mqtt_chan *ch = &m->ch[i];
		strcpy(ch->topic, m->topic);
		if (!ch->have_path)
			conf_error_at(c, ch->line, "[mqtt_meter %s]: channel.%s (its JSON path) "
			    "is missing", m->id, ch->name);
		if (!ch->have_unit)
			conf_error_at(c, ch->line, "[mqtt_meter %s]: unit.%s is required", m->id,
			    ch->name);
		if (!ch->have_kind)
			conf_error_at(c, ch->line, "[mqtt_meter %s]: kind.%s is required", m->id,
			    ch->name);
	}
}
