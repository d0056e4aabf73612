/*
 * backup.h - a copy of a data directory taken while its collector writes
 * it (gm-collector --backup DIR), and such a copy put in place of an empty
 * data directory (gm-collector --restore DIR).
 *
 * The copy is whole and consistent without stopping anything: the
 * write-ahead log first, then every file under the lock its writer takes
 * (an RRD file under librrd's, flushed through rrdcached first when the
 * collector writes through it; a journal under the flock its appenders
 * take); files replaced whole by rename are one version when opened. A row
 * that leaves the log for its RRD file meanwhile is in one copy or the
 * other, never in neither; one in both is written once when the restored
 * log is replayed. It is made in DIR.partial and renamed to DIR when whole,
 * with a MANIFEST of every file's size and CRC-32, so an interrupted backup
 * is never taken for one; a channel file librrd is still making (it writes
 * a new file in place, without its lock) is left out. A restore checks the
 * whole manifest before it writes anything, reads nothing through a link
 * the backup holds, copies into DATADIR/.restoring, syncs it and moves it
 * up: the data directory is the backup, or as it was (empty).
 *
 * Both return GM_OK, or a GM_E* code with the reason, naming the file, in
 * err; nothing is printed.
 */
#ifndef GM_BACKUP_H
#define GM_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#define BACKUP_MANIFEST "MANIFEST"

struct backup_report {
	uint64_t files;
	uint64_t bytes;
	uint64_t rrd_files;     /* of them: copied under librrd's lock */
	uint64_t skipped;       /* neither file nor directory (a link, a FIFO): not copied */
};

/* datadir into dest, which must not exist yet; rrdcached: its address, or
 * "" when the collector writes the files itself. */
int backup_take(const char *datadir, const char *rrdcached, const char *dest,
    struct backup_report *rep, char *err, size_t errlen);

/* A backup into datadir, which must be missing or empty. */
int backup_restore(const char *src, const char *datadir, struct backup_report *rep, char *err,
    size_t errlen);

#endif
