/* dash_reports.c - the report files: a list, a unit's latest, each file. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "handlers.h"
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

void dash_reports_page(struct dash *d, const struct http_req *rq, struct http_reply *rp)
{
	enum lang l = dash_lang(rq);
	struct report_set *sets = NULL;
	int n = d->cfg.reports_dir[0] ? report_files_sets(d->cfg.reports_dir, &sets) : GM_ENOTFOUND;

	page_begin(rp->out, rq, l, tr(l, "reports"), 0);
	if (n <= 0)
		fprintf(rp->out, "<p>%s</p>", tr(l, "no_reports"));
	for (int i = 0; i < n; i++)
		set_table(rp->out, &sets[i], l);
	if (n > 0)
		report_files_sets_free(sets, n);
	page_end(rp->out, l, now_wall());
}

/* "<unit>." starts each of a unit's files (green_set.h). */
static bool unit_file(const char *name, const char *unit)
{
	size_t k = strlen(unit);

	return strncmp(name, unit, k) == 0 && name[k] == '.';
}

void dash_reports_of_unit(FILE *f, const char *dir, const char *unit, enum lang l)
{
	struct report_set *sets = NULL;
	int n = dir[0] ? report_files_sets(dir, &sets) : GM_ENOTFOUND, shown = 0;

	fprintf(f, "<h2>%s</h2>", tr(l, "latest_reports"));
	for (int i = 0; i < n && shown == 0; i++) {
		for (int k = 0; k < sets[i].nfiles; k++) {
			if (!unit_file(sets[i].files[k].name, unit))
				continue;
			fputs(shown++ ? " · " : "<p class=\"reports\">", f);
			file_link(f, &sets[i], &sets[i].files[k]);
		}
		if (shown)
			fprintf(f, " <small>(%s)</small></p>", sets[i].name);
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
		rp->cacheable = true;
		if (strcmp(rp->type, "application/octet-stream") == 0)
			rp->disposition = "attachment";
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
