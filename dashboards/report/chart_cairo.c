/* chart_cairo.c - a chart (chart.h) painted with cairo, for a report's PDF. */
#include <stdlib.h>

#include <pango/pangocairo.h>

#include "chart_cairo.h"
#include "html.h"

struct cairo_painter {
	cairo_t *cr;
	double x, y;
	const char *font;
	bool thai_digits;
};

static void colour(cairo_t *cr, const char *hex)
{
	unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);

	cairo_set_source_rgb(cr, (v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0,
	    (v & 255) / 255.0);
}

static void cr_rect(void *u, double x, double y, double w, double h, const char *fill)
{
	struct cairo_painter *cp = u;

	colour(cp->cr, fill);
	cairo_rectangle(cp->cr, cp->x + x, cp->y + y, w, h);
	cairo_fill(cp->cr);
}

static void cr_line(void *u, double x1, double y1, double x2, double y2, const char *stroke,
    double width)
{
	struct cairo_painter *cp = u;

	colour(cp->cr, stroke);
	cairo_set_line_width(cp->cr, width);
	cairo_move_to(cp->cr, cp->x + x1, cp->y + y1);
	cairo_line_to(cp->cr, cp->x + x2, cp->y + y2);
	cairo_stroke(cp->cr);
}

static void cr_text(void *u, double x, double y, const char *s, double size, int anchor)
{
	struct cairo_painter *cp = u;
	PangoLayout *l = pango_cairo_create_layout(cp->cr);
	PangoFontDescription *fd = pango_font_description_from_string(cp->font);
	PangoRectangle log;
	char digits[4 * CHART_TEXT];

	pango_font_description_set_size(fd, (gint)(size * 1.25 * PANGO_SCALE));   /* Thai faces run small */
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (cp->thai_digits) {
		thai_digits_text(s, digits, sizeof(digits));
		s = digits;
	}
	pango_layout_set_text(l, s, -1);
	pango_layout_get_extents(l, NULL, &log);
	cairo_set_source_rgb(cp->cr, 0.15, 0.15, 0.15);
	cairo_move_to(cp->cr, cp->x + x - anchor * (double)log.width / PANGO_SCALE / 2,
	    cp->y + y - (double)log.height / PANGO_SCALE / 2);
	pango_cairo_show_layout(cp->cr, l);
	g_object_unref(l);
}

void chart_draw_cairo(cairo_t *cr, const struct chart *c, double x, double y, double w,
    const char *font, bool thai_digits)
{
	struct cairo_painter cp = { cr, x, y, font, thai_digits };
	struct chart_painter p = { cr_rect, cr_line, cr_text, &cp };

	cairo_save(cr);
	chart_paint(c, &p, w);
	cairo_restore(cr);
}
