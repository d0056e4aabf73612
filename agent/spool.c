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
 *     all little-endian. The ids in a segment run on by one from its first
 *     id (its name): an append writes whole records of consecutive ids, and
 *     one that fails starts a new segment, so every writer of this format
 *     has kept that, and recovery relies on it.
 *   <dir>/acked                        "acked <id>\n", replaced whole
 *                                      (common/fileio.h)
 * WRITE ORDER: a record is written whole with one write() to the newest
 * segment; fsync follows within sync_ms (spool_sync). A segment whose
 * records are all acknowledged is deleted.
 *
 * RECOVERY at open, each segment record by record. A record is good when
 * its length is possible, its crc matches, its fields are what an append
 * accepts (kind, unit, topic) and its id is the one after the record before.
 * At a bad one the rest of the file is searched, byte by byte, for the next
 * good record whose id lies after the last good one by no more readings
 * than the bytes in between could hold (REC_MIN each): a false match would
 * need a crc32 and an id in that narrow range to agree by chance. The
 * readings in between are lost, counted by their ids (those not yet
 * acknowledged) and logged; the good records after the damage are written,
 * whole and durably (fileio.h), to a segment of their own named by their
 * first id - so every segment keeps consecutive ids and needs no new
 * format - and only then is the damaged stretch cut off the old file. When
 * no good record follows, the damage is a torn tail (a crash mid-write) and
 * is cut off as always; its readings are counted when the next segment's
 * name tells which ids are missing, and in bytes when it does not (the
 * newest segment: the record being written when the agent stopped).
 * A crash during recovery leaves the old file as it was: the next open does
 * the same again, and the segments already written are kept.
 * spool_read meets damage that appeared after open (a failing disk) the
 * same way, skipping to the next good record without rewriting anything.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "err.h"
#include "fileio.h"
#include "log.h"
#include "spool.h"

#define MAGIC "GMSPOOL1"
#define MAGIC_LEN 8
#define SEG_BYTES (4u << 20)
#define REC_FIXED 36               /* body bytes before unit and topic */
#define REC_MAX (8 + REC_FIXED + UNIT_MAX + TOPIC_MAX)
/* The smallest record: unit "W", topic "greenmeter/v1/a/b/c" (19). */
#define REC_MIN (8 + REC_FIXED + 1 + 19)
#define WIN_BYTES (64u << 10)      /* a segment is read this much at a time */

