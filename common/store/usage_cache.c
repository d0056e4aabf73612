/*
 * usage_cache.c - closed pieces of RRD channels' usage, kept on disk; what
 * is kept and when it is used again: usage_cache.h.
 *
 * FORMAT, version 1: one file a channel, numbers in this machine's byte
 * order (a cache is local; a file from another kind of machine fails the
 * byte-order mark and is ignored):
 *   "gm-usage"                 8 bytes
 *   u32 version                1
 *   u32 byte-order mark        0x01020304
 *   char site[65], meter[65], channel[65]     the channel, NUL-padded
 *   u64 dev, ino, size         the RRD file
 *   i64 last_up                its last update when the pieces were summed
 *   u64 step                   the resolution of every piece, seconds
 *   u64 phase                  of that archive's ring (rrdfile.h)
 *   i64 tail_t                 the end of the newest row any piece used,
 *   u32 nds, f64 tail[nds]     and that row's values
 *   u32 n, then n pieces:      i64 from, to; f64 amount, mean, min, max,
 *                              coverage; u32 ngaps; u8 more_gaps;
 *                              ngaps x (i64 start, i64 end)
 *   u64 FNV-1a 64 of every byte before it
 * COMPATIBILITY: any change to this gets a new version; a file of another
 * version is ignored and summed anew, never read.
 *
 * No fsync: a file torn by a crash fails its length or checksum and is
 * summed anew, while syncing ten thousand small files would cost a report
 * seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "hash.h"
#include "rrd_layout.h"
#include "rrdfile.h"
#include "usage_cache.h"

#define UC_MAGIC "gm-usage"
#define UC_VERSION 1u
#define UC_BOM 0x01020304u
#define UC_MAX_PIECES 1200u        /* a channel's kept pieces: 100 years of months */
#define UC_MAX_FILE (4u << 20)

struct usage_cache {
	char dir[4096];
	pthread_mutex_t lock;      /* st */
	struct usage_cache_stats st;
};

/* A channel's cache file, as read and as it will be written. */
struct kept {
	uint64_t dev, ino, size, step, phase;
	int64_t last_up, tail_t;
	uint32_t nds;
	double tail[RRDFILE_MAX_DS];
	struct usage *p;
	size_t n, cap;
	bool dirty;                /* pieces added: write it */
};

/* ---- bytes in, bytes out ------------------------------------------------ */

struct wbuf {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
	if (w->oom)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint8_t *b;

		while (cap < w->len + n)
			cap *= 2;
		if ((b = realloc(w->b, cap)) == NULL) {
			w->oom = true;
			return;
		}
		w->b = b;
		w->cap = cap;
	}
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void put_u32(struct wbuf *w, uint32_t v) { put(w, &v, sizeof(v)); }
static void put_u64(struct wbuf *w, uint64_t v) { put(w, &v, sizeof(v)); }
static void put_i64(struct wbuf *w, int64_t v) { put(w, &v, sizeof(v)); }
static void put_f64(struct wbuf *w, double v) { put(w, &v, sizeof(v)); }

struct rbuf {
	const uint8_t *p;
	size_t left;
	bool bad;                  /* read past the end: the file is cut short */
};

static void get(struct rbuf *r, void *out, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
}

static uint32_t get_u32(struct rbuf *r) { uint32_t v; get(r, &v, sizeof(v)); return v; }
static uint64_t get_u64(struct rbuf *r) { uint64_t v; get(r, &v, sizeof(v)); return v; }
static int64_t get_i64(struct rbuf *r) { int64_t v; get(r, &v, sizeof(v)); return v; }
static double get_f64(struct rbuf *r) { double v; get(r, &v, sizeof(v)); return v; }

/* ---- the file's form ---------------------------------------------------- */

static void put_ids(struct wbuf *w, const struct chan_id *id)
{
	const char *s[3] = { id->site, id->meter, id->channel };

	for (int i = 0; i < 3; i++) {
		char pad[ID_MAX + 1] = { 0 };

		memcpy(pad, s[i], strnlen(s[i], ID_MAX));
		put(w, pad, sizeof(pad));
	}
}

static bool same_ids(struct rbuf *r, const struct chan_id *id)
{
	const char *s[3] = { id->site, id->meter, id->channel };
	bool same = true;

	for (int i = 0; i < 3; i++) {
		char pad[ID_MAX + 1];

		get(r, pad, sizeof(pad));
		same &= pad[ID_MAX] == '\0' && strcmp(pad, s[i]) == 0;
	}
	return same;
}

