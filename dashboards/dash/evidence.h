/*
 * evidence.h - the files a unit attaches to its checklist as evidence:
 * PDF, JPEG or PNG, known by their first bytes (a renamed program is not
 * a PDF whatever its name says), up to [accounts] evidence_max_mb. Each is
 * kept in the evidence folder under its number in the database's evidence
 * table, never under a name from the network, written whole and fsync'd;
 * the folder is never served as one: dash_checklist.c hands out a file
 * only to a signed-in person who may see its unit. A checklist's files are
 * under their indicator's code, an action plan activity's under
 * "plan-<number>", its owner unit's.
 */
#ifndef GM_EVIDENCE_H
#define GM_EVIDENCE_H

#include <stddef.h>

#include <sqlite3.h>

#include "web_entries.h"

#define EVIDENCE_PER_INDICATOR 20

/* The file's type from its content: "application/pdf", "image/jpeg",
 * "image/png", or NULL for anything else. */
const char *evidence_type(const unsigned char *p, size_t n);

struct evidence {
	long long id;
	char unit[64], code[16], name[256], type[32], who[80];
	int fy;
	long long size;
	double at;
};

/* Store a file for indicator code of w->unit's checklist for fy: its row
 * (audited) and the file, or neither. name is shown only (cut to a
 * printable 200 bytes). GM_OK with *id; GM_EINVAL (not one of the
 * types, in err); GM_ERANGE (EVIDENCE_PER_INDICATOR files there already);
 * GM_EIO. */
int evidence_add(sqlite3 *db, const char *dir, const struct entry_who *w, int fy,
    const char *code, const char *name, const unsigned char *p, size_t n, long long *id,
    char *err, size_t errlen);

/* The files of fy, in upload order: of one unit (NULL: every unit), whose
 * code starts with prefix (NULL: any; the action plan's activities are
 * "plan-<n>"): how many (at most max), or -1. */
int evidence_list(sqlite3 *db, const char *unit, int fy, const char *prefix,
    struct evidence *out, int max);

/* One file's row: GM_OK, GM_ENOTFOUND. */
int evidence_get(sqlite3 *db, long long id, struct evidence *e);

/* Remove file id of w->unit's checklist (its row, audited, then the file).
 * GM_OK; GM_ENOTFOUND (no such file of that unit); GM_EIO. */
int evidence_remove(sqlite3 *db, const char *dir, const struct entry_who *w, long long id,
    char *err, size_t errlen);

/* The file's path in the folder. */
void evidence_path(char *buf, size_t len, const char *dir, long long id);

#endif
