/* dash_config.c - parse gm-dashboard's INI file. */
#include <stdio.h>
#include <string.h>

#include "dash_config.h"
#include "gm_err.h"
#include "rrdc.h"
#include "topic.h"

/* A topic we publish to: no wildcards, and never under the readings'
 * prefix, where the collector would take alerts for bad readings. */
static void alert_topic_key(struct conf *c, struct dash_config *cfg, const char *key,
    const char *value)
{
	if (!conf_str(c, key, value, cfg->alert_topic, sizeof(cfg->alert_topic)))
		return;
	if (strpbrk(value, "+#") != NULL || value[0] == '\0' || value[0] == '$')
		conf_error(c, "%s = \"%s\": a topic to publish to (no + # or $)", key, value);
	else if (strncmp(value, TOPIC_PREFIX, strlen(TOPIC_PREFIX) - 1) == 0)
		conf_error(c, "%s = \"%s\": under %s the collector would read alerts as "
		    "readings", key, value, TOPIC_PREFIX);
}

static void int_key(struct conf *c, const char *key, const char *value, long min, long max,
    int *out)
{
	long n;

	if (conf_long(c, key, value, min, max, &n))
		*out = (int)n;
}

static void dash_key(struct conf *c, struct dash_config *cfg, const char *key,
    const char *value)
{
	if (strcmp(key, "listen") == 0)
		conf_hostport(c, key, value, cfg->host, sizeof(cfg->host), &cfg->port, 8080);
	else if (strcmp(key, "data_dir") == 0)
		conf_str(c, key, value, cfg->data_dir, sizeof(cfg->data_dir));
	else if (strcmp(key, "status_file") == 0)
		conf_str(c, key, value, cfg->status_file, sizeof(cfg->status_file));
	else if (strcmp(key, "org") == 0)
		conf_str(c, key, value, cfg->org, sizeof(cfg->org));
	else if (strcmp(key, "reports_dir") == 0)
		conf_str(c, key, value, cfg->reports_dir, sizeof(cfg->reports_dir));
	else if (strcmp(key, "rrdcached") == 0)
		rrdc_conf_key(c, key, value, cfg->rrdcached, sizeof(cfg->rrdcached));
	else if (strcmp(key, "refresh") == 0)
		int_key(c, key, value, 0, 3600, &cfg->refresh_s);
	else if (strcmp(key, "scan") == 0)
		conf_double(c, key, value, 0.2, 3600, &cfg->scan_s);
	else if (strcmp(key, "usage_every") == 0)
		conf_double(c, key, value, 1, 86400, &cfg->usage_every_s);
	else if (strcmp(key, "units_every") == 0)
		conf_double(c, key, value, 1, 86400, &cfg->units_every_s);
	else if (strcmp(key, "threads") == 0)
		int_key(c, key, value, 1, 64, &cfg->threads);
	else if (strcmp(key, "max_connections") == 0)
		int_key(c, key, value, 16, 65536, &cfg->max_connections);
	else if (strcmp(key, "max_per_ip") == 0)
		int_key(c, key, value, 0, 65536, &cfg->max_per_ip);
	else if (strcmp(key, "idle_timeout") == 0)
		int_key(c, key, value, 1, 3600, &cfg->idle_timeout_s);
	else if (strcmp(key, "tls_cert") == 0)
		conf_str(c, key, value, cfg->tls_cert, sizeof(cfg->tls_cert));
	else if (strcmp(key, "tls_key") == 0)
		conf_str(c, key, value, cfg->tls_key, sizeof(cfg->tls_key));
	else if (strcmp(key, "alert_command") == 0)
		conf_str(c, key, value, cfg->alert_command, sizeof(cfg->alert_command));
	else if (strcmp(key, "alert_topic") == 0)
		alert_topic_key(c, cfg, key, value);
	else if (strcmp(key, "alert_state") == 0)
		conf_str(c, key, value, cfg->alert_state, sizeof(cfg->alert_state));
	else if (strcmp(key, "alert_settle") == 0)
		conf_double(c, key, value, 0, 86400, &cfg->alert_settle_s);
	else if (strcmp(key, "alert_remind") == 0)
		conf_double(c, key, value, 0, 30 * 86400.0, &cfg->alert_remind_s);
	else if (strcmp(key, "alert_quiet") == 0)
		notify_config_quiet(c, &cfg->notify, key, value);
	else if (strcmp(key, "notify_retry") == 0)
		conf_double(c, key, value, 0.1, 600, &cfg->notify_retry_s);
	else if (strcmp(key, "report_program") == 0)
		conf_str(c, key, value, cfg->report_program, sizeof(cfg->report_program));
	else if (strcmp(key, "report_pdf") == 0)
		conf_bool(c, key, value, &cfg->report_pdf);
	else
		conf_error(c, "unknown key \"%s\" in [dashboard]", key);
}

