/*
 * web_export.h - the files gm-dashboard writes from its database for
 * gm-report to read (a unit's checklist, the action plan), each the export
 * of its rows. The database keeps the text last written, so a file changed
 * by hand since is noticed: it is moved aside (<file>.hand-<UTC time>) and
 * the audit log says so, never overwritten unseen.
 *
 * A save (web_export_save) writes the new text beside the file, has the
 * caller read it back with the file's own loader (any mistake refuses the
 * save), keeps a hand edit aside, records the text, and commits the file
 * (fileio.h) before committing its transaction.
 */
#ifndef GM_WEB_EXPORT_H
#define GM_WEB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "fileio.h"
#include "web_entries.h"

/* An export is named by its kind ("checklist", "plan"), a unit ("" for the
 * organisation's) and a fiscal year. */
struct export_id {
	const char *kind, *unit;
	int fy;
};

/* The text last written; *text NULL (and GM_OK) when never. */
int web_export_last(sqlite3 *db, const struct export_id *x, char **text, size_t *len);

/* Record text as the one last written. GM_OK or GM_EIO. */
int web_export_record(sqlite3 *db, const struct export_id *x, const char *text, size_t len);

/* A save whole or absent, in one transaction: text written beside path,
 * read back by check (GM_EINVAL with the mistake refuses it), a hand edit
 * kept aside, apply's rows and audit rows (GM_EIO fails it), the text
 * recorded, the file renamed into place, then the commit. */
struct export_save {
	struct export_id x;
	const struct entry_who *w;
	const char *path, *text;
	size_t len;
	int (*check)(void *ctx, const char *written, char *err, size_t errlen);
	int (*apply)(void *ctx, sqlite3 *db);
	void *ctx;
	uint64_t version;   /* web_export_version when the form was shown: another
	                       save since is refused with GM_EBUSY (nothing changed) */
};
int web_export_save(sqlite3 *db, const struct export_save *s, char *err, size_t errlen);

/* The export's version: a hash of the text last written (0: never), which
 * a form carries so that a save from a page opened before someone else's
 * save is refused, never silently undoing theirs. */
uint64_t web_export_version(sqlite3 *db, const struct export_id *x);

/* A file written by hand read in, for an export the database has nothing
 * of: load reads path (found false: no file, nothing to do; GM_EINVAL with
 * its first mistake), then in one transaction apply's rows, the file's
 * text recorded as last written (so it is not taken for a hand edit), and
 * an audit row. */
struct export_import {
	struct export_id x;
	const struct entry_who *w;
	const char *path;
	int (*load)(void *ctx, const char *path, bool *found, char *err, size_t errlen);
	int (*apply)(void *ctx, sqlite3 *db);
	void *ctx;
};
int web_export_import(sqlite3 *db, const struct export_import *im, char *err, size_t errlen);

/* A loader's report function keeping its first message in user, a buffer
 * of WEB_EXPORT_ERR_MAX bytes starting "". */
#define WEB_EXPORT_ERR_MAX 512
void web_export_first_mistake(void *user, const char *msg);

#endif
