/* rrd_head.c - read an RRD file's last update time, to the microsecond, and
 * a data source's last value. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The struct definitions of the file format. They sit behind this switch
 * because librrd's internal functions do; the format itself is fixed (every
 * existing file depends on it), and we use nothing else from behind it. */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "err.h"
#include "rrd_head.h"

#define SANE_COUNT 10000   /* more data sources or archives: not a file of ours */
#define LAST_UP_MAX 4102444800LL   /* 2100-01-01, the wire contract's end of time */

int64_t rrd_ms(double t)
{
	return llround(t * 1000.0);
}

static int read_at(int fd, void *buf, size_t len, off_t at)
{
	ssize_t got = pread(fd, buf, len, at);

	return got == (ssize_t)len ? GM_OK : GM_EIO;
}

/* The static head, checked: "RRD", a version of 0003 or later (the ones
 * with microseconds), and the float cookie that shows it was written with
 * this machine's layout. */
static int read_stat(int fd, const char *path, stat_head_t *st, char *err, size_t errlen)
{
	if (read_at(fd, st, sizeof(*st), 0) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: header cut short", path);
	if (memcmp(st->cookie, RRD_COOKIE, 4) != 0 || st->version[4] != '\0' ||
	    strcmp(st->version, RRD_VERSION3) < 0 || st->float_cookie != FLOAT_COOKIE ||
	    st->ds_cnt == 0 || st->ds_cnt > SANE_COUNT || st->rra_cnt == 0 ||
	    st->rra_cnt > SANE_COUNT)
		return gm_errf(err, errlen, GM_EINVAL, "%s: not an RRD of format 0003 or later "
		    "made on this kind of machine", path);
	return GM_OK;
}

/* Data source ds's index, or -1: its definition is read from the file. */
static long find_ds(int fd, const stat_head_t *st, const char *ds)
{
	ds_def_t def;

	for (unsigned long i = 0; i < st->ds_cnt; i++) {
		if (read_at(fd, &def, sizeof(def), (off_t)(sizeof(*st) + i * sizeof(def))) != GM_OK)
			return -1;
		if (strncmp(def.ds_nam, ds, DS_NAM_SIZE) == 0)
			return (long)i;
	}
	return -1;
}

/* last_ds as librrd keeps it: the text of the last update, "U" when unknown. */
static double last_ds_value(const pdp_prep_t *pdp)
{
	char text[LAST_DS_LEN + 1], *end;
	double v;

	memcpy(text, pdp->last_ds, LAST_DS_LEN);
	text[LAST_DS_LEN] = '\0';
	v = strtod(text, &end);
	return end == text || *end != '\0' || !isfinite(v) ? NAN : v;
}

static int read_last(int fd, const char *path, const char *ds, int64_t *ms, double *value,
    char *err, size_t errlen)
{
	stat_head_t st;
	live_head_t live;
	pdp_prep_t pdp;
	off_t at;
	long i;
	int rc;

	if ((rc = read_stat(fd, path, &st, err, errlen)) != GM_OK)
		return rc;
	at = (off_t)(sizeof(stat_head_t) + st.ds_cnt * sizeof(ds_def_t) +
	    st.rra_cnt * sizeof(rra_def_t));
	if (read_at(fd, &live, sizeof(live), at) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: header cut short", path);
	if (live.last_up_usec < 0 || live.last_up_usec >= 1000000)
		return gm_errf(err, errlen, GM_EINVAL, "%s: bad microseconds in header", path);
	/* a time no file of ours holds (before 1970, after 2100): and its
	 * milliseconds would not fit */
	if (live.last_up < 0 || live.last_up > LAST_UP_MAX)
		return gm_errf(err, errlen, GM_EINVAL, "%s: last update time %lld out of range",
		    path, (long long)live.last_up);
	*ms = (int64_t)live.last_up * 1000 + (live.last_up_usec + 500) / 1000;
	if (value == NULL)
		return GM_OK;
	*value = NAN;
	if ((i = find_ds(fd, &st, ds)) < 0)
		return GM_OK;
	at += (off_t)(sizeof(live) + (size_t)i * sizeof(pdp));
	if (read_at(fd, &pdp, sizeof(pdp), at) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: header cut short", path);
	*value = last_ds_value(&pdp);
	return GM_OK;
}

int rrd_head_last(const char *path, const char *ds, int64_t *ms, double *value, char *err,
    size_t errlen)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	rc = read_last(fd, path, ds, ms, value, err, errlen);
	close(fd);
	return rc;
}

int rrd_head_last_ms(const char *path, int64_t *ms, char *err, size_t errlen)
{
	return rrd_head_last(path, NULL, ms, NULL, err, errlen);
}
