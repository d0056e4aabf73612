/*
 * meter_chart.h - a counter's use as bars on its meter page: today hour by
 * hour against the same day a week before (an office's load follows the
 * weekday), and this month day by day against the same month of the
 * organisation's baseline year. Local hours and days, every bar from
 * common/store/usage.c: the rule every other figure keeps, so today's bars
 * add up to the page's "today".
 */
#ifndef GM_METER_CHART_H
#define GM_METER_CHART_H

#include <stdio.h>

#include "dash.h"
#include "green_text.h"
#include "meter_view.h"

/* Both charts as HTML figures (chart.h); nothing for a channel without a
 * file or without use (a gauge, manual entries). */
void meter_chart_write(FILE *f, struct dash *d, const struct meter_row *r, double now,
    enum lang l);

#endif
