/* fileio.c - files written whole: temporary, fsync, rename; and files that
 * must be regular ones, opened without waiting on anything else. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"

int fileio_write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len > 0) {
		ssize_t w = write(fd, b, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {   /* no progress and no error: do not spin */
			errno = EIO;
			return -1;
		}
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

static const char *type_name(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISLNK(m) ? "a symbolic link" :
	    S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	    S_ISCHR(m) || S_ISBLK(m) ? "a device" : "of an unknown type";
}

static int not_regular(const char *path, mode_t m, char *err, size_t errlen)
{
	return gm_errf(err, errlen, GM_EIO, "%s: not a regular file (%s)", path, type_name(m));
}

int fileio_open_regular(const char *path, int flags, mode_t mode, int *ret_fd,
    struct stat *ret_st, char *err, size_t errlen)
{
	int fd = open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, mode), e;
	struct stat st;

	*ret_fd = -1;
	if (fd < 0) {
		e = errno;
		/* ELOOP: a link (O_NOFOLLOW); ENXIO: a FIFO nobody reads, opened
		 * for writing; EISDIR: a directory, opened for writing */
		if ((e == ELOOP || e == ENXIO || e == EISDIR) && lstat(path, &st) == 0 &&
		    !S_ISREG(st.st_mode)) {
			errno = e;
			return not_regular(path, st.st_mode, err, errlen);
		}
		errno = e;
		return gm_errf(err, errlen, e == ENOENT ? GM_ENOTFOUND : GM_EIO, "%s: %s", path,
		    strerror(e));
	}
	/* F_SETFL takes the status flags alone (O_APPEND): O_NONBLOCK goes */
	if (fstat(fd, &st) != 0 || (S_ISREG(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY &&
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)) {
		e = errno;
		close(fd);
		errno = e;
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, st.st_mode, err, errlen);
	}
	*ret_fd = fd;
	if (ret_st != NULL)
		*ret_st = st;
	return GM_OK;
}

int fileio_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int fileio_new_open(struct fileio_new *n, const char *path, mode_t mode, char *err,
    size_t errlen)
{
	const char *slash = strrchr(path, '/');
	int fd, dirlen = slash != NULL ? (int)(slash - path) : 0;
	mode_t mask;

	n->f = NULL;
	n->tmp[0] = '\0';
	if (strlen(path) >= sizeof(n->path))
		return gm_errf(err, errlen, GM_EIO, "%s: path too long", path);
	strcpy(n->path, path);
	/* a hidden name beside the file: no reader lists it as one of its own */
	if (slash != NULL)
		snprintf(n->tmp, sizeof(n->tmp), "%.*s/.%s.XXXXXX", dirlen, path, slash + 1);
	else
		snprintf(n->tmp, sizeof(n->tmp), ".%s.XXXXXX", path);
	if ((fd = mkstemp(n->tmp)) < 0) {
		n->tmp[0] = '\0';
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make a temporary file: %s", path,
		    strerror(errno));
	}
	mask = umask(0);
	umask(mask);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, mode & ~mask) != 0 || (n->f = fdopen(fd, "w")) == NULL) {
		int e = errno;

		close(fd);
		unlink(n->tmp);
		n->tmp[0] = '\0';
		return gm_errf(err, errlen, e == ENOMEM ? GM_ENOMEM : GM_EIO, "%s: %s", path,
		    strerror(e));
	}
	return GM_OK;
}

int fileio_new_commit(struct fileio_new *n, bool sync, char *err, size_t errlen)
{
	FILE *f = n->f;
	int ok, e;

	if (f == NULL)
		return gm_errf(err, errlen, GM_EIO, "%s: not open", n->path);
	n->f = NULL;
	ok = !ferror(f) && fflush(f) == 0 && (!sync || fsync(fileno(f)) == 0);
	e = errno;
	if (fclose(f) != 0 && ok) {
		ok = 0;
		e = errno;
	}
	if (ok && rename(n->tmp, n->path) != 0) {
		ok = 0;
		e = errno;
	}
	if (!ok) {
		unlink(n->tmp);
		n->tmp[0] = '\0';
		return gm_errf(err, errlen, GM_EIO, "%s: %s", n->path, e ? strerror(e) :
		    "write failed");
	}
	n->tmp[0] = '\0';
	return GM_OK;
}

void fileio_new_abort(struct fileio_new *n)
{
	if (n->f != NULL)
		fclose(n->f);
	n->f = NULL;
	if (n->tmp[0] != '\0')
		unlink(n->tmp);
	n->tmp[0] = '\0';
}

int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode, bool sync,
    char *err, size_t errlen)
{
	struct fileio_new n;
	int rc;

	if ((rc = fileio_new_open(&n, path, mode, err, errlen)) != GM_OK)
		return rc;
	if (len > 0 && fwrite(buf, 1, len, n.f) != len) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
		fileio_new_abort(&n);
		return rc;
	}
	return fileio_new_commit(&n, sync, err, errlen);
}