static void put_piece(struct wbuf *w, const struct usage *u)
{
	uint8_t more = u->more_gaps;

	put_i64(w, u->from);
	put_i64(w, u->to);
	put_f64(w, u->amount);
	put_f64(w, u->mean);
	put_f64(w, u->min);
	put_f64(w, u->max);
	put_f64(w, u->coverage);
	put_u32(w, (uint32_t)u->ngaps);
	put(w, &more, 1);
	for (int g = 0; g < u->ngaps; g++) {
		put_i64(w, u->gaps[g].start);
		put_i64(w, u->gaps[g].end);
	}
}

/* Only what a kept piece holds; the events stay as usage_pieces left them. */
static bool get_piece(struct rbuf *r, struct usage *u, unsigned long step)
{
	uint32_t ngaps;
	uint8_t more;

	memset(u, 0, sizeof(*u));
	u->from = (time_t)get_i64(r);
	u->to = (time_t)get_i64(r);
	u->step = step;
	u->amount = get_f64(r);
	u->mean = get_f64(r);
	u->min = get_f64(r);
	u->max = get_f64(r);
	u->coverage = get_f64(r);
	ngaps = get_u32(r);
	get(r, &more, 1);
	if (ngaps > USAGE_MAX_GAPS || more > 1 || u->to <= u->from)
		return false;
	u->ngaps = (int)ngaps;
	u->more_gaps = more;
	for (int g = 0; g < u->ngaps; g++) {
		u->gaps[g].start = (time_t)get_i64(r);
		u->gaps[g].end = (time_t)get_i64(r);
	}
	return !r->bad;
}

static void encode(struct wbuf *w, const struct chan_id *id, const struct kept *k)
{
	put(w, UC_MAGIC, 8);
	put_u32(w, UC_VERSION);
	put_u32(w, UC_BOM);
	put_ids(w, id);
	put_u64(w, k->dev);
	put_u64(w, k->ino);
	put_u64(w, k->size);
	put_i64(w, k->last_up);
	put_u64(w, k->step);
	put_u64(w, k->phase);
	put_i64(w, k->tail_t);
	put_u32(w, k->nds);
	for (uint32_t i = 0; i < k->nds; i++)
		put_f64(w, k->tail[i]);
	put_u32(w, (uint32_t)k->n);
	for (size_t i = 0; i < k->n; i++)
		put_piece(w, &k->p[i]);
	if (!w->oom)
		put_u64(w, fnv1a_bytes(FNV1A_BASIS, w->b, w->len));
}

static bool decode_head(struct rbuf *r, const struct chan_id *id, struct kept *k)
{
	char magic[8];

	get(r, magic, sizeof(magic));
	if (memcmp(magic, UC_MAGIC, 8) != 0 || get_u32(r) != UC_VERSION ||
	    get_u32(r) != UC_BOM || !same_ids(r, id))
		return false;
	k->dev = get_u64(r);
	k->ino = get_u64(r);
	k->size = get_u64(r);
	k->last_up = get_i64(r);
	k->step = get_u64(r);
	k->phase = get_u64(r);
	k->tail_t = get_i64(r);
	k->nds = get_u32(r);
	if (k->nds == 0 || k->nds > RRDFILE_MAX_DS || k->step == 0 || k->step > 366 * 86400UL)
		return false;
	for (uint32_t i = 0; i < k->nds; i++)
		k->tail[i] = get_f64(r);
	return !r->bad;
}

/* A whole file of this version for this channel, else false (and k empty). */
static bool decode(const uint8_t *b, size_t len, const struct chan_id *id, struct kept *k)
{
	struct rbuf r = { b, len < 8 ? 0 : len - 8, false };
	uint64_t sum;
	uint32_t n;

	if (len < 8)
		return false;
	memcpy(&sum, b + len - 8, 8);
	if (sum != fnv1a_bytes(FNV1A_BASIS, b, len - 8) || !decode_head(&r, id, k))
		return false;
	if ((n = get_u32(&r)) > UC_MAX_PIECES || (size_t)n * 61 > r.left ||
	    (k->p = calloc(n ? n : 1, sizeof(*k->p))) == NULL)
		return false;
	k->cap = n ? n : 1;
	for (k->n = 0; k->n < n; k->n++)
		if (!get_piece(&r, &k->p[k->n], (unsigned long)k->step))
			return false;
	return r.left == 0;
}

/* ---- files -------------------------------------------------------------- */

static void chan_file(const struct usage_cache *c, const struct chan_id *id, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/%s.%s.%s.usage", c->dir, id->site, id->meter, id->channel);
}

/* 1 with *data (malloc'd), 0 when there is no file, -1 when it cannot be
 * read or is too large to be ours. A link is not followed, a FIFO not
 * waited on (fileio.h). */
