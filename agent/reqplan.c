/* reqplan.c - a meter's channels into the read requests that take least bus time. */
#include <float.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "reqplan.h"

struct span {
	int idx;
	int function;
	unsigned start, end;   /* [start, end) registers */
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->function != y->function)
		return x->function - y->function;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx - y->idx;
}

/* Whether spans j..i (sorted) may be one request: one function, every gap
 * within max_gap, at most REQ_MAX_REGS; its register count into *regs. */
static bool one_request(const struct span *s, int j, int i, int max_gap, unsigned *regs)
{
	unsigned end = s[j].end;

	for (int k = j + 1; k <= i; k++) {
		if (s[k].function != s[j].function || s[k].start > end + (unsigned)max_gap)
			return false;
		if (s[k].end > end)
			end = s[k].end;
	}
	*regs = end - s[j].start;
	return *regs <= REQ_MAX_REGS;
}

/* first[i]: where the request ending with span i starts. Without a bus,
 * the fewest requests: each as long as allowed, from the first register
 * on. With one, the least total bus time: best[i + 1] is the least time
 * for spans 0..i, the minimum over j of best[j] + the read of j..i. */
static void choose(const struct span *s, int n, int max_gap, const struct rtu_bus *bus,
    int *first, double *best)
{
	unsigned regs;
	int g = 0;

	best[0] = 0;
	for (int i = 0; i < n; i++) {
		if (bus == NULL) {
			if (!one_request(s, g, i, max_gap, &regs))
				g = i;
			first[i] = g;
			continue;
		}
		best[i + 1] = DBL_MAX;
		/* not stopping at the first j that cannot: a long channel further
		 * back may cover the gap that stops it */
		for (int j = i; j >= 0; j--) {
			double t;
			if (!one_request(s, j, i, max_gap, &regs))
				continue;
			t = best[j] + rtu_read_us(bus, (int)regs);
			if (t < best[i + 1]) {
				best[i + 1] = t;
				first[i] = j;
			}
		}
	}
}

/* The requests, last to first through first[], then put in order. */
static void build(const struct span *s, int n, const int *first, struct reqplan *out)
{
	int i = n - 1, k;

	while (i >= 0) {
		i = first[i] - 1;
		out->nreq++;
	}
	k = out->nreq;
	for (i = n - 1; i >= 0; i = first[i] - 1) {
		struct req *r = &out->reqs[--k];
		unsigned regs;

		one_request(s, first[i], i, INT32_MAX, &regs);
		r->function = s[first[i]].function;
		r->start = (uint16_t)s[first[i]].start;
		r->count = (uint16_t)regs;
		for (int c = first[i]; c <= i; c++) {
			out->chan_req[s[c].idx] = k;
			out->chan_off[s[c].idx] = (uint16_t)(s[c].start - s[first[i]].start);
		}
	}
}

int reqplan_build(const struct channel_def *ch, int nch, int max_gap, const struct rtu_bus *bus,
    struct reqplan *out)
{
	size_t n1 = (size_t)(nch ? nch : 1);
	struct span *s = calloc(n1, sizeof(*s));
	int *first = calloc(n1, sizeof(*first));
	double *best = calloc(n1 + 1, sizeof(*best));

	memset(out, 0, sizeof(*out));
	out->reqs = calloc(n1, sizeof(*out->reqs));
	out->chan_req = calloc(n1, sizeof(*out->chan_req));
	out->chan_off = calloc(n1, sizeof(*out->chan_off));
	if (s == NULL || first == NULL || best == NULL || out->reqs == NULL ||
	    out->chan_req == NULL || out->chan_off == NULL) {
		free(s);
		free(first);
		free(best);
		reqplan_free(out);
		return GM_ENOMEM;
	}
	for (int i = 0; i < nch; i++) {
		s[i].idx = i;
		s[i].function = ch[i].function;
		s[i].start = ch[i].address;
		s[i].end = ch[i].address + (unsigned)registers_words(ch[i].type);
	}
	qsort(s, (size_t)nch, sizeof(*s), span_cmp);
	choose(s, nch, max_gap, bus != NULL && bus->baud > 0 ? bus : NULL, first, best);
	build(s, nch, first, out);
	free(s);
	free(first);
	free(best);
	return GM_OK;
}

double reqplan_bus_us(const struct reqplan *p, const struct rtu_bus *bus)
{
	double t = 0;

	for (int i = 0; i < p->nreq; i++)
		t += rtu_read_us(bus, p->reqs[i].count);
	return t;
}

void reqplan_free(struct reqplan *p)
{
	free(p->reqs);
	free(p->chan_req);
	free(p->chan_off);
	memset(p, 0, sizeof(*p));
}
