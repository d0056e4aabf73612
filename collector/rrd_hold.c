/* rrd_hold.c - rows handed to rrdcached, per file, until they are on disk. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "hmap.h"
#include "rrd_hold.h"

/* The entries in an array (rrd_hold_at walks it, in the order they came)
 * and in a hash table by path: at 10,000 channels a search from the front
 * cost a quarter of the collector's time. */
struct rrd_hold {
	struct rrd_hold_file **files;   /* pointers, so an entry stays where it is */
	size_t n, cap;
	struct hmap by_path;
};

struct rrd_hold *rrd_hold_new(void)
{
	struct rrd_hold *h = calloc(1, sizeof(*h));

	if (h != NULL)
		hmap_init(&h->by_path, &hmap_str_keys, offsetof(struct rrd_hold_file, path), true);
	return h;
}

void rrd_hold_free(struct rrd_hold *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->files[i]->path);
		free(h->files[i]->rows);
		free(h->files[i]);
	}
	free(h->files);
	hmap_fini(&h->by_path);
	free(h);
}

static int make_room(struct rrd_hold *h)
{
	size_t cap = h->cap ? h->cap * 2 : 16;
	struct rrd_hold_file **grown;

	if (h->n < h->cap)
		return GM_OK;
	if ((grown = realloc(h->files, cap * sizeof(*grown))) == NULL)
		return GM_ENOMEM;
	h->files = grown;
	h->cap = cap;
	return GM_OK;
}

struct rrd_hold_file *rrd_hold_file(struct rrd_hold *h, const char *path)
{
	struct rrd_hold_file *f = hmap_find(&h->by_path, path);

	if (f != NULL)
		return f;
	if (make_room(h) != GM_OK || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->path = strdup(path)) == NULL || hmap_add(&h->by_path, f) != GM_OK) {
		free(f->path);
		free(f);
		return NULL;
	}
	h->files[h->n++] = f;
	return f;
}

size_t rrd_hold_count(const struct rrd_hold *h)
{
	return h->n;
}

struct rrd_hold_file *rrd_hold_at(struct rrd_hold *h, size_t i)
{
	return i < h->n ? h->files[i] : NULL;
}

int rrd_hold_add(struct rrd_hold_file *f, const struct held_row *row, int64_t now_ms)
{
	if (f->n > 0 && row->ms <= f->rows[f->n - 1].ms)
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
	f->rows[f->n++] = *row;
	return GM_OK;
}

void rrd_hold_drop_upto(struct rrd_hold_file *f, int64_t ms)
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

size_t rrd_hold_rows(const struct rrd_hold *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++)
		n += h->files[i]->n;
	return n;
}