static int read_file(const char *path, uint8_t **data, size_t *len)
{
	char err[PATH_MAX + 64];
	struct stat sb;
	size_t got = 0;
	ssize_t r = 1;
	int fd, rc = fileio_open_regular(path, O_RDONLY, 0, &fd, &sb, err, sizeof(err));

	if (rc != GM_OK)
		return rc == GM_ENOTFOUND ? 0 : -1;
	if (sb.st_size > UC_MAX_FILE ||
	    (*data = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)sb.st_size && (r = read(fd, *data + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	*len = got;
	if (r < 0 || got != (size_t)sb.st_size) {
		free(*data);
		return -1;
	}
	return 1;
}

/* Under a fresh temporary name in the same directory, then renamed over
 * the old file, so a reader sees the old file or the new, never half. */
static int write_file(const char *path, const struct wbuf *w, char *err, size_t errlen)
{
	return fileio_replace(path, w->b, w->len, 0644, false, err, errlen);
}

/* ---- is what was kept still true? --------------------------------------- */

static void count(struct usage_cache *c, long *field, long n)
{
	pthread_mutex_lock(&c->lock);
	*field += n;
	pthread_mutex_unlock(&c->lock);
}

static void failed(struct usage_cache *c, const char *why)
{
	pthread_mutex_lock(&c->lock);
	if (c->st.failed++ == 0)
		snprintf(c->st.error, sizeof(c->st.error), "%.200s", why);
	pthread_mutex_unlock(&c->lock);
}

static void kept_clear(struct kept *k)
{
	free(k->p);
	memset(k, 0, sizeof(*k));
}

/* The end of the last row a piece ending at `to` uses. */
static time_t row_end(time_t to, unsigned long step)
{
	return (to + (time_t)step - 1) / (time_t)step * (time_t)step;
}

/* The same file, with the rows the kept pieces were summed from. */
static bool same_rrd(const struct kept *k, const struct rrdfile *rf)
{
	double v[RRDFILE_MAX_DS];
	int a = rrdfile_archive(rf, (unsigned long)k->step);

	return k->dev == rf->dev && k->ino == rf->ino && k->size == rf->size &&
	    k->last_up <= (int64_t)rf->last_up && a >= 0 &&
	    k->phase == rrdfile_phase(rf, a) && k->nds == rf->ds_cnt &&
	    rrdfile_row(rf, a, (time_t)k->tail_t, v, RRDFILE_MAX_DS) == GM_OK &&
	    memcmp(v, k->tail, k->nds * sizeof(double)) == 0;
}

static void load(struct usage_cache *c, const struct chan_id *id, const struct rrdfile *rf,
    struct kept *k)
{
	char path[4400];
	uint8_t *data = NULL;
	size_t len = 0;
	int got;

	memset(k, 0, sizeof(*k));
	chan_file(c, id, path, sizeof(path));
	if ((got = read_file(path, &data, &len)) == 0)
		return;
	if (got < 0 || !decode(data, len, id, k)) {
		count(c, &c->st.ignored, 1);
		kept_clear(k);
	} else if (!same_rrd(k, rf)) {
		count(c, &c->st.stale, 1);
		kept_clear(k);
	}
	free(data);
}

static void store(struct usage_cache *c, const struct chan_id *id, const struct rrdfile *rf,
    struct kept *k)
{
	int a = rrdfile_archive(rf, (unsigned long)k->step);
	struct wbuf w = { 0 };
	char path[4400], err[300];

	k->dev = rf->dev;
	k->ino = rf->ino;
	k->size = rf->size;
	k->last_up = rf->last_up;
	k->nds = (uint32_t)rf->ds_cnt;
	k->tail_t = 0;
	for (size_t i = 0; i < k->n; i++)
		if (row_end(k->p[i].to, (unsigned long)k->step) > k->tail_t)
			k->tail_t = row_end(k->p[i].to, (unsigned long)k->step);
	if (a < 0 || rrdfile_row(rf, a, (time_t)k->tail_t, k->tail, RRDFILE_MAX_DS) != GM_OK)
		return;   /* cannot be checked later: not kept */
	k->phase = rrdfile_phase(rf, a);
	encode(&w, id, k);
	chan_file(c, id, path, sizeof(path));
	if (w.oom)
		failed(c, "out of memory");
	else if (write_file(path, &w, err, sizeof(err)) != GM_OK)
		failed(c, err);
	else
		count(c, &c->st.written, 1);
	free(w.b);
}

/* ---- pieces ------------------------------------------------------------- */

static const struct usage *find(const struct kept *k, time_t from, time_t to)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->p[i].from == from && k->p[i].to == to)
			return &k->p[i];
	return NULL;
}

/* A kept piece into u (made by usage_pieces): everything but the events.
 * Only a piece whose rows are all complete now, whatever a file says. */
static bool take(const struct kept *k, const struct rrdfile *rf, struct usage *u)
{
	const struct usage *p = find(k, u->from, u->to);

	if (p == NULL || row_end(p->to, (unsigned long)k->step) > rf->last_up)
		return false;
	u->step = p->step;
	u->amount = p->amount;
	u->mean = p->mean;
	u->min = p->min;
	u->max = p->max;
	u->coverage = p->coverage;
	u->ngaps = p->ngaps;
	u->more_gaps = p->more_gaps;
	memcpy(u->gaps, p->gaps, sizeof(u->gaps));
	return true;
}

/* The pieces just summed whose last row was complete when the header was
 * read: rrdtool will not write those rows again. A file keeps one
 * resolution, that of the latest series summed. */
static void keep(struct kept *k, const struct rrdfile *rf, const struct usage *u, int n,
    unsigned long step)
{
	if (k->step != step) {
		k->n = 0;
		k->step = step;
	}
	for (int i = 0; i < n; i++) {
		if (row_end(u[i].to, step) > rf->last_up || find(k, u[i].from, u[i].to) != NULL ||
		    k->n == UC_MAX_PIECES)
			continue;
		if (k->n == k->cap) {
			size_t cap = k->cap ? k->cap * 2 : 32;
			struct usage *p = realloc(k->p, cap * sizeof(*p));

			if (p == NULL)
				return;
			k->p = p;
			k->cap = cap;
		}
		k->p[k->n++] = u[i];
		k->dirty = true;
	}
}

static void plain(const char *path, struct usage_req *r)
{
	r->rc = usage_series(path, r->bounds, r->n, r->out, r->err, sizeof(r->err));
}

/* Kept pieces where they still hold; one fetch, in the archive the whole
 * series would be read from, for the span of the others. */
static void one_series(struct usage_cache *c, const struct rrdfile *rf, struct kept *k,
    const char *path, struct usage_req *r)
{
	int a = rrdfile_pick(rf, r->bounds[0], RRD_STEP), first = -1, last = -1;
	unsigned long step = a >= 0 ? rf->rra[a].step : 0, got = 0;

	if ((r->rc = usage_pieces(r->bounds, r->n, r->out, r->err, sizeof(r->err))) != GM_OK)
		return;
	if (step == 0) {
		plain(path, r);
		return;
	}
	for (int i = 0; i < r->n; i++) {
		if (k->step == step && take(k, rf, &r->out[i]))
			continue;
		first = first < 0 ? i : first;
		last = i;
	}
	if (first >= 0) {
		int m = last - first + 1;

		/* pieces kept between two missing ones are summed again: the same */
		usage_pieces(r->bounds + first, m, r->out + first, r->err, sizeof(r->err));
		r->rc = usage_rows(path, r->out + first, m, step, &got, r->err, sizeof(r->err));
		if (r->rc != GM_OK)
			return;
		if (got != step) {   /* updated meanwhile past an archive's reach */
			plain(path, r);
			return;
		}
		keep(k, rf, r->out + first, m, step);
		count(c, &c->st.summed, m);
	}
	count(c, &c->st.hits, first < 0 ? r->n : r->n - (last - first + 1));
	r->rc = usage_read_events(path, r->out, r->n, r->err, sizeof(r->err));
}

static bool is_rrd(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".rrd") == 0;
}

