/*
 * rrd_read.h - reading a channel's RRD while its collector writes it.
 *
 * librrd takes a read lock on every fetch and gives up at once, "could not
 * lock RRD", when a writer holds the file's lock for the moment of an
 * update; a report or a dashboard page would then miss a channel now and
 * then. These wrap librrd's calls of the same name and try again for up to
 * RRD_READ_WAIT_MS while that is the reason; any other failure returns at
 * once, with librrd's error as it left it.
 */
#ifndef GM_RRD_READ_H
#define GM_RRD_READ_H

#include <time.h>

#include <rrd.h>

#define RRD_READ_WAIT_MS 2000

int rrd_read_fetch(const char *path, const char *cf, time_t *start, time_t *end,
    unsigned long *step, unsigned long *nds, char ***names, rrd_value_t **data);
time_t rrd_read_last(const char *path);
int rrd_read_lastupdate(const char *path, time_t *last, unsigned long *nds, char ***names,
    char ***values);
/* rrd_graph_v: a graph fetches its sources under the same lock. */
rrd_info_t *rrd_read_graph(int argc, char **argv);

#endif
