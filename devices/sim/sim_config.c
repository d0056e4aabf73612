/* sim_config.c - read sim.conf and the model files it names, reporting every mistake. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "sim_config.h"
#include "timeutil.h"

enum section_mode { SEC_NONE, SEC_SIM, SEC_METER };

struct sim_parse {
	struct sim_config *cfg;
	bool started;            /* a key has been seen */
	char section[128];       /* the section the last key was in */
	enum section_mode mode;  /* SEC_NONE: ignore the keys (already reported) */
	struct sim_meter *cur;
};

struct sim_meter *sim_config_meter(const struct sim_config *cfg, const char *id)
{
	for (int i = 0; i < cfg->nmeters; i++) {
		if (strcmp(cfg->meters[i].id, id) == 0)
			return &cfg->meters[i];
	}
	return NULL;
}

static struct sim_meter *add_meter(struct conf *c, struct sim_config *cfg, const char *id)
{
	struct sim_meter *m = sim_config_meter(cfg, id);

	if (m != NULL) {
		conf_error(c, "[meter %s] is defined twice (first at line %d)", id, m->line);
		return NULL;
	}
	m = realloc(cfg->meters, (size_t)(cfg->nmeters + 1) * sizeof(*m));
	if (m == NULL) {
		conf_error(c, "out of memory");
		return NULL;
	}
	cfg->meters = m;
	m = &cfg->meters[cfg->nmeters++];
	memset(m, 0, sizeof(*m));
	strcpy(m->id, id);
	m->line = c->section_line;
	m->fault.from = -INFINITY;
	m->fault.until = INFINITY;
	m->replace_at = INFINITY;
	m->load_change_at = INFINITY;
	return m;
}

/* inih hands us keys, not section headers: a new section shows as a change
 * of the section name, and is checked once, at its first key. */
static void enter_section(struct conf *c, struct sim_parse *p, const char *section)
{
	char type[16], name[ID_MAX + 2];

	snprintf(p->section, sizeof(p->section), "%s", section);
	p->started = true;
	p->mode = SEC_NONE;
	if (section[0] == '\0') {
		conf_error(c, "keys must follow a [sim] or [meter <id>] section");
	} else if (!conf_section_split(section, type, sizeof(type), name, sizeof(name))) {
		conf_error(c, "bad section [%s]", section);
	} else if (strcmp(type, "sim") == 0 && name[0] == '\0') {
		p->mode = SEC_SIM;
	} else if (strcmp(type, "meter") == 0 && !id_valid(name)) {
		conf_error(c, "[meter %s]: meter ids are 1-64 characters [a-z0-9_-]", name);
	} else if (strcmp(type, "meter") == 0) {
		if ((p->cur = add_meter(c, p->cfg, name)) != NULL)
			p->mode = SEC_METER;
	} else {
		conf_error(c, "unknown section [%s] (expected [sim] or [meter <id>])", section);
	}
}

/* "rtu:<serial device>" or "host:port". */
static void listen_key(struct conf *c, struct sim_config *cfg, const char *key,
    const char *value)
{
	const char *device = value + strlen("rtu:");

	if (strncmp(value, "rtu:", strlen("rtu:")) != 0) {
		cfg->transport = SIM_TCP;
		conf_hostport(c, key, value, cfg->host, sizeof(cfg->host), &cfg->port, 1502);
	} else if (device[0] == '\0') {
		conf_error(c, "%s = \"%s\": expected rtu:<serial device>", key, value);
	} else {
		cfg->transport = SIM_RTU;
		conf_str(c, key, device, cfg->device, sizeof(cfg->device));
	}
}

/* The serial line's settings, checked here because modbus_new_rtu would
 * quietly take an unknown baud rate for 9600. */
