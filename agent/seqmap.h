/*
 * seqmap.h - the last `seq` sent on each topic (wire contract: seq grows by
 * one per message on a topic), kept across restarts in a small text file,
 * "<seq> <topic>" per line, rewritten whole (temp file, fsync, rename).
 * Used by the publisher thread only: not thread-safe.
 */
#ifndef GM_SEQMAP_H
#define GM_SEQMAP_H

#include <stdint.h>

struct seqmap;

/* Load from path if it exists (a missing or damaged file starts from 0). */
struct seqmap *seqmap_open(const char *path);
void seqmap_free(struct seqmap *m);          /* NULL-safe; does not save */
/* The next seq for topic (1 for a topic never seen). */
uint64_t seqmap_next(struct seqmap *m, const char *topic);
/* Write the file if anything changed. GM_OK or GM_EIO. */
int seqmap_save(struct seqmap *m);

#endif
