/* page_cache.c - a few pages kept for a second, by key. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "page_cache.h"
#include "timeutil.h"

struct slot {
	char key[PAGE_CACHE_KEY];
	double version;
	int64_t made_ms;
	char *body;
	size_t len;
	const char *type;
};

struct page_cache {
	pthread_mutex_t lock;
	struct slot s[PAGE_CACHE_SLOTS];
};

struct page_cache *page_cache_new(void)
{
	struct page_cache *c = calloc(1, sizeof(*c));

	if (c != NULL && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

void page_cache_free(struct page_cache *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < PAGE_CACHE_SLOTS; i++)
		free(c->s[i].body);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static struct slot *find(struct page_cache *c, const char *key)
{
	for (int i = 0; i < PAGE_CACHE_SLOTS; i++)
		if (c->s[i].body != NULL && strcmp(c->s[i].key, key) == 0)
			return &c->s[i];
	return NULL;
}

bool page_cache_get(struct page_cache *c, const char *key, double version, char **body,
    size_t *len, const char **type)
{
	struct slot *s;
	bool hit = false;

	pthread_mutex_lock(&c->lock);
	s = find(c, key);
	if (s != NULL && s->version == version && mono_ms() - s->made_ms < PAGE_CACHE_MS &&
	    (*body = malloc(s->len + 1)) != NULL) {
		memcpy(*body, s->body, s->len);
		*len = s->len;
		*type = s->type;
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void page_cache_put(struct page_cache *c, const char *key, double version, const char *body,
    size_t len, const char *type)
{
	char *copy = malloc(len + 1);
	struct slot *s;

	if (copy == NULL || strlen(key) >= PAGE_CACHE_KEY) {
		free(copy);
		return;
	}
	memcpy(copy, body, len);
	pthread_mutex_lock(&c->lock);
	if ((s = find(c, key)) == NULL) {
		s = &c->s[0];   /* else the oldest */
		for (int i = 1; i < PAGE_CACHE_SLOTS; i++)
			if (c->s[i].made_ms < s->made_ms)
				s = &c->s[i];
	}
	free(s->body);
	strcpy(s->key, key);
	s->version = version;
	s->made_ms = mono_ms();
	s->body = copy;
	s->len = len;
	s->type = type;
	pthread_mutex_unlock(&c->lock);
}
