/* dash_reports.c - the report files: each set as people look for it (a
 * Green Office set by its fiscal year, its organisation pages and a row a
 * unit; another set as a list), a unit's latest, each file. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "handlers.h"
#include "hash.h"
#include "gm_err.h"
#include "html.h"
#include "ratelog.h"
#include "report_files.h"
#include "timeutil.h"

static void file_link(FILE *f, const struct report_set *s, const struct report_file *rf)
{
	/* plain names only (report_files.h): nothing to escape in a path */
	fprintf(f, "<a href=\"/reports/%s/%s\">%s</a>", s->name, rf->name, rf->name);
}

static void set_table(FILE *f, const struct report_set *s, enum lang l)
{
	fprintf(f, "<h2 id=\"set-%s\">%s</h2><table><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
	    s->name, s->name, tr(l, "file"), tr(l, "size"), tr(l, "modified"));
	for (int i = 0; i < s->nfiles; i++) {
		fputs("<tr><td>", f);
		file_link(f, s, &s->files[i]);
		fprintf(f, "</td><td class=\"num\">%lld</td><td>", (long long)s->files[i].size);
		page_time(f, s->files[i].mtime, l);
		fputs("</td></tr>", f);
	}
	fputs("</table>\n", f);
}

/* ---- a Green Office set, as people look for it ------------------------------ */

static const struct report_file *find(const struct report_set *s, const char *name)
{
	for (int i = 0; i < s->nfiles; i++)   /* by name, but a few hundred at most */
		if (strcmp(s->files[i].name, name) == 0)
			return &s->files[i];
	return NULL;
}

/* "HTML · PDF" of base.<lang>.html/.pdf, each when there; the count shown. */
static int page_links(FILE *f, const struct report_set *s, const char *base, enum lang l,
    bool *used)
{
	static const char *const ext[] = { "html", "pdf" }, *const label[] = { "HTML", "PDF" };
	char name[REPORT_NAME_MAX + 1];
	int shown = 0;

	for (int k = 0; k < 2; k++) {
		const struct report_file *rf;

		snprintf(name, sizeof(name), "%s.%s.%s", base, l == LANG_EN ? "en" : "th", ext[k]);
		if ((rf = find(s, name)) == NULL)
			continue;
		used[rf - s->files] = true;
		fprintf(f, "%s<a href=\"/reports/%s/%s\">%s</a>", shown++ ? " · " : "", s->name,
		    rf->name, label[k]);
	}
	return shown;
}

/* "green-fy2569" and "green-fy2570-q1": the fiscal year and the quarter,
 * in words; another name as it is. */
static void set_title(FILE *f, const struct report_set *s, enum lang l)
{
	int fy = 0, q = 0;

	if (sscanf(s->name, "green-fy%4d-q%1d", &fy, &q) >= 1 && fy >= 2500 && fy < 2700) {
		fprintf(f, "%s %s %d", tr(l, "set_green"), tr(l, "set_fy"), fy);   /* B.E., as the sets name it */
		if (q >= 1 && q <= 4)
			fprintf(f, " %s %d", tr(l, "set_quarter"), q);
	} else {
		html_esc(f, s->name);
	}
}

/* The organisation's pages, then a row a unit, then what else the set has. */
static void green_set(FILE *f, const struct report_set *s, const struct org *o, enum lang l)
{
	static const char *const org_pages[] = { "summary", "green-parliament",
		"green-parliament-results", "whole.resources" };
	static const char *const org_keys[] = { "summary", "kpi14", "results_report", "whole" };
	bool *used = calloc((size_t)s->nfiles + 1, sizeof(*used));
	char base[REPORT_NAME_MAX + 1];
	int others = 0;

	if (used == NULL)
		return;
	fprintf(f, "<section class=\"set\" id=\"set-%s\"><h2>", s->name);
	set_title(f, s, l);
	fprintf(f, "</h2><p><small>%s ", tr(l, "made"));
	page_time(f, s->mtime, l);
	fputs("</small></p><ul class=\"org-pages\">", f);
	for (size_t k = 0; k < sizeof(org_pages) / sizeof(org_pages[0]); k++) {
		fprintf(f, "<li>%s: ", tr(l, org_keys[k]));
		if (page_links(f, s, org_pages[k], l, used) == 0)
			fputs("—", f);
		fputs("</li>", f);
	}
	fprintf(f, "</ul><table class=\"units\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr>"
	    "</thead><tbody>", tr(l, "units"), tr(l, "resources"), tr(l, "self_eval"));
	for (int u = 0; u < o->nunits; u++) {
		fprintf(f, "<tr data-unit=\"%s\"><td>", o->units[u].id);
		html_esc(f, l == LANG_EN ? o->units[u].name_en : o->units[u].name_th);
		fputs("</td><td>", f);
		snprintf(base, sizeof(base), "%s.resources", o->units[u].id);
		if (page_links(f, s, base, l, used) == 0)
			fputs("—", f);
		fputs("</td><td>", f);
		snprintf(base, sizeof(base), "%s.self-evaluation", o->units[u].id);
		if (page_links(f, s, base, l, used) == 0)
			fputs("—", f);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table>", f);
	for (int i = 0; i < s->nfiles; i++)
		others += !used[i];
	if (others > 0) {   /* the CSVs, report.json, the other language */
		fprintf(f, "<details><summary>%s (%d)</summary><p class=\"files\">", tr(l, "other_files"),
		    others);
		for (int i = 0, k = 0; i < s->nfiles; i++) {
			if (used[i])
				continue;
			fputs(k++ ? " · " : "", f);
			file_link(f, s, &s->files[i]);
		}
		fputs("</p></details>", f);
	}
	fputs("</section>\n", f);
	free(used);
}

/* A Green Office set: gm-report wrote a summary into it. */
static bool is_green(const struct report_set *s)
{
	return find(s, "summary.th.html") != NULL || find(s, "summary.en.html") != NULL;
}

void dash_reports_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct report_set *sets = NULL;
	int n = d->cfg.reports_dir[0] ? report_files_sets(d->cfg.reports_dir, &sets) : GM_ENOTFOUND;

	page_begin(rp->out, rq, l, tr(l, "reports"), 0);
	if (rq->accounts && d->runner != NULL)   /* the same for everyone: the page is shared */
		fprintf(rp->out, "<p><a id=\"run-link\" href=\"/report-run%s\">%s</a></p>",
		    page_lang_query(l), tr(l, "r_title"));
	if (n <= 0)
		fprintf(rp->out, "<p>%s</p>", tr(l, "no_reports"));
	for (int i = 0; i < n; i++) {
		if (d->org != NULL && is_green(&sets[i]))
			green_set(rp->out, &sets[i], d->org, l);
		else
			set_table(rp->out, &sets[i], l);
	}
	if (n > 0)
		report_files_sets_free(sets, n);
	page_end(rp->out, l, now_wall());
}

