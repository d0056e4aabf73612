/*
 * manual_csv.h - the manual-entry CSV file of `gm-agent --import`, read
 * from memory and checked whole: every mistake is reported as file:line,
 * and a file with any mistake gives no entries at all, so nothing of it is
 * ever published (docs/agent.md, "Manual entries").
 *
 * A line gives a month's amount (reams issued in October: a delta), or a
 * meter's dial reading taken at a date (a counter, read by hand):
 *
 *   month,meter,channel,amount,unit,note
 *   2026-10,finance-budget,paper_reams,40,reams,issued from stores
 *
 *   date,meter,channel,reading,unit,every,note
 *   2026-10-01,b2-water,volume_m3,10482.25,m3,,read by the caretaker
 *
 * and a file may hold both kinds of line, with all their columns.
 * The rules, strict so that a typing slip is refused rather than read as
 * something else:
 *  - text: UTF-8 or ASCII; a UTF-8 byte-order mark is skipped; a UTF-16
 *    file or any NUL byte is refused (the first line with one named);
 *  - lines end in LF, CRLF or a lone CR, as any spreadsheet writes them;
 *    lines starting with # are comments, blank lines are skipped;
 *  - the first other line names the columns, in any order, each once:
 *    meter, channel, unit, and month with amount, or date with reading, or
 *    all four; every and note optional; every line has exactly as many
 *    fields as the header; fields may be quoted (RFC 4180, within one line);
 *  - where a file has both amount and reading, a line fills exactly one of
 *    them, and leaves the other kind's columns (month; date, every) empty;
 *  - month is YYYY-MM exactly: four digits, '-', two digits, 2000-01 to
 *    2099-12 (not "2026-1O", "2026-1 ", "2026-+1");
 *  - date is YYYY-MM-DD or YYYY-MM-DD HH:MM, a day and time that exist,
 *    local time: a dial read "on 1 March" is 00:00 of that day;
 *  - meter and channel are ids ([a-z0-9][a-z0-9_-]{0,63});
 *  - amount and reading are plain decimals (digits, one '.', an exponent):
 *    no sign but '-', no "nan", "inf", hex, spaces or anything after it;
 *    finite, and 0 or more;
 *  - every: whole seconds 1..PAYLOAD_EVERY_MAX expected between a channel's
 *    readings; empty (or no column) is PAYLOAD_EVERY_MONTHLY (31 days);
 *  - unit as in the wire contract, and the same for every line of a channel;
 *    a channel takes amounts or readings, not both;
 *  - a month of a channel's amounts at most once, and only once it is over
 *    (its entry is stamped with the month's last second, and the collector
 *    refuses a reading more than MANUAL_CSV_FUTURE_S ahead of its clock);
 *  - a channel's readings in the order they were taken (its RRD takes only
 *    newer ones), none in the future, with one every, and none lower than
 *    the one before it (a dial does not run back: a replaced or reset
 *    meter is announced with `gm-agent --event` instead);
 *  - at least one entry.
 * A month's amount is stamped with the last second of that month, local
 * time (the process's TZ: gm-agent sets Asia/Bangkok); amounts and readings
 * are numbered by their month (seq = months since 2000-01), so importing a
 * file again publishes the same readings.
 */
#ifndef GM_MANUAL_CSV_H
#define GM_MANUAL_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confparse.h"
#include "payload.h"
#include "topic.h"

struct manual_entry {
	struct chan_id id;
	enum reading_kind kind;   /* KIND_DELTA: a month's amount; KIND_COUNTER: a
	                             dial reading */
	int year, month;          /* the amount's month; the month of the reading's date */
	double t;                 /* local time: the month's last second; when read */
	double v;                 /* the amount, or the reading: finite, >= 0 (never -0) */
	long every;               /* a reading: s expected between readings; else 0 */
	char unit[UNIT_MAX + 1];
	uint64_t seq;             /* months since 2000-01 */
	int line;
};

/* a and b are entries of one channel (of one file: one site). */
bool manual_csv_same_channel(const struct manual_entry *a, const struct manual_entry *b);

#define MANUAL_CSV_LINE_MAX 4096   /* characters in a line, without its end */
#define MANUAL_CSV_FUTURE_S 300    /* s: the collector's limit for a reading ahead */

/* Parse len bytes of buf, the contents of the file `name` (for messages);
 * `site` fills every entry's site; `now` (unix seconds) tells which months
 * are over and which dates are past. Every mistake goes to report as
 * "name:line: ..." (or "name: ..." for the file as a whole); returns their
 * count. *ret (malloc'd, at least one entry, in the order of the file) and
 * *ret_n are set only when there is none. */
int manual_csv_parse(const char *name, const char *buf, size_t len, const char *site,
    double now, struct manual_entry **ret, size_t *ret_n, conf_report report,
    void *report_user);

#endif
