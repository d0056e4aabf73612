/*
 * fuzz_conf_collector.c - libFuzzer target over gm-collector's config file
 * (collector/collector_config.c), as gm-collector -n loads it. Besides the
 * rules of fuzz_conf.h, an accepted config keeps what the collector relies
 * on: a data directory; a subscription the broker takes and that lies
 * within greenmeter/v1/ (a whole-level + or #, # last, an optional
 * $share/<group>/ in front); numbers within their ranges; [mqtt] as
 * fuzz_check_mqtt() says.
 */
#include <math.h>

#include "collector_config.h"
#include "topic.h"
#include "fuzz_conf.h"

/* The filter by MQTT's own rules, written apart from the loader's. */
static void check_filter(const char *f)
{
	const char *s = f;

	if (strncmp(s, "$share/", 7) == 0) {
		const char *slash = strchr(s + 7, '/');
		if (slash == NULL || slash == s + 7 || strcspn(s + 7, "+#") < (size_t)(slash - s - 7))
			fuzz_broken("subscribe \"%s\": a bad share group", f);
		s = slash + 1;
	}
	if (strncmp(s, TOPIC_PREFIX, strlen(TOPIC_PREFIX)) != 0)
		fuzz_broken("subscribe \"%s\": not within " TOPIC_PREFIX, f);
	for (const char *p = s; *p; p++) {
		bool starts = p == s || p[-1] == '/', ends = p[1] == '\0' || p[1] == '/';
		if ((*p == '+' || *p == '#') && !(starts && ends))
			fuzz_broken("subscribe \"%s\": a wildcard inside a level", f);
		if (*p == '#' && p[1] != '\0')
			fuzz_broken("subscribe \"%s\": # before the end", f);
		if (*p == '/' && (p[1] == '/' || p[1] == '\0'))
			fuzz_broken("subscribe \"%s\": an empty level", f);
	}
}

static void check_config(const struct collector_config *cfg)
{
	if (cfg->data_dir[0] == '\0')
		fuzz_broken("accepted without a data directory");
	check_filter(cfg->subscribe);
	if (!(cfg->max_future_s >= 0 && cfg->max_future_s <= 86400) ||
	    !(cfg->fault_hold_s >= 0 && cfg->fault_hold_s <= 7 * 86400) ||
	    !(cfg->write_delay_s >= 0 && cfg->write_delay_s <= 300))
		fuzz_broken("max_future %g fault_hold %g write_delay %g", cfg->max_future_s,
		    cfg->fault_hold_s, cfg->write_delay_s);
	fuzz_check_mqtt(&cfg->mqtt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	struct collector_config cfg;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_collector";
	if (path == NULL)
		path = fuzz_path("collector.conf");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = collector_config_load(path, &cfg, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_config(&cfg);
	return 0;
}
