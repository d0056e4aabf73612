/*
 * fuzz_events.c - libFuzzer target over a channel's events journal
 * (common/meter_event.c: "greenmeter-events 1", then "t kind key=value ...
 * note=..." a line), which says when a meter was replaced or reset and
 * keeps late readings; usage.c counts across what it says. The input
 * is the journal, written to a scratch file and read with meter_event_journal_each() as
 * gm-report does. Besides no crash, undefined behaviour or leak:
 *   - every whole line after the header is one of: an event, handed on in
 *     file order; a kind this version skips; a bad line, counted (a NUL
 *     byte or a line longer than EVENT_LINE_MAX are bad lines, not the end
 *     of the journal); what follows the last newline is not read;
 *   - a foreign header refuses the journal with a printable reason naming
 *     line 1, and hands on nothing;
 *   - an event has a time within 2000..2100, a known kind, and a note of
 *     at most EVENT_NOTE_MAX bytes without control characters;
 *   - written again with meter_event_journal_format() and parsed, an event is the same,
 *     bit for bit (seq is a late reading's: only there is it written).
 */
#include <math.h>

#include "gm_err.h"
#include "meter_event.h"
#include "payload.h"
#include "fuzz_conf.h"

#define MAX_EVENTS 4096

static struct meter_event got[MAX_EVENTS];
static size_t ngot;

static void keep(const struct meter_event *ev, void *user)
{
	(void)user;
	if (ngot < MAX_EVENTS)
		got[ngot] = *ev;
	ngot++;
}

static bool same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof(a)) == 0;
}

static bool same_event(const struct meter_event *a, const struct meter_event *b)
{
	return same_num(a->t, b->t) && a->kind == b->kind && same_num(a->old_final, b->old_final) &&
	    same_num(a->new_start, b->new_start) && same_num(a->from, b->from) &&
	    same_num(a->to, b->to) && same_num(a->counted, b->counted) && same_num(a->v, b->v) &&
	    (a->kind != EV_LATE || a->seq == b->seq) && same_num(a->at, b->at) &&
	    strcmp(a->note, b->note) == 0;
}

static void check_event(const struct meter_event *ev)
{
	char line[EVENT_LINE_MAX];
	struct meter_event again;
	const char *why;
	size_t n;

	if (!(ev->t >= T_MIN && ev->t < T_MAX) || (unsigned)ev->kind >= EV_NKINDS ||
	    strlen(ev->note) > EVENT_NOTE_MAX)
		fuzz_broken("an event at %.17g of kind %d", ev->t, ev->kind);
	for (const char *p = ev->note; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fuzz_broken("a note with byte 0x%02x", (unsigned char)*p);
	}
	if ((n = meter_event_journal_format(line, sizeof(line), ev)) == 0)
		return;   /* longer written out than read in ("1e9"): no writer makes it */
	line[n - 1] = '\0';
	if (meter_event_journal_parse_line(line, &again, &why) != 0)
		fuzz_broken("written as \"%s\", not read back", line);
	if (!same_event(ev, &again))
		fuzz_broken("written as \"%s\", read back otherwise", line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char header[] = EVENTS_MAGIC " 1";
	static const char *path;
	const uint8_t *p, *end, *eol;
	size_t nbad = 0, want_bad = 0, k = 0;
	char err[512], line[EVENT_LINE_MAX];
	int rc;

	fuzz_name = "fuzz_events";
	if (path == NULL)
		path = fuzz_path("fuzz.events");
	fuzz_write_as(path, data, size, true);
	ngot = 0;
	rc = meter_event_journal_each(path, -INFINITY, INFINITY, keep, NULL, &nbad, err,
	    sizeof(err));

	for (end = data + size; end > data && end[-1] != '\n'; end--)
		;
	if (end > data && ((size_t)((eol = memchr(data, '\n', size)) - data) != sizeof(header) - 1 ||
	    memcmp(data, header, sizeof(header) - 1) != 0)) {
		if (rc != GM_EINVAL || ngot != 0 || !fuzz_printable(err) ||
		    strncmp(err, path, strlen(path)) != 0 || strncmp(err + strlen(path), ":1: ", 4))
			fuzz_broken("a foreign header: %d, %zu events, \"%s\"", rc, ngot, err);
		return 0;
	}
	if (rc != GM_OK)
		fuzz_broken("refused: %s", err);
	/* every whole line after the header, as the contract says */
	for (p = data; p < end; p = eol + 1) {
		struct meter_event ev;
		const char *why;
		size_t n;
		int r = -1;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (p == data)
			continue;
		n = (size_t)(eol - p);
		if (n < sizeof(line) && memchr(p, '\0', n) == NULL) {
			memcpy(line, p, n);
			line[n] = '\0';
			r = meter_event_journal_parse_line(line, &ev, &why);
		}
		if (r < 0)
			want_bad++;
		else if (r == 0 && (k >= ngot || k >= MAX_EVENTS || !same_event(&ev, &got[k++])))
			fuzz_broken("event %zu is not the line's", k);
	}
	if (k != ngot || nbad != want_bad)
		fuzz_broken("%zu events and %zu bad lines read, %zu and %zu in the file", ngot, nbad,
		    k, want_bad);
	for (size_t i = 0; i < ngot && i < MAX_EVENTS; i++)
		check_event(&got[i]);
	return 0;
}
