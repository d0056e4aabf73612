/* db.c - gm-dashboard's SQLite database and its migrations (db.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "gm_err.h"

/* Each migration takes the schema from version i to i + 1. Append only:
 * a file in use has run the ones before. */
static const char *const migrations[] = {
	/* 1: accounts, sessions, the audit log */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"          /* sign-in name */
	"  display TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'coordinator', 'admin')),"
	"  pwhash TEXT,"                        /* argon2id (libsodium); NULL: directory sign-in */
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until REAL NOT NULL DEFAULT 0,"
	"  created REAL NOT NULL);"
	"CREATE TABLE user_units ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  unit TEXT NOT NULL,"
	"  PRIMARY KEY (user_id, unit));"
	"CREATE TABLE sessions ("
	"  token_hash BLOB PRIMARY KEY,"        /* of the cookie's token: the token is not kept */
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created REAL NOT NULL,"
	"  expires REAL NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at REAL NOT NULL,"
	"  who TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  what TEXT NOT NULL,"
	"  old TEXT,"
	"  new TEXT);"
	"CREATE TRIGGER audit_kept_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is not changed'); END;"
	"CREATE TRIGGER audit_kept_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is not changed'); END;",
	/* 2: monthly amounts entered on the web, and the months locked */
	"CREATE TABLE entries ("
	"  id INTEGER PRIMARY KEY,"
	"  at REAL NOT NULL,"
	"  who TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  unit TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"              /* site/meter/channel */
	"  month TEXT NOT NULL,"                /* YYYY-MM */
	"  amount REAL NOT NULL CHECK (amount >= 0),"
	"  wire_unit TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  published INTEGER NOT NULL DEFAULT 0);"   /* the broker took it */
	"CREATE INDEX entries_unpublished ON entries (published) WHERE published = 0;"
	"CREATE TABLE locks ("
	"  month TEXT PRIMARY KEY,"
	"  who TEXT NOT NULL,"
	"  at REAL NOT NULL);",
	/* 3: the self-evaluation checklists, their evidence files, the action
	 * plan, and each file written from them as last written (to notice one
	 * changed by hand) */
	"CREATE TABLE checklist ("
	"  unit TEXT NOT NULL,"
	"  fy INTEGER NOT NULL,"                /* Buddhist Era */
	"  code TEXT NOT NULL,"                 /* the edition's indicator */
	"  score REAL CHECK (score IS NULL OR score >= 0),"   /* NULL: not filled */
	"  evidence TEXT NOT NULL DEFAULT '',"
	"  note TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (unit, fy, code));"
	"CREATE TABLE causes ("
	"  unit TEXT NOT NULL,"
	"  fy INTEGER NOT NULL,"
	"  resource TEXT NOT NULL,"             /* org.h resource_name */
	"  text TEXT NOT NULL DEFAULT '',"
	"  plan TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (unit, fy, resource));"
	"CREATE TABLE exports ("
	"  kind TEXT NOT NULL,"                 /* checklist, plan */
	"  unit TEXT NOT NULL,"                 /* '' for the organisation's */
	"  fy INTEGER NOT NULL,"
	"  text BLOB NOT NULL,"
	"  PRIMARY KEY (kind, unit, fy));"
	"CREATE TABLE plans ("
	"  fy INTEGER PRIMARY KEY,"
	"  th TEXT NOT NULL DEFAULT '',"
	"  en TEXT NOT NULL DEFAULT '',"
	"  approved TEXT NOT NULL DEFAULT '',"  /* YYYY-MM-DD, '' not yet */
	"  submitted TEXT NOT NULL DEFAULT '',"
	"  impacts TEXT NOT NULL DEFAULT '',"
	"  problems TEXT NOT NULL DEFAULT '',"
	"  obstacles TEXT NOT NULL DEFAULT '',"
	"  recommendations TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE plan_activities ("
	"  fy INTEGER NOT NULL REFERENCES plans(fy) ON DELETE CASCADE,"
	"  number TEXT NOT NULL,"
	"  th TEXT NOT NULL,"
	"  en TEXT NOT NULL,"
	"  owner TEXT NOT NULL DEFAULT '',"     /* a unit id */
	"  due TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'not_started')),"
	"  evidence TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (fy, number));"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT," /* the file's name in the evidence folder:
	                                           * never used again once removed */
	"  unit TEXT NOT NULL,"
	"  fy INTEGER NOT NULL,"
	"  code TEXT NOT NULL,"
	"  name TEXT NOT NULL,"                 /* as uploaded, shown only */
	"  type TEXT NOT NULL,"                 /* from its content */
	"  size INTEGER NOT NULL,"
	"  at REAL NOT NULL,"
	"  who TEXT NOT NULL);"
	"CREATE INDEX evidence_of ON evidence (unit, fy, code);"
	/* a dial read by hand: a counter reading taken at t, beside the
	 * months' amounts (kind delta, t the month's last second) */
	"ALTER TABLE entries ADD COLUMN kind TEXT NOT NULL DEFAULT 'delta'"
	"  CHECK (kind IN ('delta', 'counter'));"
	"ALTER TABLE entries ADD COLUMN t REAL;",
};

