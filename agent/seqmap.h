/*
 * seqmap.h - the last `seq` sent on each topic (wire contract: seq grows by
 * one per message on a topic), kept across restarts in a small text file,
 * "<seq> <topic>" per line, rewritten whole (temp file, fsync, rename).
 * Used by the publisher thread only: not thread-safe.
 */
#ifndef GM_SEQMAP_H
#define GM_SEQMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct seqmap;

/* Load from path if it exists. A missing file starts every topic from 0; a
 * damaged line (not "<seq> <topic>", seq above 2^53, a NUL) is ignored and
 * logged, its topic starting again from 0; of a topic given twice the
 * larger number counts. */
struct seqmap *seqmap_open(const char *path);
/* The same from the file's text, len bytes (what seqmap_open reads); path
 * is where it is saved and what its messages name. */
struct seqmap *seqmap_from_text(const char *path, const char *text, size_t len);
void seqmap_free(struct seqmap *m);          /* NULL-safe; does not save */
/* The next seq for topic (1 for a topic never seen; 1 again after 2^53). */
uint64_t seqmap_next(struct seqmap *m, const char *topic);
/* Write the file if anything changed. GM_OK or GM_EIO. */
int seqmap_save(struct seqmap *m);
/* The file's text, every topic a line, to f (what seqmap_save writes whole):
 * GM_OK or GM_EIO. */
int seqmap_write(const struct seqmap *m, FILE *f);

#endif
