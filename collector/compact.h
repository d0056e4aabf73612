/*
 * compact.h - a data directory's layout-1 channel files brought to layout 2
 * (gm-collector --compact, the collector stopped).
 *
 * Layout 1 kept LAST, MAX and MIN archives that no figure reads
 * (rrd_layout.h); a layout-1 file reads as a layout-2 one, so this is not
 * needed, only smaller: each such file is made anew without them from its
 * own rows (rrdtool create --source, beside it, then renamed into place:
 * every row, its last update and value's heartbeat kept) and its .meta
 * says layout 2. A data directory whose
 * collector runs is refused (its write-ahead log's lock), as a file it
 * wrote meanwhile would be lost with the rename.
 */
#ifndef GM_COMPACT_H
#define GM_COMPACT_H

#include <stddef.h>
#include <stdint.h>

struct compact_report {
	uint64_t files;        /* channel files looked at */
	uint64_t compacted;    /* of them, brought to layout 2 */
	uint64_t before, after;   /* bytes of those, before and after */
};

/* GM_OK; GM_EBUSY when a collector runs on datadir; else the first file's
 * failure, naming it, in err (the files before it are done). */
int compact_run(const char *datadir, struct compact_report *rep, char *err, size_t errlen);

#endif
