/* pdf_shaper.c - text shaped once per thread (pdf_shaper.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pdf_shaper.h"

struct pdf_shaper {
	PangoContext *ctx;
	PangoFontDescription *fd;
	GHashTable *cur, *old;    /* "size|width|align|markup" -> struct shaped */
};

static void shaped_free(gpointer p)
{
	struct shaped *s = p;

	g_object_unref(s->l);
	g_free(s);
}

static GHashTable *new_gen(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, shaped_free);
}

struct pdf_shaper *pdf_shaper_new(const char *family)
{
	struct pdf_shaper *sh = g_new0(struct pdf_shaper, 1);
	/* shaped as on the recording surfaces the pages are laid out on */
	cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(rec);

	sh->ctx = pango_cairo_create_context(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(rec);
	sh->fd = pango_font_description_from_string(family);
	sh->cur = new_gen();
	sh->old = new_gen();
	return sh;
}

void pdf_shaper_free(struct pdf_shaper *sh)
{
	if (sh == NULL)
		return;
	g_hash_table_destroy(sh->cur);
	g_hash_table_destroy(sh->old);
	pango_font_description_free(sh->fd);
	g_object_unref(sh->ctx);
	g_free(sh);
}

PangoLayout *pdf_shaper_new_layout(struct pdf_shaper *sh, double size)
{
	PangoLayout *l = pango_layout_new(sh->ctx);

	pango_font_description_set_size(sh->fd, (gint)(size * PANGO_SCALE));
	pango_layout_set_font_description(l, sh->fd);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_line_spacing(l, 0.8f);
	return l;
}

struct shaped *pdf_shaper_get(struct pdf_shaper *sh, const char *markup, double size,
    double width, PangoAlignment align)
{
	int pw = width > 0 ? (int)(width * PANGO_SCALE) : -1;
	char *key = g_strdup_printf("%d|%d|%d|%s", (int)(size * PANGO_SCALE), pw, (int)align,
	    markup != NULL ? markup : "");
	struct shaped *s = g_hash_table_lookup(sh->cur, key);
	gpointer old_key, old_val;
	PangoRectangle log;

	if (s != NULL) {
		g_free(key);
		return s;
	}
	if (g_hash_table_steal_extended(sh->old, key, &old_key, &old_val)) {
		g_free(old_key);
		g_hash_table_insert(sh->cur, key, old_val);
		return old_val;
	}
	s = g_new0(struct shaped, 1);
	s->l = pdf_shaper_new_layout(sh, size);
	if (pw > 0)
		pango_layout_set_width(s->l, pw);
	pango_layout_set_alignment(s->l, align);
	pango_layout_set_markup(s->l, markup != NULL ? markup : "", -1);
	pango_layout_get_extents(s->l, NULL, &log);
	s->w = (double)log.width / PANGO_SCALE;
	s->h = (double)log.height / PANGO_SCALE;
	s->min_w = -1;
	g_hash_table_insert(sh->cur, key, s);
	return s;
}

/* Measured between the places Pango may break a line, on the unwrapped
 * layout; a piece that spans two lines (a <br>) does not count. */
double pdf_shaper_min_width(struct shaped *s)
{
	const char *text = pango_layout_get_text(s->l), *at = text, *start = text, *prev = text;
	int n;
	const PangoLogAttr *a = pango_layout_get_log_attrs_readonly(s->l, &n);
	double best = 0;

	if (s->min_w >= 0)
		return s->min_w;
	for (int i = 1; i < n; i++) {
		PangoRectangle first, last;

		prev = at;                    /* character i - 1 */
		at = g_utf8_next_char(at);    /* character i */
		if ((!a[i].is_line_break ||   /* Pango may break after a no-break space before Thai */
		    g_utf8_get_char(prev) == 0xa0) && i < n - 1)
			continue;
		pango_layout_index_to_pos(s->l, (int)(start - text), &first);
		pango_layout_index_to_pos(s->l, (int)(prev - text), &last);
		if (last.y == first.y)   /* a piece on one line */
			best = fmax(best, (double)(last.x + last.width - first.x) / PANGO_SCALE);
		start = at;
	}
	s->min_w = fmin(best, s->w);
	return s->min_w;
}

void pdf_shaper_trim(struct pdf_shaper *sh)
{
	if (g_hash_table_size(sh->cur) <= SHAPER_KEEP)
		return;
	g_hash_table_destroy(sh->old);
	sh->old = sh->cur;
	sh->cur = new_gen();
}

unsigned pdf_shaper_size(const struct pdf_shaper *sh)
{
	return g_hash_table_size(sh->cur) + g_hash_table_size(sh->old);
}
