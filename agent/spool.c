/*
 * spool.c - segment files of checksummed records.
 *
 * ON DISK (format version 1; COMPATIBILITY: a change of layout means a new
 * magic and a reader for the old one):
 *   <dir>/<first id, 20 digits>.seg   segments of up to SEG_BYTES
 *     8 bytes  magic "GMSPOOL1"
 *     records: u32 body length, u32 crc32 of body, body:
 *              u64 id, f64 t, f64 v, f64 wrap, u8 kind, u8 unit length,
 *              u16 topic length, unit bytes, topic bytes
 *     all little-endian.
 *   <dir>/acked                        "acked <id>\n"; written to acked.tmp,
 *                                      fsynced, renamed over
 * WRITE ORDER: a record is written whole with one write() to the newest
 * segment; fsync follows within sync_ms (spool_sync). A crash can leave a
 * torn last record: at open, each segment is read record by record, and at the
 * first bad length or checksum the file is cut back to the last good record.
 * A segment whose records are all acknowledged is deleted.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "err.h"
#include "log.h"
#include "spool.h"

#define MAGIC "GMSPOOL1"
#define MAGIC_LEN 8
#define SEG_BYTES (4u << 20)
#define REC_FIXED 36               /* body bytes before unit and topic */
#define REC_MAX (8 + REC_FIXED + UNIT_MAX + TOPIC_MAX)

struct segment {
	uint64_t first, last;      /* ids it holds; last < first when empty */
	uint64_t bytes;
	char path[PATH_MAX];
};

struct spool {
	pthread_mutex_t lock;
	char dir[PATH_MAX - 64];
	uint64_t max_bytes;
	int fd;                    /* the newest segment, open for append */
	struct segment *seg;
	int nseg, capseg;
	uint64_t next_id, acked, saved_ack;
	uint64_t bytes, dropped, truncated;
	int dirty;                 /* appended since the last fsync */
	/* where the last spool_read stopped, to go on without searching */
	int cur_seg;
	uint64_t cur_off, cur_id;
};

/* --- record encoding ------------------------------------------------------ */

static void put_u16(unsigned char *p, uint16_t v) { v = htole16(v); memcpy(p, &v, 2); }
static void put_u32(unsigned char *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }
static uint16_t get_u16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return le16toh(v); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return le64toh(v); }

static void put_f64(unsigned char *p, double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	put_u64(p, v);
}

static double get_f64(const unsigned char *p)
{
	uint64_t v = get_u64(p);
	double d;

	memcpy(&d, &v, 8);
	return d;
}

/* Encode one record (header + body) into buf; returns its length. */
static size_t rec_encode(unsigned char *buf, const struct spool_rec *r)
{
	size_t ul = strlen(r->unit), tl = strlen(r->topic);
	uint32_t body = (uint32_t)(REC_FIXED + ul + tl);
	unsigned char *b = buf + 8;

	put_u64(b, r->id);
	put_f64(b + 8, r->t);
	put_f64(b + 16, r->v);
	put_f64(b + 24, r->wrap);
	b[32] = (unsigned char)r->kind;
	b[33] = (unsigned char)ul;
	put_u16(b + 34, (uint16_t)tl);
	memcpy(b + REC_FIXED, r->unit, ul);
	memcpy(b + REC_FIXED + ul, r->topic, tl);
	put_u32(buf, body);
	put_u32(buf + 4, (uint32_t)crc32(0L, b, body));
	return 8 + body;
}

/* Decode a body already checked by its crc; GM_EINVAL if its fields lie. */
static int rec_decode(const unsigned char *b, uint32_t len, struct spool_rec *r)
{
	size_t ul, tl;

	if (len < REC_FIXED)
		return GM_EINVAL;
	ul = b[33];
	tl = get_u16(b + 34);
	if (b[32] > KIND_DELTA || ul > UNIT_MAX || tl >= TOPIC_MAX || REC_FIXED + ul + tl != len)
		return GM_EINVAL;
	r->id = get_u64(b);
	r->t = get_f64(b + 8);
	r->v = get_f64(b + 16);
	r->wrap = get_f64(b + 24);
	r->kind = (enum reading_kind)b[32];
	memcpy(r->unit, b + REC_FIXED, ul);
	r->unit[ul] = '\0';
	memcpy(r->topic, b + REC_FIXED + ul, tl);
	r->topic[tl] = '\0';
	return GM_OK;
}

/* Read the record at off: GM_OK, GM_ENOTFOUND at a clean end of file, or
 * GM_EINVAL for a torn or corrupt record. *next is the offset after it. */
