/*
 * confparse.c - inih with line numbers, every error reported, and the rules
 * every greenmeter config file keeps (confparse.h).
 *
 * The file is read whole first and handed to inih a line at a time through
 * our own reader, which counts lines and checks each before inih sees it:
 * inih reads lines with fgets, so a NUL byte would silently cut a line
 * short, and it tells a handler nothing about lines. When the handler runs,
 * the last line read is the one it is about (multi-line values are switched
 * off to keep that true). The reader also reads section headers itself (inih
 * keeps only 49 characters of a name and says nothing of a section without
 * keys), so every syntax error, duplicate and empty section is reported,
 * not just the first.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "confparse.h"
#include "gm_err.h"
#include "fileio.h"
#include "hmap.h"
#include "topic.h"

/* A section or key already read, by its text: "s<section>" or
 * "k<section number>:<key>". */
struct conf_seen {
	int line;
	char text[];
};

struct conf_state {
	const char *buf, *end, *pos;    /* the file, and the next line */
	const struct conf_rules *rules;
	struct hmap seen;               /* struct conf_seen, by text */
	int nsections;                  /* headers taken: the current one's number */
	bool in_section;                /* below a header that was taken */
	bool skip;                      /* below a header that was refused */
	bool repeat;                    /* keys may repeat in the current section */
	int keys;                       /* keys read in the current section */
};

/* ---- errors -------------------------------------------------------------- */

static void conf_verror(struct conf *c, int line, const char *fmt, va_list ap)
{
	char msg[600], out[700];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		snprintf(out, sizeof(out), "%s:%d: %s", c->path, line, msg);
	else
		snprintf(out, sizeof(out), "%s: %s", c->path, msg);
	gm_printable(out);
	c->errors++;
	if (c->report)
		c->report(c->report_user, out);
}

void conf_error(struct conf *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(c, c->line, fmt, ap);
	va_end(ap);
}

void conf_error_at(struct conf *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(c, line, fmt, ap);
	va_end(ap);
}

/* ---- what has been seen ------------------------------------------------ */

/* Remember text at line: 0 if it is new, the line it was first seen at if
 * not, -1 when out of memory. */
static int seen_add(struct conf_state *st, const char *text, int line)
{
	struct conf_seen *e = hmap_find(&st->seen, text);
	size_t len = strlen(text) + 1;

	if (e != NULL)
		return e->line;
	if ((e = malloc(sizeof(*e) + len)) == NULL)
		return -1;
	e->line = line;
	memcpy(e->text, text, len);
	if (hmap_add(&st->seen, e) != GM_OK) {
		free(e);
		return -1;
	}
	return 0;
}

static void seen_free(struct conf_state *st)
{
	struct conf_seen *e;

	for (size_t i = 0; (e = hmap_next(&st->seen, &i)) != NULL; )
		free(e);
	hmap_fini(&st->seen);
}

/* ---- lines ------------------------------------------------------------- */

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* s[0..n) with runs of spaces and tabs made one space, none at either end. */
static void squeeze(char *dst, const char *s, size_t n)
{
	size_t o = 0;
	bool space = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			space = o > 0;
			continue;
		}
		if (space)
			dst[o++] = ' ';
		space = false;
		dst[o++] = s[i];
	}
	dst[o] = '\0';
}

/* Why line[0..n) is not text greenmeter reads, or NULL. */
static const char *line_problem(const char *line, size_t n, char *why, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;

	if (n > CONF_LINE_MAX) {
		snprintf(why, len, "line is longer than %d characters", CONF_LINE_MAX);
		return why;
	}
	for (size_t i = 0; i < n;) {
		/* printable ASCII, most of a file: line[n] is a newline, a CR or
		 * the NUL after the file, none of which strspn() takes */
		size_t run = strspn(line + i, gm_ascii_printable);
		unsigned long cp;
		size_t k;

		if (run > 0) {
			i += run < n - i ? run : n - i;
			continue;
		}
		k = gm_utf8_char(s + i, n - i, &cp);
		if (k == 0)
			snprintf(why, len, "not UTF-8 text at column %zu (save the file as "
			    "UTF-8, not TIS-620 or Windows-874)", i + 1);
		else if (cp == 0)
			snprintf(why, len, "a NUL byte at column %zu", i + 1);
		else if (gm_control(cp) && cp != '\t')
			snprintf(why, len, "control character U+%04lX at column %zu", cp, i + 1);
		if (k == 0 || (gm_control(cp) && cp != '\t'))
			return why;
		i += k;
	}
	return NULL;
}

