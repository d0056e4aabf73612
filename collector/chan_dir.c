/* chan_dir.c - a channel's directory, made and synced. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chan_dir.h"
#include "gm_err.h"

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return gm_errf(err, errlen, GM_EIO, "mkdir %s: %s", path, strerror(errno));
	return GM_OK;
}

int chan_dir_make(const char *datadir, const struct chan_id *id, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", datadir, id->site);
	if ((rc = make_dir(path, err, errlen)) != GM_OK)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/%s", datadir, id->site, id->meter);
	return make_dir(path, err, errlen);
}

int chan_dir_sync(const char *datadir, const struct chan_id *id)
{
	char path[PATH_MAX];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s/%s", datadir, id->site, id->meter);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int chan_file_judge(const char *path, int rc, char *err, size_t errlen)
{
	struct stat st;

	if (rc == GM_OK)
		return rc;
	if (lstat(path, &st) != 0)
		return errno != ENOTDIR ? rc : gm_errf(err, errlen, GM_EDAMAGED, "%s: a "
		    "directory on its way is not a directory", path);
	if (!S_ISREG(st.st_mode))
		return gm_errf(err, errlen, GM_EDAMAGED, "%s: not a regular file (%s)", path,
		    S_ISDIR(st.st_mode) ? "a directory" : S_ISLNK(st.st_mode) ? "a symbolic link" :
		    "a special file");
	return rc;
}
