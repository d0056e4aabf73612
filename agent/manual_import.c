/* manual_import.c - monthly manual entries: CSV in, delta readings out. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "manual_import.h"
#include "oneshot.h"
#include "timeutil.h"

#define MAX_FIELDS 16
#define LINE_MAX_CSV 2048

enum col { COL_MONTH, COL_METER, COL_CHANNEL, COL_AMOUNT, COL_UNIT, COL_NOTE, NCOLS };
static const char *const col_names[NCOLS] = {
	"month", "meter", "channel", "amount", "unit", "note",
};

struct parse {
	struct conf c;             /* for file:line reports */
	int col[NCOLS];            /* field index of each column, -1 if absent */
	bool header_ok;
	struct manual_entry *v;
	size_t n, cap;
};

/* Split one CSV line in place (RFC 4180 quoting). Returns the field count,
 * or -1 for an unterminated quote. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *o;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		char sep;

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
		} else {
			while (*p && *p != ',')
				*o++ = *p++;
		}
		/* Read the separator before ending the field: they may share a byte. */
		if ((sep = *p) != ',' && sep != '\0')
			return -1;
		*o = '\0';
		if (sep == '\0')
			break;
		p++;
	}
	return n;
}

static void header(struct parse *ps, char **f, int nf)
{
	for (int k = 0; k < NCOLS; k++)
		ps->col[k] = -1;
	for (int i = 0; i < nf; i++) {
		int k;
		for (k = 0; k < NCOLS && strcmp(f[i], col_names[k]) != 0; k++)
			;
		if (k == NCOLS)
			conf_error(&ps->c, "unknown column \"%s\" (expected month, meter, channel, "
			    "amount, unit, note)", f[i]);
		else
			ps->col[k] = i;
	}
	ps->header_ok = true;
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

static void entry_line(struct parse *ps, char **f, int nf)
{
	struct manual_entry e = { .line = ps->c.line };
	char *end, err[160];
	const char *month = f[ps->col[COL_MONTH]];

	for (int k = 0; k < COL_NOTE; k++) {
		if (ps->col[k] >= nf) {
			conf_error(&ps->c, "has %d fields; the header needs at least %d", nf,
			    ps->col[k] + 1);
			return;
		}
	}
	if (sscanf(month, "%4d-%2d", &e.year, &e.month) != 2 || strlen(month) != 7 ||
	    e.month < 1 || e.month > 12 || e.year < 2000 || e.year > 2099)
		conf_error(&ps->c, "month \"%s\": expected YYYY-MM (e.g. 2026-10)", month);
	if (chan_id_set(&e.id, "x", f[ps->col[COL_METER]], f[ps->col[COL_CHANNEL]], err,
	    sizeof(err)) != GM_OK)
		conf_error(&ps->c, "%s", err);
	errno = 0;
	e.amount = strtod(f[ps->col[COL_AMOUNT]], &end);
	if (*f[ps->col[COL_AMOUNT]] == '\0' || *end != '\0' || errno || !isfinite(e.amount) ||
	    e.amount < 0)
		conf_error(&ps->c, "amount \"%s\": expected a number, 0 or more",
		    f[ps->col[COL_AMOUNT]]);
	if (!unit_valid(f[ps->col[COL_UNIT]]))
		conf_error(&ps->c, "unit \"%s\": expected 1-15 characters [A-Za-z0-9/%%._-]",
		    f[ps->col[COL_UNIT]]);
	else
		strcpy(e.unit, f[ps->col[COL_UNIT]]);
	for (size_t i = 0; i < ps->n; i++) {
		const struct manual_entry *o = &ps->v[i];
		if (o->year == e.year && o->month == e.month && strcmp(o->id.meter, e.id.meter) == 0 &&
		    strcmp(o->id.channel, e.id.channel) == 0) {
			conf_error(&ps->c, "%s %s/%s is also at line %d", month, e.id.meter,
			    e.id.channel, o->line);
			return;
		}
	}
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
	e.seq = (uint64_t)((e.year - 2000) * 12 + e.month);
	e.t = month_end(e.year, e.month);
	ps->v[ps->n++] = e;
}

static void parse_line(struct parse *ps, char *line, bool first)
{
	char *f[MAX_FIELDS];
	int nf;

	if (first && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		memmove(line, line + 3, strlen(line + 3) + 1);
	if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
		return;
	if ((nf = csv_split(line, f, MAX_FIELDS)) < 0) {
		conf_error(&ps->c, "a quoted field is not closed");
		return;
	}
	if (first)
		header(ps, f, nf);
	else if (ps->header_ok)
		entry_line(ps, f, nf);
}

int manual_import_parse(const char *path, const char *site, struct manual_entry **ret,
    size_t *ret_n, conf_report report, void *report_user)
{
	struct parse ps = { .c = { .path = path, .report = report, .report_user = report_user } };
	char line[LINE_MAX_CSV];
	bool first = true;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		conf_error(&ps.c, "cannot open: %s", strerror(errno));
		return ps.c.errors;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		ps.c.line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			int ch;
			conf_error(&ps.c, "line is longer than %d characters", LINE_MAX_CSV - 2);
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		bool header_line = first && line[0] != '#';
		parse_line(&ps, line, header_line);
		if (header_line && line[strspn(line, " \t\r\n")] != '\0')
			first = false;
	}
	fclose(f);
	if (first && ps.c.errors == 0)
		conf_error(&ps.c, "no header line (month,meter,channel,amount,unit,note)");
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

/* --- publishing ----------------------------------------------------------- */

int manual_import_publish(const struct mqtt_opts *opts, const struct manual_entry *e,
    size_t n, int timeout_ms, char *err, size_t errlen)
{
	struct oneshot_msg *m = calloc(n ? n : 1, sizeof(*m));
	char why[256];
	int rc = GM_OK;

	if (m == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == GM_OK; i++) {
		struct payload_meta meta = { .kind = KIND_DELTA, .seq = e[i].seq };
		struct point pt = { .t = e[i].t, .v = e[i].amount };

		strcpy(meta.unit, e[i].unit);
		topic_build(m[i].topic, sizeof(m[i].topic), &e[i].id, TOPIC_READING);
		rc = payload_encode(&meta, &pt, 1, &m[i].payload, why, sizeof(why));
		if (rc != GM_OK)
			gm_errf(err, errlen, rc, "line %d: %s", e[i].line, why);
	}
	if (rc == GM_OK && (rc = oneshot_publish(opts, m, n, timeout_ms, why,
	    sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "%s; run the import again (entries already stored "
		    "are not stored twice)", why);
	for (size_t i = 0; i < n; i++)
		free(m[i].payload);
	free(m);
	return rc;
}
