/*
 * agent_config.c - parse gm-agent's INI file.
 *
 * Parsing happens in two passes over what inih hands us: keys are collected
 * per meter as they come (a meter's model may be named after its channels),
 * and each meter is resolved against its model when the file is complete,
 * with errors reported at the meter's own lines.
 */
#include <stdlib.h>
#include <string.h>

#include "agent_config.h"

#define METER_MAX_KEYS 48

/* A meter as written, before its model is known. */
struct raw_meter {
	struct agent_meter m;
	char model[ID_MAX + 1];
	int model_line;
	char channels[CONF_LINE_MAX];   /* nchannels names, each after the last's NUL */
	int nchannels;                  /* 0: all of the model's */
	int channels_line;
	int noverride;
	struct {
		char channel[ID_MAX + 1];
		double scale;
		int line;
	} overrides[METER_MAX_KEYS];
	struct gateway bus;             /* a TCP gateway's bus: bus_baud, bus_parity, bus_stop_bits */
	double turnaround_ms;
	int has_host, has_device, has_unit, has_serial, has_bus;
};

struct agent_parse {
	struct agent_config *cfg;
	int capmqtt;
	int capprinters;
	struct raw_meter *raw;
	int nraw, capraw;
	int bad_meter_line;   /* the [meter] header with a bad id last reported */
	int agent_line;       /* the [agent] header, 0: none */
};

static struct raw_meter *raw_meter_get(struct conf *c, struct agent_parse *p,
    const char *id)
{
	struct raw_meter *r;

	for (int i = 0; i < p->nraw; i++) {
		if (strcmp(p->raw[i].m.id, id) == 0)
			return &p->raw[i];
	}
	if (p->nraw == p->capraw) {
		int cap = p->capraw ? p->capraw * 2 : 16;
		struct raw_meter *n = realloc(p->raw, (size_t)cap * sizeof(*n));
		if (n == NULL) {
			conf_error(c, "out of memory");
			return NULL;
		}
		p->raw = n;
		p->capraw = cap;
	}
	r = &p->raw[p->nraw++];
	memset(r, 0, sizeof(*r));
	strcpy(r->m.id, id);
	r->m.gw.baud = 9600;
	r->m.gw.parity = 'N';
	r->m.gw.data_bits = 8;
	r->m.gw.stop_bits = 1;
	r->bus = r->m.gw;
	r->bus.baud = 0;
	r->m.interval_ms = 60000;
	r->m.timeout_ms = 1000;
	r->m.retries = 1;
	r->m.line = c->section_line;
	return r;
}

/* baud, parity, data_bits, stop_bits; false if key is none of them. */
static bool serial_key(struct conf *c, struct gateway *gw, const char *key, const char *value)
{
	long l;

	if (strcmp(key, "baud") == 0) {
		if (conf_long(c, key, value, 300, 1000000, &l))
			gw->baud = (int)l;
	} else if (strcmp(key, "parity") == 0) {
		if (strcmp(value, "none") == 0 || strcmp(value, "N") == 0)
			gw->parity = 'N';
		else if (strcmp(value, "even") == 0 || strcmp(value, "E") == 0)
			gw->parity = 'E';
		else if (strcmp(value, "odd") == 0 || strcmp(value, "O") == 0)
			gw->parity = 'O';
		else
			conf_error(c, "parity = \"%s\": expected none, even or odd", value);
	} else if (strcmp(key, "data_bits") == 0) {
		if (conf_long(c, key, value, 7, 8, &l))
			gw->data_bits = (int)l;
	} else if (strcmp(key, "stop_bits") == 0) {
		if (conf_long(c, key, value, 1, 2, &l))
			gw->stop_bits = (int)l;
	} else {
		return false;
	}
	return true;
}

/* interval = seconds (0.1 .. 86400), kept in milliseconds: a [meter]'s
 * polls, an [mqtt_meter]'s messages. */
static void interval_key(struct conf *c, const char *value, int *ms)
{
	double d;

	if (conf_double(c, "interval", value, 0.1, 86400, &d))
		*ms = (int)(d * 1000 + 0.5);
}

