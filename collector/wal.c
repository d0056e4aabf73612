/* wal.c - the collector's write-ahead log of rows not yet in their files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chan_dir.h"
#include "gm_err.h"
#include "fileio.h"
#include "log.h"
#include "numtext.h"
#include "wal.h"

/* The longest row the wire contract allows: three 64-character ids and
 * their slashes, the longest kind, a 15-character unit and three numbers of
 * numtext_shortest() (at most 24 characters: "-1.2345678901234567e-308"),
 * with the spaces and the newline. A row cannot be longer, and wal_format
 * refuses one that would be rather than cut it. */
#define WAL_NUM_MAX 32
#define WAL_LINE_MAX (3 * (ID_MAX + 1) + sizeof("counter") + UNIT_MAX + 1 + 3 * WAL_NUM_MAX + 1)

struct wal {
	char dir[PATH_MAX];
	int lock_fd;
	int fd;              /* the open segment; -1 until something is appended */
	off_t size;          /* its length: where a failed write is cut back to */
	uint64_t first;      /* lowest segment that may still be on disk */
	uint64_t cur;        /* the open segment's number */
	uint64_t *bad;       /* segments with lines that are not rows */
	size_t nbad;
};

static void seg_path(const struct wal *w, char *buf, size_t len, uint64_t seg)
{
	snprintf(buf, len, "%s/%016" PRIu64 ".wal", w->dir, seg);
}

/* "<16 digits>.wal" (*bad false) or "<16 digits>.wal.bad" (*bad true). */
static bool seg_name(const char *name, uint64_t *seg, bool *bad)
{
	size_t len = strlen(name);

	if ((len != 20 && len != 24) || strncmp(name + 16, ".wal", 4) != 0 ||
	    (len == 24 && strcmp(name + 20, ".bad") != 0) || strspn(name, "0123456789") != 16)
		return false;
	*seg = strtoull(name, NULL, 10);
	*bad = len == 24;
	return true;
}

/* The range of segments on disk: [*lo, *hi]; *lo > *hi when there are none.
 * Segments kept aside as bad count for *hi, so none is ever named alike. */
static int seg_range(struct wal *w, uint64_t *lo, uint64_t *hi, char *err, size_t errlen)
{
	DIR *d = opendir(w->dir);
	struct dirent *e;
	uint64_t seg;
	bool bad;

	*lo = UINT64_MAX;
	*hi = 0;
	if (d == NULL)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", w->dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (!seg_name(e->d_name, &seg, &bad))
			continue;
		if (seg < *lo && !bad)
			*lo = seg;
		if (seg > *hi)
			*hi = seg;
	}
	closedir(d);
	return GM_OK;
}