static int rec_read(int fd, uint64_t off, struct spool_rec *r, uint64_t *next)
{
	unsigned char hdr[8], body[REC_MAX];
	ssize_t n = pread(fd, hdr, 8, (off_t)off);
	uint32_t len;

	if (n == 0)
		return GM_ENOTFOUND;
	if (n != 8)
		return GM_EINVAL;
	len = get_u32(hdr);
	if (len < REC_FIXED || len > REC_MAX - 8 ||
	    pread(fd, body, len, (off_t)(off + 8)) != (ssize_t)len ||
	    (uint32_t)crc32(0L, body, len) != get_u32(hdr + 4) ||
	    rec_decode(body, len, r) != GM_OK)
		return GM_EINVAL;
	*next = off + 8 + len;
	return GM_OK;
}

/* --- segments ------------------------------------------------------------- */

static struct segment *seg_add(struct spool *sp, uint64_t first)
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

static void seg_remove_first(struct spool *sp)
{
	unlink(sp->seg[0].path);
	sp->bytes -= sp->seg[0].bytes;
	memmove(sp->seg, sp->seg + 1, (size_t)(sp->nseg - 1) * sizeof(*sp->seg));
	sp->nseg--;
	sp->cur_seg = -1;
}

/* A new or renamed file is durable only once its directory entry is. */
static void sync_dir(const struct spool *sp)
{
	int fd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
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
	if ((s = seg_add(sp, sp->next_id)) == NULL)
		return GM_ENOMEM;
	sp->fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (sp->fd < 0 || write(sp->fd, MAGIC, MAGIC_LEN) != MAGIC_LEN) {
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
	s->bytes = MAGIC_LEN;
	sp->bytes += MAGIC_LEN;
	sync_dir(sp);
	return GM_OK;
}

/* Check a segment record by record; cut off a torn tail. */
static int seg_recover(struct spool *sp, struct segment *s)
{
	struct spool_rec r;
	char magic[MAGIC_LEN];
	uint64_t off = MAGIC_LEN, next = 0;
	struct stat st;
	int fd = open(s->path, O_RDWR | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) != 0) {
		log_err("spool %s: %s", s->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return GM_EIO;
	}
	if (pread(fd, magic, MAGIC_LEN, 0) != MAGIC_LEN || memcmp(magic, MAGIC, MAGIC_LEN) != 0)
		off = 0;   /* not even a header: the whole file is torn */
	if (off == 0 && st.st_size >= MAGIC_LEN && memcmp(magic, MAGIC, MAGIC_LEN - 1) == 0 &&
	    magic[MAGIC_LEN - 1] > '1' && magic[MAGIC_LEN - 1] <= '9') {
		/* A later format: readings we cannot read, but must not destroy. */
		log_err("spool %s: written in format %c by a newer gm-agent; not touched",
		    s->path, magic[MAGIC_LEN - 1]);
		close(fd);
		return GM_EINVAL;
	}
	while (off > 0 && (rc = rec_read(fd, off, &r, &next)) == GM_OK && r.id > s->last) {
		s->last = r.id;
		off = next;
	}
	if ((uint64_t)st.st_size != off) {
		log_warn("spool %s: record at offset %" PRIu64 " is cut off or corrupt; "
		    "%" PRIu64 " bytes truncated", s->path, off, (uint64_t)st.st_size - off);
		sp->truncated += (uint64_t)st.st_size - off;
		if (off == 0 && pwrite(fd, MAGIC, MAGIC_LEN, 0) == MAGIC_LEN)
			off = MAGIC_LEN;
		if (ftruncate(fd, (off_t)off) != 0)
			log_err("spool %s: cannot truncate: %s", s->path, strerror(errno));
		fsync(fd);
	}
	close(fd);
	s->bytes = off;
	sp->bytes += off;
	return GM_OK;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Find the segment files, oldest first, and check each. */
static int seg_scan(struct spool *sp)
{
	DIR *d = opendir(sp->dir);
	struct dirent *e;
	char name[32];

	if (d == NULL)
		return GM_EIO;
	while ((e = readdir(d)) != NULL) {
		/* Only the names seg_add makes: strtoull alone takes a sign,
		 * spaces, or more than 64 bits. */
		uint64_t first = strtoull(e->d_name, NULL, 10);
		snprintf(name, sizeof(name), "%020" PRIu64 ".seg", first);
		if (strcmp(e->d_name, name) != 0 || first == 0)
			continue;
		if (seg_add(sp, first) == NULL) {
			closedir(d);
			return GM_ENOMEM;
		}
	}
	closedir(d);
	if (sp->nseg > 1)
		qsort(sp->seg, (size_t)sp->nseg, sizeof(*sp->seg), seg_cmp);
	for (int i = 0; i < sp->nseg; i++) {
		if (seg_recover(sp, &sp->seg[i]) != GM_OK)
			return GM_EIO;
		if (sp->seg[i].last + 1 > sp->next_id)
			sp->next_id = sp->seg[i].last + 1;
	}
	return GM_OK;
}

/* --- the acknowledgement file --------------------------------------------- */

static void ack_load(struct spool *sp)
{
	char path[PATH_MAX];
	unsigned long long id;
	FILE *f;

	snprintf(path, sizeof(path), "%s/acked", sp->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fscanf(f, "acked %llu", &id) == 1)
		sp->acked = sp->saved_ack = id;
	fclose(f);
}

/* Write "acked <id>" whole; called without the lock (it only reads sp->dir). */
static int ack_save(struct spool *sp, uint64_t acked)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, ok;
	char line[64];
	int n;

	snprintf(path, sizeof(path), "%s/acked", sp->dir);
	snprintf(tmp, sizeof(tmp), "%s/acked.tmp", sp->dir);
	n = snprintf(line, sizeof(line), "acked %" PRIu64 "\n", acked);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok || rename(tmp, path) != 0) {
		log_err("spool %s: cannot save acknowledgement: %s", path, strerror(errno));
		return GM_EIO;
	}
	sync_dir(sp);
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

/* --- public --------------------------------------------------------------- */

struct spool *spool_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen)
{
	struct spool *sp = calloc(1, sizeof(*sp));

