/* manual_csv.c - manual entries (monthly amounts, dial readings): CSV text
 * in, checked entries out. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gm_err.h"
#include "manual_csv.h"

#define MAX_FIELDS 16

enum col {
	COL_MONTH, COL_DATE, COL_METER, COL_CHANNEL, COL_AMOUNT, COL_READING, COL_UNIT,
	COL_EVERY, COL_NOTE, NCOLS
};
static const char *const col_names[NCOLS] = {
	"month", "date", "meter", "channel", "amount", "reading", "unit", "every", "note",
};

struct parse {
	struct conf c;             /* for file:line reports */
	double now;                /* unix seconds: a month not over is refused */
	int col[NCOLS];            /* field index of each column, -1 if absent */
	int nfields;               /* fields of the header, so of every line */
	int header_line;           /* 0 until the header is read */
	bool header_ok;
	bool amounts, readings;    /* which kinds of line the header allows */
	struct manual_entry *v;
	size_t n, cap;
};

/* A field as a message may show it: printable ASCII, the rest as \xNN, cut
 * at 40 characters. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t o = 0, i;

	for (i = 0; s[i] != '\0' && i < 40 && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
	}
	if (s[i] != '\0' && o + 4 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* Split one line in place (RFC 4180 quoting). The field count, or -1 for
 * an unterminated quote, -2 for text after a closing quote, -3 for more
 * than max fields. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *o;

	for (;;) {
		char sep;

		if (n == max)
			return -3;
		f[n++] = o = p;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"')
					*o++ = *p++;
				else if (*p == '"')
					break;
				else
					*o++ = *p;
			}
			p++;
			if (*p != ',' && *p != '\0')
				return -2;
		} else {
			while (*p && *p != ',')
				*o++ = *p++;
		}
		/* Read the separator before ending the field: they may share a byte. */
		sep = *p;
		*o = '\0';
		if (sep == '\0')
			return n;
		p++;
	}
}

static void require(struct parse *ps, enum col k)
{
	if (ps->col[k] < 0) {
		conf_error(&ps->c, "column \"%s\" is missing", col_names[k]);
		ps->header_ok = false;
	}
}

/* meter, channel and unit, and the columns of the kinds of line the file
 * has: month with amount, date with reading (every goes with them). */
static void header_needs(struct parse *ps)
{
	ps->amounts = ps->col[COL_MONTH] >= 0 || ps->col[COL_AMOUNT] >= 0;
	ps->readings = ps->col[COL_DATE] >= 0 || ps->col[COL_READING] >= 0 ||
	    ps->col[COL_EVERY] >= 0;
	if (!ps->amounts && !ps->readings) {
		conf_error(&ps->c, "columns \"month\" and \"amount\" (a month's amount) or "
		    "\"date\" and \"reading\" (a dial reading) are missing");
		ps->header_ok = false;
	}
	for (int k = 0; k < COL_EVERY; k++) {
		bool amount_col = k == COL_MONTH || k == COL_AMOUNT;
		bool reading_col = k == COL_DATE || k == COL_READING;

		if ((!amount_col && !reading_col) || (amount_col && ps->amounts) ||
		    (reading_col && ps->readings))
			require(ps, (enum col)k);
	}
}

static void header(struct parse *ps, char **f, int nf)
{
	char b[200];

	ps->header_line = ps->c.line;
	ps->header_ok = true;
	ps->nfields = nf;
	for (int k = 0; k < NCOLS; k++)
		ps->col[k] = -1;
	for (int i = 0; i < nf; i++) {
		int k;
		for (k = 0; k < NCOLS && strcmp(f[i], col_names[k]) != 0; k++)
			;
		if (k == NCOLS) {
			conf_error(&ps->c, "unknown column \"%s\" (expected month, date, meter, channel, "
			    "amount, reading, unit, every, note)", shown(f[i], b, sizeof(b)));
		} else if (ps->col[k] >= 0) {
			conf_error(&ps->c, "column \"%s\" appears twice (columns %d and %d)",
			    col_names[k], ps->col[k] + 1, i + 1);
			ps->header_ok = false;
		} else {
			ps->col[k] = i;
		}
	}
	header_needs(ps);
}

