/*
 * fuzz_status.c - libFuzzer target over gm-collector's status file
 * (common/store/status_file.c): one line per channel, "site/meter/channel
 * key=value ...", read back by gm-collector --status, the dashboard and a
 * restarted collector (registry_load), and written by status_put(). The
 * input is a status file. Besides no crash, undefined behaviour or leak:
 *   - status_read() takes exactly the lines status_parse_line() takes,
 *     each whole, in file order, whatever their length; a line with a NUL
 *     byte in it is not a status line;
 *   - a line taken has a valid channel id;
 *   - written with status_put() and parsed again (the first 8 of an
 *     input) it gives the same fields, to the file's own precision (times to the millisecond, the
 *     unit's kind only with a unit, spaces in a problem as '_'), and doing
 *     that once more gives them bit for bit, and the same text (a kind
 *     read without a unit made the status written depend on it:
 *     regress-kind-without-unit).
 * The format is not this target's to change: fields may be added at the
 * end of a line, and a parser that skips what it does not know keeps these
 * rules.
 */
#include <math.h>

#include "gm_err.h"
#include "fuzz_conf.h"
#include "status_file.h"

#define NOW 1800000000.0

static bool same_num(double a, double b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof(a)) == 0;
}

/* As the file shows it: milliseconds. */
static bool same_ms(double a, double b)
{
	char x[64], y[64];

	snprintf(x, sizeof(x), "%.3f", a);
	snprintf(y, sizeof(y), "%.3f", b);
	return strcmp(x, y) == 0;
}

static const char *diff(const struct chan_record *a, const struct chan_record *b, bool exact)
{
	char problem[sizeof(a->problem)];

	if (strcmp(a->id.site, b->id.site) || strcmp(a->id.meter, b->id.meter) ||
	    strcmp(a->id.channel, b->id.channel))
		return "id";
	if (strcmp(a->unit, b->unit) != 0)
		return "unit";
	if (a->unit[0] != '\0' && a->kind != b->kind)
		return "kind";
	if (a->received != b->received || a->stored != b->stored ||
	    a->duplicates != b->duplicates || a->lost != b->lost || a->resets != b->resets ||
	    a->wraps != b->wraps || a->late != b->late || a->replaced != b->replaced ||
	    a->rejected != b->rejected)
		return "a counter";
	if (!same_num(a->last_v, b->last_v))
		return "last";
	if (exact ? !same_num(a->last_t, b->last_t) || !same_num(a->interval, b->interval) ||
	    !same_num(a->last_seen, b->last_seen) : !same_ms(a->last_t, b->last_t) ||
	    !same_ms(a->interval, b->interval) || !same_ms(a->last_seen, b->last_seen))
		return "a time";
	if (a->fault != b->fault)
		return "status";
	if ((a->have_seq ? a->last_seq : 0) != b->last_seq)
		return "seq";
	snprintf(problem, sizeof(problem), "%s", a->problem);
	for (char *p = problem; !exact && *p; p++)
		*p = *p == '\t' || *p == '\n' ? '_' : *p;   /* as the dump writes it */
	if (strcmp(problem, b->problem) != 0)
		return "problem";
	if (exact && (a->have_last != b->have_last || a->have_seq != b->have_seq))
		return "have_last or have_seq";
	if (a->narrived != b->narrived)
		return "the number of arrivals";
	for (unsigned i = 0; i < a->narrived; i++) {
		const struct arrival *x = &a->arrived[i], *y = &b->arrived[i];
		char lx[64], ly[64], vx[64], vy[64];

		snprintf(lx, sizeof(lx), "%.1f", x->at - x->t);
		snprintf(ly, sizeof(ly), "%.1f", y->at - y->t);
		snprintf(vx, sizeof(vx), "%.12g", x->v);
		snprintf(vy, sizeof(vy), "%.12g", y->v);
		if (x->note != y->note || (exact ? !same_num(x->t, y->t) || !same_num(x->v, y->v) ||
		    !same_num(x->at, y->at) : !same_ms(x->t, y->t) || strcmp(vx, vy) != 0 ||
		    strcmp(lx, ly) != 0))
			return "an arrival";
	}
	return NULL;
}

/* The record as status_put() writes it, parsed again. */
static void dump_parse(const struct chan_record *a, struct chan_record *b, char **text)
{
	size_t len = 0;
	FILE *f;

	*text = NULL;
	if ((f = open_memstream(text, &len)) == NULL)
		abort();
	status_put(f, a, NOW);
	fclose(f);
	if (len == 0 || (*text)[len - 1] != '\n' || memchr(*text, '\n', len - 1) != NULL)
		fuzz_broken("dumped as %zu bytes, not one line", len);
	(*text)[len - 1] = '\0';
	if (status_parse_line(*text, b) != 0)
		fuzz_broken("dumped as \"%s\", not parsed", *text);
}

static void check_line(const char *line)
{
	struct chan_record a, b, c;
	char *t1, *t2;
	const char *d;

	if (status_parse_line(line, &a) != 0)
		return;
	if (!id_valid(a.id.site) || !id_valid(a.id.meter) || !id_valid(a.id.channel))
		fuzz_broken("a line taken for \"%s/%s/%s\"", a.id.site, a.id.meter, a.id.channel);
	dump_parse(&a, &b, &t1);
	if ((d = diff(&a, &b, false)) != NULL)
		fuzz_broken("%s differs once dumped: \"%s\" became \"%s\"", d, line, t1);
	dump_parse(&b, &c, &t2);
	if ((d = diff(&b, &c, true)) != NULL || strcmp(t1, t2) != 0)
		fuzz_broken("%s differs dumped twice: \"%s\" then \"%s\"", d ? d : "the text", t1,
		    t2);
	free(t1);
	free(t2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[1 << 16];
	struct chan_record *v = NULL, one;
	size_t n = 0, k = 0;
	const char *d;
	const uint8_t *p, *end = data + size, *eol;
	FILE *f;

	fuzz_name = "fuzz_status";
	if (size == 0)
		return 0;
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	if (status_read(f, &v, &n) != GM_OK)
		fuzz_broken("status_read failed");
	fclose(f);
	for (p = data; p < end; p = eol + 1) {
		size_t len;

		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		len = (size_t)(eol - p);
		if (len >= sizeof(line) || memchr(p, '\0', len) != NULL)
			continue;
		memcpy(line, p, len);
		line[len] = '\0';
		if (status_parse_line(line, &one) != 0)
			continue;
		if (k >= n || (d = diff(&one, &v[k], true)) != NULL)
			fuzz_broken("status_read's channel %zu is not line \"%s\" (%s)", k, line,
			    k >= n ? "missing" : d);
		/* the first lines are enough: libFuzzer puts a line of
		 * interest first soon enough */
		if (k++ < 8)
			check_line(line);
	}
	if (k != n)
		fuzz_broken("status_read took %zu lines, %zu are status lines", n, k);
	free(v);
	return 0;
}
