/*
 * web_export.h - the files gm-dashboard writes from its database for
 * gm-report to read (a unit's checklist, the action plan), each the export
 * of its rows. The database keeps the text last written, so a file changed
 * by hand since is noticed: it is moved aside (<file>.hand-<UTC time>) and
 * the audit log says so, never overwritten unseen.
 *
 * A save writes the new text beside the file (web_export_begin), the
 * caller reads it back with the file's own loader (any mistake refuses the
 * save), keeps a hand edit aside, records the text, and commits the file
 * (fileio.h) before committing its transaction.
 */
#ifndef GM_WEB_EXPORT_H
#define GM_WEB_EXPORT_H

#include <stddef.h>

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

/* Write text beside path (its folder made if need be) into n, flushed:
 * n->tmp can be read back. GM_OK, or GM_EIO with why in err (n aborted). */
int web_export_begin(const char *path, const char *text, size_t len, struct fileio_new *n,
    char *err, size_t errlen);

/* Before the new text is recorded: a file at path that is not the one last
 * written is moved aside, audited. GM_OK or GM_EIO. */
int web_export_keep_hand_edit(sqlite3 *db, const struct export_id *x, const struct entry_who *w,
    const char *path, char *err, size_t errlen);

/* Record text as the one last written. GM_OK or GM_EIO. */
int web_export_record(sqlite3 *db, const struct export_id *x, const char *text, size_t len);

#endif
