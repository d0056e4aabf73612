/*
 * web_plan.h - the organisation's Green Office action plan for a fiscal
 * year (KPI 1.4; action_plan.h), kept in the dashboard's database and
 * written out at every save as <plans>/<fy>.ini, the file gm-report reads
 * (web_export.h: read back before it replaces the old one; a file changed
 * by hand is kept aside). A file written by hand is read in the first time
 * the year's plan is opened with nothing in the database. Every changed
 * field has its audit row.
 */
#ifndef GM_WEB_PLAN_H
#define GM_WEB_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "action_plan.h"
#include "web_entries.h"

/* The plan in the database (found: the database has it); GM_OK or GM_EIO. */
int web_plan_get(sqlite3 *db, const struct org *o, int fy, struct action_plan *p);

/* Nothing in the database for fy: read the file at path in, audited.
 * GM_OK (also without a file); GM_EINVAL with its first mistake; GM_EIO. */
int web_plan_import(sqlite3 *db, const struct org *o, const char *path,
    const struct entry_who *w, int fy, char *err, size_t errlen);

/* Save p as fy's plan and write it to path, if it is still at version
 * (web_export_version of "plan", "", fy). GM_OK; GM_EINVAL with the
 * mistake, GM_EBUSY when saved by someone else since (nothing saved either
 * way); GM_EIO. */
int web_plan_save(sqlite3 *db, const struct org *o, const char *path, const struct entry_who *w,
    int fy, const struct action_plan *p, uint64_t version, char *err, size_t errlen);

#endif