/* Where a key line's '=' or ':' is, or NULL: as inih looks for it, which
 * stops at an inline comment (a ';' after a space). */
static const char *find_equals(const char *s)
{
	bool was_space = false;

	for (; *s; s++) {
		if (*s == '=' || *s == ':')
			return s;
		if (was_space && *s == ';')
			return NULL;
		was_space = isspace((unsigned char)*s);
	}
	return NULL;
}

/* The section before a new header (or the end) is done: it must have keys. */
static void section_done(struct conf *c)
{
	struct conf_state *st = c->st;

	if (st->in_section && st->keys == 0 && !(st->rules && st->rules->empty_sections))
		conf_error_at(c, c->section_line, "[%s] has no keys", c->section);
	st->in_section = false;
}

/* From here on, keys are not read: their header was refused. */
static void skip_section(struct conf *c)
{
	c->st->skip = true;
	c->st->in_section = false;
	c->section_line = c->line;
}

static void header(struct conf *c, const char *s)
{
	struct conf_state *st = c->st;
	const char *close = strchr(s, ']'), *after;
	char name[CONF_LINE_MAX + 2];
	int first;

	section_done(c);
	if (close == NULL) {
		conf_error(c, "section header has no closing ']'");
		skip_section(c);
		return;
	}
	after = skip_space(close + 1);
	if (*after != '\0' && *after != ';' && *after != '#') {
		conf_error(c, "text after the section header's ']'");
		skip_section(c);
		return;
	}
	name[0] = 's';   /* a section's text among those seen */
	squeeze(name + 1, s + 1, (size_t)(close - s - 1));
	if (name[1] == '\0') {
		conf_error(c, "section header without a name");
		skip_section(c);
		return;
	}
	if ((first = seen_add(st, name, c->line)) != 0) {
		if (first < 0)
			conf_error(c, "out of memory");
		else
			conf_error(c, "[%s] is given twice (first at line %d)", name + 1, first);
		skip_section(c);
		return;
	}
	strcpy(c->section, name + 1);
	c->section_line = c->line;
	st->nsections++;
	st->in_section = true;
	st->skip = false;
	st->keys = 0;
	st->repeat = false;
	for (const char *const *r = st->rules ? st->rules->repeat_keys : NULL; r && *r; r++)
		st->repeat |= strcmp(*r, c->section) == 0;
}

/* What inih accepts: blank, comment, [section], or key = value / key: value.
 * Section headers are taken here. */
static void check_syntax(struct conf *c, const char *raw)
{
	const char *s;

	if (c->line == 1 && strncmp(raw, "\xEF\xBB\xBF", 3) == 0)
		raw += 3;  /* a UTF-8 byte order mark, which inih skips too */
	s = skip_space(raw);
	if (*s == '\0' || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		header(c, s);
		return;
	}
	if (find_equals(s) == NULL)
		conf_error(c, "expected \"key = value\" or \"[section]\"");
	else if (*s == '=' || *s == ':')
		conf_error(c, "line has a value but no key");
}

/* inih's reader: the next line of the file, checked. A line that is not
 * text is reported and handed on empty; if it was a header, its keys are
 * skipped. */
