/* report_opts.c - gm-report's command line, read and checked whole before
 * anything is read from disk (report_opts.h). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gm_err.h"
#include "fiscal.h"
#include "report_opts.h"
#include "timeutil.h"

enum opt {
	O_DATA, O_FROM, O_TO, O_SITE, O_METER, O_CSV, O_FY, O_ROUND, O_QUARTER, O_MONTH,
	O_RRDCACHED, O_ORG, O_OUT, O_LANG, O_CACHE, O_PDF, O_HELP, O_N
};

static const char *const opt_name[O_N] = {
	"-d", "--from", "--to", "--site", "--meter", "--csv", "--fy", "--round", "--quarter",
	"--month", "--rrdcached", "--org", "--out", "--lang", "--cache", "--pdf", "--help",
};

/* What each option was given as, NULL when not given ("" for --csv and
 * --help). */
struct given {
	const char *v[O_N];
};

/* The fiscal period options, as numbers; 0 when not given. */
struct fiscal_sel {
	int fy, round, quarter, month;
};

static int short_opt(int c)
{
	switch (c) {
	case 'd': return O_DATA;
	case 'f': return O_FROM;
	case 't': return O_TO;
	case 's': return O_SITE;
	case 'm': return O_METER;
	case 'h': return O_HELP;
	default: return c >= 256 && c < 256 + O_N ? c - 256 : -1;
	}
}

static int read_argv(int argc, char **argv, struct given *g, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 256 + O_DATA },
		{ "from", required_argument, NULL, 256 + O_FROM },
		{ "to", required_argument, NULL, 256 + O_TO },
		{ "site", required_argument, NULL, 256 + O_SITE },
		{ "meter", required_argument, NULL, 256 + O_METER },
		{ "csv", no_argument, NULL, 256 + O_CSV },
		{ "fy", required_argument, NULL, 256 + O_FY },
		{ "round", required_argument, NULL, 256 + O_ROUND },
		{ "quarter", required_argument, NULL, 256 + O_QUARTER },
		{ "month", required_argument, NULL, 256 + O_MONTH },
		{ "rrdcached", required_argument, NULL, 256 + O_RRDCACHED },
		{ "org", required_argument, NULL, 256 + O_ORG },
		{ "out", required_argument, NULL, 256 + O_OUT },
		{ "lang", required_argument, NULL, 256 + O_LANG },
		{ "cache", required_argument, NULL, 256 + O_CACHE },
		{ "pdf", no_argument, NULL, 256 + O_PDF },
		{ "help", no_argument, NULL, 256 + O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c, o;

	memset(g, 0, sizeof(*g));
	optind = 0;     /* glibc: start afresh (a test parses many command lines) */
	opterr = 0;     /* the messages are ours */
	while ((c = getopt_long(argc, argv, ":d:f:t:s:m:h", longopts, NULL)) != -1) {
		if (c == ':')
			return gm_errf(err, errlen, GM_EINVAL, "%s needs a value", argv[optind - 1]);
		if (c == '?' && optopt > 0 && optopt < 256)
			return gm_errf(err, errlen, GM_EINVAL, "-%c is not an option of gm-report",
			    optopt);
		if ((o = short_opt(c)) < 0)
			return gm_errf(err, errlen, GM_EINVAL, "\"%s\" is not an option of gm-report "
			    "(or is short for more than one, or takes no value)", argv[optind - 1]);
		if (g->v[o] != NULL)
			return gm_errf(err, errlen, GM_EINVAL, "%s is given twice", opt_name[o]);
		g->v[o] = optarg != NULL ? optarg : "";
	}
	if (optind < argc)
		return gm_errf(err, errlen, GM_EINVAL, "unexpected argument \"%s\"", argv[optind]);
	return GM_OK;
}

/* Option o as a whole number min..max; *out stays 0 when it is not given. */
static int int_opt(const struct given *g, enum opt o, int min, int max, const char *what,
    int *out, char *err, size_t errlen)
{
	const char *s = g->v[o];
	char *end;
	long v;

	if (s == NULL)
		return GM_OK;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return gm_errf(err, errlen, GM_EINVAL, "%s: \"%s\" is not %s", opt_name[o], s, what);
	*out = (int)v;
	return GM_OK;
}

