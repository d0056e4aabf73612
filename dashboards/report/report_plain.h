/*
 * report_plain.h - gm-report's plain mode: every stored channel under the
 * data directory (or those of --site, --meter) over [from, to), cut at now
 * (the future has no readings yet: not a gap), as a text table
 * (report_table.h) or as CSV (UTF-8 with a byte-order mark; an amount is
 * the exact double, NAN for none). Returns the exit code: 0, or 1 when
 * there is no channel or a channel could not be read (said on stderr; the
 * others are still reported).
 */
#ifndef GM_REPORT_PLAIN_H
#define GM_REPORT_PLAIN_H

#include "report_opts.h"

int report_plain(const struct report_cmd *cmd);

#endif