static char *conf_reader(char *str, int num, void *stream)
{
	struct conf *c = stream;
	struct conf_state *st = c->st;
	const char *p = st->pos, *eol;
	char why[160];
	size_t n;

	if (p >= st->end)
		return NULL;
	eol = memchr(p, '\n', (size_t)(st->end - p));
	st->pos = eol ? eol + 1 : st->end;
	n = (size_t)((eol ? eol : st->end) - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;   /* a CRLF line end */
	c->line++;
	str[0] = '\0';
	if (line_problem(p, n, why, sizeof(why)) != NULL) {
		conf_error(c, "%s", why);
		if (*skip_space(p) == '[') {
			section_done(c);
			skip_section(c);
		}
		return str;
	}
	/* num is CONF_LINE_MAX + 3 (ini_setup): the line fits */
	snprintf(str, (size_t)num, "%.*s", (int)n, p);
	check_syntax(c, str);
	return str;
}

static int conf_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf *c = user;
	struct conf_state *st = c->st;
	char key[CONF_LINE_MAX + 32];
	int first, at;

	(void)section;  /* cut at 49 characters: c->section is the whole name */
	if (st->skip || name[0] == '\0')  /* "= value" was reported by check_syntax() */
		return 1;
	at = snprintf(key, sizeof(key), "k%d:", st->nsections);
	squeeze(key + at, name, strlen(name));
	if (!st->repeat && (first = seen_add(st, key, c->line)) != 0) {
		if (first < 0)
			conf_error(c, "out of memory");
		else if (c->section_line > 0)
			conf_error(c, "\"%s\" is given twice in [%s] (first at line %d)", key + at,
			    c->section, first);
		else
			conf_error(c, "\"%s\" is given twice (first at line %d)", key + at, first);
		return 1;
	}
	st->keys++;
	if (value[0] == '\0') {
		conf_error(c, "\"%s\" has no value (give one, or leave the key out)", key + at);
		return 1;
	}
	c->handler(c, c->section, key + at, value);
	return 1;  /* our own errors are counted; 0 would make inih add one */
}

/* inih's knobs are globals: set once, so that files may be parsed on
 * several threads at a time (gm-report reads .meta files on two). */
static pthread_once_t ini_once = PTHREAD_ONCE_INIT;

static void ini_setup(void)
{
	ini_allow_multiline = false;
	ini_max_line = CONF_LINE_MAX + 3;
}

/* Parse buf (len bytes, NUL after them; taken and freed) as the file path;
 * why: the read's error, when buf is NULL. */
static int parse_buf(const char *path, const struct conf_rules *rules, char *buf, size_t len,
    const char *why, conf_handler h, void *user, conf_report report, void *report_user)
{
	char section[CONF_LINE_MAX + 2] = "";
	struct conf_state st = { .rules = rules };

	hmap_init(&st.seen, &hmap_str_keys, offsetof(struct conf_seen, text), false);
	struct conf c = {
		.path = path, .user = user, .handler = h, .st = &st,
		.report = report, .report_user = report_user, .section = section,
	};

	if (buf == NULL) {
		conf_error(&c, "%s", why);
		return c.errors;
	}
	st.buf = st.pos = buf;
	st.end = buf + len;
	pthread_once(&ini_once, ini_setup);
	ini_parse_stream(conf_reader, &c, conf_ini_handler, &c);
	section_done(&c);
	seen_free(&st);
	free(buf);
	return c.errors;
}

/* path read by `read` (fileio_read_all or fileio_read_regular), parsed. */
static int parse_read(const char *path, const struct conf_rules *rules,
    int (*read)(const char *, size_t, char **, size_t *, char *, size_t), conf_handler h,
    void *user, conf_report report, void *report_user)
{
	char why[300], *buf = NULL;
	size_t len = 0;

	if (read(path, CONF_FILE_MAX, &buf, &len, why, sizeof(why)) != GM_OK)
		buf = NULL;
	return parse_buf(path, rules, buf, len, why, h, user, report, report_user);
}

int conf_parse_rules(const char *path, const struct conf_rules *rules, conf_handler h,
    void *user, conf_report report, void *report_user)
{
	return parse_read(path, rules, fileio_read_all, h, user, report, report_user);
}

