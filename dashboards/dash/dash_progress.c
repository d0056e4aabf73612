/* dash_progress.c - every unit's self-evaluation checklist for a fiscal
 * year at a glance (/checklist/units): how many of the edition's checklist
 * indicators each has scored, the causes it has given of the metered
 * resources, and its evidence files; for the coordinator who must see which
 * bureaus are behind. A unit's file written by hand is read in first, as
 * its own page would. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "fiscal.h"
#include "gm_err.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "timeutil.h"
#include "web_checklist.h"

struct unit_progress {
	int scored, causes, files;
};

static void count(struct dash *d, const struct http_req *rq, const struct viewer *v, int unit,
    int fy, struct checklist *cl, struct unit_progress *p)
{
	const struct criteria *c = d->crit;
	struct entry_who w = { v->who.name, rq->address, d->org->units[unit].id, now_wall() };
	struct evidence *ev = calloc(512, sizeof(*ev));
	char path[4200], err[512];
	int n;

	memset(p, 0, sizeof(*p));
	web_checklist_path(path, sizeof(path), d->org->checklists, fy, w.unit);
	pthread_mutex_lock(&d->db_lock);
	web_checklist_import(d->db, c, path, &w, fy, err, sizeof(err));   /* its page says why not */
	if (web_checklist_get(d->db, c, w.unit, fy, cl) == GM_OK)
		for (int i = 0; i < cl->n; i++) {
			int k = criteria_find(c, cl->e[i].code);

			p->scored += k >= 0 && c->ind[k].source != SRC_METER && !isnan(cl->e[i].score);
		}
	n = ev != NULL ? evidence_list(d->db, w.unit, fy, NULL, ev, 512) : 0;
	for (int i = 0; i < n; i++)   /* the checklist's, not the plan's activities' */
		p->files += criteria_find(c, ev[i].code) >= 0;
	pthread_mutex_unlock(&d->db_lock);
	for (int i = 0; i < c->nind; i++)
		p->causes += c->ind[i].source == SRC_METER && cl->cause[c->ind[i].res].text[0] != '\0';
	free(ev);
}

void dash_progress_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct viewer *v)
{
	enum lang l = dash_lang(rq);
	const char *fy_arg = http_server_arg(rq, "fy");
	int fy = fiscal_year_of((time_t)now_wall()), now = fy, checks = 0, meters = 0;
	struct checklist *cl = malloc(sizeof(*cl));
	char tail;

	/* a viewer enters nothing: whose progress would it follow? */
	if (!v->signed_in || v->who.role == ROLE_VIEWER || d->org == NULL || d->crit == NULL ||
	    cl == NULL) {
		bool who = !v->signed_in || v->who.role == ROLE_VIEWER;

		http_server_fail(rp, who ? 403 : 404, who ? "for coordinators and bureau editors" :
		    "no organisation or criteria file");
		free(cl);
		return;
	}
	if (fy_arg != NULL && (sscanf(fy_arg, "%d%c", &fy, &tail) != 1 || fy < 2560 || fy > now + 1)) {
		http_server_fail(rp, 400, tr(l, "c_bad_fy"));
		free(cl);
		return;
	}
	for (int i = 0; i < d->crit->nind; i++) {
		checks += d->crit->ind[i].source != SRC_METER;
		meters += d->crit->ind[i].source == SRC_METER;
	}
	page_begin(rp->out, rq, l, tr(l, "c_progress_all"), 0);
	fprintf(rp->out, "<p>%s %d</p><table id=\"units-progress\"><tr><th>%s</th><th>%s</th>"
	    "<th>%%</th><th>%s</th><th>%s</th></tr>", tr(l, "c_fy"), l == LANG_EN ? fy - 543 : fy,
	    tr(l, "unit"), tr(l, "c_scored"), tr(l, "c_causes"), tr(l, "c_files_count"));
	for (int u = 0; u < d->org->nunits; u++) {
		struct unit_progress p;
		const char *id = d->org->units[u].id;

		if (!account_may_edit(&v->who, id))
			continue;   /* an editor follows their own units; a coordinator all */
		count(d, rq, v, u, fy, cl, &p);
		fprintf(rp->out, "<tr data-unit=\"%s\" data-scored=\"%d\"><td>", id, p.scored);
		fprintf(rp->out, "<a href=\"/checklist?unit=%s&amp;fy=%d%s\">", id, fy,
		    l == LANG_EN ? "&amp;lang=en" : "");
		html_esc(rp->out, l == LANG_EN ? d->org->units[u].name_en : d->org->units[u].name_th);
		fprintf(rp->out, "</a></td><td class=\"num\">%d / %d</td><td class=\"num\">%.0f</td>"
		    "<td class=\"num\">%d / %d</td><td class=\"num\">%d</td></tr>", p.scored, checks,
		    checks > 0 ? 100.0 * p.scored / checks : 0.0, p.causes, meters, p.files);
	}
	fputs("</table>\n", rp->out);
	page_end(rp->out, l, now_wall());
	free(cl);
}
