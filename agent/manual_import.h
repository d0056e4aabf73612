/*
 * manual_import.h - `gm-agent --import FILE.csv`: monthly amounts typed in by
 * people (reams of paper issued, fuel litres, waste kg), published as
 * readings of kind "delta", and meters' dial readings taken by hand,
 * published as readings of kind "counter" with their "every" (a month
 * unless the file says). The file's rules are manual_csv.h's; it is read
 * and checked whole before anything is published, so a file with a mistake
 * publishes nothing.
 *
 * Publishing waits for the broker, which is all this command can know: the
 * collector stores each entry once, and refuses one whose unit or kind is
 * not what its channel already holds (its log and `gm-collector --status`
 * say so). Importing the same file again publishes the same readings (the
 * same t and seq), which the collector stores once; a changed amount for
 * the same month corrects it. A dial reading older than its channel's
 * newest stored one is not counted (the collector keeps it aside as late):
 * readings are imported in the order they were taken.
 */
#ifndef GM_MANUAL_IMPORT_H
#define GM_MANUAL_IMPORT_H

#include <stddef.h>

#include "confparse.h"
#include "manual_csv.h"
#include "mqtt_opts.h"

/* Read and check path (manual_csv_parse); errors go to report as
 * "path:line: ..."; returns their count. *ret (malloc'd) and *ret_n are set
 * only when there is none. */
int manual_import_parse(const char *path, const char *site, struct manual_entry **ret,
    size_t *ret_n, conf_report report, void *report_user);

/* Publish the entries at QoS 1 and wait (up to timeout_ms) until the broker
 * has acknowledged all of them. GM_OK, or GM_EIO with the reason in err. */
int manual_import_publish(const struct mqtt_opts *opts, const struct manual_entry *e,
    size_t n, int timeout_ms, char *err, size_t errlen);

#endif