static void serial_key(struct conf *c, struct sim_config *cfg, const char *key,
    const char *value)
{
	static const long bauds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
		230400 };
	size_t i;
	long l;

	if (cfg->serial_line == 0)
		cfg->serial_line = c->line;
	if (strcmp(key, "baud") == 0) {
		if (!conf_long(c, key, value, bauds[0], 230400, &l))
			return;
		for (i = 0; i < sizeof(bauds) / sizeof(bauds[0]) && bauds[i] != l; i++)
			;
		if (i == sizeof(bauds) / sizeof(bauds[0]))
			conf_error(c, "%s = \"%s\": expected 1200, 2400, 4800, 9600, 19200, 38400, "
			    "57600, 115200 or 230400", key, value);
		else
			cfg->baud = (int)l;
	} else if (strcmp(key, "parity") == 0) {
		if (strcmp(value, "N") == 0 || strcmp(value, "E") == 0 || strcmp(value, "O") == 0)
			cfg->parity = value[0];
		else
			conf_error(c, "%s = \"%s\": expected N, E or O (none, even, odd)", key, value);
	} else if (strcmp(key, "data_bits") == 0) {
		if (strcmp(value, "8") != 0)
			conf_error(c, "%s = \"%s\": Modbus RTU sends 8 data bits", key, value);
	} else if (conf_long(c, key, value, 1, 2, &l)) {   /* stop_bits */
		cfg->stop_bits = (int)l;
	}
}

static void sim_key(struct conf *c, struct sim_config *cfg, const char *key,
    const char *value)
{
	long l;

	if (strcmp(key, "listen") == 0)
		listen_key(c, cfg, key, value);
	else if (strcmp(key, "baud") == 0 || strcmp(key, "parity") == 0 ||
	    strcmp(key, "data_bits") == 0 || strcmp(key, "stop_bits") == 0)
		serial_key(c, cfg, key, value);
	else if (strcmp(key, "devices") == 0)
		conf_str(c, key, value, cfg->devices, sizeof(cfg->devices));
	else if (strcmp(key, "latency_ms") == 0) {
		if (conf_long(c, key, value, 0, 10000, &l))
			cfg->latency_ms = (int)l;
	} else if (strcmp(key, "line") == 0) {
		if (strcmp(value, "flat") == 0 || strcmp(value, "rtu") == 0)
			cfg->line_rtu = value[0] == 'r';
		else
			conf_error(c, "line = \"%s\": expected flat (latency_ms a request) or rtu "
			    "(the bytes' time on the bus)", value);
	} else if (strcmp(key, "turnaround_ms") == 0) {
		conf_double(c, key, value, 0, 1000, &cfg->turnaround_ms);
	} else
		conf_error(c, "unknown key \"%s\" in [sim]", key);
}

/* "scale.<channel> = x": checked against the model once it is loaded. */
static void scale_key(struct conf *c, struct sim_meter *m, const char *key,
    const char *value)
{
	const char *channel = key + strlen("scale.");
	struct sim_scale_override *o;
	double scale;

	if (!id_valid(channel)) {
		conf_error(c, "%s: \"%s\" is not a channel id", key, channel);
		return;
	}
	for (int i = 0; i < m->noverrides; i++) {
		if (strcmp(m->overrides[i].channel, channel) == 0) {
			conf_error(c, "%s is set twice (first at line %d)", key, m->overrides[i].line);
			return;
		}
	}
	if (!conf_double(c, key, value, -1e12, 1e12, &scale))
		return;
	if (scale == 0) {
		conf_error(c, "%s = 0: a scale of zero hides every reading", key);
		return;
	}
	if (m->noverrides == DEVMAP_MAX_CHANNELS) {
		conf_error(c, "more than %d scale overrides", DEVMAP_MAX_CHANNELS);
		return;
	}
	o = &m->overrides[m->noverrides++];
	strcpy(o->channel, channel);
	o->scale = scale;
	o->line = c->line;
}

