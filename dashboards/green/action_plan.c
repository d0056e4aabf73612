/* action_plan.c - the Green Office action plan of a fiscal year and the
 * KPI 1.4 level it gives (action_plan.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "action_plan.h"
#include "confparse.h"
#include "timeutil.h"

static const char *const status_names[] = { "not_started", "in_progress", "done" };

const char *act_status_name(enum act_status s)
{
	return status_names[s];
}

struct plan_parse {
	const struct org *o;
	struct action_plan *p;
	struct plan_activity *cur;   /* the [activity] being read; NULL in [plan] */
	bool in_plan;
	int section_line;
	int act_line[PLAN_MAX_ACT];  /* each [activity]'s header, for messages */
};

static void date_key(struct conf *c, const char *key, const char *value, time_t *out)
{
	char err[128];

	if (strlen(value) != 10 || time_parse_local(value, out, err, sizeof(err)) != 0)
		conf_error(c, "%s = \"%s\": expected a date, YYYY-MM-DD", key, value);
}

static void plan_key(struct conf *c, struct action_plan *p, const char *key, const char *value)
{
	if (strcmp(key, "th") == 0)
		conf_str(c, key, value, p->th, sizeof(p->th));
	else if (strcmp(key, "en") == 0)
		conf_str(c, key, value, p->en, sizeof(p->en));
	else if (strcmp(key, "approved") == 0)
		date_key(c, key, value, &p->approved);
	else if (strcmp(key, "results_submitted") == 0)
		date_key(c, key, value, &p->submitted);
	else if (strcmp(key, "impacts") == 0)
		conf_str(c, key, value, p->impacts, sizeof(p->impacts));
	else if (strcmp(key, "problems") == 0)
		conf_str(c, key, value, p->problems, sizeof(p->problems));
	else if (strcmp(key, "obstacles") == 0)
		conf_str(c, key, value, p->obstacles, sizeof(p->obstacles));
	else if (strcmp(key, "recommendations") == 0)
		conf_str(c, key, value, p->recommendations, sizeof(p->recommendations));
	else
		conf_error(c, "unknown key \"%s\" in [plan]", key);
}

static void activity_key(struct conf *c, const struct org *o, struct plan_activity *a,
    const char *key, const char *value)
{
	if (strcmp(key, "th") == 0)
		conf_str(c, key, value, a->th, sizeof(a->th));
	else if (strcmp(key, "en") == 0)
		conf_str(c, key, value, a->en, sizeof(a->en));
	else if (strcmp(key, "evidence") == 0)
		conf_str(c, key, value, a->evidence, sizeof(a->evidence));
	else if (strcmp(key, "due") == 0)
		date_key(c, key, value, &a->due);
	else if (strcmp(key, "owner") == 0) {
		if ((a->owner = org_unit_find(o, value)) < 0)
			conf_error(c, "owner = \"%s\": not a unit of the organisation file", value);
	} else if (strcmp(key, "status") == 0) {
		if (act_status_parse(value, &a->status) != 0)
			conf_error(c, "status = \"%s\": expected done, in_progress or not_started",
			    value);
	} else
		conf_error(c, "unknown key \"%s\" in [activity %s]", key, a->number);
}

/* At the first key of a section: which one it is. */
static void start_section(struct conf *c, struct plan_parse *pp, const char *section)
{
	char type[16], name[CONF_LINE_MAX + 1];
	struct action_plan *p = pp->p;

	pp->section_line = c->section_line;
	pp->cur = NULL;
	pp->in_plan = false;
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name)) ||
	    !((strcmp(type, "plan") == 0 && name[0] == '\0') ||
	    (strcmp(type, "activity") == 0 && name[0] != '\0'))) {
		conf_error_at(c, c->section_line, "unknown section [%s] (expected [plan] or "
		    "[activity <n>])", section);
		return;
	}
	if (strcmp(type, "plan") == 0) {
		pp->in_plan = true;
	} else if (p->nact == PLAN_MAX_ACT) {
		conf_error_at(c, c->section_line, "more than %d activities", PLAN_MAX_ACT);
	} else if (strlen(name) >= sizeof(p->act[0].number) ||
	    strspn(name, "0123456789.") != strlen(name)) {
		/* a number is also the name of its fields on gm-dashboard's form */
		conf_error_at(c, c->section_line, "[activity %.32s]: a number (digits and dots) of "
		    "at most %zu characters", name, sizeof(p->act[0].number) - 1);
	} else {
		pp->act_line[p->nact] = c->section_line;
		pp->cur = &p->act[p->nact++];
		memset(pp->cur, 0, sizeof(*pp->cur));
		pp->cur->owner = -1;
		strcpy(pp->cur->number, name);
	}
}

static void handler(struct conf *c, const char *section, const char *key, const char *value)
{
	struct plan_parse *pp = c->user;

	if (c->section_line == 0) {
		conf_error(c, "\"%s\" before any section", key);
		return;
	}
	if (c->section_line != pp->section_line)
		start_section(c, pp, section);
	if (pp->in_plan)
		plan_key(c, pp->p, key, value);
	else if (pp->cur != NULL)
		activity_key(c, pp->o, pp->cur, key, value);
}

int action_plan_load(const char *path, const struct org *o, struct action_plan *p,
    plan_report_fn report, void *user)
{
	struct plan_parse pp = { .o = o, .p = p, .section_line = -1 };
	struct conf c = { .path = path, .report = report, .report_user = user };
	struct stat st;

	memset(p, 0, sizeof(*p));
	if (stat(path, &st) != 0)
		return 0;   /* no plan for the year: level 0, said on the page */
	c.errors = conf_parse(path, handler, &pp, report, user);
	for (int i = 0; i < p->nact; i++)
		if (p->act[i].th[0] == '\0' && p->act[i].en[0] == '\0')
			conf_error_at(&c, pp.act_line[i], "[activity %s] has no th or en: what is "
			    "to be done?", p->act[i].number);
	if (c.errors > 0)
		memset(p, 0, sizeof(*p));
	p->found = true;
	return c.errors;
}

void action_plan_level(const struct action_plan *p, int assessed, int units, struct kpi14 *k)
{
	memset(k, 0, sizeof(*k));
	k->total = p->nact;
	for (int i = 0; i < p->nact; i++)
		k->done += p->act[i].status == ACT_DONE;
	k->done_pct = k->total > 0 ? 100.0 * k->done / k->total : NAN;
	k->assessed = assessed;
	k->units = units;
	k->met[0] = p->found && p->nact > 0;
	/* 80 % as a whole number of activities: 4 of 5 is 80, exactly */
	k->met[1] = k->total > 0 && k->done * 5 >= k->total * 4;
	k->met[2] = k->total > 0 && k->done == k->total;
	k->met[3] = units > 0 && assessed == units;
	k->met[4] = p->submitted != 0 && p->impacts[0] && p->problems[0] && p->obstacles[0] &&
	    p->recommendations[0];
	while (k->level < PLAN_LEVELS && k->met[k->level])
		k->level++;
}

int act_status_parse(const char *s, enum act_status *out)
{
	for (int k = 0; k < 3; k++)
		if (strcmp(s, status_names[k]) == 0) {
			*out = (enum act_status)k;
			return 0;
		}
	return -1;
}
