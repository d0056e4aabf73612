/*
 * spool.c - the spool: segment files of checksummed records (segfile.h).
 *
 *   <dir>/<first id, 20 digits>.seg   segments of up to SPOOL_SEG_BYTES
 *   <dir>/acked                        "acked <id>\n", replaced whole
 *                                      (common/fileio.h)
 *   <dir>/lock                         flock'd by the agent using the spool
 * WRITE ORDER: a record is written whole with one write() to the newest
 * segment; fsync follows within sync_ms (spool_sync). A segment whose
 * records are all acknowledged is deleted. At open every segment is checked
 * and damage cut away, keeping every good record (spool_recover.c);
 * spool_read meets damage that appeared later (a failing disk) the same
 * way, skipping to the next good record without rewriting anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "segfile.h"
#include "spool_private.h"

/* Readings from..to (ids) lost to damage: count those not yet acknowledged,
 * and say so. Returns the count. */
uint64_t spool_count_lost(struct spool *sp, const char *path, const char *what,
    uint64_t from, uint64_t to)
{
	uint64_t lo = from > sp->acked ? from : sp->acked + 1, n;

	if (to < from)
		return 0;
	if (to < lo) {
		log_warn("spool %s: %s: readings %" PRIu64 "..%" PRIu64 " were already sent; "
		    "nothing lost", path, what, from, to);
		return 0;
	}
	n = to - lo + 1;
	if (n == 1)
		log_err("spool %s: %s: 1 reading lost (id %" PRIu64 ")", path, what, lo);
	else
		log_err("spool %s: %s: %" PRIu64 " readings lost (ids %" PRIu64 "..%" PRIu64 ")",
		    path, what, n, lo, to);
	sp->lost += n;
	return n;
}

/* --- segments ------------------------------------------------------------- */

struct segment *spool_seg_add(struct spool *sp, uint64_t first)
{
	struct segment *s;

	if (sp->nseg == sp->capseg) {
		int cap = sp->capseg ? sp->capseg * 2 : 16;
		struct segment *g = realloc(sp->seg, (size_t)cap * sizeof(*g));
		if (g == NULL)
			return NULL;
		sp->seg = g;
		sp->capseg = cap;
	}
	s = &sp->seg[sp->nseg++];
	memset(s, 0, sizeof(*s));
	s->first = first;
	s->last = first - 1;
	snprintf(s->path, sizeof(s->path), "%s/%020" PRIu64 ".seg", sp->dir, first);
	return s;
}

int spool_seg_index(const struct spool *sp, uint64_t first)
{
	for (int i = 0; i < sp->nseg; i++) {
		if (sp->seg[i].first == first)
			return i;
	}
	return -1;
}

static void seg_remove_first(struct spool *sp)
{
	unlink(sp->seg[0].path);
	sp->bytes -= sp->seg[0].bytes;
	memmove(sp->seg, sp->seg + 1, (size_t)(sp->nseg - 1) * sizeof(*sp->seg));
	sp->nseg--;
	sp->cur_seg = -1;
}

/* A new or renamed file is durable only once its directory entry is. */
void spool_sync_dir(const struct spool *sp)
{
	fileio_sync_dir(sp->dir);
}

/* Start a new segment for appending. */
static int seg_start(struct spool *sp)
{
	struct segment *s;

	if (sp->fd >= 0) {
		fsync(sp->fd);
		close(sp->fd);
		sp->fd = -1;
	}
	if ((s = spool_seg_add(sp, sp->next_id)) == NULL)
		return GM_ENOMEM;
	sp->fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (sp->fd < 0 || fileio_write_all(sp->fd, SEGFILE_MAGIC, SEGFILE_MAGIC_LEN) != 0) {
		log_err("spool %s: %s", s->path, strerror(errno));
		/* No segment: the next append must not write to this file. */
		if (sp->fd >= 0) {
			close(sp->fd);
			unlink(s->path);
			sp->fd = -1;
		}
		sp->nseg--;
		return GM_EIO;
	}
	s->bytes = SEGFILE_MAGIC_LEN;
	sp->bytes += SEGFILE_MAGIC_LEN;
	spool_sync_dir(sp);
	return GM_OK;
}

