/*
 * test_accounts.c - gm-dashboard's database (db.c), accounts (accounts.c),
 * sessions (sessions.c) and audit log (audit.c), on a real SQLite file in
 * the test's tmpdir:
 *   - a new file gets every migration and a file from a newer program is
 *     refused untouched; the backup is a whole copy;
 *   - passwords are kept only as argon2id strings: the clear text is
 *     nowhere in the file;
 *   - a right password signs in, a wrong one or an unknown name does not,
 *     ten wrong in a row lock the account (even against the right
 *     password) until the lock ends;
 *   - a session is found by its token until it ends or expires; the file
 *     holds only the token's hash; CSRF tokens compare exactly;
 *   - the audit log takes rows and refuses any change or deletion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accounts.h"
#include "audit.h"
#include "db.h"
#include "gm_err.h"
#include "sessions.h"
#include "testutil.h"

#define NOW 1796600000.0

static sqlite3 *db;
static char path[512];

static int setup(void **state)
{
	char err[512];

	(void)state;
	if (tmpdir_make("accounts") != 0 || accounts_init() != GM_OK)
		return -1;
	snprintf(path, sizeof(path), "%s/dashboard.db", tmpdir);
	if ((db = db_open(path, err, sizeof(err))) == NULL) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	db = NULL;
	return tmpdir_teardown(state);
}

/* Does the file's raw bytes hold s anywhere (the WAL beside it too)? */
static bool file_has(const char *s)
{
	const char *files[] = { path, NULL };
	char wal[600];
	bool found = false;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	files[1] = wal;
	for (int i = 0; i < 2 && !found; i++) {
		FILE *f = fopen(files[i], "rb");
		char *buf;
		long n;

		if (f == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		buf = malloc((size_t)n + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		for (long k = 0; !found && k + (long)strlen(s) <= n; k++)
			found = memcmp(buf + k, s, strlen(s)) == 0;
		free(buf);
	}
	return found;
}

static void add(const char *name, enum role r, const char *unit, const char *password)
{
	struct account a = { .role = r };
	char err[256];

	snprintf(a.name, sizeof(a.name), "%s", name);
	if (unit != NULL)
		snprintf(a.units[a.nunits++], sizeof(a.units[0]), "%s", unit);
	if (accounts_add(db, &a, password, err, sizeof(err)) != GM_OK)
		fail_msg("%s", err);
}

static void test_schema(void **state)
{
	char err[512], newer[600], copy[600];
	sqlite3 *other;

	(void)state;
	assert_int_equal(db_version(db), db_latest());
	/* opened again: nothing to do */
	other = db_open(path, err, sizeof(err));
	assert_non_null(other);
	assert_int_equal(db_version(other), db_latest());
	db_close(other);
	/* a file from a newer gm-dashboard: refused, not touched */
	snprintf(newer, sizeof(newer), "%s/newer.db", tmpdir);
	assert_int_equal(sqlite3_open(newer, &other), SQLITE_OK);
	assert_int_equal(db_exec(other, "PRAGMA user_version = 99", err, sizeof(err)), GM_OK);
	sqlite3_close(other);
	assert_null(db_open(newer, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
	/* a backup is the whole database */
	add("somchai", ROLE_VIEWER, NULL, "correct horse");
	snprintf(copy, sizeof(copy), "%s/backup.db", tmpdir);
	assert_int_equal(db_backup(db, copy, err, sizeof(err)), GM_OK);
	other = db_open(copy, err, sizeof(err));
	assert_non_null(other);
	{
		struct account a;
		struct lockout lk = { 10, 900 };
		double until;

		assert_int_equal(accounts_check(&(struct signin_ctx){ other, NULL, lk, NULL, NULL }, "somchai", "correct horse", NOW, &a,
		    &until), SIGNIN_OK);
	}
	db_close(other);
}

static void test_passwords(void **state)
{
	struct lockout lk = { 10, 900 };
	struct account a;
	double until = 0;
	char err[256];

	(void)state;
	add("malee", ROLE_EDITOR, "finance-budget", "ขอเข้าระบบ-2569");
	assert_false(file_has("ขอเข้าระบบ-2569"));
	assert_true(file_has("$argon2id$"));
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "malee", "ขอเข้าระบบ-2569", NOW, &a, &until),
	    SIGNIN_OK);
	assert_string_equal(a.name, "malee");
	assert_int_equal(a.role, ROLE_EDITOR);
	assert_int_equal(a.nunits, 1);
	assert_true(account_may_edit(&a, "finance-budget"));
	assert_false(account_may_edit(&a, "legal"));
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "malee", "wrong one", NOW, &a, &until), SIGNIN_WRONG);
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "nobody", "whatever1", NOW, &a, &until), SIGNIN_WRONG);
	/* refused: a short password, a bad name, an editor of nothing, a name taken */
	{
		struct account b = { .role = ROLE_VIEWER };

		strcpy(b.name, "short");
		assert_int_equal(accounts_add(db, &b, "1234567", err, sizeof(err)), GM_EINVAL);
		strcpy(b.name, "Bad Name");
		assert_int_equal(accounts_add(db, &b, "12345678", err, sizeof(err)), GM_EINVAL);
		strcpy(b.name, "ed");
		b.role = ROLE_EDITOR;
		assert_int_equal(accounts_add(db, &b, "12345678", err, sizeof(err)), GM_EINVAL);
		strcpy(b.name, "malee");
		b.role = ROLE_VIEWER;
		assert_int_equal(accounts_add(db, &b, "12345678", err, sizeof(err)), GM_EINVAL);
		assert_non_null(strstr(err, "taken"));
	}
	/* a new password replaces the old */
	assert_int_equal(accounts_set_password(db, "malee", "another-secret", err, sizeof(err)),
	    GM_OK);
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "malee", "ขอเข้าระบบ-2569", NOW, &a, &until),
	    SIGNIN_WRONG);
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "malee", "another-secret", NOW, &a, &until),
	    SIGNIN_OK);
}

