/*
 * http_path.h - a request's URI, exactly as the client sent it (before any
 * decoding), into the path segments the dashboard routes by. It is the only
 * place a URL becomes a route, so whatever it refuses never reaches a page:
 *   414  more than HTTP_URI_MAX bytes (path and query);
 *   400  a NUL or other control byte anywhere, raw or percent-encoded
 *        (%00..%1F, %7F), in the path or the query; a broken escape (a '%'
 *        without two hex digits); a path not starting with '/'; an encoded
 *        '/' (only the literal ones separate segments); a segment that is
 *        not a plain name, or more than HTTP_SEG_MAX of them.
 * A plain name is [A-Za-z0-9._-]+, not starting with '.', at most
 * HTTP_SEG_LEN bytes: so "..", "." and hidden names are never a segment,
 * and a segment joined to a directory never leaves it.
 * Pure functions of their arguments: no allocation, no library, no I/O.
 */
#ifndef GM_HTTP_PATH_H
#define GM_HTTP_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_URI_MAX 2048
#define HTTP_SEG_MAX 8
#define HTTP_SEG_LEN 128

struct http_path {
	char path[HTTP_URI_MAX + 1];   /* the decoded path, "/a/b" */
	char buf[HTTP_URI_MAX + 1];    /* the segments, each NUL-terminated */
	const char *seg[HTTP_SEG_MAX]; /* into buf */
	int nseg;                      /* "/" has 0 */
};

/* Parse uri[0..n) (which may hold any bytes, NUL included) into out.
 * 0 when accepted; else the status to refuse it with (400, 414) and, in
 * *why, a short reason (a static string). */
int http_path_parse(const char *uri, size_t n, struct http_path *out, const char **why);

/* Whether s[0..n) is a plain name. */
bool http_path_name_ok(const char *s, size_t n);

/* Split a decoded path ("/a/b/") into segments in buf; the count, or -1
 * when a segment is not plain, there are more than max, or buf is short.
 * "/" has 0 segments; one trailing slash is allowed. */
int http_path_split(const char *path, char *buf, size_t len, const char **seg, int max);

#endif
