/* evidence.c - checklist evidence files and their index (evidence.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "evidence.h"
#include "fileio.h"
#include "gm_err.h"

const char *evidence_type(const unsigned char *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *type;
	} kinds[] = {
		{ "%PDF-", 5, "application/pdf" },
		{ "\xff\xd8\xff", 3, "image/jpeg" },
		{ "\x89PNG\r\n\x1a\n", 8, "image/png" },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (n > kinds[k].len && memcmp(p, kinds[k].magic, kinds[k].len) == 0)
			return kinds[k].type;
	return NULL;
}

void evidence_path(char *buf, size_t len, const char *dir, long long id)
{
	snprintf(buf, len, "%s/%lld", dir, id);
}

/* What is shown of the name the browser sent: control bytes made '_',
 * at most 200 bytes, never cut inside a UTF-8 character. */
static void shown_name(char *out, size_t len, const char *name)
{
	size_t n = strlen(name), o;

	if (n > 200)
		n = 200;
	if (n > len - 1)
		n = len - 1;
	o = n;
	while (o > 0 && name[o] != '\0' && ((unsigned char)name[o] & 0xc0) == 0x80)
		o--;   /* name[o] continues a character: cut before the character */
	for (size_t i = 0; i < o; i++)
		out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '_' : name[i];
	out[o] = '\0';
}

static int count_of(sqlite3 *db, const char *unit, int fy, const char *code)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM evidence WHERE unit = ?1 AND fy = ?2 AND "
	    "code = ?3", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, fy);
	sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int evidence_add(sqlite3 *db, const char *dir, const struct entry_who *w, int fy,
    const char *code, const char *name, const unsigned char *p, size_t n, long long *id,
    char *err, size_t errlen)
{
	const char *type = evidence_type(p, n);
	char shown[256], path[4200], what[400], why[256];
	sqlite3_stmt *st = NULL;
	int rc = GM_OK;

	if (type == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "not a PDF, JPEG or PNG file");
	if (count_of(db, w->unit, fy, code) >= EVIDENCE_PER_INDICATOR)
		return gm_errf(err, errlen, GM_ERANGE, "%d files on %s already",
		    EVIDENCE_PER_INDICATOR, code);
	shown_name(shown, sizeof(shown), name);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return gm_errf(err, errlen, GM_EIO, "evidence: %s", sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "INSERT INTO evidence (unit, fy, code, name, type, size, at, "
	    "who) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) != SQLITE_OK)
		rc = GM_EIO;
	else {
		sqlite3_bind_text(st, 1, w->unit, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, fy);
		sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, shown, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)n);
		sqlite3_bind_double(st, 7, w->at);
		sqlite3_bind_text(st, 8, w->name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : GM_EIO;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(db);
	snprintf(what, sizeof(what), "checklist %s %d %s evidence file %lld (%s, %zu bytes)",
	    w->unit, fy, code, *id, type, n);
	if (rc == GM_OK && audit_add(db, w->at, w->name, w->address, what, NULL, shown) != GM_OK)
		rc = GM_EIO;
	if (rc != GM_OK)
		gm_errf(err, errlen, GM_EIO, "evidence: %s", sqlite3_errmsg(db));
	evidence_path(path, sizeof(path), dir, *id);
	if (rc == GM_OK && (rc = fileio_replace(path, p, n, 0600, true, why, sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "%s", why);
	if (rc == GM_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = gm_errf(err, errlen, GM_EIO, "evidence: %s", sqlite3_errmsg(db));
		remove(path);
	}
	if (rc != GM_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void row_of(sqlite3_stmt *st, struct evidence *e)
{
	const char *t;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
#define COL(i, field) \
	t = (const char *)sqlite3_column_text(st, i); \
	snprintf(e->field, sizeof(e->field), "%s", t != NULL ? t : "");
	COL(1, unit)
	COL(3, code)
	COL(4, name)
	COL(5, type)
	COL(8, who)
#undef COL
	e->fy = sqlite3_column_int(st, 2);
	e->size = sqlite3_column_int64(st, 6);
	e->at = sqlite3_column_double(st, 7);
}

#define EVIDENCE_COLS "SELECT id, unit, fy, code, name, type, size, at, who FROM evidence "

int evidence_list(sqlite3 *db, const char *unit, int fy, const char *prefix,
    struct evidence *out, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, EVIDENCE_COLS "WHERE (?1 IS NULL OR unit = ?1) AND fy = ?2 AND "
	    "(?3 IS NULL OR substr(code, 1, length(?3)) = ?3) ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, fy);
	sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		row_of(st, &out[n++]);
	sqlite3_finalize(st);
	return n;
}

int evidence_get(sqlite3 *db, long long id, struct evidence *e)
{
	sqlite3_stmt *st;
	int rc = GM_ENOTFOUND;

	if (sqlite3_prepare_v2(db, EVIDENCE_COLS "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		row_of(st, e);
		rc = GM_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int evidence_remove(sqlite3 *db, const char *dir, const struct entry_who *w, long long id,
    char *err, size_t errlen)
{
	struct evidence e;
	sqlite3_stmt *st;
	char what[400], path[4200];
	int rc = evidence_get(db, id, &e);

	if (rc != GM_OK || strcmp(e.unit, w->unit) != 0)
		return rc == GM_EIO ? GM_EIO : gm_errf(err, errlen, GM_ENOTFOUND, "no file %lld of %s",
		    id, w->unit);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return gm_errf(err, errlen, GM_EIO, "evidence: %s", sqlite3_errmsg(db));
	snprintf(what, sizeof(what), "checklist %s %d %s evidence file %lld removed", e.unit, e.fy,
	    e.code, id);
	rc = sqlite3_prepare_v2(db, "DELETE FROM evidence WHERE id = ?1", -1, &st, NULL) ==
	    SQLITE_OK ? GM_OK : GM_EIO;
	if (rc == GM_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : GM_EIO;
		sqlite3_finalize(st);
	}
	if (rc == GM_OK)
		rc = audit_add(db, w->at, w->name, w->address, what, e.name, NULL);
	if (rc == GM_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = GM_EIO;
	if (rc != GM_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return gm_errf(err, errlen, GM_EIO, "evidence: %s", sqlite3_errmsg(db));
	}
	/* the row is gone: the file is no one's now, so it goes too */
	evidence_path(path, sizeof(path), dir, id);
	unlink(path);
	return GM_OK;
}