void usage_cache_series(struct usage_cache *c, const struct chan_id *id, const char *path,
    struct usage_req *req, int nreq)
{
	struct rrdfile rf;
	struct kept k;
	char err[300];

	if (c == NULL || !is_rrd(path) || !id_valid(id->site) || !id_valid(id->meter) ||
	    !id_valid(id->channel) || rrdfile_open(path, &rf, err, sizeof(err)) != GM_OK) {
		for (int i = 0; i < nreq; i++)
			plain(path, &req[i]);
		return;
	}
	load(c, id, &rf, &k);
	for (int i = 0; i < nreq; i++)
		one_series(c, &rf, &k, path, &req[i]);
	if (k.dirty)
		store(c, id, &rf, &k);
	rrdfile_close(&rf);
	kept_clear(&k);
}

/* ---- the cache ---------------------------------------------------------- */

struct usage_cache *usage_cache_open(const char *dir, char *err, size_t errlen)
{
	struct usage_cache *c;
	struct stat sb;

	if (dir[0] == '\0' || strlen(dir) > 3800) {
		gm_errf(err, errlen, GM_EINVAL, "cache directory name empty or too long");
		return NULL;
	}
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || stat(dir, &sb) != 0) {
		gm_errf(err, errlen, GM_EIO, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(sb.st_mode)) {
		gm_errf(err, errlen, GM_EINVAL, "%s: not a directory", dir);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void usage_cache_close(struct usage_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void usage_cache_stats(struct usage_cache *c, struct usage_cache_stats *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->st;
	pthread_mutex_unlock(&c->lock);
}