/* n digits at s, as a number; -1 if any is not a digit. */
static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM", 2000-01..2099-12, and nothing else. */
static bool month_parse(const char *s, int *year, int *month)
{
	if (strlen(s) != 7 || s[4] != '-')
		return false;
	*year = num(s, 4);
	*month = num(s + 5, 2);
	return *year >= 2000 && *year <= 2099 && *month >= 1 && *month <= 12;
}

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM", 2000..2099, local time, a day and a
 * time that exist (mktime moves 2024-02-30 to March: it is refused). */
static bool date_parse(const char *s, int *year, int *month, double *t)
{
	size_t len = strlen(s);
	int day, hour = 0, min = 0;
	struct tm tm;
	time_t when;

	if ((len != 10 && len != 16) || s[4] != '-' || s[7] != '-')
		return false;
	if (len == 16 && (s[10] != ' ' || s[13] != ':' || (hour = num(s + 11, 2)) < 0 ||
	    (min = num(s + 14, 2)) < 0))
		return false;
	*year = num(s, 4);
	*month = num(s + 5, 2);
	day = num(s + 8, 2);
	if (*year < 2000 || *year > 2099 || *month < 1 || *month > 12 || day < 1)
		return false;
	tm = (struct tm){ .tm_year = *year - 1900, .tm_mon = *month - 1, .tm_mday = day,
	    .tm_hour = hour, .tm_min = min, .tm_isdst = -1 };
	if ((when = mktime(&tm)) == (time_t)-1 || tm.tm_year != *year - 1900 ||
	    tm.tm_mon != *month - 1 || tm.tm_mday != day || tm.tm_hour != hour || tm.tm_min != min)
		return false;
	*t = (double)when;
	return true;
}

/* Whole seconds, 1..PAYLOAD_EVERY_MAX, digits only; "" is a month. */
static bool every_parse(const char *s, long *out)
{
	size_t len = strlen(s);
	long v = 0;

	if (len == 0) {
		*out = PAYLOAD_EVERY_MONTHLY;
		return true;
	}
	if (len > 8 || strspn(s, "0123456789") != len)
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return v >= 1 && v <= PAYLOAD_EVERY_MAX;
}

/* An amount or a reading: a plain decimal, finite, 0 or more:
 * [-]digits[.digits][e[+-]digits] with a digit somewhere before the
 * exponent. strtod alone would take "nan", "inf", hex, leading spaces and
 * a '+'. */
static bool number_parse(const char *s, double *out)
{
	const char *p = s;
	size_t before, after = 0;
	char *end;

	if (*p == '-')
		p++;
	before = strspn(p, "0123456789");
	p += before;
	if (*p == '.') {
		after = strspn(p + 1, "0123456789");
		p += 1 + after;
	}
	if (before + after == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (strspn(p, "0123456789") == 0)
			return false;
		p += strspn(p, "0123456789");
	}
	if (*p != '\0')
		return false;
	errno = 0;
	*out = strtod(s, &end) + 0.0;   /* + 0.0: -0 is 0 */
	return *end == '\0' && errno != ERANGE && isfinite(*out) && *out >= 0;
}

bool manual_csv_same_channel(const struct manual_entry *a, const struct manual_entry *b)
{
	return strcmp(a->id.meter, b->id.meter) == 0 && strcmp(a->id.channel, b->id.channel) == 0;
}

static const char *what(enum reading_kind kind)
{
	return kind == KIND_DELTA ? "amounts" : "dial readings";
}

/* A reading after its channel's one before (o, at line o->line): later, and
 * not lower. */