static void meter_key(struct conf *c, struct raw_meter *r, const char *key,
    const char *value)
{
	double d;
	long l;

	if (strcmp(key, "model") == 0) {
		conf_id(c, key, value, r->model);
		r->model_line = c->line;
	} else if (strcmp(key, "host") == 0) {
		conf_hostport(c, key, value, r->m.gw.host, sizeof(r->m.gw.host), &r->m.gw.port, 502);
		r->has_host = 1;
	} else if (strcmp(key, "device") == 0) {
		conf_str(c, key, value, r->m.gw.device, sizeof(r->m.gw.device));
		r->has_device = 1;
	} else if (serial_key(c, &r->m.gw, key, value)) {
		r->has_serial = 1;
	} else if (strcmp(key, "bus_baud") == 0 || strcmp(key, "bus_parity") == 0 ||
	    strcmp(key, "bus_stop_bits") == 0) {
		serial_key(c, &r->bus, key + strlen("bus_"), value);   /* as a serial line's */
		r->has_bus = 1;
	} else if (strcmp(key, "turnaround_ms") == 0) {
		conf_double(c, key, value, 0, 1000, &r->turnaround_ms);
	} else if (strcmp(key, "unit") == 0) {
		if (conf_long(c, key, value, 0, 255, &l))
			r->m.unit = (int)l;
		r->has_unit = 1;
	} else if (strcmp(key, "interval") == 0) {
		interval_key(c, value, &r->m.interval_ms);
	} else if (strcmp(key, "timeout") == 0) {
		if (conf_double(c, key, value, 0.01, 60, &d))
			r->m.timeout_ms = (int)(d * 1000 + 0.5);
	} else if (strcmp(key, "retries") == 0) {
		if (conf_long(c, key, value, 0, 10, &l))
			r->m.retries = (int)l;
	} else if (strcmp(key, "channels") == 0) {
		char *items[DEVMAP_MAX_CHANNELS];
		int n = conf_list(c, key, value, r->channels, sizeof(r->channels), items,
		    DEVMAP_MAX_CHANNELS);
		/* the items lie one after the other in r->channels, which may move
		 * with r: kept as a count, not as pointers */
		r->nchannels = n > 0 ? n : 0;
		r->channels_line = c->line;
	} else if (strncmp(key, "scale.", 6) == 0) {
		if (r->noverride == METER_MAX_KEYS) {
			conf_error(c, "too many scale overrides");
		} else if (!id_valid(key + 6)) {
			conf_error(c, "%s: \"%s\" is not a channel id", key, key + 6);
		} else if (conf_double(c, key, value, -1e12, 1e12, &d)) {
			if (d == 0) {
				conf_error(c, "%s = 0: a scale of zero hides every reading", key);
				return;
			}
			strcpy(r->overrides[r->noverride].channel, key + 6);
			r->overrides[r->noverride].scale = d;
			r->overrides[r->noverride].line = c->line;
			r->noverride++;
		}
	} else {
		conf_error(c, "unknown key \"%s\" in [meter %s]", key, r->m.id);
	}
}

bool agent_config_gateway_same(const struct gateway *a, const struct gateway *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == GW_TCP)
		return strcmp(a->host, b->host) == 0 && a->port == b->port;
	return strcmp(a->device, b->device) == 0;
}

static void agent_key(struct conf *c, struct agent_config *cfg, const char *key,
    const char *value)
{
	if (strcmp(key, "site") == 0)
		conf_id(c, key, value, cfg->site);
	else if (strcmp(key, "devices") == 0)
		conf_str(c, key, value, cfg->devices_dir, sizeof(cfg->devices_dir));
	else if (strcmp(key, "spool_dir") == 0)
		conf_str(c, key, value, cfg->spool_dir, sizeof(cfg->spool_dir));
	else if (strcmp(key, "spool_max_mb") == 0)
		conf_long(c, key, value, 16, 1024L * 1024, &cfg->spool_max_mb);
	else if (strcmp(key, "spool_sync_ms") == 0)
		conf_long(c, key, value, 10, 60000, &cfg->spool_sync_ms);
	else
		conf_error(c, "unknown key \"%s\" in [agent]", key);
}

