/*
 * reqplan.h - the Modbus requests that read a meter's channels in the least
 * bus time.
 *
 * Channels of the same function are read together only where their
 * registers lie within the model's `max_gap` unused registers of each other
 * (a meter may refuse a read across registers it does not map), in
 * requests of at most 125 registers (Modbus application protocol v1.1b3,
 * 6.3/6.4). Within those limits:
 *   - when the bus is known (an RTU line's baud rate, or a TCP gateway's
 *     `bus_baud`), the plan is the one that holds the bus the shortest
 *     time (rtu_time.h): a gap is read only where its registers take less
 *     time on the wire than another request would. Found exactly, by
 *     dynamic programming over the channels in register order.
 *   - when it is not, as few requests as possible: every gap within
 *     `max_gap` is read.
 */
#ifndef GM_REQPLAN_H
#define GM_REQPLAN_H

#include <stdint.h>

#include "devmap.h"
#include "rtu_time.h"

#define REQ_MAX_REGS 125

struct req {
	int function;      /* 3 or 4 */
	uint16_t start;
	uint16_t count;
};

struct reqplan {
	int nreq;
	struct req *reqs;
	int *chan_req;       /* per channel: index of the request that reads it */
	uint16_t *chan_off;  /* per channel: its first register within that request */
};

/* bus NULL, or its baud 0: not known. Returns GM_OK or GM_ENOMEM; free with
 * reqplan_free (NULL-safe fields). */
int reqplan_build(const struct channel_def *ch, int nch, int max_gap, const struct rtu_bus *bus,
    struct reqplan *out);
void reqplan_free(struct reqplan *p);

/* The time the plan's requests hold the bus, in microseconds. */
double reqplan_bus_us(const struct reqplan *p, const struct rtu_bus *bus);

#endif
