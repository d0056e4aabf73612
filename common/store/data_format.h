/*
 * data_format.h - the data directory's format version: one line,
 * "greenmeter-data <N>", in <datadir>/.greenmeter-format (a hidden name: no
 * channel walk sees it). gm-collector writes it when the directory has none;
 * every program that reads or writes the directory checks it first and
 * refuses a number newer than its own, with a message that says so, before
 * it touches anything: an older binary never misreads, nor writes into,
 * data laid out by a newer one. A directory without the file is of format 1
 * (the layout before the file existed). docs/storage.md.
 */
#ifndef GM_DATA_FORMAT_H
#define GM_DATA_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* 2: RRD layout 2 (rrd_layout.h). A directory of format 1 is brought to 2 by
 * the collector, by this line alone: its files read as layout 2. */
#define DATA_FORMAT 2
#define DATA_FORMAT_FILE ".greenmeter-format"

/* GM_OK; GM_EINVAL (a newer format, or a file that is not one, said in
 * err with the path); GM_EIO (it cannot be read, or written when create
 * asks for it to be). create: write the file when there is none, or bring
 * an older format to this one (the collector, before it writes). */
int data_format_check(const char *datadir, bool create, char *err, size_t errlen);

#endif