int conf_parse_regular(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user)
{
	return parse_read(path, NULL, fileio_read_regular, h, user, report, report_user);
}

int conf_parse(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user)
{
	return conf_parse_rules(path, NULL, h, user, report, report_user);
}

static void bad_value(struct conf *c, const char *key, const char *value, const char *why)
{
	conf_error(c, "%s = \"%s\": %s", key, value, why);
}

bool conf_long(struct conf *c, const char *key, const char *value, long min, long max,
    long *out)
{
	char *end, why[96];
	long v;
	int base;

	/* Hex with 0x, else decimal: base 0 would read "010" as octal 8. */
	base = value[0] == '0' && (value[1] == 'x' || value[1] == 'X') ? 16 : 10;
	errno = 0;
	v = strtol(value, &end, base);
	if (*value == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		snprintf(why, sizeof(why), "expected a whole number from %ld to %ld", min, max);
		bad_value(c, key, value, why);
		return false;
	}
	*out = v;
	return true;
}

bool conf_double(struct conf *c, const char *key, const char *value, double min,
    double max, double *out)
{
	char *end, why[96];
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (*value == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < min ||
	    v > max) {
		snprintf(why, sizeof(why), "expected a number from %g to %g", min, max);
		bad_value(c, key, value, why);
		return false;
	}
	*out = v;
	return true;
}

bool conf_bool(struct conf *c, const char *key, const char *value, bool *out)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
	    strcmp(value, "on") == 0 || strcmp(value, "1") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 ||
	    strcmp(value, "off") == 0 || strcmp(value, "0") == 0) {
		*out = false;
		return true;
	}
	bad_value(c, key, value, "expected yes or no");
	return false;
}

bool conf_str(struct conf *c, const char *key, const char *value, char *dst, size_t len)
{
	if (strlen(value) >= len) {
		char why[64];
		snprintf(why, sizeof(why), "longer than %zu characters", len - 1);
		bad_value(c, key, value, why);
		return false;
	}
	strcpy(dst, value);
	return true;
}

bool conf_id(struct conf *c, const char *key, const char *value, char *dst)
{
	if (!id_valid(value)) {
		bad_value(c, key, value, "ids are 1-64 characters [a-z0-9_-], starting "
		    "with a letter or digit");
		return false;
	}
	strcpy(dst, value);
	return true;
}

bool conf_unit(struct conf *c, const char *key, const char *value, char *dst)
{
	if (!unit_valid(value)) {
		bad_value(c, key, value, "expected 1-15 characters [A-Za-z0-9/%._-]");
		return false;
	}
	strcpy(dst, value);
	return true;
}

bool conf_kind(struct conf *c, const char *key, const char *value, enum reading_kind *out)
{
	if (kind_parse(value, out) != GM_OK) {
		bad_value(c, key, value, "expected counter, gauge or delta");
		return false;
	}
	return true;
}

bool conf_hostport(struct conf *c, const char *key, const char *value, char *host,
    size_t hostlen, int *port, int defport)
{
	const char *colon, *h = value;
	size_t n;
	long p = defport;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (close == NULL)
			goto bad;
		n = (size_t)(close - value - 1);
		h = value + 1;  /* value itself stays whole for the message */
		colon = close[1] == ':' ? close + 1 : (close[1] == '\0' ? NULL : close);
		if (colon == close)
			goto bad;
	} else {
		colon = strrchr(value, ':');
		n = colon ? (size_t)(colon - value) : strlen(value);
		if (memchr(value, ':', n) != NULL)  /* IPv6 without [ ]: "::1" is not ":" port 1 */
			goto bad;
	}
	if (n == 0 || n >= hostlen)
		goto bad;
	if (colon != NULL) {
		char *end;
		p = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || p < 1 || p > 65535)
			goto bad;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	*port = (int)p;
	return true;
bad:
	bad_value(c, key, value, "expected host:port (port 1-65535)");
	return false;
}

