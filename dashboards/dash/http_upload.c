/* http_upload.c - a multipart form with one file (http_upload.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "http_server.h"
#include "http_upload.h"

struct buf {
	char *p;
	size_t len, cap;
};

struct http_upload {
	struct MHD_PostProcessor *pp;
	size_t file_max;
	struct buf fields, file;
	char name[UPLOAD_NAME_MAX + 1];
	char file_key[64];    /* the file's field, so its later pieces are known */
	bool has_file;
	int refused;
	const char *why;
};

/* Append n bytes, keeping a NUL after them; false when over max or out
 * of memory. */
static bool put(struct buf *b, const void *s, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

/* Percent-encode everything but the unreserved characters: form.h
 * decodes it back to the very bytes sent, whatever they were. */
static bool put_encoded(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';

		if (!put(b, plain ? (const char *)&ch : e, plain ? 1 : 3, HTTP_FORM_MAX))
			return false;
	}
	return true;
}

static enum MHD_Result refuse(struct http_upload *u, int status, const char *why)
{
	if (u->refused == 0) {
		u->refused = status;
		u->why = why;
	}
	return MHD_NO;
}

static enum MHD_Result take_file(struct http_upload *u, const char *key, const char *filename,
    const char *data, uint64_t off, size_t size)
{
	bool same = u->has_file && strcmp(key, u->file_key) == 0;

	/* a part starts at offset 0: another part, whatever its name, is a
	 * second file (one part's first piece may come empty) */
	if (u->has_file && (!same || (off == 0 && u->file.len > 0)))
		return refuse(u, MHD_HTTP_BAD_REQUEST, "one file to a form");
	if (!u->has_file && strlen(key) >= sizeof(u->file_key))
		return refuse(u, MHD_HTTP_BAD_REQUEST, "a file part with a name too long");
	if (!u->has_file) {
		u->has_file = true;
		strncat(u->file_key, key, sizeof(u->file_key) - 1);
		strncat(u->name, filename, sizeof(u->name) - 1);
	}
	if (size > 0 && !put(&u->file, data, size, u->file_max))
		return refuse(u, MHD_HTTP_CONTENT_TOO_LARGE, "ไฟล์มีขนาดใหญ่เกินกำหนด จึงไม่ได้แนบ / "
		    "a file over the size allowed: not attached");
	return MHD_YES;
}

static enum MHD_Result field_seen(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type, const char *transfer_encoding,
    const char *data, uint64_t off, size_t size)
{
	struct http_upload *u = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (key == NULL)
		return refuse(u, MHD_HTTP_BAD_REQUEST, "a part without a name");
	if (filename != NULL)
		return take_file(u, key, filename, data, off, size);
	if (off == 0 && ((u->fields.len > 0 && !put(&u->fields, "&", 1, HTTP_FORM_MAX)) ||
	    !put_encoded(&u->fields, key, strlen(key)) || !put(&u->fields, "=", 1, HTTP_FORM_MAX)))
		return refuse(u, MHD_HTTP_CONTENT_TOO_LARGE, "a form of more than 64 KiB");
	if (!put_encoded(&u->fields, data, size))
		return refuse(u, MHD_HTTP_CONTENT_TOO_LARGE, "a form of more than 64 KiB");
	return MHD_YES;
}

struct http_upload *http_upload_new(struct MHD_Connection *c, size_t file_max)
{
	struct http_upload *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return NULL;
	u->file_max = file_max;
	if ((u->pp = MHD_create_post_processor(c, 16 * 1024, field_seen, u)) == NULL) {
		free(u);
		return NULL;
	}
	return u;
}

int http_upload_feed(struct http_upload *u, const char *data, size_t len, const char **why)
{
	if (u->refused == 0 && MHD_post_process(u->pp, data, len) != MHD_YES && u->refused == 0)
		refuse(u, MHD_HTTP_BAD_REQUEST, "a multipart form that cannot be read");
	*why = u->why;
	return u->refused;
}

const char *http_upload_fields(const struct http_upload *u, size_t *len)
{
	*len = u->fields.len;
	return u->fields.p != NULL ? u->fields.p : "";
}

const unsigned char *http_upload_file(const struct http_upload *u, size_t *len,
    const char **name)
{
	*len = u->file.len;
	*name = u->name;
	if (!u->has_file)
		return NULL;
	return u->file.p != NULL ? (const unsigned char *)u->file.p : (const unsigned char *)"";
}

void http_upload_free(struct http_upload *u)
{
	if (u == NULL)
		return;
	MHD_destroy_post_processor(u->pp);
	free(u->fields.p);
	free(u->file.p);
	free(u);
}
