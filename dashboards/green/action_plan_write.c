/*
 * action_plan_write.c - the action plan written back as the INI file
 * action_plan.c reads (action_plan.h action_plan_write): the plan entered on
 * gm-dashboard becomes the file gm-report judges KPI 1.4 on.
 */
#include <stdio.h>
#include <time.h>

#include "action_plan.h"

static void key(FILE *f, const char *k, const char *v)
{
	if (v[0] != '\0')
		fprintf(f, "%s = %s\n", k, v);
}

static void date(FILE *f, const char *k, time_t t)
{
	char d[16];

	if (t == 0)
		return;
	action_plan_date(d, sizeof(d), t);
	key(f, k, d);
}

void action_plan_date(char *buf, size_t len, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* not strftime's %Y: year 632 must come back as the 0632 it was read from */
	snprintf(buf, len, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	    tm.tm_mday % 100);
}

void action_plan_write(FILE *f, const struct org *o, const struct action_plan *p,
    const char *head)
{
	fprintf(f, "; %s\n; Format: docs/organisation.md, \"The action plan (KPI 1.4)\".\n", head);
	if (p->th[0] || p->en[0] || p->approved || p->submitted || p->impacts[0] ||
	    p->problems[0] || p->obstacles[0] || p->recommendations[0]) {
		fputs("\n[plan]\n", f);
		key(f, "th", p->th);
		key(f, "en", p->en);
		date(f, "approved", p->approved);
		date(f, "results_submitted", p->submitted);
		key(f, "impacts", p->impacts);
		key(f, "problems", p->problems);
		key(f, "obstacles", p->obstacles);
		key(f, "recommendations", p->recommendations);
	}
	for (int i = 0; i < p->nact; i++) {
		const struct plan_activity *a = &p->act[i];

		fprintf(f, "\n[activity %s]\n", a->number);
		key(f, "th", a->th);
		key(f, "en", a->en);
		if (a->owner >= 0 && a->owner < o->nunits)
			key(f, "owner", o->units[a->owner].id);
		date(f, "due", a->due);
		key(f, "status", act_status_name(a->status));
		key(f, "evidence", a->evidence);
	}
}
