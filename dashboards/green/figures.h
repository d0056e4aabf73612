/*
 * figures.h - each unit's use of each resource, month by month over a
 * fiscal year and its baseline year, read from the stored channels through
 * the organisation's meter mapping (org.h) and the consumption API
 * (usage.h). gm-report and the dashboard build every Green Office
 * figure on these.
 *
 * A channel's use is cut at the local month starts and at the dates its
 * mapping changes; each piece goes to the units the mapping then names, in
 * their shares. Completeness of a unit's month: the share-weighted seconds
 * with readings over the share-weighted seconds its channels should have
 * had (a channel's delta entries: its months with an entry). A month no
 * channel served is NAN with completeness 0. A piece whose channel has
 * flagged events (usage.h usage_flagged) marks the month "to review".
 *
 * Paper: figures keep printed sheets and reams apart (RES_PAPER_PRINTED,
 * RES_PAPER_REAMS); figures_paper_resource() says which one the KPI uses.
 */
#ifndef GM_FIGURES_H
#define GM_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "org.h"

#define FIG_MONTHS 12      /* October .. September */
#define FIG_MAX_YEARS 4    /* the fiscal year and the baselines it needs */
#define FIG_MAX_SOURCES 64 /* channels named per unit and resource */
#define FIG_PROBLEMS 16    /* problems kept with their text */

struct fig_month {
	double amount;        /* NAN: no channel served the unit this month */
	double expected_s;    /* share-weighted seconds of channels serving it */
	double covered_s;     /* of which had readings */
	bool flagged;
};

/* A channel that fed a unit's resource, and with what share (the last
 * share in force in the year; `changed` when it was not the same all year). */
struct fig_source {
	struct chan_id id;
	double share;
	bool changed;
};

struct fig_series {
	struct fig_month m[FIG_MONTHS];
	struct fig_source src[FIG_MAX_SOURCES];
	int nsrc;
	bool more_src;
	int nchan;                        /* channels that fed it in the year, all of them */
};

struct fig_year {
	int fy;
	struct fig_series unit[ORG_MAX_UNITS][RES_N];
	struct fig_series all[RES_N];     /* the whole organisation */
};

struct figures {
	struct fig_year year[FIG_MAX_YEARS];
	int nyears;
	int channels_read;
	char problems[FIG_PROBLEMS][512]; /* channels that could not be read */
	int nproblems;                    /* all of them; the first FIG_PROBLEMS kept */
};

struct rrdc;
struct usage_cache;

#define FIG_THREADS 2   /* channel readers, when the files are read directly */

/* Reads every channel under datadir that the organisation maps, for fy and
 * each unit's baseline year. *f is large: allocate it. GM_OK, or an error
 * naming the file. A mapped channel that cannot be read, or has no file,
 * is listed in problems and counted as missing (never as nothing used),
 * and never fails the whole. cached (may be NULL): the collector writes
 * through rrdcached, so each file is flushed there before it is read.
 * Channels are read on FIG_THREADS threads, or on this one through
 * rrdcached (its client is not thread-safe); no usage cache. */
int figures_load(const char *datadir, struct rrdc *cached, const struct org *o, int fy,
    struct figures *f, char *err, size_t errlen);

/* figures_load with choices; a zeroed struct is figures_load(..., NULL, ...).
 * Whatever the threads or the cache, *f is the same, byte for byte in every
 * figure: threads read each channel's pieces into a slot of their own, and
 * this thread adds the slots up in channel order. */
struct fig_opts {
	struct rrdc *rrdcached;          /* as figures_load's cached; forces one thread */
	struct usage_cache *cache;       /* closed months kept (usage_cache.h); NULL: none */
	int threads;                     /* readers of direct files; 0: FIG_THREADS */
};
int figures_load_opts(const char *datadir, const struct fig_opts *opts, const struct org *o,
    int fy, struct figures *f, char *err, size_t errlen);

/* The year's series, or NULL when it was not loaded. unit < 0: the whole. */
const struct fig_series *figures_get(const struct figures *f, int fy, int unit,
    enum resource r);

/* Sums over months [m0, m1) (0 = October): amount (NAN when no month has
 * any), completeness 0..1, and whether any month is flagged. */
struct figures_sum {
	double amount, completeness;
	bool flagged;
	int months_complete;   /* months with completeness 1 */
};
struct figures_sum figures_sum(const struct fig_series *s, int m0, int m1);
/* The same over a set of months: bit m of `months` is month m. */
struct figures_sum figures_sum_set(const struct fig_series *s, unsigned months);

/* A month's completeness, 0..1 (0 when no channel served it). */
double figures_completeness(const struct fig_month *m);

/* Which paper figure the KPI uses: reams issued or printed sheets. */
enum resource figures_paper_resource(const struct org *o);

#endif
