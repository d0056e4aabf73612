/*
 * http_server.h - gm-dashboard's HTTP side, on libmicrohttpd. Before the
 * application sees a request the server has refused:
 *   405  any method but GET, HEAD and POST, and a POST to a path the
 *        application's takes_form does not accept (before its body is
 *        read);
 *   403  a POST takes_form refuses from who sends it (an upload from
 *        someone not signed in), also before its body is read;
 *   413, 415  a POST body over HTTP_FORM_MAX, or not a urlencoded form
 *        (a path that takes an upload: not multipart/form-data, or its
 *        file over the limit's upload_max; http_upload.h);
 *   414, 400  what http_path.h refuses: an over-long request line, a NUL or
 *        control byte (raw or %-encoded) anywhere in path or query, a path
 *        that is not plain segments; so "..", hidden files, encoded slashes
 *        and a name cut short by a NUL never reach a handler.
 * The handler gets the split path and fills a reply: a body written to
 * rp->out (or a buffer of its own), a status and a content type. Every
 * answer says nosniff and a strict content security policy; live pages are
 * no-store.
 *
 * Connections (struct http_limits): `threads` workers, each with its own
 * epoll set, so a silent connection costs a socket and a little memory,
 * never a thread. At most max_per_ip from one address (more are closed at
 * once) and max_connections in all (more wait in the kernel's queue until
 * one closes); a connection that sends or takes nothing for idle_timeout_s
 * is closed, whatever it was doing (half a request, kept alive between
 * requests, not reading its answer). What a client can make the server log
 * goes through a ratelog (ratelog.h), a handful of lines a minute.
 */
#ifndef GM_HTTP_SERVER_H
#define GM_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "http_path.h"

struct MHD_Connection;
struct ratelog;

#define HTTP_FORM_MAX 65536   /* bytes of a form's body */

struct http_req {
	const char *path;               /* percent-decoded */
	const char *seg[HTTP_SEG_MAX];  /* its segments */
	int nseg;
	bool post;                      /* a POST: its form below */
	const char *body;               /* NUL-terminated; "" for GET */
	size_t body_len;
	const unsigned char *file;      /* an upload's file, or NULL */
	size_t file_len;
	const char *file_name;          /* as the browser named it ("" when it did not) */
	char address[64];               /* the client's, numeric */
	bool tls;                       /* it came over HTTPS */
	bool accounts;                  /* the application signs people in (its pages
	                                   link to signing out) */
	struct MHD_Connection *conn;
	struct ratelog *noise;          /* log what this request causes through it */
};

/* The query argument key, or NULL. */
const char *http_server_arg(const struct http_req *rq, const char *key);
/* The request's cookie name, or NULL. */
const char *http_server_cookie(const struct http_req *rq, const char *name);

struct http_reply {
	int status;             /* 200 unless the handler says */
	const char *type;       /* "text/html; charset=utf-8" unless it says */
	FILE *out;              /* write the body here ... */
	char *data;             /* ... or hand over a malloc'd body */
	size_t len;
	bool cacheable;         /* graphs: a minute; else no-store */
	char etag[48];          /* report files: kept, but asked again each time, and
	                           answered 304 when the client's copy is this one */
	bool personal;          /* behind a sign-in: a browser may keep it, no shared cache */
	char disposition[96];   /* a Content-Disposition (plain ASCII), or "" */
	char cookie[2][256];    /* Set-Cookie headers; "" for none */
	char location[512];     /* a Location (with a 303); "" */
	const char *allow;      /* the Allow of a 405; NULL: "GET, HEAD" */
	bool unread;            /* a body was refused unread: the connection closes */
};

/* A short plain-text answer: status and message. */
void http_server_fail(struct http_reply *rp, int status, const char *msg);

typedef void (*http_handler)(void *app, const struct http_req *rq, struct http_reply *rp);
/* Does the path (rq's path, segments and, through rq->conn, its headers
 * and cookies: no body yet) take a POSTed form, and which kind? REFUSED:
 * answered 403 before the body is read (an upload from someone not signed
 * in is never held in memory). */
enum http_form { HTTP_FORM_NONE, HTTP_FORM_FIELDS, HTTP_FORM_UPLOAD, HTTP_FORM_REFUSED };
typedef enum http_form (*http_form_path)(void *app, const struct http_req *rq);

struct http_limits {
	int threads;           /* workers */
	int max_connections;   /* in all */
	int max_per_ip;        /* from one address; 0: no limit of its own */
	int idle_timeout_s;    /* a connection silent this long is closed */
	const char *tls_cert;  /* PEM text: HTTPS (GnuTLS); NULL: plain HTTP */
	const char *tls_key;
	size_t upload_max;     /* bytes of an uploaded file */
};

struct http_server;

/* Listen on host:port (numeric or a name; IPv4 or IPv6) within the limits.
 * NULL with the reason in err. */
struct http_server *http_server_start(const char *host, int port, const struct http_limits *lim,
    http_handler h, http_form_path takes_form, void *app, char *err, size_t errlen);
/* Now and then (a few seconds): sum up the log lines held back. */
void http_server_tick(struct http_server *s);
void http_server_stop(struct http_server *s);   /* NULL-safe */

#endif
