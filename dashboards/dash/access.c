/* access.c - the [accounts] section and the kinds of page (access.h). */
#include <stdio.h>
#include <string.h>

#include "access.h"

static const char *const kind_names[PAGE_PRIVATE] = {
	"overview", "units", "meters", "reports", "api", "metrics",
};

void access_config_defaults(struct access_config *a)
{
	memset(a, 0, sizeof(*a));
	a->session_s = 8 * 3600;
	a->max_failures = 10;
	a->lock_s = 15 * 60;
	a->address_failures = 30;
	a->evidence_max = 10 << 20;
}

static void public_key(struct conf *c, struct access_config *a, const char *value)
{
	char word[32];
	int used;

	memset(a->public, 0, sizeof(a->public));
	for (const char *p = value; sscanf(p, " %31[^ ,]%n", word, &used) == 1; p += used) {
		int k;

		for (k = 0; k < PAGE_PRIVATE && strcmp(word, kind_names[k]) != 0; k++)
			;
		if (k == PAGE_PRIVATE) {
			conf_error(c, "public: \"%s\" is not a page (overview, units, meters, reports, "
			    "api, metrics)", word);
			return;
		}
		a->public[k] = true;
		while (p[used] == ',' || p[used] == ' ')
			used++;
	}
}

void access_config_key(struct conf *c, struct access_config *a, const char *key,
    const char *value)
{
	long n;
	double d;

	if (strcmp(key, "database") == 0)
		conf_str(c, key, value, a->database, sizeof(a->database));
	else if (strcmp(key, "session_hours") == 0) {
		if (conf_double(c, key, value, 0.0005, 24 * 30, &d))
			a->session_s = d * 3600;
	} else if (strcmp(key, "max_failures") == 0) {
		if (conf_long(c, key, value, 1, 1000, &n))
			a->max_failures = (int)n;
	} else if (strcmp(key, "lock_minutes") == 0) {
		if (conf_double(c, key, value, 0, 7 * 24 * 60, &d))
			a->lock_s = d * 60;
	} else if (strcmp(key, "address_failures") == 0) {
		if (conf_long(c, key, value, 1, 100000, &n))
			a->address_failures = (int)n;
	} else if (strcmp(key, "public") == 0)
		public_key(c, a, value);
	else if (strcmp(key, "evidence") == 0)
		conf_str(c, key, value, a->evidence, sizeof(a->evidence));
	else if (strcmp(key, "evidence_max_mb") == 0) {
		if (conf_double(c, key, value, 0.001, 256, &d))
			a->evidence_max = (size_t)(d * (1 << 20));
	} else
		conf_error(c, "unknown key \"%s\" in [accounts] (database, session_hours, "
		    "max_failures, lock_minutes, address_failures, public, evidence, "
		    "evidence_max_mb)", key);
}

enum page_kind access_page_kind(const struct http_req *rq)
{
	const char *first = rq->nseg > 0 ? rq->seg[0] : "";

	if (rq->nseg == 0 || strcmp(first, "search.js") == 0)
		return PAGE_OVERVIEW;
	if (strcmp(first, "units") == 0 || strcmp(first, "unit") == 0)
		return PAGE_UNITS;
	if (strcmp(first, "meter") == 0 || strcmp(first, "graph") == 0)
		return PAGE_METERS;
	if (strcmp(first, "reports") == 0)
		return PAGE_REPORTS;
	if (strcmp(first, "metrics") == 0)
		return PAGE_METRICS;
	if (strcmp(first, "api") == 0)
		return PAGE_API;
	return PAGE_PRIVATE;   /* whatever else, public by no one's say */
}