/* fault_from, fault_until: local time or @unix. */
static void fault_time(struct conf *c, struct sim_meter *m, const char *key,
    const char *value, double *out, bool *have)
{
	char why[160];
	time_t t;

	if (time_parse_local(value, &t, why, sizeof(why)) == GM_OK)
		*out = (double)t;
	else
		conf_error(c, "%s: %s", key, why);
	*have = true;
	if (m->window_line == 0)
		m->window_line = c->line;
}

/* fault, fault_from, fault_until; whether they fit together is checked
 * once the whole file is read (check_fault). */
static void fault_key(struct conf *c, struct sim_meter *m, const char *key,
    const char *value)
{
	if (strcmp(key, "fault") == 0) {
		if (fault_parse(value, &m->fault.kind) == GM_OK)
			m->have_fault = true;
		else
			conf_error(c, "%s = \"%s\": expected none, timeout, exception, reset or swap",
			    key, value);
		m->fault_line = c->line;
	} else if (strcmp(key, "fault_from") == 0) {
		fault_time(c, m, key, value, &m->fault.from, &m->have_fault_from);
	} else if (strcmp(key, "fault_until") == 0) {
		fault_time(c, m, key, value, &m->fault.until, &m->have_fault_until);
	} else {
		conf_error(c, "unknown key \"%s\" in [meter %s]", key, m->id);
	}
}

static void meter_key(struct conf *c, struct sim_meter *m, const char *key,
    const char *value)
{
	long l;

	if (strcmp(key, "unit") == 0) {
		if (conf_long(c, key, value, 1, SIM_UNIT_MAX, &l))
			m->unit = (int)l;
		m->have_unit = true;
		m->unit_line = c->line;
	} else if (strcmp(key, "model") == 0) {
		m->have_model = conf_id(c, key, value, m->model_name);
		m->model_line = c->line;
	} else if (strcmp(key, "seed") == 0) {
		if (conf_long(c, key, value, 0, LONG_MAX, &l))
			m->seed = (uint64_t)l;
		m->have_seed = true;
	} else if (strcmp(key, "load") == 0) {
		conf_double(c, key, value, 0, 1e9, &m->load);
		m->have_load = true;
	} else if (strcmp(key, "start") == 0) {
		conf_double(c, key, value, -1e12, 1e12, &m->start);
		m->have_start = true;
	} else if (strcmp(key, "start_at") == 0) {
		char why[160];
		if (time_parse_local(value, &m->start_at, why, sizeof(why)) != GM_OK)
			conf_error(c, "start_at: %s", why);
		m->have_start_at = true;
	} else if (strcmp(key, "replace_at") == 0) {
		char why[160];
		time_t t;
		if (time_parse_local(value, &t, why, sizeof(why)) != GM_OK)
			conf_error(c, "replace_at: %s", why);
		m->replace_at = (double)t;
		m->have_replace_at = true;
		m->replace_line = c->line;
	} else if (strcmp(key, "replace_start") == 0) {
		conf_double(c, key, value, 0, 1e12, &m->replace_start);
		m->have_replace_start = true;
		m->replace_line = c->line;
	} else if (strcmp(key, "load_change_at") == 0) {
		char why[160];
		time_t t;
		if (time_parse_local(value, &t, why, sizeof(why)) == GM_OK)
			m->load_change_at = (double)t;
		else
			conf_error(c, "load_change_at: %s", why);
		m->have_load_change_at = true;
		m->load_change_line = c->line;
	} else if (strcmp(key, "load_after") == 0) {
		/* 0 is a meter that stops counting (an office closed); below is none. */
		conf_double(c, key, value, 0, 1e9, &m->load_after);
		m->have_load_after = true;
		m->load_change_line = c->line;
	} else if (strncmp(key, "fault", strlen("fault")) == 0) {
		fault_key(c, m, key, value);
	} else if (strncmp(key, "scale.", strlen("scale.")) == 0) {
		scale_key(c, m, key, value);
	} else {
		conf_error(c, "unknown key \"%s\" in [meter %s]", key, m->id);
	}
}

