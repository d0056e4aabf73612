/* fileio.c - files written whole (temporary, fsync, rename) and read whole;
 * files that must be regular ones, opened without waiting on anything else. */
#define _GNU_SOURCE   /* renameat2, O_DIRECT */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gm_err.h"
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

/* umask(2) is read only by setting it: two threads doing so at once (the
 * collector's helpers each writing a new channel's .meta) could leave it 0
 * for good, and meanwhile any thread's new file gets none. So it is read
 * once, from /proc (Linux 4.7 and later), setting it only where that
 * cannot be read. */
static mode_t proc_umask;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned m;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Umask: %o", &m) == 1) {
			proc_umask = (mode_t)m;
			fclose(f);
			return;
		}
	}
	if (f != NULL)
		fclose(f);
	proc_umask = umask(0);
	umask(proc_umask);
}

static mode_t current_umask(void)
{
	pthread_once(&umask_once, read_umask);
	return proc_umask;
}

/* The hidden name beside path that a new version is written under: no
 * reader lists it as one of its own. */
static void tmp_name(char *buf, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash != NULL ? (int)(slash - path) : 0;

	if (slash != NULL)
		snprintf(buf, len, "%.*s/.%s.XXXXXX", dirlen, path, slash + 1);
	else
		snprintf(buf, len, ".%s.XXXXXX", path);
}

int fileio_new_open(struct fileio_new *n, const char *path, mode_t mode, char *err,
    size_t errlen)
{
	int fd;

	n->f = NULL;
	n->tmp[0] = '\0';
	if (strlen(path) >= sizeof(n->path))
		return gm_errf(err, errlen, GM_EIO, "%s: path too long", path);
	strcpy(n->path, path);
	tmp_name(n->tmp, sizeof(n->tmp), path);
	if ((fd = mkstemp(n->tmp)) < 0) {
		n->tmp[0] = '\0';
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make a temporary file: %s", path,
		    strerror(errno));
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, mode & ~current_umask()) != 0 ||
	    (n->f = fdopen(fd, "w")) == NULL) {
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

/* writev() all of iov (iovcnt <= IOV_MAX), across short writes and EINTR:
 * 0, or -1 with errno. iov is used up. */
static int writev_all(int fd, struct iovec *iov, int iovcnt)
{
	while (iovcnt > 0) {
		ssize_t w = writev(fd, iov, iovcnt);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		for (; iovcnt > 0 && (size_t)w >= iov->iov_len; iov++, iovcnt--)
			w -= (ssize_t)iov->iov_len;
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Give tmp the name path unless something has it: renameat2's NOREPLACE,
 * or where the file system has none, a hard link (EEXIST alike). */
static int name_new(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* The first `direct` buffers past the page cache, where the file system
 * lets it; else (fcntl refuses: tmpfs before Linux 6.6), or when the write
 * fails (EINVAL: blocks larger than FILEIO_DIRECT_ALIGN; a FUSE or network
 * file system's own refusal), all through it, from the start: a failure
 * that is the disk's (full) comes back from that write. */
static int write_new(int fd, struct iovec *iov, int iovcnt, int direct)
{
	struct iovec copy[FILEIO_DIRECT_IOV];

	if (direct > 0 && direct <= FILEIO_DIRECT_IOV && fcntl(fd, F_SETFL, O_DIRECT) == 0) {
		memcpy(copy, iov, (size_t)direct * sizeof(*iov));
		if (writev_all(fd, copy, direct) == 0) {
			if (fcntl(fd, F_SETFL, 0) != 0)
				return -1;
			return writev_all(fd, iov + direct, iovcnt - direct);
		}
		if (fcntl(fd, F_SETFL, 0) != 0 || ftruncate(fd, 0) != 0 ||
		    lseek(fd, 0, SEEK_SET) != 0)
			return -1;
	}
	return writev_all(fd, iov, iovcnt);
}

int fileio_create(const char *path, struct iovec *iov, int iovcnt, int direct, mode_t mode,
    char *err, size_t errlen)
{
	char tmp[4200];
	int fd, e;

	if (strlen(path) >= 4096)
		return gm_errf(err, errlen, GM_EIO, "%s: path too long", path);
	tmp_name(tmp, sizeof(tmp), path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make a temporary file: %s", path,
		    strerror(errno));
	if (fchmod(fd, mode & ~current_umask()) != 0 || write_new(fd, iov, iovcnt, direct) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(e));
	}
	if (close(fd) != 0 || name_new(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return gm_errf(err, errlen, e == EEXIST ? GM_EDUP : GM_EIO, "%s: %s", path,
		    strerror(e));
	}
	return GM_OK;
}

/* Read fd to its end (at most max bytes; 0: no limit) and close it. */
static int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len, char *err,
    size_t errlen)
{
	/* one byte more than max tells a file of max bytes from a longer one */
	size_t limit = max > 0 ? max + 1 : SIZE_MAX - 1, len = 0, cap;
	struct stat st;
	int rc = GM_OK;
	char *buf;

	/* the size is a first guess: the file is read to its end */
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (cap > limit + 1)
		cap = limit + 1;
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	}
	while (len < limit) {
		ssize_t r;

		if (len == cap - 1) {   /* full but for the NUL */
			size_t want = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
			char *g = realloc(buf, want);

			if (g == NULL) {
				rc = gm_errf(err, errlen, GM_ENOMEM, "out of memory");
				break;
			}
			buf = g;
			cap = want;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r == 0 || (r < 0 && errno == EAGAIN))   /* EAGAIN: a FIFO, empty */
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = gm_errf(err, errlen, GM_EIO, "cannot read: %s", strerror(errno));
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	if (rc == GM_OK && max > 0 && len > max)
		rc = gm_errf(err, errlen, GM_EIO, "longer than %zu bytes", max);
	if (rc != GM_OK) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return GM_OK;
}

int fileio_read_all(const char *path, size_t max, char **ret, size_t *ret_len, char *err,
    size_t errlen)
{
	/* O_NONBLOCK: a FIFO at its name reads as empty, rather than wait */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*ret = NULL;
	*ret_len = 0;
	if (fd < 0)
		return gm_errf(err, errlen, errno == ENOENT ? GM_ENOTFOUND : GM_EIO,
		    "cannot open: %s", strerror(errno));
	return read_fd_all(fd, max, ret, ret_len, err, errlen);
}

int fileio_read_regular(const char *path, size_t max, char **ret, size_t *ret_len,
    char *err, size_t errlen)
{
	char why[PATH_MAX + 128];
	size_t plen = strlen(path);
	int fd, rc;

	*ret = NULL;
	*ret_len = 0;
	if ((rc = fileio_open_regular(path, O_RDONLY, 0, &fd, NULL, why, sizeof(why))) != GM_OK)
		/* said without the path, as fileio_read_all says it */
		return gm_errf(err, errlen, rc, "cannot open: %s",
		    strncmp(why, path, plen) == 0 && strncmp(why + plen, ": ", 2) == 0 ?
		    why + plen + 2 : why);
	return read_fd_all(fd, max, ret, ret_len, err, errlen);
}
