/*
 * web_checklist.h - a unit's self-evaluation checklist for a fiscal year,
 * kept in the dashboard's database and written out, at every save, as the
 * INI file gm-report scores (<checklists>/<fy>/<unit>.ini; criteria.h
 * checklist_write). The database is the record; the file is its export,
 * and a file written by hand is its import: the first time a unit's
 * checklist is opened with nothing in the database, the file is read in.
 *
 * A save is whole or absent: in one transaction the rows are replaced,
 * every changed field gets its audit row (old and new value), and the file
 * is written beside its place, read back by checklist_load (any mistake
 * refuses the save, with its message) and renamed into place; then the
 * transaction commits. A file changed by hand since the dashboard last
 * wrote it is kept (<unit>.ini.hand-<time>) before it is replaced, and
 * the audit log says so.
 */
#ifndef GM_WEB_CHECKLIST_H
#define GM_WEB_CHECKLIST_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "criteria.h"
#include "web_entries.h"

/* The checklist in the database into cl (found: the database has it);
 * GM_OK or GM_EIO. */
int web_checklist_get(sqlite3 *db, const struct criteria *c, const char *unit, int fy,
    struct checklist *cl);

/* Nothing in the database for w->unit and fy: read the file at path in,
 * audited. GM_OK (also when there is no file, or already rows); GM_EINVAL
 * with the file's first mistake in err; GM_EIO. */
int web_checklist_import(sqlite3 *db, const struct criteria *c, const char *path,
    const struct entry_who *w, int fy, char *err, size_t errlen);

/* Save cl as w->unit's checklist for fy and write it to path, if it is
 * still at version (web_export_version of "checklist", w->unit, fy). GM_OK;
 * GM_EINVAL with the mistake in err, GM_EBUSY when saved by someone else
 * since (nothing saved either way); GM_EIO. */
int web_checklist_save(sqlite3 *db, const struct criteria *c, const char *path,
    const struct entry_who *w, int fy, const struct checklist *cl, uint64_t version, char *err,
    size_t errlen);

/* The file's path: <dir>/<fy>/<unit>.ini (unit an organisation id). */
void web_checklist_path(char *buf, size_t len, const char *dir, int fy, const char *unit);

#endif