static struct mqtt_meter *mqtt_meter_get(struct conf *c, struct agent_parse *p,
    const char *id)
{
	struct agent_config *cfg = p->cfg;
	struct mqtt_meter *m;

	for (int i = 0; i < cfg->nmqtt; i++) {
		if (strcmp(cfg->mqtt_meters[i].id, id) == 0)
			return &cfg->mqtt_meters[i];
	}
	if (cfg->nmqtt == p->capmqtt) {
		int cap = p->capmqtt ? p->capmqtt * 2 : 8;
		m = realloc(cfg->mqtt_meters, (size_t)cap * sizeof(*m));
		if (m == NULL) {
			conf_error(c, "out of memory");
			return NULL;
		}
		cfg->mqtt_meters = m;
		p->capmqtt = cap;
	}
	m = &cfg->mqtt_meters[cfg->nmqtt++];
	memset(m, 0, sizeof(*m));
	strcpy(m->id, id);
	return m;
}

static struct printer *printer_get(struct conf *c, struct agent_parse *p, const char *id)
{
	struct agent_config *cfg = p->cfg;
	struct printer *pr;

	for (int i = 0; i < cfg->nprinters; i++) {
		if (strcmp(cfg->printers[i].id, id) == 0)
			return &cfg->printers[i];
	}
	if (cfg->nprinters == p->capprinters) {
		int cap = p->capprinters ? p->capprinters * 2 : 8;
		pr = realloc(cfg->printers, (size_t)cap * sizeof(*pr));
		if (pr == NULL) {
			conf_error(c, "out of memory");
			return NULL;
		}
		cfg->printers = pr;
		p->capprinters = cap;
	}
	pr = &cfg->printers[cfg->nprinters++];
	printer_conf_init(pr, id, c->section_line);
	return pr;
}

/* The line of the [meter] or [mqtt_meter] with this id, or 0. */
static int meter_line(const struct agent_config *cfg, const char *id, const char **kind)
{
	for (int j = 0; j < cfg->nmeters; j++) {
		if (strcmp(id, cfg->meters[j].id) == 0) {
			*kind = "meter";
			return cfg->meters[j].line;
		}
	}
	for (int j = 0; j < cfg->nmqtt; j++) {
		if (strcmp(id, cfg->mqtt_meters[j].id) == 0) {
			*kind = "mqtt_meter";
			return cfg->mqtt_meters[j].line;
		}
	}
	return 0;
}

/* A meter id names one meter: a Modbus one, an MQTT one and a printer may
 * not share it. */
static void check_ids(struct conf *c, struct agent_config *cfg)
{
	for (int i = 0; i < cfg->nprinters; i++) {
		const char *kind = "";
		int line = meter_line(cfg, cfg->printers[i].id, &kind);
		if (line != 0)
			conf_error_at(c, cfg->printers[i].line, "[printer %s]: the same id as the "
			    "[%s] at line %d", cfg->printers[i].id, kind, line);
	}
	for (int i = 0; i < cfg->nmqtt; i++) {
		for (int j = 0; j < cfg->nmeters; j++) {
			if (strcmp(cfg->mqtt_meters[i].id, cfg->meters[j].id) == 0)
				conf_error_at(c, cfg->mqtt_meters[i].line, "[mqtt_meter %s]: the "
				    "same id as the [meter] at line %d", cfg->mqtt_meters[i].id,
				    cfg->meters[j].line);
		}
	}
}

/* Meters on one bus must agree on how it is driven: a serial line's
 * settings, or the bus a TCP gateway says it has behind it. */
