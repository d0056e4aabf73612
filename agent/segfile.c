/* segfile.c - a spool segment's records: format 1, and reading them back. */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "gm_err.h"
#include "segfile.h"

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

size_t segfile_encode(unsigned char *buf, const struct spool_rec *r)
{
	size_t ul = strlen(r->unit), tl = strlen(r->topic);
	uint32_t body = (uint32_t)(SEGFILE_REC_FIXED + ul + tl);
	unsigned char *b = buf + 8;

	put_u64(b, r->id);
	put_f64(b + 8, r->t);
	put_f64(b + 16, r->v);
	put_f64(b + 24, r->wrap);
	b[32] = (unsigned char)r->kind;
	b[33] = (unsigned char)ul;
	put_u16(b + 34, (uint16_t)tl);
	memcpy(b + SEGFILE_REC_FIXED, r->unit, ul);
	memcpy(b + SEGFILE_REC_FIXED + ul, r->topic, tl);
	put_u32(buf, body);
	put_u32(buf + 4, (uint32_t)crc32(0L, b, body));
	return 8 + body;
}

bool segfile_fields_ok(const struct spool_rec *r)
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

	if (len < SEGFILE_REC_FIXED)
		return GM_EINVAL;
	ul = b[33];
	tl = get_u16(b + 34);
	if (b[32] > KIND_DELTA || ul > UNIT_MAX || tl >= TOPIC_MAX || SEGFILE_REC_FIXED + ul + tl != len)
		return GM_EINVAL;
	r->id = get_u64(b);
	r->t = get_f64(b + 8);
	r->v = get_f64(b + 16);
	r->wrap = get_f64(b + 24);
	r->kind = (enum reading_kind)b[32];
	memcpy(r->unit, b + SEGFILE_REC_FIXED, ul);
	r->unit[ul] = '\0';
	memcpy(r->topic, b + SEGFILE_REC_FIXED + ul, tl);
	r->topic[tl] = '\0';
	/* a NUL inside would make the text shorter than what was checked */
	if (strlen(r->unit) != ul || strlen(r->topic) != tl || !segfile_fields_ok(r))
		return GM_EINVAL;
	return GM_OK;
}

int segfile_parse(const unsigned char *b, size_t avail, struct spool_rec *r, size_t *len)
{
	uint32_t body;

	if (avail == 0)
		return GM_ENOTFOUND;
	if (avail < 8 + SEGFILE_REC_FIXED)
		return GM_EINVAL;
	body = get_u32(b);
	if (body < SEGFILE_REC_FIXED || body > SEGFILE_REC_MAX - 8 || 8 + (size_t)body > avail ||
	    (uint32_t)crc32(0L, b + 8, body) != get_u32(b + 4) || rec_decode(b + 8, body, r) != GM_OK)
		return GM_EINVAL;
	*len = 8 + body;
	return GM_OK;
}

/* --- reading a segment through a window ----------------------------------- */

void segfile_reader_init(struct segfile_reader *sr, int fd, uint64_t end, unsigned char *buf)
{
	sr->fd = fd;
	sr->end = end;
	sr->base = 0;
	sr->len = 0;
	sr->buf = buf;
}

const unsigned char *segfile_at(struct segfile_reader *sr, uint64_t off, size_t *avail)
{
	uint64_t want;

	if (off >= sr->end) {
		*avail = 0;
		return sr->buf;
	}
	want = sr->end - off < SEGFILE_REC_MAX ? sr->end - off : SEGFILE_REC_MAX;
	if (off < sr->base || off + want > sr->base + sr->len) {
		size_t n = sr->end - off < SEGFILE_WIN ? (size_t)(sr->end - off) : SEGFILE_WIN, got = 0;
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

int segfile_resync(struct segfile_reader *sr, uint64_t off, uint64_t last, struct spool_rec *r,
    uint64_t *at, size_t *len)
{
	for (uint64_t p = off + 1; p + 8 + SEGFILE_REC_FIXED <= sr->end; p++) {
		size_t avail;
		const unsigned char *b = segfile_at(sr, p, &avail);

		if (b == NULL)
			return GM_EIO;
		/* the length first: most positions fail there, before any crc */
		if (avail < 8 + SEGFILE_REC_FIXED || get_u32(b) < SEGFILE_REC_FIXED || get_u32(b) > avail - 8)
			continue;
		if (segfile_parse(b, avail, r, len) == GM_OK && r->id > last &&
		    r->id - last - 1 <= (p - off) / SEGFILE_REC_MIN) {
			*at = p;
			return GM_OK;
		}
	}
	return GM_ENOTFOUND;
}
