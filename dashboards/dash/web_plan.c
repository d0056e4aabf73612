/* web_plan.c - the action plan in the database and its INI file
 * (web_plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "confparse.h"
#include "gm_err.h"
#include "timeutil.h"
#include "web_export.h"
#include "web_plan.h"

static void col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

static time_t col_date(sqlite3_stmt *st, int i)
{
	char d[32], err[64];
	time_t t = 0;

	col(d, sizeof(d), st, i);
	return d[0] != '\0' && time_parse_local(d, &t, err, sizeof(err)) == 0 ? t : 0;
}

static void read_activities(sqlite3 *db, const struct org *o, int fy, struct action_plan *p)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT number, th, en, owner, due, status, evidence FROM "
	    "plan_activities WHERE fy = ?1 ORDER BY CAST(number AS INTEGER), number", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(st, 1, fy);
	while (p->nact < PLAN_MAX_ACT && sqlite3_step(st) == SQLITE_ROW) {
		struct plan_activity *a = &p->act[p->nact++];
		char owner[ID_MAX + 1], status[16];

		col(a->number, sizeof(a->number), st, 0);
		col(a->th, sizeof(a->th), st, 1);
		col(a->en, sizeof(a->en), st, 2);
		col(owner, sizeof(owner), st, 3);
		a->owner = owner[0] != '\0' ? org_unit_find(o, owner) : -1;
		a->due = col_date(st, 4);
		col(status, sizeof(status), st, 5);
		if (act_status_parse(status, &a->status) != 0)
			a->status = ACT_NOT_STARTED;
		col(a->evidence, sizeof(a->evidence), st, 6);
	}
	sqlite3_finalize(st);
}

int web_plan_get(sqlite3 *db, const struct org *o, int fy, struct action_plan *p)
{
	sqlite3_stmt *st;

	memset(p, 0, sizeof(*p));
	if (sqlite3_prepare_v2(db, "SELECT th, en, approved, submitted, impacts, problems, "
	    "obstacles, recommendations FROM plans WHERE fy = ?1", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	sqlite3_bind_int(st, 1, fy);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->found = true;
		col(p->th, sizeof(p->th), st, 0);
		col(p->en, sizeof(p->en), st, 1);
		p->approved = col_date(st, 2);
		p->submitted = col_date(st, 3);
		col(p->impacts, sizeof(p->impacts), st, 4);
		col(p->problems, sizeof(p->problems), st, 5);
		col(p->obstacles, sizeof(p->obstacles), st, 6);
		col(p->recommendations, sizeof(p->recommendations), st, 7);
	}
	sqlite3_finalize(st);
	if (p->found)
		read_activities(db, o, fy, p);
	return GM_OK;
}

static void date_text(char *buf, size_t len, time_t t)
{
	buf[0] = '\0';
	if (t != 0)
		action_plan_date(buf, len, t);
}

static const char *owner_id(const struct org *o, int owner)
{
	return owner >= 0 && owner < o->nunits ? o->units[owner].id : "";
}

static bool put_activity(sqlite3 *db, const struct org *o, int fy, const struct plan_activity *a)
{
	sqlite3_stmt *st;
	char due[16];
	bool ok;

	if (sqlite3_prepare_v2(db, "INSERT INTO plan_activities (fy, number, th, en, owner, due, "
	    "status, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) != SQLITE_OK)
		return false;
	date_text(due, sizeof(due), a->due);
	sqlite3_bind_int(st, 1, fy);
	sqlite3_bind_text(st, 2, a->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, owner_id(o, a->owner), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, due, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, act_status_name(a->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->evidence, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

/* p's rows replace fy's. */
static int put_rows(sqlite3 *db, const struct org *o, int fy, const struct action_plan *p)
{
	sqlite3_stmt *st;
	char approved[16], submitted[16];
	bool ok;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO plans (fy, th, en, approved, submitted, "
	    "impacts, problems, obstacles, recommendations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9)", -1, &st, NULL) != SQLITE_OK)
		return GM_EIO;
	date_text(approved, sizeof(approved), p->approved);
	date_text(submitted, sizeof(submitted), p->submitted);
	sqlite3_bind_int(st, 1, fy);
	sqlite3_bind_text(st, 2, p->th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, approved, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, submitted, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->impacts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->problems, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->obstacles, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, p->recommendations, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (ok && sqlite3_prepare_v2(db, "DELETE FROM plan_activities WHERE fy = ?1", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, fy);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
	}
	for (int i = 0; ok && i < p->nact; i++)
		ok = put_activity(db, o, fy, &p->act[i]);
	return ok ? GM_OK : GM_EIO;
}

/* ---- what changed, for the audit log --------------------------------- */

static int audit_field(sqlite3 *db, const struct entry_who *w, int fy, const char *field,
    const char *old, const char *new_value)
{
	char what[200];

	if (strcmp(old, new_value) == 0)
		return GM_OK;
	snprintf(what, sizeof(what), "plan %d %s", fy, field);
	return audit_add(db, w->at, w->name, w->address, what, old[0] ? old : NULL,
	    new_value[0] ? new_value : NULL);
}

static int audit_date(sqlite3 *db, const struct entry_who *w, int fy, const char *field,
    time_t old, time_t new_value)
{
	char a[16], b[16];

	date_text(a, sizeof(a), old);
	date_text(b, sizeof(b), new_value);
	return audit_field(db, w, fy, field, a, b);
}

static const struct plan_activity *activity(const struct action_plan *p, const char *number)
{
	for (int i = 0; i < p->nact; i++)
		if (strcmp(p->act[i].number, number) == 0)
			return &p->act[i];
	return NULL;
}

