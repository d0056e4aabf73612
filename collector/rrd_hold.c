/* rrd_hold.c - rows handed to rrdcached, per file, until they are on disk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "hash.h"
#include "rrd_hold.h"

/* The entries in an array (rrd_hold_at walks it) with a hash index over their
 * paths: at 10,000 channels a search from the front cost a quarter of the
 * collector's time. */
struct rrd_hold {
	struct rrd_hold_file **files;   /* pointers, so an entry stays where it is */
	size_t n, cap;
	size_t *index;              /* slot -> files[] position + 1; 0: empty */
	size_t slots;               /* a power of two, at least twice n */
};

struct rrd_hold *rrd_hold_new(void)
{
	return calloc(1, sizeof(struct rrd_hold));
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
	free(h->index);
	free(h);
}

static size_t path_hash(const char *s)
{
	return (size_t)fnv1a(FNV1A_BASIS, s);
}

/* The slot of path: its entry's, or the empty one where it would go. */
static size_t *slot_of(const struct rrd_hold *h, const char *path)
{
	size_t i = path_hash(path) & (h->slots - 1);

	while (h->index[i] != 0 && strcmp(h->files[h->index[i] - 1]->path, path) != 0)
		i = (i + 1) & (h->slots - 1);
	return &h->index[i];
}

static int reindex(struct rrd_hold *h, size_t slots)
{
	size_t *index = calloc(slots, sizeof(*index));

	if (index == NULL)
		return -1;
	free(h->index);
	h->index = index;
	h->slots = slots;
	for (size_t i = 0; i < h->n; i++)
		*slot_of(h, h->files[i]->path) = i + 1;
	return 0;
}

static int make_room(struct rrd_hold *h)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct rrd_hold_file **grown = realloc(h->files, cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		h->files = grown;
		h->cap = cap;
	}
	if ((h->n + 1) * 2 > h->slots)
		return reindex(h, h->slots ? h->slots * 2 : 32);
	return 0;
}

struct rrd_hold_file *rrd_hold_file(struct rrd_hold *h, const char *path)
{
	struct rrd_hold_file *f;
	size_t *slot;

	if (h->slots > 0 && *(slot = slot_of(h, path)) != 0)
		return h->files[*slot - 1];
	if (make_room(h) != 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->path = strdup(path)) == NULL) {
		free(f);
		return NULL;
	}
	h->files[h->n++] = f;
	*slot_of(h, path) = h->n;
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

int rrd_hold_add(struct rrd_hold_file *f, int64_t ms, const char *text, int64_t now_ms)
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
