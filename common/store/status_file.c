/* status_file.c - the collector's status file: a line per channel, written and read. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "gm_err.h"
#include "status_file.h"

enum chan_status chan_status(const struct chan_record *c, double now)
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

void status_arrived(struct chan_record *c, const struct arrival *a, unsigned keep)
{
	if (keep > ARRIVED_MAX)
		keep = ARRIVED_MAX;
	if (keep == 0)
		return;
	if (c->narrived >= keep)
		c->narrived = keep - 1;
	memmove(&c->arrived[1], &c->arrived[0], c->narrived * sizeof(c->arrived[0]));
	c->arrived[0] = *a;
	c->narrived++;
}

static bool is_note(int ch)
{
	return ch != '\0' && strchr("sdlrwq", ch) != NULL;
}

/* "arrived=T/LAG/V/N,..." newest first; LAG is at - t, one decimal. */
static void put_arrived(FILE *out, const struct chan_record *c)
{
	for (unsigned i = 0; i < c->narrived && i < ARRIVED_MAX; i++) {
		const struct arrival *a = &c->arrived[i];

		fprintf(out, "%s%.3f/%.1f/%.12g/%c", i == 0 ? " arrived=" : ",", a->t, a->at - a->t,
		    a->v, is_note(a->note) ? a->note : '?');
	}
}

/* The arrivals back; a malformed one ends the list. */
static void take_arrived(struct chan_record *c, const char *p)
{
	c->narrived = 0;
	while (c->narrived < ARRIVED_MAX) {
		struct arrival *a = &c->arrived[c->narrived];
		char *end;
		double lag;

		a->t = strtod(p, &end);
		if (end == p || *end != '/')
			return;
		lag = strtod(p = end + 1, &end);
		if (end == p || *end != '/')
			return;
		a->v = strtod(p = end + 1, &end);
		if (end == p || *end != '/' || !is_note(end[1]) || strchr(", \n", end[2]) == NULL)
			return;
		/* times a clock gives, to the millisecond: no precision lost in at */
		if (!isfinite(a->t) || !isfinite(lag) || !isfinite(a->v) || fabs(a->t) >= 1e11 ||
		    fabs(lag) >= 1e9)
			return;
		a->at = a->t + lag;
		a->note = end[1];
		c->narrived++;
		if (end[2] != ',')
			return;
		p = end + 3;
	}
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

void status_put(FILE *out, const struct chan_record *c, double now)
{
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
	put_arrived(out, c);
	fputc('\n', out);
}


/* One "key=value" of a status line into the record. */
static void take_field(struct chan_record *c, const char *key, size_t klen, const char *val)
{
	static const struct { const char *name; size_t off; } counts[] = {
		{ "received", offsetof(struct chan_record, received) },
		{ "stored", offsetof(struct chan_record, stored) },
		{ "duplicates", offsetof(struct chan_record, duplicates) },
		{ "lost", offsetof(struct chan_record, lost) },
		{ "resets", offsetof(struct chan_record, resets) },
		{ "wraps", offsetof(struct chan_record, wraps) },
		{ "late", offsetof(struct chan_record, late) },
		{ "replaced", offsetof(struct chan_record, replaced) },
		{ "rejected", offsetof(struct chan_record, rejected) },
		{ "quarantined", offsetof(struct chan_record, quarantined) },
		{ "requeued", offsetof(struct chan_record, requeued) },
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
	else if (KEY("arrived"))
		take_arrived(c, val);
	else if (KEY("seq")) {
		c->last_seq = strtoull(val, NULL, 10);
		c->have_seq = true;
	}
#undef KEY
}

int status_parse_line(const char *line, struct chan_record *c)
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
		c->kind = KIND_COUNTER;   /* as status_put() writes it: no unit, no kind */
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
int status_each_line(FILE *in, int (*fn)(const char *line, void *user), void *user)
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
	struct chan_record *v;
	size_t n, cap;
};

static int read_one(const char *line, void *user)
{
	struct read_list *l = user;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct chan_record *nv = realloc(l->v, cap * sizeof(*nv));

		if (nv == NULL)
			return GM_ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	if (status_parse_line(line, &l->v[l->n]) == 0)
		l->n++;
	return GM_OK;
}

int status_read(FILE *in, struct chan_record **ret, size_t *ret_n)
{
	struct read_list l = { 0 };
	int rc = status_each_line(in, read_one, &l);

	if (rc != GM_OK) {
		free(l.v);
		return rc;
	}
	*ret = l.v;
	*ret_n = l.n;
	return GM_OK;
}
