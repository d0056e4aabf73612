/* entries.c - the entries journal of a delta channel: format, parse, find. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "gm_err.h"
#include "fileio.h"
#include "numtext.h"
#include "payload.h"

#define SEQ_LIMIT 9007199254740992.0   /* 2^53, the wire contract's largest seq */

void entries_path(char *buf, size_t len, const char *datadir, const struct chan_id *id)
{
	snprintf(buf, len, "%s/%s/%s/%s" ENTRIES_SUFFIX, datadir, id->site, id->meter,
	    id->channel);
}

const char *entries_header(size_t *len)
{
	/* the version is spelled out twice; keep them together */
	static const char header[] = ENTRIES_MAGIC " 1\n";

	_Static_assert(ENTRIES_VERSION == 1, "entries_header names version 1");
	*len = sizeof(header) - 1;
	return header;
}

size_t entries_format(char *buf, size_t len, const struct entry *e)
{
	char t[32], v[32], at[32];
	int n;

	numtext_shortest(t, sizeof(t), e->t);
	numtext_shortest(v, sizeof(v), e->v);
	numtext_shortest(at, sizeof(at), e->received_at);
	n = snprintf(buf, len, "%s %s %" PRIu64 " %s\n", t, v, e->seq, at);
	return n < 0 ? 0 : (size_t)n;
}

/* "t v seq received_at[ more]" with the line's '\n' already cut. */
static int parse_line(const char *s, struct entry *e, const char **why)
{
	double seq;

	if (numtext_field(&s, &e->t) != 0 || numtext_field(&s, &e->v) != 0 ||
	    numtext_field(&s, &seq) != 0 || numtext_field(&s, &e->received_at) != 0) {
		*why = "expected \"t v seq received_at\" (four plain numbers, one space apart)";
		return -1;
	}
	/* num_field stopped at the end, or after the space before added fields */
	if (e->t < T_MIN || e->t > T_MAX) {
		*why = "t is outside 2000-01-01 .. 2100-01-01";
		return -1;
	}
	if (seq < 0 || seq > SEQ_LIMIT || seq != floor(seq)) {
		*why = "seq is not an integer from 0 to 2^53";
		return -1;
	}
	e->seq = (uint64_t)seq;
	return 0;
}

static int header_ok(const char *line, const char *name, char *err, size_t errlen)
{
	size_t ml = strlen(ENTRIES_MAGIC);
	char *end;
	long v;

	if (strncmp(line, ENTRIES_MAGIC " ", ml + 1) != 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s:1: not a greenmeter entries journal "
		    "(the first line is not \"" ENTRIES_MAGIC " <version>\")", name);
	errno = 0;
	v = strtol(line + ml + 1, &end, 10);
	if (*end != '\0' || v < 1 || errno == ERANGE || line[ml + 1] < '0' || line[ml + 1] > '9')
		return gm_errf(err, errlen, GM_EINVAL, "%s:1: bad format version \"%s\"", name,
		    line + ml + 1);
	if (v > ENTRIES_VERSION)
		return gm_errf(err, errlen, GM_EINVAL, "%s:1: format version %ld is newer than "
		    "this program reads (%d)", name, v, ENTRIES_VERSION);
	return GM_OK;
}

/* By t, and for the same t by line, so the last line of a t comes last. */
static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static void bad_line(struct entries *out, const char *name, size_t line, const char *why)
{
	if (out->nbad++ == 0)
		snprintf(out->bad, sizeof(out->bad), "%s:%zu: %s", name, line, why);
}

/* Keep the last line of each t: the array is sorted by (t, line). */
static void keep_last(struct entries *out)
{
	size_t k = 0;

	for (size_t i = 0; i < out->n; i++) {
		if (k > 0 && out->e[k - 1].t == out->e[i].t)
			k--;
		out->e[k++] = out->e[i];
	}
	out->n = k;
}

int entries_parse(const char *buf, size_t len, const char *name, struct entries *out,
    char *err, size_t errlen)
{
	const char *nl, *p = buf, *end = buf + len;
	char line[ENTRIES_LINE_MAX + 1];
	size_t lineno = 0, cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	for (nl = end; nl > buf && nl[-1] != '\n'; nl--)
		;
	out->valid_len = (size_t)(nl - buf);
	out->torn_len = len - out->valid_len;
	end = nl;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)(eol - p);
		const char *why;
		struct entry e;

		lineno++;
		if (ll > ENTRIES_LINE_MAX || memchr(p, '\0', ll) != NULL) {
			if (lineno == 1)
				return gm_errf(err, errlen, GM_EINVAL, "%s:1: not a greenmeter "
				    "entries journal", name);
			bad_line(out, name, lineno, ll > ENTRIES_LINE_MAX ? "line too long" :
			    "NUL byte in the line");
			p = eol + 1;
			continue;
		}
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = eol + 1;
		if (lineno == 1) {
			if ((rc = header_ok(line, name, err, errlen)) != GM_OK)
				return rc;
			continue;
		}
		if (parse_line(line, &e, &why) != 0) {
			bad_line(out, name, lineno, why);
			continue;
		}
		e.line = lineno;
		if (out->n == cap) {
			struct entry *g = realloc(out->e, (cap = cap ? cap * 2 : 64) * sizeof(*g));
			if (g == NULL) {
				entries_free(out);
				return gm_errf(err, errlen, GM_ENOMEM, "%s: out of memory", name);
			}
			out->e = g;
		}
		out->e[out->n++] = e;
	}
	/* lineno 0: not even the header is whole (a crash while the collector
	 * created the file): a journal with no entries yet */
	out->lines = out->n;
	if (out->n > 1)
		qsort(out->e, out->n, sizeof(*out->e), entry_cmp);
	keep_last(out);
	return GM_OK;
}

int entries_load(const char *path, struct entries *out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = fileio_read_regular(path, 0, &buf, &len, err, errlen)) != GM_OK) {
		char why[160];

		snprintf(why, sizeof(why), "%s", err);
		return gm_errf(err, errlen, rc, "%s: %s", path, why);
	}
	rc = entries_parse(buf, len, path, out, err, errlen);
	free(buf);
	if (rc == GM_OK && out->nbad > 0) {
		/* a sum with a line left out would pass for a complete figure */
		rc = gm_errf(err, errlen, GM_EINVAL, "%s%s", out->bad,
		    out->nbad > 1 ? " (and more lines)" : "");
		entries_free(out);
	}
	return rc;
}

const struct entry *entries_find(const struct entries *es, double t)
{
	size_t lo = 0, hi = es->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (es->e[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < es->n && es->e[lo].t == t ? &es->e[lo] : NULL;
}

void entries_free(struct entries *es)
{
	free(es->e);
	es->e = NULL;
	es->n = 0;
}
