/* hmap.c - a hash table of pointers to items, found by a key inside them. */
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "hash.h"
#include "hmap.h"

static uint64_t str_hash(const void *key)
{
	return fnv1a(FNV1A_BASIS, key);
}

static bool str_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

const struct hmap_keys hmap_str_keys = { str_hash, str_eq };

void hmap_init(struct hmap *m, const struct hmap_keys *keys, size_t key_off, bool key_ref)
{
	memset(m, 0, sizeof(*m));
	m->keys = keys;
	m->key_off = key_off;
	m->key_ref = key_ref;
}

void hmap_fini(struct hmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->cap = m->n = 0;
}

static const void *key_of(const struct hmap *m, const void *item)
{
	const char *k = (const char *)item + m->key_off;

	return m->key_ref ? *(const void *const *)k : k;
}

/* The slot of key: its item's, or the empty one where it would go. */
static void **slot_of(void **slot, size_t cap, const struct hmap *m, const void *key)
{
	size_t i = (size_t)m->keys->hash(key) & (cap - 1);

	while (slot[i] != NULL && !m->keys->eq(key_of(m, slot[i]), key))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

void *hmap_find(const struct hmap *m, const void *key)
{
	return m->cap == 0 ? NULL : *slot_of(m->slot, m->cap, m, key);
}

static int grow(struct hmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	void **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return GM_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slot[i] != NULL)
			*slot_of(slot, cap, m, key_of(m, m->slot[i])) = m->slot[i];
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return GM_OK;
}

int hmap_add(struct hmap *m, void *item)
{
	if ((m->n + 1) * 2 > m->cap && grow(m) != GM_OK)
		return GM_ENOMEM;
	*slot_of(m->slot, m->cap, m, key_of(m, item)) = item;
	m->n++;
	return GM_OK;
}

void *hmap_next(const struct hmap *m, size_t *i)
{
	while (*i < m->cap) {
		void *it = m->slot[(*i)++];

		if (it != NULL)
			return it;
	}
	return NULL;
}
