/* fault.c - names, windows and word orders of a simulated meter's faults. */
#include <string.h>

#include "gm_err.h"
#include "fault.h"

static const char *const names[] = {
	[FAULT_NONE] = "none", [FAULT_TIMEOUT] = "timeout", [FAULT_EXCEPTION] = "exception",
	[FAULT_RESET] = "reset", [FAULT_SWAP] = "swap",
};

int fault_parse(const char *s, enum fault_kind *out)
{
	for (int k = FAULT_NONE; k <= FAULT_SWAP; k++) {
		if (strcmp(s, names[k]) == 0) {
			*out = (enum fault_kind)k;
			return GM_OK;
		}
	}
	return GM_EINVAL;
}

const char *fault_name(enum fault_kind kind)
{
	return names[kind];
}

enum fault_kind fault_at(const struct fault *f, double t)
{
	return t >= f->from && t < f->until ? f->kind : FAULT_NONE;
}

enum word_order fault_swapped(enum word_order order)
{
	switch (order) {
	case ORDER_ABCD: return ORDER_CDAB;
	case ORDER_CDAB: return ORDER_ABCD;
	case ORDER_BADC: return ORDER_DCBA;
	case ORDER_DCBA: return ORDER_BADC;
	}
	return order;
}
