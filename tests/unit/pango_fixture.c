/* pango_fixture.c - Pango's own width of a text (pango_fixture.h). */
#include <pango/pangocairo.h>

#include "pango_fixture.h"
#include "pdf_page.h"

double pango_fixture_width(const char *markup, double size)
{
	cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(s);
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(pdf_page_font());
	PangoRectangle log;

	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_layout_set_font_description(l, fd);
	pango_layout_set_markup(l, markup, -1);
	pango_layout_get_extents(l, NULL, &log);
	pango_font_description_free(fd);
	g_object_unref(l);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return (double)log.width / PANGO_SCALE;
}
