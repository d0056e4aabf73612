/*
 * report_files.h - the report files the dashboard offers: under the
 * reports directory, one directory per report set (gm-report --out, e.g.
 * "green-fy2569"), newest first, and the files in each. Only plain names
 * (http_path.h http_path_name_ok) are listed or opened, only regular files
 * with one name, and never through a symbolic link, so nothing outside the
 * directory is ever served:
 * - a symbolic link is not followed (O_NOFOLLOW at every level);
 * - a FIFO, socket or device is neither listed nor opened for good: it is
 *   looked at before opening, opened O_NONBLOCK, and looked at again on the
 *   descriptor, so nothing ever blocks on one (a FIFO without a writer
 *   would hold a worker thread for ever);
 * - a file with more than one name (st_nlink > 1) is neither listed nor
 *   served: a hard link makes a file from anywhere on the same file system
 *   look like part of the set, and gm-report writes each file afresh
 *   (common/fileio.h), with one name.
 */
#ifndef GM_REPORT_FILES_H
#define GM_REPORT_FILES_H

#include <stddef.h>
#include <sys/types.h>

#define REPORT_NAME_MAX 128
#define REPORT_SETS_MAX 256
#define REPORT_FILES_MAX 1024
#define REPORT_FILE_BYTES (64L << 20)   /* larger files are not served */

struct report_file {
	char name[REPORT_NAME_MAX + 1];
	off_t size;
	double mtime;
};

struct report_set {
	char name[REPORT_NAME_MAX + 1];
	double mtime;
	struct report_file *files;   /* by name */
	int nfiles;
};

/* The sets under dir, newest first; *sets is malloc'd (report_files_sets_free).
 * The count, or a negative GM_E* code. */
int report_files_sets(const char *dir, struct report_set **sets);
void report_files_sets_free(struct report_set *sets, int n);

/* The whole of dir/set/file into a malloc'd buffer. GM_OK; GM_ENOTFOUND
 * (no such plain regular file: absent, a link, a FIFO ...); GM_EINVAL
 * (refused: it has other names), with the reason in err, for the log;
 * GM_ERANGE (too large); GM_ENOMEM or GM_EIO. */
int report_files_read(const char *dir, const char *set, const char *file, char **buf, size_t *len,
    char *err, size_t errlen);

/* Content type of a report file by its extension. */
const char *report_files_type(const char *file);

#endif
