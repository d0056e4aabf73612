/*
 * fuzz_conf_agent.c - libFuzzer target over gm-agent's config file
 * (agent/agent_config.c), through the same loader gm-agent -n uses: the
 * input is written to a scratch file and loaded; "@ROOT/devices" in it
 * names the shipped meter models. Besides the rules of fuzz_conf.h, an
 * accepted config keeps what the agent relies on:
 *   - the site and every meter id are valid ids, no id used twice (Modbus
 *     and MQTT meters alike);
 *   - each Modbus meter has its model, 1.. of the model's channels, none
 *     twice, every scale finite and not 0; unit 0..255, interval 0.1 s ..
 *     1 day and longer than the timeout, retries 0..10; a TCP gateway with
 *     a host and a port 1..65535, or a serial device driven as every other
 *     meter on it is;
 *   - each MQTT meter has an exact topic and 1..8 channels, each with a
 *     valid unit, a JSON path of 0..16 steps that reads back as written
 *     (json_path_parse of its text gives the same steps) and a finite
 *     scale that is not 0; and an interval of 0 (none) or 0.1 s .. 1 day;
 *   - what a meter's readings say as "every" (agent_config_every) is its
 *     interval in whole seconds, rounded up: 1..86400, or 0 for an MQTT
 *     meter without one;
 *   - [mqtt] as fuzz_check_mqtt() says.
 */
#include <math.h>

#include "agent_config.h"
#include "fuzz_conf.h"

static void check_channels(const char *id, const struct channel_def *ch, int n, int max)
{
	if (n < 1 || n > max)
		fuzz_broken("meter %s polls %d channels of %d", id, n, max);
	for (int i = 0; i < n; i++) {
		if (!id_valid(ch[i].name) || !unit_valid(ch[i].unit))
			fuzz_broken("meter %s: channel \"%s\" unit \"%s\"", id, ch[i].name, ch[i].unit);
		if (!isfinite(ch[i].scale) || ch[i].scale == 0 || !isfinite(ch[i].offset))
			fuzz_broken("meter %s: channel %s scale %g offset %g", id, ch[i].name,
			    ch[i].scale, ch[i].offset);
		for (int j = 0; j < i; j++) {
			if (strcmp(ch[i].name, ch[j].name) == 0)
				fuzz_broken("meter %s polls %s twice", id, ch[i].name);
		}
	}
}

static void check_gateway(const struct agent_meter *m, const struct agent_config *cfg, int i)
{
	const struct gateway *g = &m->gw;

	if (g->kind == GW_TCP && (g->host[0] == '\0' || g->port < 1 || g->port > 65535))
		fuzz_broken("meter %s: gateway \"%s\" port %d", m->id, g->host, g->port);
	if (g->kind == GW_RTU && (g->device[0] == '\0' || g->baud < 300 || g->baud > 1000000 ||
	    strchr("NEO", g->parity) == NULL || g->parity == '\0' ||
	    (g->data_bits != 7 && g->data_bits != 8) || (g->stop_bits != 1 && g->stop_bits != 2)))
		fuzz_broken("meter %s: serial line %s %d %c%d%d", m->id, g->device, g->baud,
		    g->parity, g->data_bits, g->stop_bits);
	for (int j = 0; j < i; j++) {
		const struct gateway *h = &cfg->meters[j].gw;
		if (g->kind == GW_RTU && agent_config_gateway_same(g, h) && (g->baud != h->baud ||
		    g->parity != h->parity || g->data_bits != h->data_bits ||
		    g->stop_bits != h->stop_bits))
			fuzz_broken("meters %s and %s drive %s differently", m->id,
			    cfg->meters[j].id, g->device);
	}
}

static void check_every(const struct agent_config *cfg, const char *id, int interval_ms)
{
	long every = agent_config_every(cfg, id);

	if (every != (interval_ms + 999) / 1000 || every < 0 || every > 86400 ||
	    (every == 0) != (interval_ms == 0))
		fuzz_broken("meter %s: interval %d ms, every %ld s", id, interval_ms, every);
}

