/* pdf_page.c - a report page laid out as an A4 PDF (pdf_page.h). Laid out
 * twice: first only counted, so that every page's foot can say "page n /
 * N", then drawn into the PDF (text stays text). The second pass shapes
 * nothing: every text is the shaper's from the first (pdf_shaper.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "chart_cairo.h"
#include "colwidth.h"
#include "html.h"
#include "page_doc.h"
#include "pdf_page.h"
#include "pdf_shaper.h"

#define PT_MM (72.0 / 25.4)
#define A4_W (210 * PT_MM)
#define A4_H (297 * PT_MM)
#define MARGIN_X (14 * PT_MM)
#define MARGIN_TOP (14 * PT_MM)
#define MARGIN_BOTTOM (18 * PT_MM)   /* the running foot sits in it */
#define PAD 3.0                      /* inside a table cell, points */

#define PDF_MAX_PAGES 500      /* drawn; past them laid out and counted only */

struct table;

struct pdf {
	cairo_t *cr;                 /* the PDF's, when drawing */
	bool drawing;                /* the second pass */
	bool draw;                   /* drawing this page (not past PDF_MAX_PAGES) */
	const struct page_doc *doc;
	double w, h, y;              /* page size; where the next block goes */
	int page, pages;             /* 1-based; pages: known in the second pass */
	const struct table *table;   /* a table under way: its head repeats */
	struct pdf_shaper *sh;       /* every text's layout */
	PangoLayout *title;          /* the foot's, ellipsised: one for the document */
};

static bool installed(PangoFontFamily **fam, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(pango_font_family_get_name(fam[i]), name) == 0)
			return true;
	return false;
}

/* The first of the government's face and its relatives that is installed. */
static const char *font_family(void)
{
	static const char *const want[] = { "TH Sarabun New", "THSarabunNew", "TH SarabunPSK",
		"Laksaman" };
	static const char *found;
	PangoFontFamily **fam;
	int n;

	if (found != NULL)
		return found;
	found = "Laksaman, Noto Sans Thai, sans";
	pango_font_map_list_families(pango_cairo_font_map_get_default(), &fam, &n);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		if (installed(fam, n, want[k])) {
			found = want[k];
			break;
		}
	g_free(fam);
	return found;
}

void pdf_page_cleanup(void)
{
	/* Not cairo_debug_reset_static_data() nor FcFini(): each asserts when
	 * a font is still cached elsewhere, and would abort the program at its
	 * end. What they would free is fontconfig's and cairo's caches for the
	 * process: tests/lsan.supp names them. */
	pango_cairo_font_map_set_default(NULL);
}

const char *pdf_page_font(void)
{
	return font_family();
}

/* Sizes in points, for a Sarabun-like face (small on its body). */
static double size_of(enum blk_kind k)
{
	switch (k) {
	case BLK_H1: return 18;
	case BLK_H2: return 15;
	case BLK_META: return 10.5;
	case BLK_TABLE: return 11.5;
	default: return 13;
	}
}

