/*
 * page_cache.h - the last rendering of the pages every viewer shares (the
 * overview, /metrics, /api/meters), kept for PAGE_CACHE_MS: a room of
 * facilities staff and a Prometheus scraping every few seconds then cost
 * one rendering a second per page and language, not one each. The ages on
 * such a page are at most that much older than the moment it is fetched.
 * A rendering made from an older snapshot than the current one is never
 * served.
 */
#ifndef GM_PAGE_CACHE_H
#define GM_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#define PAGE_CACHE_MS 1000
#define PAGE_CACHE_SLOTS 8
#define PAGE_CACHE_KEY 64

struct page_cache;

struct page_cache *page_cache_new(void);      /* NULL when out of memory */
void page_cache_free(struct page_cache *c);   /* NULL-safe */

/* A copy of the page under key made from the snapshot of this version (its
 * time) less than PAGE_CACHE_MS ago: true with *body (malloc'd), *len and
 * *type set. */
bool page_cache_get(struct page_cache *c, const char *key, double version, char **body,
    size_t *len, const char **type);
/* Keep a copy of body (type must be a static string). */
void page_cache_put(struct page_cache *c, const char *key, double version, const char *body,
    size_t len, const char *type);

#endif
