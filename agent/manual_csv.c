/* manual_csv.c - monthly entries: CSV text in, checked entries out. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "manual_csv.h"

#define MAX_FIELDS 16

enum col { COL_MONTH, COL_METER, COL_CHANNEL, COL_AMOUNT, COL_UNIT, COL_NOTE, NCOLS };
static const char *const col_names[NCOLS] = {
	"month", "meter", "channel", "amount", "unit", "note",
};

struct parse {
	struct conf c;             /* for file:line reports */
	double now;                /* unix seconds: a month not over is refused */
	int col[NCOLS];            /* field index of each column, -1 if absent */
	int nfields;               /* fields of the header, so of every line */
	int header_line;           /* 0 until the header is read */
	bool header_ok;
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
			conf_error(&ps->c, "unknown column \"%s\" (expected month, meter, channel, "
			    "amount, unit, note)", shown(f[i], b, sizeof(b)));
		} else if (ps->col[k] >= 0) {
			conf_error(&ps->c, "column \"%s\" appears twice (columns %d and %d)",
			    col_names[k], ps->col[k] + 1, i + 1);
			ps->header_ok = false;
		} else {
			ps->col[k] = i;
		}
	}
	for (int k = 0; k < COL_NOTE; k++) {
		if (ps->col[k] < 0) {
			conf_error(&ps->c, "column \"%s\" is missing", col_names[k]);
			ps->header_ok = false;
		}
	}
}

/* The last second of a month, local time. */
static double month_end(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month, .tm_mday = 1,
	    .tm_isdst = -1 };   /* the first day of the next month (mktime carries) */

	return (double)mktime(&tm) - 1;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* "YYYY-MM", 2000-01..2099-12, and nothing else. */
static bool month_parse(const char *s, int *year, int *month)
{
	if (strlen(s) != 7 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2))
		return false;
	*year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*month = (s[5] - '0') * 10 + (s[6] - '0');
	return *year >= 2000 && *year <= 2099 && *month >= 1 && *month <= 12;
}

/* A plain decimal, finite, 0 or more: [-]digits[.digits][e[+-]digits] with
 * a digit somewhere before the exponent. strtod alone would take "nan",
 * "inf", hex, leading spaces and a '+'. */
static bool amount_parse(const char *s, double *out)
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

/* A channel's unit is the same on every line; a month of it comes once. */
static bool agrees(struct parse *ps, const struct manual_entry *e, const char *month)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct manual_entry *o = &ps->v[i];
		if (strcmp(o->id.meter, e->id.meter) != 0 || strcmp(o->id.channel, e->id.channel) != 0)
			continue;
		if (strcmp(o->unit, e->unit) != 0) {
			conf_error(&ps->c, "unit \"%s\" of %s/%s differs from \"%s\" at line %d", e->unit,
			    e->id.meter, e->id.channel, o->unit, o->line);
			return false;
		}
		if (o->year == e->year && o->month == e->month) {
			conf_error(&ps->c, "%s %s/%s is also at line %d", month, e->id.meter,
			    e->id.channel, o->line);
			return false;
		}
	}
	return true;
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

/* Check one entry line; keep it if all is well. */
static void entry_line(struct parse *ps, char **f)
{
	struct manual_entry e = { .line = ps->c.line };
	char err[200], b[200];
	const char *month = f[ps->col[COL_MONTH]], *amount = f[ps->col[COL_AMOUNT]];
	const char *unit = f[ps->col[COL_UNIT]];
	int errors = ps->c.errors;

	if (!month_parse(month, &e.year, &e.month)) {
		conf_error(&ps->c, "month \"%s\": expected YYYY-MM (e.g. 2026-10)",
		    shown(month, b, sizeof(b)));
	} else {
		e.seq = (uint64_t)((e.year - 2000) * 12 + e.month);
		e.t = month_end(e.year, e.month);
		/* stamped with its last second: before that, the collector would
		 * refuse it as a reading from the future */
		if (e.t > ps->now + MANUAL_CSV_FUTURE_S)
			conf_error(&ps->c, "month %s is not over yet: enter it once it is", month);
	}
	if (id_copy(e.id.meter, f[ps->col[COL_METER]], "meter", err, sizeof(err)) != GM_OK)
		conf_error(&ps->c, "%s", err);
	if (id_copy(e.id.channel, f[ps->col[COL_CHANNEL]], "channel", err, sizeof(err)) != GM_OK)
		conf_error(&ps->c, "%s", err);
	if (!amount_parse(amount, &e.amount))
		conf_error(&ps->c, "amount \"%s\": expected a number, 0 or more",
		    shown(amount, b, sizeof(b)));
	if (!unit_valid(unit))
		conf_error(&ps->c, "unit \"%s\": expected 1-15 characters [A-Za-z0-9/%%._-]",
		    shown(unit, b, sizeof(b)));
	else
		strcpy(e.unit, unit);
	if (ps->c.errors == errors && agrees(ps, &e, month))
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
		conf_error_at(&ps.c, 0, "no header line (month,meter,channel,amount,unit,note)");
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
