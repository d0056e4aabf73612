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
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "green_out.h"
#include "green_set.h"
#include "html.h"
#include "pdf_page.h"
#include "pdf_queue.h"
#include "rrdc.h"
#include "usage_cache.h"

static void say(void *user, const char *msg)
{
	(void)user;
	fprintf(stderr, "gm-report: %s\n", msg);
}

/* PDFs beside the HTML pages, when the set has them (green_set_write):
 * queued as the pages are written, made at the end on every core. */
static struct pdf_queue *pdfs;

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

/* Write len bytes of data at dir/name through a fresh temporary name
 * (fileio.h), so a reader never sees half. */
static int write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096], err[4400];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fileio_replace(path, data, len, 0644, false, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: cannot write %s\n", err);
		return -1;
	}
	return 0;
}

/* The page in *buf with Thai digits (org digits = thai), in place of it. */
static int thai_digits(char **buf, size_t *len)
{
	char *out = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&out, &n);

	if (m == NULL)
		return -1;
	html_thai_digits(m, *buf, *len);
	if (fclose(m) != 0) {
		free(out);
		return -1;
	}
	free(*buf);
	*buf = out;
	*len = n;
	return 0;
}

/* Render one file in memory, then write it; an HTML page (name ending in
 * .html) also as <name without .html>.pdf when the set has PDFs. */
static int write_one(const char *dir, const char *name, render_fn fn,
    const struct green_report *r, int unit, enum lang lang)
{
	char *buf = NULL, pdf_name[256];
	size_t len = 0, n = strlen(name);
	FILE *m = open_memstream(&buf, &len);
	int bad;

	if (m == NULL) {
		fprintf(stderr, "gm-report: out of memory\n");
		return -1;
	}
	bad = fn(m, r, unit, lang) != 0;
	if (fclose(m) != 0 || bad || (lang == LANG_TH && r->org->thai_digits &&
	    n > 5 && strcmp(name + n - 5, ".html") == 0 && thai_digits(&buf, &len) != 0)) {
		free(buf);
		fprintf(stderr, "gm-report: cannot make %s/%s\n", dir, name);
		return -1;
	}
	bad = write_bytes(dir, name, buf, len);
	if (pdfs != NULL && n > 5 && strcmp(name + n - 5, ".html") == 0) {
		snprintf(pdf_name, sizeof(pdf_name), "%.*s.pdf", (int)(n - 5), name);
		if (pdf_queue_add(pdfs, pdf_name, buf, len) != 0) {
			fprintf(stderr, "gm-report: out of memory\n");
			return -1;
		}
		return bad;
	}
	free(buf);
	return bad;
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

/* The threads the PDFs are made on: the machine's cores, 1 to 8. */
static int cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int green_set_write(const struct report_cmd *cmd)
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
	if (org_load(cmd->org, o, say, NULL) != 0)
		goto out;
	if (criteria_load(o->criteria, c, say, NULL) == 0 &&
	    read_figures(cmd->datadir, cmd->rrdcached, cmd->cache, o, cmd->period.fy, f) == 0) {
		green_build(o, c, f, &cmd->period, r);
		if (mkdir(cmd->out, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "gm-report: %s: %s\n", cmd->out, strerror(errno));
		} else {
			if (cmd->pdf && (pdfs = pdf_queue_new(cmd->out)) == NULL)
				fprintf(stderr, "gm-report: out of memory\n");
			rc = write_all(cmd->out, r, cmd->langs) ? 1 : 0;
			if (pdfs != NULL && pdf_queue_run(pdfs, cores()) != 0)
				rc = 1;
			pdfs = NULL;
		}
	}
	org_free(o);
out:
	if (cmd->pdf)
		pdf_page_cleanup();
	free(o);
	free(c);
	free(f);
	free(r);
	return rc;
}
