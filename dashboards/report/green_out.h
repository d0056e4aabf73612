/*
 * green_out.h - gm-report's renderers of a Green Office report (words and
 * labels: green_text.h). Each writes one report to an open stream and
 * returns 0, or -1 when writing failed.
 */
#ifndef GM_GREEN_OUT_H
#define GM_GREEN_OUT_H

#include <stdio.h>

#include "green.h"
#include "green_text.h"

int green_json(FILE *out, const struct green_report *r);
/* The organisation summary: every unit side by side (UTF-8 with BOM). */
int green_csv_summary(FILE *out, const struct green_report *r, enum lang lang);
/* One unit's resources month by month (UTF-8 with BOM). */
int green_csv_unit(FILE *out, const struct green_report *r, int unit, enum lang lang);
int green_html_summary(FILE *out, const struct green_report *r, enum lang lang);
int green_html_resources(FILE *out, const struct green_report *r, int unit, enum lang lang);
int green_html_self_eval(FILE *out, const struct green_report *r, int unit, enum lang lang);
/* KPI 1.4 (green_kpi14.c): the ladder and the action plan; the level-5
 * results report to the head of agency. */
int green_html_kpi14(FILE *out, const struct green_report *r, enum lang lang);
int green_html_kpi14_results(FILE *out, const struct green_report *r, enum lang lang);

#endif