static void dash_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct dash_config *cfg = c->user;

	if (strcmp(section, "dashboard") == 0) {
		dash_key(c, cfg, key, value);
	} else if (strcmp(section, "mqtt") == 0) {
		cfg->have_mqtt = true;
		mqtt_opts_key(c, &cfg->mqtt, key, value);
	} else if (strcmp(section, "accounts") == 0) {
		access_config_key(c, &cfg->access, key, value);
	} else if (strcmp(section, "ldap") == 0) {
		directory_config_key(c, &cfg->ldap, key, value);
	} else if (!notify_config_key(c, &cfg->notify, section, key, value)) {
		conf_error(c, "unknown section [%s] (expected [dashboard], [mqtt], [line], [mail], "
		    "[webhook], [accounts] or [ldap])", section);
	}
}

int dash_config_load(const char *path, struct dash_config *cfg, conf_report report,
    void *report_user)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->host, "127.0.0.1");   /* never the world unless told */
	cfg->port = 8080;
	cfg->refresh_s = 30;
	cfg->scan_s = 5;
	cfg->usage_every_s = 60;
	cfg->units_every_s = 300;
	cfg->threads = 4;
	cfg->report_pdf = true;
	/* Idle sockets cost no thread (epoll), so room for many; one address
	 * (a browser opens 6) cannot take it all; a silent one goes soon. */
	cfg->max_connections = 1024;
	cfg->max_per_ip = 32;
	cfg->idle_timeout_s = 10;
	mqtt_opts_defaults(&cfg->mqtt, "gm-dashboard");
	notify_config_defaults(&cfg->notify);
	access_config_defaults(&cfg->access);
	directory_config_defaults(&cfg->ldap);
	cfg->notify_retry_s = 10;
	if (path == NULL)
		return 0;
	return conf_parse(path, dash_handler, cfg, report, report_user);
}

int dash_config_listen(const char *s, struct dash_config *cfg, conf_report report,
    void *report_user)
{
	struct conf c = { .path = "--listen", .report = report, .report_user = report_user };

	conf_hostport(&c, "listen", s, cfg->host, sizeof(cfg->host), &cfg->port, 8080);
	return c.errors;
}

static void say(conf_report report, void *user, const char *msg)
{
	if (report != NULL)
		report(user, msg);
}

int dash_config_check(const struct dash_config *cfg, conf_report report, void *report_user)
{
	int errors = 0;

	if (cfg->data_dir[0] == '\0') {
		say(report, report_user, "no data directory: set data_dir in [dashboard] or -d");
		errors++;
	}
	errors += notify_config_check(&cfg->notify, report, report_user);
	errors += directory_config_check(&cfg->ldap, report, report_user);
	if (cfg->max_per_ip > cfg->max_connections || cfg->threads > cfg->max_connections) {
		char msg[160];

		snprintf(msg, sizeof(msg), "max_connections = %d: must be at least max_per_ip (%d) "
		    "and threads (%d)", cfg->max_connections, cfg->max_per_ip, cfg->threads);
		say(report, report_user, msg);
		errors++;
	}
	if ((cfg->tls_cert[0] == '\0') != (cfg->tls_key[0] == '\0')) {
		say(report, report_user, "HTTPS needs both tls_cert and tls_key");
		errors++;
	}
	if (cfg->alert_topic[0] != '\0' && !cfg->have_mqtt) {
		say(report, report_user, "alert_topic needs an [mqtt] section naming the broker");
		errors++;
	}
	return errors;
}
