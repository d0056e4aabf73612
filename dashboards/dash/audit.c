/* audit.c - the audit log, appended and read (audit.h). */
#include <stdio.h>

#include "audit.h"
#include "gm_err.h"

static void bind_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int audit_add(sqlite3 *db, double at, const char *who, const char *address, const char *what,
    const char *old, const char *new_value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO audit (at, who, address, what, old, new) "
	    "VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_double(st, 1, at);
	sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, what, -1, SQLITE_STATIC);
	bind_or_null(st, 5, old);
	bind_or_null(st, 6, new_value);
	rc = sqlite3_step(st) == SQLITE_DONE ? GM_OK : GM_EIO;
	sqlite3_finalize(st);
	return rc;
}

static void text_col(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

int audit_read(sqlite3 *db, long long before, struct audit_row *out, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT at, who, address, what, old, new, id FROM audit "
	    "WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int(st, 3, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct audit_row *r = &out[n++];

		r->at = sqlite3_column_double(st, 0);
		r->id = sqlite3_column_int64(st, 6);
		text_col(st, 1, r->who, sizeof(r->who));
		text_col(st, 2, r->address, sizeof(r->address));
		text_col(st, 3, r->what, sizeof(r->what));
		text_col(st, 4, r->old, sizeof(r->old));
		text_col(st, 5, r->new_value, sizeof(r->new_value));
	}
	sqlite3_finalize(st);
	return n;
}
