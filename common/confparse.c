/*
 * confparse.c - inih with line numbers and every error reported.
 *
 * inih tells a handler nothing about lines, so we feed it through our own
 * reader, which counts them: when the handler runs, the last line read is the
 * one it is about (multi-line values are switched off to keep that true).
 * The reader also catches lines inih would reject, so every syntax error is
 * reported, not just the first.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "confparse.h"
#include "topic.h"

static void conf_verror(struct conf *c, int line, const char *fmt, va_list ap)
{
	char msg[600], out[700];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		snprintf(out, sizeof(out), "%s:%d: %s", c->path, line, msg);
	else
		snprintf(out, sizeof(out), "%s: %s", c->path, msg);
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

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* What inih accepts: blank, comment, [section], or key = value / key: value.
 * A section header's name is kept here whole, with its line. */
static void check_syntax(struct conf *c, const char *raw)
{
	const char *s, *close;

	if (c->line == 1 && strncmp(raw, "\xEF\xBB\xBF", 3) == 0)
		raw += 3;  /* a UTF-8 byte order mark, which inih skips too */
	s = skip_space(raw);
	if (*s == '\0' || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		if ((close = strchr(s, ']')) == NULL) {
			conf_error(c, "section header has no closing ']'");
		} else {
			memcpy(c->section, s + 1, (size_t)(close - s - 1));
			c->section[close - s - 1] = '\0';
			c->section_line = c->line;
		}
		return;
	}
	if (strpbrk(s, "=:") == NULL)
		conf_error(c, "expected \"key = value\" or \"[section]\"");
	else if (*s == '=' || *s == ':')
		conf_error(c, "line has a value but no key");
}

static char *conf_reader(char *str, int num, void *stream)
{
	struct conf *c = stream;
	char buf[CONF_LINE_MAX + 2];
	size_t n;

	if (fgets(buf, sizeof(buf), c->fp) == NULL)
		return NULL;
	c->line++;
	n = strlen(buf);
	if (n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
		int ch;
		conf_error(c, "line is longer than %d characters", CONF_LINE_MAX);
		while ((ch = fgetc(c->fp)) != EOF && ch != '\n')
			;
		buf[0] = '\0';  /* hand inih an empty line instead */
	}
	check_syntax(c, buf);
	snprintf(str, (size_t)num, "%s", buf);
	return str;
}

static int conf_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf *c = user;

	(void)section;  /* cut at 49 characters: c->section is the whole name */
	if (name[0] != '\0')  /* "= value" was reported by check_syntax() */
		c->handler(c, c->section, name, value);
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

int conf_parse_file(FILE *fp, const char *path, conf_handler h, void *user,
    conf_report report, void *report_user)
{
	char section[CONF_LINE_MAX + 1] = "";
	struct conf c = {
		.path = path, .user = user, .handler = h,
		.report = report, .report_user = report_user, .section = section, .fp = fp,
	};

	pthread_once(&ini_once, ini_setup);
	ini_parse_stream(conf_reader, &c, conf_ini_handler, &c);
	if (ferror(fp)) {  /* e.g. a directory: fopen() works, reading not */
		c.line = 0;
		conf_error(&c, "cannot read: %s", strerror(errno));
	}
	return c.errors;
}

int conf_parse(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user)
{
	FILE *fp = fopen(path, "r");
	int errors;

	if (fp == NULL) {
		struct conf c = { .path = path, .report = report, .report_user = report_user };

		conf_error(&c, "cannot open: %s", strerror(errno));
		return c.errors;
	}
	errors = conf_parse_file(fp, path, h, user, report, report_user);
	fclose(fp);
	return errors;
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
