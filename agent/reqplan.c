/* reqplan.c - merge a meter's channels into the fewest read requests. */
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

int reqplan_build(const struct channel_def *ch, int nch, int max_gap, struct reqplan *out)
{
	struct span *s = calloc((size_t)(nch ? nch : 1), sizeof(*s));
	struct req *cur = NULL;

	memset(out, 0, sizeof(*out));
	out->reqs = calloc((size_t)(nch ? nch : 1), sizeof(*out->reqs));
	out->chan_req = calloc((size_t)(nch ? nch : 1), sizeof(*out->chan_req));
	out->chan_off = calloc((size_t)(nch ? nch : 1), sizeof(*out->chan_off));
	if (s == NULL || out->reqs == NULL || out->chan_req == NULL || out->chan_off == NULL) {
		free(s);
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
	for (int i = 0; i < nch; i++) {
		unsigned cur_end = cur ? (unsigned)cur->start + cur->count : 0;
		unsigned new_end = s[i].end > cur_end ? s[i].end : cur_end;
		if (cur == NULL || cur->function != s[i].function ||
		    s[i].start > cur_end + (unsigned)max_gap ||
		    new_end - cur->start > REQ_MAX_REGS) {
			cur = &out->reqs[out->nreq++];
			cur->function = s[i].function;
			cur->start = (uint16_t)s[i].start;
			new_end = s[i].end;
		}
		cur->count = (uint16_t)(new_end - cur->start);
		out->chan_req[s[i].idx] = out->nreq - 1;
		out->chan_off[s[i].idx] = (uint16_t)(s[i].start - cur->start);
	}
	free(s);
	return GM_OK;
}

void reqplan_free(struct reqplan *p)
{
	free(p->reqs);
	free(p->chan_req);
	free(p->chan_off);
	memset(p, 0, sizeof(*p));
}
