/* html.c - escaped text and figures in HTML. */
#include <math.h>
#include <string.h>

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
	char plain[400];
	int n, lead;

	if (!isfinite(v)) {
		fputs("—", f);
		return;
	}
	n = snprintf(plain, sizeof(plain), "%.*f", dec, v);
	if (n < 0 || (size_t)n >= sizeof(plain)) {
		fputs("—", f);
		return;
	}
	lead = plain[0] == '-';
	n = lead + (int)strspn(plain + lead, "0123456789");   /* the whole part's end */
	fwrite(plain, 1, (size_t)lead, f);
	for (int i = lead; i < n; i++) {
		fputc(plain[i], f);
		if (i < n - 1 && (n - 1 - i) % 3 == 0)
			fputc(',', f);
	}
	fputs(plain + n, f);
}
