/* rrd_read.c - librrd's reads, tried again while a writer holds the lock. */
#include <string.h>
#include <time.h>

#include "rrd_read.h"

/* Whether the last failure was the lock, and there is time to wait. */
static int locked_wait(int *waited_ms)
{
	const struct timespec ms5 = { 0, 5 * 1000 * 1000 };
	const char *e = rrd_get_error();

	if (e == NULL || strstr(e, "could not lock") == NULL || *waited_ms >= RRD_READ_WAIT_MS)
		return 0;
	nanosleep(&ms5, NULL);
	*waited_ms += 5;
	return 1;
}

int rrd_read_fetch(const char *path, const char *cf, time_t *start, time_t *end,
    unsigned long *step, unsigned long *nds, char ***names, rrd_value_t **data)
{
	time_t s = *start, e = *end;
	unsigned long st = *step;
	int waited = 0, rc;

	do {
		*start = s;
		*end = e;
		*step = st;
		rrd_clear_error();
		rc = rrd_fetch_r(path, cf, start, end, step, nds, names, data);
	} while (rc != 0 && locked_wait(&waited));
	return rc;
}

time_t rrd_read_last(const char *path)
{
	int waited = 0;
	time_t t;

	do {
		rrd_clear_error();
		t = rrd_last_r(path);
	} while (t == -1 && locked_wait(&waited));
	return t;
}

int rrd_read_lastupdate(const char *path, time_t *last, unsigned long *nds, char ***names,
    char ***values)
{
	int waited = 0, rc;

	do {
		rrd_clear_error();
		rc = rrd_lastupdate_r(path, last, nds, names, values);
	} while (rc != 0 && locked_wait(&waited));
	return rc;
}

rrd_info_t *rrd_read_graph(int argc, char **argv)
{
	rrd_info_t *info;
	int waited = 0;

	for (;;) {
		rrd_clear_error();
		info = rrd_graph_v(argc, argv);
		if (!rrd_test_error() || !locked_wait(&waited))
			return info;
		rrd_info_free(info);
	}
}
