/* accounts.c - local accounts, argon2id passwords, lockout (accounts.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "accounts.h"
#include "gm_err.h"

#define PASSWORD_MIN 8

static const char *const role_names[] = { "viewer", "editor", "coordinator", "admin" };

const char *role_name(enum role r)
{
	return (unsigned)r <= ROLE_ADMIN ? role_names[r] : "?";
}

int role_parse(const char *s, enum role *out)
{
	for (int r = 0; r <= ROLE_ADMIN; r++) {
		if (strcmp(s, role_names[r]) == 0) {
			*out = (enum role)r;
			return 0;
		}
	}
	return -1;
}

bool account_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= ACCOUNT_NAME_MAX &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n &&
	    strchr("._-", name[0]) == NULL;
}

/* What an unknown name is checked against, so that it takes as long as a
 * known one: made once by accounts_init. */
static char decoy[crypto_pwhash_STRBYTES];

int accounts_init(void)
{
	if (sodium_init() < 0 || (decoy[0] == '\0' && crypto_pwhash_str(decoy, "no such account",
	    15, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0))
		return GM_ELIB;
	return GM_OK;
}

static int hash(const char *password, char out[crypto_pwhash_STRBYTES], char *err, size_t errlen)
{
	if (strlen(password) < PASSWORD_MIN)
		return gm_errf(err, errlen, GM_EINVAL, "a password needs %d characters at least",
		    PASSWORD_MIN);
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory hashing a password");
	return GM_OK;
}

static int fail_sql(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	return gm_errf(err, errlen, GM_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

/* End a transaction: COMMIT after rc GM_OK (whose failure is the answer),
 * else ROLLBACK. */
static int commit_or_not(sqlite3 *db, int rc, const char *what, char *err, size_t errlen)
{
	if (rc != GM_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail_sql(db, what, err, errlen);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

/* The units of an editor, in the same transaction as the account. */
static int add_units(sqlite3 *db, int64_t id, const struct account *a, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = GM_OK;

	if (sqlite3_prepare_v2(db, "INSERT INTO user_units (user_id, unit) VALUES (?, ?)", -1,
	    &st, NULL) != SQLITE_OK)
		return fail_sql(db, "account units", err, errlen);
	for (int i = 0; rc == GM_OK && i < a->nunits; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, a->units[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = fail_sql(db, "account units", err, errlen);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int accounts_add(sqlite3 *db, const struct account *a, const char *password, char *err,
    size_t errlen)
{
	char h[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st = NULL;
	int rc;

	if (!account_name_ok(a->name))
		return gm_errf(err, errlen, GM_EINVAL, "\"%s\": a sign-in name is 1-%d of "
		    "a-z 0-9 . _ - (not first)", a->name, ACCOUNT_NAME_MAX);
	if (a->role == ROLE_EDITOR && a->nunits == 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s: an editor needs the unit(s) it enters "
		    "data for", a->name);
	if (password != NULL && (rc = hash(password, h, err, errlen)) != GM_OK)
		return rc;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(db, "add account", err, errlen);
	if (sqlite3_prepare_v2(db, "INSERT INTO users (name, display, role, pwhash, created) "
	    "VALUES (?, ?, ?, ?, (julianday('now') - 2440587.5) * 86400)", -1, &st, NULL) != SQLITE_OK) {
		rc = fail_sql(db, "add account", err, errlen);
		goto out;
	}
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->display, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role_name(a->role), -1, SQLITE_STATIC);
	if (password != NULL)
		sqlite3_bind_text(st, 4, h, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if ((rc = sqlite3_step(st)) == SQLITE_CONSTRAINT) {
		rc = gm_errf(err, errlen, GM_EINVAL, "%s: that name is taken", a->name);
		goto out;
	}
	rc = rc == SQLITE_DONE ? add_units(db, sqlite3_last_insert_rowid(db), a, err, errlen) :
	    fail_sql(db, "add account", err, errlen);
out:
	sqlite3_finalize(st);
	rc = commit_or_not(db, rc, "add account", err, errlen);
	sodium_memzero(h, sizeof(h));
	return rc;
}

int accounts_set_password(sqlite3 *db, const char *name, const char *password, char *err,
    size_t errlen)
{
	char h[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;
	int rc;

	if ((rc = hash(password, h, err, errlen)) != GM_OK)
		return rc;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(db, "set password", err, errlen);
	if (sqlite3_prepare_v2(db, "UPDATE users SET pwhash = ?, failures = 0, locked_until = 0 "
	    "WHERE name = ?", -1, &st, NULL) != SQLITE_OK) {
		rc = fail_sql(db, "set password", err, errlen);
		goto out;
	}
	sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) != SQLITE_DONE ? fail_sql(db, "set password", err, errlen) :
	    sqlite3_changes(db) == 0 ? gm_errf(err, errlen, GM_ENOTFOUND, "%s: no such account",
	    name) : GM_OK;
	sqlite3_finalize(st);
	/* whoever had the old password is signed out */
	if (rc == GM_OK && sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE user_id = "
	    "(SELECT id FROM users WHERE name = ?)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = fail_sql(db, "set password", err, errlen);
		sqlite3_finalize(st);
	}
out:
	rc = commit_or_not(db, rc, "set password", err, errlen);
	sodium_memzero(h, sizeof(h));
	return rc;
}

/* The account's units into a. */
static int load_units(sqlite3 *db, struct account *a)
{
	sqlite3_stmt *st;

	a->nunits = 0;
	if (sqlite3_prepare_v2(db, "SELECT unit FROM user_units WHERE user_id = ? ORDER BY unit",
	    -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_int64(st, 1, a->id);
	while (sqlite3_step(st) == SQLITE_ROW && a->nunits < ACCOUNT_UNITS_MAX)
		snprintf(a->units[a->nunits++], sizeof(a->units[0]), "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return GM_OK;
}

/* An account's row: id, name, display, role, pwhash, failures, locked_until. */
#define ACCOUNT_COLUMNS "id, name, display, role, pwhash, failures, locked_until"

static void take_row(sqlite3_stmt *st, struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	snprintf(a->name, sizeof(a->name), "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(a->display, sizeof(a->display), "%s", (const char *)sqlite3_column_text(st, 2));
	if (role_parse((const char *)sqlite3_column_text(st, 3), &a->role) != 0)
		a->role = ROLE_VIEWER;   /* the CHECK constraint keeps this from happening */
}

int accounts_get(sqlite3 *db, int64_t id, struct account *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT " ACCOUNT_COLUMNS " FROM users WHERE id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		take_row(st, out);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? GM_ENOTFOUND : GM_EIO;
	return load_units(db, out);
}

/* One more wrong password; true when it locks the account now. Counted in
 * SQL, so two checks at once both count. */
static bool count_failure(sqlite3 *db, int64_t id, double now, const struct lockout *lk)
{
	sqlite3_stmt *st;
	bool locked = false;

	if (sqlite3_prepare_v2(db, "UPDATE users SET "
	    "locked_until = CASE WHEN failures + 1 >= ?1 THEN ?2 ELSE 0 END, "
	    "failures = CASE WHEN failures + 1 >= ?1 THEN 0 ELSE failures + 1 END "
	    "WHERE id = ?3 RETURNING locked_until > 0", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int(st, 1, lk->max_failures);
	sqlite3_bind_double(st, 2, now + lk->lock_s);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		locked = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return locked;
}

static void clear_failures(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "UPDATE users SET failures = 0, locked_until = 0 WHERE id = ? "
	    "AND (failures != 0 OR locked_until != 0)", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* The account of name with its password string and lock, under lock:
 * 1 found, 0 none, -1 an error. */
static int look_up(sqlite3 *db, pthread_mutex_t *lock, const char *name, struct account *out,
    char h[crypto_pwhash_STRBYTES], double *locked)
{
	sqlite3_stmt *st;
	int rc, found = -1;

	if (lock != NULL)
		pthread_mutex_lock(lock);
	if (sqlite3_prepare_v2(db, "SELECT " ACCOUNT_COLUMNS " FROM users WHERE name = ?", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 4);

			take_row(st, out);
			snprintf(h, crypto_pwhash_STRBYTES, "%s", t ? (const char *)t : "");
			*locked = sqlite3_column_double(st, 6);
			found = 1;
		} else if (rc == SQLITE_DONE) {
			found = 0;
		}
		sqlite3_finalize(st);
	}
	if (lock != NULL)
		pthread_mutex_unlock(lock);
	return found;
}

/* The password against the account's own string, or its directory:
 * SIGNIN_OK, SIGNIN_WRONG, SIGNIN_ERROR. With nothing held. */
static enum signin check_password(const struct signin_ctx *c, bool found, const char *h,
    const char *name, const char *password)
{
	if (found && h[0] == '\0') {   /* the directory's account */
		if (c->directory == NULL)
			return SIGNIN_WRONG;
		switch (c->directory(c->directory_user, name, password)) {
		case GM_OK: return SIGNIN_OK;
		case GM_EPERM: return SIGNIN_WRONG;
		default: return SIGNIN_ERROR;
		}
	}
	if (crypto_pwhash_str_verify(found ? h : decoy, password, strlen(password)) == 0 && found)
		return SIGNIN_OK;
	return SIGNIN_WRONG;
}

enum signin accounts_check(const struct signin_ctx *c, const char *name, const char *password,
    double now, struct account *out, double *until)
{
	char h[crypto_pwhash_STRBYTES] = "";
	double locked = 0;
	int found;
	enum signin res;

	*until = 0;
	if (decoy[0] == '\0')
		return SIGNIN_ERROR;   /* accounts_init was not called */
	if ((found = look_up(c->db, c->lock, name, out, h, &locked)) < 0)
		return SIGNIN_ERROR;
	if (found && locked > now) {
		*until = locked;
		return SIGNIN_LOCKED;
	}
	/* the slow part, with nothing held: other pages go on meanwhile */
	res = check_password(c, found, h, name, password);
	sodium_memzero(h, sizeof(h));
	if (!found || res == SIGNIN_ERROR)
		return res == SIGNIN_ERROR ? SIGNIN_ERROR : SIGNIN_WRONG;
	if (c->lock != NULL)
		pthread_mutex_lock(c->lock);
	if (res == SIGNIN_WRONG && count_failure(c->db, out->id, now, &c->lk)) {
		res = SIGNIN_LOCKED_NOW;
		*until = now + c->lk.lock_s;
	} else if (res == SIGNIN_OK) {
		clear_failures(c->db, out->id);
		if (load_units(c->db, out) != GM_OK)
			res = SIGNIN_ERROR;
	}
	if (c->lock != NULL)
		pthread_mutex_unlock(c->lock);
	return res;
}

bool account_may_edit(const struct account *a, const char *unit)
{
	if (a->role == ROLE_COORDINATOR || a->role == ROLE_ADMIN)
		return true;
	for (int i = 0; a->role == ROLE_EDITOR && i < a->nunits; i++)
		if (strcmp(a->units[i], unit) == 0)
			return true;
	return false;
}

int accounts_list(sqlite3 *db, double now, struct account *out, struct account_state *st,
    int max)
{
	sqlite3_stmt *q;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT " ACCOUNT_COLUMNS " FROM users ORDER BY name", -1, &q,
	    NULL) != SQLITE_OK)
		return -1;
	while (n < max && sqlite3_step(q) == SQLITE_ROW) {
		take_row(q, &out[n]);
		st[n].directory = sqlite3_column_type(q, 4) == SQLITE_NULL;
		st[n].locked = sqlite3_column_double(q, 6) > now;
		n++;
	}
	sqlite3_finalize(q);
	for (int i = 0; i < n; i++)
		if (load_units(db, &out[i]) != GM_OK)
			return -1;
	return n;
}

int accounts_find(sqlite3 *db, const char *name, struct account *out, struct account_state *st)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT " ACCOUNT_COLUMNS " FROM users WHERE name = ?", -1, &q,
	    NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		take_row(q, out);
		st->directory = sqlite3_column_type(q, 4) == SQLITE_NULL;
		st->locked = false;   /* as of when: the caller asks accounts_list */
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? GM_ENOTFOUND : GM_EIO;
	return load_units(db, out);
}

int accounts_set_role(sqlite3 *db, const struct account *a, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	if (a->role == ROLE_EDITOR && a->nunits == 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s: an editor needs the unit(s) it enters "
		    "data for", a->name);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(db, "set role", err, errlen);
	if (sqlite3_prepare_v2(db, "UPDATE users SET role = ?1 WHERE name = ?2 RETURNING id", -1,
	    &st, NULL) != SQLITE_OK) {
		rc = fail_sql(db, "set role", err, errlen);
		goto out;
	}
	sqlite3_bind_text(st, 1, role_name(a->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (id == 0) {
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "%s: no such account", a->name);
		goto out;
	}
	/* the units are replaced whole: a viewer or coordinator keeps none */
	if (sqlite3_prepare_v2(db, "DELETE FROM user_units WHERE user_id = ?", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = fail_sql(db, "set role", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : fail_sql(db, "set role", err, errlen);
	if (rc == GM_OK && a->role == ROLE_EDITOR)
		rc = add_units(db, id, a, err, errlen);
out:
	sqlite3_finalize(st);
	return commit_or_not(db, rc, "set role", err, errlen);
}

int accounts_unlock(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "UPDATE users SET failures = 0, locked_until = 0 WHERE name = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) != SQLITE_DONE ? GM_EIO : sqlite3_changes(db) == 0 ? GM_ENOTFOUND :
	    GM_OK;
	sqlite3_finalize(st);
	return rc;
}