static void check_buses(struct conf *c, struct agent_config *cfg)
{
	for (int i = 0; i < cfg->nmeters; i++) {
		const struct gateway *a = &cfg->meters[i].gw;
		const struct rtu_bus *x = &cfg->meters[i].bus;
		for (int j = 0; j < i; j++) {
			const struct gateway *b = &cfg->meters[j].gw;
			const struct rtu_bus *y = &cfg->meters[j].bus;
			if (agent_config_gateway_same(a, b) && (x->baud != y->baud ||
			    x->parity != y->parity || x->stop_bits != y->stop_bits ||
			    a->data_bits != b->data_bits)) {
				conf_error_at(c, cfg->meters[i].line, "[meter %s]: %s%s is set up "
				    "differently for [meter %s] at line %d", cfg->meters[i].id,
				    a->kind == GW_TCP ? "the bus behind " : "", a->name,
				    cfg->meters[j].id, cfg->meters[j].line);
				break;
			}
		}
	}
}

static void agent_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct agent_parse *p = c->user;
	char type[32], name[128];

	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name))) {
		conf_error(c, "bad section [%s]", section);
	} else if (strcmp(type, "agent") == 0 && name[0] == '\0') {
		p->agent_line = c->section_line;
		agent_key(c, p->cfg, key, value);
	} else if (strcmp(type, "mqtt") == 0 && name[0] == '\0') {
		mqtt_opts_key(c, &p->cfg->mqtt, key, value);
	} else if (strcmp(type, "meter") == 0) {
		struct raw_meter *r;
		if (!id_valid(name)) {
			/* once, at the header, however many keys the section has */
			if (p->bad_meter_line != c->section_line)
				conf_error_at(c, c->section_line,
				    "[meter %s]: meter ids are 1-64 characters [a-z0-9_-]", name);
			p->bad_meter_line = c->section_line;
			return;
		}
		if ((r = raw_meter_get(c, p, name)) != NULL)
			meter_key(c, r, key, value);
	} else if (strcmp(type, "mqtt_meter") == 0) {
		struct mqtt_meter *m;
		if (!id_valid(name)) {
			if (p->bad_meter_line != c->section_line)
				conf_error_at(c, c->section_line,
				    "[mqtt_meter %s]: meter ids are 1-64 characters [a-z0-9_-]", name);
			p->bad_meter_line = c->section_line;
			return;
		}
		if ((m = mqtt_meter_get(c, p, name)) == NULL)
			return;
		if (strcmp(key, "interval") == 0)
			interval_key(c, value, &m->interval_ms);
		else
			mqtt_meter_key(c, m, key, value);
	} else if (strcmp(type, "printer") == 0) {
		struct printer *pr;
		if (!id_valid(name)) {
			if (p->bad_meter_line != c->section_line)
				conf_error_at(c, c->section_line,
				    "[printer %s]: meter ids are 1-64 characters [a-z0-9_-]", name);
			p->bad_meter_line = c->section_line;
			return;
		}
		if ((pr = printer_get(c, p, name)) == NULL)
			return;
		if (strcmp(key, "interval") == 0)
			interval_key(c, value, &pr->interval_ms);
		else
			printer_conf_key(c, pr, key, value);
	} else {
		conf_error(c, "unknown section [%s] (expected [agent], [mqtt], [meter <id>], "
		    "[mqtt_meter <id>] or [printer <id>])", section);
	}
}

static const struct device_model *model_get(struct conf *c, struct agent_config *cfg,
    const char *name)
{
	struct device_model *m;
	int errors;

	for (int i = 0; i < cfg->nmodels; i++) {
		if (strcmp(cfg->models[i].name, name) == 0)
			return cfg->models[i].nchannels ? &cfg->models[i] : NULL;
	}
	/* cfg->models has room for one model per meter: meters keep pointers
	 * into it, so it must never move. */
	m = &cfg->models[cfg->nmodels++];
	errors = devmap_load(cfg->devices_dir, name, m, c->report, c->report_user);
	if (errors != 0) {
		c->errors += errors;  /* each one was reported */
		m->nchannels = 0;  /* remembered as bad: reported once */
		return NULL;
	}
	return m;
}

/* A printer's profile, each file loaded (and its mistakes reported) once. */
static const struct printer_profile *profile_get(struct conf *c, struct agent_config *cfg,
    const char *name)
{
	struct printer_profile *pf;
	int errors;

	for (int i = 0; i < cfg->nprofiles; i++) {
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return cfg->profiles[i].nchannels ? &cfg->profiles[i] : NULL;
	}
	/* room for one per printer: printers keep pointers into it */
	pf = &cfg->profiles[cfg->nprofiles++];
	errors = printer_profile_load(cfg->devices_dir, name, pf, c->report, c->report_user);
	if (errors != 0) {
		c->errors += errors;
		strcpy(pf->name, name);
		pf->nchannels = 0;   /* remembered as bad: reported once */
		return NULL;
	}
	return pf;
}

