/*
 * spool_recover.c - the spool's segments checked at open.
 *
 * RECOVERY, segment by segment, record by record. A record is good when
 * segfile_parse takes it and its id is the one after the record before. At
 * a bad one the rest of the file is searched for the next good record that
 * continues the sequence (segfile_resync). The readings in between are
 * lost, counted by their ids (those not yet acknowledged) and logged; the
 * good records after the damage are written, whole and durably (fileio.h),
 * to a segment of their own named by their first id - so every segment
 * keeps consecutive ids and no new format is needed - and only then is the
 * damaged stretch cut off the old file. When no good record follows, the
 * damage is a torn tail (a crash mid-write) and is cut off as always; its
 * readings are counted when the next segment's name tells which ids are
 * missing, and in bytes when it does not (the newest segment: the record
 * being written when the agent stopped; its id was never used).
 * A crash during recovery leaves the old file as it was: the next open does
 * the same again, and keeps the segments already written.
 * A segment of a later format is neither read nor touched: the spool does
 * not open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "segfile.h"
#include "spool_private.h"

/* A stretch of good records with consecutive ids. */
struct run {
	uint64_t start, end;       /* bytes [start, end) of the file */
	uint64_t first, last;      /* ids */
};

struct recovery {
	struct segfile_reader sr;
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

/* Read the segment after its magic into runs of good records, counting the
 * readings lost between them. */
static int seg_walk(struct spool *sp, const struct segment *s, struct recovery *rc)
{
	struct spool_rec r;
	uint64_t off = SEGFILE_MAGIC_LEN, start = off, first = s->first, last = first - 1, at;
	size_t len, avail;
	const unsigned char *b;
	char what[96];
	int res;

	for (;;) {
		if ((b = segfile_at(&rc->sr, off, &avail)) == NULL) {
			rc->read_error = true;
			break;
		}
		res = segfile_parse(b, avail, &r, &len);
		if (res == GM_ENOTFOUND)
			break;
		if (res == GM_OK && r.id == last + 1) {
			last = r.id;
			off += len;
			continue;
		}
		if (add_run(rc, start, off, first, last) != GM_OK)
			return GM_ENOMEM;
		res = segfile_resync(&rc->sr, off, last, &r, &at, &len);
		if (res == GM_EIO)
			rc->read_error = true;
		if (res != GM_OK)
			break;
		snprintf(what, sizeof(what), "damaged at bytes %" PRIu64 "..%" PRIu64, off, at);
		spool_count_lost(sp, s->path, what, last + 1, r.id - 1);
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
	fwrite(SEGFILE_MAGIC, 1, SEGFILE_MAGIC_LEN, n.f);
	for (uint64_t off = r->start; off < r->end;) {
		size_t avail;
		const unsigned char *b = segfile_at(&rc->sr, off, &avail);

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
	uint64_t first = sp->seg[i].first, keep = SEGFILE_MAGIC_LEN, last = first - 1;
	int k0 = rc->nruns > 0 && rc->runs[0].start == SEGFILE_MAGIC_LEN ? 1 : 0;
	bool replaced = false;

	for (int k = k0; k < rc->nruns; k++) {
		const struct run *r = &rc->runs[k];
		int j = spool_seg_index(sp, r->first);
		if (j >= 0 && j != i)
			continue;   /* written by an open that stopped halfway */
		if (run_write(sp, rc, r) != GM_OK)
			return GM_EIO;
		if (r->first == first)
			replaced = true;   /* the first record had moved: this file anew */
		else if (spool_seg_add(sp, r->first) == NULL)
			return GM_ENOMEM;
	}
	spool_sync_dir(sp);
	if (!replaced) {
		if (k0) {
			keep = rc->runs[0].end;
			last = rc->runs[0].last;
		}
		if ((bad_magic && pwrite(fd, SEGFILE_MAGIC, SEGFILE_MAGIC_LEN, 0) != SEGFILE_MAGIC_LEN) ||
		    ftruncate(fd, (off_t)keep) != 0 || fsync(fd) != 0)
			log_err("spool %s: cannot cut off the damage: %s", sp->seg[i].path,
			    strerror(errno));
		sp->seg[i].last = last;
		sp->seg[i].bytes = keep;
	} else {
		sp->seg[i].last = rc->runs[0].last;
		sp->seg[i].bytes = SEGFILE_MAGIC_LEN + rc->runs[0].end - rc->runs[0].start;
	}
	if (sp->nseg > i + 2)
		qsort(sp->seg + i + 1, (size_t)(sp->nseg - i - 1), sizeof(*sp->seg), spool_seg_cmp);
	return GM_OK;
}

/* A later format: readings we cannot read, but must not destroy. */
static bool later_format(const char *magic, uint64_t size)
{
	return size >= SEGFILE_MAGIC_LEN && memcmp(magic, SEGFILE_MAGIC, SEGFILE_MAGIC_LEN - 1) == 0 &&
	    magic[SEGFILE_MAGIC_LEN - 1] > '1' && magic[SEGFILE_MAGIC_LEN - 1] <= '9';
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
		spool_count_lost(sp, sp->seg[i].path, what, last + 1, sp->seg[i + 1].first - 1);
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
	char magic[SEGFILE_MAGIC_LEN] = "";
	const unsigned char *b;
	size_t avail;
	struct stat st;
	bool bad_magic;
	uint64_t size, last;
	int fd = open(sp->seg[i].path, O_RDWR | O_CLOEXEC), res = GM_OK;

	/* a window no larger than the file: most segments are small */
	if (fd < 0 || fstat(fd, &st) != 0 || (rc.sr.buf = malloc(st.st_size < SEGFILE_WIN ?
	    (size_t)st.st_size + 1 : SEGFILE_WIN)) == NULL) {
		log_err("spool %s: %s", sp->seg[i].path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return GM_EIO;
	}
	size = (uint64_t)st.st_size;
	segfile_reader_init(&rc.sr, fd, size, rc.sr.buf);
	/* the first read takes the magic and the records after it */
	if ((b = segfile_at(&rc.sr, 0, &avail)) != NULL && avail >= SEGFILE_MAGIC_LEN)
		memcpy(magic, b, SEGFILE_MAGIC_LEN);
	if (later_format(magic, size)) {
		log_err("spool %s: written in format %c by a newer gm-agent; not touched",
		    sp->seg[i].path, magic[SEGFILE_MAGIC_LEN - 1]);
		res = GM_EINVAL;
		goto out;
	}
	bad_magic = memcmp(magic, SEGFILE_MAGIC, SEGFILE_MAGIC_LEN) != 0;
	if (bad_magic && size > SEGFILE_MAGIC_LEN)
		log_err("spool %s: its first %d bytes are damaged; reading on after them",
		    sp->seg[i].path, SEGFILE_MAGIC_LEN);
	if ((res = seg_walk(sp, &sp->seg[i], &rc)) != GM_OK)
		goto out;
	last = rc.nruns > 0 ? rc.runs[rc.nruns - 1].last : sp->seg[i].first - 1;
	if (size < SEGFILE_MAGIC_LEN) {
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
	if (rc.damaged == 0 && !bad_magic && size >= SEGFILE_MAGIC_LEN) {
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

/* See spool_private.h. */
int spool_recover_scan(struct spool *sp)
{
	DIR *d = opendir(sp->dir);
	struct dirent *e;
	char name[32], path[sizeof(sp->dir) + 64];

	if (d == NULL)
		return GM_EIO;
	while ((e = readdir(d)) != NULL) {
		/* Only the names spool_seg_add makes: strtoull alone takes a sign,
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
		if (spool_seg_add(sp, first) == NULL) {
			closedir(d);
			return GM_ENOMEM;
		}
	}
	closedir(d);
	if (sp->nseg > 1)
		qsort(sp->seg, (size_t)sp->nseg, sizeof(*sp->seg), spool_seg_cmp);
	/* seg_recover may add segments after i: the loop takes them too */
	for (int i = 0; i < sp->nseg; i++) {
		if (seg_recover(sp, i) != GM_OK)
			return GM_EIO;
		if (sp->seg[i].last + 1 > sp->next_id)
			sp->next_id = sp->seg[i].last + 1;
	}
	return GM_OK;
}
