/* rrd_head.c - read an RRD file's last update time, to the microsecond. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

int64_t rrd_ms(double t)
{
	return llround(t * 1000.0);
}

static int read_at(int fd, void *buf, size_t len, off_t at)
{
	ssize_t got = pread(fd, buf, len, at);

	return got == (ssize_t)len ? GM_OK : GM_EIO;
}

int rrd_head_last_ms(const char *path, int64_t *ms, char *err, size_t errlen)
{
	stat_head_t st;
	live_head_t live;
	off_t at;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	rc = read_at(fd, &st, sizeof(st), 0);
	if (rc != GM_OK) {
		close(fd);
		return gm_errf(err, errlen, rc, "%s: header cut short", path);
	}
	/* "RRD", a version of 0003 or later (the ones with microseconds), and
	 * the float cookie that shows it was written with this machine's layout */
	if (memcmp(st.cookie, RRD_COOKIE, 4) != 0 || st.version[4] != '\0' ||
	    strcmp(st.version, RRD_VERSION3) < 0 || st.float_cookie != FLOAT_COOKIE ||
	    st.ds_cnt == 0 || st.ds_cnt > SANE_COUNT || st.rra_cnt == 0 ||
	    st.rra_cnt > SANE_COUNT) {
		close(fd);
		return gm_errf(err, errlen, GM_EINVAL, "%s: not an RRD of format 0003 or later "
		    "made on this kind of machine", path);
	}
	at = (off_t)(sizeof(stat_head_t) + st.ds_cnt * sizeof(ds_def_t) +
	    st.rra_cnt * sizeof(rra_def_t));
	rc = read_at(fd, &live, sizeof(live), at);
	close(fd);
	if (rc != GM_OK)
		return gm_errf(err, errlen, rc, "%s: header cut short", path);
	if (live.last_up_usec < 0 || live.last_up_usec >= 1000000)
		return gm_errf(err, errlen, GM_EINVAL, "%s: bad microseconds in header", path);
	*ms = (int64_t)live.last_up * 1000 + (live.last_up_usec + 500) / 1000;
	return GM_OK;
}
