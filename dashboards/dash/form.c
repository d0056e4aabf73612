/* form.c - urlencoded form fields (form.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "gm_err.h"

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Well-formed UTF-8 (no overlong forms, no surrogates). */
static bool utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		int n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2 :
		    (*s & 0xf8) == 0xf0 ? 3 : -1;
		unsigned cp;

		if (n < 0 || (n == 1 && *s < 0xc2) || (n == 3 && *s > 0xf4))
			return false;
		cp = n == 0 ? *s : *s & (0x3f >> n);
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		s += n + 1;
	}
	return true;
}

/* Decode src[0..n) into out; false if it is not fit to take. */
static bool decode(const char *src, size_t n, char *out, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)src[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= n || hex(src[i + 1]) < 0 || hex(src[i + 2]) < 0)
				return false;
			c = hex(src[i + 1]) << 4 | hex(src[i + 2]);
			i += 2;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f || k + 1 >= len)
			return false;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return utf8_ok((const unsigned char *)out);
}

int form_value_at(const char *body, const char *key, int index, char *out, size_t len)
{
	size_t klen = strlen(key);

	if (len == 0)
		return GM_EINVAL;
	out[0] = '\0';
	for (const char *p = body; *p != '\0';) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);

		if (eq != NULL && (size_t)(eq - p) == klen && strncmp(p, key, klen) == 0 &&
		    index-- == 0) {
			if (!decode(eq + 1, n - klen - 1, out, len)) {
				out[0] = '\0';
				return GM_EINVAL;
			}
			return GM_OK;
		}
		p += n + (p[n] == '&');
	}
	return GM_ENOTFOUND;
}

int form_value(const char *body, const char *key, char *out, size_t len)
{
	return form_value_at(body, key, 0, out, len);
}

void form_mistake(struct form_mistake *m, const char *say, const char *where)
{
	if (m->say == NULL) {
		m->say = say;
		snprintf(m->where, sizeof(m->where), "%s", where);
	}
}

uint64_t form_version(const char *body)
{
	char v[20], *end;
	uint64_t x;

	if (form_value(body, "version", v, sizeof(v)) != GM_OK || strlen(v) != 16)
		return 0;
	x = strtoull(v, &end, 16);
	return *end == '\0' ? x : 0;
}
