/* http_path.c - a request URI into plain path segments, or a refusal. */
#include <string.h>

#include "http_path.h"

bool http_path_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > HTTP_SEG_LEN || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int http_path_split(const char *path, char *buf, size_t len, const char **seg, int max)
{
	size_t plen = strlen(path);
	int n = 0;

	if (path[0] != '/' || plen >= len)
		return -1;
	memcpy(buf, path + 1, plen);   /* the NUL too */
	for (char *p = buf; *p != '\0';) {
		size_t k = strcspn(p, "/");
		bool last = p[k] == '\0' || p[k + 1] == '\0';

		if (!http_path_name_ok(p, k) || n == max)
			return -1;
		seg[n++] = p;
		if (p[k] == '\0')
			break;
		p[k] = '\0';
		p += k + 1;
		if (last)
			break;   /* a trailing slash */
	}
	return n;
}

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *control(unsigned char c)
{
	if (c == 0)
		return "a NUL in the request";
	if (c < 0x20 || c == 0x7f)
		return "a control character in the request";
	return NULL;
}

/* Check the escapes of s[0..n) and decode them into out (NULL: check only,
 * the query, which libmicrohttpd decodes for http_server_arg). The reason for a
 * refusal, or NULL. out has room for n + 1 bytes. */
static const char *decode(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *why;

		if (c == '%') {
			int hi = i + 2 < n ? hex((unsigned char)s[i + 1]) : -1;
			int lo = hi >= 0 ? hex((unsigned char)s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return "a broken %-escape";
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
			if ((why = control(c)) != NULL)
				return why;
			if (c == '/' && out != NULL)
				return "an encoded '/' in the path";
		}
		if (out != NULL)
			out[k++] = (char)c;
	}
	if (out != NULL)
		out[k] = '\0';
	return NULL;
}

int http_path_parse(const char *uri, size_t n, struct http_path *out, const char **why)
{
	const char *q;
	size_t plen;

	out->nseg = 0;
	out->path[0] = '\0';
	if (n > HTTP_URI_MAX) {
		*why = "request too long";
		return 414;
	}
	for (size_t i = 0; i < n; i++)
		if ((*why = control((unsigned char)uri[i])) != NULL)
			return 400;
	q = memchr(uri, '?', n);
	plen = q != NULL ? (size_t)(q - uri) : n;
	if (plen == 0 || uri[0] != '/') {
		*why = "the path must start with '/'";
		return 400;
	}
	if ((*why = decode(uri, plen, out->path)) != NULL ||
	    (q != NULL && (*why = decode(q + 1, n - plen - 1, NULL)) != NULL))
		return 400;
	out->nseg = http_path_split(out->path, out->buf, sizeof(out->buf), out->seg, HTTP_SEG_MAX);
	if (out->nseg < 0) {
		out->nseg = 0;
		*why = "bad path: each segment a plain name ([A-Za-z0-9._-], not starting with "
		    "'.'), at most 8";
		return 400;
	}
	*why = NULL;
	return 0;
}
