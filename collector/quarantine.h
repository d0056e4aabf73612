/*
 * quarantine.h - the dead-letter journal: messages gm-collector took from
 * the broker but cannot store for a reason that trying again will not mend,
 * kept with that reason until a person mends the cause and runs
 * `gm-collector --requeue` (docs/operations.md).
 *
 * Two kinds of message come here. A message that must be kept - a valid
 * reading whose file is damaged (GM_EDAMAGED from the store): it is
 * acknowledged only once it is on disk here, so nothing is lost and the other
 * channels go on storing. And a message refused by rule (a payload that is
 * not the wire contract, a unit the channel is not stored in, a time far
 * ahead of the clock), kept as evidence and so that a requeue can store it
 * once the rule's cause is mended; these are kept best-effort, up to
 * QUARANTINE_REFUSED_MAX bytes of journal (by default), so that a flood of rubbish cannot
 * fill the disk (past that, they are only logged, as before).
 *
 * ON DISK (format 1; COMPATIBILITY: a new layout means a new record tag
 * and a reader for the old one): "<datadir>/.quarantine/journal", records
 * appended and fdatasync'd:
 *   "Q1 <at> <len> <topic> <reason>\n" then <len> payload bytes, then "\n"
 * at: wall clock seconds it came here; topic: the MQTT topic (a valid
 * channel's: no space in it); reason: printable ASCII to the end of the line.
 * A record that does not read as one is skipped to the next line starting
 * "Q1 ", logged with the journal's name and byte offset.
 *
 * Thread-safe: the writer thread (store_queue.h) and the ingesting one both
 * put. One collector owns the data directory (the write-ahead log's lock).
 */
#ifndef GM_QUARANTINE_H
#define GM_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topic.h"

#define QUARANTINE_REFUSED_MAX (64u << 20)
#define QUARANTINE_REASON_MAX 400

struct quarantine;

/* Opens (and makes) "<datadir>/.quarantine/"; refused messages are kept
 * while the journal is under refused_max bytes (QUARANTINE_REFUSED_MAX).
 * Records an interrupted quarantine_take left aside are taken back into
 * the journal first. */
int quarantine_open(struct quarantine **out, const char *datadir, uint64_t refused_max,
    char *err, size_t errlen);
void quarantine_close(struct quarantine *q);   /* NULL-safe */

/* Keep one message. must_keep: a reading that must not be lost (no cap);
 * else a refused one, kept while the journal is under the cap: GM_ERANGE
 * past it. GM_OK once on disk; GM_EIO (disk full ...) with the reason. */
int quarantine_put(struct quarantine *q, const char *topic, const void *payload, size_t len,
    const char *reason, bool must_keep, char *err, size_t errlen);

/* One record, as read back. */
struct quarantine_rec {
	double at;
	const char *topic;
	const void *payload;
	size_t len;
	const char *reason;
};

/* Called for each record taken; whatever it does with the message (stores
 * it, or puts it back with quarantine_put), the record leaves the old
 * journal. */
typedef void (*quarantine_fn)(void *user, const struct quarantine_rec *r);

/* Take every record of the channel `only` (NULL: every record) out of the
 * journal, oldest first, handing each to fn; the others stay. *taken counts
 * the records handed over. Records put meanwhile (by fn too) go to the new
 * journal. Not to be called from fn. */
int quarantine_take(struct quarantine *q, const struct chan_id *only, quarantine_fn fn,
    void *user, size_t *taken, char *err, size_t errlen);

/* Read every record of a journal file in order (for quarantine_take, the
 * listing and the tests); bad stretches are skipped and logged. GM_OK, or
 * GM_EIO if the file cannot be read (a missing file is empty). */
int quarantine_read(const char *path, quarantine_fn fn, void *user, char *err, size_t errlen);

/* Records and bytes in the journal now. */
void quarantine_size(struct quarantine *q, uint64_t *records, uint64_t *bytes);

#endif
