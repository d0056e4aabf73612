/* registry.c - channel states in an open-addressing hash table. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registry.h"

struct registry {
	pthread_mutex_t lock;
	size_t cap, n;           /* cap is a power of two */
	struct chan_state **slot;
};

static uint64_t hash_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;   /* FNV-1a */
	return (h ^ '/') * 1099511628211ULL;
}

static uint64_t chan_hash(const struct chan_id *id)
{
	return hash_str(hash_str(hash_str(14695981039346656037ULL, id->site), id->meter),
	    id->channel);
}

static bool chan_eq(const struct chan_id *a, const struct chan_id *b)
{
	return strcmp(a->channel, b->channel) == 0 && strcmp(a->meter, b->meter) == 0 &&
	    strcmp(a->site, b->site) == 0;
}

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
	size_t i = (size_t)chan_hash(id) & (cap - 1);

	while (slot[i] != NULL && !chan_eq(&slot[i]->id, id))
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
			*find_slot(slot, cap, &r->slot[i]->id) = r->slot[i];
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
		cs->stored += n;
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
	cs->id = *id;
	*s = cs;
	r->n++;
	return cs;
}

static void aside_locked(struct chan_state *cs, const char *why, double now)
{
	cs->aside = true;
	snprintf(cs->problem, sizeof(cs->problem), "set aside: %s", why);
	cs->problem_at = now;
}

void registry_add_quarantined(struct registry *r, const struct chan_id *id, uint64_t n,
    const char *why, double now)
{
	struct chan_state *cs;

	pthread_mutex_lock(&r->lock);
	if ((cs = get_locked(r, id)) != NULL) {
		cs->quarantined += n;
		if (why != NULL)
			aside_locked(cs, why, now);
	}
	pthread_mutex_unlock(&r->lock);
}

bool registry_aside(struct registry *r, const struct chan_state *cs)
{
	bool aside;

	pthread_mutex_lock(&r->lock);
	aside = cs->aside;
	pthread_mutex_unlock(&r->lock);
	return aside;
}

void registry_set_aside(struct registry *r, struct chan_state *cs, bool aside,
    const char *why, double now)
{
	pthread_mutex_lock(&r->lock);
	if (aside && !cs->aside)
		aside_locked(cs, why, now);
	else if (!aside && cs->aside) {
		cs->aside = false;
		cs->problem[0] = '\0';
	}
	pthread_mutex_unlock(&r->lock);
}

void registry_clear_aside(struct registry *r, struct chan_state *cs)
{
	pthread_mutex_lock(&r->lock);
	cs->aside = false;
	cs->fault = false;
	cs->problem[0] = '\0';
	pthread_mutex_unlock(&r->lock);
}

void registry_note_problem(struct registry *r, struct chan_state *cs, const char *text,
    double now, double hold_s)
{
	pthread_mutex_lock(&r->lock);
	snprintf(cs->problem, sizeof(cs->problem), "%s", text);
	cs->problem_at = now;
	cs->fault_until = now + hold_s;
	cs->fault = true;
	pthread_mutex_unlock(&r->lock);
}

