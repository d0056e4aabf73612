/* http_server.c - libmicrohttpd underneath the dashboard's pages. */
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "gm_err.h"
#include "http_server.h"
#include "http_upload.h"
#include "log.h"
#include "ratelog.h"

struct http_server {
	struct MHD_Daemon *d;
	http_handler h;
	http_form_path takes_form;
	void *app;
	struct ratelog noise;   /* what clients can make us log */
	bool tls;
	size_t upload_max;
};

/* A handful of lines a minute that clients can cause (ratelog.h). */
#define HTTP_NOISE_BURST 3
#define HTTP_NOISE_WINDOW_S 60

/* What the URI callback learns of a request, for on_request: the verdict
 * of http_path_parse and where the URI lay in libmicrohttpd's copy of the
 * request line (an address compared, never read again). Freed by
 * req_done, which libmicrohttpd calls for every request the callback saw. */
struct req_ctx {
	uintptr_t raw;
	size_t raw_len;   /* up to the first NUL */
	int refused;      /* 0, or 400 / 414 */
	const char *why;
	struct http_path p;
	bool started;     /* a POST's first call was seen */
	bool no_form;     /* a POST to a path that takes none */
	enum http_form kind;
	struct http_upload *up;   /* HTTP_FORM_UPLOAD: the form taken apart */
	int up_refused;   /* its refusal, or 0 */
	const char *up_why;
	bool too_big;     /* its body is over HTTP_FORM_MAX */
	char *body;       /* malloc'd, NUL-terminated */
	size_t body_len;
};

static char no_memory;   /* the context could not be allocated */

