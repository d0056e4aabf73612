/*
 * pdf_page.h - a report page as an A4 PDF: the page's HTML (the one
 * document, page_doc.h) laid out with Pango on cairo's PDF surface.
 *
 * Why these: cairo's PDF surface writes real, selectable text and embeds
 * (a subset of) the font; Pango shapes Thai through HarfBuzz, so tone
 * marks and vowels above and below sit on their consonant; both are what
 * librrd already draws its graphs with, well kept in Debian, and need no
 * browser at run time.
 *
 * The font is the government's TH Sarabun family where installed ("TH
 * Sarabun New", "THSarabunNew"), else Laksaman (Debian's fonts-thai-tlwg,
 * derived from it), else whatever fontconfig gives for Thai. Portrait A4,
 * landscape when the page's style asks; tables break between rows and
 * repeat their header rows; every page ends with the page's title and
 * "หน้า n / N" (Page n of N).
 */
#ifndef GM_PDF_PAGE_H
#define GM_PDF_PAGE_H

#include <stddef.h>
#include <stdio.h>

struct pdf_shaper;

/* Write the PDF of html (len bytes, NUL-terminated) to out: 0, or -1 with the reason in
 * err. pages (may be NULL): how many it has. sh: this thread's shaper, kept
 * from one PDF to the next (pdf_shaper.h); NULL: one for this PDF alone. */
int pdf_page_write(struct pdf_shaper *sh, const char *html, size_t len, FILE *out, int *pages,
    char *err, size_t errlen);

/* Give back Pango's font map, at exit. fontconfig's and cairo's own caches
 * stay to the end of the process (tests/lsan.supp). */
void pdf_page_cleanup(void);

/* The font family the PDFs use, as fontconfig resolved it ("Laksaman"). */
const char *pdf_page_font(void);

#endif
