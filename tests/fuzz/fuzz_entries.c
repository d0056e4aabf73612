/*
 * fuzz_entries.c - libFuzzer target over the entries journal of a delta
 * channel (common/store/entries.c: "greenmeter-entries 1", then one entry a
 * line), which gm-collector appends to and gm-report and the dashboard sum.
 * The input is the journal's bytes, parsed from memory as every reader
 * does. Besides no crash, undefined behaviour or leak:
 *   - a refused journal is refused at its header, with a printable reason
 *     naming line 1, and holds nothing;
 *   - the bytes split into whole lines and a torn tail with no newline;
 *   - the entries in force are in strictly increasing time, each within
 *     2000..2100 with a seq of at most 2^53 and finite numbers, and
 *     entries_find() finds each at its own time; a bad line is counted and
 *     the first named, printably, at a line after the header;
 *   - written again with entries_format() under a header and parsed, they
 *     are the same entries, bit for bit, with no bad line.
 */
#include <math.h>

#include "entries.h"
#include "gm_err.h"
#include "payload.h"
#include "fuzz_conf.h"

#define SEQ_LIMIT 9007199254740992.0

static bool same(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static void check_entries(const struct entries *es, const uint8_t *data, size_t size)
{
	if (es->valid_len + es->torn_len != size ||
	    (es->valid_len > 0 && data[es->valid_len - 1] != '\n') ||
	    memchr(data + es->valid_len, '\n', es->torn_len) != NULL)
		fuzz_broken("whole %zu + torn %zu of %zu bytes", es->valid_len, es->torn_len, size);
	if (es->n > es->lines)
		fuzz_broken("%zu entries from %zu lines", es->n, es->lines);
	for (size_t i = 0; i < es->n; i++) {
		const struct entry *e = &es->e[i];
		if (!(e->t >= T_MIN && e->t <= T_MAX) || (double)e->seq > SEQ_LIMIT ||
		    !isfinite(e->v) || !isfinite(e->received_at) || e->line < 2)
			fuzz_broken("entry %zu: t %.17g v %g seq %llu line %zu", i, e->t, e->v,
			    (unsigned long long)e->seq, e->line);
		if (i > 0 && !(es->e[i - 1].t < e->t))
			fuzz_broken("entries %zu and %zu not in increasing time", i - 1, i);
		if (entries_find(es, e->t) != e)
			fuzz_broken("entry %zu not found at its own time", i);
	}
	if (es->nbad > 0 && (strncmp(es->bad, "fuzz:", 5) != 0 || atoi(es->bad + 5) < 2 ||
	    !fuzz_printable(es->bad)))
		fuzz_broken("a bad line named as \"%s\"", es->bad);
}

/* The entries written out again, as the collector would, and read back. */
static void check_roundtrip(const struct entries *es)
{
	static char buf[1 << 20];
	struct entries again;
	char err[256];
	size_t o, hl;
	const char *h = entries_header(&hl);

	if (hl + es->n * ENTRIES_LINE_MAX > sizeof(buf))
		return;
	memcpy(buf, h, hl);
	o = hl;
	for (size_t i = 0; i < es->n; i++)
		o += entries_format(buf + o, ENTRIES_LINE_MAX, &es->e[i]);
	if (entries_parse(buf, o, "again", &again, err, sizeof(err)) != GM_OK)
		fuzz_broken("written again, refused: %s", err);
	if (again.n != es->n || again.nbad != 0 || again.lines != es->n || again.torn_len != 0)
		fuzz_broken("%zu entries written, %zu read (%zu bad)", es->n, again.n, again.nbad);
	for (size_t i = 0; i < es->n; i++) {
		const struct entry *a = &es->e[i], *b = &again.e[i];
		if (!same(a->t, b->t) || !same(a->v, b->v) || a->seq != b->seq ||
		    !same(a->received_at, b->received_at))
			fuzz_broken("entry %zu: %.17g %.17g %llu %.17g read back as %.17g %.17g %llu "
			    "%.17g", i, a->t, a->v, (unsigned long long)a->seq, a->received_at, b->t,
			    b->v, (unsigned long long)b->seq, b->received_at);
	}
	entries_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entries es;
	char err[256];
	int rc;

	fuzz_name = "fuzz_entries";
	rc = entries_parse((const char *)data, size, "fuzz", &es, err, sizeof(err));
	if (rc != GM_OK) {
		if (rc != GM_EINVAL || strncmp(err, "fuzz:1: ", 8) != 0 || !fuzz_printable(err) ||
		    es.e != NULL || es.n != 0)
			fuzz_broken("refused with %d: %s", rc, err);
		return 0;
	}
	check_entries(&es, data, size);
	check_roundtrip(&es);
	entries_free(&es);
	return 0;
}
