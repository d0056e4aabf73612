/* web_export.c - files written from the database, hand edits kept
 * (web_export.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "confparse.h"
#include "gm_err.h"
#include "hash.h"
#include "web_export.h"

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const struct export_id *x)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, x->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, x->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, x->fy);
	return st;
}

int web_export_last(sqlite3 *db, const struct export_id *x, char **text, size_t *len)
{
	sqlite3_stmt *st = prepare(db, "SELECT text FROM exports WHERE kind = ?1 AND unit = ?2 "
	    "AND fy = ?3", x);
	int rc = GM_OK;

	*text = NULL;
	*len = 0;
	if (st == NULL)
		return GM_EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		if ((*text = malloc(*len + 1)) == NULL)
			rc = GM_ENOMEM;
		else {
			if (*len > 0)
				memcpy(*text, sqlite3_column_blob(st, 0), *len);
			(*text)[*len] = '\0';
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int web_export_record(sqlite3 *db, const struct export_id *x, const char *text, size_t len)
{
	sqlite3_stmt *st = prepare(db, "INSERT OR REPLACE INTO exports (kind, unit, fy, text) "
	    "VALUES (?1, ?2, ?3, ?4)", x);
	int ok;

	if (st == NULL)
		return GM_EIO;
	sqlite3_bind_blob(st, 4, text, (int)len, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? GM_OK : GM_EIO;
}

static int begin(const char *path, const char *text, size_t len, struct fileio_new *n,
    char *err, size_t errlen)
{
	char dir[4096], why[256];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return gm_errf(err, errlen, GM_EIO, "%s: %s", dir, strerror(errno));
	}
	if (fileio_new_open(n, path, 0644, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s", why);
	if (fwrite(text, 1, len, n->f) != len || fflush(n->f) != 0) {
		gm_errf(err, errlen, GM_EIO, "%s: %s", n->tmp, strerror(errno));
		fileio_new_abort(n);
		return GM_EIO;
	}
	return GM_OK;
}

/* The file at path as it is (file, flen: NULL when there is none), if
 * not the one last written, was changed by hand: a copy is kept as
 * path.hand-<UTC time> (its name into aside), audited. The file itself
 * stays until the new one replaces it, so a save that fails after this
 * leaves it as it was (and the caller removes the copy). */
static int keep_hand_edit(sqlite3 *db, const struct export_id *x, const struct entry_who *w,
    const char *path, const char *file, size_t flen, char *aside, size_t alen, char *err,
    size_t errlen)
{
	char *ours = NULL, why[256], stamp[32], what[800];
	size_t olen;
	time_t t = (time_t)w->at;
	struct tm tm;
	int rc;

	aside[0] = '\0';
	if (file == NULL)
		return GM_OK;
	if ((rc = web_export_last(db, x, &ours, &olen)) == GM_OK && (ours == NULL ||
	    olen != flen || memcmp(ours, file, flen) != 0)) {
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(aside, alen, "%s.hand-%s", path, stamp);
		for (int k = 2; access(aside, F_OK) == 0 && k < 100; k++)   /* never over a copy */
			snprintf(aside, alen, "%s.hand-%s-%d", path, stamp, k);
		snprintf(what, sizeof(what), "%s%s%s %d: %.300s was changed by hand; kept as %.330s",
		    x->kind, x->unit[0] ? " " : "", x->unit, x->fy, path, aside);
		if ((rc = fileio_replace(aside, file, flen, 0644, true, why, sizeof(why))) != GM_OK) {
			rc = gm_errf(err, errlen, GM_EIO, "cannot keep a copy: %s", why);
			aside[0] = '\0';
		} else {
			rc = audit_add(db, w->at, w->name, w->address, what, NULL, NULL);
		}
	}
	free(ours);
	return rc;
}

int web_export_save(sqlite3 *db, const struct export_save *s, char *err, size_t errlen)
{
	struct fileio_new n;
	char why[256], aside[4200] = "", *was = NULL;
	size_t was_len = 0;
	bool replaced = false;   /* the new file is in place */
	int rc, had;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", s->x.kind, sqlite3_errmsg(db));
	if (web_export_version(db, &s->x) != s->version) {   /* in the transaction: exact */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return gm_errf(err, errlen, GM_EBUSY, "%s: saved by someone else since the page "
		    "was opened", s->x.kind);
	}
	/* the file as it is, to put back should the commit fail after it is replaced */
	had = fileio_read_all(s->path, CONF_FILE_MAX, &was, &was_len, why, sizeof(why));
	if ((had != GM_OK && had != GM_ENOTFOUND) ||
	    (rc = begin(s->path, s->text, s->len, &n, err, errlen)) != GM_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		free(was);
		return had != GM_OK && had != GM_ENOTFOUND ? gm_errf(err, errlen, GM_EIO, "%s: %s",
		    s->path, why) : rc;
	}
	rc = s->check(s->ctx, n.tmp, err, errlen);
	/* before the new text is recorded: it holds the file as last written */
	if (rc == GM_OK)
		rc = keep_hand_edit(db, &s->x, s->w, s->path, had == GM_OK ? was : NULL, was_len,
		    aside, sizeof(aside), err, errlen);
	if (rc == GM_OK && (s->apply(s->ctx, db) != GM_OK ||
	    web_export_record(db, &s->x, s->text, s->len) != GM_OK))
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", s->x.kind, sqlite3_errmsg(db));
	if (rc != GM_OK)
		fileio_new_abort(&n);
	else if ((rc = fileio_new_commit(&n, true, why, sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "%s", why);
	else
		replaced = true;
	if (rc == GM_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", s->x.kind, sqlite3_errmsg(db));
	if (rc != GM_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		/* the rows are as they were: so is the file */
		if (replaced && had == GM_OK)
			fileio_replace(s->path, was, was_len, 0644, true, why, sizeof(why));
		else if (replaced)
			unlink(s->path);
		if (aside[0] != '\0')
			unlink(aside);   /* the hand-edited file is in its place again */
	}
	free(was);
	return rc;
}

int web_export_import(sqlite3 *db, const struct export_import *im, char *err, size_t errlen)
{
	char *text = NULL, what[600], why[256];
	size_t len = 0;
	bool found = false;
	int rc = im->load(im->ctx, im->path, &found, err, errlen);

	if (rc != GM_OK || !found)
		return rc;
	if (fileio_read_all(im->path, CONF_FILE_MAX, &text, &len, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", im->path, why);
	snprintf(what, sizeof(what), "%s%s%s %d: read in from %.400s", im->x.kind,
	    im->x.unit[0] ? " " : "", im->x.unit, im->x.fy, im->path);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    im->apply(im->ctx, db) != GM_OK || web_export_record(db, &im->x, text, len) != GM_OK ||
	    audit_add(db, im->w->at, im->w->name, im->w->address, what, NULL, NULL) != GM_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", im->x.kind, sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	free(text);
	return rc;
}

void web_export_first_mistake(void *user, const char *msg)
{
	char *err = user;

	if (err[0] == '\0')
		snprintf(err, WEB_EXPORT_ERR_MAX, "%s", msg);
}

uint64_t web_export_version(sqlite3 *db, const struct export_id *x)
{
	char *text;
	size_t len;
	uint64_t v = 0;

	if (web_export_last(db, x, &text, &len) == GM_OK && text != NULL)
		v = fnv1a_bytes(FNV1A_BASIS, text, len) | 1;   /* never 0: 0 is "never written" */
	free(text);
	return v;
}
