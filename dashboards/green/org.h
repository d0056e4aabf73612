/*
 * org.h - the organisation a Green Office report is about, read from one
 * INI file a person edits (docs/organisation.md): its units with their Thai
 * and English names, headcount and floor area per fiscal year, targets, the
 * emission factors with their validity dates, the KPI level table and grade
 * bands, and which meter channels serve which units, with shares for shared
 * meters and the date each mapping starts (units move between buildings).
 *
 * The file is accepted whole or not at all: every mistake is reported as
 * "path:line: ..." through the caller's report callback (confparse.h) and
 * counted. dashboards/org/senate/organisation.ini is the default: the 19
 * units of the Senate Secretariat.
 *
 * Dates in the file are local (Asia/Bangkok: call tz_set first) and mean
 * that day's midnight. Fiscal years are B.E. (fiscal.h).
 */
#ifndef GM_ORG_H
#define GM_ORG_H

#include <stddef.h>
#include <time.h>

#include "topic.h"

/* What a meter channel measures, in the unit the report shows. Paper from
 * printer counters is in sheets; reams issued (manual entries) in reams,
 * counted as 500 sheets where paper is totalled (PAPER_SHEETS_PER_REAM). */
enum resource {
	RES_ELECTRICITY,   /* kWh */
	RES_WATER,         /* m3 */
	RES_PAPER_PRINTED, /* sheets, from printer counters */
	RES_PAPER_REAMS,   /* reams issued from stores */
	RES_FUEL,          /* litres */
	RES_WASTE,         /* kg landfilled */
	RES_N
};

#define PAPER_SHEETS_PER_REAM 500

/* Which paper figure the paper-reduction KPI and indicator 3.3.2 use. */
enum paper_basis { PAPER_BASIS_REAMS, PAPER_BASIS_PRINTED };

enum normaliser { NORM_PERSON, NORM_M2 };

#define ORG_NAME_MAX 256
#define ORG_SOURCE_MAX 512   /* a factor's source: Thai takes 3 bytes a letter */
#define ORG_MAX_UNITS 64
#define ORG_MAX_YEARS 32
#define ORG_MAX_SHARES ORG_MAX_UNITS   /* a building meter may serve every unit */
#define ORG_MAX_FACTORS 64
#define KPI_LEVELS 5
#define GRADE_BANDS 3   /* gold, silver, bronze: lower bounds, % (half-open) */

struct unit_year {
	int fy;                 /* B.E. */
	double headcount;       /* NAN when not given */
	double area_m2;         /* NAN when not given */
};

struct org_unit {
	char id[ID_MAX + 1];
	char name_th[ORG_NAME_MAX], name_en[ORG_NAME_MAX];
	char cohort[ORG_NAME_MAX];   /* e.g. "2566: Gold", "2568 target"; free text */
	enum normaliser per;         /* what "per unit" divides by (default person) */
	int baseline_fy;             /* 0: the organisation's */
	/* target: reduction against the baseline year's same period, % (5 =
	 * use 5 % less); NAN when the unit set none */
	double target_pct[RES_N];
	struct unit_year years[ORG_MAX_YEARS];
	int nyears;
};

struct meter_share {
	int unit;        /* index into org.units */
	double share;    /* 0..1; a mapping's shares sum to 1 */
};

/* One [meters] line: from `from` on (until the next line for the same
 * channel with a later date) the channel's use goes to these units. */
struct meter_map {
	struct chan_id id;
	enum resource res;
	time_t from;
	int nshares;
	struct meter_share shares[ORG_MAX_SHARES];
	int line;        /* in the file, for messages */
};

struct emission_factor {
	enum resource res;
	time_t from;             /* valid from this local midnight to the next one's */
	double kg_per_unit;      /* kgCO2e per kWh, m3, sheet, ream, litre, kg */
	char source[ORG_SOURCE_MAX];      /* where it comes from, in English */
	char source_th[ORG_SOURCE_MAX];   /* and in Thai (the English when not given) */
};

/* A meter as people know it ([meter <site>/<meter>]): its names, where it
 * is, what it is and what it is read through. Its channels, and the units
 * they serve, are the [meters] lines of the same site and meter. */
/* A channel's plausible readings (limits = voltage 200..250): a reading
 * outside is a fault of the meter (a phase lost, a CT reversed, a register
 * misread). */
#define ORG_MAX_LIMITS 8
struct org_limit {
	char channel[ID_MAX + 1];
	double lo, hi;
};

