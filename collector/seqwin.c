/* seqwin.c - the window of stored message numbers of a channel. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chan_dir.h"
#include "gm_err.h"
#include "fileio.h"
#include "seqwin.h"

bool seqwin_has(const struct seqwin *w, uint64_t seq)
{
	if (w->bits == 0 || seq > w->top || w->top - seq >= 64)
		return false;
	return (w->bits >> (w->top - seq)) & 1;
}

void seqwin_add(struct seqwin *w, uint64_t seq)
{
	if (w->bits == 0) {
		w->top = seq;
		w->bits = 1;
	} else if (seq > w->top) {
		w->bits = seq - w->top >= 64 ? 0 : w->bits << (seq - w->top);
		w->bits |= 1;
		w->top = seq;
	} else if (w->top - seq < 64) {
		w->bits |= (uint64_t)1 << (w->top - seq);
	}
	/* older than the window: an agent that started its numbering again;
	 * its next messages move the window */
}

int seqwin_note(struct seqwin *w, uint64_t seq)
{
	uint64_t bit;

	if (w->bits == 0) {
		w->top = seq;
		w->bits = UINT64_MAX;
		return 0;
	}
	if (seq > w->top) {
		uint64_t skip = seq - w->top - 1;

		w->bits = seq - w->top >= 64 ? 1 : (w->bits << (seq - w->top)) | 1;
		w->top = seq;
		return skip > INT32_MAX ? INT32_MAX : (int)skip;
	}
	if (w->top - seq >= 64)
		return 0;
	bit = (uint64_t)1 << (w->top - seq);
	if (w->bits & bit)
		return 0;
	w->bits |= bit;
	return -1;
}

static void seq_path(char *buf, size_t len, const char *datadir, const struct chan_id *id)
{
	snprintf(buf, len, "%s/%s/%s/%s.seq", datadir, id->site, id->meter, id->channel);
}

int seqwin_read(const char *datadir, const struct chan_id *id, struct seqwin *w)
{
	char path[PATH_MAX], buf[64], err[PATH_MAX + 64];
	ssize_t n;
	int fd;

	memset(w, 0, sizeof(*w));
	seq_path(path, sizeof(path), datadir, id);
	/* a FIFO at its name would block the open (fileio.h) */
	if (fileio_open_regular(path, O_RDONLY, 0, &fd, NULL, err, sizeof(err)) != GM_OK)
		return GM_OK;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "%" SCNu64 " %" SCNx64, &w->top, &w->bits) != 2)
		memset(w, 0, sizeof(*w));
	return GM_OK;
}

int seqwin_write(const char *datadir, const struct chan_id *id, const struct seqwin *w,
    char *err, size_t errlen)
{
	char path[PATH_MAX], buf[64];
	int fd, n, rc = GM_OK;

	seq_path(path, sizeof(path), datadir, id);
	n = snprintf(buf, sizeof(buf), "%" PRIu64 " %016" PRIx64 "\n", w->top, w->bits);
	/* small enough for one pwrite; cut to its length after it */
	if ((rc = fileio_open_regular(path, O_WRONLY | O_CREAT, 0644, &fd, NULL, err, errlen)) != GM_OK)
		return rc;
	if (pwrite(fd, buf, (size_t)n, 0) != n || ftruncate(fd, n) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	close(fd);
	return rc;
}
