/*
 * hmap.h - items found by their key: the one hash table of greenmeter,
 * behind the collector's channels (registry.c) and write queue
 * (store_queue.c), the rows rrdcached holds (rrd_hold.c), the agent's
 * message numbers (seqmap.c) and the sections and keys a config file has
 * already given (confparse.c).
 *
 * The table holds pointers to the caller's items, so an item never moves and
 * the caller frees it. The key is a member of the item at key_off: the key
 * itself (a struct chan_id), or with key_ref a pointer to it (a char *).
 * Open addressing with linear probes, kept at most half full; nothing is
 * ever removed. Not thread-safe: the caller locks.
 */
#ifndef GM_HMAP_H
#define GM_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_keys {
	uint64_t (*hash)(const void *key);
	bool (*eq)(const void *a, const void *b);
};

/* NUL-terminated strings (FNV-1a, strcmp). */
extern const struct hmap_keys hmap_str_keys;

struct hmap {
	const struct hmap_keys *keys;
	size_t key_off;
	bool key_ref;
	void **slot;
	size_t cap, n;      /* cap: 0, or a power of two at least twice n */
};

void hmap_init(struct hmap *m, const struct hmap_keys *keys, size_t key_off, bool key_ref);
/* The table, not the items. */
void hmap_fini(struct hmap *m);
/* The item with key, or NULL. */
void *hmap_find(const struct hmap *m, const void *key);
/* Adds an item whose key is not in the table: GM_OK or GM_ENOMEM. */
int hmap_add(struct hmap *m, void *item);
/* Every item, in no order: for (size_t i = 0; (it = hmap_next(m, &i)); ). */
void *hmap_next(const struct hmap *m, size_t *i);

#endif
