/*
 * accounts.h - who may use gm-dashboard (db.h's users table): local
 * accounts with passwords hashed by libsodium's argon2id, each with a role
 * and, for a bureau editor, the units it may enter data for.
 *
 *   viewer       any signed-in staff: reads every page
 *   editor       a bureau's: enters its own units' data
 *   coordinator  the Green Office coordinator: every unit; approves and
 *                locks a period
 *   admin        users, meters, the organisation
 *
 * A password is never kept, logged or audited in clear: only its argon2id
 * string. Wrong passwords count against the account; `max_failures` in a
 * row lock it for `lock_s` seconds (struct lockout), right or wrong
 * password alike, so guessing gains nothing while it is locked.
 */
#ifndef GM_ACCOUNTS_H
#define GM_ACCOUNTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "org.h"

enum role { ROLE_VIEWER, ROLE_EDITOR, ROLE_COORDINATOR, ROLE_ADMIN };

#define ACCOUNT_NAME_MAX 64
#define ACCOUNT_UNITS_MAX ORG_MAX_UNITS

struct account {
	int64_t id;
	char name[ACCOUNT_NAME_MAX + 1];
	char display[ORG_NAME_MAX];
	enum role role;
	char units[ACCOUNT_UNITS_MAX][ID_MAX + 1];   /* an editor's */
	int nunits;
};

struct lockout {
	int max_failures;   /* wrong passwords in a row that lock the account (10) */
	double lock_s;      /* for this long (900) */
};

const char *role_name(enum role r);
int role_parse(const char *s, enum role *out);   /* 0, or -1 */

/* A sign-in name: 1..ACCOUNT_NAME_MAX of [a-z0-9._-], starting with a
 * letter or digit (a directory's uid is one). */
bool account_name_ok(const char *name);

/* Sodium's library, once, before any other call here: GM_OK or GM_ELIB. */
int accounts_init(void);

/* A new account (password NULL: it signs in through the directory only).
 * GM_OK; GM_EINVAL (a bad name, a password under 8 characters, an editor
 * with no unit, a name taken) or GM_EIO with the reason in err. */
int accounts_add(sqlite3 *db, const struct account *a, const char *password, char *err,
    size_t errlen);
/* Set a new password (and clear any lock). */
int accounts_set_password(sqlite3 *db, const char *name, const char *password, char *err,
    size_t errlen);

enum signin { SIGNIN_OK, SIGNIN_WRONG, SIGNIN_LOCKED, SIGNIN_LOCKED_NOW, SIGNIN_ERROR };

/* Where and how accounts_check checks. directory checks the password of
 * an account with none of its own (directory.h): GM_OK, GM_EPERM for a
 * wrong one, GM_EIO when it cannot say; NULL: such accounts cannot sign
 * in. */
struct signin_ctx {
	sqlite3 *db;
	pthread_mutex_t *lock;       /* held around each use of db; may be NULL */
	struct lockout lk;
	int (*directory)(void *user, const char *name, const char *password);
	void *directory_user;
};

/* Check name and password at now: SIGNIN_OK with the account in *out;
 * SIGNIN_WRONG (no such name, or the wrong password: the caller cannot tell
 * which, and both take as long); SIGNIN_LOCKED with *until when it was
 * locked already, SIGNIN_LOCKED_NOW when this wrong password locked it;
 * SIGNIN_ERROR when the database or the directory cannot say. Counts
 * failures and locks per c->lk. The lock is never held around the
 * password's check (a tenth of a second on purpose, or a directory's round
 * trip). */
enum signin accounts_check(const struct signin_ctx *c, const char *name, const char *password,
    double now, struct account *out, double *until);

/* What the administrators' page shows of an account besides itself. */
struct account_state {
	bool locked;        /* too many wrong passwords, at the time asked */
	bool directory;     /* no password of its own: the directory checks it */
};

/* Every account by name into out and st (at most max): how many, or -1. */
int accounts_list(sqlite3 *db, double now, struct account *out, struct account_state *st,
    int max);
/* The account named name, and its state: GM_OK, GM_ENOTFOUND, GM_EIO. */
int accounts_find(sqlite3 *db, const char *name, struct account *out, struct account_state *st);
/* Give the account named a->name a->role and a->units (an editor needs
 * one). GM_OK; GM_EINVAL or GM_ENOTFOUND with why in err; GM_EIO. */
int accounts_set_role(sqlite3 *db, const struct account *a, char *err, size_t errlen);
/* Clear an account's wrong passwords and its lock: GM_OK, GM_ENOTFOUND,
 * GM_EIO. */
int accounts_unlock(sqlite3 *db, const char *name);

/* The account of id (a session's): GM_OK, GM_ENOTFOUND, GM_EIO. */
int accounts_get(sqlite3 *db, int64_t id, struct account *out);

/* May a may enter data for unit (an id)? */
bool account_may_edit(const struct account *a, const char *unit);

#endif
