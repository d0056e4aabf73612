/*
 * manual_csv.h - the monthly-entry CSV file of `gm-agent --import`, read
 * from memory and checked whole: every mistake is reported as file:line,
 * and a file with any mistake gives no entries at all, so nothing of it is
 * ever published (docs/agent.md, "Manual entries").
 *
 *   month,meter,channel,amount,unit,note
 *   2026-10,finance-budget,paper_reams,40,reams,issued from stores
 *
 * The rules, strict so that a typing slip is refused rather than read as
 * something else:
 *  - text: UTF-8 or ASCII; a UTF-8 byte-order mark is skipped; a UTF-16
 *    file or any NUL byte is refused (the first line with one named);
 *  - lines end in LF, CRLF or a lone CR, as any spreadsheet writes them;
 *    lines starting with # are comments, blank lines are skipped;
 *  - the first other line names the columns, in any order, each once:
 *    month, meter, channel, amount, unit required, note optional; every
 *    line has exactly as many fields as the header; fields may be quoted
 *    (RFC 4180, within one line);
 *  - month is YYYY-MM exactly: four digits, '-', two digits, 2000-01 to
 *    2099-12 (not "2026-1O", "2026-1 ", "2026-+1");
 *  - meter and channel are ids ([a-z0-9][a-z0-9_-]{0,63});
 *  - amount is a plain decimal (digits, one '.', an exponent): no sign but
 *    '-', no "nan", "inf", hex, spaces or anything after it; finite, and 0
 *    or more (it is a delta: the amount used in that month);
 *  - unit as in the wire contract, and the same for every line of a channel;
 *  - a month of a channel at most once, and only once it is over (its entry
 *    is stamped with the month's last second, and the collector refuses a
 *    reading more than MANUAL_CSV_FUTURE_S ahead of its clock);
 *  - at least one entry.
 * A month's entry is stamped with the last second of that month, local time
 * (the process's TZ: gm-agent sets Asia/Bangkok), and numbered by the month
 * (seq = months since 2000-01), so importing a file again publishes the
 * same readings.
 */
#ifndef GM_MANUAL_CSV_H
#define GM_MANUAL_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "confparse.h"
#include "payload.h"
#include "topic.h"

struct manual_entry {
	struct chan_id id;
	int year, month;
	double t;                 /* last second of the month, local time */
	double amount;            /* finite, >= 0 (never -0) */
	char unit[UNIT_MAX + 1];
	uint64_t seq;             /* months since 2000-01 */
	int line;
};

#define MANUAL_CSV_LINE_MAX 4096   /* characters in a line, without its end */
#define MANUAL_CSV_FUTURE_S 300    /* s: the collector's limit for a reading ahead */

/* Parse len bytes of buf, the contents of the file `name` (for messages);
 * `site` fills every entry's site; `now` (unix seconds) tells which months
 * are over. Every mistake goes to report as
 * "name:line: ..." (or "name: ..." for the file as a whole); returns their
 * count. *ret (malloc'd, at least one entry) and *ret_n are set only when
 * there is none. */
int manual_csv_parse(const char *name, const char *buf, size_t len, const char *site,
    double now, struct manual_entry **ret, size_t *ret_n, conf_report report,
    void *report_user);

#endif
