/*
 * fuzz_csv_import.c - libFuzzer target over the manual-entry CSV of
 * `gm-agent --import` (agent/manual_csv.c): monthly amounts and dial
 * readings. The input is the file, any bytes. It is parsed as "fuzz.csv"
 * with the clock at NOW (2026-09-21), so some months are over and some are
 * not, some dates past and some not. Rules:
 *   - a file is accepted with 1 or more entries and no report, or refused
 *     with no entries and as many reports as the count returned;
 *   - every report is printable ASCII and names the file and a line of it,
 *     "fuzz.csv:<line>: ...", line 1..(lines of the input); only "no header
 *     line" is about the file as a whole;
 *   - an accepted amount (kind delta) has a month 2000-01..2099-12 that is
 *     over (its t is the month's last second, Asia/Bangkok, not after NOW +
 *     300 s), no every, and a line of the input that holds its month as
 *     typed; an accepted reading (kind counter) a t on a whole minute within
 *     T_MIN..T_MAX, not after NOW + 300 s, an every 1..PAYLOAD_EVERY_MAX,
 *     and a line that holds its local date (YYYY-MM-DD); both have seq =
 *     months since 2000-01 of their month, a value finite and >= 0 (not
 *     -0), a valid unit, valid meter and channel ids; lines rise;
 *   - a channel has one unit and one kind; a month of its amounts comes
 *     once; its readings rise strictly in time, never fall in value, and
 *     share one every;
 *   - every accepted entry is a payload the encoder takes (what the import
 *     then publishes);
 *   - the entries written out again as a plain CSV (amounts and readings
 *     in one file, each line filling its own columns) are read back as the
 *     very same entries (value and t bit for bit).
 * A broken rule aborts (libFuzzer saves the input). Writes no file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "manual_csv.h"
#include "gm_err.h"
#include "payload.h"
#include "timeutil.h"

#define NOW 1790000000.0           /* 2026-09-21T14:13:20Z */
#define NAME "fuzz.csv"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_csv_import: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int nlines;                 /* of the input being parsed */
static int nreports;

/* Lines as the parser counts them: LF, CRLF or a lone CR ends one. */
static int count_lines(const char *b, size_t n)
{
	int lines = 0;
	size_t i = 0;

	while (i < n) {
		size_t end = i;
		while (end < n && b[end] != '\n' && b[end] != '\r')
			end++;
		lines++;
		i = end + (end + 1 < n && b[end] == '\r' && b[end + 1] == '\n' ? 2 : 1);
	}
	return lines;
}

static void on_report(void *user, const char *msg)
{
	const char *p = msg + strlen(NAME ":");
	char *end;
	long line;

	(void)user;
	nreports++;
	for (const char *c = msg; *c; c++) {
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			broken("report has byte 0x%02x: %s", (unsigned char)*c, msg);
	}
	if (strncmp(msg, NAME ":", strlen(NAME ":")) != 0)
		broken("report does not name the file: %s", msg);
	if (strcmp(p, " no header line (month,meter,channel,amount,unit,note or "
	    "date,meter,channel,reading,unit,every,note)") == 0)
		return;
	line = strtol(p, &end, 10);
	if (end == p || *end != ':' || line < 1 || line > (nlines > 0 ? nlines : 1))
		broken("report names no line of the %d: %s", nlines, msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (tz_set(TZ_DEFAULT) != GM_OK)
		broken("no time zone %s", TZ_DEFAULT);
	return 0;
}

/* Line `line` (1-based) of the input holds `text`. */
static int line_holds(const char *b, size_t n, int line, const char *text)
{
	size_t i = 0, tl = strlen(text);

	for (int l = 1; i < n; l++) {
		size_t end = i;
		while (end < n && b[end] != '\n' && b[end] != '\r')
			end++;
		if (l == line) {
			for (size_t k = i; k + tl <= end; k++) {
				if (memcmp(b + k, text, tl) == 0)
					return 1;
			}
			return 0;
		}
		i = end + (end + 1 < n && b[end] == '\r' && b[end + 1] == '\n' ? 2 : 1);
	}
	return 0;
}

/* A reading's local date and time, as the round trip writes it. */
static void local_text(double t, char *buf, size_t len, const char *fmt)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		broken("t %.17g has no local time", t);
}

/* An amount: its month's last second, over by NOW. */
static void check_amount(const struct manual_entry *e, const char *b, size_t n)
{
	char month[16];

	if (e->every != 0)
		broken("line %d: an amount with every %ld", e->line, e->every);
	snprintf(month, sizeof(month), "%04d-%02d", e->year, e->month);
	if (!line_holds(b, n, e->line, month))
		broken("line %d does not hold %s", e->line, month);
}

/* A reading: on a whole minute of its local date, as typed. */
static void check_reading(const struct manual_entry *e, const char *b, size_t n)
{
	char date[16], month[16];

	if (e->every < 1 || e->every > PAYLOAD_EVERY_MAX)
		broken("line %d: every %ld", e->line, e->every);
	if (fmod(e->t, 60) != 0)
		broken("line %d: t %.17g is not on a minute", e->line, e->t);
	local_text(e->t, date, sizeof(date), "%Y-%m-%d");
	local_text(e->t, month, sizeof(month), "%Y-%m");
	if (!line_holds(b, n, e->line, date))
		broken("line %d does not hold %s", e->line, date);
	if (atoi(month) != e->year || atoi(month + 5) != e->month)
		broken("line %d: month %d-%d, date %s", e->line, e->year, e->month, date);
}

