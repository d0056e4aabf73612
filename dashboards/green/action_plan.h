/*
 * action_plan.h - the organisation's Green Office action plan for a fiscal
 * year, and KPI 1.4 "ระดับความสำเร็จของการขับเคลื่อนสู่การเป็น Green Parliament"
 * (weight 15, reported by the Bureau of Central Administration) judged from
 * it and from the units' self-evaluations.
 *
 * The plan is organisation data: <plans>/<fy>.ini (docs/organisation.md),
 *   [plan]          th, en, approved (the date the plan was approved),
 *                   results_submitted (the date the results report went to
 *                   the head of agency), and the results report's own words:
 *                   impacts, problems, obstacles, recommendations;
 *   [activity <n>]  th, en, owner (a unit id), due (YYYY-MM-DD), status
 *                   (done, in_progress or not_started), evidence.
 * Mistakes are reported as "path:line: ..." and leave the plan empty but
 * found (its level is then 0: a plan nobody can read is not a plan).
 *
 * The ladder of the seed, each level needing the ones below it:
 *   1  the fiscal year's plan exists: a file with at least one activity;
 *   2  at least 80 % of its activities done;
 *   3  all of them done;
 *   4  a self-assessment against the criteria for every unit (at least one
 *      checklist line scored);
 *   5  the results report (outcomes from the figures, impacts, problems,
 *      obstacles, recommendations; gm-report writes it) submitted to the
 *      head of agency: results_submitted given, and the four texts there.
 */
#ifndef GM_ACTION_PLAN_H
#define GM_ACTION_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "org.h"

#define PLAN_MAX_ACT 64
#define PLAN_TEXT_MAX 1024
#define PLAN_LEVELS 5

enum act_status { ACT_NOT_STARTED, ACT_IN_PROGRESS, ACT_DONE };

struct plan_activity {
	char number[16];                         /* as in [activity <n>] */
	char th[ORG_NAME_MAX], en[ORG_NAME_MAX];
	int owner;                               /* index into org.units; -1 none */
	time_t due;                              /* 0: none */
	enum act_status status;
	char evidence[ORG_NAME_MAX];
};

struct action_plan {
	bool found;                              /* the file exists */
	char th[ORG_NAME_MAX], en[ORG_NAME_MAX];
	time_t approved, submitted;              /* 0: not given */
	char impacts[PLAN_TEXT_MAX], problems[PLAN_TEXT_MAX];
	char obstacles[PLAN_TEXT_MAX], recommendations[PLAN_TEXT_MAX];
	struct plan_activity act[PLAN_MAX_ACT];
	int nact;
};

/* KPI 1.4: met[i] is level i + 1's own condition; level the highest with
 * every condition up to it met (0: not even a plan). */
struct kpi14 {
	int level;
	bool met[PLAN_LEVELS];
	int done, total;                         /* activities */
	double done_pct;                         /* NAN without activities */
	int assessed, units;                     /* units with a self-assessment */
};

typedef void (*plan_report_fn)(void *user, const char *msg);

/* The number of mistakes reported; a missing file is none (found false). */
int action_plan_load(const char *path, const struct org *o, struct action_plan *p,
    plan_report_fn report, void *user);

/* assessed: units with at least one checklist line scored, of units. */
void action_plan_level(const struct action_plan *p, int assessed, int units,
    struct kpi14 *k);

const char *act_status_name(enum act_status s);   /* "done", ... */
/* "done" ... back to its status: 0, or -1. */
int act_status_parse(const char *s, enum act_status *out);

/* p as the file action_plan_load reads back into the same plan; head is
 * the opening comment's first line; values must be conf_writable. */
void action_plan_write(FILE *f, const struct org *o, const struct action_plan *p,
    const char *head);
/* A date as the file writes it: YYYY-MM-DD, local time. */
void action_plan_date(char *buf, size_t len, time_t t);

#endif
