/* mqtt_meter.c - [mqtt_meter] sections and the formats of known devices. */
#include <stdio.h>
#include <string.h>

#include "err.h"
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
	ch->scale = 1;
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
		conf_str(c, key, value, ch->path, sizeof(ch->path));
		ch->line = c->line;
	} else if (strcmp(field, "unit") == 0) {
		if (unit_valid(value))
			strcpy(ch->unit, value);
		else
			conf_error(c, "%s = \"%s\": expected 1-15 characters [A-Za-z0-9/%%._-]",
			    key, value);
		ch->have_unit = true;
	} else if (strcmp(field, "kind") == 0) {
		if (kind_parse(value, &ch->kind) != GM_OK)
			conf_error(c, "%s = \"%s\": expected counter, gauge or delta", key, value);
		ch->have_kind = true;
	} else if (conf_double(c, key, value, -1e12, 1e12, &ch->scale) && ch->scale == 0) {
		conf_error(c, "%s = 0: a scale of zero hides every reading", key);
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
	else if (dot != NULL && (strncmp(key, "channel.", 8) == 0 || strncmp(key, "unit.", 5) == 0 ||
	    strncmp(key, "kind.", 5) == 0 || strncmp(key, "scale.", 6) == 0))
		chan_key(c, m, key, value);
	else
		conf_error(c, "unknown key \"%s\" in [mqtt_meter %s]", key, m->id);
}

static void preset(struct mqtt_meter *m, const char *name, const char *suffix,
    const char *path, const char *unit, enum reading_kind kind, double scale)
{
	struct mqtt_chan *ch = &m->ch[m->nch++];

	memset(ch, 0, sizeof(*ch));
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	snprintf(ch->topic, sizeof(ch->topic), "%s%s", m->topic, suffix);
	snprintf(ch->path, sizeof(ch->path), "%s", path);
	snprintf(ch->unit, sizeof(ch->unit), "%s", unit);
	ch->kind = kind;
	ch->scale = scale;
	ch->line = m->line;
}

void mqtt_meter_resolve(struct conf *c, struct mqtt_meter *m)
{
	if (m->topic[0] == '\0') {
		conf_error_at(c, m->line, "[mqtt_meter %s]: \"topic\" is required", m->id);
		return;
	}
	if (m->format != FORMAT_JSON && m->nch > 0) {
		conf_error_at(c, m->ch[0].line, "[mqtt_meter %s]: channel keys are for "
		    "format = json; this format sets its own channels", m->id);
		return;
	}
	switch (m->format) {
	case FORMAT_TASMOTA:
		/* Tasmota's tele/<topic>/SENSOR: {"ENERGY":{"Total":kWh,"Power":W,...}} */
		preset(m, "total_kwh", "", "ENERGY.Total", "kWh", KIND_COUNTER, 1);
		preset(m, "power_w", "", "ENERGY.Power", "W", KIND_GAUGE, 1);
		return;
	case FORMAT_SHELLY_GEN1:
		/* Shelly Gen1: .../relay/<i>/energy in watt-minutes, .../power in W. */
		preset(m, "total_kwh", "/energy", ".", "kWh", KIND_COUNTER, 1.0 / 60000.0);
		preset(m, "power_w", "/power", ".", "W", KIND_GAUGE, 1);
		return;
	case FORMAT_JSON:
		break;
	}
	if (m->nch == 0)
		conf_error_at(c, m->line, "[mqtt_meter %s]: format = json needs at least one "
		    "channel.<id> = <JSON path>", m->id);
	for (int i = 0; i < m->nch; i++) {
		struct mqtt_chan *ch = &m->ch[i];
		strcpy(ch->topic, m->topic);
		if (ch->path[0] == '\0')
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
