/*
 * fuzz_conf_plan.c - libFuzzer target over a fiscal year's Green Office
 * action plan (dashboards/green/action_plan.c), read against the shipped
 * organisation (its units are the owners an activity may name). Besides
 * the rules of fuzz_conf.h:
 *   - a refused plan is found and empty (no activity, no dates, no texts);
 *   - an accepted one has at most PLAN_MAX_ACT activities, each saying
 *     what is to be done, its owner a unit or none, its status one of three;
 *   - its KPI 1.4 level is 0..5, and exactly the length of the run of met
 *     levels from level 1; done never above total;
 *   - written back (action_plan_write, as gm-dashboard saves the plan) and
 *     read again, it is the same plan: every field of it and its activities.
 */
#include "action_plan.h"
#include "confparse.h"
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

static bool same_activity(const struct plan_activity *a, const struct plan_activity *b)
{
	return strcmp(a->number, b->number) == 0 && strcmp(a->th, b->th) == 0 &&
	    strcmp(a->en, b->en) == 0 && a->owner == b->owner && a->due == b->due &&
	    a->status == b->status && strcmp(a->evidence, b->evidence) == 0;
}

static bool writable(const struct action_plan *p)
{
	bool ok = conf_writable(p->th) && conf_writable(p->en) && conf_writable(p->impacts) &&
	    conf_writable(p->problems) && conf_writable(p->obstacles) &&
	    conf_writable(p->recommendations);

	for (int i = 0; ok && i < p->nact; i++)
		ok = conf_writable(p->act[i].th) && conf_writable(p->act[i].en) &&
		    conf_writable(p->act[i].evidence);
	return ok;
}

/* Written back and read again: the same plan (when its values can be
 * written: "th =;x" reads as ";x", which no file can say after "th = ";
 * the dashboard refuses such a value). */
static void check_round_trip(const struct action_plan *p, const char *path)
{
	static struct action_plan back;
	FILE *f;

	if (!writable(p))
		return;
	if ((f = fopen(path, "w")) == NULL)
		fuzz_broken("cannot write %s", path);
	action_plan_write(f, &org, p, "round trip");
	fclose(f);
	if (action_plan_load(path, &org, &back, NULL, NULL) != 0)
		fuzz_broken("an accepted plan, written back, is refused");
	if (strcmp(p->th, back.th) != 0 || strcmp(p->en, back.en) != 0 ||
	    p->approved != back.approved || p->submitted != back.submitted ||
	    strcmp(p->impacts, back.impacts) != 0 || strcmp(p->problems, back.problems) != 0 ||
	    strcmp(p->obstacles, back.obstacles) != 0 ||
	    strcmp(p->recommendations, back.recommendations) != 0 || p->nact != back.nact)
		fuzz_broken("the plan is not the same written back");
	for (int i = 0; i < p->nact; i++)
		if (!same_activity(&p->act[i], &back.act[i]))
			fuzz_broken("activity %s is not the same written back", p->act[i].number);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path, *path2;
	static struct action_plan p;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_plan";
	if (path == NULL) {
		path = fuzz_path("2570.ini");
		path2 = fuzz_path("written.ini");
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
	if (errors == 0) {
		check_plan(&p);
		check_round_trip(&p, path2);
	}
	else if (p.nact != 0 || p.submitted != 0 || p.impacts[0] != '\0')
		fuzz_broken("a refused plan left %d activities", p.nact);
	return 0;
}
