/* green_set.c - the full Green Office report set of a period, written into
 * a directory: the organisation summary, and for every unit its resources
 * and its self-evaluation, in Thai and English, as HTML and CSV, KPI 1.4's
 * two pages (green_kpi14.c), and one JSON file with every figure and what
 * it was built from. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gm_err.h"
#include "fileio.h"
#include "green_out.h"
#include "green_set.h"
#include "rrdc.h"
#include "usage_cache.h"

static void say(void *user, const char *msg)
{
	(void)user;
	fprintf(stderr, "gm-report: %s\n", msg);
}

typedef int (*render_fn)(FILE *f, const struct green_report *r, int unit, enum lang lang);

static int summary_html(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	(void)unit;
	return green_html_summary(f, r, lang);
}

static int summary_csv(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	(void)unit;
	return green_csv_summary(f, r, lang);
}

static int kpi14_html(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	(void)unit;
	return green_html_kpi14(f, r, lang);
}

static int kpi14_results_html(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	(void)unit;
	return green_html_kpi14_results(f, r, lang);
}

static int all_json(FILE *f, const struct green_report *r, int unit, enum lang lang)
{
	(void)unit;
	(void)lang;
	return green_json(f, r);
}

/* Write one file through a fresh temporary name (fileio.h), so a reader
 * never sees half. */
static int write_one(const char *dir, const char *name, render_fn fn,
    const struct green_report *r, int unit, enum lang lang)
{
	char path[4096], err[4400];
	struct fileio_new n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fileio_new_open(&n, path, 0644, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: %s\n", err);
		return -1;
	}
	if (fn(n.f, r, unit, lang) != 0) {
		fileio_new_abort(&n);
		fprintf(stderr, "gm-report: cannot write %s\n", path);
		return -1;
	}
	if (fileio_new_commit(&n, false, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: cannot write %s\n", err);
		return -1;
	}
	return 0;
}

static int write_unit(const char *dir, const struct green_report *r, int u, enum lang lang)
{
	const char *id = u < 0 ? "whole" : r->org->units[u].id, *l = lang == LANG_TH ? "th" : "en";
	char name[256];
	int bad = 0;

	snprintf(name, sizeof(name), "%s.resources.%s.html", id, l);
	bad |= write_one(dir, name, green_html_resources, r, u, lang);
	snprintf(name, sizeof(name), "%s.%s.csv", id, l);
	bad |= write_one(dir, name, green_csv_unit, r, u, lang);
	if (u >= 0 && r->crit != NULL) {
		snprintf(name, sizeof(name), "%s.self-evaluation.%s.html", id, l);
		bad |= write_one(dir, name, green_html_self_eval, r, u, lang);
	}
	return bad;
}

static int write_all(const char *dir, const struct green_report *r, int langs)
{
	int bad = write_one(dir, "report.json", all_json, r, -1, LANG_TH);

	for (int k = 0; k < 2; k++) {
		enum lang lang = k == 0 ? LANG_TH : LANG_EN;
		const char *l = k == 0 ? "th" : "en";
		char name[64];

		if (!(langs & (1 << k)))
			continue;
		snprintf(name, sizeof(name), "summary.%s.html", l);
		bad |= write_one(dir, name, summary_html, r, -1, lang);
		snprintf(name, sizeof(name), "summary.%s.csv", l);
		bad |= write_one(dir, name, summary_csv, r, -1, lang);
		snprintf(name, sizeof(name), "green-parliament.%s.html", l);
		bad |= write_one(dir, name, kpi14_html, r, -1, lang);
		snprintf(name, sizeof(name), "green-parliament-results.%s.html", l);
		bad |= write_one(dir, name, kpi14_results_html, r, -1, lang);
		for (int u = -1; u < r->org->nunits; u++)
			bad |= write_unit(dir, r, u, lang);
	}
	return bad;
}

/* The usage cache, when asked for; one that cannot be used only costs time. */
static struct usage_cache *cache_open(const char *dir)
{
	struct usage_cache *uc;
	char err[512];

	if (dir == NULL)
		return NULL;
	if ((uc = usage_cache_open(dir, err, sizeof(err))) == NULL)
		fprintf(stderr, "gm-report: --cache: %s; reading every row\n", err);
	return uc;
}

static void cache_close(struct usage_cache *uc)
{
	struct usage_cache_stats st;

	if (uc == NULL)
		return;
	usage_cache_stats(uc, &st);
	if (st.failed > 0)
		fprintf(stderr, "gm-report: --cache: %ld file(s) not written (%s); the next "
		    "report reads those rows again\n", st.failed, st.error);
	usage_cache_close(uc);
}

/* The stored channels the organisation maps; problems said, not fatal. */
static int read_figures(const char *datadir, const char *rrdcached, const char *cache_dir,
    const struct org *o, int fy, struct figures *f)
{
	struct fig_opts opts = { 0 };
	char err[512];
	int rc;

	if (rrdcached != NULL &&
	    (opts.rrdcached = rrdc_open(rrdcached, datadir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gm-report: --rrdcached: %s\n", err);
		return -1;
	}
	opts.cache = cache_open(cache_dir);
	rc = figures_load_opts(datadir, &opts, o, fy, f, err, sizeof(err));
	cache_close(opts.cache);
	rrdc_close(opts.rrdcached);
	if (rc != GM_OK) {
		fprintf(stderr, "gm-report: %s\n", err);
		return -1;
	}
	for (int i = 0; i < f->nproblems && i < FIG_PROBLEMS; i++)
		fprintf(stderr, "gm-report: %s\n", f->problems[i]);
	if (f->nproblems > FIG_PROBLEMS)
		fprintf(stderr, "gm-report: ... and %d more problems\n", f->nproblems - FIG_PROBLEMS);
	return 0;
}

int green_set_write(const char *org_path, const char *datadir, const char *rrdcached,
    const char *cache_dir, const struct green_period *p, const char *outdir, int langs)
{
	struct org *o = calloc(1, sizeof(*o));
	struct criteria *c = calloc(1, sizeof(*c));
	struct figures *f = calloc(1, sizeof(*f));
	struct green_report *r = calloc(1, sizeof(*r));
	int rc = 1;

	if (o == NULL || c == NULL || f == NULL || r == NULL) {
		fprintf(stderr, "gm-report: out of memory\n");
		goto out;
	}
	if (org_load(org_path, o, say, NULL) != 0)
		goto out;
	if (criteria_load(o->criteria, c, say, NULL) == 0 &&
	    read_figures(datadir, rrdcached, cache_dir, o, p->fy, f) == 0) {
		green_build(o, c, f, p, r);
		if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
			fprintf(stderr, "gm-report: %s: %s\n", outdir, strerror(errno));
		else
			rc = write_all(outdir, r, langs) ? 1 : 0;
	}
	org_free(o);
out:
	free(o);
	free(c);
	free(f);
	free(r);
	return rc;
}
