/*
 * meter_event.h - what happened to a meter channel's counter besides
 * counting: on the wire (the .../<channel>/event topic) and in the channel's
 * events journal, one home for the agent-side sender, the collector and the
 * readers (gm-report, the dashboard).
 *
 * On the wire (JSON, wire contract v1; unknown fields ignored):
 *   {"t":1767250000,"event":"replaced","old_final":52311.2,"new_start":0.5,
 *    "unit":"kWh","note":"new meter, PEA seal 4471"}
 *   {"t":1767250000,"event":"reset","new_start":0}
 * t: when it happened (unix s, 2000..2100). event: "replaced" (a new meter
 * counts on) or "reset" (the same meter restarted its count). new_start: the
 * count right after (default 0 for a reset; required for a replacement).
 * old_final: the old count right before, when known: then what was used
 * between the last reading and t is counted too. unit, when given, must be
 * the channel's. note: up to EVENT_NOTE_MAX bytes of text.
 *
 * The journal "<datadir>/<site>/<meter>/<channel>.events" is text:
 *   greenmeter-events 1
 *   1767250000 replaced old_final=52311.2 new_start=0.5 at=1767250003 note=new meter
 *   1769900000 reset-detected from=4000000 to=0.5 counted=0.5 at=1769900001
 *   1770000000 late v=4001.25 seq=88 at=1770000420
 * one line an event, "t kind" then key=value fields, `note=` (the rest of
 * the line) last. The collector appends; the file is never rewritten. Kinds:
 *   replaced, reset       announced on the wire (fields as there)
 *   reset-detected        the counter fell without an announcement and was
 *                         taken to restart from 0: `counted` (= to) was counted
 *   reset-uncounted       ... the same, but `to` was too much to have been
 *                         counted since the last reading: counted as 0
 *   late                  a reading older than what the RRD already held: it
 *                         could not go into the RRD and is kept here (v, seq)
 * The reset and late kinds are flagged for review. Readers skip kinds they
 * do not know, so kinds may be added.
 */
#ifndef GM_METER_EVENT_H
#define GM_METER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "topic.h"

#define EVENTS_MAGIC "greenmeter-events"
#define EVENTS_SUFFIX ".events"
#define EVENT_NOTE_MAX 200
#define EVENT_LINE_MAX 512

enum event_kind {
	EV_REPLACED, EV_RESET, EV_RESET_DETECTED, EV_RESET_UNCOUNTED, EV_LATE,
	EV_NKINDS
};

struct meter_event {
	double t;
	enum event_kind kind;
	double old_final;     /* replaced/reset: NAN when not known */
	double new_start;     /* replaced/reset */
	double from, to;      /* reset-detected/-uncounted: the counter fell from..to */
	double counted;       /* reset-detected: what was counted (to) */
	double v;             /* late: the reading */
	uint64_t seq;         /* late */
	double at;            /* when the collector recorded it */
	char unit[UNIT_MAX + 1];          /* wire only; "" when not given */
	char note[EVENT_NOTE_MAX + 1];
};

/* Every field empty: numbers NAN, seq 0, strings "". */
void meter_event_clear(struct meter_event *ev);

const char *meter_event_kind_name(enum event_kind k);

/* Flagged for a person to look at (resets nobody announced, late readings). */
bool meter_event_flagged(enum event_kind k);

/* The wire form. GM_EINVAL with the reason naming the field otherwise. */
int meter_event_decode(const char *json, size_t len, struct meter_event *ev, char *err,
    size_t errlen);

/* The wire form of a replaced or reset event, malloc'd; NULL on ENOMEM. */
char *meter_event_encode(const struct meter_event *ev);

void meter_event_journal_path(char *buf, size_t len, const char *datadir, const struct chan_id *id);

/* "greenmeter-events 1\n" */
const char *meter_event_journal_header(size_t *len);

/* One journal line, '\n' included; returns its length (0 if it did not fit). */
size_t meter_event_journal_format(char *buf, size_t len, const struct meter_event *ev);

/* Parse one line (without '\n'): 0, 1 for a kind this version does not know
 * (skip it), -1 with *why for a bad line. */
int meter_event_journal_parse_line(const char *line, struct meter_event *ev, const char **why);

/* Call fn for each event of the journal at path with from <= t < to, in file
 * order. A missing journal has no events (GM_OK), and so has one whose
 * header is not whole yet; bytes after the last newline are a line torn by
 * a crash and are not read. Bad lines (not an event, a NUL byte in them,
 * longer than EVENT_LINE_MAX, a note that is not text of at most
 * EVENT_NOTE_MAX bytes) are skipped and counted in *nbad (may be NULL): the
 * lines after them are read. GM_EIO / GM_EINVAL (foreign header) with the
 * reason in err. */
int meter_event_journal_each(const char *path, double from, double to,
    void (*fn)(const struct meter_event *ev, void *user), void *user, size_t *nbad,
    char *err, size_t errlen);

#endif