static void sim_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct sim_parse *p = c->user;

	if (!p->started || strcmp(section, p->section) != 0)
		enter_section(c, p, section);
	if (p->mode == SEC_SIM)
		sim_key(c, p->cfg, key, value);
	else if (p->mode == SEC_METER)
		meter_key(c, p->cur, key, value);
}

/* A replacement needs both its moment and the new meter's first count. */
static void check_replace(struct conf *c, const struct sim_meter *m)
{
	if (m->have_replace_at != m->have_replace_start)
		conf_error_at(c, m->replace_line, "[meter %s]: replace_at and replace_start "
		    "go together (when, and the new meter's first count)", m->id);
}

/* A change of load needs both its moment and the new load. */
static void check_load_change(struct conf *c, const struct sim_meter *m)
{
	if (m->have_load_change_at != m->have_load_after)
		conf_error_at(c, m->load_change_line, "[meter %s]: load_change_at and load_after "
		    "go together (when, and the load from then on)", m->id);
}

/* A fault's window must be one, and a reset must say when it happened. */
static void check_fault(struct conf *c, const struct sim_meter *m)
{
	const struct fault *f = &m->fault;
	/* A bad fault value is reported already: no second message for it. */
	bool no_fault = m->fault_line == 0 || (m->have_fault && f->kind == FAULT_NONE);

	if (no_fault && m->window_line > 0)
		conf_error_at(c, m->window_line, "[meter %s]: fault_from/fault_until without a "
		    "fault", m->id);
	if (f->kind == FAULT_RESET && !m->have_fault_from)
		conf_error_at(c, m->fault_line, "[meter %s]: fault = reset needs fault_from, "
		    "the moment the counters restarted from 0", m->id);
	if (m->have_fault_from && m->have_fault_until && f->until <= f->from)
		conf_error_at(c, m->window_line, "[meter %s]: fault_until is not after fault_from",
		    m->id);
}

/* Required keys, and unit ids unique across the gateway. */
static void check_meters(struct conf *c, const struct sim_config *cfg)
{
	const struct sim_meter *by_unit[SIM_UNIT_MAX + 1] = { 0 };
	static const char *const names[] = { "unit", "model", "seed", "load" };

	for (int i = 0; i < cfg->nmeters; i++) {
		const struct sim_meter *m = &cfg->meters[i];
		bool have[] = { m->have_unit, m->have_model, m->have_seed, m->have_load };

		for (size_t k = 0; k < sizeof(have) / sizeof(have[0]); k++) {
			if (!have[k])
				conf_error_at(c, m->line, "[meter %s]: \"%s\" is required", m->id,
				    names[k]);
		}
		check_fault(c, m);
		check_replace(c, m);
		check_load_change(c, m);
		if (m->unit == 0)
			continue;   /* missing or bad: reported already */
		if (by_unit[m->unit] != NULL)
			conf_error_at(c, m->unit_line, "unit %d is already used by meter %s (line %d)",
			    m->unit, by_unit[m->unit]->id, by_unit[m->unit]->unit_line);
		else
			by_unit[m->unit] = m;
	}
}

/* Index of the meter's model in cfg->models, loading it on first use;
 * -1 if its file has errors (reported once, by devmap, and here per meter). */
static int find_model(struct conf *c, struct sim_config *cfg, const struct sim_meter *m,
    int *model_errors)
{
	int i;

	for (i = 0; i < cfg->nmodels; i++) {
		if (strcmp(cfg->models[i].name, m->model_name) == 0)
			break;
	}
	if (i == cfg->nmodels) {
		model_errors[i] = devmap_load(cfg->devices, m->model_name, &cfg->models[i],
		    c->report, c->report_user);
		cfg->nmodels++;
	}
	if (model_errors[i] == 0)
		return i;
	conf_error_at(c, m->model_line, "model = \"%s\": %s/%s.conf has errors", m->model_name,
	    cfg->devices, m->model_name);
	return -1;
}