static bool follows(struct parse *ps, const struct manual_entry *e,
    const struct manual_entry *o, const char *date)
{
	const char *m = e->id.meter, *c = e->id.channel;

	if (e->t == o->t)
		conf_error(&ps->c, "%s %s/%s is also at line %d", date, m, c, o->line);
	else if (e->t < o->t)
		conf_error(&ps->c, "%s of %s/%s is before the reading at line %d: give a channel's "
		    "readings in the order they were taken", date, m, c, o->line);
	else if (e->v < o->v)
		conf_error(&ps->c, "reading %.15g of %s/%s is lower than %.15g at line %d: a dial does "
		    "not run back; if the meter was replaced or reset, announce it with `gm-agent "
		    "--event` and import the readings after it in a file of their own", e->v, m, c,
		    o->v, o->line);
	else
		return true;
	return false;
}

/* A channel is one unit and one kind on every line; a month of its amounts
 * comes once; its readings share one every and follow each other. `when`
 * is the month or date as typed. */
static bool agrees(struct parse *ps, const struct manual_entry *e, const char *when)
{
	const struct manual_entry *last = NULL;
	const char *m = e->id.meter, *c = e->id.channel;

	for (size_t i = 0; i < ps->n; i++) {
		const struct manual_entry *o = &ps->v[i];
		if (!manual_csv_same_channel(o, e))
			continue;
		if (strcmp(o->unit, e->unit) != 0) {
			conf_error(&ps->c, "unit \"%s\" of %s/%s differs from \"%s\" at line %d", e->unit,
			    m, c, o->unit, o->line);
			return false;
		}
		if (o->kind != e->kind) {
			conf_error(&ps->c, "%s/%s has %s at line %d: a channel takes amounts or dial "
			    "readings, not both", m, c, what(o->kind), o->line);
			return false;
		}
		if (e->kind == KIND_DELTA && o->year == e->year && o->month == e->month) {
			conf_error(&ps->c, "%s %s/%s is also at line %d", when, m, c, o->line);
			return false;
		}
		if (e->kind != KIND_DELTA && o->every != e->every) {
			conf_error(&ps->c, "every %ld of %s/%s differs from %ld at line %d", e->every, m,
			    c, o->every, o->line);
			return false;
		}
		last = o;   /* a channel's readings rise: the last kept is the latest */
	}
	return e->kind == KIND_DELTA || last == NULL || follows(ps, e, last, when);
}

static void keep(struct parse *ps, struct manual_entry *e)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 64;
		struct manual_entry *g = realloc(ps->v, cap * sizeof(*g));
		if (g == NULL) {
			conf_error(&ps->c, "out of memory");
			return;
		}
		ps->v = g;
		ps->cap = cap;
	}
	ps->v[ps->n++] = *e;
}

/* The line's field of column k; "" where the file has no such column. */
static const char *field(const struct parse *ps, char **f, enum col k)
{
	return ps->col[k] >= 0 ? f[ps->col[k]] : "";
}

/* A column of the other kind of line must be left empty on this one. */
static void empty(struct parse *ps, char **f, enum col k, const char *why)
{
	char b[200];

	if (field(ps, f, k)[0] != '\0')
		conf_error(&ps->c, "%s \"%s\" on a line with %s", col_names[k],
		    shown(field(ps, f, k), b, sizeof(b)), why);
}

/* A month's amount is stamped with the month's last second. */
static void month_field(struct parse *ps, char **f, struct manual_entry *e)
{
	const char *month = field(ps, f, COL_MONTH);
	char b[200];

	empty(ps, f, COL_DATE, "an amount: an amount is for a month");
	empty(ps, f, COL_EVERY, "an amount: every is for dial readings");
	if (!month_parse(month, &e->year, &e->month)) {
		conf_error(&ps->c, "month \"%s\": expected YYYY-MM (e.g. 2026-10)",
		    shown(month, b, sizeof(b)));
		return;
	}
	e->seq = payload_month_seq(e->year, e->month);
	e->t = payload_month_t(e->year, e->month);
	/* stamped with its last second: before that, the collector would
	 * refuse it as a reading from the future */
	if (e->t > ps->now + MANUAL_CSV_FUTURE_S)
		conf_error(&ps->c, "month %s is not over yet: enter it once it is", month);
}

