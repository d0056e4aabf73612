/*
 * chanmeta.h - what a channel's data file cannot say about it: the unit and
 * the kind of its readings. Kept beside the file as "<channel>.meta" (INI):
 *
 *   [channel]
 *   unit = kWh
 *   kind = counter
 *   layout = 2
 *   every = 60
 *
 * Written by the collector when it creates the channel's RRD, or for kind
 * delta its entries journal (whole, then renamed into place); read by
 * reports and the dashboard. `layout` is the RRD layout version the file
 * was made with (common/store/rrd_layout.h; gm-collector --compact brings a
 * layout-1 file to 2); a journal names its own format version in its
 * first line (common/store/entries.h). `every` (optional) is the channel's expected
 * time between readings in seconds, as its sender last said it (the payload's
 * "every"): what completeness is judged against; a file without it (written
 * before it existed, or for a sender that does not say) reads as 0.
 */
#ifndef GM_CHANMETA_H
#define GM_CHANMETA_H

#include <stddef.h>

#include "payload.h"
#include "topic.h"

struct chanmeta {
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	int layout;      /* the RRD's layout; read as 1 when the file does not say */
	long every;      /* s, 1..PAYLOAD_EVERY_MAX; 0 when the file does not say */
};

/* Write m whole (a temporary file renamed into place). m->layout 0 writes
 * this build's RRD_LAYOUT_VERSION (a new channel); m->every 0 leaves the
 * line out. GM_OK, or GM_EIO with the reason, naming the file, in err. */
int chanmeta_write(const char *datadir, const struct chan_id *id, const struct chanmeta *m,
    char *err, size_t errlen);
/* GM_OK, GM_ENOTFOUND (no file), or GM_EINVAL (unreadable, reason in err:
 * not a regular file - a FIFO is refused, never waited on - or not a .meta). */
int chanmeta_read(const char *datadir, const struct chan_id *id, struct chanmeta *out,
    char *err, size_t errlen);

#endif
