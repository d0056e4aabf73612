/*
 * fileio.h - files written whole and durably, and read whole: the one home
 * for both.
 *
 * A file that is replaced (a status file, a channel's .meta, the agent's
 * message numbers, a report page) is written under a unique temporary name
 * in its own directory - made by mkstemp, so O_CREAT|O_EXCL: a symlink or
 * file someone planted at a guessable name is never followed or truncated -
 * then flushed, fsync'd when asked, and renamed over the old one. A reader
 * sees the old file or the new, never half; a failure leaves the old file
 * and no temporary behind.
 *
 * A file that must be a regular one (a channel's RRD or journal, a cache
 * file) is opened through fileio_open_regular: whatever else someone put at
 * its name is refused at once, never waited on nor followed.
 *
 * Errors: GM_OK, or GM_EIO / GM_ENOMEM with the path and reason in err.
 * Nothing here prints.
 */
#ifndef GM_FILEIO_H
#define GM_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct fileio_new {
	FILE *f;          /* write the new contents here */
	char tmp[4200];
	char path[4096];
};

/* Start a new version of path, mode bits as given (umask applies). */
int fileio_new_open(struct fileio_new *n, const char *path, mode_t mode, char *err,
    size_t errlen);
/* Flush, fsync if sync, close and rename into place. On failure the old
 * file stays and the temporary is removed. */
int fileio_new_commit(struct fileio_new *n, bool sync, char *err, size_t errlen);
/* Give up: close and remove the temporary. Safe after a failed open. */
void fileio_new_abort(struct fileio_new *n);

/* Replace path with len bytes of buf, in one call. */
int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode, bool sync,
    char *err, size_t errlen);

/* Make path, which must not exist yet, from iov's iovcnt buffers (at most
 * IOV_MAX) written under a temporary name beside it and then named path:
 * a reader or a crash never sees it part made. Not fsync'd. Mode bits as
 * given (umask applies). GM_OK; GM_EDUP when something already has the name
 * (it is kept; the new file is dropped); GM_EIO with the path and reason.
 * iov is used up.
 *
 * The first `direct` buffers (at most FILEIO_DIRECT_IOV; 0: none), each at
 * an address and of a length that are multiples of FILEIO_DIRECT_ALIGN, go
 * past the page cache (O_DIRECT) where the file system allows it, the rest
 * through it. A megabyte through the page cache is a copy by the CPU now
 * and a write to the disk later anyway: making 5,000 such files on 4
 * threads here took 0.4 times the CPU and 0.8 times the time past it. */
#define FILEIO_DIRECT_ALIGN 4096
#define FILEIO_DIRECT_IOV 128
struct iovec;
int fileio_create(const char *path, struct iovec *iov, int iovcnt, int direct, mode_t mode,
    char *err, size_t errlen);

/* Open path, which must be a regular file, with open(2)'s flags and mode
 * (O_CREAT makes it): into *ret_fd, close-on-exec, and its fstat into
 * *ret_st unless that is NULL. A FIFO at the name would block the open (for
 * reading: until someone writes; for writing: until someone reads) and
 * every read after it, for ever; so it is opened O_NONBLOCK and its type
 * checked on the descriptor. Opened for writing, O_NONBLOCK is taken off
 * again; for reading it stays, as a regular file's reads never wait either
 * way (one system call less where the collector reads headers).
 * O_NOFOLLOW: a symbolic link is refused, not followed (to another
 * channel's file, or out of the data directory). GM_OK; GM_ENOTFOUND when
 * there is no such file (and no O_CREAT); GM_EIO with the path and what is
 * there ("not a regular file (a FIFO)") or why it failed in err, errno
 * kept from open(2); *ret_fd is then -1. */
int fileio_open_regular(const char *path, int flags, mode_t mode, int *ret_fd,
    struct stat *ret_st, char *err, size_t errlen);

/* write() all of buf, across short writes and EINTR: 0, or -1 with errno. */
int fileio_write_all(int fd, const void *buf, size_t len);

/* Read the whole of path into *ret (malloc'd, with a NUL after the last
 * byte, not counted in *ret_len; the caller frees it). It reads to the end
 * of the file, not to the size it had when opened (a journal may grow
 * meanwhile), and at most max bytes (0: no limit). GM_OK; GM_ENOTFOUND (no
 * such file), GM_EIO (cannot open or read it, or it is longer than max),
 * GM_ENOMEM. err gets the reason without the path ("cannot open: No such
 * file or directory", "cannot read: Is a directory", "longer than 1048576
 * bytes"): the caller names the file as it names it. */
int fileio_read_all(const char *path, size_t max, char **ret, size_t *ret_len, char *err,
    size_t errlen);
/* The same for a file that must be a regular one (a channel's journals and
 * .meta): opened with fileio_open_regular, so a link, FIFO or anything else
 * at its name is refused ("cannot open: not a regular file (a FIFO)"). */
int fileio_read_regular(const char *path, size_t max, char **ret, size_t *ret_len,
    char *err, size_t errlen);

/* fsync a directory, so a name just made or renamed in it is on disk:
 * 0, or -1 with errno. */
int fileio_sync_dir(const char *dir);

#endif
