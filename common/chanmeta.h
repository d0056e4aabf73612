/*
 * chanmeta.h - what a channel's data file cannot say about it: the unit and
 * the kind of its readings. Kept beside the file as "<channel>.meta" (INI):
 *
 *   [channel]
 *   unit = kWh
 *   kind = counter
 *   layout = 1
 *
 * Written by the collector when it creates the channel's RRD, or for kind
 * delta its entries journal (whole, then renamed into place); read by
 * reports and the dashboard. `layout` is the RRD layout version
 * (common/rrd_layout.h); a journal names its own format version in its
 * first line (common/entries.h).
 */
#ifndef GM_CHANMETA_H
#define GM_CHANMETA_H

#include <stddef.h>

#include "payload.h"
#include "topic.h"

struct chanmeta {
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	int layout;
};

int chanmeta_write(const char *datadir, const struct chan_id *id, const char *unit,
    enum reading_kind kind, char *err, size_t errlen);
/* GM_OK, GM_ENOTFOUND (no file), or GM_EINVAL (unreadable, reason in err:
 * not a regular file - a FIFO is refused, never waited on - or not a .meta). */
int chanmeta_read(const char *datadir, const struct chan_id *id, struct chanmeta *out,
    char *err, size_t errlen);

#endif