/* The words of value between commas into buf and items: false after
 * reporting an empty part or too many words. */
static bool list_split(struct conf *c, const char *key, const char *value, char *buf,
    char **items, int max, int *n)
{
	const char *s = value;
	size_t o = 0;

	for (;;) {
		const char *comma = strchr(s, ',');
		const char *end = comma ? comma : s + strlen(s);
		int words = 0;

		for (const char *w = s, *we; w < end; w = we) {
			while (w < end && isspace((unsigned char)*w))
				w++;
			if (w == end)
				break;
			for (we = w; we < end && !isspace((unsigned char)*we); we++)
				;
			if (*n == max) {
				char why[64];
				snprintf(why, sizeof(why), "more than %d items", max);
				bad_value(c, key, value, why);
				return false;
			}
			items[(*n)++] = buf + o;
			memcpy(buf + o, w, (size_t)(we - w));
			o += (size_t)(we - w);
			buf[o++] = '\0';
			words++;
		}
		if (words == 0) {
			bad_value(c, key, value, "an empty item in the list (two commas, or a "
			    "comma at one end)");
			return false;
		}
		if (comma == NULL)
			return true;
		s = comma + 1;
	}
}

int conf_list(struct conf *c, const char *key, const char *value, char *buf, size_t len,
    char **items, int max)
{
	int n = 0;

	if (strlen(value) >= len) {
		bad_value(c, key, value, "the list is too long");
		return -1;
	}
	if (*skip_space(value) == '\0') {
		bad_value(c, key, value, "an empty list");
		return -1;
	}
	if (!list_split(c, key, value, buf, items, max, &n))
		return -1;
	for (int i = 1; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (strcmp(items[i], items[j]) == 0) {
				char why[CONF_LINE_MAX + 32];
				snprintf(why, sizeof(why), "\"%s\" is listed twice", items[i]);
				bad_value(c, key, value, why);
				return -1;
			}
		}
	}
	return n;
}

bool conf_section_split(const char *section, char *type, size_t typelen,
    char *name, size_t namelen)
{
	const char *sp = strchr(section, ' ');
	size_t n = sp ? (size_t)(sp - section) : strlen(section);

	if (n >= typelen)
		return false;
	memcpy(type, section, n);
	type[n] = '\0';
	name[0] = '\0';
	if (sp == NULL)
		return true;
	sp = skip_space(sp);
	if (strlen(sp) >= namelen || strchr(sp, ' ') != NULL)
		return false;
	strcpy(name, sp);
	return true;
}

bool conf_secret(struct conf *c, const char *key, const char *path, char *dst, size_t len,
    bool owner_only)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	dst[0] = '\0';
	if (fd < 0) {
		conf_error(c, "%s = \"%s\": %s", key, path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		conf_error(c, "%s = \"%s\": not a plain file", key, path);
	} else if (owner_only && (st.st_mode & 077) != 0) {
		conf_error(c, "%s = \"%s\": others may read it (mode %03o): chmod 600 it", key, path,
		    (unsigned)(st.st_mode & 0777));
	} else {
		n = read(fd, dst, len - 1);
		dst[n > 0 ? n : 0] = '\0';
		dst[strcspn(dst, "\r\n")] = '\0';
		if (dst[0] == '\0')
			conf_error(c, "%s = \"%s\": its first line is empty", key, path);
	}
	close(fd);
	return dst[0] != '\0';
}

bool conf_writable(const char *value)
{
	size_t n = strlen(value);

	for (size_t i = 0; i < n; i++)
		if (value[i] == '\n' || value[i] == '\r' || (value[i] == ';' && i > 0 &&
		    (value[i - 1] == ' ' || value[i - 1] == '\t')))
			return false;
	/* written after "= ", a leading ';' would start a comment */
	return n == 0 || (value[0] != ' ' && value[0] != '\t' && value[0] != ';' &&
	    value[n - 1] != ' ' && value[n - 1] != '\t');
}
