/*
 * confparse.h - INI files (inih) with file:line in every error.
 *
 * A config is never half-accepted: the parser reads the whole file, reports
 * every mistake through the caller's `report` callback as "path:line: ...",
 * and returns the number of errors. Callers fill a fresh struct and swap it
 * in only when the count is 0. common/ code never prints: `report` decides.
 */
#ifndef GM_CONFPARSE_H
#define GM_CONFPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONF_LINE_MAX 1024

struct conf;

/* Called for every key = value; section is "" before the first [section].
 * Returns nothing: mistakes are reported with conf_error(). */
typedef void (*conf_handler)(struct conf *c, const char *section,
    const char *key, const char *value);
typedef void (*conf_report)(void *user, const char *msg);

struct conf {
	const char *path;
	int line;         /* line of the key being handled */
	int section_line; /* line of its [section] header, 0 before the first */
	int errors;
	void *user;       /* the caller's config being filled */
	conf_handler handler;
	conf_report report;
	void *report_user;
	/* private */
	void *fp;
	char *section;    /* the whole name: inih keeps only 49 characters */
};

/* Parse `path`. Returns the number of errors (0 = accepted); an unreadable
 * file counts as one error. */
int conf_parse(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user);
/* The same for a file the caller opened (a channel's .meta, opened so that
 * a FIFO at its name cannot block: fileio.h): read from fp, named path in
 * the messages; fp stays the caller's to close. */
int conf_parse_file(FILE *fp, const char *path, conf_handler h, void *user,
    conf_report report, void *report_user);

/* Report "path:line: <msg>" and count it. */
void conf_error(struct conf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same at another line (a section's start, for a key it lacks). */
void conf_error_at(struct conf *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Value helpers: on a bad value they report "key = "value": why" and return false. */
bool conf_long(struct conf *c, const char *key, const char *value, long min, long max,
    long *out);
bool conf_double(struct conf *c, const char *key, const char *value, double min,
    double max, double *out);
bool conf_bool(struct conf *c, const char *key, const char *value, bool *out);
bool conf_str(struct conf *c, const char *key, const char *value, char *dst, size_t len);
bool conf_id(struct conf *c, const char *key, const char *value, char *dst);
/* "host:port" or "[v6]:port"; port defaults to `defport` when absent. */
bool conf_hostport(struct conf *c, const char *key, const char *value, char *host,
    size_t hostlen, int *port, int defport);

/* "[meter sdm630-b2]" -> type "meter", name "sdm630-b2"; name may be "".
 * Returns false if the section has more than two words. */
bool conf_section_split(const char *section, char *type, size_t typelen,
    char *name, size_t namelen);

#endif