/* --fy and at most one of --round, --quarter, --month, each in its range. */
static int read_fiscal(const struct given *g, struct fiscal_sel *s, char *err, size_t errlen)
{
	static const enum opt part[] = { O_ROUND, O_QUARTER, O_MONTH };
	char why[256];

	memset(s, 0, sizeof(*s));
	if (g->v[O_FY] != NULL && fiscal_year_parse(g->v[O_FY], &s->fy, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL, "--fy: %s", why);
	for (int i = 0; i < 3; i++) {
		if (g->v[part[i]] != NULL && g->v[O_FY] == NULL)
			return gm_errf(err, errlen, GM_EINVAL, "%s needs --fy: it is a part of a "
			    "fiscal year", opt_name[part[i]]);
		for (int j = i + 1; j < 3; j++)
			if (g->v[part[i]] != NULL && g->v[part[j]] != NULL)
				return gm_errf(err, errlen, GM_EINVAL, "%s and %s both name the "
				    "period: give one", opt_name[part[i]], opt_name[part[j]]);
	}
	if (int_opt(g, O_ROUND, 6, 12, "a round (6, 9 or 12 months)", &s->round, err,
	    errlen) != GM_OK ||
	    int_opt(g, O_QUARTER, 1, 4, "a quarter (1 to 4)", &s->quarter, err, errlen) != GM_OK ||
	    int_opt(g, O_MONTH, 1, 12, "a month of the fiscal year (1 = October to "
	    "12 = September)", &s->month, err, errlen) != GM_OK)
		return GM_EINVAL;
	if (s->round != 0 && s->round % 3 != 0)
		return gm_errf(err, errlen, GM_EINVAL, "--round: \"%s\" is not a round (6, 9 or "
		    "12 months)", g->v[O_ROUND]);
	return GM_OK;
}

/* Options the mode has no use for, each with why. */
struct not_here {
	enum opt o;
	const char *why;
};

static int refuse(const struct given *g, const struct not_here *nh, size_t n,
    const char *mode, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (g->v[nh[i].o] != NULL)
			return gm_errf(err, errlen, GM_EINVAL, "%s does not apply to %s: %s",
			    opt_name[nh[i].o], mode, nh[i].why);
	return GM_OK;
}

/* The plain report's period: --from/--to, or a fiscal period. */
static int plain_period(const struct given *g, const struct fiscal_sel *s,
    struct report_cmd *cmd, char *err, size_t errlen)
{
	struct period p;
	char why[256];

	if (s->fy != 0) {
		if (g->v[O_FROM] != NULL || g->v[O_TO] != NULL)
			return gm_errf(err, errlen, GM_EINVAL, "%s and --fy both name the period: "
			    "give one", g->v[O_FROM] != NULL ? "--from" : "--to");
		if (s->month != 0)
			fiscal_month(s->fy, s->month - 1, &p, NULL, NULL);
		else if (s->quarter != 0)
			fiscal_quarter(s->fy, s->quarter, &p);
		else
			fiscal_round(s->fy, s->round != 0 ? s->round : 12, &p);
		cmd->from = p.start;
		cmd->to = p.end;
		return GM_OK;
	}
	if (g->v[O_FROM] == NULL && g->v[O_TO] == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "no period: give --from and --to, or --fy");
	if (g->v[O_FROM] == NULL || g->v[O_TO] == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "%s needs %s",
		    g->v[O_FROM] != NULL ? "--from" : "--to", g->v[O_FROM] != NULL ? "--to" : "--from");
	if (time_parse_local(g->v[O_FROM], &cmd->from, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL, "--from: %s", why);
	if (time_parse_local(g->v[O_TO], &cmd->to, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL, "--to: %s", why);
	if (cmd->to <= cmd->from)
		return gm_errf(err, errlen, GM_EINVAL, "--to must be after --from");
	return GM_OK;
}

static int plain(const struct given *g, const struct fiscal_sel *s, struct report_cmd *cmd,
    char *err, size_t errlen)
{
	static const struct not_here nh[] = {
		{ O_CACHE, "it keeps the closed months the Green Office set (--org, --out) reads; "
		    "the plain report reads every row" },
		{ O_PDF, "it writes the PDF of each page of the Green Office set (--org, --out)" },
	};
	const char *lang = g->v[O_LANG];

	if (refuse(g, nh, 2, "the plain report", err, errlen) != GM_OK)
		return GM_EINVAL;
	cmd->lang = LANG_EN;
	if (lang != NULL) {
		if (g->v[O_CSV] != NULL)
			return gm_errf(err, errlen, GM_EINVAL, "--lang does not apply to --csv: its "
			    "column names and values are the same in every language");
		if (strcmp(lang, "both") == 0)
			return gm_errf(err, errlen, GM_EINVAL, "--lang both is for the Green Office "
			    "set (--org, --out), which writes a file for each language; the plain "
			    "report prints one: th or en");
		if (strcmp(lang, "th") != 0 && strcmp(lang, "en") != 0)
			return gm_errf(err, errlen, GM_EINVAL, "--lang: \"%s\" is not th or en", lang);
		cmd->lang = strcmp(lang, "th") == 0 ? LANG_TH : LANG_EN;
	}
	cmd->site = g->v[O_SITE];
	cmd->meter = g->v[O_METER];
	cmd->csv = g->v[O_CSV] != NULL;
	return plain_period(g, s, cmd, err, errlen);
}

static int green(const struct given *g, const struct fiscal_sel *s, struct report_cmd *cmd,
    char *err, size_t errlen)
{
	static const struct not_here nh[] = {
		{ O_FROM, "its period is --fy with --round, --quarter or --month" },
		{ O_TO, "its period is --fy with --round, --quarter or --month" },
		{ O_SITE, "it reports the channels the organisation file maps" },
		{ O_METER, "it reports the channels the organisation file maps" },
		{ O_CSV, "it writes its CSV files beside the HTML ones" },
	};
	const char *lang = g->v[O_LANG] != NULL ? g->v[O_LANG] : "both";
	const char *set = "the Green Office set (--org, --out)";

	if (refuse(g, nh, sizeof(nh) / sizeof(nh[0]), set, err, errlen) != GM_OK)
		return GM_EINVAL;
	if (g->v[O_ORG] == NULL || g->v[O_OUT] == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "%s", g->v[O_ORG] == NULL ?
		    "--out needs --org FILE: the organisation the set reports on" :
		    "--org needs --out DIR: where the set is written");
	if (s->fy == 0)
		return gm_errf(err, errlen, GM_EINVAL, "the Green Office set needs --fy");
	cmd->langs = strcmp(lang, "th") == 0 ? 1 : strcmp(lang, "en") == 0 ? 2 :
	    strcmp(lang, "both") == 0 ? 3 : 0;
	if (cmd->langs == 0)
		return gm_errf(err, errlen, GM_EINVAL, "--lang: \"%s\" is not th, en or both", lang);
	cmd->org = g->v[O_ORG];
	cmd->out = g->v[O_OUT];
	cmd->cache = g->v[O_CACHE];
	cmd->pdf = g->v[O_PDF] != NULL;
	/* every value was checked above: these cannot fail. The set is as of
	 * now: the month under way is not compared yet (compare.h) */
	if (s->quarter != 0)
		return green_period_quarter(s->fy, s->quarter, time(NULL), &cmd->period);
	if (s->month != 0)
		return green_period_month(s->fy, s->month, time(NULL), &cmd->period);
	return green_period_round(s->fy, s->round != 0 ? s->round : 12, time(NULL),
	    &cmd->period);
}

int report_opts_parse(int argc, char **argv, struct report_cmd *cmd, char *err, size_t errlen)
{
	struct given g;
	struct fiscal_sel s;

	memset(cmd, 0, sizeof(*cmd));
	if (read_argv(argc, argv, &g, err, errlen) != GM_OK)
		return GM_EINVAL;
	if (g.v[O_HELP] != NULL) {   /* whatever else is there */
		cmd->mode = REPORT_HELP;
		return GM_OK;
	}
	cmd->mode = g.v[O_ORG] != NULL || g.v[O_OUT] != NULL ? REPORT_GREEN : REPORT_PLAIN;
	if (g.v[O_DATA] == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "-d DATADIR is missing: where the meter "
		    "channels are stored");
	if (read_fiscal(&g, &s, err, errlen) != GM_OK)
		return GM_EINVAL;
	cmd->datadir = g.v[O_DATA];
	cmd->rrdcached = g.v[O_RRDCACHED];
	return cmd->mode == REPORT_GREEN ? green(&g, &s, cmd, err, errlen) :
	    plain(&g, &s, cmd, err, errlen);
}

void report_opts_usage(FILE *f)
{
	fprintf(f, "usage: gm-report -d DATADIR --from TIME --to TIME [--csv | --lang th|en] "
	    "[--site ID] [--meter ID]\n"
	    "       gm-report -d DATADIR --fy 2570 [--round 6|9|12 | --quarter 1-4 | --month 1-12] "
	    "...\n"
	    "       --rrdcached ADDRESS: flush each file through rrdcached first\n"
	    "       gm-report -d DATADIR --org FILE --fy 2570 [--round 6|9|12 | --quarter 1-4 |\n"
	    "                 --month 1-12] --out DIR [--lang th|en|both] [--cache DIR] [--pdf]:\n"
	    "                 Green Office reports; --pdf writes an A4 PDF of every page;\n"
	    "                 --cache DIR keeps closed months' usage\n"
	    "                 there and reuses it while the files have not changed (same\n"
	    "                 figures, faster; none by default; DIR may be deleted any time)\n"
	    "       gm-report -h|--help\n"
	    "TIME is local (Asia/Bangkok): YYYY-MM-DD[ HH:MM[:SS]] or @unix;\n"
	    "fiscal years are Buddhist Era (%d to %d), 1 October to 30 September;\n"
	    "--month counts from October (1) to September (12)\n", FY_MIN, FY_MAX);
}
