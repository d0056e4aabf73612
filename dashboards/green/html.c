/* html.c - escaped text and figures in HTML. */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

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

/* Digit d ('0'..'9') as a Thai digit, U+0E50 onwards: 3 bytes at out. */
static void thai_digit(char d, char *out)
{
	out[0] = (char)0xe0;
	out[1] = (char)0xb9;
	out[2] = (char)(0x90 + (d - '0'));
}

void thai_digits_text(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s != '\0' && n + 4 < len; s++) {
		if (*s >= '0' && *s <= '9') {
			thai_digit(*s, buf + n);
			n += 3;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

/* Is the tag at p (after '<') name, or its end tag? */
static bool tag_is(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	if (p < end && *p == '/')
		p++;
	return (size_t)(end - p) > n && strncasecmp(p, name, n) == 0 &&
	    (p[n] == '>' || p[n] == ' ');
}

void html_thai_digits(FILE *f, const char *html, size_t len)
{
	const char *p = html, *end = html + len;
	bool tag = false, entity = false;
	int raw = 0;   /* inside <style> or <code>: as written */

	for (; p < end; p++) {
		if (tag) {
			tag = *p != '>';
		} else if (*p == '<') {
			tag = true;
			if (tag_is(p + 1, end, "style") || tag_is(p + 1, end, "code"))
				raw += p[1] == '/' ? -1 : 1;
		} else if (*p == '&') {
			entity = true;
		} else if (entity) {
			entity = *p != ';';
		} else if (raw <= 0 && *p >= '0' && *p <= '9') {
			char d[3];

			thai_digit(*p, d);
			fwrite(d, 1, sizeof(d), f);
			continue;
		}
		fputc(*p, f);
	}
}