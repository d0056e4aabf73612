/*
 * gm-report - consumption per meter channel over a period in local time.
 *
 *   gm-report -d DATADIR --from "2026-10-01" --to "2026-11-01" [--csv]
 *             [--site ID] [--meter ID]
 *   gm-report -d DATADIR --fy 2570 [--round 6|9|12 | --quarter 1-4] ...
 *   --rrdcached ADDRESS   the collector writes through rrdcached: flush each
 *                         file there before reading it (same ADDRESS forms)
 *   gm-report -d DATADIR --org FILE --fy 2570 [--round 6|9|12 | --quarter 1-4
 *             | --month 1-12] --out DIR [--lang th|en|both] [--cache DIR]
 *                         the Green Office report set (green_set.h); --month
 *                         counts from October (1) to September (12)
 *   --cache DIR           keep each channel's closed months' usage in DIR
 *                         (made if missing) and use it again while the file
 *                         has not changed under it (common/usage_cache.h):
 *                         the same figures, without reading those rows. None
 *                         by default; the data directory is never written.
 *                         The set's channels are read on 2 threads (on 1
 *                         with --rrdcached, whose client is not thread-safe).
 * Periods are [from, to) in Asia/Bangkok time. Counters and deltas show the
 * amount used; gauges show mean, min and max. Every row says how much of the
 * period had readings (for deltas, manual entries: the share of its months
 * with an entry): a figure below 100 % coverage is incomplete.
 * Exit codes: 0 ok, 1 no data or a file could not be read, 2 usage.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consumption.h"
#include "err.h"
#include "fiscal.h"
#include "green_set.h"
#include "report_walk.h"
#include "../collector/rrd_backend.h"
#include "timeutil.h"

struct report_opts {
	const char *datadir, *site, *meter, *rrdcached, *cache;
	time_t from, to;
	int csv;
};

static void print_header(const struct report_opts *o, time_t to)
{
	char a[32], b[32];

	time_format_local(o->from, a, sizeof(a));
	time_format_local(to, b, sizeof(b));
	if (o->csv) {
		/* UTF-8 BOM so spreadsheet programs read the file as UTF-8. */
		printf("\xEF\xBB\xBFsite,meter,channel,kind,unit,from,to,amount,mean,min,max,"
		    "coverage,gaps,gap_seconds,replaced,resets_announced,resets_flagged,"
		    "late_readings\n");
		return;
	}
	printf("greenmeter consumption %s .. %s (%s)%s\n", a, b, TZ_DEFAULT,
	    to < o->to ? ", to now" : "");
	printf("%-16s %-20s %-14s %18s %-7s %9s %5s\n", "site", "meter", "channel",
	    "amount / mean", "unit", "coverage", "gaps");
}

static long gap_seconds(const struct usage *u)
{
	long s = 0;

	for (int i = 0; i < u->ngaps; i++)
		s += (long)(u->gaps[i].end - u->gaps[i].start);
	return s;
}

/* Under a row: each gap with its length, then what the events journal
 * says a person should know. */
static void print_details(const struct usage *u)
{
	char a[32];

	for (int i = 0; i < u->ngaps; i++) {
		long len = (long)(u->gaps[i].end - u->gaps[i].start);

		time_format_local(u->gaps[i].start, a, sizeof(a));
		printf("    gap from %s for %ldh%02ldm%02lds\n", a, len / 3600, len / 60 % 60,
		    len % 60);
	}
	if (u->more_gaps)
		printf("    ... and more gaps\n");
	if (u->ev.replaced + u->ev.reset > 0)
		printf("    meter replaced %d time(s), counter reset %d time(s) (announced; "
		    "counted across)\n", u->ev.replaced, u->ev.reset);
	if (u->ev.reset_detected > 0)
		printf("    REVIEW: %d counter reset(s) nobody announced, counted as restarts "
		    "from 0\n", u->ev.reset_detected);
	if (u->ev.reset_uncounted > 0)
		printf("    REVIEW: %d counter fall(s) nobody announced, not counted (the "
		    "counter showed %.6g after them)\n", u->ev.reset_uncounted, u->ev.uncounted);
	if (u->ev.late > 0)
		printf("    REVIEW: %d reading(s) came after newer ones and are kept in the "
		    "events journal, not in the figures above\n", u->ev.late);
	if (u->ev.bad_lines > 0)
		printf("    REVIEW: %zu unreadable line(s) in the events journal\n",
		    u->ev.bad_lines);
}