static void check_meter(const struct agent_config *cfg, int i)
{
	const struct agent_meter *m = &cfg->meters[i];

	if (!id_valid(m->id) || m->model == NULL)
		fuzz_broken("meter \"%s\" accepted without a model", m->id);
	for (int j = 0; j < i; j++) {
		if (strcmp(m->id, cfg->meters[j].id) == 0)
			fuzz_broken("meter %s twice", m->id);
	}
	check_channels(m->id, m->ch, m->nch, m->model->nchannels);
	if (m->unit < 0 || m->unit > 255 || m->retries < 0 || m->retries > 10)
		fuzz_broken("meter %s: unit %d retries %d", m->id, m->unit, m->retries);
	if (m->interval_ms < 100 || m->interval_ms > 86400000 || m->timeout_ms < 10 ||
	    m->timeout_ms >= m->interval_ms)
		fuzz_broken("meter %s: interval %d ms, timeout %d ms", m->id, m->interval_ms,
		    m->timeout_ms);
	check_every(cfg, m->id, m->interval_ms);
	check_gateway(m, cfg, i);
}

static void check_mqtt_meter(const struct agent_config *cfg, int i)
{
	const struct mqtt_meter *m = &cfg->mqtt_meters[i];

	if (!id_valid(m->id) || m->topic[0] == '\0' || strpbrk(m->topic, "+#") != NULL)
		fuzz_broken("mqtt meter \"%s\" topic \"%s\"", m->id, m->topic);
	for (int j = 0; j < cfg->nmeters; j++) {
		if (strcmp(m->id, cfg->meters[j].id) == 0)
			fuzz_broken("id %s is a Modbus and an MQTT meter", m->id);
	}
	for (int j = 0; j < i; j++) {
		if (strcmp(m->id, cfg->mqtt_meters[j].id) == 0)
			fuzz_broken("mqtt meter %s twice", m->id);
	}
	if (m->nch < 1 || m->nch > MQTT_METER_MAX_CH)
		fuzz_broken("mqtt meter %s has %d channels", m->id, m->nch);
	if (m->interval_ms != 0 && (m->interval_ms < 100 || m->interval_ms > 86400000))
		fuzz_broken("mqtt meter %s: interval %d ms", m->id, m->interval_ms);
	check_every(cfg, m->id, m->interval_ms);
	for (int k = 0; k < m->nch; k++) {
		const struct mqtt_chan *ch = &m->ch[k];
		struct json_path again;
		char why[200];
		if (!id_valid(ch->name) || !unit_valid(ch->unit) || ch->path.text[0] == '\0' ||
		    ch->topic[0] == '\0' || !isfinite(ch->scale.by) || ch->scale.by == 0)
			fuzz_broken("mqtt meter %s: channel \"%s\" unit \"%s\" path \"%s\" "
			    "scale %g", m->id, ch->name, ch->unit, ch->path.text,
			    scale_factor(ch->scale));
		if (ch->path.n > JSON_PATH_STEPS ||
		    json_path_parse(ch->path.text, &again, why, sizeof(why)) != 0 ||
		    memcmp(&again, &ch->path, sizeof(again)) != 0)
			fuzz_broken("mqtt meter %s: channel %s path \"%s\" does not read back",
			    m->id, ch->name, ch->path.text);
		for (int j = 0; j < k; j++) {
			if (strcmp(ch->name, m->ch[j].name) == 0)
				fuzz_broken("mqtt meter %s: channel %s twice", m->id, ch->name);
		}
	}
}

static void check_config(const struct agent_config *cfg)
{
	if (!id_valid(cfg->site))
		fuzz_broken("site \"%s\" accepted", cfg->site);
	if (cfg->spool_max_mb < 16 || cfg->spool_max_mb > 1024L * 1024 ||
	    cfg->spool_sync_ms < 10 || cfg->spool_sync_ms > 60000 || cfg->spool_dir[0] == '\0')
		fuzz_broken("spool %s %ld MB, sync %ld ms", cfg->spool_dir, cfg->spool_max_mb,
		    cfg->spool_sync_ms);
	fuzz_check_mqtt(&cfg->mqtt);
	for (int i = 0; i < cfg->nmeters; i++)
		check_meter(cfg, i);
	for (int i = 0; i < cfg->nmqtt; i++)
		check_mqtt_meter(cfg, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	struct agent_config cfg;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_agent";
	if (path == NULL)
		path = fuzz_path("agent.conf");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = agent_config_load(path, &cfg, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_config(&cfg);
	agent_config_free(&cfg);
	return 0;
}
