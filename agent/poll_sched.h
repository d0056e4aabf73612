/*
 * poll_sched.h - when a poller reads next, and when it tries again after a
 * failure: one rule for every poller (Modbus gateways, SNMP printers).
 *
 * Polls are aligned to the wall clock: a 60 s meter is read at :00 of every
 * minute (poll_sched_next_slot). A failure (a gateway that refuses the
 * connection, a printer that does not answer) is tried again after 1 s,
 * then 2, 4 ... s, but never later than the shortest poll interval of what
 * the poller reads (at most 60 s): a device that comes back is read again
 * within one interval. The wait is a tenth short, so a retry due at the
 * next poll slot is not missed by a few milliseconds. Not thread-safe: one
 * per poller thread.
 */
#ifndef GM_POLL_SCHED_H
#define GM_POLL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* The wall clock in milliseconds. */
int64_t poll_sched_now_ms(void);
/* The next wall-clock multiple of interval_ms after now_ms. */
int64_t poll_sched_next_slot(int64_t now_ms, int interval_ms);

struct poll_backoff {
	int64_t retry_ms;     /* wall-clock time of the next attempt, 0: any time */
	int wait_ms;          /* the next failure's wait, before the cap */
	int cap_ms;           /* never wait longer: the shortest interval, <= 60 s */
};

/* Start healthy; shortest_interval_ms caps the wait (and 60 s does). */
void poll_sched_backoff_init(struct poll_backoff *b, int shortest_interval_ms);
/* May the next attempt be made at now_ms? */
bool poll_sched_backoff_due(const struct poll_backoff *b, int64_t now_ms);
/* An attempt failed at now_ms: the next is due after the wait, which
 * doubles from 1 s for the failure after. Returns the wait in ms. */
int poll_sched_backoff_failed(struct poll_backoff *b, int64_t now_ms);
/* An attempt worked: the next failure waits 1 s again. */
void poll_sched_backoff_reset(struct poll_backoff *b);

#endif
