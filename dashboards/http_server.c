/* http_server.c - libmicrohttpd underneath the dashboard's pages. */
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "err.h"
#include "http_server.h"
#include "log.h"

struct http_server {
	struct MHD_Daemon *d;
	http_handler h;
	void *app;
};

/* Markers the URI log callback leaves for the request. */
static char uri_ok, uri_long;

const char *http_arg(const struct http_req *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

void http_fail(struct http_reply *rp, int status, const char *msg)
{
	rp->status = status;
	rp->type = "text/plain; charset=utf-8";
	if (rp->out != NULL)
		fprintf(rp->out, "%d %s\n", status, msg);
}

bool http_name_ok(const char *s, size_t n)
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

int http_split(const char *path, char *buf, size_t len, const char **seg, int max)
{
	size_t plen = strlen(path);
	int n = 0;

	if (path[0] != '/' || plen >= len)
		return -1;
	memcpy(buf, path + 1, plen);   /* the NUL too */
	for (char *p = buf; *p != '\0';) {
		size_t k = strcspn(p, "/");
		bool last = p[k] == '\0' || p[k + 1] == '\0';

		if (!http_name_ok(p, k) || n == max)
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

static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	return strlen(uri) > HTTP_URI_MAX ? &uri_long : &uri_ok;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warn("http: %s", msg);
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
	MHD_add_response_header(r, "Cache-Control", rp->cacheable ? "max-age=60" : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; font-src 'self'; "
	    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	if (rp->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	if (rp->disposition != NULL)
		MHD_add_response_header(r, "Content-Disposition", rp->disposition);
	ok = MHD_queue_response(c, (unsigned)rp->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Refusals of the request itself, before any handler: 0 when none. */
static int refusal(void **req_cls, const char *method, const char *url, char *buf,
    size_t len, struct http_req *rq)
{
	if (*req_cls == &uri_long)
		return MHD_HTTP_URI_TOO_LONG;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return MHD_HTTP_METHOD_NOT_ALLOWED;
	if ((rq->nseg = http_split(url, buf, len, rq->seg, HTTP_SEG_MAX)) < 0)
		return MHD_HTTP_BAD_REQUEST;
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_len,
    void **req_cls)
{
	struct http_server *s = cls;
	struct http_reply rp = { .status = 200, .type = "text/html; charset=utf-8" };
	struct http_req rq = { .path = url, .conn = c };
	char segbuf[HTTP_URI_MAX + 2], *body = NULL;
	size_t len = 0;
	int refused;

	(void)version;
	(void)upload;
	*upload_len = 0;   /* a body is never read: nothing here takes one */
	if ((rp.out = open_memstream(&body, &len)) == NULL)
		return MHD_NO;
	refused = refusal(req_cls, method, url, segbuf, sizeof(segbuf), &rq);
	if (refused == MHD_HTTP_URI_TOO_LONG)
		http_fail(&rp, refused, "request too long");
	else if (refused == MHD_HTTP_METHOD_NOT_ALLOWED)
		http_fail(&rp, refused, "only GET and HEAD: the dashboard only reads");
	else if (refused != 0)
		http_fail(&rp, refused, "bad path");
	else
		s->h(s->app, &rq, &rp);
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

struct http_server *http_start(const char *host, int port, int threads, http_handler h,
    void *app, char *err, size_t errlen)
{
	struct sockaddr_storage sa = { 0 };
	struct http_server *s;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;

	if (resolve(host, port, &sa, err, errlen) != GM_OK)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	s->h = h;
	s->app = app;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,   /* first, or it misses some */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 1 ? threads : 1),
	    MHD_OPTION_CONNECTION_LIMIT, 512u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		gm_errf(err, errlen, GM_EIO, "cannot listen on %s:%d (in use, or not an address "
		    "of this machine)", host, port);
		free(s);
		return NULL;
	}
	return s;
}

void http_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
