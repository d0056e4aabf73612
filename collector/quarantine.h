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
 * once the rule's cause is mended; these are kept best-effort, up to a cap
 * of journal (QUARANTINE_REFUSED_MAX by default), so that a flood of rubbish
 * cannot fill the disk (past that, they are only logged, as before).
 *
 * ON DISK (format 1; COMPATIBILITY: a new layout means a new record tag
 * and a reader for the old one): "<datadir>/.quarantine/journal", records
 * appended whole with one write(2) and fdatasync'd:
 *   "Q1 <at> <len> <crc> <topic> <reason>\n" then <len> payload bytes, "\n"
 * at: wall clock seconds it came here; crc: 8 hex digits, CRC-32 of the head
 * line without " <crc>" and the newline, then the payload (so rubbish that
 * reads as a head cannot claim the records after it); topic: the MQTT topic
 * (printable, no space); reason: printable ASCII to the end of the line. A record that does
 * not read as one is skipped to the next line starting "Q1 ", logged with
 * the file's name and byte offset; a torn last record (a crash in mid-write)
 * is moved to "journal.torn.<time>" at open, so that the next record is not
 * glued to it.
 *
 * Taking records out (quarantine_take) renames the journal to a
 * "journal.taking.<unique>" file held under an flock while its records are
 * handed over; it is removed only once every record was dealt with and the
 * caller made that durable. A taking file nobody holds (the take was cut
 * short) is put back into the journal at the next open or take. So a record
 * may come back twice, never not at all.
 *
 * Thread-safe: the writer thread (store_queue.h) and the ingesting one both
 * put. Collectors sharing a data directory (a $share/ group) share the
 * journal: appends and takes lock the file (flock).
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
 * while the journal is under refused_max bytes. A torn last record is set
 * aside, and the records of a take nobody holds are taken back. */
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

/* Called for each record read. For a take: return GM_OK when done with the
 * record (stored it, or put it back with quarantine_put), anything else to
 * keep it for a later take. quarantine_read ignores what it returns. */
typedef int (*quarantine_fn)(void *user, const struct quarantine_rec *r);

/* What a take hands over to, and asks before it lets the records go. */
struct quarantine_taker {
	quarantine_fn take;
	int (*sync)(void *user);   /* make what take did durable; NULL: nothing */
	void *user;
};

/* Take every record of the channel `only` (NULL: every record) out of the
 * journal, oldest first, handing each to t->take; the others stay. *taken
 * counts the records handed over. Records put meanwhile go to the new
 * journal. GM_OK; or an error, with the records that were not dealt with
 * kept for the next take. Not to be called from t->take. */
int quarantine_take(struct quarantine *q, const struct chan_id *only,
    const struct quarantine_taker *t, size_t *taken, char *err, size_t errlen);

/* Read every record of a journal file in order (for the listing and the
 * tests); bad stretches are skipped and logged. GM_OK, or GM_EIO if the
 * file cannot be read (a missing file is empty). */
int quarantine_read(const char *path, quarantine_fn fn, void *user, char *err, size_t errlen);

/* Records and bytes in the journal now. */
void quarantine_size(struct quarantine *q, uint64_t *records, uint64_t *bytes);

/* Whether the channel is set aside (its file damaged), as a marker file in
 * the quarantine's directory that every collector of a data directory sees:
 * set with the reason, cleared by a requeue. */
bool quarantine_is_aside(struct quarantine *q, const struct chan_id *id, char *why,
    size_t whylen);
int quarantine_set_aside(struct quarantine *q, const struct chan_id *id, const char *why,
    char *err, size_t errlen);
void quarantine_clear_aside(struct quarantine *q, const struct chan_id *id);

#endif