/* The meter's own channel scales: the model's, with its overrides. */
static void apply_scales(struct conf *c, struct sim_meter *m)
{
	const struct device_model *model = m->model;

	for (int i = 0; i < model->nchannels; i++)
		m->scale[i] = model->channels[i].scale;
	for (int i = 0; i < m->noverrides; i++) {
		const struct channel_def *ch = devmap_channel(model, m->overrides[i].channel);
		if (ch == NULL) {
			conf_error_at(c, m->overrides[i].line, "scale.%s: model %s has no channel %s",
			    m->overrides[i].channel, model->name, m->overrides[i].channel);
			continue;
		}
		m->scale[ch - model->channels] = m->overrides[i].scale;
	}
}

static void load_models(struct conf *c, struct sim_config *cfg)
{
	int *model_errors;

	if (cfg->nmeters == 0)
		return;
	cfg->models = calloc((size_t)cfg->nmeters, sizeof(*cfg->models));
	model_errors = calloc((size_t)cfg->nmeters, sizeof(*model_errors));
	if (cfg->models == NULL || model_errors == NULL) {
		conf_error(c, "out of memory");
		free(model_errors);
		return;
	}
	for (int i = 0; i < cfg->nmeters; i++) {
		struct sim_meter *m = &cfg->meters[i];
		int idx;

		if (!m->have_model || (idx = find_model(c, cfg, m, model_errors)) < 0)
			continue;
		m->model = &cfg->models[idx];
		apply_scales(c, m);
	}
	free(model_errors);
}

static void init_profiles(struct sim_config *cfg)
{
	for (int i = 0; i < cfg->nmeters; i++) {
		struct sim_meter *m = &cfg->meters[i];

		if (!m->have_start)
			m->start = 1000 + (double)(m->seed % 50000);
		profile_init(&m->profile, m->seed, m->load, 0);
		if (m->have_load_change_at)
			profile_change_load(&m->profile, m->load_change_at, m->load_after);
		/* Counter = start at start_at: shift by what accrues up to it (from
		 * 0 at the epoch), the change of load included if it comes first. */
		m->profile.start = m->start -
		    (m->have_start_at ? profile_counter(&m->profile, (double)m->start_at) : 0);
	}
}

int sim_config_load(const char *path, struct sim_config *cfg, conf_report report,
    void *report_user)
{
	struct sim_parse p = { .cfg = cfg };
	struct conf c = { .path = path, .report = report, .report_user = report_user };
	int errors;

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->host, "127.0.0.1");
	cfg->port = 1502;
	cfg->baud = 9600;
	cfg->parity = 'N';
	cfg->data_bits = 8;
	cfg->stop_bits = 1;
	strcpy(cfg->devices, "devices");
	errors = conf_parse(path, sim_handler, &p, report, report_user);
	if (cfg->serial_line > 0 && cfg->transport != SIM_RTU && !cfg->line_rtu)
		conf_error_at(&c, cfg->serial_line, "baud, parity, data_bits and stop_bits are "
		    "for listen = rtu:<serial device>, or the bus behind a TCP gateway with "
		    "line = rtu");
	if (errors == 0 && cfg->nmeters == 0)
		conf_error(&c, "no [meter <id>] sections: nothing to simulate");
	check_meters(&c, cfg);
	/* Model files are read even after mistakes here, so one run of
	 * gm-sim -n lists them all. */
	load_models(&c, cfg);
	errors += c.errors;
	if (errors > 0)
		sim_config_free(cfg);
	else
		init_profiles(cfg);
	return errors;
}

void sim_config_free(struct sim_config *cfg)
{
	free(cfg->meters);
	free(cfg->models);
	memset(cfg, 0, sizeof(*cfg));
}