uint64_t registry_quarantined(struct registry *r, const struct chan_state *cs)
{
	uint64_t n;

	pthread_mutex_lock(&r->lock);
	n = cs->quarantined;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void registry_problem(struct registry *r, const struct chan_state *cs, char *buf, size_t len)
{
	pthread_mutex_lock(&r->lock);
	snprintf(buf, len, "%s", cs->problem);
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

enum chan_status chan_status(const struct chan_state *c, double now)
{
	double every = c->interval > 0 ? c->interval : 60;

	if (c->kind == KIND_DELTA && every < DELTA_INTERVAL)
		every = DELTA_INTERVAL;

	if (c->aside || c->fault || now < c->fault_until)
		return STATUS_FAULT;
	if (!c->have_last || now - c->last_t > STALE_INTERVALS * every)
		return STATUS_STALE;
	return STATUS_OK;
}

const char *chan_status_name(enum chan_status s)
{
	switch (s) {
	case STATUS_OK: return "ok";
	case STATUS_STALE: return "stale";
	case STATUS_FAULT: return "fault";
	}
	return "?";
}

/* The problem text as one token: spaces become '_' so a line stays
 * "key=value" pairs. */
static void put_problem(FILE *out, const char *p)
{
	fputs(" problem=", out);
	if (*p == '\0')
		fputc('-', out);
	for (; *p; p++)
		fputc(*p == ' ' || *p == '\n' || *p == '\t' ? '_' : *p, out);
}

void registry_dump(struct registry *r, FILE *out, double now)
{
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->cap; i++) {
		const struct chan_state *c = r->slot[i];
		if (c == NULL)
			continue;
		fprintf(out, "%s/%s/%s last_t=%.3f last=%.17g %s received=%llu stored=%llu "
		    "duplicates=%llu lost=%llu resets=%llu wraps=%llu late=%llu replaced=%llu "
		    "rejected=%llu kind=%s interval=%.3f last_seen=%.3f status=%s",
		    c->id.site, c->id.meter, c->id.channel, c->last_t, c->last_v,
		    c->unit[0] ? c->unit : "-",
		    (unsigned long long)c->received, (unsigned long long)c->stored,
		    (unsigned long long)c->duplicates, (unsigned long long)c->lost,
		    (unsigned long long)c->resets, (unsigned long long)c->wraps,
		    (unsigned long long)c->late, (unsigned long long)c->replaced,
		    (unsigned long long)c->rejected, c->unit[0] ? kind_name(c->kind) : "-",
		    c->interval, c->last_seen, chan_status_name(chan_status(c, now)));
		put_problem(out, c->problem);
		fprintf(out, " seq=%llu", c->have_seq ? (unsigned long long)c->last_seq : 0ULL);
		fprintf(out, " quarantined=%llu requeued=%llu aside=%d",
		    (unsigned long long)c->quarantined, (unsigned long long)c->requeued,
		    c->aside ? 1 : 0);
		fputc('\n', out);
	}
	pthread_mutex_unlock(&r->lock);
}

/* One "key=value" of a status line into the channel state. */
static void take_field(struct chan_state *c, const char *key, size_t klen, const char *val)
{
	static const struct { const char *name; size_t off; } counts[] = {
		{ "received", offsetof(struct chan_state, received) },
		{ "stored", offsetof(struct chan_state, stored) },
		{ "duplicates", offsetof(struct chan_state, duplicates) },
		{ "lost", offsetof(struct chan_state, lost) },
		{ "resets", offsetof(struct chan_state, resets) },
		{ "wraps", offsetof(struct chan_state, wraps) },
		{ "late", offsetof(struct chan_state, late) },
		{ "replaced", offsetof(struct chan_state, replaced) },
		{ "rejected", offsetof(struct chan_state, rejected) },
		{ "quarantined", offsetof(struct chan_state, quarantined) },
		{ "requeued", offsetof(struct chan_state, requeued) },
	};
#define KEY(k) (klen == sizeof(k) - 1 && strncmp(key, k, klen) == 0)
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (strlen(counts[i].name) == klen && strncmp(key, counts[i].name, klen) == 0) {
			*(uint64_t *)((char *)c + counts[i].off) = strtoull(val, NULL, 10);
			return;
		}
	}
	if (KEY("last_t"))
		c->last_t = strtod(val, NULL);
	else if (KEY("last"))
		c->last_v = strtod(val, NULL);
	else if (KEY("interval"))
		c->interval = strtod(val, NULL);
	else if (KEY("last_seen"))
		c->last_seen = strtod(val, NULL);
	else if (KEY("status"))
		c->fault = strncmp(val, "fault", 5) == 0 && (val[5] == ' ' || val[5] == '\0');
	else if (KEY("kind")) {
		char k[16];
		snprintf(k, sizeof(k), "%.*s", (int)strcspn(val, " "), val);
		kind_parse(k, &c->kind);
	}
	else if (KEY("problem") && strncmp(val, "- ", 2) != 0 && strcmp(val, "-") != 0)
		snprintf(c->problem, sizeof(c->problem), "%.*s", (int)strcspn(val, " "), val);
	else if (KEY("aside"))
		c->aside = val[0] == '1' && (val[1] == ' ' || val[1] == '\0');
	else if (KEY("seq")) {
		c->last_seq = strtoull(val, NULL, 10);
		c->have_seq = true;
	}
#undef KEY
}

