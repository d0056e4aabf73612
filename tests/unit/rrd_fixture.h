/*
 * rrd_fixture.h - channel files for the unit tests: an RRD made with the
 * collector's layout (rrd_layout.h) and rows put into it through librrd,
 * as the collector writes them ("t:value:use", NAN written as U), so what
 * a test reads back went through a real file. A librrd failure fails the
 * test. Rows go in batches: a row is the same whichever call carries it.
 */
#ifndef GM_RRD_FIXTURE_H
#define GM_RRD_FIXTURE_H

#include <stddef.h>
#include <time.h>

/* One reading: the meter's value at t and what it used since the reading
 * before; NAN for either is "unknown". */
struct rrd_row {
	time_t t;
	double value, use;
};

/* A channel file at `path` (one already there is replaced), last updated
 * at `start`: the first row must come after it. `every` is the channel's
 * reading interval as rrd_layout_def takes it, 0 when not known. */
void rrd_fixture_create(const char *path, time_t start, long every);

/* rows[0..n), in order, into the file at `path`. */
void rrd_fixture_put(const char *path, const struct rrd_row *rows, size_t n);

#endif
