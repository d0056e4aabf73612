/*
 * fuzz_conf_plan.c - libFuzzer target over a fiscal year's Green Office
 * action plan (dashboards/green/action_plan.c), read against the shipped
 * organisation (its units are the owners an activity may name). Besides
 * the rules of fuzz_conf.h:
 *   - a refused plan is found and empty (no activity, no dates, no texts);
 *   - an accepted one has at most PLAN_MAX_ACT activities, each saying
 *     what is to be done, its owner a unit or none, its status one of three;
 *   - its KPI 1.4 level is 0..5, and exactly the length of the run of met
 *     levels from level 1; done never above total.
 */
#include "action_plan.h"
#include "fuzz_conf.h"

static struct org org;

static void check_plan(const struct action_plan *p)
{
	struct kpi14 k;
	int run = 0;

	if (p->nact < 0 || p->nact > PLAN_MAX_ACT)
		fuzz_broken("%d activities", p->nact);
	for (int i = 0; i < p->nact; i++) {
		const struct plan_activity *a = &p->act[i];

		if (a->th[0] == '\0' && a->en[0] == '\0')
			fuzz_broken("activity %s accepted without what is to be done", a->number);
		if (a->owner < -1 || a->owner >= org.nunits)
			fuzz_broken("activity %s owned by unit %d", a->number, a->owner);
		if (a->status > ACT_DONE)
			fuzz_broken("activity %s of status %d", a->number, (int)a->status);
	}
	action_plan_level(p, org.nunits, org.nunits, &k);
	while (run < PLAN_LEVELS && k.met[run])
		run++;
	if (k.level != run || k.done > k.total)
		fuzz_broken("level %d for a run of %d met; %d of %d done", k.level, run, k.done,
		    k.total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	static struct action_plan p;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_plan";
	if (path == NULL) {
		path = fuzz_path("2570.ini");
		if (org_load(GM_ROOT "/dashboards/org/senate/organisation.ini", &org, NULL,
		    NULL) != 0)
			fuzz_broken("the shipped organisation does not load");
	}
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = action_plan_load(path, &org, &p, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (!p.found)
		fuzz_broken("a plan that is there not found");
	if (errors == 0)
		check_plan(&p);
	else if (p.nact != 0 || p.submitted != 0 || p.impacts[0] != '\0')
		fuzz_broken("a refused plan left %d activities", p.nact);
	return 0;
}
