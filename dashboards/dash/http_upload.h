/*
 * http_upload.h - a POSTed multipart/form-data body (a form with a file),
 * taken apart by libmicrohttpd's post processor as it arrives. The text
 * fields come out as one urlencoded string, so form.h reads them as it
 * reads any form; the file (one per form) is kept in memory up to a limit.
 * Refused: a body that is not multipart with a boundary (400), a second
 * file (400), a file over the limit or fields over HTTP_FORM_MAX (413).
 */
#ifndef GM_HTTP_UPLOAD_H
#define GM_HTTP_UPLOAD_H

#include <stddef.h>

struct MHD_Connection;
struct http_upload;

#define UPLOAD_NAME_MAX 200   /* bytes of the file's name as sent */

/* For the request on c, whose Content-Type is multipart/form-data: NULL
 * when it has no boundary libmicrohttpd can read, or out of memory. */
struct http_upload *http_upload_new(struct MHD_Connection *c, size_t file_max);
/* The next piece of the body: 0, or the status that refuses the form
 * (with *why); after a refusal every piece is ignored. */
int http_upload_feed(struct http_upload *u, const char *data, size_t len, const char **why);
/* What was sent: fields urlencoded and NUL-terminated ("" when none);
 * the file, NULL when none (its name "" when the browser gave none). */
const char *http_upload_fields(const struct http_upload *u, size_t *len);
const unsigned char *http_upload_file(const struct http_upload *u, size_t *len,
    const char **name);
void http_upload_free(struct http_upload *u);   /* NULL-safe */

#endif
