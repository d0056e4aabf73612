/* registry.c - channel states in an open-addressing hash table. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "registry.h"

struct registry {
	pthread_mutex_t lock;
	size_t cap, n;           /* cap is a power of two */
	struct chan_state **slot;
};

struct registry *registry_new(void)
{
	struct registry *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->cap = 1024;
	if ((r->slot = calloc(r->cap, sizeof(*r->slot))) == NULL) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->cap; i++)
		free(r->slot[i]);
	free(r->slot);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static struct chan_state **find_slot(struct chan_state **slot, size_t cap,
    const struct chan_id *id)
{
	size_t i = (size_t)chan_id_hash(id) & (cap - 1);

	while (slot[i] != NULL && !chan_id_eq(&slot[i]->r.id, id))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static int grow(struct registry *r)
{
	size_t cap = r->cap * 2;
	struct chan_state **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (size_t i = 0; i < r->cap; i++) {
		if (r->slot[i] != NULL)
			*find_slot(slot, cap, &r->slot[i]->r.id) = r->slot[i];
	}
	free(r->slot);
	r->slot = slot;
	r->cap = cap;
	return 0;
}

static struct chan_state *get_locked(struct registry *r, const struct chan_id *id);

struct chan_state *registry_get(struct registry *r, const struct chan_id *id)
{
	struct chan_state *cs;

	pthread_mutex_lock(&r->lock);
	cs = get_locked(r, id);
	pthread_mutex_unlock(&r->lock);
	return cs;
}

struct chan_state *registry_find(struct registry *r, const struct chan_id *id)
{
	struct chan_state *cs;

	pthread_mutex_lock(&r->lock);
	cs = *find_slot(r->slot, r->cap, id);
	pthread_mutex_unlock(&r->lock);
	return cs;
}

void registry_add_stored(struct registry *r, const struct chan_id *id, uint64_t n)
{
	struct chan_state *cs;

	pthread_mutex_lock(&r->lock);
	if ((cs = *find_slot(r->slot, r->cap, id)) != NULL)
		cs->r.stored += n;
	pthread_mutex_unlock(&r->lock);
}

/* Under the lock: the channel, added if new (NULL only when out of memory). */
static struct chan_state *get_locked(struct registry *r, const struct chan_id *id)
{
	struct chan_state **s = find_slot(r->slot, r->cap, id), *cs;

	if (*s != NULL)
		return *s;
	/* Keep the table at most half full so probes stay short. */
	if ((r->n + 1) * 2 > r->cap) {
		if (grow(r) != 0)
			return NULL;
		s = find_slot(r->slot, r->cap, id);
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	cs->r.id = *id;
	*s = cs;
	r->n++;
	return cs;
}

static void aside_locked(struct chan_state *cs, const char *why, double now)
{
	cs->r.aside = true;
	snprintf(cs->r.problem, sizeof(cs->r.problem), "set aside: %s", why);
	cs->problem_at = now;
}

void registry_add_quarantined(struct registry *r, const struct chan_id *id, uint64_t n,
    const char *why, double now)
{
	struct chan_state *cs;

	pthread_mutex_lock(&r->lock);
	if ((cs = get_locked(r, id)) != NULL) {
		cs->r.quarantined += n;
		if (why != NULL)
			aside_locked(cs, why, now);
	}
	pthread_mutex_unlock(&r->lock);
}

bool registry_aside(struct registry *r, const struct chan_state *cs)
{
	bool aside;

	pthread_mutex_lock(&r->lock);
	aside = cs->r.aside;
	pthread_mutex_unlock(&r->lock);
	return aside;
}

void registry_set_aside(struct registry *r, struct chan_state *cs, bool aside,
    const char *why, double now)
{
	pthread_mutex_lock(&r->lock);
	if (aside && !cs->r.aside)
		aside_locked(cs, why, now);
	else if (!aside && cs->r.aside) {
		cs->r.aside = false;
		cs->r.problem[0] = '\0';
	}
	pthread_mutex_unlock(&r->lock);
}

void registry_clear_aside(struct registry *r, struct chan_state *cs)
{
	pthread_mutex_lock(&r->lock);
	cs->r.aside = false;
	cs->r.fault = false;
	cs->r.problem[0] = '\0';
	pthread_mutex_unlock(&r->lock);
}

void registry_note_problem(struct registry *r, struct chan_state *cs, const char *text,
    double now, double hold_s)
{
	pthread_mutex_lock(&r->lock);
	snprintf(cs->r.problem, sizeof(cs->r.problem), "%s", text);
	cs->problem_at = now;
	cs->r.fault_until = now + hold_s;
	cs->r.fault = true;
	pthread_mutex_unlock(&r->lock);
}

uint64_t registry_quarantined(struct registry *r, const struct chan_state *cs)
{
	uint64_t n;

	pthread_mutex_lock(&r->lock);
	n = cs->r.quarantined;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void registry_problem(struct registry *r, const struct chan_state *cs, char *buf, size_t len)
{
	pthread_mutex_lock(&r->lock);
	snprintf(buf, len, "%s", cs->r.problem);
	pthread_mutex_unlock(&r->lock);
}

size_t registry_count(struct registry *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void registry_dump(struct registry *r, FILE *out, double now)
{
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->cap; i++) {
		if (r->slot[i] != NULL)
			status_put(out, &r->slot[i]->r, now);
	}
	pthread_mutex_unlock(&r->lock);
}

struct load_state {
	struct registry *r;
	int n;
};

static int load_one(const char *line, void *user)
{
	struct load_state *ls = user;
	struct chan_record rec;
	struct chan_state *cs;

	if (status_parse_line(line, &rec) != 0 || (cs = registry_get(ls->r, &rec.id)) == NULL)
		return GM_OK;
	/* counters and what was seen carry on; what the store holds is
	 * read from the store. Not seq: the file is up to 5 s old after a
	 * crash, and the messages since would count as lost */
	rec.have_seq = false;
	rec.have_last = false;
	rec.last_t = 0;
	rec.last_v = 0;
	memset(cs, 0, sizeof(*cs));
	cs->r = rec;
	ls->n++;
	return GM_OK;
}

int registry_load(struct registry *r, FILE *in)
{
	struct load_state ls = { .r = r };

	status_each_line(in, load_one, &ls);
	return ls.n;
}
