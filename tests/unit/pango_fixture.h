/*
 * pango_fixture.h - Pango's own width of a text, laid out the plain way
 * (a layout on a recording surface, the PDFs' face at a size): what the
 * PDF tests measure the code under test against.
 */
#ifndef GM_PANGO_FIXTURE_H
#define GM_PANGO_FIXTURE_H

/* The width in points of markup (plain text is markup too) at size points. */
double pango_fixture_width(const char *markup, double size);

#endif
