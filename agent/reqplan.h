/*
 * reqplan.h - the fewest Modbus requests that read a meter's channels.
 *
 * Channels of the same function whose registers lie within `max_gap` unused
 * registers of each other are read in one request of at most 125 registers
 * (Modbus application protocol v1.1b3, 6.3/6.4: 1..125 registers a read).
 * On an RS485 bus every request costs ~25 ms, so merging is what keeps a
 * poll cycle short.
 */
#ifndef GM_REQPLAN_H
#define GM_REQPLAN_H

#include <stdint.h>

#include "devmap.h"

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

/* Returns GM_OK or GM_ENOMEM; free with reqplan_free (NULL-safe fields). */
int reqplan_build(const struct channel_def *ch, int nch, int max_gap, struct reqplan *out);
void reqplan_free(struct reqplan *p);

#endif