struct org_meter {
	char site[ID_MAX + 1], meter[ID_MAX + 1];
	char name_th[ORG_NAME_MAX], name_en[ORG_NAME_MAX];
	char building_th[ORG_NAME_MAX], building_en[ORG_NAME_MAX];   /* "": not said */
	char room_th[ORG_NAME_MAX], room_en[ORG_NAME_MAX];
	char floor[32];
	char model[64], serial[64];
	char gateway[ID_MAX + 1];   /* the gateway or bus it is read through: its faults
	                               are one alert; "" */
	char photo[ORG_NAME_MAX];   /* an http(s) URL; "" */
	struct org_limit limits[ORG_MAX_LIMITS];   /* what a channel may read */
	int nlimits;
	bool by_hand;               /* read = hand: a dial read by a person, entered on the
	                               dashboard's monthly entries page */
	int line;
};

/* Who signs a report ([signoff]): empty fields leave dotted lines to fill
 * in by hand. */
enum signoff_role { SIGN_PREPARED, SIGN_CHECKED, SIGN_APPROVED, SIGN_N };
struct signer {
	char name[ORG_NAME_MAX], position[ORG_NAME_MAX];
};

struct org {
	char name_th[ORG_NAME_MAX], name_en[ORG_NAME_MAX];
	struct signer sign[SIGN_N];      /* [signoff] prepared, checked, approved */
	int baseline_fy;                 /* required */
	enum paper_basis paper_basis;    /* default reams */
	bool thai_digits;                /* digits = thai: Thai pages print ๐..๙ */
	char criteria[4096];             /* criteria edition file, resolved against
	                                    the organisation file's directory */
	char checklists[4096];           /* directory of <fy>/<unit>.ini; same */
	char plans[4096];                /* directory of <fy>.ini, the action plans
	                                    (action_plan.h); same; "": none */
	double kpi_levels[KPI_LEVELS];   /* paper reduction % reaching level 1..5 */
	double kpi_below;                /* the level below level 1's threshold */
	double grades[GRADE_BANDS];      /* default 90 80 60 */
	struct org_unit units[ORG_MAX_UNITS];
	int nunits;
	struct meter_map *map;           /* sorted by channel, then from */
	size_t nmap;
	struct emission_factor factors[ORG_MAX_FACTORS];  /* sorted by res, then from */
	int nfactors;
	struct org_meter *meters;        /* [meter] sections, sorted by site, meter */
	size_t nmeters;
};

typedef void (*org_report_fn)(void *user, const char *msg);

/* Returns the number of mistakes reported (0: *o is filled; call org_free).
 * On mistakes *o is left empty. */
int org_load(const char *path, struct org *o, org_report_fn report, void *user);
void org_free(struct org *o);

const char *resource_name(enum resource r);          /* "electricity", "paper_reams" ... */
const char *resource_unit(enum resource r);          /* "kWh", "m3", "sheets", "reams" ... */
int resource_parse(const char *s, enum resource *out);   /* 0, or -1 */

int org_unit_find(const struct org *o, const char *id);  /* index, or -1 */
int org_baseline(const struct org *o, int unit);          /* the unit's, else the org's */
double org_headcount(const struct org_unit *u, int fy);   /* NAN when not given */
double org_area(const struct org_unit *u, int fy);        /* NAN when not given */
/* The normaliser's value for fy (headcount or area), NAN when not given. */
double org_per(const struct org_unit *u, int fy);

/* The mapping of the channel in force at t, or NULL (not mapped then). */
const struct meter_map *org_map_at(const struct org *o, const struct chan_id *id, time_t t);
/* The times in (from, to) at which the channel's mapping changes, ascending;
 * returns how many (at most max). */
int org_map_changes(const struct org *o, const struct chan_id *id, time_t from, time_t to,
    time_t *out, int max);

/* The meter's [meter] section, or NULL. */
const struct org_meter *org_meter_find(const struct org *o, const char *site, const char *meter);
/* The same by "site/meter"; NULL if it is not one. */
const struct org_meter *org_meter_named(const struct org *o, const char *site_meter);
/* The channel's limits in its meter's section, or NULL. */
const struct org_limit *org_meter_limit(const struct org_meter *m, const char *channel);
/* The units the meter's channels serve at t (by their [meters] lines), each
 * once, in the file's order of units: how many (at most max) into units. */
int org_meter_units(const struct org *o, const char *site, const char *meter, time_t t,
    int *units, int max);

/* The factor in force at t, or NULL when none is. */
const struct emission_factor *org_factor_at(const struct org *o, enum resource r, time_t t);

#endif
