/* seqmap.c - per-topic message numbers in a hash table, saved to a file. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "log.h"
#include "seqmap.h"
#include "topic.h"

struct entry {
	char *topic;
	uint64_t seq;
};

struct seqmap {
	char path[PATH_MAX];
	struct entry *e;
	size_t cap, n;           /* cap is a power of two, at most half full */
	bool dirty;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct entry *slot(struct entry *e, size_t cap, const char *topic)
{
	size_t i = (size_t)hash(topic) & (cap - 1);

	while (e[i].topic != NULL && strcmp(e[i].topic, topic) != 0)
		i = (i + 1) & (cap - 1);
	return &e[i];
}

static int grow(struct seqmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	struct entry *e = calloc(cap, sizeof(*e));

	if (e == NULL)
		return GM_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->e[i].topic != NULL)
			*slot(e, cap, m->e[i].topic) = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return GM_OK;
}

static struct entry *get(struct seqmap *m, const char *topic)
{
	struct entry *s;

	if ((m->n + 1) * 2 > m->cap && grow(m) != GM_OK)
		return NULL;
	s = slot(m->e, m->cap, topic);
	if (s->topic == NULL) {
		if ((s->topic = strdup(topic)) == NULL)
			return NULL;
		s->seq = 0;
		m->n++;
	}
	return s;
}

static void load(struct seqmap *m)
{
	char line[300], topic[256];
	unsigned long long seq;
	struct entry *s;
	int c, n;
	FILE *f = fopen(m->path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(f)) {
			/* Longer than any line written: skip all of it, or its
			 * tail would be read as a line of its own. */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		/* "<digits> <topic>": %llu alone takes a sign, and stops at
		 * "12abc" */
		n = 0;
		if (isdigit((unsigned char)line[0]) &&
		    sscanf(line, "%llu%n %255s", &seq, &n, topic) == 2 && line[n] == ' ' &&
		    strlen(topic) < TOPIC_MAX && (s = get(m, topic)) != NULL)
			s->seq = seq;
	}
	fclose(f);
}

struct seqmap *seqmap_open(const char *path)
{
	struct seqmap *m = calloc(1, sizeof(*m));

	if (m == NULL || grow(m) != GM_OK) {
		free(m);
		return NULL;
	}
	snprintf(m->path, sizeof(m->path), "%s", path);
	load(m);
	return m;
}

void seqmap_free(struct seqmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].topic);
	free(m->e);
	free(m);
}

uint64_t seqmap_next(struct seqmap *m, const char *topic)
{
	struct entry *s = get(m, topic);

	if (s == NULL)
		return 0;
	m->dirty = true;
	return ++s->seq;
}

int seqmap_save(struct seqmap *m)
{
	struct fileio_new n;
	char err[PATH_MAX + 128];

	if (!m->dirty)
		return GM_OK;
	if (fileio_new_open(&n, m->path, 0644, err, sizeof(err)) != GM_OK)
		goto fail;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->e[i].topic != NULL)
			fprintf(n.f, "%" PRIu64 " %s\n", m->e[i].seq, m->e[i].topic);
	}
	if (fileio_new_commit(&n, true, err, sizeof(err)) != GM_OK)
		goto fail;
	m->dirty = false;
	return GM_OK;
fail:
	log_err("cannot save message numbers: %s", err);
	return GM_EIO;
}