/* The set has a page of the unit's in l. */
static bool has_unit(const struct report_set *s, const char *unit, enum lang l)
{
	static const char *const kind[] = { "resources", "self-evaluation" };
	static const char *const ext[] = { "html", "pdf" };
	char name[REPORT_NAME_MAX + 1];

	for (int k = 0; k < 2; k++)
		for (int e = 0; e < 2; e++) {
			snprintf(name, sizeof(name), "%s.%s.%s.%s", unit, kind[k], l == LANG_EN ? "en" : "th",
			    ext[e]);
			if (find(s, name) != NULL)
				return true;
		}
	return false;
}

void dash_reports_of_unit(FILE *f, const char *dir, const char *unit, enum lang l)
{
	struct report_set *sets = NULL;
	int n = dir[0] ? report_files_sets(dir, &sets) : GM_ENOTFOUND, shown = 0;
	char base[REPORT_NAME_MAX + 1];

	fprintf(f, "<h2>%s</h2>", tr(l, "latest_reports"));
	for (int i = 0; i < n && shown == 0; i++) {
		bool *used;

		if (!has_unit(&sets[i], unit, l))
			continue;   /* an older set may have it */
		if ((used = calloc((size_t)sets[i].nfiles + 1, sizeof(*used))) == NULL)
			break;
		fputs("<ul class=\"reports\">", f);
		snprintf(base, sizeof(base), "%s.resources", unit);
		fprintf(f, "<li>%s: ", tr(l, "resources"));
		if (page_links(f, &sets[i], base, l, used) == 0)
			fputs("—", f);
		else
			shown++;
		snprintf(base, sizeof(base), "%s.self-evaluation", unit);
		fprintf(f, "</li><li>%s: ", tr(l, "self_eval"));
		if (page_links(f, &sets[i], base, l, used) == 0)
			fputs("—", f);
		else
			shown++;
		fputs("</li></ul>", f);
		if (shown) {
			fprintf(f, "<p><small><a href=\"/reports%s#set-%s\">", page_lang_query(l),
			    sets[i].name);
			set_title(f, &sets[i], l);
			fputs("</a></small></p>", f);
		}
		free(used);
	}
	if (shown == 0)
		fprintf(f, "<p>%s</p>", tr(l, "no_reports"));
	if (n > 0)
		report_files_sets_free(sets, n);
}

void dash_reports_file(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const char *set, const char *file)
{
	char err[400];
	int rc = d->cfg.reports_dir[0] ? report_files_read(d->cfg.reports_dir, set, file, &rp->data,
	    &rp->len, err, sizeof(err)) : GM_ENOTFOUND;

	if (rc == GM_OK) {
		rp->type = report_files_type(file);
		/* asked again each time, so a set made again shows at once; a
		 * copy the browser has is not sent twice */
		snprintf(rp->etag, sizeof(rp->etag), "\"%016llx-%zx\"",
		    (unsigned long long)fnv1a_bytes(FNV1A_BASIS, rp->data, rp->len), rp->len);
		if (strcmp(rp->type, "application/octet-stream") == 0)
			snprintf(rp->disposition, sizeof(rp->disposition), "attachment");
	} else if (rc == GM_EINVAL) {
		/* the operator should know; a client asking again and again must
		 * not fill the log (ratelog.h) */
		ratelog_say(rq->noise, time(NULL), "%s", err);
		http_server_fail(rp, 403, "this file is not served (see the dashboard's log)");
	} else {
		http_server_fail(rp, rc == GM_ENOTFOUND ? 404 : 500,
		    rc == GM_ENOTFOUND ? "no such report file" : gm_strerror(rc));
	}
}
