/* web_checklist.c - a unit's checklist in the database and its INI file
 * (web_checklist.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "confparse.h"
#include "fileio.h"
#include "gm_err.h"
#include "numtext.h"
#include "web_checklist.h"
#include "web_export.h"

static int sql_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	return gm_errf(err, errlen, GM_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const char *unit, int fy)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, fy);
	return st;
}

static void copy_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

int web_checklist_get(sqlite3 *db, const struct criteria *c, const char *unit, int fy,
    struct checklist *cl)
{
	sqlite3_stmt *st;
	char *text;
	size_t len;

	memset(cl, 0, sizeof(*cl));
	if (web_export_last(db, &(struct export_id){ "checklist", unit, fy }, &text, &len) != GM_OK)
		return GM_EIO;
	cl->found = text != NULL;
	free(text);
	if ((st = prepare(db, "SELECT code, score, evidence, note FROM checklist WHERE unit = ?1 "
	    "AND fy = ?2", unit, fy)) == NULL)
		return GM_EIO;
	while (sqlite3_step(st) == SQLITE_ROW && cl->n < CRIT_MAX_INDICATORS) {
		struct check_entry *e = &cl->e[cl->n];

		copy_col(e->code, sizeof(e->code), st, 0);
		if (criteria_find(c, e->code) < 0)
			continue;   /* of another edition */
		e->score = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 1);
		copy_col(e->evidence, sizeof(e->evidence), st, 2);
		copy_col(e->note, sizeof(e->note), st, 3);
		cl->n++;
		cl->found = true;
	}
	sqlite3_finalize(st);
	if ((st = prepare(db, "SELECT resource, text, plan FROM causes WHERE unit = ?1 AND fy = ?2",
	    unit, fy)) == NULL)
		return GM_EIO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum resource r;

		if (resource_parse((const char *)sqlite3_column_text(st, 0), &r) != 0)
			continue;
		copy_col(cl->cause[r].text, sizeof(cl->cause[r].text), st, 1);
		copy_col(cl->cause[r].plan, sizeof(cl->cause[r].plan), st, 2);
		cl->found = true;
	}
	sqlite3_finalize(st);
	return GM_OK;
}

