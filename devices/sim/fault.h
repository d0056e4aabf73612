/*
 * fault.h - a simulated meter that misbehaves on purpose, so tests can show
 * what the agent and collector make of it (as libmodbus's test server does
 * with its special addresses).
 *
 *   none       the meter is healthy
 *   timeout    the unit does not answer at all
 *   exception  every request gets exception 4, SERVER DEVICE FAILURE
 *   reset      the counters restart from 0 at `from`, as a pulse module's do
 *              after a power loss: counter(t) - counter(from)
 *   swap       multi-word values are served in the wrong word order (the
 *              channel's order with its words reversed: abcd <-> cdab,
 *              badc <-> dcba), as a misconfigured meter would look
 *
 * A fault applies at simulated times from <= t < until (either end open).
 * After `until` a reset meter shows its full count again: the window is for
 * faults that end (a meter that stops answering for ten minutes), not for a
 * module that forgets its count for a while.
 */
#ifndef GM_FAULT_H
#define GM_FAULT_H

#include <stdbool.h>

#include "registers.h"

enum fault_kind { FAULT_NONE, FAULT_TIMEOUT, FAULT_EXCEPTION, FAULT_RESET, FAULT_SWAP };

struct fault {
	enum fault_kind kind;
	double from, until;   /* unix seconds; -INFINITY / INFINITY when open */
};

/* "none", "timeout" ... -> *out; GM_OK, or GM_EINVAL for anything else. */
int fault_parse(const char *s, enum fault_kind *out);
const char *fault_name(enum fault_kind kind);

/* The fault in force at simulated time t: f->kind, or FAULT_NONE outside
 * its window. */
enum fault_kind fault_at(const struct fault *f, double t);

/* The word order a swap fault serves a channel of order `order` in. */
enum word_order fault_swapped(enum word_order order);

#endif
