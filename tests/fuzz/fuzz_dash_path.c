/*
 * fuzz_dash_path.c - libFuzzer target over the one thing a client chooses
 * that becomes a route and a file name in gm-dashboard: the request URI.
 *
 * Input: the URI as sent, path and query, any bytes (NUL included), as
 * dashboards/dash/http_server.c hands it to http_path_parse() (there, a raw NUL
 * has already cut the C string short, and the request line shows it; here
 * the parser is given the bytes with their length, so it must refuse a NUL
 * itself). What must hold:
 *   - more than HTTP_URI_MAX bytes: 414; otherwise never 414;
 *   - a NUL or control byte in the input, or %00..%1F / %7F anywhere: refused;
 *   - a refusal is 400 or 414 with a reason in printable ASCII;
 *   - an accepted URI: the path starts with '/'; each of its 0..HTTP_SEG_MAX
 *     segments is 1..HTTP_SEG_LEN bytes of [A-Za-z0-9._-] not starting with
 *     '.' (so never "." nor ".."), checked here without http_path_name_ok;
 *     joined with '/' they give the decoded path back (one trailing slash
 *     aside); the path equals this file's own decoding of the input's path
 *     part; the query's escapes are whole and none is a control byte;
 *   - a report file named by the segments, joined under a reports
 *     directory and normalised as the kernel would ("." dropped, ".."
 *     climbing), stays inside that directory;
 *   - parsing the decoded path again accepts it with the same segments.
 * A broken rule prints what broke and aborts, which libFuzzer reports as a
 * crash and saves the input. Nothing here allocates or writes a file.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_path.h"

#define REPORTS "/var/lib/greenmeter/reports"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_dash_path: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_control(unsigned c)
{
	return c < 0x20 || c == 0x7f;
}

/* Whether s[0..n) holds a control byte, raw or as a %-escape. */
static bool has_control(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (is_control(s[i]))
			return true;
		if (s[i] == '%' && i + 2 < n && hexdigit(s[i + 1]) >= 0 && hexdigit(s[i + 2]) >= 0 &&
		    is_control((unsigned)(hexdigit(s[i + 1]) * 16 + hexdigit(s[i + 2]))))
			return true;
	}
	return false;
}

/* A second decoder, written apart from http_path.c: the path part's
 * escapes decoded into out (room for n + 1); false on a broken escape. */
static bool decode_ref(const uint8_t *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[k++] = (char)s[i];
			continue;
		}
		if (i + 2 >= n || hexdigit(s[i + 1]) < 0 || hexdigit(s[i + 2]) < 0)
			return false;
		out[k++] = (char)(hexdigit(s[i + 1]) * 16 + hexdigit(s[i + 2]));
		i += 2;
	}
	out[k] = '\0';
	return true;
}

static void check_segment(const char *seg, int i)
{
	size_t n = strlen(seg);

	if (n == 0 || n > HTTP_SEG_LEN)
		broken("segment %d has %zu bytes", i, n);
	if (seg[0] == '.')
		broken("segment %d \"%s\" starts with a dot", i, seg);
	for (size_t k = 0; k < n; k++) {
		char c = seg[k];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			broken("segment %d \"%s\" has byte 0x%02x", i, seg, (unsigned char)c);
	}
}

/* Normalise an absolute path lexically, as the kernel resolves it without
 * links: "." dropped, ".." removes the last component (never above "/"). */
static void normalise(const char *in, char *out, size_t len)
{
	size_t k = 0;

	for (const char *p = in; *p != '\0';) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* stay */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (k > 0 && out[k - 1] != '/')
				k--;
			if (k > 0)
				k--;
		} else if (k + 1 + n < len) {
			out[k++] = '/';
			memcpy(out + k, p, n);
			k += n;
		}
		p += n;
	}
	if (k == 0)
		out[k++] = '/';
	out[k] = '\0';
}

/* The file a report URI /reports/<set>/<file> (or any segments) would
 * open, joined under REPORTS as dash_reports.c does, stays under it. */
static void check_inside(const struct http_path *p)
{
	char joined[sizeof(REPORTS) + HTTP_URI_MAX + 16], norm[sizeof(joined)];
	size_t k = strlen(REPORTS);

	memcpy(joined, REPORTS, k);
	for (int i = 1; i < p->nseg; i++)
		k += (size_t)snprintf(joined + k, sizeof(joined) - k, "/%s", p->seg[i]);
	joined[k] = '\0';
	normalise(joined, norm, sizeof(norm));
	if (strncmp(norm, REPORTS, strlen(REPORTS)) != 0 ||
	    (norm[strlen(REPORTS)] != '\0' && norm[strlen(REPORTS)] != '/'))
		broken("\"%s\" leaves %s: %s", p->path, REPORTS, norm);
}

static void check_accepted(const uint8_t *data, size_t size, const struct http_path *p)
{
	const uint8_t *q = memchr(data, '?', size);
	size_t plen = q != NULL ? (size_t)(q - data) : size;
	char ref[HTTP_URI_MAX + 1], joined[HTTP_URI_MAX + 2];
	size_t k = 0, n;

	if (p->nseg < 0 || p->nseg > HTTP_SEG_MAX)
		broken("%d segments", p->nseg);
	if (p->path[0] != '/')
		broken("path \"%s\" does not start with '/'", p->path);
	if (!decode_ref(data, plen, ref) || strcmp(ref, p->path) != 0)
		broken("path decoded as \"%s\", the reference decoder says \"%s\"", p->path, ref);
	if (q != NULL && !decode_ref(q + 1, size - plen - 1, ref))
		broken("a broken escape in the query accepted");
	joined[0] = '\0';
	for (int i = 0; i < p->nseg; i++) {
		check_segment(p->seg[i], i);
		k += (size_t)snprintf(joined + k, sizeof(joined) - k, "/%s", p->seg[i]);
	}
	n = strlen(p->path);
	if (!(strcmp(joined, p->path) == 0 || (p->nseg == 0 && strcmp(p->path, "/") == 0) ||
	    (n == k + 1 && p->path[n - 1] == '/' && strncmp(joined, p->path, k) == 0)))
		broken("segments joined \"%s\", path \"%s\"", joined, p->path);
	check_inside(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_path p, again;
	const char *why = NULL;
	int rc = http_path_parse((const char *)data, size, &p, &why);

	if (size > HTTP_URI_MAX) {
		if (rc != 414)
			broken("%zu bytes: %d, want 414", size, rc);
		return 0;
	}
	if (rc == 414)
		broken("%zu bytes: 414", size);
	if (rc != 0) {
		if (rc != 400 || why == NULL || why[0] == '\0')
			broken("refused with %d, reason %s", rc, why ? why : "(none)");
		for (const char *c = why; *c != '\0'; c++)
			if (*c < 0x20 || *c > 0x7e)
				broken("reason has byte 0x%02x", (unsigned char)*c);
		return 0;
	}
	if (why != NULL)
		broken("accepted with a reason: %s", why);
	if (has_control(data, size))
		broken("a NUL or control byte accepted");
	check_accepted(data, size, &p);
	if (http_path_parse(p.path, strlen(p.path), &again, &why) != 0 || again.nseg != p.nseg)
		broken("the decoded path \"%s\" is not accepted again alike", p.path);
	for (int i = 0; i < p.nseg; i++)
		if (strcmp(again.seg[i], p.seg[i]) != 0)
			broken("segment %d: \"%s\" then \"%s\"", i, p.seg[i], again.seg[i]);
	return 0;
}
