/* textwidth.c - terminal columns of UTF-8 text (textwidth.h). */
#include <string.h>

#include "gm_err.h"
#include "textwidth.h"

static bool zero_width(unsigned long cp)
{
	return cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) ||
	    (cp >= 0x0E47 && cp <= 0x0E4E) || (cp >= 0x0300 && cp <= 0x036F) ||
	    (cp >= 0x200B && cp <= 0x200D);
}

size_t textwidth_of(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;

	while (n > 0) {
		unsigned long cp;
		size_t len = gm_utf8_char(p, n, &cp);

		/* a byte that begins no character is one column ('?' when shown) */
		if (len == 0 || !zero_width(cp))
			w++;
		len = len > 0 ? len : 1;
		p += len;
		n -= len;
	}
	return w;
}

int textwidth_pad(FILE *f, const char *s, size_t width, bool right)
{
	size_t w = textwidth_of(s);
	int pad = w < width ? (int)(width - w) : 0;

	return right ? fprintf(f, "%*s%s", pad, "", s) : fprintf(f, "%s%*s", s, pad, "");
}