int registry_parse_line(const char *line, struct chan_state *c)
{
	char site[ID_MAX + 2], meter[ID_MAX + 2], channel[ID_MAX + 2], err[128];
	const char *p;

	memset(c, 0, sizeof(*c));
	if (sscanf(line, "%65[^/]/%65[^/]/%65[^ ] ", site, meter, channel) != 3 ||
	    chan_id_set(&c->id, site, meter, channel, err, sizeof(err)) != 0)
		return -1;
	for (p = strchr(line, ' '); p != NULL; p = strchr(p + 1, ' ')) {
		const char *eq = strchr(p + 1, '='), *sp = strchr(p + 1, ' ');

		if (eq == NULL || (sp != NULL && eq > sp)) {
			/* the unit, the only bare word */
			size_t n = sp ? (size_t)(sp - p - 1) : strlen(p + 1);
			if (n > 0 && n <= UNIT_MAX && c->unit[0] == '\0') {
				memcpy(c->unit, p + 1, n);
				c->unit[n] = '\0';
			}
			continue;
		}
		take_field(c, p + 1, (size_t)(eq - p - 1), eq + 1);
	}
	if (strcmp(c->unit, "-") == 0)
		c->unit[0] = '\0';
	if (c->unit[0] == '\0')
		c->kind = KIND_COUNTER;   /* as registry_dump() knows it: no unit, no kind */
	c->have_last = c->last_t > 0;   /* the last_t taken, should there be two */
	if (c->aside)
		c->fault = true;   /* as chan_status() and so the dump see it */
	return 0;
}

/* Each line of a status file in turn, whole and without its newline: lines
 * grow (fields are only ever added at the end), so no fixed buffer cuts one
 * in two and takes its tail for a channel. A line with a NUL byte in it (a
 * block a crash left zeroed) is no status line, rather than one read cut
 * short. fn returns GM_OK to go on. */
static int each_line(FILE *in, int (*fn)(const char *line, void *user), void *user)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = GM_OK;

	while (rc == GM_OK && (n = getline(&line, &cap, in)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (memchr(line, '\0', (size_t)n) == NULL)
			rc = fn(line, user);
	}
	free(line);
	return rc;
}

struct read_list {
	struct chan_state *v;
	size_t n, cap;
};

static int read_one(const char *line, void *user)
{
	struct read_list *l = user;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct chan_state *nv = realloc(l->v, cap * sizeof(*nv));

		if (nv == NULL)
			return GM_ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	if (registry_parse_line(line, &l->v[l->n]) == 0)
		l->n++;
	return GM_OK;
}

int registry_read(FILE *in, struct chan_state **ret, size_t *ret_n)
{
	struct read_list l = { 0 };
	int rc = each_line(in, read_one, &l);

	if (rc != GM_OK) {
		free(l.v);
		return rc;
	}
	*ret = l.v;
	*ret_n = l.n;
	return GM_OK;
}

struct load_state {
	struct registry *r;
	int n;
};

static int load_one(const char *line, void *user)
{
	struct load_state *ls = user;
	struct chan_state tmp, *cs;

	if (registry_parse_line(line, &tmp) != 0 || (cs = registry_get(ls->r, &tmp.id)) == NULL)
		return GM_OK;
	/* counters and what was seen carry on; what the store holds is
	 * read from the store. Not seq: the file is up to 5 s old after a
	 * crash, and the messages since would count as lost */
	tmp.have_seq = false;
	tmp.loaded = false;
	tmp.have_last = false;
	tmp.last_t = 0;
	tmp.last_v = 0;
	*cs = tmp;
	ls->n++;
	return GM_OK;
}

int registry_load(struct registry *r, FILE *in)
{
	struct load_state ls = { .r = r };

	each_line(in, load_one, &ls);
	return ls.n;
}
