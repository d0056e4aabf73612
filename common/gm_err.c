/* gm_err.c - error code names and the message-buffer helper; messages are
 * printable UTF-8. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gm_err.h"

const char *gm_strerror(int code)
{
	/* over the enum, without a default: a code without its text does not
	 * build (-Wswitch) */
	switch ((enum gm_err)code) {
	case GM_OK: return "success";
	case GM_EINVAL: return "invalid input";
	case GM_ERANGE: return "value out of range";
	case GM_ENOMEM: return "out of memory";
	case GM_EIO: return "input/output error";
	case GM_ENOTFOUND: return "not found";
	case GM_EDUP: return "duplicate";
	case GM_ESTALE: return "older than stored data";
	case GM_ELIB: return "library error";
	case GM_EBUSY: return "busy";
	case GM_EDAMAGED: return "damaged";
	case GM_EPERM: return "refused";
	}
	return "unknown error";
}

int gm_errf(char *buf, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	gm_printable(buf);
	return code;
}

size_t gm_utf8_char(const unsigned char *s, size_t n, unsigned long *cp)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	unsigned long c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Printable ASCII, what most text is made of: skipped with strspn(). */
const char gm_ascii_printable[] = " !\"#$%&'()*+,-./0123456789:;<=>?@"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

int gm_control(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

void gm_printable(char *msg)
{
	unsigned char *s = (unsigned char *)msg;
	size_t n = strlen(msg);

	for (size_t i = strspn(msg, gm_ascii_printable); i < n;
	    i += strspn(msg + i, gm_ascii_printable)) {
		unsigned long cp;
		size_t k = gm_utf8_char(s + i, n - i, &cp);

		if (k == 0 || gm_control(cp)) {
			/* one '?' for the character, or for each stray byte */
			s[i] = '?';
			if (k > 1) {
				memmove(s + i + 1, s + i + k, n - i - k + 1);
				n -= k - 1;
			}
			k = 1;
		}
		i += k;
	}
}