/* A dial reading is stamped with its date, local time. */
static void date_field(struct parse *ps, char **f, struct manual_entry *e)
{
	const char *date = field(ps, f, COL_DATE);
	char b[200];

	empty(ps, f, COL_MONTH, "a reading: a reading is dated by \"date\"");
	if (!date_parse(date, &e->year, &e->month, &e->t)) {
		conf_error(&ps->c, "date \"%s\": expected YYYY-MM-DD or YYYY-MM-DD HH:MM, a day "
		    "that exists, 2000 to 2099 (e.g. 2026-10-01)", shown(date, b, sizeof(b)));
		return;
	}
	e->seq = payload_month_seq(e->year, e->month);
	if (e->t < T_MIN || e->t >= T_MAX)
		conf_error(&ps->c, "date %s is outside 2000-01-01..2100-01-01 UTC", date);
	else if (e->t > ps->now + MANUAL_CSV_FUTURE_S)
		conf_error(&ps->c, "date %s is in the future: enter a reading once it is taken",
		    date);
}

/* The amount, or the reading and its every. */
static void value_fields(struct parse *ps, char **f, struct manual_entry *e)
{
	enum col k = e->kind == KIND_DELTA ? COL_AMOUNT : COL_READING;
	const char *every = field(ps, f, COL_EVERY);
	char b[200];

	if (!number_parse(field(ps, f, k), &e->v))
		conf_error(&ps->c, "%s \"%s\": expected a number, 0 or more", col_names[k],
		    shown(field(ps, f, k), b, sizeof(b)));
	if (e->kind != KIND_DELTA && !every_parse(every, &e->every))
		conf_error(&ps->c, "every \"%s\": expected whole seconds from 1 to %ld, or empty "
		    "for a month (%ld)", shown(every, b, sizeof(b)), PAYLOAD_EVERY_MAX,
		    PAYLOAD_EVERY_MONTHLY);
}

/* An amount or a reading: where the file has columns for both, the line
 * fills one of them. */
static int line_kind(struct parse *ps, char **f, enum reading_kind *kind)
{
	bool amount = ps->amounts && (!ps->readings || field(ps, f, COL_AMOUNT)[0] != '\0');
	bool reading = ps->readings && (!ps->amounts || field(ps, f, COL_READING)[0] != '\0');

	if (amount == reading) {
		conf_error(&ps->c, amount ? "an amount and a reading: give one of them on a line" :
		    "no amount and no reading: give one of them on a line");
		return GM_EINVAL;
	}
	*kind = amount ? KIND_DELTA : KIND_COUNTER;
	return GM_OK;
}

/* Check one entry line; keep it if all is well. */
static void entry_line(struct parse *ps, char **f)
{
	struct manual_entry e = { .line = ps->c.line };
	const char *unit = field(ps, f, COL_UNIT);
	char err[200], b[200];
	int errors = ps->c.errors;

	if (line_kind(ps, f, &e.kind) != GM_OK)
		return;
	if (e.kind == KIND_DELTA)
		month_field(ps, f, &e);
	else
		date_field(ps, f, &e);
	if (id_copy(e.id.meter, field(ps, f, COL_METER), "meter", err, sizeof(err)) != GM_OK)
		conf_error(&ps->c, "%s", err);
	if (id_copy(e.id.channel, field(ps, f, COL_CHANNEL), "channel", err, sizeof(err)) != GM_OK)
		conf_error(&ps->c, "%s", err);
	value_fields(ps, f, &e);
	if (!unit_valid(unit))
		conf_error(&ps->c, "unit \"%s\": expected 1-15 characters [A-Za-z0-9/%%._-]",
		    shown(unit, b, sizeof(b)));
	else
		strcpy(e.unit, unit);
	if (ps->c.errors == errors && agrees(ps, &e, field(ps, f, e.kind == KIND_DELTA ?
	    COL_MONTH : COL_DATE)))
		keep(ps, &e);
}

