/* seqmap.c - per-topic message numbers in a hash table, saved to a file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "hmap.h"
#include "log.h"
#include "payload.h"
#include "seqmap.h"
#include "topic.h"

struct entry {
	uint64_t seq;
	char topic[];
};

struct seqmap {
	char path[PATH_MAX];
	struct hmap topics;      /* struct entry, by topic */
	bool dirty;
};

static struct entry *get(struct seqmap *m, const char *topic)
{
	struct entry *e = hmap_find(&m->topics, topic);
	size_t len;

	if (e != NULL)
		return e;
	len = strlen(topic) + 1;
	if ((e = malloc(sizeof(*e) + len)) == NULL)
		return NULL;
	e->seq = 0;
	memcpy(e->topic, topic, len);
	if (hmap_add(&m->topics, e) != GM_OK) {
		free(e);
		return NULL;
	}
	return e;
}

/* A topic as the file holds it: 1..TOPIC_MAX - 1 printable characters, no
 * space. Not checked further: one never asked for costs a line, no more. */
static bool topic_ok(const char *s, size_t n)
{
	if (n == 0 || n >= TOPIC_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	return true;
}

/* One line, without its newline: "<seq> <topic>", seq 1..20 digits and at
 * most 2^53 (the wire contract's largest: a number above it would have
 * every later message refused). The larger seq wins when a topic comes
 * twice: a number used again would look like a duplicate. */
static bool load_line(struct seqmap *m, const char *text, size_t len)
{
	char line[20 + 1 + TOPIC_MAX];
	size_t d = 0;
	uint64_t seq = 0;
	struct entry *s;

	/* longer than any line written; a NUL would end the topic early */
	if (len >= sizeof(line) || memchr(text, '\0', len) != NULL)
		return false;
	memcpy(line, text, len);
	line[len] = '\0';

	while (d < len && line[d] >= '0' && line[d] <= '9') {
		if (d == 20)
			return false;
		if (seq <= PAYLOAD_SEQ_MAX)   /* past it, it stays past it: no overflow */
			seq = seq * 10 + (uint64_t)(line[d] - '0');
		d++;
	}
	if (d == 0 || d == len || line[d] != ' ' || seq > PAYLOAD_SEQ_MAX ||
	    !topic_ok(line + d + 1, len - d - 1))
		return false;
	if ((s = get(m, line + d + 1)) == NULL)
		return true;   /* out of memory: not the file's fault */
	if (seq > s->seq)
		s->seq = seq;
	return true;
}

/* The text of the file, line by line. */
static void load(struct seqmap *m, const char *text, size_t len)
{
	int lineno = 0, bad = 0, first_bad = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		lineno++;
		if (end > i && !load_line(m, text + i, end - i) && bad++ == 0)
			first_bad = lineno;
		i = end + 1;
	}
	if (bad > 0)
		log_warn("%s: %d damaged line%s ignored (the first is line %d): their topics "
		    "are numbered from 1 again", m->path, bad, bad == 1 ? "" : "s", first_bad);
}

struct seqmap *seqmap_from_text(const char *path, const char *text, size_t len)
{
	struct seqmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	hmap_init(&m->topics, &hmap_str_keys, offsetof(struct entry, topic), false);
	snprintf(m->path, sizeof(m->path), "%s", path);
	load(m, text, len);
	return m;
}

struct seqmap *seqmap_open(const char *path)
{
	struct seqmap *m;
	char *text = NULL, *g;
	size_t len = 0, cap = 0, got = 1;
	FILE *f = fopen(path, "r");

	while (f != NULL && got > 0) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16 << 10;
			if ((g = realloc(text, cap)) == NULL)
				break;   /* what was read counts; the rest starts from 1 */
			text = g;
		}
		len += got = fread(text + len, 1, cap - len, f);
	}
	if (f != NULL)
		fclose(f);
	m = seqmap_from_text(path, text ? text : "", len);
	free(text);
	return m;
}

void seqmap_free(struct seqmap *m)
{
	struct entry *e;

	if (m == NULL)
		return;
	for (size_t i = 0; (e = hmap_next(&m->topics, &i)) != NULL; )
		free(e);
	hmap_fini(&m->topics);
	free(m);
}

uint64_t seqmap_next(struct seqmap *m, const char *topic)
{
	struct entry *s = get(m, topic);

	if (s == NULL)
		return 0;
	m->dirty = true;
	if (s->seq >= PAYLOAD_SEQ_MAX)
		s->seq = 0;   /* 2^53 messages on one topic: start again */
	return ++s->seq;
}

int seqmap_write(const struct seqmap *m, FILE *f)
{
	const struct entry *e;

	for (size_t i = 0; (e = hmap_next(&m->topics, &i)) != NULL; ) {
		if (fprintf(f, "%" PRIu64 " %s\n", e->seq, e->topic) < 0)
			return GM_EIO;
	}
	return GM_OK;
}

int seqmap_save(struct seqmap *m)
{
	struct fileio_new n;
	char err[PATH_MAX + 128];

	if (!m->dirty)
		return GM_OK;
	if (fileio_new_open(&n, m->path, 0644, err, sizeof(err)) != GM_OK)
		goto fail;
	seqmap_write(m, n.f);   /* an error shows in the commit */
	if (fileio_new_commit(&n, true, err, sizeof(err)) != GM_OK)
		goto fail;
	m->dirty = false;
	return GM_OK;
fail:
	log_err("cannot save message numbers: %s", err);
	return GM_EIO;
}