static void check_entry(const struct manual_entry *e, const struct manual_entry *prev,
    const char *b, size_t n)
{
	struct payload_meta meta = { .kind = e->kind, .seq = e->seq, .every = e->every };
	struct point pt = { e->t, e->v };
	char err[200], *json;

	snprintf(meta.unit, sizeof(meta.unit), "%s", e->unit);
	if (e->kind != KIND_DELTA && e->kind != KIND_COUNTER)
		broken("line %d: kind %d", e->line, (int)e->kind);
	if (e->year < 2000 || e->year > 2099 || e->month < 1 || e->month > 12)
		broken("line %d: month %d-%d", e->line, e->year, e->month);
	if (e->seq != (uint64_t)((e->year - 2000) * 12 + e->month))
		broken("line %d: seq %llu", e->line, (unsigned long long)e->seq);
	if (!(e->t <= NOW + MANUAL_CSV_FUTURE_S) || e->t < T_MIN || e->t >= T_MAX)
		broken("line %d: t %.17g", e->line, e->t);
	if (!isfinite(e->v) || e->v < 0 || signbit(e->v))
		broken("line %d: value %.17g", e->line, e->v);
	if (!unit_valid(e->unit) || !id_valid(e->id.meter) || !id_valid(e->id.channel) ||
	    strcmp(e->id.site, "fuzz") != 0)
		broken("line %d: unit or ids", e->line);
	if (e->line < 2 || e->line > nlines || (prev != NULL && e->line <= prev->line))
		broken("line %d after %d of %d", e->line, prev ? prev->line : 0, nlines);
	if (e->kind == KIND_DELTA)
		check_amount(e, b, n);
	else
		check_reading(e, b, n);
	if (payload_encode(&meta, &pt, 1, &json, err, sizeof(err)) != GM_OK)
		broken("line %d: the encoder refuses the entry: %s", e->line, err);
	free(json);
}

/* Entries i < j of one channel: one unit, one kind; an amount's month
 * once; readings rising in time, not falling, with one every. */
static void check_pair(const struct manual_entry *a, const struct manual_entry *b)
{
	if (strcmp(a->unit, b->unit) != 0 || a->kind != b->kind)
		broken("lines %d and %d: one channel, two units or kinds", a->line, b->line);
	if (a->kind == KIND_DELTA && a->year == b->year && a->month == b->month)
		broken("lines %d and %d: one month twice", a->line, b->line);
	if (a->kind != KIND_DELTA && (!(a->t < b->t) || b->v < a->v || a->every != b->every))
		broken("lines %d and %d: readings out of order, falling or of two every", a->line,
		    b->line);
}

static void check_set(const struct manual_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (manual_csv_same_channel(&e[i], &e[j]))
				check_pair(&e[i], &e[j]);
		}
	}
}

/* Written out plainly and read again: the same entries. */
static void round_trip(const struct manual_entry *e, size_t n)
{
	size_t cap = 64 + n * 200, len = 0, n2 = 0;
	char *text = malloc(cap);
	struct manual_entry *e2 = NULL;
	int rc;

	if (text == NULL)
		broken("out of memory");
	len += (size_t)snprintf(text, cap, "month,date,meter,channel,amount,reading,unit,every\n");
	for (size_t i = 0; i < n; i++) {
		char date[32];

		if (e[i].kind == KIND_DELTA) {
			len += (size_t)snprintf(text + len, cap - len, "%04d-%02d,,%s,%s,%.17g,,%s,\n",
			    e[i].year, e[i].month, e[i].id.meter, e[i].id.channel, e[i].v, e[i].unit);
			continue;
		}
		local_text(e[i].t, date, sizeof(date), "%Y-%m-%d %H:%M");
		len += (size_t)snprintf(text + len, cap - len, ",%s,%s,%s,,%.17g,%s,%ld\n", date,
		    e[i].id.meter, e[i].id.channel, e[i].v, e[i].unit, e[i].every);
	}
	nlines = count_lines(text, len);
	nreports = 0;
	rc = manual_csv_parse(NAME, text, len, "fuzz", NOW, &e2, &n2, on_report, NULL);
	if (rc != 0 || n2 != n)
		broken("written out again, %zu entries give %d reports, %zu entries:\n%s", n, rc,
		    n2, text);
	for (size_t i = 0; i < n; i++) {
		if (e2[i].year != e[i].year || e2[i].month != e[i].month ||
		    e2[i].kind != e[i].kind || e2[i].every != e[i].every ||
		    memcmp(&e2[i].v, &e[i].v, sizeof(double)) != 0 ||
		    memcmp(&e2[i].t, &e[i].t, sizeof(double)) != 0 || e2[i].seq != e[i].seq ||
		    strcmp(e2[i].unit, e[i].unit) != 0 || memcmp(&e2[i].id, &e[i].id,
		    sizeof(e[i].id)) != 0 || e2[i].line != (int)i + 2)
			broken("entry %zu changed when written out and read again", i);
	}
	free(e2);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct manual_entry *e = (struct manual_entry *)&nlines;   /* must be left alone */
	size_t n = 7;
	int rc;

	nlines = count_lines(b, size);
	nreports = 0;
	rc = manual_csv_parse(NAME, b, size, "fuzz", NOW, &e, &n, on_report, NULL);
	if (rc != nreports)
		broken("returned %d with %d reports", rc, nreports);
	if (rc != 0) {
		if (e != (struct manual_entry *)&nlines || n != 7)
			broken("refused, yet entries were set");
		return 0;
	}
	if (n == 0 || e == NULL)
		broken("accepted with no entries");
	for (size_t i = 0; i < n; i++)
		check_entry(&e[i], i ? &e[i - 1] : NULL, b, size);
	check_set(e, n);
	round_trip(e, n);
	free(e);
	return 0;
}
