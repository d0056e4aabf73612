/* sessions.c - session tokens and their CSRF tokens (sessions.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "gm_err.h"
#include "sessions.h"

void session_random(char out[SESSION_TOKEN_LEN + 1])
{
	unsigned char b[SESSION_TOKEN_LEN / 2];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, SESSION_TOKEN_LEN + 1, b, sizeof(b));
	sodium_memzero(b, sizeof(b));
}

/* The hash kept for a token; false if it is not one of ours (64 hex). */
static bool token_hash(const char *token, unsigned char h[crypto_generichash_BYTES])
{
	if (strlen(token) != SESSION_TOKEN_LEN ||
	    strspn(token, "0123456789abcdef") != SESSION_TOKEN_LEN)
		return false;
	crypto_generichash(h, crypto_generichash_BYTES, (const unsigned char *)token,
	    SESSION_TOKEN_LEN, NULL, 0);
	return true;
}

static void sweep(sqlite3 *db, double now)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE expires <= ?", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	sqlite3_bind_double(st, 1, now);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int session_new(sqlite3 *db, int64_t user_id, const char *address, double now, double life_s,
    char token[SESSION_TOKEN_LEN + 1], struct session *out)
{
	unsigned char h[crypto_generichash_BYTES];
	sqlite3_stmt *st;
	int rc;

	sweep(db, now);
	session_random(token);
	token_hash(token, h);
	memset(out, 0, sizeof(*out));
	out->user_id = user_id;
	out->expires = now + life_s;
	session_random(out->csrf);
	if (sqlite3_prepare_v2(db, "INSERT INTO sessions (token_hash, user_id, csrf, created, "
	    "expires, address) VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, out->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, now);
	sqlite3_bind_double(st, 5, out->expires);
	sqlite3_bind_text(st, 6, address, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : GM_EIO;
	sqlite3_finalize(st);
	return rc;
}

int session_find(sqlite3 *db, const char *token, double now, struct session *out)
{
	unsigned char h[crypto_generichash_BYTES];
	sqlite3_stmt *st;
	int rc;

	if (token == NULL || !token_hash(token, h))
		return GM_ENOTFOUND;
	if (sqlite3_prepare_v2(db, "SELECT user_id, csrf, expires FROM sessions "
	    "WHERE token_hash = ? AND expires > ?", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_double(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->csrf, sizeof(out->csrf), "%s", (const char *)sqlite3_column_text(st, 1));
		out->expires = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? GM_OK : rc == SQLITE_DONE ? GM_ENOTFOUND : GM_EIO;
}

int session_end(sqlite3 *db, const char *token)
{
	unsigned char h[crypto_generichash_BYTES];
	sqlite3_stmt *st;
	int rc;

	if (token == NULL || !token_hash(token, h))
		return GM_OK;
	if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE token_hash = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : GM_EIO;
	sqlite3_finalize(st);
	return rc;
}

int session_tokens_match(const char *a, const char *b)
{
	return a != NULL && b != NULL && strlen(a) == SESSION_TOKEN_LEN &&
	    strlen(b) == SESSION_TOKEN_LEN && sodium_memcmp(a, b, SESSION_TOKEN_LEN) == 0;
}

int session_csrf_ok(const struct session *s, const char *given)
{
	return session_tokens_match(s->csrf, given);
}
