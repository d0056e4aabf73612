/* chart.c - the charts of the reports and the dashboard (chart.h): the
 * geometry once, painted as SVG here or with cairo (report/chart_cairo.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "html.h"

#define LABEL_PT 8.5
#define LEGEND_H 20.0
#define XLABEL_H 20.0
#define AXIS_W 52.0
#define HBAR_ROW 15.0

static const char *const series_colour[CHART_MAX_SERIES] = { "#2e7d32", "#9e9e9e", "#1565c0" };
static const char *const scope_colour[CHART_MAX_SERIES] = { "#8d6e63", "#1565c0", "#2e7d32" };
static const char *const band_colour[CHART_MAX_BANDS] = { "#f1f8e9", "#dcedc8", "#c5e1a5",
	"#aed581", "#9ccc65", "#8bc34a" };


/* A tick's figure as the pages print figures (html_num): "12,500", "2.5". */
static void num_text(double v, int dec, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (f == NULL)
		return;
	html_num(f, fabs(v) < 0.5e-9 ? 0.0 : v, dec);   /* no "-0" */
	fclose(f);
}

/* A step of 1, 2 or 5 times a power of ten giving about four intervals. */
static double nice_step(double span)
{
	double raw = span / 4, p = pow(10, floor(log10(raw))), f = raw / p;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static int step_decimals(double step)
{
	return step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
}

double chart_height(const struct chart *c, double w)
{
	if (c->kind == CHART_HBARS)
		return LEGEND_H + c->nx * HBAR_ROW + XLABEL_H + 4;
	return fmax(150, w * 0.36);
}

static void legend(const struct chart *c, const struct chart_painter *p, double w,
    const char *const *colour)
{
	/* a slot each, the unit at the right: no text to measure */
	double slot = (w - AXIS_W - 100) / (c->ns > 0 ? c->ns : 1);

	for (int s = 0; s < c->ns; s++) {
		p->rect(p->u, AXIS_W + s * slot, 5, 9, 9, colour[s]);
		p->text(p->u, AXIS_W + s * slot + 13, 9.5, c->sname[s], LABEL_PT + 0.5, 0);
	}
	if (c->kind != CHART_HBARS)   /* its caption names the unit; the rows need the room */
		p->text(p->u, w - 2, 9.5, c->unit, LABEL_PT, 2);
}

/* The y axis from lo to hi: grid lines and their labels; returns the step. */
static void y_axis(const struct chart_painter *p, double lo, double hi, double step, double w,
    double top, double bottom)
{
	char t[64];

	for (double v = ceil(lo / step) * step; v <= hi + step / 1e6; v += step) {
		double y = bottom - (v - lo) / (hi - lo) * (bottom - top);

		p->line(p->u, AXIS_W, y, w - 2, y, "#dddddd", 0.5);
		num_text(v, step_decimals(step), t, sizeof(t));
		p->text(p->u, AXIS_W - 4, y, t, LABEL_PT, 2);
	}
}

static void paint_bars(const struct chart *c, const struct chart_painter *p, double w, double h)
{
	double top = LEGEND_H + 4, bottom = h - XLABEL_H, hi = 0, step, gw;

	for (int s = 0; s < c->ns; s++)
		for (int i = 0; i < c->nx; i++)
			if (isfinite(c->v[s][i]))
				hi = fmax(hi, c->v[s][i]);
	step = nice_step(hi > 0 ? hi : 1);
	hi = ceil((hi > 0 ? hi : 1) / step) * step;
	legend(c, p, w, series_colour);
	y_axis(p, 0, hi, step, w, top, bottom);
	gw = (w - 2 - AXIS_W) / (c->nx > 0 ? c->nx : 1);
	for (int i = 0; i < c->nx; i++) {
		double bw = gw * 0.8 / (c->ns > 0 ? c->ns : 1), x0 = AXIS_W + i * gw + gw * 0.1;

		for (int s = 0; s < c->ns; s++) {
			double v = c->v[s][i], bh;

			if (!isfinite(v) || v <= 0)
				continue;
			bh = v / hi * (bottom - top);
			p->rect(p->u, x0 + s * bw, bottom - bh, bw * 0.92, bh, series_colour[s]);
		}
		p->text(p->u, AXIS_W + (i + 0.5) * gw, bottom + XLABEL_H / 2, c->x[i], LABEL_PT, 1);
	}
	p->line(p->u, AXIS_W, bottom, w - 2, bottom, "#666666", 0.8);
}

static void paint_line(const struct chart *c, const struct chart_painter *p, double w, double h)
{
	double top = LEGEND_H + 4, bottom = h - XLABEL_H, lo = 0, hi = 0, step, gw, px = NAN, py = 0;
	char label[CHART_TEXT + 16];

	for (int i = 0; i < c->nx; i++)
		if (isfinite(c->v[0][i])) {
			lo = fmin(lo, c->v[0][i]);
			hi = fmax(hi, c->v[0][i]);
		}
	for (int b = 0; b < c->nbands; b++) {
		lo = fmin(lo, c->band[b]);
		hi = fmax(hi, c->band[b]);
	}
	step = nice_step(hi - lo > 0 ? hi - lo : 1);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step + step;
#define Y(v) (bottom - ((v) - lo) / (hi - lo) * (bottom - top))
	for (int b = 0; b < c->nbands; b++) {   /* level b + 1 from its threshold up */
		double y0 = Y(c->band[b]), y1 = b + 1 < c->nbands ? Y(c->band[b + 1]) : top;

		p->rect(p->u, AXIS_W, y1, w - 2 - AXIS_W, y0 - y1, band_colour[b]);
		snprintf(label, sizeof(label), "%s %d", c->band_label, b + 1);
		if (y0 - y1 >= LABEL_PT + 2)   /* a band too thin for its label keeps its colour */
			p->text(p->u, w - 6, (y0 + y1) / 2, label, LABEL_PT, 2);
	}
	legend(c, p, w, series_colour);
	y_axis(p, lo, hi, step, w, top, bottom);
	gw = (w - 2 - AXIS_W) / (c->nx > 0 ? c->nx : 1);
	for (int i = 0; i < c->nx; i++) {
		double x = AXIS_W + (i + 0.5) * gw, v = c->v[0][i];

		p->text(p->u, x, bottom + XLABEL_H / 2, c->x[i], LABEL_PT, 1);
		if (!isfinite(v)) {
			px = NAN;
			continue;
		}
		if (!isnan(px))
			p->line(p->u, px, py, x, Y(v), series_colour[0], 1.8);
		p->rect(p->u, x - 2.5, Y(v) - 2.5, 5, 5, series_colour[0]);
		px = x;
		py = Y(v);
	}
	if (lo < 0 && hi > 0)
		p->line(p->u, AXIS_W, Y(0), w - 2, Y(0), "#666666", 0.8);
#undef Y
}

static void paint_hbars(const struct chart *c, const struct chart_painter *p, double w)
{
	double label_w = w * 0.34, left = label_w + 6, hi = 0, step, top = LEGEND_H + 2;
	double bottom = top + c->nx * HBAR_ROW;
	char t[64];

	for (int i = 0; i < c->nx; i++) {
		double sum = 0;

		for (int s = 0; s < c->ns; s++)
			if (isfinite(c->v[s][i]))
				sum += c->v[s][i];
		hi = fmax(hi, sum);
	}
	step = nice_step(hi > 0 ? hi : 1);
	hi = ceil((hi > 0 ? hi : 1) / step) * step;
	legend(c, p, w, scope_colour);
	for (double v = 0; v <= hi + step / 1e6; v += step) {
		double x = left + v / hi * (w - 2 - left);

		p->line(p->u, x, top, x, bottom, "#dddddd", 0.5);
		num_text(v, step_decimals(step), t, sizeof(t));
		p->text(p->u, x, bottom + XLABEL_H / 2, t, LABEL_PT, 1);
	}
	for (int i = 0; i < c->nx; i++) {
		double y = top + i * HBAR_ROW, x = left;

		p->text(p->u, label_w, y + HBAR_ROW / 2, c->x[i], LABEL_PT, 2);
		for (int s = 0; s < c->ns; s++) {
			double v = c->v[s][i], bw;

			if (!isfinite(v) || v <= 0)
				continue;
			bw = v / hi * (w - 2 - left);
			p->rect(p->u, x, y + 2, bw, HBAR_ROW - 4, scope_colour[s]);
			x += bw;
		}
	}
	p->line(p->u, left, top, left, bottom, "#666666", 0.8);
}

void chart_paint(const struct chart *c, const struct chart_painter *p, double w)
{
	double h = chart_height(c, w);

	if (c->kind == CHART_BARS)
		paint_bars(c, p, w, h);
	else if (c->kind == CHART_LINE)
		paint_line(c, p, w, h);
	else
		paint_hbars(c, p, w);
}

void chart_text(char *dst, const char *src)
{
	size_t n = 0;

	for (; *src != '\0' && n + 1 < CHART_TEXT; src++)
		dst[n++] = *src == ';' || *src == '|' ? ',' : *src;
	/* cut short: back to the start of the character the cut fell in */
	while (n > 0 && ((unsigned char)*src & 0xc0) == 0x80) {
		n--;
		src--;
	}
	dst[n] = '\0';
}

/* ---- SVG --------------------------------------------------------------- */

static void svg_rect(void *u, double x, double y, double w, double h, const char *fill)
{
	fprintf(u, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, y,
	    w, h, fill);
}

static void svg_line(void *u, double x1, double y1, double x2, double y2, const char *stroke,
    double width)
{
	fprintf(u, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	    "stroke-width=\"%.1f\"/>", x1, y1, x2, y2, stroke, width);
}

static void svg_text(void *u, double x, double y, const char *s, double size, int anchor)
{
	static const char *const a[3] = { "start", "middle", "end" };

	fprintf(u, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"%s\" "
	    "dominant-baseline=\"middle\">", x, y, size, a[anchor]);
	html_esc(u, s);
	fputs("</text>", u);
}

/* The model as one line: kind;title;unit;band_label;nx;x|x|..;ns;name|v,v,..;..;nbands;b|b */
static void spec(FILE *f, const struct chart *c)
{
	char buf[8192];
	size_t n = 0;

#define ADD(...) (n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, __VA_ARGS__))
	ADD("%d;%s;%s;%s;%d;", (int)c->kind, c->title, c->unit, c->band_label, c->nx);
	for (int i = 0; i < c->nx; i++)
		ADD("%s%s", i ? "|" : "", c->x[i]);
	ADD(";%d", c->ns);
	for (int s = 0; s < c->ns; s++) {
		ADD(";%s", c->sname[s]);
		for (int i = 0; i < c->nx; i++)
			ADD("|%.17g", c->v[s][i]);
	}
	ADD(";%d;", c->nbands);
	for (int b = 0; b < c->nbands; b++)
		ADD("%s%.17g", b ? "|" : "", c->band[b]);
#undef ADD
	if (n < sizeof(buf))
		html_esc(f, buf);
}

void chart_write_html(FILE *f, const struct chart *c, double w)
{
	struct chart_painter p = { svg_rect, svg_line, svg_text, f };
	double h = chart_height(c, w);

	fputs("<figure class=\"chart\" data-chart=\"", f);
	spec(f, c);
	fprintf(f, "\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
	    "width=\"100%%\" role=\"img\"><title>", w, h);
	html_esc(f, c->title);
	fputs("</title>", f);
	chart_paint(c, &p, w);
	fputs("</svg><figcaption>", f);
	html_esc(f, c->title);
	fputs("</figcaption></figure>\n", f);
}

/* ---- reading the model back ---------------------------------------------- */

/* The next field up to sep (or the end) into out; the rest after it. */
static const char *field(const char *s, char sep, char *out, size_t len)
{
	const char *e = strchr(s, sep);
	size_t n = e != NULL ? (size_t)(e - s) : strlen(s);

	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), s);
	return e != NULL ? e + 1 : s + n;
}

