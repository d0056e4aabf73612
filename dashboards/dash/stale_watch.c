/* stale_watch.c - each channel's status at the last scan, to see changes. */
#include <stdlib.h>

#include "gm_err.h"
#include "stale_watch.h"

struct seen {
	struct chan_id id;
	enum chan_status st;
};

struct stale_watch {
	struct seen *v;    /* sorted by id: the order of the last snapshot */
	size_t n;
};

struct stale_watch *stale_watch_new(void)
{
	return calloc(1, sizeof(struct stale_watch));
}

void stale_watch_free(struct stale_watch *w)
{
	if (w == NULL)
		return;
	free(w->v);
	free(w);
}

static int seen_cmp(const void *a, const void *b)
{
	return chan_id_cmp(&((const struct seen *)a)->id, &((const struct seen *)b)->id);
}

static const struct seen *seen_find(const struct stale_watch *w, const struct chan_id *id)
{
	struct seen key = { .id = *id };

	return w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), seen_cmp) : NULL;
}

int stale_watch_scan(struct stale_watch *w, const struct meter_snap *s, double now, watch_fn fn,
    void *user)
{
	struct seen *nv = calloc(s->n + 1, sizeof(*nv));
	int changes = 0;

	if (nv == NULL)
		return GM_ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct meter_row *r = &s->rows[i];
		const struct seen *was = seen_find(w, &r->st.id);
		struct watch_change c = { .row = r, .to = meter_view_status(s, r, now) };

		nv[i] = (struct seen){ r->st.id, c.to };
		c.first = was == NULL;
		c.from = was ? was->st : STATUS_OK;
		if (c.from == c.to)
			continue;
		c.age = meter_view_age(r, now);
		changes++;
		if (fn != NULL)
			fn(user, &c);
	}
	free(w->v);
	w->v = nv;
	w->n = s->n;
	return changes;
}
