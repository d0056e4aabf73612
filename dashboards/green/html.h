/*
 * html.h - writing HTML text safely, for the reports and the dashboard:
 * every string that did not come from the program itself goes through
 * html_esc, which makes it text, never markup.
 */
#ifndef GM_HTML_H
#define GM_HTML_H

#include <stddef.h>
#include <stdio.h>

/* s with < > & " ' written as entities. */
void html_esc(FILE *f, const char *s);

/* A figure with `dec` decimals and its thousands grouped by commas, as
 * Thai and English documents print them ("519,296.00"), or a dash when it
 * is not a number. */
void html_num(FILE *f, double v, int dec);

/* A page's text with its digits as Thai digits (๐..๙), for Thai documents
 * that use them: only text a reader sees, never markup, attributes, style,
 * or identifiers in <code> (a meter id stays as the wire names it). Writes
 * to f; entities (&#39;) are markup too. */
void html_thai_digits(FILE *f, const char *html, size_t len);
/* The same for plain text (no markup), into buf of len bytes. */
void thai_digits_text(const char *s, char *buf, size_t len);

#endif
