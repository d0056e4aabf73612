/* signin_limit.c - wrong sign-ins per address (signin_limit.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signin_limit.h"

struct slot {
	char address[64];
	double since;   /* the window's start */
	int failed;
};

struct signin_limit {
	pthread_mutex_t lock;
	int max;
	struct slot slots[SIGNIN_ADDRESSES];
};

struct signin_limit *signin_limit_new(int max)
{
	struct signin_limit *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	pthread_mutex_init(&l->lock, NULL);
	l->max = max;
	return l;
}

void signin_limit_free(struct signin_limit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* The address's slot with a live window, or NULL; else (make) one taken
 * from an empty or the oldest slot. */
static struct slot *slot_of(struct signin_limit *l, const char *address, double now, bool make)
{
	struct slot *oldest = &l->slots[0];

	for (int i = 0; i < SIGNIN_ADDRESSES; i++) {
		struct slot *s = &l->slots[i];

		if (s->address[0] != '\0' && now - s->since >= SIGNIN_WINDOW_S)
			s->address[0] = '\0';   /* its window is over */
		if (s->address[0] != '\0' && strcmp(s->address, address) == 0)
			return s;
		if (s->address[0] == '\0' || (oldest->address[0] != '\0' && s->since < oldest->since))
			oldest = s;
	}
	if (!make)
		return NULL;
	snprintf(oldest->address, sizeof(oldest->address), "%s", address);
	oldest->since = now;
	oldest->failed = 0;
	return oldest;
}

/* What an address counts as: itself, or an IPv6 address's first four
 * groups (its /64). */
static void key_of(const char *address, char *key, size_t len)
{
	int colons = 0;
	size_t k = 0;

	snprintf(key, len, "%s", address);
	if (strchr(address, ':') == NULL)
		return;
	for (; address[k] != '\0' && k + 1 < len; k++) {
		if (address[k] == ':' && (++colons == 4 || address[k + 1] == ':'))
			break;   /* a "::" shortens what follows: stop there too */
	}
	key[k] = '\0';
	if (k == 0)
		snprintf(key, len, "::");   /* "::1" and the like: one key, never "" (a free slot) */
}

bool signin_limit_take(struct signin_limit *l, const char *address, double now)
{
	char key[64];
	struct slot *s;
	bool ok;

	key_of(address, key, sizeof(key));
	pthread_mutex_lock(&l->lock);
	s = slot_of(l, key, now, true);
	if ((ok = s->failed < l->max))
		s->failed++;
	pthread_mutex_unlock(&l->lock);
	return ok;
}

void signin_limit_gave_back(struct signin_limit *l, const char *address, double now)
{
	char key[64];
	struct slot *s;

	key_of(address, key, sizeof(key));
	pthread_mutex_lock(&l->lock);
	if ((s = slot_of(l, key, now, false)) != NULL && s->failed > 0)
		s->failed--;
	pthread_mutex_unlock(&l->lock);
}