int db_latest(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return GM_OK;
	gm_errf(err, errlen, GM_EIO, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return GM_EIO;
}

int db_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Each migration the file lacks, each in its own transaction with the
 * version it brings. */
static int migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char why[512], sql[64];
	int v = db_version(db);

	if (v < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, sqlite3_errmsg(db));
	if (v > db_latest())
		return gm_errf(err, errlen, GM_EINVAL, "%s: schema version %d is newer than this "
		    "gm-dashboard's %d: not touched", path, v, db_latest());
	while (v < db_latest()) {
		if (db_exec(db, "BEGIN IMMEDIATE", why, sizeof(why)) != GM_OK)
			return gm_errf(err, errlen, GM_EIO, "%s: %s", path, why);
		/* again inside: another program may have migrated it meanwhile */
		if ((v = db_version(db)) >= db_latest()) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (db_exec(db, migrations[v], why, sizeof(why)) != GM_OK ||
		    db_exec(db, sql, why, sizeof(why)) != GM_OK ||
		    db_exec(db, "COMMIT", why, sizeof(why)) != GM_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return gm_errf(err, errlen, GM_EIO, "%s: migration %d: %s", path, v + 1, why);
		}
		v++;
	}
	return GM_OK;
}

sqlite3 *db_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char why[512];
	int fd;

	/* made by us, for us alone: it holds password hashes */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
	    NULL) != SQLITE_OK) {
		gm_errf(err, errlen, GM_EIO, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	if (db_exec(db, "PRAGMA journal_mode = WAL", why, sizeof(why)) != GM_OK ||
	    db_exec(db, "PRAGMA synchronous = FULL", why, sizeof(why)) != GM_OK ||
	    db_exec(db, "PRAGMA foreign_keys = ON", why, sizeof(why)) != GM_OK) {
		gm_errf(err, errlen, GM_EIO, "%s: %s", path, why);
		sqlite3_close(db);
		return NULL;
	}
	if (migrate(db, path, err, errlen) != GM_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

void db_close(sqlite3 *db)
{
	if (db != NULL)
		sqlite3_close(db);
}

/* The file the open database is, by device and inode. */
static bool same_file(sqlite3 *db, const char *path)
{
	const char *mine = sqlite3_db_filename(db, "main");
	struct stat a, b;

	return mine != NULL && stat(mine, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Copy every page of db into the file at tmp. */
static int copy_into(sqlite3 *db, const char *tmp, char *err, size_t errlen)
{
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open(tmp, &to) != SQLITE_OK ||
	    (b = sqlite3_backup_init(to, "main", db, "main")) == NULL) {
		gm_errf(err, errlen, GM_EIO, "backup %s: %s", tmp, to ? sqlite3_errmsg(to) :
		    "out of memory");
		sqlite3_close(to);
		return GM_EIO;
	}
	while ((rc = sqlite3_backup_step(b, 64)) == SQLITE_OK || rc == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(10);
	sqlite3_backup_finish(b);
	/* a plain journal: the copy is one file, whole */
	if (rc != SQLITE_DONE ||
	    db_exec(to, "PRAGMA journal_mode = DELETE", err, errlen) != GM_OK) {
		if (rc != SQLITE_DONE)
			gm_errf(err, errlen, GM_EIO, "backup %s: %s", tmp, sqlite3_errstr(rc));
		sqlite3_close(to);
		return GM_EIO;
	}
	sqlite3_close(to);
	return GM_OK;
}

int db_backup(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char tmp[4200];
	int fd;

	if (same_file(db, path))
		return gm_errf(err, errlen, GM_EINVAL, "backup %s: that is the database itself", path);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return gm_errf(err, errlen, GM_EIO, "backup %s: %s", tmp, strerror(errno));
	close(fd);
	if (copy_into(db, tmp, err, errlen) != GM_OK) {
		unlink(tmp);
		return GM_EIO;
	}
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0 || rename(tmp, path) != 0) {
		gm_errf(err, errlen, GM_EIO, "backup %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return GM_EIO;
	}
	close(fd);
	return GM_OK;
}
