/*
 * page_doc.h - a report page as blocks: what the PDF renderer lays out.
 *
 * The pages of a report set are written once, as HTML (green_html.c,
 * green_kpi14.c); the PDF of a page is made from that very text, read back
 * into these blocks, so that the two can never say different things. Only
 * the subset those renderers write is understood: h1, h2, p (class "meta"
 * small; class "nav" is for the screen and dropped), ul/li, tables (thead
 * rows repeat on every page; th, td with colspan and class "n" for figures;
 * table class "signoff" without borders), figures of class "chart" (their
 * model in data-chart, chart.h: the SVG is not read) and inline b, br, span class
 * warn/ok/bad, code, a, cite. Inline content becomes Pango markup; every
 * entity our html_esc() writes is one Pango's markup reads.
 *
 * The text is gm-report's own, never a user's file: anything else is
 * skipped, not refused.
 */
#ifndef GM_PAGE_DOC_H
#define GM_PAGE_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum blk_kind { BLK_H1, BLK_H2, BLK_P, BLK_META, BLK_LI, BLK_TABLE, BLK_CHART };

struct chart;

struct doc_cell {
	char *markup;
	int colspan;              /* 1 or more */
	bool th, num;             /* a header cell; a figure (right-aligned) */
};

struct doc_row {
	struct doc_cell *cell;
	int ncell;
	bool head;                /* in thead: repeated at the top of every page */
};

struct doc_block {
	enum blk_kind kind;
	char *markup;             /* headings, paragraphs, list items */
	struct doc_row *row;      /* tables */
	int nrow;
	bool signoff;             /* the sign-off table: no borders, centred */
	struct chart *chart;      /* a figure's chart (chart.h), from its data-chart */
};

struct page_doc {
	bool thai;                /* <html lang="th"> */
	bool landscape;           /* @page { size: A4 landscape } */
	bool thai_digits;         /* <html data-digits="thai">: the page's digits are ๐..๙ */
	char title[512];          /* the h1, as plain text, for the running foot */
	struct doc_block *blk;
	int nblk;
};

/* Read html (len bytes and a NUL after them, as open_memstream leaves it)
 * into d: 0, or -1 when out of memory. page_doc_free() either way. */
int page_doc_read(const char *html, size_t len, struct page_doc *d);
void page_doc_free(struct page_doc *d);

#endif