static int take_lock(struct wal *w, double wait_s, char *err, size_t errlen)
{
	char path[PATH_MAX + 8];
	double waited = 0;

	snprintf(path, sizeof(path), "%s/lock", w->dir);
	if ((w->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	while (flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return gm_errf(err, errlen, GM_EIO, "%s: flock: %s", path, strerror(errno));
		if (waited >= wait_s)
			return gm_errf(err, errlen, GM_EBUSY, "%s is locked: another gm-collector "
			    "writes this data directory", path);
		usleep(100 * 1000);
		waited += 0.1;
	}
	return GM_OK;
}

int wal_open(struct wal **out, const char *datadir, double wait_s, char *err, size_t errlen)
{
	struct wal *w = calloc(1, sizeof(*w));
	uint64_t lo, hi;
	int rc;

	*out = NULL;
	if (w == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	w->fd = w->lock_fd = -1;
	snprintf(w->dir, sizeof(w->dir), "%s/.wal", datadir);
	if (mkdir(w->dir, 0755) != 0 && errno != EEXIST) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", w->dir, strerror(errno));
		goto fail;
	}
	if ((rc = take_lock(w, wait_s, err, errlen)) != GM_OK ||
	    (rc = seg_range(w, &lo, &hi, err, errlen)) != GM_OK)
		goto fail;
	w->cur = hi + 1;
	w->first = lo <= hi ? lo : w->cur;
	*out = w;
	return GM_OK;
fail:
	wal_close(w);
	return rc;
}

void wal_close(struct wal *w)
{
	char err[256];

	if (w == NULL)
		return;
	if (w->fd >= 0 && wal_seal(w, w->fd, err, sizeof(err)) != GM_OK)
		log_warn("%s", err);
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	free(w->bad);
	free(w);
}

int wal_format(char *buf, size_t len, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row)
{
	char t[WAL_NUM_MAX], v[WAL_NUM_MAX], use[WAL_NUM_MAX] = "U";
	int n;

	if (numtext_shortest(t, sizeof(t), row->t) >= (int)sizeof(t) ||
	    numtext_shortest(v, sizeof(v), row->value) >= (int)sizeof(v) ||
	    (!isnan(row->use) && numtext_shortest(use, sizeof(use), row->use) >= (int)sizeof(use)))
		return -1;
	n = snprintf(buf, len, "%s/%s/%s %s %s %s %s %s", id->site, id->meter, id->channel,
	    kind_name(meta->kind), meta->unit, t, v, use);
	return n >= 0 && (size_t)n < len ? n : -1;
}

/* One space-separated word into buf. */
static int word(const char **p, char *buf, size_t len)
{
	size_t k = strcspn(*p, " ");

	if (k == 0 || k >= len)
		return -1;
	memcpy(buf, *p, k);
	buf[k] = '\0';
	*p += k + ((*p)[k] == ' ');
	return 0;
}

int wal_parse(const char *line, struct chan_id *id, struct payload_meta *meta,
    struct store_row *row, char *err, size_t errlen)
{
	const char *p = line, *sp = strchr(line, ' ');
	size_t len = strlen(line);
	char kind[16];
	int rc;

	memset(meta, 0, sizeof(*meta));
	if (sp == NULL || line[len - 1] == ' ')
		return gm_errf(err, errlen, GM_EINVAL, "not a row");
	if ((rc = chan_id_parse(p, (size_t)(sp - p), id, err, errlen)) != GM_OK)
		return rc;
	p = sp + 1;
	if (word(&p, kind, sizeof(kind)) != 0 || kind_parse(kind, &meta->kind) != GM_OK ||
	    meta->kind == KIND_DELTA)
		return gm_errf(err, errlen, GM_EINVAL, "bad kind");
	if (word(&p, meta->unit, sizeof(meta->unit)) != 0 || !unit_valid(meta->unit))
		return gm_errf(err, errlen, GM_EINVAL, "bad unit");
	if (numtext_field(&p, &row->t) != 0 || numtext_field(&p, &row->value) != 0)
		return gm_errf(err, errlen, GM_EINVAL, "bad time or value");
	row->use = NAN;
	if (strcmp(p, "U") != 0 && (numtext_field(&p, &row->use) != 0 || *p != '\0'))
		return gm_errf(err, errlen, GM_EINVAL, "bad use");
	return GM_OK;
}

static int open_segment(struct wal *w, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct stat st;

	seg_path(w, path, sizeof(path), w->cur);
	if ((w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	/* kept from here on: one lseek less a message on the receiving thread */
	if (fstat(w->fd, &st) != 0) {
		int e = errno;

		close(w->fd);
		w->fd = -1;
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(e));
	}
	w->size = st.st_size;
	return GM_OK;
}

/* Put the segment back to its size before a write that failed part way,
 * so a retry does not leave a torn row in front of the whole one. */
static void cut_back(struct wal *w)
{
	struct stat st;

	if (ftruncate(w->fd, w->size) == 0)
		return;
	log_warn("%s: cannot cut a torn row off: %s", w->dir, strerror(errno));
	/* the torn row stays (a bad line at replay); a later cut must not
	 * reach into the rows before it */
	if (fstat(w->fd, &st) == 0)
		w->size = st.st_size;
}

int wal_append(struct wal *w, const struct chan_rows *cr, char *err, size_t errlen)
{
	char stack[4 * WAL_LINE_MAX], *buf = stack, path[PATH_MAX + 32];
	size_t o = 0, n = cr->n;
	int rc = GM_OK;

	if (n == 0)
		return GM_OK;
	if (w->fd < 0 && (rc = open_segment(w, err, errlen)) != GM_OK)
		return rc;
	if (n > 4 && (buf = malloc(n * WAL_LINE_MAX)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int k = wal_format(buf + o, WAL_LINE_MAX - 1, cr->id, cr->meta, &cr->rows[i]);

		if (k < 0) {   /* cannot happen with rows of the wire contract */
			rc = gm_errf(err, errlen, GM_EINVAL, "row %zu does not fit a log line", i);
			goto out;
		}
		o += (size_t)k;
		buf[o++] = '\n';
	}
	/* one write: a kill leaves the rows in the kernel's hands, whole */
	if (fileio_write_all(w->fd, buf, o) == 0) {
		w->size += (off_t)o;
	} else {
		int e = errno;

		cut_back(w);
		seg_path(w, path, sizeof(path), w->cur);
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(e));
	}
out:
	if (buf != stack)
		free(buf);
	return rc;
}

uint64_t wal_segment(const struct wal *w)
{
	return w->cur;
}

int wal_rotate(struct wal *w)
{
	int fd = w->fd;

	if (fd < 0)
		return -1;   /* nothing appended since the last rotation */
	w->fd = -1;
	w->cur++;
	return fd;
}

int wal_seal(struct wal *w, int fd, char *err, size_t errlen)
{
	int rc = GM_OK;

	if (fdatasync(fd) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: fdatasync: %s", w->dir, strerror(errno));
	close(fd);
	return rc;
}

static bool is_bad(const struct wal *w, uint64_t seg)
{
	for (size_t i = 0; i < w->nbad; i++)
		if (w->bad[i] == seg)
			return true;
	return false;
}

void wal_drop_before(struct wal *w, uint64_t seg)
{
	char path[PATH_MAX + 32], keep[PATH_MAX + 40];

	for (; w->first < seg; w->first++) {
		seg_path(w, path, sizeof(path), w->first);
		if (is_bad(w, w->first)) {
			snprintf(keep, sizeof(keep), "%s.bad", path);
			if (rename(path, keep) == 0)
				log_warn("%s: kept for a person to look at: it had lines that are "
				    "not rows", keep);
		} else if (unlink(path) != 0 && errno != ENOENT) {
			log_warn("%s: cannot remove: %s", path, strerror(errno));
		}
	}
}

static void note_bad(struct wal *w, uint64_t seg)
{
	uint64_t *grown;

	if (is_bad(w, seg) || (grown = realloc(w->bad, (w->nbad + 1) * sizeof(*grown))) == NULL)
		return;
	w->bad = grown;
	w->bad[w->nbad++] = seg;
}

/* Every line is read whole, however long, and judged whole: a line
 * holding a NUL or too long for a row is one bad line, never the start of
 * the next. */
static int replay_segment(struct wal *w, uint64_t seg, wal_row_fn fn, void *user, char *err,
    size_t errlen)
{
	char path[PATH_MAX + 32], why[160], *line = NULL;
	struct payload_meta meta;
	struct store_row row;
	struct chan_id id;
	unsigned long lineno = 0;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	seg_path(w, path, sizeof(path), seg);
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? GM_OK :
		    gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len != strlen(line))
			snprintf(why, sizeof(why), "a NUL byte in the line");
		else if ((size_t)len >= WAL_LINE_MAX)
			snprintf(why, sizeof(why), "line too long (%zd bytes)", len);
		else if (wal_parse(line, &id, &meta, &row, why, sizeof(why)) == GM_OK) {
			fn(user, seg, &id, &meta, &row);
			continue;
		}
		log_warn("%s:%lu: %s; line skipped", path, lineno, why);
		note_bad(w, seg);
	}
	free(line);
	fclose(f);
	return GM_OK;
}

int wal_replay(struct wal *w, wal_row_fn fn, void *user, char *err, size_t errlen)
{
	int rc;

	for (uint64_t seg = w->first; seg < w->cur; seg++)
		if ((rc = replay_segment(w, seg, fn, user, err, errlen)) != GM_OK)
			return rc;
	return GM_OK;
}