	if (sp == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&sp->lock, NULL);
	sp->fd = -1;
	sp->cur_seg = -1;
	sp->next_id = 1;
	sp->max_bytes = max_bytes < 2 * SEG_BYTES ? 2 * SEG_BYTES : max_bytes;
	if (strlen(dir) >= sizeof(sp->dir)) {
		gm_errf(err, errlen, GM_EINVAL, "spool directory path is too long");
		goto fail;
	}
	strcpy(sp->dir, dir);
	if (make_path(sp->dir) != 0) {
		gm_errf(err, errlen, GM_EIO, "spool %s: %s", dir, strerror(errno));
		goto fail;
	}
	ack_load(sp);
	if (seg_scan(sp) != GM_OK) {
		gm_errf(err, errlen, GM_EIO, "spool %s: cannot read its segments", dir);
		goto fail;
	}
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
	spool_sync(sp);
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->seg);
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

int spool_append(struct spool *sp, struct spool_rec *recs, size_t n)
{
	unsigned char *buf = malloc(n * REC_MAX), *p;
	struct segment *s;
	int rc = GM_OK;

	if (buf == NULL)
		return GM_ENOMEM;
	pthread_mutex_lock(&sp->lock);
	if (sp->fd < 0 || sp->nseg == 0 || sp->seg[sp->nseg - 1].bytes >= SEG_BYTES)
		rc = seg_start(sp);
	p = buf;
	for (size_t i = 0; i < n && rc == GM_OK; i++) {
		recs[i].id = sp->next_id + i;
		p += rec_encode(p, &recs[i]);
	}
	if (rc == GM_OK && write(sp->fd, buf, (size_t)(p - buf)) != p - buf) {
		/* A short write leaves a torn record: start a fresh segment. */
		log_err("spool: cannot write %zu readings: %s", n, strerror(errno));
		rc = GM_EIO;
		seg_start(sp);
	}
	if (rc == GM_OK) {
		s = &sp->seg[sp->nseg - 1];
		s->last = sp->next_id + n - 1;
		s->bytes += (uint64_t)(p - buf);
		sp->bytes += (uint64_t)(p - buf);
		sp->next_id += n;
		sp->dirty = 1;
		enforce_limit(sp);
	}
	pthread_mutex_unlock(&sp->lock);
	free(buf);
	return rc;
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

size_t spool_read(struct spool *sp, uint64_t after, struct spool_rec *out, size_t max)
{
	size_t n = 0;
	uint64_t want = after + 1, next;
	int i, fd = -1;

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
		uint64_t off = (sp->cur_seg == i) ? sp->cur_off : MAGIC_LEN;
		if ((fd = open(sp->seg[i].path, O_RDONLY | O_CLOEXEC)) < 0)
			break;
		while (n < max && off < sp->seg[i].bytes &&
		    rec_read(fd, off, &out[n], &next) == GM_OK) {
			off = next;
			if (out[n].id < want)
				continue;
			sp->cur_id = out[n].id;
			n++;
		}
		close(fd);
		sp->cur_seg = i;
		sp->cur_off = off;
		if (off < sp->seg[i].bytes)
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
	st->segments = sp->nseg;
	pthread_mutex_unlock(&sp->lock);
}
