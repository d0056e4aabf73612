/* recent.c - the latest readings of a channel, newest first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rrd.h>

#include "entries.h"
#include "gm_err.h"
#include "recent.h"
#include "rrd_layout.h"
#include "rrd_read.h"

static int from_journal(const char *path, struct recent_reading *out, int max, char *err,
    size_t errlen)
{
	struct entries es;
	int n = 0, rc = entries_load(path, &es, err, errlen);

	if (rc != GM_OK)
		return rc;
	for (size_t i = es.n; i-- > 0 && n < max;)
		out[n++] = (struct recent_reading){ es.e[i].t, es.e[i].v };
	entries_free(&es);
	return n;
}

static int value_index(unsigned long nds, char **names)
{
	for (unsigned long i = 0; i < nds; i++)
		if (strcmp(names[i], RRD_DS_VALUE) == 0)
			return (int)i;
	return -1;
}

static int from_rrd(const char *path, struct recent_reading *out, int max, char *err,
    size_t errlen)
{
	time_t end = time(NULL), start = end - RECENT_HOURS * 3600;
	unsigned long step = RRD_STEP, nds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	int n = 0, vi;

	/* a one-minute row is the reading of its minute whatever the CF */
	if (rrd_read_fetch(path, RRD_CF, &start, &end, &step, &nds, &names, &data) != 0) {
		gm_errf(err, errlen, GM_ELIB, "%s", rrd_get_error());
		rrd_clear_error();
		return GM_ELIB;
	}
	vi = value_index(nds, names);
	long rows = step ? (long)((end - start) / (time_t)step) : 0;
	for (long r = rows - 1; vi >= 0 && r >= 0 && n < max; r--) {
		double v = data[(size_t)r * nds + (size_t)vi];

		if (!isnan(v))   /* row r ends at start + (r + 1) * step */
			out[n++] = (struct recent_reading){ (double)(start + (r + 1) * (long)step), v };
	}
	for (unsigned long i = 0; i < nds; i++)
		free(names[i]);
	free(names);
	free(data);
	return n;
}

int recent_readings(const char *datadir, const struct chan_id *id, bool journal,
    struct recent_reading *out, int max, char *err, size_t errlen)
{
	char path[4096];

	if (journal) {
		entries_path(path, sizeof(path), datadir, id);
		return from_journal(path, out, max, err, errlen);
	}
	rrd_layout_path(path, sizeof(path), datadir, id);
	return from_rrd(path, out, max, err, errlen);
}
