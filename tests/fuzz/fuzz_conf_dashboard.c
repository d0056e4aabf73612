/*
 * fuzz_conf_dashboard.c - libFuzzer target over gm-dashboard's config file
 * (dashboards/dash/dash_config.c). Besides the rules of fuzz_conf.h, an accepted
 * config keeps what the dashboard relies on: an address to listen on with a
 * port 1..65535; refresh, scan and recompute periods and the thread count
 * in range; an alert topic without wildcards, not a $ topic and not under
 * greenmeter/v1/ (the collector would take alerts for readings); [mqtt] as
 * fuzz_check_mqtt() says.
 */
#include "dash_config.h"
#include "topic.h"
#include "fuzz_conf.h"

static void check_config(const struct dash_config *cfg)
{
	if (cfg->host[0] == '\0' || cfg->port < 1 || cfg->port > 65535)
		fuzz_broken("listen \"%s\" port %d", cfg->host, cfg->port);
	if (cfg->refresh_s < 0 || cfg->refresh_s > 3600 || cfg->threads < 1 || cfg->threads > 64 ||
	    !(cfg->scan_s >= 0.2 && cfg->scan_s <= 3600) ||
	    !(cfg->usage_every_s >= 1 && cfg->usage_every_s <= 86400) ||
	    !(cfg->units_every_s >= 1 && cfg->units_every_s <= 86400))
		fuzz_broken("refresh %d threads %d scan %g usage %g units %g", cfg->refresh_s,
		    cfg->threads, cfg->scan_s, cfg->usage_every_s, cfg->units_every_s);
	if (cfg->alert_topic[0] != '\0' && (strpbrk(cfg->alert_topic, "+#") != NULL ||
	    cfg->alert_topic[0] == '$' ||
	    strncmp(cfg->alert_topic, TOPIC_PREFIX, strlen(TOPIC_PREFIX) - 1) == 0))
		fuzz_broken("alert_topic \"%s\" accepted", cfg->alert_topic);
	fuzz_check_mqtt(&cfg->mqtt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	struct dash_config cfg;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_dashboard";
	if (path == NULL)
		path = fuzz_path("dashboard.conf");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = dash_config_load(path, &cfg, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_config(&cfg);
	return 0;
}
