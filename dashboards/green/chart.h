/*
 * chart.h - the charts of the reports and the dashboard: one model, painted
 * as SVG into an HTML page and with cairo into a report's PDF
 * (report/chart_cairo.h), through the same geometry (chart.c works out
 * every bar, line, band and label once; a painter draws them).
 *
 *   CHART_BARS   months side by side, a bar per series (this year against
 *                the baseline year);
 *   CHART_LINE   one series as a line over shaded bands (the paper
 *                reduction so far against the KPI levels' thresholds);
 *   CHART_HBARS  one row per label, the series stacked (greenhouse gas by
 *                scope, a unit or every unit).
 * A NAN value is a gap: no bar, the line broken.
 *
 * The HTML carries the model too, in the figure's data-chart attribute
 * (chart_spec/chart_parse), which is what the PDF is drawn from: the page
 * is the one document (page_doc.h).
 */
#ifndef GM_CHART_H
#define GM_CHART_H

#include <stdbool.h>
#include <stdio.h>

#define CHART_MAX_X 31   /* a month's days */
#define CHART_MAX_SERIES 3
#define CHART_MAX_BANDS 6
#define CHART_TEXT 256

enum chart_kind { CHART_BARS, CHART_LINE, CHART_HBARS };

struct chart {
	enum chart_kind kind;
	char title[CHART_TEXT], unit[CHART_TEXT];
	int nx;
	char x[CHART_MAX_X][CHART_TEXT];                 /* labels */
	int ns;
	char sname[CHART_MAX_SERIES][CHART_TEXT];        /* legend */
	double v[CHART_MAX_SERIES][CHART_MAX_X];
	int nbands;                                      /* CHART_LINE: thresholds, rising */
	double band[CHART_MAX_BANDS];
	char band_label[CHART_TEXT];                     /* "ระดับ" / "level" */
};

/* Copy a label into the model (CHART_TEXT at most, cut between UTF-8
 * characters): ';' and '|', which the data-chart text uses between
 * fields, become ','. */
void chart_text(char *dst, const char *src);

/* The chart as an HTML figure: <figure class="chart" data-chart="..."> with
 * an inline SVG of width w points (its height follows the kind). */
void chart_write_html(FILE *f, const struct chart *c, double w);
/* Read a data-chart text (entities already decoded) back: 0, or -1. */
int chart_parse(const char *spec, struct chart *c);
/* The height a chart takes at width w, in points. */
double chart_height(const struct chart *c, double w);
/* What a chart is painted with: SVG text or cairo calls. Text is placed by
 * its vertical middle; anchor 0 start, 1 middle, 2 end. */
struct chart_painter {
	void (*rect)(void *u, double x, double y, double w, double h, const char *fill);
	void (*line)(void *u, double x1, double y1, double x2, double y2, const char *stroke,
	    double width);
	void (*text)(void *u, double x, double y, const char *s, double size, int anchor);
	void *u;
};

/* Paint the chart w wide with p, from (0, 0). */
void chart_paint(const struct chart *c, const struct chart_painter *p, double w);

#endif
