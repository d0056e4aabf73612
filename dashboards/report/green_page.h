/*
 * green_page.h - the frame of every HTML page of a Green Office report set:
 * the head (A4 print styles, title, unit, fiscal year, period, as-of day,
 * links to the set's other pages) and the foot (the sign-off block:
 * prepared, checked, approved, from the organisation file's [signoff]).
 * The pages themselves are green_html.c's and green_kpi14.c's.
 */
#ifndef GM_GREEN_PAGE_H
#define GM_GREEN_PAGE_H

#include <stdio.h>

#include "green.h"
#include "green_text.h"

/* The unit's name (the organisation's for unit -1) in lang. */
const char *green_page_name(const struct green_report *r, int unit, enum lang lang);
/* title: a green_text.h key ("summary", "resources", "self_eval", "kpi14",
 * "results_report"); unit -1 for the organisation. */
void green_page_head(FILE *f, const struct green_report *r, enum lang lang, const char *title,
    int unit);
void green_page_foot(FILE *f, const struct green_report *r, enum lang lang);

#endif
