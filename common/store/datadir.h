/*
 * datadir.h - the meter channels stored under a data directory.
 *
 * Lists <datadir>/<site>/<meter>/<channel>.rrd and, for delta channels,
 * <channel>.entries (common/store/entries.h), keeping only names that are valid ids
 * (anything else in the tree is ignored, never followed), sorted by site,
 * meter, channel, with the unit and kind from each channel's .meta. `path`
 * is the file to hand to usage_get, which reads either kind. A channel that
 * has both files is listed once for each.
 */
#ifndef GM_DATADIR_H
#define GM_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

#include "chanmeta.h"
#include "topic.h"

struct stored_chan {
	struct chan_id id;
	struct chanmeta meta;
	bool journal;       /* path is the entries journal, not the RRD */
	char path[4096];
};

/* *ret is malloc'd (caller frees); filters may be NULL for "all".
 * Returns the count, or a negative GM_E* code. */
int datadir_walk(const char *datadir, const char *site, const char *meter,
    struct stored_chan **ret);

/* datadir_walk in two steps, for a caller that reads the .meta files on
 * several threads, or only those it needs (figures.c): the list with each
 * meta zeroed, then one channel's meta (unit "?" and the kind its file
 * implies when it has no readable .meta). Listing alone reads only
 * directories: once each. */
int datadir_names(const char *datadir, const char *site, const char *meter,
    struct stored_chan **ret);
void datadir_meta(const char *datadir, struct stored_chan *c);

#endif