static void print_row(const struct report_opts *o, const struct stored_chan *c,
    const struct usage *u)
{
	bool gauge = c->meta.kind == KIND_GAUGE;
	double shown = gauge ? u->mean : u->amount;
	char a[32], b[32];

	if (o->csv) {
		time_format_local(u->from, a, sizeof(a));
		time_format_local(u->to, b, sizeof(b));
		printf("%s,%s,%s,%s,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%ld,%d,%d,%d,%d\n",
		    c->id.site, c->id.meter, c->id.channel, kind_name(c->meta.kind),
		    c->meta.unit, a, b, gauge ? NAN : u->amount, u->mean, u->min, u->max,
		    u->coverage, u->ngaps + (u->more_gaps ? 1 : 0), gap_seconds(u),
		    u->ev.replaced, u->ev.reset, u->ev.reset_detected + u->ev.reset_uncounted,
		    u->ev.late);
		return;
	}
	printf("%-16s %-20s %-14s %18.6f %-7s %8.1f%% %5d%s%s%s\n", c->id.site, c->id.meter,
	    c->id.channel, shown, c->meta.unit, u->coverage * 100.0, u->ngaps,
	    gauge ? " (mean)" : "", u->coverage < 1.0 ? " incomplete" : "",
	    usage_flagged(u) ? " review" : "");
	print_details(u);
}

