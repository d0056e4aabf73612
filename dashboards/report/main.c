/*
 * gm-report - consumption per meter channel over a period in local time.
 *
 *   gm-report -d DATADIR --from "2026-10-01" --to "2026-11-01"
 *             [--csv | --lang th|en] [--site ID] [--meter ID]
 *   gm-report -d DATADIR --fy 2570 [--round 6|9|12 | --quarter 1-4
 *             | --month 1-12] ...
 *   --rrdcached ADDRESS   the collector writes through rrdcached: flush each
 *                         file there before reading it (same ADDRESS forms)
 *   gm-report -d DATADIR --org FILE --fy 2570 [--round 6|9|12 | --quarter 1-4
 *             | --month 1-12] --out DIR [--lang th|en|both] [--cache DIR]
 *                         the Green Office report set (green_set.h)
 *   --cache DIR           keep each channel's closed months' usage in DIR
 *                         (made if missing) and use it again while the file
 *                         has not changed under it (common/store/usage_cache.h):
 *                         the same figures, without reading those rows. None
 *                         by default; the data directory is never written.
 *                         The set's channels are read on 2 threads (on 1
 *                         with --rrdcached, whose client is not thread-safe).
 *   gm-report -h|--help   the usage, on stdout
 * Periods are [from, to) in Asia/Bangkok time. Counters and deltas show the
 * amount used; gauges show mean, min and max. Every row says how much of the
 * period had readings (for deltas, manual entries: the share of its months
 * with an entry): a figure below 100 % coverage is incomplete.
 * --month counts from October (1) to September (12) in both modes; fiscal
 * years are B.E. 2500..2700 in both (fiscal.h). --lang th|en: the plain
 * table in Thai or English (report_table.h). Every option is honoured or
 * refused, naming it (report_opts.h); the plain mode is report_plain.h.
 * Exit codes: 0 ok, 1 no data or a file could not be read, 2 usage.
 */
#include <stdio.h>

#include "data_format.h"
#include "gm_err.h"
#include "green_set.h"
#include "report_opts.h"
#include "report_plain.h"
#include "timeutil.h"

int main(int argc, char **argv)
{
	struct report_cmd cmd;
	char err[512];

	tz_set(TZ_DEFAULT);
	if (argc < 2) {
		report_opts_usage(stderr);
		return 2;
	}
	if (report_opts_parse(argc, argv, &cmd, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: %s\n", err);
		report_opts_usage(stderr);
		return 2;
	}
	if (cmd.mode == REPORT_HELP) {
		report_opts_usage(stdout);
		return 0;
	}
	/* data laid out by a newer greenmeter is not read as if it were ours */
	if (data_format_check(cmd.datadir, false, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: %s\n", err);
		return 1;
	}
	if (cmd.mode == REPORT_GREEN)
		return green_set_write(&cmd);
	return report_plain(&cmd);
}