static void test_lockout(void **state)
{
	struct lockout lk = { 10, 900 };
	struct account a;
	double until = 0;

	(void)state;
	add("niran", ROLE_VIEWER, NULL, "right-password");
	for (int i = 0; i < 9; i++)
		assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "guess", NOW + i, &a, &until),
		    SIGNIN_WRONG);
	/* a right one before the tenth clears the count */
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "right-password", NOW + 9, &a, &until),
	    SIGNIN_OK);
	for (int i = 0; i < 9; i++)
		assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "guess", NOW + 10 + i, &a, &until),
		    SIGNIN_WRONG);
	/* the tenth locks it, and says so once */
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "guess", NOW + 19, &a, &until),
	    SIGNIN_LOCKED_NOW);
	/* locked: even the right password, until the lock ends */
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "right-password", NOW + 20, &a, &until),
	    SIGNIN_LOCKED);
	assert_true(until == NOW + 19 + 900);
	assert_int_equal(accounts_check(&(struct signin_ctx){ db, NULL, lk, NULL, NULL }, "niran", "right-password", NOW + 19 + 900.5, &a,
	    &until), SIGNIN_OK);
}

static void test_sessions(void **state)
{
	char token[SESSION_TOKEN_LEN + 1], forged[SESSION_TOKEN_LEN + 1];
	struct session s, found;
	struct account a;

	(void)state;
	add("pim", ROLE_COORDINATOR, NULL, "pim-password");
	assert_int_equal(accounts_get(db, 1, &a), GM_OK);
	assert_int_equal(session_new(db, a.id, "127.0.0.1", NOW, 3600, token, &s), GM_OK);
	assert_int_equal(strlen(token), SESSION_TOKEN_LEN);
	assert_false(file_has(token));   /* only its hash */
	assert_int_equal(session_find(db, token, NOW + 10, &found), GM_OK);
	assert_int_equal(found.user_id, a.id);
	assert_true(session_csrf_ok(&found, s.csrf));
	assert_false(session_csrf_ok(&found, ""));
	assert_false(session_csrf_ok(&found, NULL));
	strcpy(forged, s.csrf);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	assert_false(session_csrf_ok(&found, forged));
	/* not a token, another token, expired, ended */
	assert_int_equal(session_find(db, "x", NOW, &found), GM_ENOTFOUND);
	assert_int_equal(session_find(db, NULL, NOW, &found), GM_ENOTFOUND);
	strcpy(forged, token);
	forged[5] = forged[5] == '0' ? '1' : '0';
	assert_int_equal(session_find(db, forged, NOW, &found), GM_ENOTFOUND);
	assert_int_equal(session_find(db, token, NOW + 3600, &found), GM_ENOTFOUND);
	assert_int_equal(session_end(db, token), GM_OK);
	assert_int_equal(session_find(db, token, NOW + 10, &found), GM_ENOTFOUND);
	assert_int_equal(session_end(db, "not-a-token"), GM_OK);
	/* a new password signs out every session of the account */
	assert_int_equal(session_new(db, a.id, "127.0.0.1", NOW, 3600, token, &s), GM_OK);
	{
		char err[256];

		assert_int_equal(accounts_set_password(db, "pim", "pim-new-password", err, sizeof(err)),
		    GM_OK);
	}
	assert_int_equal(session_find(db, token, NOW + 10, &found), GM_ENOTFOUND);
}

static void test_audit(void **state)
{
	struct audit_row r[4];
	char err[256];

	(void)state;
	assert_int_equal(audit_add(db, NOW, "malee", "10.0.0.5", "reams finance-budget 2569-10",
	    "12", "14"), GM_OK);
	assert_int_equal(audit_add(db, NOW + 1, "admin", "", "add user pim (coordinator)", NULL,
	    NULL), GM_OK);
	assert_int_equal(audit_read(db, 0, r, 4), 2);
	assert_string_equal(r[0].who, "admin");   /* newest first */
	assert_string_equal(r[1].old, "12");
	assert_string_equal(r[1].new_value, "14");
	assert_int_equal(db_exec(db, "UPDATE audit SET new = '99'", err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "the audit log is not changed"));
	assert_int_equal(db_exec(db, "DELETE FROM audit", err, sizeof(err)), GM_EIO);
	assert_int_equal(audit_read(db, 0, r, 4), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