/* The rows of cl replace the unit's for fy. */
static int put_rows(sqlite3 *db, const char *unit, int fy, const struct checklist *cl)
{
	sqlite3_stmt *st;
	int ok = 1;

	if (sqlite3_exec(db, "SAVEPOINT put", NULL, NULL, NULL) != SQLITE_OK)
		return GM_EIO;
	for (int k = 0; k < 2 && ok; k++) {
		st = prepare(db, k == 0 ? "DELETE FROM checklist WHERE unit = ?1 AND fy = ?2" :
		    "DELETE FROM causes WHERE unit = ?1 AND fy = ?2", unit, fy);
		ok = st != NULL && sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
	}
	for (int i = 0; i < cl->n && ok; i++) {
		const struct check_entry *e = &cl->e[i];

		st = prepare(db, "INSERT INTO checklist (unit, fy, code, score, evidence, note) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", unit, fy);
		if ((ok = st != NULL) != 0) {
			sqlite3_bind_text(st, 3, e->code, -1, SQLITE_STATIC);
			if (!isnan(e->score))
				sqlite3_bind_double(st, 4, e->score);
			sqlite3_bind_text(st, 5, e->evidence, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, e->note, -1, SQLITE_STATIC);
			ok = sqlite3_step(st) == SQLITE_DONE;
		}
		sqlite3_finalize(st);
	}
	for (int r = 0; r < RES_N && ok; r++) {
		if (cl->cause[r].text[0] == '\0' && cl->cause[r].plan[0] == '\0')
			continue;
		st = prepare(db, "INSERT INTO causes (unit, fy, resource, text, plan) VALUES "
		    "(?1, ?2, ?3, ?4, ?5)", unit, fy);
		if ((ok = st != NULL) != 0) {
			sqlite3_bind_text(st, 3, resource_name((enum resource)r), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, cl->cause[r].text, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, cl->cause[r].plan, -1, SQLITE_STATIC);
			ok = sqlite3_step(st) == SQLITE_DONE;
		}
		sqlite3_finalize(st);
	}
	if (!ok)
		sqlite3_exec(db, "ROLLBACK TO put", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE put", NULL, NULL, NULL);
	return ok ? GM_OK : GM_EIO;
}

void web_checklist_path(char *buf, size_t len, const char *dir, int fy, const char *unit)
{
	snprintf(buf, len, "%s/%d/%s.ini", dir, fy, unit);
}

struct check_import {
	const struct criteria *c;
	const char *unit;
	int fy;
	struct checklist cl;
};

static int import_load(void *ctx, const char *path, bool *found, char *err, size_t errlen)
{
	struct check_import *im = ctx;
	char first[WEB_EXPORT_ERR_MAX] = "";

	if (checklist_load(path, im->c, &im->cl, web_export_first_mistake, first) != 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s", first);
	*found = im->cl.found;
	return GM_OK;
}

static int import_apply(void *ctx, sqlite3 *db)
{
	struct check_import *im = ctx;

	return put_rows(db, im->unit, im->fy, &im->cl);
}

int web_checklist_import(sqlite3 *db, const struct criteria *c, const char *path,
    const struct entry_who *w, int fy, char *err, size_t errlen)
{
	struct check_import *ci = malloc(sizeof(*ci));
	struct export_import im = { { "checklist", w->unit, fy }, w, path, import_load,
		import_apply, ci };
	int rc;

	if (ci == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	*ci = (struct check_import){ .c = c, .unit = w->unit, .fy = fy };
	if ((rc = web_checklist_get(db, c, w->unit, fy, &ci->cl)) != GM_OK)
		rc = sql_fail(db, "checklist", err, errlen);
	else if (!ci->cl.found)   /* else the database has it: the file is its export */
		rc = web_export_import(db, &im, err, errlen);
	free(ci);
	return rc;
}

static const struct check_entry *entry_of(const struct checklist *cl, const char *code)
{
	for (int e = 0; e < cl->n; e++)
		if (strcmp(cl->e[e].code, code) == 0)
			return &cl->e[e];
	return NULL;
}

/* One audit row for a field that changed: "checklist <unit> <fy> <field>". */
static int audit_field(sqlite3 *db, const struct entry_who *w, int fy, const char *field,
    const char *old, const char *new_value)
{
	char what[200];

	if (strcmp(old, new_value) == 0)
		return GM_OK;
	snprintf(what, sizeof(what), "checklist %s %d %s", w->unit, fy, field);
	return audit_add(db, w->at, w->name, w->address, what, old[0] ? old : NULL,
	    new_value[0] ? new_value : NULL);
}

static void score_text(char *buf, size_t len, const struct check_entry *e)
{
	buf[0] = '\0';
	if (e != NULL && !isnan(e->score))
		numtext_shortest(buf, len, e->score);
}

static int audit_changes(sqlite3 *db, const struct entry_who *w, int fy,
    const struct criteria *c, const struct checklist *was, const struct checklist *now)
{
	static const struct check_entry none = { .score = NAN };
	int rc = GM_OK;

	for (int i = 0; i < c->nind && rc == GM_OK; i++) {
		const struct check_entry *a = entry_of(was, c->ind[i].code), *b = entry_of(now,
		    c->ind[i].code);
		char field[64], sa[40], sb[40];

		a = a != NULL ? a : &none;
		b = b != NULL ? b : &none;
		score_text(sa, sizeof(sa), a);
		score_text(sb, sizeof(sb), b);
		snprintf(field, sizeof(field), "%s score", c->ind[i].code);
		rc = audit_field(db, w, fy, field, sa, sb);
		snprintf(field, sizeof(field), "%s evidence", c->ind[i].code);
		rc = rc != GM_OK ? rc : audit_field(db, w, fy, field, a->evidence, b->evidence);
		snprintf(field, sizeof(field), "%s note", c->ind[i].code);
		rc = rc != GM_OK ? rc : audit_field(db, w, fy, field, a->note, b->note);
	}
	for (int r = 0; r < RES_N && rc == GM_OK; r++) {
		char field[64];

		snprintf(field, sizeof(field), "cause %s", resource_name((enum resource)r));
		rc = audit_field(db, w, fy, field, was->cause[r].text, now->cause[r].text);
		snprintf(field, sizeof(field), "cause %s plan", resource_name((enum resource)r));
		rc = rc != GM_OK ? rc : audit_field(db, w, fy, field, was->cause[r].plan,
		    now->cause[r].plan);
	}
	return rc;
}

struct check_save {
	const struct criteria *c;
	const struct entry_who *w;
	int fy;
	const struct checklist *cl;
};

/* The file written, read back: the same rules as a file written by hand. */
static int check_written(void *ctx, const char *written, char *err, size_t errlen)
{
	struct check_save *s = ctx;
	struct checklist *back = malloc(sizeof(*back));
	char first[WEB_EXPORT_ERR_MAX] = "";
	int rc = GM_OK;

	if (back == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	if (checklist_load(written, s->c, back, web_export_first_mistake, first) != 0)
		rc = gm_errf(err, errlen, GM_EINVAL, "%s", first);
	free(back);
	return rc;
}

/* What changed, audited, and the new rows. */
static int apply(void *ctx, sqlite3 *db)
{
	struct check_save *s = ctx;
	struct checklist *was = malloc(sizeof(*was));
	int rc = GM_EIO;

	if (was != NULL && web_checklist_get(db, s->c, s->w->unit, s->fy, was) == GM_OK &&
	    audit_changes(db, s->w, s->fy, s->c, was, s->cl) == GM_OK)
		rc = put_rows(db, s->w->unit, s->fy, s->cl);
	free(was);
	return rc;
}

int web_checklist_save(sqlite3 *db, const struct criteria *c, const char *path,
    const struct entry_who *w, int fy, const struct checklist *cl, uint64_t version, char *err,
    size_t errlen)
{
	struct check_save cs = { c, w, fy, cl };
	struct export_save s = { { "checklist", w->unit, fy }, w, path, NULL, 0, check_written,
		apply, &cs, version };
	char head[300], *text = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	snprintf(head, sizeof(head), "The Green Office checklist of %s for fiscal year %d, "
	    "written by gm-dashboard", w->unit, fy);
	if ((m = open_memstream(&text, &len)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	checklist_write(m, c, cl, head);
	fclose(m);
	s.text = text;
	s.len = len;
	rc = web_export_save(db, &s, err, errlen);
	free(text);
	return rc;
}
