/*
 * rrd_template.h - a channel's new RRD file, laid down from a header librrd
 * made once.
 *
 * librrd makes a file by filling 1.1 MB of memory with "unknown", writing it
 * out in pieces and unmapping it: about 0.63 ms of CPU a file here. Every new
 * file of a channel whose `value` has the same heartbeat is the same but for
 * the fields that follow its start time - the last update, how far into its
 * step it starts, how many steps into each archive's row - and the slot each
 * archive's ring starts at, which librrd picks at random. So librrd makes one
 * file for each heartbeat, its header is kept, and a new file is that header
 * with those fields set and the rows' "unknown" from one buffer, written in
 * one call under a temporary name and then named (fileio_create): about
 * 0.3 ms (docs/storage.md, "New channels"). All but its last few kB go past
 * the page cache where the file system allows it: the kernel's copy of a
 * megabyte into it was the most of a new file's cost.
 *
 * The header is trusted only once checked: librrd makes a second file, at
 * another start time, and it must equal the kept header moved to that time,
 * byte for byte but the ring slots; every row of both must be librrd's
 * "unknown". A librrd that lays files down otherwise fails the check, and the
 * caller makes files with librrd itself (GM_ENOTFOUND).
 *
 * Thread-safe: several of the collector's helpers make files at once.
 */
#ifndef GM_RRD_TEMPLATE_H
#define GM_RRD_TEMPLATE_H

#include <stddef.h>
#include <time.h>

struct rrd_templates;

/* NULL when out of memory. */
struct rrd_templates *rrd_templates_new(void);
void rrd_templates_free(struct rrd_templates *ts);

/* Make path (whose directory exists) with the layout of rrd_layout.h for a
 * channel read every `every` s (rrd_layout_def), its first update allowed
 * after start. The checking files are made, read and removed in path's
 * directory, under hidden names, the first time a heartbeat is met. GM_OK;
 * GM_EDUP: something has the name already, and is kept; GM_ENOTFOUND: no
 * template for this file, err says why - the check failed (for good), the
 * check files could not be made (for RETRY_S, 60 s: a full disk), or too
 * many heartbeats: make it with librrd; GM_EIO with path and reason (the
 * file could not be written or named). */
int rrd_template_make(struct rrd_templates *ts, const char *path, time_t start, long every,
    char *err, size_t errlen);

/* A channel's new file, as the store makes it for either backend
 * (rrd_store.c): from the template, else (no template, or it could not be
 * written or named: a file system without RENAME_NOREPLACE or links, a full
 * disk) by librrd. GM_OK also when a file
 * is there already, and kept; else GM_ELIB with librrd's reason. */
int rrd_new_file(struct rrd_templates *ts, const char *path, time_t start, long every,
    char *err, size_t errlen);

/* Set the start time of a header made by librrd (head, head_len bytes) to
 * start, its ring slots from seed: what rrd_template_make does to its copy.
 * GM_EINVAL if head is not a header it can set. For the unit test, which
 * compares it with librrd's own files. */
int rrd_template_set_start(unsigned char *head, size_t head_len, time_t start,
    unsigned long seed);

#endif