/* "a|b|c" into up to max texts; their number. */
static int split(const char *s, char (*out)[CHART_TEXT], int max)
{
	int n = 0;

	while (*s != '\0' && n < max) {
		s = field(s, '|', out[n++], CHART_TEXT);
	}
	return n;
}

int chart_parse(const char *s, struct chart *c)
{
	char f[4096], item[CHART_MAX_X + 1][CHART_TEXT];

	memset(c, 0, sizeof(*c));
	s = field(s, ';', f, sizeof(f));
	c->kind = (enum chart_kind)atoi(f);
	if (c->kind > CHART_HBARS)
		return -1;
	s = field(s, ';', c->title, sizeof(c->title));
	s = field(s, ';', c->unit, sizeof(c->unit));
	s = field(s, ';', c->band_label, sizeof(c->band_label));
	s = field(s, ';', f, sizeof(f));
	c->nx = atoi(f);
	s = field(s, ';', f, sizeof(f));
	if (c->nx < 0 || c->nx > CHART_MAX_X || split(f, c->x, CHART_MAX_X) != c->nx)
		return -1;
	s = field(s, ';', f, sizeof(f));
	c->ns = atoi(f);
	if (c->ns < 0 || c->ns > CHART_MAX_SERIES)
		return -1;
	for (int k = 0; k < c->ns; k++) {
		s = field(s, ';', f, sizeof(f));
		if (split(f, item, CHART_MAX_X + 1) != c->nx + 1)
			return -1;
		snprintf(c->sname[k], sizeof(c->sname[k]), "%s", item[0]);
		for (int i = 0; i < c->nx; i++)
			c->v[k][i] = strtod(item[i + 1], NULL);
	}
	s = field(s, ';', f, sizeof(f));
	c->nbands = atoi(f);
	if (c->nbands < 0 || c->nbands > CHART_MAX_BANDS ||
	    split(s, item, CHART_MAX_BANDS) != c->nbands)
		return -1;
	for (int b = 0; b < c->nbands; b++)
		c->band[b] = strtod(item[b], NULL);
	return 0;
}