int spool_seg_cmp(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* --- the acknowledgement file --------------------------------------------- */

/* "acked <id>\n", exactly. A damaged file is ignored: everything spooled
 * is sent again, which the collector stores once; trusting it could skip
 * readings never sent. */
static void ack_load(struct spool *sp)
{
	char path[PATH_MAX], text[64];
	uint64_t id = 0;
	size_t n = 0, d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/acked", sp->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	d = n > 6 ? strspn(text + 6, "0123456789") : 0;   /* not past the end read */
	if (n > 6 && strncmp(text, "acked ", 6) == 0 && d > 0 && d <= 18 &&
	    strcmp(text + 6 + d, "\n") == 0) {
		for (size_t i = 6; i < 6 + d; i++)
			id = id * 10 + (uint64_t)(text[i] - '0');
		sp->acked = sp->saved_ack = id;
		return;
	}
	log_warn("spool %s: not \"acked <id>\": ignored; what is spooled is sent again", path);
}

/* An acknowledgement beyond every reading spooled is damage too (the newest
 * segment, kept even when all is acknowledged, holds the last id given). */
static void ack_check(struct spool *sp)
{
	const struct segment *s;
	uint64_t newest;

	if (sp->nseg == 0)
		return;   /* nothing to judge by: segments removed by hand */
	s = &sp->seg[sp->nseg - 1];
	newest = s->last >= s->first ? s->last : s->first - 1;
	if (sp->acked <= newest)
		return;
	log_warn("spool %s/acked: %" PRIu64 " is beyond the last reading spooled (%" PRIu64 "): "
	    "damaged; what is spooled is sent again", sp->dir, sp->acked, newest);
	sp->acked = 0;
	sp->saved_ack = UINT64_MAX;   /* saved anew at the next sync */
}

/* Write "acked <id>" whole; called without the lock (it only reads sp->dir). */
static int ack_save(struct spool *sp, uint64_t acked)
{
	char path[PATH_MAX], line[64], err[PATH_MAX + 128];
	int n;

	snprintf(path, sizeof(path), "%s/acked", sp->dir);
	n = snprintf(line, sizeof(line), "acked %" PRIu64 "\n", acked);
	if (fileio_replace(path, line, (size_t)n, 0600, true, err, sizeof(err)) != GM_OK) {
		log_err("spool: cannot save acknowledgement: %s", err);
		return GM_EIO;
	}
	spool_sync_dir(sp);
	return GM_OK;
}

/* At open: delete empty segments (a crash right after creating one) and those
 * wholly acknowledged. */
static void drop_spent(struct spool *sp)
{
	int i = 0;

	while (i < sp->nseg) {
		struct segment *s = &sp->seg[i];
		if (s->last < s->first || s->last <= sp->acked) {
			unlink(s->path);
			sp->bytes -= s->bytes;
			memmove(s, s + 1, (size_t)(sp->nseg - i - 1) * sizeof(*s));
			sp->nseg--;
		} else {
			i++;
		}
	}
	sp->cur_seg = -1;
}

/* mkdir -p: the spool's directory and any parent missing. */
static int make_path(const char *dir)
{
	char p[PATH_MAX];

	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return 0;   /* only it was missing */
	if (errno == EEXIST) {   /* the usual case: there; a directory? */
		if (stat(dir, &st) != 0)
			return -1;
		errno = ENOTDIR;
		return S_ISDIR(st.st_mode) ? 0 : -1;
	}
	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* One agent per spool: a second would append to the same segment and cut
 * what the first is writing. The lock goes with the process, however it
 * ends. */
static int lock_take(struct spool *sp, char *err, size_t errlen)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/lock", sp->dir);
	if ((sp->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return gm_errf(err, errlen, GM_EIO, "spool %s: %s", path, strerror(errno));
	if (flock(sp->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return gm_errf(err, errlen, errno == EWOULDBLOCK ? GM_EBUSY : GM_EIO,
		    "spool %s: %s", sp->dir, errno == EWOULDBLOCK ?
		    "in use by another gm-agent" : strerror(errno));
	return GM_OK;
}

/* --- public --------------------------------------------------------------- */

struct spool *spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen)
{
	struct spool *sp = calloc(1, sizeof(*sp));

	if (sp == NULL || (sp->rbuf = malloc(SEGFILE_WIN)) == NULL) {
		free(sp);
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&sp->lock, NULL);
	sp->fd = -1;
	sp->lock_fd = -1;
	sp->cur_seg = -1;
	sp->next_id = 1;
	sp->max_bytes = max_bytes < 2 * SPOOL_SEG_BYTES ? 2 * SPOOL_SEG_BYTES : max_bytes;
	if (strlen(dir) >= sizeof(sp->dir)) {
		gm_errf(err, errlen, GM_EINVAL, "spool directory path is too long");
		goto fail;
	}
	strcpy(sp->dir, dir);
	if (make_path(sp->dir) != 0) {
		gm_errf(err, errlen, GM_EIO, "spool %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (lock_take(sp, err, errlen) != GM_OK)
		goto fail;
	ack_load(sp);
	if (spool_recover_scan(sp) != GM_OK) {
		gm_errf(err, errlen, GM_EIO, "spool %s: cannot read its segments", dir);
		goto fail;
	}
	ack_check(sp);
	if (sp->acked >= sp->next_id)     /* acked file newer than lost segments */
		sp->next_id = sp->acked + 1;
	drop_spent(sp);
	if (seg_start(sp) != GM_OK) {
		gm_errf(err, errlen, GM_EIO, "spool %s: cannot create a segment", dir);
		goto fail;
	}
	return sp;
fail:
	spool_close(sp);
	return NULL;
}

void spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->lock_fd >= 0 && sp->fd >= 0)   /* opened: save what there is */
		spool_sync(sp);
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->lock_fd >= 0)
		close(sp->lock_fd);   /* and the lock with it */
	free(sp->seg);
	free(sp->rbuf);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
}

/* Over the limit: drop the oldest segment, acknowledged or not. */
static void enforce_limit(struct spool *sp)
{
	while (sp->bytes > sp->max_bytes && sp->nseg > 1) {
		struct segment *s = &sp->seg[0];
		uint64_t from = s->first > sp->acked ? s->first : sp->acked + 1;
		uint64_t lost = s->last >= s->first && s->last > sp->acked ? s->last - from + 1 : 0;
		if (lost > 0) {
			sp->dropped += lost;
			log_err("spool full (%" PRIu64 " MB): dropped %" PRIu64 " unsent readings "
			    "(ids %" PRIu64 "..%" PRIu64 "), the oldest", sp->max_bytes >> 20, lost,
			    from, s->last);
		}
		if (s->last > sp->acked)
			sp->acked = s->last;
		seg_remove_first(sp);
	}
}

int spool_rec_check(const struct spool_rec *r, char *err, size_t errlen)
{
	int rc;

	if (!segfile_fields_ok(r))
		return gm_errf(err, errlen, GM_EINVAL, "not a reading's topic, unit or kind");
	if ((rc = payload_reading_check(r->t, r->v, err, errlen)) != GM_OK)
		return rc;
	if (!isfinite(r->wrap) || r->wrap < 0)
		return gm_errf(err, errlen, GM_EINVAL, "wrap %g is not a finite number, 0 or more",
		    r->wrap);
	return GM_OK;
}

/* Encode the readings that may enter; the others get id 0 and are logged,
 * rarely (a meter gone mad gives one a second). Returns the bytes. */
static size_t encode_batch(struct spool *sp, struct spool_rec *recs, size_t n,
    unsigned char *buf, size_t *ngood)
{
	unsigned char *p = buf;
	char why[160];

	*ngood = 0;
	for (size_t i = 0; i < n; i++) {
		if (spool_rec_check(&recs[i], why, sizeof(why)) != GM_OK) {
			recs[i].id = 0;
			sp->refused++;
			complain(&sp->refusing, time(NULL), "spool: %.*s: reading at %.3f refused: %s "
			    "(%" PRIu64 " refused since start)", (int)strnlen(recs[i].topic,
			    TOPIC_MAX - 1), recs[i].topic, recs[i].t, why, sp->refused);
			continue;
		}
		recs[i].id = sp->next_id + *ngood;
		p += segfile_encode(p, &recs[i]);
		(*ngood)++;
	}
	return (size_t)(p - buf);
}

int spool_append(struct spool *sp, struct spool_rec *recs, size_t n)
{
	unsigned char *buf = malloc(n * SEGFILE_REC_MAX + 1);
	struct segment *s;
	size_t len = 0, good = 0;
	int rc = GM_OK;

	if (buf == NULL)
		return GM_ENOMEM;
	pthread_mutex_lock(&sp->lock);
	if (sp->fd < 0 || sp->nseg == 0 || sp->seg[sp->nseg - 1].bytes >= SPOOL_SEG_BYTES)
		rc = seg_start(sp);
	if (rc == GM_OK)
		len = encode_batch(sp, recs, n, buf, &good);
	if (rc == GM_OK && good > 0 && fileio_write_all(sp->fd, buf, len) != 0) {
		/* A short write leaves a torn record: start a fresh segment. */
		log_err("spool: cannot write %zu readings: %s", good, strerror(errno));
		rc = GM_EIO;
		seg_start(sp);
	}
	if (rc == GM_OK && good > 0) {
		s = &sp->seg[sp->nseg - 1];
		s->last = sp->next_id + good - 1;
		s->bytes += len;
		sp->bytes += len;
		sp->next_id += good;
		sp->dirty = 1;
		enforce_limit(sp);
	}
	pthread_mutex_unlock(&sp->lock);
	free(buf);
	return rc == GM_OK && good < n ? GM_EINVAL : rc;
}

/* The segment holding id, or -1. */
static int seg_find(const struct spool *sp, uint64_t id)
{
	for (int i = 0; i < sp->nseg; i++) {
		if (id >= sp->seg[i].first && id <= sp->seg[i].last)
			return i;
	}
	return -1;
}

/* Damage found while reading (it came after open: a failing disk): the
 * next good record into *r, or GM_ENOTFOUND when none is left in the
 * segment. The readings skipped are counted once, however often they are
 * read past. */
static int read_damaged(struct spool *sp, int i, struct segfile_reader *sr, uint64_t off,
    uint64_t prev, struct spool_rec *r, uint64_t *at, size_t *len)
{
	struct segment *s = &sp->seg[i];
	uint64_t from = prev + 1 > s->lost_upto + 1 ? prev + 1 : s->lost_upto + 1, to = s->last;
	char what[96];
	int rc = segfile_resync(sr, off, prev, r, at, len);

	if (rc == GM_OK) {
		to = r->id - 1;
		snprintf(what, sizeof(what), "damaged at bytes %" PRIu64 "..%" PRIu64 " since it "
		    "was opened", off, *at);
	} else {
		snprintf(what, sizeof(what), "damaged or unreadable from byte %" PRIu64 " since "
		    "it was opened", off);
	}
	if (from <= to) {
		spool_count_lost(sp, s->path, what, from, to);
		s->lost_upto = to;
	}
	return rc == GM_OK ? GM_OK : GM_ENOTFOUND;
}

/* Read segment i, from the cursor if it is there, into out. Moves the
 * cursor to where it stopped. */
static size_t read_segment(struct spool *sp, int i, uint64_t want, struct spool_rec *out,
    size_t max)
{
	const struct segment *s = &sp->seg[i];
	uint64_t off = SEGFILE_MAGIC_LEN, prev = s->first - 1, at;
	struct segfile_reader sr;
	struct spool_rec r;
	size_t n = 0, len, avail;
	const unsigned char *b;
	int fd;

	if (sp->cur_seg == i) {
		off = sp->cur_off;
		prev = sp->cur_id;
	}
	sp->cur_seg = i;
	sp->cur_off = off;
	sp->cur_id = prev;
	/* nothing more in it, or cannot open it now: the cursor says where */
	if (off >= s->bytes || (fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	segfile_reader_init(&sr, fd, s->bytes, sp->rbuf);
	while (n < max && off < s->bytes) {
		b = segfile_at(&sr, off, &avail);
		if (b == NULL || segfile_parse(b, avail, &r, &len) != GM_OK || r.id != prev + 1) {
			if (read_damaged(sp, i, &sr, off, prev, &r, &at, &len) != GM_OK) {
				off = s->bytes;
				prev = s->last;
				break;
			}
			off = at;
		}
		off += len;
		prev = r.id;
		if (r.id >= want)
			out[n++] = r;
	}
	close(fd);
	sp->cur_seg = i;
	sp->cur_off = off;
	sp->cur_id = prev;
	return n;
}

size_t spool_read(struct spool *sp, uint64_t after, struct spool_rec *out, size_t max)
{
	size_t n = 0;
	uint64_t want = after + 1;
	int i;

	pthread_mutex_lock(&sp->lock);
	if (want <= sp->acked)
		want = sp->acked + 1;
	/* Go on from the last read, or find the start again. */
	if (sp->cur_seg >= 0 && sp->cur_id + 1 == want) {
		i = sp->cur_seg;
	} else {
		if ((i = seg_find(sp, want)) < 0) {
			/* Dropped, or not yet written: start at the oldest beyond it. */
			for (i = 0; i < sp->nseg && sp->seg[i].last < want; i++)
				;
		}
		sp->cur_seg = -1;
	}
	for (; i < sp->nseg && n < max; i++) {
		n += read_segment(sp, i, want, out + n, max - n);
		if (sp->cur_off < sp->seg[i].bytes)
			break;   /* stopped inside this segment */
	}
	pthread_mutex_unlock(&sp->lock);
	return n;
}

void spool_ack(struct spool *sp, uint64_t id)
{
	pthread_mutex_lock(&sp->lock);
	if (id >= sp->next_id)
		id = sp->next_id - 1;   /* nothing beyond what was appended */
	if (id > sp->acked)
		sp->acked = id;
	/* Keep the newest segment: it is the one being appended to. */
	while (sp->nseg > 1 && sp->seg[0].last <= sp->acked)
		seg_remove_first(sp);
	pthread_mutex_unlock(&sp->lock);
}

/* The fsyncs run outside the lock, so pollers keep appending meanwhile (on
 * slow storage an fsync can take long enough to hold up every gateway).
 * Called by one thread at a time: the publisher, or spool_close after it. */
int spool_sync(struct spool *sp)
{
	uint64_t acked;
	int fd = -1, rc = GM_OK;

	pthread_mutex_lock(&sp->lock);
	if (sp->dirty && sp->fd >= 0 && (fd = dup(sp->fd)) >= 0)
		sp->dirty = 0;
	acked = sp->acked;
	pthread_mutex_unlock(&sp->lock);
	if (fd >= 0) {
		if (fdatasync(fd) != 0)
			rc = GM_EIO;
		close(fd);
	}
	if (acked != sp->saved_ack) {
		if (ack_save(sp, acked) != GM_OK)
			return GM_EIO;
		pthread_mutex_lock(&sp->lock);
		sp->saved_ack = acked;
		pthread_mutex_unlock(&sp->lock);
	}
	return rc;
}

void spool_stats(struct spool *sp, struct spool_stats *st)
{
	pthread_mutex_lock(&sp->lock);
	st->next_id = sp->next_id;
	st->acked = sp->acked;
	st->pending = sp->next_id - 1 - sp->acked;
	st->bytes = sp->bytes;
	st->dropped = sp->dropped;
	st->truncated = sp->truncated;
	st->lost = sp->lost;
	st->refused = sp->refused;
	st->segments = sp->nseg;
	pthread_mutex_unlock(&sp->lock);
}
