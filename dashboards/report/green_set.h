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
 *   green-parliament[-results].<th|en>.html  KPI 1.4 and its results report
 *   <page>.pdf beside each <page>.html  with cmd->pdf (pdf_page.h): made from
 *                                       the same text, so the two agree
 * cmd->langs: bit 0 Thai, bit 1 English. Returns the exit code: 0, or 1
 * when the organisation file or the edition has mistakes (reported) or a
 * file could not be written.
 */
#ifndef GM_GREEN_SET_H
#define GM_GREEN_SET_H

#include "report_opts.h"

/* cmd (report_opts.h): org, datadir, out, period, langs, pdf; rrdcached:
 * the collector's rrdcached address, or NULL (see figures.h); cache: where
 * closed months' usage is kept (usage_cache.h), or NULL for none; a cache
 * that cannot be used is said and read around. */
int green_set_write(const struct report_cmd *cmd);

#endif
