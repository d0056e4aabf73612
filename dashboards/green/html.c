/* html.c - escaped text and figures in HTML. */
#include <math.h>

#include "html.h"

void html_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void html_num(FILE *f, double v, int dec)
{
	if (!isfinite(v))
		fputs("—", f);
	else
		fprintf(f, "%.*f", dec, v);
}
