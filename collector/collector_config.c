/* collector_config.c - parse gm-collector's INI file. */
#include <stdbool.h>
#include <string.h>

#include "collector_config.h"
#include "err.h"
#include "rrd_backend.h"

static void rrdcached_key(struct conf *c, struct collector_config *cfg, const char *key,
    const char *value)
{
	char err[256];
	bool is_unix;

	if (!conf_str(c, key, value, cfg->rrdcached, sizeof(cfg->rrdcached)) || value[0] == '\0')
		return;   /* empty: librrd writes the files */
	if (rrd_cached_addr_check(cfg->rrdcached, &is_unix, err, sizeof(err)) != GM_OK)
		conf_error(c, "%s", err);
}

static void collector_key(struct conf *c, struct collector_config *cfg, const char *key,
    const char *value)
{
	if (strcmp(key, "data_dir") == 0)
		conf_str(c, key, value, cfg->data_dir, sizeof(cfg->data_dir));
	else if (strcmp(key, "subscribe") == 0)
		conf_str(c, key, value, cfg->subscribe, sizeof(cfg->subscribe));
	else if (strcmp(key, "status_file") == 0)
		conf_str(c, key, value, cfg->status_file, sizeof(cfg->status_file));
	else if (strcmp(key, "rrdcached") == 0)
		rrdcached_key(c, cfg, key, value);
	else if (strcmp(key, "max_future") == 0)
		conf_double(c, key, value, 0, 86400, &cfg->max_future_s);
	else if (strcmp(key, "fault_hold") == 0)
		conf_double(c, key, value, 0, 7 * 86400, &cfg->fault_hold_s);
	else if (strcmp(key, "write_delay") == 0)
		conf_double(c, key, value, 0, 300, &cfg->write_delay_s);
	else
		conf_error(c, "unknown key \"%s\" in [collector]", key);
}

static void collector_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct collector_config *cfg = c->user;

	if (strcmp(section, "collector") == 0)
		collector_key(c, cfg, key, value);
	else if (strcmp(section, "mqtt") == 0)
		mqtt_opts_key(c, &cfg->mqtt, key, value);
	else
		conf_error(c, "unknown section [%s] (expected [collector] or [mqtt])", section);
}

int collector_config_load(const char *path, struct collector_config *cfg,
    conf_report report, void *report_user)
{
	struct conf c = { .path = path, .report = report, .report_user = report_user };

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->subscribe, "greenmeter/v1/#");
	cfg->max_future_s = 300;
	cfg->fault_hold_s = 600;
	cfg->write_delay_s = 5;   /* peers: collectd's CacheTimeout, rrdcached -w: minutes */
	mqtt_opts_defaults(&cfg->mqtt, "gm-collector");
	c.errors = conf_parse(path, collector_handler, cfg, report, report_user);
	if (cfg->data_dir[0] == '\0')
		conf_error(&c, "[collector] data_dir is required");
	return c.errors;
}
