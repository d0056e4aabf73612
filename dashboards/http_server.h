/*
 * http_server.h - gm-dashboard's HTTP side, on libmicrohttpd. Before the
 * application sees a request the server has refused:
 *   405  any method but GET and HEAD (the dashboard only reads);
 *   414  a request line (path and query) longer than HTTP_URI_MAX;
 *   400  a path that is not plain segments: each one [A-Za-z0-9._-]+, not
 *        starting with '.', at most HTTP_SEG_MAX of them; so "..", hidden
 *        files and encoded slashes never reach a handler.
 * The handler gets the split path and fills a reply: a body written to
 * rp->out (or a buffer of its own), a status and a content type. Every
 * answer says nosniff and a strict content security policy; live pages are
 * no-store.
 */
#ifndef GM_HTTP_SERVER_H
#define GM_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HTTP_URI_MAX 2048
#define HTTP_SEG_MAX 8
#define HTTP_SEG_LEN 128

struct MHD_Connection;

struct http_req {
	const char *path;               /* percent-decoded */
	const char *seg[HTTP_SEG_MAX];  /* its segments */
	int nseg;
	struct MHD_Connection *conn;
};

/* The query argument key, or NULL. */
const char *http_arg(const struct http_req *rq, const char *key);

struct http_reply {
	int status;             /* 200 unless the handler says */
	const char *type;       /* "text/html; charset=utf-8" unless it says */
	FILE *out;              /* write the body here ... */
	char *data;             /* ... or hand over a malloc'd body */
	size_t len;
	bool cacheable;         /* graphs and report files: a minute; else no-store */
	const char *disposition;/* a Content-Disposition, or NULL */
};

/* A short plain-text answer: status and message. */
void http_fail(struct http_reply *rp, int status, const char *msg);

typedef void (*http_handler)(void *app, const struct http_req *rq, struct http_reply *rp);

struct http_server;

/* Listen on host:port (numeric or a name; IPv4 or IPv6) with `threads`
 * workers. NULL with the reason in err. */
struct http_server *http_start(const char *host, int port, int threads, http_handler h,
    void *app, char *err, size_t errlen);
void http_stop(struct http_server *s);   /* NULL-safe */

/* Whether s[0..n) is a plain name: [A-Za-z0-9._-]+, not starting with '.',
 * at most HTTP_SEG_LEN bytes. */
bool http_name_ok(const char *s, size_t n);

/* Split path ("/a/b/") into segments in buf; the count, or -1 when a
 * segment is not plain or there are too many. "/" has 0 segments. */
int http_split(const char *path, char *buf, size_t len, const char **seg, int max);

#endif