const char *http_server_arg(const struct http_req *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_server_cookie(const struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

void http_server_fail(struct http_reply *rp, int status, const char *msg)
{
	rp->status = status;
	rp->type = "text/plain; charset=utf-8";
	if (rp->out != NULL)
		fprintf(rp->out, "%d %s\n", status, msg);
}

/* The URI as the client sent it (path and query, not yet decoded): the
 * only thing that decides the route. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req_ctx *x = malloc(sizeof(*x));

	(void)cls;
	(void)c;
	if (x == NULL)
		return &no_memory;
	memset(x, 0, sizeof(*x));
	x->raw = (uintptr_t)uri;
	x->raw_len = strlen(uri);
	x->refused = http_path_parse(uri, x->raw_len, &x->p, &x->why);
	return x;
}

static void req_done(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode how)
{
	(void)cls;
	(void)c;
	(void)how;
	if (*req_cls != &no_memory && *req_cls != NULL) {
		free(((struct req_ctx *)*req_cls)->body);
		http_upload_free(((struct req_ctx *)*req_cls)->up);
	}
	if (*req_cls != &no_memory)
		free(*req_cls);
	*req_cls = NULL;
}

/* A NUL the client sent inside the URI cuts it short in every C string
 * libmicrohttpd hands over (it passes such a request on as if the URI ended
 * there: "/a.html\0.txt" arrives as "/a.html"). The request line still
 * tells: libmicrohttpd ends the URI where the space before the version
 * was, and `version` points just after it, so a URI cut short ends before
 * that. (Should a later libmicrohttpd lay the line out otherwise, every
 * request is refused here, which tests/integration/87 shows at once.) */
static bool cut_by_nul(const struct req_ctx *x, const char *version)
{
	return (uintptr_t)version != x->raw + x->raw_len + 1;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *s = cls;
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	ratelog_say(&s->noise, time(NULL), "http: %s", msg);
}

/* libmicrohttpd itself leaves the body out of a HEAD answer. */
static enum MHD_Result send_reply(struct MHD_Connection *c, struct http_reply *rp, char *body,
    size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ok;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", rp->type);
	if (rp->etag[0] != '\0') {
		MHD_add_response_header(r, "Cache-Control", rp->personal ? "private, no-cache" :
		    "no-cache");
		MHD_add_response_header(r, "ETag", rp->etag);
	} else {
		MHD_add_response_header(r, "Cache-Control", !rp->cacheable ? "no-store" :
		    rp->personal ? "private, max-age=60" : "max-age=60");
	}
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; font-src 'self'; "
	    "script-src 'self'; "
	    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	if (rp->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", rp->allow ? rp->allow : "GET, HEAD");
	if (rp->status == MHD_HTTP_METHOD_NOT_ALLOWED || rp->status == MHD_HTTP_CONTENT_TOO_LARGE ||
	    rp->unread)
		MHD_add_response_header(r, "Connection", "close");   /* its body is not read */
	for (int i = 0; i < 2; i++)
		if (rp->cookie[i][0] != '\0')
			MHD_add_response_header(r, "Set-Cookie", rp->cookie[i]);
	if (rp->location[0] != '\0')
		MHD_add_response_header(r, "Location", rp->location);
	if (rp->disposition[0] != '\0')
		MHD_add_response_header(r, "Content-Disposition", rp->disposition);
	ok = MHD_queue_response(c, (unsigned)rp->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* The client has this very answer (If-None-Match names its ETag): a 304
 * without the body. */
static bool not_modified(struct MHD_Connection *c, struct http_reply *rp)
{
	const char *have = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");

	if (rp->status != 200 || rp->etag[0] == '\0' || have == NULL || strcmp(have, rp->etag) != 0)
		return false;
	rp->status = MHD_HTTP_NOT_MODIFIED;
	return true;
}

/* Refusals of the request itself, before any handler: 0 when none, else
 * the status with its reason in *why. */
static int refusal(const struct req_ctx *x, const char *method, const char *version,
    const char **why)
{
	if (x == NULL || x == (const void *)&no_memory) {
		*why = "out of memory";
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (x->refused == MHD_HTTP_URI_TOO_LONG) {
		*why = x->why;
		return x->refused;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0) {
		*why = "only GET, HEAD and POST";
		return MHD_HTTP_METHOD_NOT_ALLOWED;
	}
	if (x->refused != 0) {
		*why = x->why;
		return x->refused;
	}
	if (x->no_form && x->kind == HTTP_FORM_REFUSED) {
		*why = "sign in first (the form was not read)";
		return MHD_HTTP_FORBIDDEN;
	}
	if (x->no_form) {
		*why = "this page takes no form";
		return MHD_HTTP_METHOD_NOT_ALLOWED;
	}
	if (cut_by_nul(x, version)) {
		*why = "a NUL in the request";
		return MHD_HTTP_BAD_REQUEST;
	}
	return 0;
}

/* A POST's body, taken in pieces up to HTTP_FORM_MAX: MHD_YES to go on
 * reading; *done when it is all here. */
static enum MHD_Result take_body(struct req_ctx *x, const char *upload, size_t *upload_len,
    bool *done)
{
	*done = false;
	if (!x->started) {
		x->started = true;
		return MHD_YES;
	}
	if (*upload_len == 0) {
		*done = true;
		return MHD_YES;
	}
	if (!x->too_big && x->body_len + *upload_len <= HTTP_FORM_MAX) {
		char *b = realloc(x->body, x->body_len + *upload_len + 1);

		if (b == NULL)
			return MHD_NO;
		memcpy(b + x->body_len, upload, *upload_len);
		x->body = b;
		x->body_len += *upload_len;
		x->body[x->body_len] = '\0';
	} else {
		x->too_big = true;   /* read to the end, then answered 413 */
	}
	*upload_len = 0;
	return MHD_YES;
}

/* An upload's body, taken apart as it comes (http_upload.h); the first
 * call makes the parser. */
static enum MHD_Result take_upload(struct MHD_Connection *c, struct req_ctx *x, size_t max,
    const char *upload, size_t *upload_len, bool *done)
{
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");

	*done = false;
	if (!x->started) {
		x->started = true;
		if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0) {
			x->up_refused = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
			x->up_why = "a form with a file is multipart/form-data";
		} else if ((x->up = http_upload_new(c, max)) == NULL) {
			x->up_refused = MHD_HTTP_BAD_REQUEST;
			x->up_why = "a multipart form without a boundary";
		}
		return MHD_YES;
	}
	if (*upload_len == 0) {
		*done = true;
		return MHD_YES;
	}
	x->body_len += *upload_len;   /* counted, not kept: the parser keeps what it needs */
	if (x->up_refused == 0)
		x->up_refused = http_upload_feed(x->up, upload, *upload_len, &x->up_why);
	*upload_len = 0;
	/* a refused body is read on to be answered, but not past what a
	 * form may be: a sender that goes on is cut off */
	return x->body_len > max + HTTP_FORM_MAX ? MHD_NO : MHD_YES;
}

/* A form, urlencoded; else the status to refuse it with. */
static int form_refusal(struct MHD_Connection *c, const struct req_ctx *x, const char **why)
{
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");

	if (x->too_big) {
		*why = x->kind == HTTP_FORM_UPLOAD ? "ไฟล์มีขนาดใหญ่เกินกำหนด จึงไม่ได้แนบ / "
		    "a file over the size allowed: not attached" : "a form of more than 64 KiB";
		return MHD_HTTP_CONTENT_TOO_LARGE;
	}
	if (x->kind == HTTP_FORM_UPLOAD) {
		*why = x->up_why;
		return x->up_refused;
	}
	if (type == NULL || strncmp(type, "application/x-www-form-urlencoded", 33) != 0 ||
	    (type[33] != '\0' && type[33] != ';')) {
		*why = "a form is application/x-www-form-urlencoded";
		return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
	}
	if (x->body != NULL && strlen(x->body) != x->body_len) {
		*why = "a NUL in the form";
		return MHD_HTTP_BAD_REQUEST;
	}
	return 0;
}

static void client_address(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	buf[0] = '\0';
	if (sa != NULL && getnameinfo(sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), buf, (socklen_t)len, NULL, 0,
	    NI_NUMERICHOST) != 0)
		buf[0] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_len,
    void **req_cls)
{
	struct http_server *s = cls;
	const struct req_ctx *x = *req_cls;
	struct http_reply rp = { .status = 200, .type = "text/html; charset=utf-8" };
	struct http_req rq = { .conn = c, .noise = &s->noise };
	char *body = NULL;
	const char *why;
	size_t len = 0;
	int refused;

	(void)url;   /* decoded by libmicrohttpd; the route comes from x->p */
	rq.post = strcmp(method, "POST") == 0;
	if (rq.post && x != NULL && x != (const void *)&no_memory && x->refused == 0 &&
	    !x->started) {
		struct http_req probe = { .path = x->p.path, .nseg = x->p.nseg, .post = true,
			.conn = c };
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		struct req_ctx *w = (struct req_ctx *)x;

		memcpy(probe.seg, x->p.seg, sizeof(probe.seg));
		w->kind = s->takes_form != NULL ? s->takes_form(s->app, &probe) : HTTP_FORM_NONE;
		w->no_form = w->kind == HTTP_FORM_NONE || w->kind == HTTP_FORM_REFUSED;
		/* said too long: answered at once, the body never read */
		w->too_big = cl != NULL && strtoull(cl, NULL, 10) > (w->kind == HTTP_FORM_UPLOAD ?
		    s->upload_max + HTTP_FORM_MAX : HTTP_FORM_MAX);
	}
	if (rq.post && x != NULL && x != (const void *)&no_memory && x->refused == 0 &&
	    !x->no_form && !(x->too_big && !x->started)) {
		bool done;
		enum MHD_Result more = x->kind == HTTP_FORM_UPLOAD ?
		    take_upload(c, (struct req_ctx *)x, s->upload_max, upload, upload_len, &done) :
		    take_body((struct req_ctx *)x, upload, upload_len, &done);

		if (more != MHD_YES || !done)
			return more;
	}
	*upload_len = 0;
	if ((rp.out = open_memstream(&body, &len)) == NULL)
		return MHD_NO;
	if ((refused = refusal(x, method, version, &why)) != 0 ||
	    (rq.post && (refused = form_refusal(c, x, &why)) != 0)) {
		http_server_fail(&rp, refused, why);
		rp.unread = rq.post && x != NULL && x != (const void *)&no_memory && x->no_form;
	} else {
		rq.tls = s->tls;
		rq.body = x->body != NULL ? x->body : "";
		rq.body_len = x->body_len;
		if (x->up != NULL) {
			rq.body = http_upload_fields(x->up, &rq.body_len);
			rq.file = http_upload_file(x->up, &rq.file_len, &rq.file_name);
		}
		client_address(c, rq.address, sizeof(rq.address));
		rq.path = x->p.path;
		rq.nseg = x->p.nseg;
		memcpy(rq.seg, x->p.seg, sizeof(rq.seg));
		s->h(s->app, &rq, &rp);
	}
	if (fclose(rp.out) != 0) {
		free(body);
		free(rp.data);
		return MHD_NO;
	}
	if (rp.data != NULL) {
		free(body);
		body = rp.data;
		len = rp.len;
	}
	if (not_modified(c, &rp)) {
		free(body);
		body = NULL;
		len = 0;
	}
	return send_reply(c, &rp, body, len);
}

/* The first address host:port resolves to. */
static int resolve(const char *host, int port, struct sockaddr_storage *sa, char *err,
    size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *ai;
	char ps[16];
	int rc;

	snprintf(ps, sizeof(ps), "%d", port);
	if ((rc = getaddrinfo(host, ps, &hints, &ai)) != 0)
		return gm_errf(err, errlen, GM_EINVAL, "listen %s:%d: %s", host, port,
		    gai_strerror(rc));
	memcpy(sa, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return GM_OK;
}

/* epoll where libmicrohttpd has it (Linux): a worker waits on thousands of
 * silent sockets at no cost; poll() or select() elsewhere. */
static unsigned poll_model(const char **name)
{
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES) {
		*name = "epoll";
		return MHD_USE_EPOLL;
	}
	*name = "poll";
	return MHD_USE_AUTO;
}

struct http_server *http_server_start(const char *host, int port, const struct http_limits *lim,
    http_handler h, http_form_path takes_form, void *app, char *err, size_t errlen)
{
	struct sockaddr_storage sa = { 0 };
	struct http_server *s;
	const char *model;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | poll_model(&model);

	if (resolve(host, port, &sa, err, errlen) != GM_OK)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    ratelog_init(&s->noise, "http", HTTP_NOISE_BURST, HTTP_NOISE_WINDOW_S) != GM_OK) {
		free(s);
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	s->h = h;
	s->takes_form = takes_form;
	s->app = app;
	s->upload_max = lim->upload_max;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (lim->tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			ratelog_fini(&s->noise);
			free(s);
			gm_errf(err, errlen, GM_ELIB, "this libmicrohttpd has no TLS: serve plain HTTP "
			    "behind a proxy, or install one built with GnuTLS");
			return NULL;
		}
		flags |= MHD_USE_TLS;
		s->tls = true;
	}
	s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,   /* first, or it misses some */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(lim->threads > 1 ? lim->threads : 1),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)lim->max_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)lim->idle_timeout_s,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, req_done, NULL,
	    /* the certificate last: without TLS the list ends before it */
	    s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, lim->tls_cert,
	    MHD_OPTION_HTTPS_MEM_KEY, lim->tls_key,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		gm_errf(err, errlen, GM_EIO, "cannot listen on %s:%d (in use, or not an address "
		    "of this machine)", host, port);
		ratelog_fini(&s->noise);
		free(s);
		return NULL;
	}
	log_info("http%s: %d worker threads (%s); at most %d connections, %d from one address; "
	    "closed after %d s without traffic", s->tls ? "s" : "", lim->threads, model, lim->max_connections,
	    lim->max_per_ip, lim->idle_timeout_s);
	return s;
}

void http_server_tick(struct http_server *s)
{
	if (s != NULL)
		ratelog_tick(&s->noise, time(NULL));
}

void http_server_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	ratelog_fini(&s->noise);
	free(s);
}