static void resolve_printer(struct conf *c, struct agent_config *cfg, struct printer *pr)
{
	printer_conf_check(c, pr);
	c->line = pr->profile_line ? pr->profile_line : pr->line;
	pr->profile = profile_get(c, cfg, pr->profile_name);
}

/* Pick the channels (all, or the listed ones) and apply scale overrides. */
static int resolve_channels(struct conf *c, struct raw_meter *r)
{
	const struct device_model *model = r->m.model;
	const char *name = r->channels;

	r->m.ch = calloc((size_t)model->nchannels, sizeof(*r->m.ch));
	if (r->m.ch == NULL)
		return -1;
	if (r->nchannels == 0) {
		memcpy(r->m.ch, model->channels, (size_t)model->nchannels * sizeof(*r->m.ch));
		r->m.nch = model->nchannels;
	}
	/* conf_list() let no name through twice, so r->m.ch has room */
	for (int i = 0; i < r->nchannels; i++, name += strlen(name) + 1) {
		const struct channel_def *d = devmap_channel(model, name);
		if (d == NULL)
			conf_error_at(c, r->channels_line, "channel \"%s\" is not in model %s",
			    name, model->name);
		else
			r->m.ch[r->m.nch++] = *d;
	}
	for (int i = 0; i < r->noverride; i++) {
		int found = 0;
		for (int j = 0; j < r->m.nch; j++) {
			if (strcmp(r->m.ch[j].name, r->overrides[i].channel) == 0) {
				r->m.ch[j].scale = r->overrides[i].scale;
				found = 1;
			}
		}
		if (!found)
			conf_error_at(c, r->overrides[i].line, "scale.%s: no such channel polled",
			    r->overrides[i].channel);
	}
	return 0;
}

static void resolve_meter(struct conf *c, struct agent_config *cfg, struct raw_meter *r)
{
	if (r->has_host == r->has_device)
		conf_error_at(c, r->m.line, "[meter %s]: give either \"host\" (Modbus TCP) or "
		    "\"device\" (Modbus RTU)", r->m.id);
	else if (r->has_host && r->has_serial)
		conf_error_at(c, r->m.line, "[meter %s]: baud, parity, data_bits and stop_bits "
		    "are for a serial \"device\" (a TCP gateway's bus: bus_baud, bus_parity, "
		    "bus_stop_bits)", r->m.id);
	else if (r->has_device && r->has_bus)
		conf_error_at(c, r->m.line, "[meter %s]: bus_baud, bus_parity and bus_stop_bits "
		    "are for the bus behind a TCP gateway (a serial device: baud, parity, "
		    "stop_bits)", r->m.id);
	else if (r->has_bus && r->bus.baud == 0)
		conf_error_at(c, r->m.line, "[meter %s]: bus_parity and bus_stop_bits need "
		    "bus_baud", r->m.id);
	/* the bus the requests are planned for: a serial line's own settings,
	 * or what the file says is behind a TCP gateway */
	{
		const struct gateway *b = r->has_device ? &r->m.gw : &r->bus;
		r->m.bus = (struct rtu_bus){ b->baud, b->parity, b->stop_bits, r->turnaround_ms };
	}
	r->m.gw.kind = r->has_device ? GW_RTU : GW_TCP;
	if (r->has_device)
		snprintf(r->m.gw.name, sizeof(r->m.gw.name), "%s", r->m.gw.device);
	else
		snprintf(r->m.gw.name, sizeof(r->m.gw.name), "%s:%d", r->m.gw.host, r->m.gw.port);
	if (!r->has_unit)
		conf_error_at(c, r->m.line, "[meter %s]: \"unit\" is required", r->m.id);
	if (r->model[0] == '\0') {
		conf_error_at(c, r->m.line, "[meter %s]: \"model\" is required", r->m.id);
		return;
	}
	c->line = r->model_line;
	if ((r->m.model = model_get(c, cfg, r->model)) == NULL)
		return;
	if (resolve_channels(c, r) != 0)
		conf_error(c, "out of memory");
	if (r->m.timeout_ms >= r->m.interval_ms)
		conf_error_at(c, r->m.line, "[meter %s]: timeout must be shorter than interval",
		    r->m.id);
}

