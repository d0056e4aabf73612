/* consumption.c - amounts, coverage and gaps of a channel over a period. */
#include <math.h>
#include <string.h>

#include <rrd.h>

#include "consumption.h"
#include "err.h"
#include "rrd_layout.h"

static void add_gap(struct usage *u, time_t a, time_t b)
{
	if (u->ngaps > 0 && u->gaps[u->ngaps - 1].end == a) {
		u->gaps[u->ngaps - 1].end = b;
		return;
	}
	if (u->ngaps == USAGE_MAX_GAPS) {
		u->more_gaps = true;
		return;
	}
	u->gaps[u->ngaps].start = a;
	u->gaps[u->ngaps].end = b;
	u->ngaps++;
}

static int ds_index(char **names, unsigned long n, const char *want)
{
	for (unsigned long i = 0; i < n; i++) {
		if (strcmp(names[i], want) == 0)
			return (int)i;
	}
	return -1;
}

/* Walk the rows; each covers (row_end - step, row_end]. */
static void sum_rows(struct usage *u, time_t start, unsigned long step, unsigned long nds,
    const rrd_value_t *data, int iv, int iu, size_t nrows)
{
	double known_s = 0, use_s = 0, wsum = 0;

	for (size_t r = 0; r < nrows; r++) {
		time_t a = start + (time_t)(r * step), b = a + (time_t)step;
		double v = data[r * nds + (size_t)iv], use = data[r * nds + (size_t)iu];
		if (a < u->from)
			a = u->from;
		if (b > u->to)
			b = u->to;
		if (b <= a)
			continue;
		if (isnan(v)) {
			add_gap(u, a, b);
		} else {
			known_s += (double)(b - a);
			wsum += v * (double)(b - a);
			u->min = isnan(u->min) || v < u->min ? v : u->min;
			u->max = isnan(u->max) || v > u->max ? v : u->max;
		}
		if (!isnan(use)) {
			u->amount = isnan(u->amount) ? 0 : u->amount;
			u->amount += use * (double)(b - a);
			use_s += (double)(b - a);
		}
	}
	u->coverage = known_s / (double)(u->to - u->from);
	u->mean = known_s > 0 ? wsum / known_s : NAN;
}

int usage_get(const char *rrd_path, time_t from, time_t to, struct usage *u,
    char *err, size_t errlen)
{
	time_t start = from, end = to;
	unsigned long step = RRD_STEP, nds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	int iv, iu, rc = GM_OK;

	memset(u, 0, sizeof(*u));
	u->from = from;
	u->to = to;
	u->amount = u->mean = u->min = u->max = NAN;
	if (to <= from)
		return gm_errf(err, errlen, GM_EINVAL, "empty period");
	rrd_clear_error();
	if (rrd_fetch_r(rrd_path, "AVERAGE", &start, &end, &step, &nds, &names, &data) != 0)
		return gm_errf(err, errlen, GM_ELIB, "%s: %s", rrd_path, rrd_get_error());
	iv = ds_index(names, nds, RRD_DS_VALUE);
	iu = ds_index(names, nds, RRD_DS_USE);
	if (iv < 0 || iu < 0) {
		rc = gm_errf(err, errlen, GM_EINVAL, "%s: not a greenmeter RRD (no %s/%s)",
		    rrd_path, RRD_DS_VALUE, RRD_DS_USE);
	} else {
		u->step = step;
		sum_rows(u, start, step, nds, data, iv, iu, (size_t)((end - start) / (time_t)step));
	}
	for (unsigned long i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return rc;
}
