/*
 * pdf_shaper.h - text shaped once per thread: the Pango layouts of a
 * report set's PDFs, kept between pages.
 *
 * Why: shaping Thai (HarfBuzz, line breaks by libthai's dictionary) is most
 * of the time a PDF takes, and the set's pages repeat their texts: every
 * unit's self-evaluation has the same indicators, every resource page the
 * same labels and months. A text laid out at a size, width and alignment
 * is shaped the first time and drawn from then on.
 *
 * A shaper belongs to one thread (Pango's font map is per thread) and
 * lives across the PDFs that thread makes. A layout it returns is the
 * shaper's, not to be changed, valid until pdf_shaper_trim(), which is
 * called between two PDFs. Memory is bounded there: past SHAPER_KEEP
 * texts, those not used since the last trim but one are let go (two
 * generations; a text used again moves to the new one).
 */
#ifndef GM_PDF_SHAPER_H
#define GM_PDF_SHAPER_H

#include <pango/pangocairo.h>

#define SHAPER_KEEP 4096   /* texts kept past a trim: ~25 MB at most */

struct pdf_shaper;

/* A text as laid out, and its size in points. */
struct shaped {
	PangoLayout *l;
	double w, h;
	double min_w;     /* pdf_shaper_min_width()'s, once asked (< 0 before) */
};

/* A shaper for this thread, with its faces; NULL when out of memory. */
struct pdf_shaper *pdf_shaper_new(const char *family);
void pdf_shaper_free(struct pdf_shaper *sh);

/* markup (Pango markup; NULL as "") at size points, wrapped at width
 * points (< 0: not wrapped), aligned. Never NULL. */
struct shaped *pdf_shaper_get(struct pdf_shaper *sh, const char *markup, double size,
    double width, PangoAlignment align);

/* The widest piece of an unwrapped text that cannot be broken (between
 * Thai words too, never at a no-break space): the least width a table
 * column may give it. */
double pdf_shaper_min_width(struct shaped *s);

/* A layout of the shaper's face at size that the caller owns and may
 * change (the running foot's ellipsised title): g_object_unref() it. */
PangoLayout *pdf_shaper_new_layout(struct pdf_shaper *sh, double size);

/* Between two PDFs: what was not used lately may go. */
void pdf_shaper_trim(struct pdf_shaper *sh);
/* How many texts it holds now. */
unsigned pdf_shaper_size(const struct pdf_shaper *sh);

#endif
