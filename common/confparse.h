/*
 * confparse.h - INI files (inih) with file:line in every error.
 *
 * A config is never half-accepted: the parser reads the whole file, reports
 * every mistake through the caller's `report` callback as "path:line: ...",
 * and returns the number of errors. Callers fill a fresh struct and swap it
 * in only when the count is 0. common/ code never prints: `report` decides.
 *
 * Rules every file keeps (docs/configuration.md), whatever reads it; a line
 * that breaks one is reported and not read:
 *   - the file is at most CONF_FILE_MAX bytes, a line at most CONF_LINE_MAX
 *     (a CR before the newline is allowed and not counted);
 *   - text only: valid UTF-8 (no overlong forms, surrogates or code points
 *     past U+10FFFF: a file saved as TIS-620 / Windows-874 is refused, not
 *     misread), and no NUL byte or other control character but the tab;
 *   - a section header is "[name]", closed, with nothing after it but a
 *     comment; runs of spaces and tabs in the name count as one space, and
 *     the name is handed on that way. A header given twice, or one that
 *     cannot be read, is reported and the keys under it are not read;
 *   - a section without keys is refused (it would be silently ignored),
 *     unless a file's rules allow it;
 *   - a key given twice in one section is refused (except in the sections
 *     a file's rules name, struct conf_rules), and so is a key without a
 *     value ("key =": give one, or leave the key out). Key names reach the
 *     handler with their spaces squeezed as section names are.
 * Lists within a value have one syntax everywhere: conf_list().
 *
 * Messages are printable: a control character or a byte that is not UTF-8
 * (from a path or a value) is shown as '?'. A mistake about the file as a
 * whole (cannot be read, too long, a required section missing) has no line:
 * "path: message".
 */
#ifndef GM_CONFPARSE_H
#define GM_CONFPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "payload.h"

#define CONF_LINE_MAX 1024
#define CONF_FILE_MAX (1024 * 1024)

struct conf;
struct conf_state;

/* Called for every key = value; section is "" before the first [section].
 * Returns nothing: mistakes are reported with conf_error(). */
typedef void (*conf_handler)(struct conf *c, const char *section, const char *key,
    const char *value);
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
	struct conf_state *st;
	char *section;    /* the whole name: inih keeps only 49 characters */
};

/* What one kind of file allows beyond the rules above. */
struct conf_rules {
	/* Sections in which a key may be given more than once, NULL-terminated
	 * (organisation.ini's [meters]: a channel has a line per date its
	 * mapping changes). */
	const char *const *repeat_keys;
	/* A section may have no keys (a checklist's "[1.6.2]" not filled yet). */
	bool empty_sections;
};

/* Parse `path`. Returns the number of errors (0 = accepted); an unreadable
 * file counts as one error. conf_parse_rules() with rules NULL. */
int conf_parse(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user);
int conf_parse_rules(const char *path, const struct conf_rules *rules, conf_handler h,
    void *user, conf_report report, void *report_user);
/* The same for a file that must be a regular one (a channel's .meta): a
 * link, FIFO or anything else at its name is refused, never followed or
 * waited on (fileio_read_regular). */
int conf_parse_regular(const char *path, conf_handler h, void *user, conf_report report,
    void *report_user);

/* Report "path:line: <msg>" and count it. */
void conf_error(struct conf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same at another line (a section's start, for a key it lacks); line 0:
 * about the whole file, "path: <msg>". */
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
/* A secret's first line from the file at path (a password, a token): a
 * plain file only (a FIFO or a terminal would hold the program up before it
 * starts), and with owner_only none that others may read (a token in a
 * world-readable file is a token given away). Reports "key = "path": why". */
bool conf_secret(struct conf *c, const char *key, const char *path, char *dst, size_t len,
    bool owner_only);
/* A channel's unit and kind as the wire contract takes them (payload.h):
 * one rule and one message for every file that names a channel. */
bool conf_unit(struct conf *c, const char *key, const char *value, char *dst);
bool conf_kind(struct conf *c, const char *key, const char *value, enum reading_kind *out);
/* "host:port" or "[v6]:port"; port defaults to `defport` when absent. */
bool conf_hostport(struct conf *c, const char *key, const char *value, char *host,
    size_t hostlen, int *port, int defport);

/* A list: items separated by commas, spaces or both ("a, b", "a b", "a,b").
 * An empty item (",", "a,,b", "a,", ", a"), an item given twice, or more
 * than max items are refused with "key = "value": why". The items are
 * copied into buf (len > strlen(value)) and items[i] points at each.
 * Returns how many (1..max), or -1 after reporting. */
int conf_list(struct conf *c, const char *key, const char *value, char *buf, size_t len,
    char **items, int max);

/* "[meter sdm630-b2]" -> type "meter", name "sdm630-b2"; name may be "".
 * Returns false if the section has more than two words. */
bool conf_section_split(const char *section, char *type, size_t typelen,
    char *name, size_t namelen);

/* Can value be written as "key = value" and read back as it is: one line,
 * no space or tab at either end, no ';' first or after a space or tab (the
 * start of a comment). For the files programs write for people and each other (a
 * checklist, the action plan). */
bool conf_writable(const char *value);

#endif