static int audit_activity(sqlite3 *db, const struct org *o, const struct entry_who *w, int fy,
    const struct plan_activity *a, const struct plan_activity *b)
{
	static const struct plan_activity none = { .owner = -1 };
	const struct plan_activity *x = a ? a : &none, *y = b ? b : &none;
	const char *n = a ? a->number : b->number;
	char field[64], da[16], db_[16];
	int rc;

	snprintf(field, sizeof(field), "activity %s", n);
	rc = audit_field(db, w, fy, field, x->th, y->th);
	snprintf(field, sizeof(field), "activity %s en", n);
	rc = rc ? rc : audit_field(db, w, fy, field, x->en, y->en);
	snprintf(field, sizeof(field), "activity %s owner", n);
	rc = rc ? rc : audit_field(db, w, fy, field, owner_id(o, x->owner), owner_id(o, y->owner));
	date_text(da, sizeof(da), x->due);
	date_text(db_, sizeof(db_), y->due);
	snprintf(field, sizeof(field), "activity %s due", n);
	rc = rc ? rc : audit_field(db, w, fy, field, da, db_);
	snprintf(field, sizeof(field), "activity %s status", n);
	rc = rc ? rc : audit_field(db, w, fy, field, a ? act_status_name(x->status) : "",
	    b ? act_status_name(y->status) : "");
	snprintf(field, sizeof(field), "activity %s evidence", n);
	return rc ? rc : audit_field(db, w, fy, field, x->evidence, y->evidence);
}

static int audit_changes(sqlite3 *db, const struct org *o, const struct entry_who *w, int fy,
    const struct action_plan *was, const struct action_plan *now)
{
	int rc = audit_field(db, w, fy, "th", was->th, now->th);

	rc = rc ? rc : audit_field(db, w, fy, "en", was->en, now->en);
	rc = rc ? rc : audit_date(db, w, fy, "approved", was->approved, now->approved);
	rc = rc ? rc : audit_date(db, w, fy, "results_submitted", was->submitted, now->submitted);
	rc = rc ? rc : audit_field(db, w, fy, "impacts", was->impacts, now->impacts);
	rc = rc ? rc : audit_field(db, w, fy, "problems", was->problems, now->problems);
	rc = rc ? rc : audit_field(db, w, fy, "obstacles", was->obstacles, now->obstacles);
	rc = rc ? rc : audit_field(db, w, fy, "recommendations", was->recommendations,
	    now->recommendations);
	for (int i = 0; rc == GM_OK && i < was->nact; i++)
		rc = audit_activity(db, o, w, fy, &was->act[i], activity(now, was->act[i].number));
	for (int i = 0; rc == GM_OK && i < now->nact; i++)
		if (activity(was, now->act[i].number) == NULL)
			rc = audit_activity(db, o, w, fy, NULL, &now->act[i]);
	return rc;
}

/* ---- reading a file in, saving ------------------------------------- */

struct plan_job {
	const struct org *o;
	const struct entry_who *w;
	int fy;
	struct action_plan p;          /* the file read in, or the plan to save */
	const struct action_plan *save;
};

static int load(void *ctx, const char *path, bool *found, char *err, size_t errlen)
{
	struct plan_job *j = ctx;
	char first[WEB_EXPORT_ERR_MAX] = "";

	if (action_plan_load(path, j->o, &j->p, web_export_first_mistake, first) != 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s", first);
	*found = j->p.found;
	return GM_OK;
}

static int apply_import(void *ctx, sqlite3 *db)
{
	struct plan_job *j = ctx;

	return put_rows(db, j->o, j->fy, &j->p);
}

int web_plan_import(sqlite3 *db, const struct org *o, const char *path,
    const struct entry_who *w, int fy, char *err, size_t errlen)
{
	struct plan_job *j = calloc(1, sizeof(*j));
	struct export_import im = { { "plan", "", fy }, w, path, load, apply_import, j };
	int rc;

	if (j == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	j->o = o;
	j->w = w;
	j->fy = fy;
	if ((rc = web_plan_get(db, o, fy, &j->p)) != GM_OK)
		rc = gm_errf(err, errlen, GM_EIO, "action plan: %s", sqlite3_errmsg(db));
	else if (!j->p.found)   /* else the database has it: the file is its export */
		rc = web_export_import(db, &im, err, errlen);
	free(j);
	return rc;
}

static int check_written(void *ctx, const char *written, char *err, size_t errlen)
{
	bool found;

	return load(ctx, written, &found, err, errlen);
}

static int apply_save(void *ctx, sqlite3 *db)
{
	struct plan_job *j = ctx;
	struct action_plan *was = malloc(sizeof(*was));
	int rc = GM_EIO;

	if (was != NULL && web_plan_get(db, j->o, j->fy, was) == GM_OK &&
	    audit_changes(db, j->o, j->w, j->fy, was, j->save) == GM_OK)
		rc = put_rows(db, j->o, j->fy, j->save);
	free(was);
	return rc;
}

int web_plan_save(sqlite3 *db, const struct org *o, const char *path, const struct entry_who *w,
    int fy, const struct action_plan *p, uint64_t version, char *err, size_t errlen)
{
	struct plan_job *j = calloc(1, sizeof(*j));
	struct export_save s = { { "plan", "", fy }, w, path, NULL, 0, check_written, apply_save,
		j, version };
	char head[200], *text = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	if (j == NULL || (m = open_memstream(&text, &len)) == NULL) {
		free(j);
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	}
	j->o = o;
	j->w = w;
	j->fy = fy;
	j->save = p;
	snprintf(head, sizeof(head), "The Green Office action plan of fiscal year %d, written by "
	    "gm-dashboard", fy);
	action_plan_write(m, o, p, head);
	fclose(m);
	s.text = text;
	s.len = len;
	rc = web_export_save(db, &s, err, errlen);
	free(text);
	free(j);
	return rc;
}
