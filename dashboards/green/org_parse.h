/*
 * org_parse.h - what the files reading organisation.ini share; nothing
 * outside dashboards/org*.c includes it.
 *
 * org.c drives the parse and reads [organisation], [kpi] and [factors];
 * org_units.c reads [unit <id>] sections; org_registry.c [meter
 * <site>/<meter>] sections; org_meters.c reads [meters]. A
 * [meters] line names its units by id and a unit may be defined further
 * down, so the ids are kept (struct meters_parse) and resolved once the
 * whole file is read, when org_meters_finish() builds org.map.
 */
#ifndef GM_ORG_PARSE_H
#define GM_ORG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "confparse.h"
#include "org.h"

/* What a message lists when a resource name is not one of enum resource's
 * (keep in step with the table in org.c). */
#define ORG_RESOURCES "electricity, water, paper_printed, paper_reams, fuel or waste"

/* A [meters] line as read: the mapping, with its units still named. */
struct map_pending {
	struct meter_map m;
	char unit[ORG_MAX_SHARES][ID_MAX + 1];
};

struct meters_parse {
	struct map_pending *v;   /* malloc'd; org_meters_free() */
	size_t n, cap;
};

enum org_section {
	SEC_NONE, SEC_ORG, SEC_KPI, SEC_FACTORS, SEC_UNIT, SEC_METER, SEC_METERS, SEC_SIGNOFF,
	SEC_SKIP
};

struct org_parse {
	struct org *o;
	enum org_section sec;
	int section_line;              /* header of the section being read */
	struct org_unit *unit;         /* SEC_UNIT: NULL when its header was bad */
	struct org_meter *meter;       /* SEC_METER: the same */
	int org_line;                  /* the first [organisation] header, 0: none */
	bool have_baseline;
	struct meters_parse meters;
};

/* Split s at spaces and tabs into buf (len > strlen(s)): up to max words
 * into w. Returns the number of words, max + 1 when there are more. */
int org_words(char *buf, size_t len, const char *s, char **w, int max);
/* A whole finite number ("60", "0.6", "1e3"), nothing after it. */
bool org_number(const char *s, double *out);
/* "YYYY-MM-DD" exactly, a real date: its local midnight. */
bool org_day(const char *s, time_t *out);
/* "Thai | English", or one text for both: trimmed into th and en (len
 * bytes each); a third text or one too long is a mistake, reported. */
bool org_bilingual(struct conf *c, const char *key, const char *value, char *th, char *en,
    size_t len);
/* A fiscal year FY_MIN..FY_MAX (fiscal.h); else reports "<what>: "<s>" is not ...". */
bool org_fy(struct conf *c, const char *what, const char *s, int *out);

/* [unit <id>]: at the section's first key, with its header's line; sets
 * p->unit, or reports why not (bad or duplicate id) and leaves it NULL. */
void org_units_start(struct conf *c, struct org_parse *p, const char *id, int line);
void org_units_key(struct conf *c, struct org_unit *u, const char *key, const char *value);

/* [meter <site>/<meter>]: at the section's first key; sets p->meter, or
 * reports why not and leaves it NULL. org_registry_key reads its keys;
 * org_registry_finish sorts them once the file is read and checks each has a
 * Thai name. */
void org_registry_start(struct conf *c, struct org_parse *p, const char *name, int line);
void org_registry_key(struct conf *c, struct org_meter *m, const char *key, const char *value);
void org_registry_finish(struct org *o, struct conf *c);

/* One [meters] line; mistakes are reported at c->line. */
void org_meters_key(struct conf *c, struct meters_parse *mp, const char *key,
    const char *value);
/* After the whole file: resolve unit ids, then fill o->map (sorted) and
 * check it: unknown units, a channel mapped twice from one date, a channel
 * whose resource changes. Mistakes are reported at their lines through c. */
void org_meters_finish(struct meters_parse *mp, struct org *o, struct conf *c);
void org_meters_free(struct meters_parse *mp);

#endif
