/*
 * html.h - writing HTML text safely, for the reports and the dashboard:
 * every string that did not come from the program itself goes through
 * html_esc, which makes it text, never markup.
 */
#ifndef GM_HTML_H
#define GM_HTML_H

#include <stdio.h>

/* s with < > & " ' written as entities. */
void html_esc(FILE *f, const char *s);

/* A figure with `dec` decimals and its thousands grouped by commas, as
 * Thai and English documents print them ("519,296.00"), or a dash when it
 * is not a number. */
void html_num(FILE *f, double v, int dec);

#endif
