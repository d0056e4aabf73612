/*
 * unit_view.h - each unit's figures for the dashboard, built by the same
 * code and rules as gm-report's (figures.h, green.h), so the two never
 * disagree:
 * - this month so far against the same month of the unit's baseline year;
 *   the change is against the baseline month pro rata (its amount times the
 *   share of this month gone), since half a month cannot be held against a
 *   whole one;
 * - the paper reduction (the KPI's basis) over this fiscal year's closed
 *   months, against the same months of the baseline year, with its level.
 * docs/dashboard.md has the formulas with an example.
 */
#ifndef GM_UNIT_VIEW_H
#define GM_UNIT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "criteria.h"
#include "figures.h"
#include "org.h"

struct rrdc;

struct unit_res {
	bool mapped;            /* some channel serves the unit for it */
	double now, now_compl;  /* this month so far; completeness of the part gone */
	double then, then_compl;/* the baseline year's same month, whole */
	double then_pro;        /* then x the share of this month gone */
	double change_pct;      /* kpi_reduction_pct(then_pro, now); NAN: cannot tell */
	bool flagged;
};

struct unit_fig {
	int unit;               /* index into org.units; -1: the whole organisation */
	int baseline_fy;
	struct unit_res res[RES_N];
	int paper_months;       /* closed months of the year the paper figure covers */
	double paper_pct;       /* reduction %, NAN when unknown or none closed yet */
	double paper_level;     /* KPI level of it */
	double paper_compl;     /* the lower completeness of the two years' figures */
};

struct unit_view {
	double taken;           /* when it was built */
	int fy, month;          /* this fiscal year, its month (0 = October) */
	double elapsed;         /* share of this month gone, 0..1 */
	enum resource paper;    /* the KPI's paper basis */
	struct unit_fig units[ORG_MAX_UNITS];
	int nunits;
	struct unit_fig whole;
	int nproblems;          /* channels that could not be read (figures.h) */
	char problem[512];      /* the first */
};

/* Fill *v (large: allocate it) for the moment now. GM_OK, or an error
 * naming what could not be read. */
int unit_view_build(const struct org *o, const struct criteria *c, const char *datadir,
    struct rrdc *cached, double now, struct unit_view *v, char *err, size_t errlen);

#endif
