/* accounts.c - local accounts, argon2id passwords, lockout (accounts.h). */
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
	sqlite3_exec(db, rc == GM_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
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
	if (sqlite3_prepare_v2(db, "UPDATE users SET pwhash = ?, failures = 0, locked_until = 0 "
	    "WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return fail_sql(db, "set password", err, errlen);
	sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) != SQLITE_DONE ? fail_sql(db, "set password", err, errlen) :
	    sqlite3_changes(db) == 0 ? gm_errf(err, errlen, GM_ENOTFOUND, "%s: no such account",
	    name) : GM_OK;
	sqlite3_finalize(st);
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

static void count_failure(sqlite3 *db, int64_t id, int failures, double now,
    const struct lockout *lk)
{
	sqlite3_stmt *st;
	bool lock = failures + 1 >= lk->max_failures;

	if (sqlite3_prepare_v2(db, "UPDATE users SET failures = ?, locked_until = ? WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(st, 1, lock ? 0 : failures + 1);
	sqlite3_bind_double(st, 2, lock ? now + lk->lock_s : 0);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_step(st);
	sqlite3_finalize(st);
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

enum signin accounts_check(sqlite3 *db, const char *name, const char *password, double now,
    const struct lockout *lk, struct account *out, double *until)
{
	sqlite3_stmt *st;
	const char *h = NULL;
	int failures = 0, rc;
	double locked = 0;
	enum signin res = SIGNIN_WRONG;

	if (decoy[0] == '\0')
		return SIGNIN_ERROR;   /* accounts_init was not called */
	if (sqlite3_prepare_v2(db, "SELECT " ACCOUNT_COLUMNS " FROM users WHERE name = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return SIGNIN_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		take_row(st, out);
		h = (const char *)sqlite3_column_text(st, 4);
		failures = sqlite3_column_int(st, 5);
		locked = sqlite3_column_double(st, 6);
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return SIGNIN_ERROR;
	}
	if (rc == SQLITE_ROW && locked > now) {
		*until = locked;
		res = SIGNIN_LOCKED;
	} else if (crypto_pwhash_str_verify(h != NULL ? h : decoy, password, strlen(password)) == 0 &&
	    h != NULL) {
		res = SIGNIN_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return SIGNIN_WRONG;
	if (res == SIGNIN_WRONG)
		count_failure(db, out->id, failures, now, lk);
	else if (res == SIGNIN_OK) {
		clear_failures(db, out->id);
		if (load_units(db, out) != GM_OK)
			return SIGNIN_ERROR;
	}
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
