/*
 * green_set.h - gm-report's Green Office mode: read the organisation file,
 * its criteria edition and the stored channels, and write the period's full
 * report set into outdir (created if missing; files replaced whole):
 *   report.json                         every figure and its trace
 *   summary.<th|en>.html / .csv         all units side by side
 *   <unit>.resources.<th|en>.html       a unit's resources, month by month
 *   <unit>.<th|en>.csv                  the same months as CSV
 *   <unit>.self-evaluation.<th|en>.html the unit against the criteria
 *   whole.resources.<th|en>.html        the whole organisation
 * langs: bit 0 Thai, bit 1 English. Returns the exit code: 0, or 1 when the
 * organisation file or the edition has mistakes (reported) or a file could
 * not be written.
 */
#ifndef GM_GREEN_SET_H
#define GM_GREEN_SET_H

#include "green.h"

/* rrdcached: the collector's rrdcached address, or NULL (see figures.h).
 * cache_dir: where closed months' usage is kept (usage_cache.h), or NULL
 * for none; a cache that cannot be used is said and read around. */
int green_set_write(const char *org_path, const char *datadir, const char *rrdcached,
    const char *cache_dir, const struct green_period *p, const char *outdir, int langs);

#endif
