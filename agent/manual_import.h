/*
 * manual_import.h - monthly amounts typed in by people (reams of paper
 * issued, fuel litres, waste kg), read from a CSV file and published as
 * readings of kind "delta".
 *
 *   month,meter,channel,amount,unit,note
 *   2026-10,finance-budget,paper_reams,40,reams,issued from stores
 *   2026-10,central-admin,fuel_l,420.5,L,"vans, both"
 *
 * The first line names the columns (any order; note optional); lines
 * starting with # are comments; a UTF-8 byte-order mark (spreadsheet export)
 * is skipped; fields may be quoted. Every mistake is reported as file:line
 * and the file is refused whole. A month's amount is published with t = the
 * last second of that month (Asia/Bangkok) and seq = months since 2000-01,
 * so importing the same file again publishes the same readings, which the
 * collector stores once; a changed amount for the same month corrects it.
 */
#ifndef GM_MANUAL_IMPORT_H
#define GM_MANUAL_IMPORT_H

#include <stddef.h>

#include "confparse.h"
#include "mqtt_opts.h"
#include "payload.h"
#include "topic.h"

struct manual_entry {
	struct chan_id id;
	int year, month;
	double t;                 /* last second of the month, local time */
	double amount;
	char unit[UNIT_MAX + 1];
	uint64_t seq;             /* months since 2000-01 */
	int line;
};

/* Parse path; `site` fills every entry's site. Errors go to report as
 * "path:line: ..."; returns their count. *ret (malloc'd) and *ret_n are set
 * only when there is none. */
int manual_import_parse(const char *path, const char *site, struct manual_entry **ret,
    size_t *ret_n, conf_report report, void *report_user);

/* Publish the entries at QoS 1 and wait (up to timeout_ms) until the broker
 * has acknowledged all of them. GM_OK, or GM_EIO with the reason in err. */
int manual_import_publish(const struct mqtt_opts *opts, const struct manual_entry *e,
    size_t n, int timeout_ms, char *err, size_t errlen);

#endif
