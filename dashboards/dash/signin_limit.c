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

bool signin_limit_allows(struct signin_limit *l, const char *address, double now)
{
	struct slot *s;
	bool ok;

	pthread_mutex_lock(&l->lock);
	s = slot_of(l, address, now, false);
	ok = s == NULL || s->failed < l->max;
	pthread_mutex_unlock(&l->lock);
	return ok;
}

void signin_limit_failed(struct signin_limit *l, const char *address, double now)
{
	pthread_mutex_lock(&l->lock);
	slot_of(l, address, now, true)->failed++;
	pthread_mutex_unlock(&l->lock);
}
