/*
 * entries.h - the entries journal of a delta channel: manual entries such as
 * reams of paper issued, litres of fuel or kg of waste, each the amount used
 * in a period that ends at the entry's time t. One format for the writer
 * (gm-collector, collector/entry_store.c) and every reader (gm-report, the
 * dashboard), so all of them agree on which entry counts.
 *
 * File "<datadir>/<site>/<meter>/<channel>.entries", text, format version 1:
 *
 *   greenmeter-entries 1
 *   1727715600 35 4 1728540000.25
 *   1730394000 40 5 1730800000
 *   1727715600 36 6 1730900000
 *
 * The first line names the format and its version. Then one entry a line,
 * fields separated by one space:
 *   t            unix seconds: when the period the amount covers ends
 *   v            the amount used in that period, in the channel's unit
 *   seq          the seq of the message that brought it (wire contract)
 *   received_at  unix seconds: when the collector stored it
 * Numbers are the shortest decimal that reads back as the same double, so a
 * value read back compares equal to the value written.
 *
 * The file only grows. The entry for a time t is the LAST line with that t:
 * a later line with the same t corrects the earlier one, which stays in the
 * file as its history (above, September's 35 reams became 36). Every line
 * ends in '\n'; bytes after the last '\n' are a line torn by a crash
 * mid-write, not an entry: readers ignore them, the collector cuts them off
 * before it appends. A file without a whole first line (a crash while it was
 * created) is a journal with no entries.
 *
 * COMPATIBILITY: fields may be added at the end of a line (readers ignore
 * what follows the fourth field); a change of a field's meaning, or of the
 * last-line-wins rule, gets a new version number, and a reader refuses a
 * version newer than ENTRIES_VERSION rather than misread it.
 *
 * Errors: GM_EINVAL with "<name>:<line>: reason", GM_EIO with the system's
 * reason, GM_ENOTFOUND for no file, GM_ENOMEM. Nothing here prints.
 */
#ifndef GM_ENTRIES_H
#define GM_ENTRIES_H

#include <stddef.h>
#include <stdint.h>

#include "topic.h"

#define ENTRIES_VERSION 1
#define ENTRIES_MAGIC "greenmeter-entries"
#define ENTRIES_SUFFIX ".entries"
#define ENTRIES_LINE_MAX 1024   /* longest line read; version 1 writes < 100 */

struct entry {
	double t, v;
	uint64_t seq;
	double received_at;
	size_t line;     /* its line in the file; the header is line 1 */
};

/* A journal as read: the entry in force for each t. Caller-owned; free the
 * array with entries_free. */
struct entries {
	struct entry *e;    /* one per t, in increasing t: the last line of that t */
	size_t n;
	size_t lines;       /* entry lines read, corrections and repeats included */
	size_t valid_len;   /* bytes up to and including the last '\n' */
	size_t torn_len;    /* bytes after it: a torn line, not an entry */
	size_t nbad;        /* complete lines that are not entries (skipped) */
	char bad[200];      /* the first such line's "<name>:<line>: reason" */
};

/* "<datadir>/<site>/<meter>/<channel>.entries". Only validated ids reach
 * here (struct chan_id is filled by topic.c), so no id climbs out of datadir. */
void entries_path(char *buf, size_t len, const char *datadir, const struct chan_id *id);

/* The header line, "greenmeter-entries 1\n"; *len gets its length. */
const char *entries_header(size_t *len);

/* One entry as its line, '\n' included, into buf (at least ENTRIES_LINE_MAX
 * bytes); returns the line's length. e->line is not written. */
size_t entries_format(char *buf, size_t len, const struct entry *e);

/* Read a journal's bytes. `name` is used in messages. A header that is
 * foreign or of a newer version is GM_EINVAL; a complete line that
 * is not an entry is skipped and counted in nbad, so that the collector can
 * still append to a journal someone mended badly by hand (readers that must
 * not sum around a hole use entries_load). */
int entries_parse(const char *buf, size_t len, const char *name, struct entries *out,
    char *err, size_t errlen);

/* Read and parse the file at path, refusing it (GM_EINVAL, naming the first
 * bad line) if any complete line is not an entry. */
int entries_load(const char *path, struct entries *out, char *err, size_t errlen);

/* The entry in force for exactly time t, or NULL. */
const struct entry *entries_find(const struct entries *es, double t);

void entries_free(struct entries *es);

#endif
