/*
 * sessions.h - who is signed in (db.h's sessions table). A session is a
 * random token of 32 bytes in an HttpOnly, SameSite=Strict cookie (Secure
 * under HTTPS); the database keeps only its hash, so a copy of the database
 * signs nobody in. Each session has its own CSRF token, which every form
 * carries and every POST must give back. A session ends at sign-out or
 * when it expires, whichever comes first.
 */
#ifndef GM_SESSIONS_H
#define GM_SESSIONS_H

#include <stdint.h>

#include <sqlite3.h>

#define SESSION_TOKEN_LEN 64   /* hex */

struct session {
	int64_t user_id;
	char csrf[SESSION_TOKEN_LEN + 1];
	double expires;
};

/* 32 random bytes in hex: a token of a session, or of a form. */
void session_random(char out[SESSION_TOKEN_LEN + 1]);
/* Two tokens the same, in constant time (either may be NULL: not). */
int session_tokens_match(const char *a, const char *b);

/* A new session for user_id from address, ending life_s from now: its
 * cookie token (hex) in token. GM_OK or GM_EIO. Expired sessions are
 * swept at the same time. */
int session_new(sqlite3 *db, int64_t user_id, const char *address, double now, double life_s,
    char token[SESSION_TOKEN_LEN + 1], struct session *out);
/* The live session of a cookie token: GM_OK, GM_ENOTFOUND (none, ended,
 * expired, or not a token), GM_EIO. */
int session_find(sqlite3 *db, const char *token, double now, struct session *out);
/* End it (sign-out); ending one that is not there is no error. */
int session_end(sqlite3 *db, const char *token);
/* Does the form's token match the session's? In constant time. */
int session_csrf_ok(const struct session *s, const char *given);

#endif
