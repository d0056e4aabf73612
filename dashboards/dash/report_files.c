/* report_files.c - list and read the report sets, plain names only. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gm_err.h"
#include "http_path.h"
#include "report_files.h"

/* A file that is served: a regular file with one name (report_files.h). */
static bool report_servable(const struct stat *sb)
{
	return S_ISREG(sb->st_mode) && sb->st_nlink == 1;
}

static bool plain(const char *name)
{
	return http_path_name_ok(name, strlen(name));
}

/* A plain name fits: http_path_name_ok allows at most HTTP_SEG_LEN bytes. */
static void copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > REPORT_NAME_MAX)
		n = REPORT_NAME_MAX;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* O_DIRECTORY fails on anything else before it is opened; O_NONBLOCK all
 * the same, as nothing here may wait. */
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)

static double mtime_of(const struct stat *sb)
{
	return (double)sb->st_mtim.tv_sec + sb->st_mtim.tv_nsec / 1e9;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct report_file *)a)->name, ((const struct report_file *)b)->name);
}

static int newest_first(const void *a, const void *b)
{
	const struct report_set *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The plain regular files of the set directory (open as fd). */
static int list_files(int fd, struct report_set *set)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;

	if (d == NULL) {
		close(fd);
		return GM_EIO;
	}
	set->files = calloc(REPORT_FILES_MAX, sizeof(*set->files));
	while (set->files != NULL && (e = readdir(d)) != NULL && set->nfiles < REPORT_FILES_MAX) {
		struct stat sb;
		struct report_file *f = &set->files[set->nfiles];

		if (!plain(e->d_name) || fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !report_servable(&sb))
			continue;
		copy_name(f->name, e->d_name);
		f->size = sb.st_size;
		f->mtime = mtime_of(&sb);
		set->nfiles++;
	}
	closedir(d);
	if (set->files == NULL)
		return GM_ENOMEM;
	qsort(set->files, (size_t)set->nfiles, sizeof(*set->files), by_name);
	return GM_OK;
}

int report_files_sets(const char *dir, struct report_set **ret)
{
	DIR *d = opendir(dir);
	struct report_set *v;
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return errno == ENOENT ? GM_ENOTFOUND : GM_EIO;
	if ((v = calloc(REPORT_SETS_MAX, sizeof(*v))) == NULL) {
		closedir(d);
		return GM_ENOMEM;
	}
	while ((e = readdir(d)) != NULL && n < REPORT_SETS_MAX) {
		struct stat sb;
		int fd;

		if (!plain(e->d_name) || (fd = openat(dirfd(d), e->d_name, DIR_FLAGS)) < 0)
			continue;
		if (fstat(fd, &sb) != 0) {
			close(fd);
			continue;
		}
		copy_name(v[n].name, e->d_name);
		v[n].mtime = mtime_of(&sb);
		if (list_files(fd, &v[n]) == GM_OK)
			n++;
		else
			free(v[n].files);
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), newest_first);
	*ret = v;
	return n;
}

void report_files_sets_free(struct report_set *sets, int n)
{
	for (int i = 0; i < n; i++)
		free(sets[i].files);
	free(sets);
}

/* The set's directory, opened without following a link. */
static int open_set(const char *dir, const char *set)
{
	int dfd, sfd;

	if ((dfd = open(dir, (DIR_FLAGS & ~O_NOFOLLOW))) < 0)   /* dir itself may be a link */
		return -1;
	sfd = openat(dfd, set, DIR_FLAGS);
	close(dfd);
	return sfd;
}

/* Open dir/set/file for reading: a plain name, no link followed anywhere
 * below dir, a regular file with one name (report_files.h). lstat first,
 * so a device or FIFO is never opened; O_NONBLOCK and fstat after, for
 * what was swapped in between; then blocking reads as usual. The
 * descriptor and its fstat, or a negative GM_E* code (GM_EINVAL with err). */
static int open_servable(const char *dir, const char *set, const char *file, struct stat *ret_sb,
    char *err, size_t errlen)
{
	struct stat sb;
	int sfd, fd, flags;

	if (!plain(set) || !plain(file) || (sfd = open_set(dir, set)) < 0)
		return GM_ENOTFOUND;
	if (fstatat(sfd, file, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode)) {
		close(sfd);
		return GM_ENOTFOUND;
	}
	fd = openat(sfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(sfd);
	if (fd < 0)
		return GM_ENOTFOUND;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return GM_ENOTFOUND;
	}
	if (!report_servable(&sb)) {
		close(fd);
		return gm_errf(err, errlen, GM_EINVAL, "report %s/%s: has %ju names (hard links); "
		    "a report file has one, so it could be a file from elsewhere: not served", set,
		    file, (uintmax_t)sb.st_nlink);
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		close(fd);
		return GM_EIO;
	}
	*ret_sb = sb;
	return fd;
}

int report_files_read(const char *dir, const char *set, const char *file, char **buf, size_t *len,
    char *err, size_t errlen)
{
	struct stat sb = { 0 };   /* set when fd >= 0; the compiler cannot tell */
	int fd = open_servable(dir, set, file, &sb, err, errlen);
	size_t got = 0;

	if (fd < 0)
		return fd;
	if (sb.st_size > REPORT_FILE_BYTES) {
		close(fd);
		return GM_ERANGE;
	}
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return GM_ENOMEM;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, *buf + got, (size_t)sb.st_size - got);

		if (k <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			break;   /* shrank while we read: serve what there was */
		}
		got += (size_t)k;
	}
	close(fd);
	*len = got;
	return GM_OK;
}

const char *report_files_type(const char *file)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".csv", "text/csv; charset=utf-8" },
		{ ".json", "application/json" }, { ".pdf", "application/pdf" },
		{ ".png", "image/png" }, { ".svg", "image/svg+xml" }, { ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(file, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}