/* The foot of page n of the PDF: the page's title, and "หน้า n / N". */
static void foot(struct pdf *p, cairo_t *cr, int n)
{
	char right[64];
	const struct shaped *pn;

	snprintf(right, sizeof(right), p->doc->thai ? "หน้า %d / %d" : "Page %d of %d", n,
	    p->pages);
	if (p->doc->thai_digits) {
		char digits[64];

		thai_digits_text(right, digits, sizeof(digits));
		memcpy(right, digits, sizeof(right));
	}
	pn = pdf_shaper_get(p->sh, right, 9.5, -1, PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_move_to(cr, p->w - MARGIN_X - pn->w, p->h - MARGIN_BOTTOM + 14);
	pango_cairo_show_layout(cr, pn->l);
	if (p->title == NULL) {   /* room left by the first "page n / N", and a tenth more */
		p->title = pdf_shaper_new_layout(p->sh, 9.5);
		pango_layout_set_width(p->title,
		    (int)((p->w - 2 * MARGIN_X - pn->w * 1.1 - 20) * PANGO_SCALE));
		pango_layout_set_ellipsize(p->title, PANGO_ELLIPSIZE_END);
		pango_layout_set_text(p->title, p->doc->title, -1);
	}
	cairo_move_to(cr, MARGIN_X, p->h - MARGIN_BOTTOM + 14);
	pango_cairo_show_layout(cr, p->title);
}

/* A fresh page: drawn in the second pass, while there is room for it. */
static void begin_page(struct pdf *p)
{
	p->draw = p->drawing && p->page <= PDF_MAX_PAGES;
	p->y = MARGIN_TOP;
}

static void draw_head(struct pdf *p, const struct table *t);

/* The page done (its foot), the next begun. */
static void end_page(struct pdf *p)
{
	if (p->draw) {
		foot(p, p->cr, p->page);
		cairo_show_page(p->cr);
	}
}

static void new_page(struct pdf *p)
{
	end_page(p);
	p->page++;
	begin_page(p);
	if (p->table != NULL)   /* the table's head again */
		draw_head(p, p->table);
}

/* Room for h more points on this page, or a new one. */
static void need(struct pdf *p, double h)
{
	if (p->y + h > p->h - MARGIN_BOTTOM && p->y > MARGIN_TOP + 1)
		new_page(p);
}

static void text_block(struct pdf *p, const struct doc_block *b)
{
	double width = p->w - 2 * MARGIN_X, indent = b->kind == BLK_LI ? 12 : 0;
	double before = b->kind == BLK_H2 ? 10 : b->kind == BLK_H1 ? 0 : 3;
	char *markup = NULL;
	const struct shaped *t;

	if (b->kind == BLK_H1 || b->kind == BLK_H2)
		markup = g_strdup_printf("<b>%s</b>", b->markup != NULL ? b->markup : "");
	else if (b->kind == BLK_LI)
		markup = g_strdup_printf("•  %s", b->markup != NULL ? b->markup : "");
	t = pdf_shaper_get(p->sh, markup != NULL ? markup : b->markup, size_of(b->kind),
	    width - indent, PANGO_ALIGN_LEFT);
	g_free(markup);
	/* a heading keeps the next line with it */
	need(p, before + t->h + (b->kind == BLK_H2 ? 40 : 0));
	p->y += before;
	if (p->draw) {
		if (b->kind == BLK_META)
			cairo_set_source_rgb(p->cr, 0.27, 0.27, 0.27);
		cairo_move_to(p->cr, MARGIN_X + indent, p->y);
		pango_cairo_show_layout(p->cr, t->l);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	p->y += t->h + 2;
}

static int ncols(const struct doc_block *b)
{
	int n = 0;

	for (int r = 0; r < b->nrow; r++) {
		int k = 0;

		for (int c = 0; c < b->row[r].ncell; c++)
			k += b->row[r].cell[c].colspan;
		n = k > n ? k : n;
	}
	return n;
}

/* A table as laid out: each cell shaped unwrapped, its natural size
 * kept; wrapped (shaped again at its box's width) only where its column
 * is narrower. */
struct cell_lay {
	struct shaped *s;  /* as laid out now */
	char *markup;      /* what was shaped: the cell's, bold in a header */
	double x0;         /* where in its box the text starts (right, centre) */
};

struct table {
	const struct doc_block *b;
	int n;                  /* columns */
	double colw[64];
	struct cell_lay *cell;  /* row by row, cell by cell */
	int *first;             /* row r's cells start at cell[first[r]] */
};

static struct cell_lay *cell_of(const struct table *t, int r, int c)
{
	return &t->cell[t->first[r] + c];
}

/* Every cell's layout, unwrapped; headers bold. */
static int table_lay(struct pdf *p, struct table *t)
{
	const struct doc_block *b = t->b;
	int total = 0;

	t->first = calloc((size_t)b->nrow + 1, sizeof(*t->first));
	for (int r = 0; t->first != NULL && r < b->nrow; r++) {
		t->first[r] = total;
		total += b->row[r].ncell < 64 ? b->row[r].ncell : 64;
	}
	if (t->first == NULL || (t->cell = calloc((size_t)total + 1, sizeof(*t->cell))) == NULL)
		return -1;
	for (int r = 0; r < b->nrow; r++)
		for (int c = 0; c < b->row[r].ncell && c < 64; c++) {
			const struct doc_cell *cell = &b->row[r].cell[c];
			struct cell_lay *cl = cell_of(t, r, c);
			const char *m = cell->markup != NULL ? cell->markup : "";

			cl->markup = cell->th && !b->signoff ? g_strdup_printf("<b>%s</b>", m) :
			    g_strdup(m);
			cl->s = pdf_shaper_get(p->sh, cl->markup, size_of(BLK_TABLE), -1,
			    PANGO_ALIGN_LEFT);
		}
	return 0;
}

static void table_free(struct table *t)
{
	for (int r = 0; t->cell != NULL && r < t->b->nrow; r++)
		for (int c = 0; c < t->b->row[r].ncell && c < 64; c++)
			g_free(cell_of(t, r, c)->markup);
	free(t->cell);
	free(t->first);
}

/* Column widths: each column at least its widest unbreakable piece, the
 * rest where it saves the most lines (colwidth.h); the sign-off's alike. */
static void col_widths(struct pdf *p, struct table *t)
{
	const struct doc_block *b = t->b;
	double min[COLWIDTH_MAX_COLS] = { 0 }, max[COLWIDTH_MAX_COLS] = { 0 };
	struct colwidth cw = { .ncol = t->n, .nrow = b->nrow, .min = min, .max = max,
		.pad = 2 * PAD + 1, .avail = p->w - 2 * MARGIN_X };
	size_t cells = (size_t)b->nrow * (size_t)t->n + 1;
	double *nat = malloc(cells * sizeof(*nat));
	int *lines = malloc(cells * sizeof(*lines));

	if (b->signoff || nat == NULL || lines == NULL) {
		for (int k = 0; k < t->n; k++)
			t->colw[k] = cw.avail / t->n;
		free(nat);
		free(lines);
		return;
	}
	for (size_t i = 0; i < cells; i++) {
		nat[i] = -1;
		lines[i] = 1;
	}
	for (int r = 0; r < b->nrow; r++) {
		int k = 0;

		for (int c = 0; c < b->row[r].ncell && c < 64 && k < t->n; c++) {
			struct cell_lay *cl = cell_of(t, r, c);

			if (b->row[r].cell[c].colspan == 1) {
				/* a short figure is never broken: "1.00 /" over "1" misreads */
				bool figure = b->row[r].cell[c].num && cl->s->w < cw.avail / 6;

				min[k] = fmax(min[k], (figure ? cl->s->w : pdf_shaper_min_width(cl->s)) +
				    cw.pad);
				max[k] = fmax(max[k], cl->s->w + cw.pad);
				nat[r * t->n + k] = cl->s->w;
				lines[r * t->n + k] = pango_layout_get_line_count(cl->s->l);
			}
			k += b->row[r].cell[c].colspan;
		}
	}
	for (int k = 0; k < t->n; k++) {
		min[k] = fmax(min[k], 2 * PAD + 6);
		max[k] = fmax(max[k], min[k]);
	}
	cw.nat = nat;
	cw.lines = lines;
	colwidth_fit(&cw, t->colw);
	free(nat);
	free(lines);
}

/* Fit each cell to its box: wrapped where it is wider, else placed by its
 * alignment (figures right, the sign-off centred). */
static void table_fit(struct pdf *p, struct table *t)
{
	const struct doc_block *b = t->b;

	for (int r = 0; r < b->nrow; r++) {
		int k = 0;

		for (int c = 0; c < b->row[r].ncell && c < 64; c++) {
			const struct doc_cell *cell = &b->row[r].cell[c];
			struct cell_lay *cl = cell_of(t, r, c);
			double box = -2 * PAD;

			for (int s = 0; s < cell->colspan && k + s < t->n; s++)
				box += t->colw[k + s];
			k += cell->colspan;
			if (cl->s->w > box) {
				cl->s = pdf_shaper_get(p->sh, cl->markup, size_of(BLK_TABLE), box,
				    b->signoff ? PANGO_ALIGN_CENTER : cell->num ? PANGO_ALIGN_RIGHT :
				    PANGO_ALIGN_LEFT);
				cl->x0 = 0;
			} else {
				cl->x0 = b->signoff ? (box - cl->s->w) / 2 : cell->num ? box - cl->s->w : 0;
			}
		}
	}
}

static double row_height(const struct table *t, int r)
{
	double hmax = 0;

	for (int c = 0; c < t->b->row[r].ncell && c < 64; c++)
		hmax = fmax(hmax, cell_of(t, r, c)->s->h);
	return hmax + 2 * PAD;
}

static void draw_row(struct pdf *p, const struct table *t, int r)
{
	const struct doc_block *b = t->b;
	const struct doc_row *row = &b->row[r];
	double x = MARGIN_X, row_h = row_height(t, r);
	int k = 0;

	for (int c = 0; c < row->ncell && c < 64; c++) {
		const struct doc_cell *cell = &row->cell[c];
		const struct cell_lay *cl = cell_of(t, r, c);
		double w = 0;

		for (int s = 0; s < cell->colspan && k + s < t->n; s++)
			w += t->colw[k + s];
		k += cell->colspan;
		if (p->draw) {
			if (cell->th && !b->signoff) {
				cairo_set_source_rgb(p->cr, 0.91, 0.94, 0.91);
				cairo_rectangle(p->cr, x, p->y, w, row_h);
				cairo_fill(p->cr);
			}
			if (!b->signoff) {
				cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
				cairo_set_line_width(p->cr, 0.5);
				cairo_rectangle(p->cr, x, p->y, w, row_h);
				cairo_stroke(p->cr);
			}
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			cairo_move_to(p->cr, x + PAD + cl->x0, p->y + PAD);
			pango_cairo_show_layout(p->cr, cl->s->l);
		}
		x += w;
	}
}

static void draw_head(struct pdf *p, const struct table *t)
{
	for (int r = 0; r < t->b->nrow && t->b->row[r].head; r++) {
		draw_row(p, t, r);
		p->y += row_height(t, r);
	}
}

static void table_block(struct pdf *p, const struct doc_block *b)
{
	struct table t = { .b = b, .n = ncols(b) };

	if (t.n == 0 || t.n > 64)
		return;
	if (table_lay(p, &t) == 0) {
		col_widths(p, &t);
		table_fit(p, &t);
		p->y += b->signoff ? 24 : 3;
		for (int r = 0; r < b->nrow; r++) {
			double h = row_height(&t, r);

			/* past the head, a new page repeats it; a head row keeps
			 * one row under it */
			if (!b->row[r].head)
				p->table = &t;
			need(p, h + (b->row[r].head ? 30 : 0));
			draw_row(p, &t, r);
			p->y += h;
		}
		p->table = NULL;
		p->y += 4;
	}
	table_free(&t);
}

/* A chart, drawn from its model at the text's width, its title under it. */
static void chart_block(struct pdf *p, const struct doc_block *b)
{
	double w = p->w - 2 * MARGIN_X, h = chart_height(b->chart, w);
	char *title = g_markup_escape_text(b->chart->title, -1);
	const struct shaped *t = pdf_shaper_get(p->sh, title, size_of(BLK_META), w,
	    PANGO_ALIGN_CENTER);

	g_free(title);
	need(p, 6 + h + t->h);
	p->y += 6;
	if (p->draw) {
		chart_draw_cairo(p->cr, b->chart, MARGIN_X, p->y, w, font_family(),
		    p->doc->thai_digits);
		cairo_set_source_rgb(p->cr, 0.27, 0.27, 0.27);
		cairo_move_to(p->cr, MARGIN_X, p->y + h);
		pango_cairo_show_layout(p->cr, t->l);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	p->y += h + t->h + 4;
}

static void render(struct pdf *p)
{
	p->page = 1;
	begin_page(p);
	for (int i = 0; i < p->doc->nblk; i++) {
		const struct doc_block *b = &p->doc->blk[i];

		if (b->kind == BLK_TABLE)
			table_block(p, b);
		else if (b->kind == BLK_CHART)
			chart_block(p, b);
		else
			text_block(p, b);
	}
	end_page(p);
	if (!p->drawing)
		p->pages = p->page;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

int pdf_page_write(struct pdf_shaper *sh, const char *html, size_t len, FILE *out, int *pages,
    char *err, size_t errlen)
{
	struct page_doc d;
	struct pdf p = { 0 };
	cairo_surface_t *s;
	cairo_t *cr;
	cairo_status_t st;


	if (page_doc_read(html, len, &d) != 0) {
		page_doc_free(&d);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p.doc = &d;
	p.w = d.landscape ? A4_H : A4_W;
	p.h = d.landscape ? A4_W : A4_H;
	p.sh = sh != NULL ? sh : pdf_shaper_new(font_family());
	render(&p);   /* counted */
	s = cairo_pdf_surface_create_for_stream(to_file, out, p.w, p.h);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d.title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "greenmeter gm-report");
	p.cr = cr = cairo_create(s);
	p.drawing = true;
	render(&p);   /* drawn */
	cairo_destroy(cr);
	if (p.title != NULL)
		g_object_unref(p.title);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (sh == NULL)
		pdf_shaper_free(p.sh);
	else
		pdf_shaper_trim(sh);
	page_doc_free(&d);
	if (pages != NULL)
		*pages = p.pages;
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "%s", cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
