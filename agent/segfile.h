/*
 * segfile.h - one segment file of the spool: its records (format 1) and
 * reading them back, damaged or not. For spool.c and spool_recover.c only.
 *
 * ON DISK (format version 1; COMPATIBILITY: a change of layout means a new
 * magic and a reader kept for the old one, as mosquitto's persist_read_v*):
 *   8 bytes  magic "GMSPOOL1"
 *   records: u32 body length, u32 crc32 of body, body:
 *            u64 id, f64 t, f64 v, f64 wrap, u8 kind, u8 unit length,
 *            u16 topic length, unit bytes, topic bytes
 *   all little-endian. The ids in a segment run on by one from its first id
 *   (the file's name): an append writes whole records of consecutive ids,
 *   and one that fails starts a new segment, so every writer of this format
 *   has kept that; recovery relies on it.
 *
 * A record is good when its length is possible, its crc matches and its
 * fields are a reading's (kind, unit, topic as the wire contract has them;
 * its values are not judged here: an older agent spooled NaNs, and such a
 * record is still a record).
 */
#ifndef GM_SEGFILE_H
#define GM_SEGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spool.h"

#define SEGFILE_MAGIC "GMSPOOL1"
#define SEGFILE_MAGIC_LEN 8
#define SEGFILE_REC_FIXED 36        /* body bytes before unit and topic */
#define SEGFILE_REC_MAX (8 + SEGFILE_REC_FIXED + UNIT_MAX + TOPIC_MAX)
/* The smallest record: unit "W", topic "greenmeter/v1/a/b/c" (19). */
#define SEGFILE_REC_MIN (8 + SEGFILE_REC_FIXED + 1 + 19)
#define SEGFILE_WIN (64u << 10)     /* a segment is read this much at a time */

/* Encode r (header and body) into buf, SEGFILE_REC_MAX bytes; its length. */
size_t segfile_encode(unsigned char *buf, const struct spool_rec *r);

/* r's kind, unit and topic are a reading's. */
bool segfile_fields_ok(const struct spool_rec *r);

/* The record at b (avail bytes there): GM_OK with its size in *len,
 * GM_ENOTFOUND at a clean end (avail 0), GM_EINVAL if torn or corrupt. */
int segfile_parse(const unsigned char *b, size_t avail, struct spool_rec *r, size_t *len);

/* A window on a segment file: records are parsed from memory, and a damaged
 * stretch is searched byte by byte without a read() per byte. */
struct segfile_reader {
	int fd;
	uint64_t end;              /* nothing at or past this is read */
	uint64_t base;             /* file offset of buf[0] */
	size_t len;                /* bytes of buf holding the file */
	unsigned char *buf;        /* min(end, SEGFILE_WIN) bytes at least; the caller's */
};

void segfile_reader_init(struct segfile_reader *sr, int fd, uint64_t end, unsigned char *buf);

/* The bytes at off: at least a whole record's worth when the file has them;
 * *avail says how many. NULL on a read error. A file found shorter than
 * `end` ends where it ends. */
const unsigned char *segfile_at(struct segfile_reader *sr, uint64_t off, size_t *avail);

/*
 * After damage at off, where the last good record had id `last`: the first
 * position past off where a good record starts whose id follows `last` by no
 * more readings than the bytes from off could hold (SEGFILE_REC_MIN each): a
 * false match would need a crc32 and an id in that narrow range to agree by
 * chance. GM_OK with the record in *r, its offset in *at and size in *len;
 * GM_ENOTFOUND if none before the end; GM_EIO on a read error.
 */
int segfile_resync(struct segfile_reader *sr, uint64_t off, uint64_t last, struct spool_rec *r,
    uint64_t *at, size_t *len);

#endif