struct segment {
	uint64_t first, last;      /* ids it holds; last < first when empty */
	uint64_t bytes;
	uint64_t lost_upto;        /* damage found while open: counted up to this id */
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
	uint64_t bytes, dropped, truncated, lost, refused;
	struct complaint refusing; /* appends refused, logged rarely */
	int dirty;                 /* appended since the last fsync */
	/* where the last spool_read stopped, to go on without searching:
	 * segment, offset, and the id of the record before that offset */
	int cur_seg;
	uint64_t cur_off, cur_id;
	unsigned char *rbuf;       /* WIN_BYTES, for spool_read */
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

/* What a record must say to be a reading at all; not its values, which
 * spool_rec_check judges (a record from an older agent may hold a NaN, and
 * is still a record). */
static bool rec_fields_ok(const struct spool_rec *r)
{
	struct chan_id id;
	enum topic_kind kind;

	return (unsigned)r->kind <= KIND_DELTA && unit_valid(r->unit) &&
	    topic_parse(r->topic, &id, &kind, NULL, 0) == GM_OK && kind == TOPIC_READING;
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
	/* a NUL inside would make the text shorter than what was checked */
	if (strlen(r->unit) != ul || strlen(r->topic) != tl || !rec_fields_ok(r))
		return GM_EINVAL;
	return GM_OK;
}

/* The record at b (avail bytes there): GM_OK with its size in *len,
 * GM_ENOTFOUND at a clean end (avail 0), GM_EINVAL if torn or corrupt. */
static int rec_parse(const unsigned char *b, size_t avail, struct spool_rec *r, size_t *len)
{
	uint32_t body;

	if (avail == 0)
		return GM_ENOTFOUND;
	if (avail < 8 + REC_FIXED)
		return GM_EINVAL;
	body = get_u32(b);
	if (body < REC_FIXED || body > REC_MAX - 8 || 8 + (size_t)body > avail ||
	    (uint32_t)crc32(0L, b + 8, body) != get_u32(b + 4) || rec_decode(b + 8, body, r) != GM_OK)
		return GM_EINVAL;
	*len = 8 + body;
	return GM_OK;
}

/* --- reading a segment through a window ----------------------------------- */

/* A window on a segment file: records are parsed from memory, and a damaged
 * stretch is searched byte by byte without a read() per byte. */
struct segreader {
	int fd;
	uint64_t end;              /* nothing at or past this is read */
	uint64_t base;             /* file offset of buf[0] */
	size_t len;                /* bytes of buf holding the file */
	unsigned char *buf;        /* WIN_BYTES */
};

static void sr_init(struct segreader *sr, int fd, uint64_t end, unsigned char *buf)
{
	sr->fd = fd;
	sr->end = end;
	sr->base = 0;
	sr->len = 0;
	sr->buf = buf;
}

/* The bytes at off: at least a whole record's worth when the file has them;
 * *avail says how many. NULL on a read error. A file found shorter than
 * `end` ends where it ends. */
static const unsigned char *sr_at(struct segreader *sr, uint64_t off, size_t *avail)
{
	uint64_t want;

	if (off >= sr->end) {
		*avail = 0;
		return sr->buf;
	}
	want = sr->end - off < REC_MAX ? sr->end - off : REC_MAX;
	if (off < sr->base || off + want > sr->base + sr->len) {
		size_t n = sr->end - off < WIN_BYTES ? (size_t)(sr->end - off) : WIN_BYTES, got = 0;
		while (got < n) {
			ssize_t k = pread(sr->fd, sr->buf + got, n - got, (off_t)(off + got));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return NULL;
			if (k == 0)
				break;
			got += (size_t)k;
		}
		sr->base = off;
		sr->len = got;
		if (got < n)
			sr->end = off + got;
	}
	*avail = (size_t)(sr->base + sr->len - off);
	return sr->buf + (off - sr->base);
}

/*
 * After damage at off, where the last good record had id `last`: the first
 * position past off where a good record starts whose id follows `last` by
 * no more readings than the bytes from off could hold. GM_OK with the record
 * in *r, its offset in *at and size in *len; GM_ENOTFOUND if none before the
 * end; GM_EIO on a read error.
 */
static int rec_resync(struct segreader *sr, uint64_t off, uint64_t last, struct spool_rec *r,
    uint64_t *at, size_t *len)
{
	for (uint64_t p = off + 1; p + 8 + REC_FIXED <= sr->end; p++) {
		size_t avail;
		const unsigned char *b = sr_at(sr, p, &avail);

		if (b == NULL)
			return GM_EIO;
		/* the length first: most positions fail there, before any crc */
		if (avail < 8 + REC_FIXED || get_u32(b) < REC_FIXED || get_u32(b) > avail - 8)
			continue;
		if (rec_parse(b, avail, r, len) == GM_OK && r->id > last &&
		    r->id - last - 1 <= (p - off) / REC_MIN) {
			*at = p;
			return GM_OK;
		}
	}
	return GM_ENOTFOUND;
}

/* Readings from..to (ids) lost to damage: count those not yet acknowledged,
 * and say so. Returns the count. */
static uint64_t count_lost(struct spool *sp, const char *path, const char *what,
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

static int seg_index(const struct spool *sp, uint64_t first)
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
static void sync_dir(const struct spool *sp)
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
	if ((s = seg_add(sp, sp->next_id)) == NULL)
		return GM_ENOMEM;
	sp->fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (sp->fd < 0 || fileio_write_all(sp->fd, MAGIC, MAGIC_LEN) != 0) {
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

/* --- recovery at open ----------------------------------------------------- */

static int seg_cmp(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* A stretch of good records with consecutive ids. */
struct run {
	uint64_t start, end;       /* bytes [start, end) of the file */
	uint64_t first, last;      /* ids */
};

struct recovery {
	struct segreader sr;
	struct run *runs;
	int nruns, cap;
	uint64_t damaged;          /* bytes found bad between runs */
	uint64_t tail;             /* offset where a bad tail starts, or the end */
	bool read_error;
};

static int add_run(struct recovery *rc, uint64_t start, uint64_t end, uint64_t first,
    uint64_t last)
{
	if (end <= start)
		return GM_OK;
	if (rc->nruns == rc->cap) {
		int cap = rc->cap ? rc->cap * 2 : 4;
		struct run *g = realloc(rc->runs, (size_t)cap * sizeof(*g));
		if (g == NULL)
			return GM_ENOMEM;
		rc->runs = g;
		rc->cap = cap;
	}
	rc->runs[rc->nruns++] = (struct run){ start, end, first, last };
	return GM_OK;
}

/* Read the segment from MAGIC_LEN on into runs of good records, counting
 * the readings lost between them. */
static int seg_walk(struct spool *sp, const struct segment *s, struct recovery *rc)
{
	struct spool_rec r;
	uint64_t off = MAGIC_LEN, start = MAGIC_LEN, first = s->first, last = s->first - 1, at;
	size_t len, avail;
	const unsigned char *b;
	char what[96];
	int res;

	for (;;) {
		if ((b = sr_at(&rc->sr, off, &avail)) == NULL) {
			rc->read_error = true;
			break;
		}
		res = rec_parse(b, avail, &r, &len);
		if (res == GM_ENOTFOUND)
			break;
		if (res == GM_OK && r.id == last + 1) {
			last = r.id;
			off += len;
			continue;
		}
		if (add_run(rc, start, off, first, last) != GM_OK)
			return GM_ENOMEM;
		res = rec_resync(&rc->sr, off, last, &r, &at, &len);
		if (res == GM_EIO)
			rc->read_error = true;
		if (res != GM_OK)
			break;
		snprintf(what, sizeof(what), "damaged at bytes %" PRIu64 "..%" PRIu64, off, at);
		count_lost(sp, s->path, what, last + 1, r.id - 1);
		rc->damaged += at - off;
		start = at;
		first = last = r.id;
		off = at + len;
	}
	rc->tail = off;
	return add_run(rc, start, off, first, last);
}

/* Write run `r` of the file as a segment of its own, whole and durable. */
static int run_write(struct spool *sp, struct recovery *rc, const struct run *r)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	struct fileio_new n;

	snprintf(path, sizeof(path), "%s/%020" PRIu64 ".seg", sp->dir, r->first);
	if (fileio_new_open(&n, path, 0600, err, sizeof(err)) != GM_OK)
		goto fail;
	fwrite(MAGIC, 1, MAGIC_LEN, n.f);
	for (uint64_t off = r->start; off < r->end;) {
		size_t avail;
		const unsigned char *b = sr_at(&rc->sr, off, &avail);

		if (b == NULL || avail == 0) {
			fileio_new_abort(&n);
			snprintf(err, sizeof(err), "%s: cannot read it back", path);
			goto fail;
		}
		if (avail > r->end - off)
			avail = (size_t)(r->end - off);
		fwrite(b, 1, avail, n.f);
		off += avail;
	}
	if (fileio_new_commit(&n, true, err, sizeof(err)) != GM_OK)
		goto fail;
	return GM_OK;
fail:
	log_err("spool: cannot keep the readings after the damage: %s", err);
	return GM_EIO;
}

/* Give the good records after damage segments of their own, then cut the
 * old file back to its first run (or to nothing). Adds the new segments to
 * the list, after index i. */
static int seg_split(struct spool *sp, int i, struct recovery *rc, int fd, bool bad_magic)
{
	uint64_t first = sp->seg[i].first, keep = MAGIC_LEN, last = first - 1;
	int k0 = rc->nruns > 0 && rc->runs[0].start == MAGIC_LEN ? 1 : 0;
	bool replaced = false;

	for (int k = k0; k < rc->nruns; k++) {
		const struct run *r = &rc->runs[k];
		int j = seg_index(sp, r->first);
		if (j >= 0 && j != i)
			continue;   /* written by an open that stopped halfway */
		if (run_write(sp, rc, r) != GM_OK)
			return GM_EIO;
		if (r->first == first)
			replaced = true;   /* the first record had moved: this file anew */
		else if (seg_add(sp, r->first) == NULL)
			return GM_ENOMEM;
	}
	sync_dir(sp);
	if (!replaced) {
		if (k0) {
			keep = rc->runs[0].end;
			last = rc->runs[0].last;
		}
		if ((bad_magic && pwrite(fd, MAGIC, MAGIC_LEN, 0) != MAGIC_LEN) ||
		    ftruncate(fd, (off_t)keep) != 0 || fsync(fd) != 0)
			log_err("spool %s: cannot cut off the damage: %s", sp->seg[i].path,
			    strerror(errno));
		sp->seg[i].last = last;
		sp->seg[i].bytes = keep;
	} else {
		sp->seg[i].last = rc->runs[0].last;
		sp->seg[i].bytes = MAGIC_LEN + rc->runs[0].end - rc->runs[0].start;
	}
	if (sp->nseg > i + 2)
		qsort(sp->seg + i + 1, (size_t)(sp->nseg - i - 1), sizeof(*sp->seg), seg_cmp);
	return GM_OK;
}

/* A later format: readings we cannot read, but must not destroy. */
static bool later_format(const char *magic, uint64_t size)
{
	return size >= MAGIC_LEN && memcmp(magic, MAGIC, MAGIC_LEN - 1) == 0 &&
	    magic[MAGIC_LEN - 1] > '1' && magic[MAGIC_LEN - 1] <= '9';
}

/* What was cut off the end: the readings by id when the next segment's
 * first id tells which are missing, else (the newest segment, torn as it
 * was written) in bytes. */
static void tail_lost(struct spool *sp, int i, uint64_t last, uint64_t at, uint64_t bytes)
{
	char what[96];

	snprintf(what, sizeof(what), "damaged or torn from byte %" PRIu64 " to its end (%" PRIu64
	    " bytes)", at, bytes);
	if (i + 1 < sp->nseg && sp->seg[i + 1].first > last + 1)
		count_lost(sp, sp->seg[i].path, what, last + 1, sp->seg[i + 1].first - 1);
	else
		log_warn("spool %s: a record torn as it was being written (the agent stopped "
		    "mid-write) is cut off: %" PRIu64 " bytes at byte %" PRIu64, sp->seg[i].path,
		    bytes, at);
}

/* Check segment i record by record; keep every good record, cut the rest
 * (see RECOVERY above). */
static int seg_recover(struct spool *sp, int i)
{
	struct recovery rc = { 0 };
	char magic[MAGIC_LEN] = "";
	const unsigned char *b;
	size_t avail;
	struct stat st;
	bool bad_magic;
	uint64_t size, last;
	int fd = open(sp->seg[i].path, O_RDWR | O_CLOEXEC), res = GM_OK;

	/* a window no larger than the file: most segments are small */
	if (fd < 0 || fstat(fd, &st) != 0 || (rc.sr.buf = malloc(st.st_size < WIN_BYTES ?
	    (size_t)st.st_size + 1 : WIN_BYTES)) == NULL) {
		log_err("spool %s: %s", sp->seg[i].path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return GM_EIO;
	}
	size = (uint64_t)st.st_size;
	sr_init(&rc.sr, fd, size, rc.sr.buf);
	/* the first read takes the magic and the records after it */
	if ((b = sr_at(&rc.sr, 0, &avail)) != NULL && avail >= MAGIC_LEN)
		memcpy(magic, b, MAGIC_LEN);
	if (later_format(magic, size)) {
		log_err("spool %s: written in format %c by a newer gm-agent; not touched",
		    sp->seg[i].path, magic[MAGIC_LEN - 1]);
		res = GM_EINVAL;
		goto out;
	}
	bad_magic = memcmp(magic, MAGIC, MAGIC_LEN) != 0;
	if (bad_magic && size > MAGIC_LEN)
		log_err("spool %s: its first %d bytes are damaged; reading on after them",
		    sp->seg[i].path, MAGIC_LEN);
	if ((res = seg_walk(sp, &sp->seg[i], &rc)) != GM_OK)
		goto out;
	last = rc.nruns > 0 ? rc.runs[rc.nruns - 1].last : sp->seg[i].first - 1;
	if (size < MAGIC_LEN) {
		rc.tail = 0;   /* not even the magic: all of it is torn */
		if (size > 0)
			log_warn("spool %s: %" PRIu64 " bytes, not even a header: cut off",
			    sp->seg[i].path, size);
	} else if (rc.tail < size) {
		if (rc.read_error)   /* kept on disk: it may read another time */
			log_err("spool %s: cannot read past byte %" PRIu64 ": %s", sp->seg[i].path,
			    rc.tail, strerror(errno));
		tail_lost(sp, i, last, rc.tail, size - rc.tail);
	}
	sp->truncated += rc.damaged + (rc.read_error ? 0 : size - rc.tail);
	if (rc.damaged == 0 && !bad_magic && size >= MAGIC_LEN) {
		/* the usual case: whole, or only a torn tail to cut */
		if (rc.tail < size && !rc.read_error &&
		    (ftruncate(fd, (off_t)rc.tail) != 0 || fsync(fd) != 0))
			log_err("spool %s: cannot truncate: %s", sp->seg[i].path, strerror(errno));
		sp->seg[i].last = last;
		sp->seg[i].bytes = rc.tail;
	} else {
		res = seg_split(sp, i, &rc, fd, bad_magic);
	}
	if (res == GM_OK)
		sp->bytes += sp->seg[i].bytes;
out:
	free(rc.sr.buf);
	free(rc.runs);
	close(fd);
	return res;
}

/* A temporary a crash left behind: fileio.h's ".<name>.XXXXXX" beside a
 * segment or the acknowledgement, or an older agent's "acked.tmp". */
static bool leftover(const char *name)
{
	size_t n = strlen(name);

	if (strcmp(name, "acked.tmp") == 0)
		return true;
	if (n == 1 + 24 + 7 && name[0] == '.' && strspn(name + 1, "0123456789") == 20 &&
	    strncmp(name + 21, ".seg.", 5) == 0)
		return true;
	return n == 7 + 6 && strncmp(name, ".acked.", 7) == 0;
}

/* Find the segment files, oldest first, and check each. */
static int seg_scan(struct spool *sp)
{
	DIR *d = opendir(sp->dir);
	struct dirent *e;
	char name[32], path[sizeof(sp->dir) + 64];

	if (d == NULL)
		return GM_EIO;
	while ((e = readdir(d)) != NULL) {
		/* Only the names seg_add makes: strtoull alone takes a sign,
		 * spaces, or more than 64 bits. */
		uint64_t first = strtoull(e->d_name, NULL, 10);
		if (leftover(e->d_name)) {   /* names of 32 characters at most */
			snprintf(path, sizeof(path), "%s/%.32s", sp->dir, e->d_name);
			unlink(path);
			continue;
		}
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
	/* seg_recover may add segments after i: the loop takes them too */
	for (int i = 0; i < sp->nseg; i++) {
		if (seg_recover(sp, i) != GM_OK)
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
	char path[PATH_MAX], line[64], err[PATH_MAX + 128];
	int n;

	snprintf(path, sizeof(path), "%s/acked", sp->dir);
	n = snprintf(line, sizeof(line), "acked %" PRIu64 "\n", acked);
	if (fileio_replace(path, line, (size_t)n, 0600, true, err, sizeof(err)) != GM_OK) {
		log_err("spool: cannot save acknowledgement: %s", err);
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

	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;   /* the usual case: there, or only it missing */
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

	if (sp == NULL || (sp->rbuf = malloc(WIN_BYTES)) == NULL) {
		free(sp);
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

	if (!rec_fields_ok(r))
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
		p += rec_encode(p, &recs[i]);
		(*ngood)++;
	}
	return (size_t)(p - buf);
}

int spool_append(struct spool *sp, struct spool_rec *recs, size_t n)
{
	unsigned char *buf = malloc(n * REC_MAX + 1);
	struct segment *s;
	size_t len = 0, good = 0;
	int rc = GM_OK;

	if (buf == NULL)
		return GM_ENOMEM;
	pthread_mutex_lock(&sp->lock);
	if (sp->fd < 0 || sp->nseg == 0 || sp->seg[sp->nseg - 1].bytes >= SEG_BYTES)
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
static int read_damaged(struct spool *sp, int i, struct segreader *sr, uint64_t off,
    uint64_t prev, struct spool_rec *r, uint64_t *at, size_t *len)
{
	struct segment *s = &sp->seg[i];
	uint64_t from = prev + 1 > s->lost_upto + 1 ? prev + 1 : s->lost_upto + 1, to = s->last;
	char what[96];
	int rc = rec_resync(sr, off, prev, r, at, len);

	if (rc == GM_OK) {
		to = r->id - 1;
		snprintf(what, sizeof(what), "damaged at bytes %" PRIu64 "..%" PRIu64 " since it "
		    "was opened", off, *at);
	} else {
		snprintf(what, sizeof(what), "damaged or unreadable from byte %" PRIu64 " since "
		    "it was opened", off);
	}
	if (from <= to) {
		count_lost(sp, s->path, what, from, to);
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
	uint64_t off = MAGIC_LEN, prev = s->first - 1, at;
	struct segreader sr;
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
	sr_init(&sr, fd, s->bytes, sp->rbuf);
	while (n < max && off < s->bytes) {
		b = sr_at(&sr, off, &avail);
		if (b == NULL || rec_parse(b, avail, &r, &len) != GM_OK || r.id != prev + 1) {
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
