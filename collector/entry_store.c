/* entry_store.c - delta readings into their channel's entries journal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chan_dir.h"
#include "chanmeta.h"
#include "entries.h"
#include "entry_store.h"
#include "gm_err.h"
#include "fileio.h"

/* The channel's kind is the one its .meta names; write one if there is none. */
static int check_meta(const char *datadir, const struct chan_id *id,
    const struct payload_meta *meta, char *err, size_t errlen)
{
	struct chanmeta cm, fresh = { .kind = KIND_DELTA };
	char why[256];
	int rc = chanmeta_read(datadir, id, &cm, why, sizeof(why));

	if (rc == GM_ENOTFOUND) {
		strcpy(fresh.unit, meta->unit);
		return chanmeta_write(datadir, id, &fresh, err, errlen);
	}
	if (rc == GM_OK && cm.kind != KIND_DELTA)
		return gm_errf(err, errlen, GM_EINVAL, "the channel is stored as kind %s; a "
		    "delta reading does not fit it", kind_name(cm.kind));
	/* an unreadable .meta is left for a person to mend; the entries still count */
	return GM_OK;
}

static int read_fd(int fd, const char *path, char **ret, size_t *ret_len, char *err,
    size_t errlen)
{
	struct stat st;
	size_t len = 0;
	char *buf;

	if (fstat(fd, &st) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	/* under our lock nobody else appends: st_size is the whole file */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "%s: out of memory", path);
	while (len < (size_t)st.st_size) {
		ssize_t r = pread(fd, buf + len, (size_t)st.st_size - len, (off_t)len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return gm_errf(err, errlen, GM_EIO, "%s: %s", path,
			    r < 0 ? strerror(errno) : "shrank while read");
		}
		len += (size_t)r;
	}
	*ret = buf;
	*ret_len = len;
	return GM_OK;
}

/* Decide each reading against the journal; the lines to append go to out. */
static size_t classify(const struct entries *es, const struct entry_msg *m,
    struct entry_put *put, char *out, struct entry_put_report *rep)
{
	const struct point *pts = m->pts;
	size_t len = 0;

	rep->have_last = es->n > 0;
	if (rep->have_last) {
		rep->last_t = es->e[es->n - 1].t;
		rep->last_v = es->e[es->n - 1].v;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *old = entries_find(es, pts[i].t);
		struct entry e = { .t = pts[i].t, .v = pts[i].v, .seq = m->meta->seq,
		    .received_at = m->received_at };

		put[i].old_v = old ? old->v : 0;
		if (old != NULL && old->v == pts[i].v) {
			put[i].fate = ENTRY_DUPLICATE;
			continue;
		}
		put[i].fate = old ? ENTRY_CORRECTION : ENTRY_NEW;
		len += entries_format(out + len, ENTRIES_LINE_MAX, &e);
		if (!rep->have_last || pts[i].t >= rep->last_t) {
			rep->have_last = true;
			rep->last_t = pts[i].t;
			rep->last_v = pts[i].v;
		}
	}
	return len;
}

/* With the journal open and locked: read it, cut a torn tail, append. */
static int put_locked(int fd, const char *path, const char *datadir, const struct entry_msg *m,
    struct entry_put *put, struct entry_put_report *rep, char *err, size_t errlen)
{
	struct entries es;
	char *buf = NULL, *out;
	size_t len = 0, hl, o = 0;
	const char *header = entries_header(&hl);
	int rc;

	if ((rc = read_fd(fd, path, &buf, &len, err, errlen)) != GM_OK)
		return rc;
	rc = entries_parse(buf, len, path, &es, err, errlen);
	free(buf);
	if (rc != GM_OK)
		return rc == GM_EINVAL ? GM_EIO : rc;   /* not ours to judge: keep the message */
	rep->nbad = es.nbad;
	memcpy(rep->bad, es.bad, sizeof(rep->bad));
	/* n lines and perhaps the header; checked by the caller: n <= 4096 */
	if ((out = malloc(hl + m->n * ENTRIES_LINE_MAX)) == NULL) {
		entries_free(&es);
		return gm_errf(err, errlen, GM_ENOMEM, "%s: out of memory", path);
	}
	if (es.valid_len == 0) {
		memcpy(out, header, hl);   /* a new journal: header and lines, one write */
		o = hl;
	}
	o += classify(&es, m, put, out + o, rep);
	if (es.torn_len > 0) {
		if (ftruncate(fd, (off_t)es.valid_len) != 0) {
			rc = gm_errf(err, errlen, GM_EIO, "%s: cutting a torn last line: %s", path,
			    strerror(errno));
			goto done;
		}
		rep->cut = es.torn_len;
	}
	if (o > 0 && (fileio_write_all(fd, out, o) != 0 || fdatasync(fd) != 0)) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (es.valid_len == 0 && chan_dir_sync(datadir, m->id) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: syncing its directory: %s", path,
		    strerror(errno));
done:
	free(out);
	entries_free(&es);
	return rc;
}

int entry_store_put(const char *datadir, const struct entry_msg *m, struct entry_put *put,
    struct entry_put_report *rep, char *err, size_t errlen)
{
	const struct chan_id *id = m->id;
	char path[PATH_MAX];
	int fd, rc;

	memset(rep, 0, sizeof(*rep));
	if (m->n == 0 || m->n > PAYLOAD_MAX_POINTS)
		return gm_errf(err, errlen, GM_EINVAL, "%zu readings in one put", m->n);
	if ((rc = chan_dir_make(datadir, id, err, errlen)) != GM_OK ||
	    (rc = check_meta(datadir, id, m->meta, err, errlen)) != GM_OK)
		return rc;
	entries_path(path, sizeof(path), datadir, id);
	/* O_APPEND: every write lands at the end, after whatever is there; a
	 * FIFO or link at its name is refused, never read or written through */
	if ((rc = fileio_open_regular(path, O_RDWR | O_CREAT | O_APPEND, 0644, &fd, NULL, err,
	    errlen)) != GM_OK)
		return rc;
	if (flock(fd, LOCK_EX) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: flock: %s", path, strerror(errno));
	} else {
		rc = put_locked(fd, path, datadir, m, put, rep, err, errlen);
	}
	close(fd);   /* releases the lock */
	return rc;
}
