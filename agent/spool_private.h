/*
 * spool_private.h - the spool's insides, shared by spool.c (appending,
 * reading, acknowledging) and spool_recover.c (checking the segments at
 * open). No other file includes it: callers see spool.h.
 */
#ifndef GM_SPOOL_PRIVATE_H
#define GM_SPOOL_PRIVATE_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "log.h"
#include "spool.h"

#define SPOOL_SEG_BYTES (4u << 20)   /* a segment is closed once this big */

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
	int lock_fd;               /* <dir>/lock, flock'd: one agent per spool */
	struct segment *seg;       /* oldest first */
	int nseg, capseg;
	uint64_t next_id, acked, saved_ack;
	uint64_t bytes, dropped, truncated, lost, refused;
	struct complaint refusing; /* appends refused, logged rarely */
	int dirty;                 /* appended since the last fsync */
	/* where the last spool_read stopped, to go on without searching:
	 * segment, offset, and the id of the record before that offset */
	int cur_seg;
	uint64_t cur_off, cur_id;
	unsigned char *rbuf;       /* SEGFILE_WIN bytes, for spool_read */
};

/* Add a segment (empty: last = first - 1) at the end of the list; NULL when
 * out of memory. */
struct segment *spool_seg_add(struct spool *sp, uint64_t first);
/* The index of the segment with this first id, or -1. */
int spool_seg_index(const struct spool *sp, uint64_t first);
/* qsort order: by first id. */
int spool_seg_cmp(const void *a, const void *b);
/* fsync the directory: a file made or renamed in it is on disk only then. */
void spool_sync_dir(const struct spool *sp);
/* Readings from..to (ids) lost to damage (`what`, where in `path`): those
 * not yet acknowledged are counted and logged, by id. Returns the count. */
uint64_t spool_count_lost(struct spool *sp, const char *path, const char *what,
    uint64_t from, uint64_t to);

/* spool_recover.c: find the segment files in sp->dir, oldest first, check
 * each record by record and keep every good record (see RECOVERY there),
 * counting what was cut and lost; remove temporaries a crash left. Fills
 * sp->seg, bytes and next_id. GM_OK, GM_EIO (a segment of a later format:
 * not touched; a directory that cannot be read), GM_ENOMEM. */
int spool_recover_scan(struct spool *sp);

#endif