int agent_config_load(const char *path, struct agent_config *cfg, conf_report report,
    void *report_user)
{
	struct agent_parse p = { .cfg = cfg };
	struct conf c = { .path = path, .report = report, .report_user = report_user };

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	strcpy(cfg->devices_dir, "devices");
	strcpy(cfg->spool_dir, "/var/lib/greenmeter/spool");
	cfg->spool_max_mb = 1024;
	cfg->spool_sync_ms = 1000;
	mqtt_opts_defaults(&cfg->mqtt, "gm-agent");
	c.errors = conf_parse(path, agent_handler, &p, report, report_user);
	/* at the [agent] header when there is one, else about the file */
	if (cfg->site[0] == '\0')
		conf_error_at(&c, p.agent_line, "[agent] site is required");

	for (int i = 0; i < cfg->nmqtt; i++)
		mqtt_meter_resolve(&c, &cfg->mqtt_meters[i]);
	cfg->meters = calloc((size_t)(p.nraw ? p.nraw : 1), sizeof(*cfg->meters));
	cfg->models = calloc((size_t)(p.nraw ? p.nraw : 1), sizeof(*cfg->models));
	if (cfg->meters == NULL || cfg->models == NULL)
		conf_error(&c, "out of memory");
	for (int i = 0; i < p.nraw && cfg->meters != NULL && cfg->models != NULL; i++) {
		resolve_meter(&c, cfg, &p.raw[i]);
		cfg->meters[cfg->nmeters++] = p.raw[i].m;
	}
	free(p.raw);
	cfg->profiles = calloc((size_t)(cfg->nprinters ? cfg->nprinters : 1), sizeof(*cfg->profiles));
	if (cfg->profiles == NULL)
		conf_error(&c, "out of memory");
	for (int i = 0; i < cfg->nprinters && cfg->profiles != NULL; i++)
		resolve_printer(&c, cfg, &cfg->printers[i]);
	check_ids(&c, cfg);
	check_buses(&c, cfg);
	return c.errors;
}

void agent_config_free(struct agent_config *cfg)
{
	for (int i = 0; i < cfg->nmeters; i++)
		free(cfg->meters[i].ch);
	free(cfg->meters);
	free(cfg->models);
	free(cfg->mqtt_meters);
	free(cfg->printers);
	free(cfg->profiles);
	cfg->meters = NULL;
	cfg->models = NULL;
	cfg->mqtt_meters = NULL;
	cfg->printers = NULL;
	cfg->profiles = NULL;
	cfg->nmeters = cfg->nmodels = cfg->nmqtt = cfg->nprinters = cfg->nprofiles = 0;
}

/* Whole seconds, rounded up: "every" is an integer, and a shorter one
 * would call a meter on time late. */
static long every_of(int interval_ms)
{
	return interval_ms > 0 ? (interval_ms + 999) / 1000 : 0;
}

long agent_config_every(const struct agent_config *cfg, const char *meter)
{
	/* a few hundred meters at most: looked for once a message */
	for (int i = 0; i < cfg->nmeters; i++) {
		if (strcmp(cfg->meters[i].id, meter) == 0)
			return every_of(cfg->meters[i].interval_ms);
	}
	for (int i = 0; i < cfg->nmqtt; i++) {
		if (strcmp(cfg->mqtt_meters[i].id, meter) == 0)
			return every_of(cfg->mqtt_meters[i].interval_ms);
	}
	for (int i = 0; i < cfg->nprinters; i++) {
		if (strcmp(cfg->printers[i].id, meter) == 0)
			return every_of(cfg->printers[i].interval_ms);
	}
	return 0;
}
