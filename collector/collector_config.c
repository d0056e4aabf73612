/* collector_config.c - parse gm-collector's INI file. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "collector_config.h"
#include "gm_err.h"
#include "rrdc.h"
#include "status_file.h"
#include "topic.h"

/* The levels of a filter after greenmeter/v1/: site, meter, channel and
 * "event", each a name or +, or # to end it. NULL, or why not. */
static const char *filter_levels(const char *s)
{
	for (int level = 0; ; level++) {
		size_t n = strcspn(s, "/");
		char name[ID_MAX + 2];

		if (level == 4)
			return "has more levels than greenmeter/v1/<site>/<meter>/<channel>/event";
		if (n == 1 && s[0] == '#') {
			if (s[1] != '\0')
				return "has # before its last level";
			return NULL;
		}
		if (!(n == 1 && s[0] == '+')) {
			snprintf(name, sizeof(name), "%.*s", (int)(n > ID_MAX ? ID_MAX + 1 : n), s);
			if (memchr(s, '+', n) != NULL || memchr(s, '#', n) != NULL)
				return "has + or # within a level (a wildcard is a whole level)";
			if (level == 3 ? strcmp(name, "event") != 0 : !id_valid(name))
				return level == 3 ? "has a fourth level other than event" :
				    "has a level that is not an id, +, or # (ids are [a-z0-9_-])";
		}
		if (s[n] == '\0')
			return NULL;
		s += n + 1;
	}
}

/* What the collector subscribes to: greenmeter/v1/# or a part of it, or
 * the same in a shared group, $share/<group>/greenmeter/v1/... A filter the
 * broker would refuse, or one that can never match a greenmeter topic, is a
 * mistake here rather than a collector that stores nothing. */
static void subscribe_key(struct conf *c, struct collector_config *cfg, const char *key,
    const char *value)
{
	const char *f = value, *why = NULL;

	if (strncmp(f, "$share/", 7) == 0) {
		size_t g = strcspn(f + 7, "/+#");
		if (g == 0 || f[7 + g] != '/')
			why = "the group of $share/<group>/ is empty or has + or #";
		f += 7 + g + 1;
	}
	if (why == NULL && strncmp(f, TOPIC_PREFIX, strlen(TOPIC_PREFIX)) != 0)
		why = "expected " TOPIC_PREFIX "# or a part of it, or $share/<group>/"
		    TOPIC_PREFIX "#";
	if (why == NULL)
		why = filter_levels(f + strlen(TOPIC_PREFIX));
	if (why != NULL)
		conf_error(c, "%s = \"%s\": %s", key, value, why);
	else
		conf_str(c, key, value, cfg->subscribe, sizeof(cfg->subscribe));
}

static void collector_key(struct conf *c, struct collector_config *cfg, const char *key,
    const char *value)
{
	long n;

	if (strcmp(key, "data_dir") == 0)
		conf_str(c, key, value, cfg->data_dir, sizeof(cfg->data_dir));
	else if (strcmp(key, "subscribe") == 0)
		subscribe_key(c, cfg, key, value);
	else if (strcmp(key, "status_file") == 0)
		conf_str(c, key, value, cfg->status_file, sizeof(cfg->status_file));
	else if (strcmp(key, "rrdcached") == 0)
		rrdc_conf_key(c, key, value, cfg->rrdcached, sizeof(cfg->rrdcached));
	else if (strcmp(key, "max_future") == 0)
		conf_double(c, key, value, 0, 86400, &cfg->max_future_s);
	else if (strcmp(key, "fault_hold") == 0)
		conf_double(c, key, value, 0, 7 * 86400, &cfg->fault_hold_s);
	else if (strcmp(key, "arrivals") == 0) {
		if (conf_long(c, key, value, 0, ARRIVED_MAX, &n))
			cfg->arrivals = (unsigned)n;
	}
	else if (strcmp(key, "write_delay") == 0)
		conf_double(c, key, value, 0, 300, &cfg->write_delay_s);
	else
		conf_error(c, "unknown key \"%s\" in [collector]", key);
}

struct collector_parse {
	struct collector_config *cfg;
	int collector_line;   /* the [collector] header, 0: none */
};

static void collector_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct collector_parse *p = c->user;
	struct collector_config *cfg = p->cfg;

	if (strcmp(section, "collector") == 0) {
		p->collector_line = c->section_line;
		collector_key(c, cfg, key, value);
	}
	else if (strcmp(section, "mqtt") == 0)
		mqtt_opts_key(c, &cfg->mqtt, key, value);
	else
		conf_error(c, "unknown section [%s] (expected [collector] or [mqtt])", section);
}

int collector_config_load(const char *path, struct collector_config *cfg,
    conf_report report, void *report_user)
{
	struct conf c = { .path = path, .report = report, .report_user = report_user };
	struct collector_parse p = { .cfg = cfg };

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->subscribe, "greenmeter/v1/#");
	cfg->max_future_s = 300;
	cfg->fault_hold_s = 600;
	cfg->arrivals = ARRIVED_MAX;
	cfg->write_delay_s = 5;   /* peers: collectd's CacheTimeout, rrdcached -w: minutes */
	mqtt_opts_defaults(&cfg->mqtt, "gm-collector");
	c.errors = conf_parse(path, collector_handler, &p, report, report_user);
	/* at the [collector] header when there is one, else about the file */
	if (cfg->data_dir[0] == '\0')
		conf_error_at(&c, p.collector_line, "[collector] data_dir is required");
	return c.errors;
}
