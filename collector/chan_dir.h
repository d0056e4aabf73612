/*
 * chan_dir.h - the directory a channel's files live in,
 * "<datadir>/<site>/<meter>", and writing into it durably. Only ids that
 * passed topic.c's checks reach here, so no path climbs out of datadir.
 */
#ifndef GM_CHAN_DIR_H
#define GM_CHAN_DIR_H

#include <stddef.h>

#include "topic.h"

/* Make <datadir>/<site> and <datadir>/<site>/<meter> if missing. */
int chan_dir_make(const char *datadir, const struct chan_id *id, char *err, size_t errlen);

/* A call on one of a channel's files (path) failed with rc: will trying
 * again help? Not when the path is a directory, link or special file, nor
 * when a directory on its way is not a directory: then GM_EDAMAGED with
 * what is wrong in err; else rc, err untouched. */
int chan_file_judge(const char *path, int rc, char *err, size_t errlen);

/* fsync the channel's directory: a new file's name is on disk only then. */
int chan_dir_sync(const char *datadir, const struct chan_id *id);

#endif
