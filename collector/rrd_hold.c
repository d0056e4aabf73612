/* rrd_hold.c - rows handed to rrdcached, per file, until they are on disk. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rrd_hold.h"

/* A plain array searched from the front: an office has hundreds of
 * channels, and a search costs far less than the update it precedes. */
struct hold {
	struct hold_file **files;   /* pointers, so an entry stays where it is */
	size_t n, cap;
};

struct hold *hold_new(void)
{
	return calloc(1, sizeof(struct hold));
}

void hold_free(struct hold *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->files[i]->path);
		free(h->files[i]->rows);
		free(h->files[i]);
	}
	free(h->files);
	free(h);
}

struct hold_file *hold_file(struct hold *h, const char *path)
{
	struct hold_file *f;

	for (size_t i = 0; i < h->n; i++) {
		if (strcmp(h->files[i]->path, path) == 0)
			return h->files[i];
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct hold_file **grown = realloc(h->files, cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		h->files = grown;
		h->cap = cap;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->path = strdup(path)) == NULL) {
		free(f);
		return NULL;
	}
	h->files[h->n++] = f;
	return f;
}

size_t hold_count(const struct hold *h)
{
	return h->n;
}

struct hold_file *hold_at(struct hold *h, size_t i)
{
	return i < h->n ? h->files[i] : NULL;
}

int hold_add(struct hold_file *f, int64_t ms, const char *text, int64_t now_ms)
{
	size_t len = strlen(text);

	if (len >= HOLD_TEXT || (f->n > 0 && ms <= f->rows[f->n - 1].ms))
		return GM_EINVAL;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct held_row *grown = realloc(f->rows, cap * sizeof(*grown));

		if (grown == NULL)
			return GM_ENOMEM;
		f->rows = grown;
		f->cap = cap;
	}
	if (f->n == 0)
		f->since_ms = now_ms;
	f->rows[f->n].ms = ms;
	memcpy(f->rows[f->n].text, text, len + 1);
	f->n++;
	return GM_OK;
}

void hold_drop_upto(struct hold_file *f, int64_t ms)
{
	size_t k = 0;

	if (f->n == 0)
		return;
	while (k < f->n && f->rows[k].ms <= ms)
		k++;
	memmove(f->rows, f->rows + k, (f->n - k) * sizeof(*f->rows));
	f->n -= k;
	/* what is left was handed over later, but when is not kept per row: the
	 * older time only makes the next flush come sooner */
	if (f->n == 0) {
		free(f->rows);
		f->rows = NULL;
		f->cap = 0;
	}
}

size_t hold_rows(const struct hold *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++)
		n += h->files[i]->n;
	return n;
}
