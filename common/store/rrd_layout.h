/*
 * rrd_layout.h - the one RRD layout of a meter channel, shared by the
 * collector (librrd or rrdcached) and every reader. Changing it needs a
 * migration of every file: see docs/storage.md. Layout version 2.
 *
 * step 60 s. Two data sources:
 *   value  GAUGE, heartbeat 900 s  - the reading as the meter showed it (a
 *          counter register, or a gauge such as W). Unknown where no reading
 *          came for 15 min: that is how gaps are seen. A channel whose agent
 *          said it reads it less often (`every`, wire contract) gets half
 *          again that at the file's creation: a meter read hourly, or a
 *          dial read by hand monthly, is known between its readings.
 *   use    ABSOLUTE, heartbeat 366 d, min 0 - for counters, the amount used
 *          since the previous reading, as computed by the collector (wrap,
 *          reset and replacement handled); rrdtool spreads it over the time
 *          between readings, so sum(rate * seconds) over any period equals the
 *          counter difference, across gaps too. Unknown for gauges.
 * RRAs, AVERAGE only, each with xff 0.5, each for the figures it serves:
 *   1 min  x 20160 (14 days)   the hour under way (a report "to now", today on
 *                              the dashboard), periods cut at a minute, the
 *                              meter page's readings as they came, a late
 *                              reading's row, the day and week graphs
 *   1 h    x 44000 (5.02 y)    local days, months and fiscal years, exactly
 *                              (whole hours in Asia/Bangkok): every report
 *   1 day  x  7320 (20.04 y)   months older than 5 years (UTC days: see docs)
 * Layout 1 had LAST beside every AVERAGE and MAX and MIN by the day: no
 * figure read them (a one-minute row is the same whatever its CF), and they
 * made a file 2.5 MB instead of 1.1 MB. A layout-1 file still reads as a
 * layout-2 one; gm-collector --compact drops what it has more.
 */
#ifndef GM_RRD_LAYOUT_H
#define GM_RRD_LAYOUT_H

#include <stddef.h>

#include "topic.h"

#define RRD_LAYOUT_VERSION 2
#define RRD_STEP 60
#define RRD_VALUE_HEARTBEAT 900   /* s: `value` is unknown after this without a reading,
                                   * unless the channel is read less often (rrd_layout_def) */
#define RRD_DS_VALUE "value"
#define RRD_DS_USE "use"
#define RRD_TEMPLATE RRD_DS_VALUE ":" RRD_DS_USE
#define RRD_LAYOUT_ARGS 5
#define RRD_CF "AVERAGE"          /* the one consolidation every archive has */

/* The definitions for one channel, value's heartbeat from its expected
 * interval (seconds; 0 when not known). */
struct rrd_def {
	const char *argv[RRD_LAYOUT_ARGS];
	int argc;
	char value_ds[64];
};

/* The DS and RRA definitions for rrd_create_r2 / rrdc_create_r2, value's
 * heartbeat RRD_VALUE_HEARTBEAT. */
int rrd_layout_argv(const char ***ret_argv);
/* The same for a channel read every `every` s: value's heartbeat is
 * rrd_layout_heartbeat(every), max(RRD_VALUE_HEARTBEAT, 1.5 * every). */
void rrd_layout_def(struct rrd_def *d, long every);
long rrd_layout_heartbeat(long every);

/* The bytes a new file's archives take (its header aside): what creating
 * one needs free on the disk. */
size_t rrd_layout_data_bytes(void);

/* "<datadir>/<site>/<meter>/<channel>.rrd". Only validated ids reach here
 * (struct chan_id is filled by topic.c), so no id can climb out of datadir. */
void rrd_layout_path(char *buf, size_t len, const char *datadir, const struct chan_id *c);

#endif
