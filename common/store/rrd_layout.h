/*
 * rrd_layout.h - the one RRD layout of a meter channel, shared by the
 * collector (librrd or rrdcached) and every reader. Changing it needs a
 * migration of every file: see docs/storage.md. Layout version 1.
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
 * RRAs (every one with xff 0.5):
 *   1 min  x 20160 (14 days)   AVERAGE, LAST
 *   1 h    x 44000 (5.02 y)    AVERAGE, LAST   local days/months are whole hours
 *   1 day  x  7320 (20.04 y)   AVERAGE, LAST, MAX, MIN   (UTC days: see docs)
 */
#ifndef GM_RRD_LAYOUT_H
#define GM_RRD_LAYOUT_H

#include <stddef.h>

#include "topic.h"

#define RRD_LAYOUT_VERSION 1
#define RRD_STEP 60
#define RRD_VALUE_HEARTBEAT 900   /* s: `value` is unknown after this without a reading,
                                   * unless the channel is read less often (rrd_layout_def) */
#define RRD_DS_VALUE "value"
#define RRD_DS_USE "use"
#define RRD_TEMPLATE RRD_DS_VALUE ":" RRD_DS_USE
#define RRD_LAYOUT_ARGS 10

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
