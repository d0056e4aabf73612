/*
 * audit.h - the audit log (db.h's audit table): who changed what, when,
 * from which address, the old and the new value. Written only through
 * audit_add; the database's triggers refuse any change or deletion, so no
 * page and no mistake can rewrite it. Never a password, in clear or not.
 */
#ifndef GM_AUDIT_H
#define GM_AUDIT_H

#include <stddef.h>

#include <sqlite3.h>

/* old and new may be NULL. GM_OK or GM_EIO. */
int audit_add(sqlite3 *db, double at, const char *who, const char *address, const char *what,
    const char *old, const char *new_value);

struct audit_row {
	long long id;
	double at;
	char who[80], address[64], what[200], old[400], new_value[400];
};

/* The newest max rows (before id `before`, 0: from the newest) into out;
 * how many, or -1. */
int audit_read(sqlite3 *db, long long before, struct audit_row *out, int max);

#endif
