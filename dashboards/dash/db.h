/*
 * db.h - gm-dashboard's database: what is not a time series (accounts,
 * sessions, the audit log; later the checklists, the action plan, locks),
 * one SQLite file. Time series stay in the RRD files.
 *
 * Opened in WAL mode with foreign keys on and a busy timeout, so a page
 * reading never waits on a save and a save is whole or absent after a
 * crash. The schema is a list of numbered migrations in db.c, applied in
 * order inside one transaction each; PRAGMA user_version says how far a
 * file has come. A file from a newer gm-dashboard is refused, never
 * changed.
 */
#ifndef GM_DB_H
#define GM_DB_H

#include <stddef.h>

#include <sqlite3.h>

/* Open (creating it 0600 if need be) and bring the schema up to date.
 * NULL with the reason, naming the file, in err. */
sqlite3 *db_open(const char *path, char *err, size_t errlen);
void db_close(sqlite3 *db);   /* NULL-safe */

/* The schema version a file is at, and the one this program writes. */
int db_version(sqlite3 *db);
int db_latest(void);

/* A consistent copy of the open database into path (SQLite's online
 * backup: pages read while others write), written beside it as
 * path.new, fsync'd, 0600, then renamed over path: a copy is whole or not
 * there. GM_OK; GM_EINVAL if path is the database itself; GM_EIO with the
 * reason in err. */
int db_backup(sqlite3 *db, const char *path, char *err, size_t errlen);

/* Run one statement with no result rows; GM_OK, or GM_EIO with SQLite's
 * reason in err. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

#endif