static void parse_line(struct parse *ps, char *line)
{
	static const char *const why[] = {
		"", "a quoted field is not closed", "text after a closing quote",
		"more than 16 fields",
	};
	char *f[MAX_FIELDS];
	int nf;

	if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
		return;
	if ((nf = csv_split(line, f, MAX_FIELDS)) < 0) {
		conf_error(&ps->c, "%s", why[-nf]);
		return;
	}
	if (ps->header_line == 0)
		header(ps, f, nf);
	else if (!ps->header_ok)
		return;   /* what a field means is not known */
	else if (nf != ps->nfields)
		conf_error(&ps->c, "has %d field%s; the header (line %d) has %d", nf,
		    nf == 1 ? "" : "s", ps->header_line, ps->nfields);
	else
		entry_line(ps, f);
}

/* UTF-16 (as a spreadsheet's "Unicode text" saves it), with or without its
 * byte-order mark: nothing in it reads as our text, so one error says all. */
static bool utf16(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;

	if (len < 2)
		return false;
	return (u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF) ||
	    (u[0] != 0 && u[1] == 0) || (u[0] == 0 && u[1] != 0);
}

int manual_csv_parse(const char *name, const char *buf, size_t len, const char *site,
    double now, struct manual_entry **ret, size_t *ret_n, conf_report report,
    void *report_user)
{
	struct parse ps = { .c = { .path = name, .report = report, .report_user = report_user },
	    .now = now };
	char *line = malloc(MANUAL_CSV_LINE_MAX + 1);
	const char *nul;
	size_t off = 0;

	if (line == NULL) {
		conf_error(&ps.c, "out of memory");
		return ps.c.errors;
	}
	if (utf16(buf, len)) {
		conf_error_at(&ps.c, 1, "the file is UTF-16 text: save it as \"CSV UTF-8\"");
		off = len;
	} else if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	while (off < len) {
		size_t end = off;

		while (end < len && buf[end] != '\n' && buf[end] != '\r')
			end++;
		ps.c.line++;
		if (end - off > MANUAL_CSV_LINE_MAX) {
			conf_error(&ps.c, "line is longer than %d characters", MANUAL_CSV_LINE_MAX);
		} else if ((nul = memchr(buf + off, '\0', end - off)) != NULL) {
			conf_error(&ps.c, "a NUL byte (column %d): not text; save the file as "
			    "\"CSV UTF-8\"", (int)(nul - (buf + off)) + 1);
		} else {
			memcpy(line, buf + off, end - off);
			line[end - off] = '\0';
			parse_line(&ps, line);
		}
		/* LF, CRLF or a lone CR ends a line */
		off = end + (end + 1 < len && buf[end] == '\r' && buf[end + 1] == '\n' ? 2 : 1);
	}
	free(line);
	if (ps.header_line == 0 && ps.c.errors == 0)
		conf_error_at(&ps.c, 0, "no header line (month,meter,channel,amount,unit,note or "
		    "date,meter,channel,reading,unit,every,note)");
	else if (ps.n == 0 && ps.c.errors == 0)
		conf_error_at(&ps.c, ps.header_line, "no entries after the header: nothing to import");
	for (size_t i = 0; i < ps.n; i++)
		snprintf(ps.v[i].id.site, sizeof(ps.v[i].id.site), "%s", site);
	if (ps.c.errors != 0) {
		free(ps.v);
		return ps.c.errors;
	}
	*ret = ps.v;
	*ret_n = ps.n;
	return 0;
}
