/* event_store.c - meter events into their channel's journal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chan_dir.h"
#include "gm_err.h"
#include "fileio.h"
#include "event_store.h"

/* Where the journal's last whole line ends: a line torn by a crash (no
 * newline yet) is cut off before appending, or the next event would be
 * glued to it and both be lost to the reader. Its event was never
 * acknowledged: the broker gives it again. */
static off_t whole_end(int fd, off_t size)
{
	char buf[512];
	off_t at = size;

	while (at > 0) {
		size_t k = at < (off_t)sizeof(buf) ? (size_t)at : sizeof(buf);

		if (pread(fd, buf, k, at - (off_t)k) != (ssize_t)k)
			return size;   /* cannot tell: leave it */
		for (size_t i = k; i > 0; i--)
			if (buf[i - 1] == '\n')
				return at - (off_t)k + (off_t)i;
		at -= (off_t)k;
	}
	return 0;
}

static int append_locked(int fd, const char *path, const struct meter_event *ev, size_t n,
    bool *created, char *err, size_t errlen)
{
	size_t hl, o = 0;
	const char *header = meter_event_journal_header(&hl);
	struct stat st;
	off_t end;
	char *out;
	int rc = GM_OK;

	if (fstat(fd, &st) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return gm_errf(err, errlen, GM_EIO, "%s: not a regular file", path);
	if ((end = whole_end(fd, st.st_size)) < st.st_size) {
		if (ftruncate(fd, end) != 0)
			return gm_errf(err, errlen, GM_EIO, "%s: cutting a torn last line: %s", path,
			    strerror(errno));
		st.st_size = end;
	}
	if ((out = malloc(hl + n * EVENT_LINE_MAX)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "%s: out of memory", path);
	*created = st.st_size == 0;
	if (*created) {
		memcpy(out, header, hl);
		o = hl;
	}
	for (size_t i = 0; i < n; i++)
		o += meter_event_journal_format(out + o, EVENT_LINE_MAX, &ev[i]);
	if (fileio_write_all(fd, out, o) != 0 || fdatasync(fd) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
		if (ftruncate(fd, st.st_size) != 0)   /* no torn line of ours left */
			rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	}
	free(out);
	return rc;
}

int event_store_append(const char *datadir, const struct chan_id *id,
    const struct meter_event *ev, size_t n, char *err, size_t errlen)
{
	char path[PATH_MAX];
	bool created = false;
	int fd, rc;

	if (n == 0)
		return GM_OK;
	if ((rc = chan_dir_make(datadir, id, err, errlen)) != GM_OK)
		return rc;
	meter_event_journal_path(path, sizeof(path), datadir, id);
	/* a FIFO at its name would block the open until someone reads it; read
	 * too: a torn last line is looked for */
	if ((rc = fileio_open_regular(path, O_RDWR | O_CREAT | O_APPEND, 0644, &fd, NULL, err,
	    errlen)) != GM_OK)
		return rc;
	if (flock(fd, LOCK_EX) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: flock: %s", path, strerror(errno));
	else
		rc = append_locked(fd, path, ev, n, &created, err, errlen);
	close(fd);
	if (rc == GM_OK && created && chan_dir_sync(datadir, id) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: syncing its directory: %s", path,
		    strerror(errno));
	return rc;
}

struct last_announced {
	struct meter_event *ev;
	bool *found;
};

static void keep_announced(const struct meter_event *ev, void *user)
{
	struct last_announced *la = user;

	if (ev->kind == EV_REPLACED || ev->kind == EV_RESET) {
		*la->ev = *ev;
		*la->found = true;
	}
}

int event_store_last_announced(const char *datadir, const struct chan_id *id, double since,
    struct meter_event *ev, bool *found, char *err, size_t errlen)
{
	struct last_announced la = { ev, found };
	char path[PATH_MAX];

	*found = false;
	meter_event_journal_path(path, sizeof(path), datadir, id);
	return meter_event_journal_each(path, since, INFINITY, keep_announced, &la, NULL, err,
	    errlen);
}