static int run(const struct report_opts *o)
{
	struct stored_chan *chans = NULL;
	time_t to = o->to, now = time(NULL);
	struct rrd_backend *cached = NULL;
	struct usage u;
	char err[512];
	int n, bad = 0;

	if (to > now)
		to = now;   /* the future has no readings yet: not a gap */
	n = report_walk(o->datadir, o->site, o->meter, &chans);
	if (n <= 0) {
		fprintf(stderr, "gm-report: no meter channels under %s\n", o->datadir);
		free(chans);
		return 1;
	}
	if (o->rrdcached != NULL &&
	    (cached = rrd_cached_open(o->rrdcached, o->datadir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gm-report: --rrdcached: %s\n", err);
		free(chans);
		return 1;
	}
	print_header(o, to);
	for (int i = 0; i < n; i++) {
		/* through rrdcached the file holds what it had only once flushed */
		if (cached != NULL && chans[i].meta.kind != KIND_DELTA &&
		    cached->sync(cached, chans[i].path, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "gm-report: %s\n", err);
			bad = 1;
			continue;
		}
		if (usage_get(chans[i].path, o->from, to, &u, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "gm-report: %s\n", err);
			bad = 1;
			continue;
		}
		print_row(o, &chans[i], &u);
	}
	free(chans);
	if (cached != NULL)
		cached->close(cached);
	return bad;
}

/* --fy 2569 [--round 6|9|12 | --quarter 1-4]: a fiscal period (B.E.). */
static int fiscal_period(int fy, int round, int quarter, struct report_opts *o)
{
	struct period p;
	int rc;

	if (fy < 2543 || fy > 2643 || (round && quarter))
		return GM_ERANGE;
	if (quarter)
		rc = fiscal_quarter(fy, quarter, &p);
	else
		rc = fiscal_round(fy, round ? round : 12, &p);
	o->from = p.start;
	o->to = p.end;
	return rc;
}

static int usage(void);

/* The Green Office report set: one period of one fiscal year. */
static int green(const struct report_opts *o, const char *org, const char *out,
    const char *lang, int fy, int round, int quarter, int month, int extra)
{
	struct green_period p;
	time_t now = time(NULL);
	int langs = strcmp(lang, "th") == 0 ? 1 : strcmp(lang, "en") == 0 ? 2 :
	    strcmp(lang, "both") == 0 ? 3 : 0;
	int rc;

	if (o->datadir == NULL || org == NULL || out == NULL || fy == 0 || langs == 0 || extra ||
	    (round != 0) + (quarter != 0) + (month != 0) > 1 || o->site != NULL ||
	    o->meter != NULL || o->csv)
		return usage();
	/* the report is as of now: the month under way is not compared yet */
	if (quarter)
		rc = green_period_quarter(fy, quarter, now, &p);
	else if (month)
		rc = green_period_month(fy, month, now, &p);
	else
		rc = green_period_round(fy, round ? round : 12, now, &p);
	if (rc != GM_OK)
		return usage();
	return green_write_set(org, o->datadir, o->rrdcached, o->cache, &p, out, langs);
}

static int usage(void)
{
	fprintf(stderr, "usage: gm-report -d DATADIR --from TIME --to TIME [--csv] "
	    "[--site ID] [--meter ID]\n"
	    "       gm-report -d DATADIR --fy 2569 [--round 6|9|12 | --quarter 1-4] ...\n"
	    "       --rrdcached ADDRESS: flush each file through rrdcached first\n"
	    "       gm-report -d DATADIR --org FILE --fy 2570 [--round 6|9|12 | --quarter 1-4 |\n"
	    "                 --month 1-12] --out DIR [--lang th|en|both] [--cache DIR]:\n"
	    "                 Green Office reports; --cache DIR keeps closed months' usage\n"
	    "                 there and reuses it while the files have not changed (same\n"
	    "                 figures, faster; none by default; DIR may be deleted any time)\n"
	    "TIME is local (Asia/Bangkok): YYYY-MM-DD[ HH:MM[:SS]] or @unix;\n"
	    "fiscal years are Buddhist Era, 1 October to 30 September\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "site", required_argument, NULL, 's' },
		{ "meter", required_argument, NULL, 'm' },
		{ "csv", no_argument, NULL, 'C' },
		{ "fy", required_argument, NULL, 'Y' },
		{ "round", required_argument, NULL, 'R' },
		{ "quarter", required_argument, NULL, 'Q' },
		{ "rrdcached", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'O' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'L' },
		{ "month", required_argument, NULL, 'M' },
		{ "cache", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_opts o = { 0 };
	const char *from = NULL, *to = NULL;
	int fy = 0, round = 0, quarter = 0, month = 0;
	const char *org = NULL, *out = NULL, *lang = "both";
	char err[256];
	int c;

	tz_set(TZ_DEFAULT);
	while ((c = getopt_long(argc, argv, "d:f:t:s:m:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.datadir = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 's': o.site = optarg; break;
		case 'm': o.meter = optarg; break;
		case 'C': o.csv = 1; break;
		case 'Y': fy = atoi(optarg); break;
		case 'R': round = atoi(optarg); break;
		case 'Q': quarter = atoi(optarg); break;
		case 'r': o.rrdcached = optarg; break;
		case 'O': org = optarg; break;
		case 'o': out = optarg; break;
		case 'L': lang = optarg; break;
		case 'M': month = atoi(optarg); break;
		case 'c': o.cache = optarg; break;
		default: return usage();
		}
	}
	if (org != NULL || out != NULL)
		return green(&o, org, out, lang, fy, round, quarter, month,
		    argc - optind + (from != NULL) + (to != NULL));
	if (o.datadir == NULL || optind != argc || (fy == 0) == (from == NULL) || o.cache != NULL ||
	    (from == NULL) != (to == NULL) || ((round || quarter) && fy == 0))
		return usage();
	if (fy != 0)
		return fiscal_period(fy, round, quarter, &o) == GM_OK ? run(&o) : usage();
	if (time_parse_local(from, &o.from, err, sizeof(err)) != GM_OK ||
	    time_parse_local(to, &o.to, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: %s\n", err);
		return 2;
	}
	if (o.to <= o.from) {
		fprintf(stderr, "gm-report: --to must be after --from\n");
		return 2;
	}
	return run(&o);
}
