/*
 * chart_cairo.h - a chart (chart.h) painted with cairo into a report's PDF:
 * the same geometry as its SVG on the page, text through Pango.
 */
#ifndef GM_CHART_CAIRO_H
#define GM_CHART_CAIRO_H

#include <stdbool.h>

#include <cairo.h>

#include "chart.h"

/* Paint the chart at (x, y), w wide (text in the font `font`; its digits
 * Thai with thai_digits, as the page's). */
void chart_draw_cairo(cairo_t *cr, const struct chart *c, double x, double y, double w,
    const char *font, bool thai_digits);

#endif
