/* rrd_head.c - an RRD file's last update time, to the microsecond, and a
 * data source's last value: read, and judged sane, by common/store/rrdfile.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "rrd_head.h"
#include "rrdfile.h"

int64_t rrd_ms(double t)
{
	return llround(t * 1000.0);
}

/* last_ds as librrd keeps it: the text of the last update, "U" when unknown. */
static double last_ds_value(const char *text)
{
	char *end;
	double v = strtod(text, &end);

	return end == text || *end != '\0' || !isfinite(v) ? NAN : v;
}

int rrd_head_last(const char *path, const char *ds, int64_t *ms, double *value, char *err,
    size_t errlen)
{
	struct rrdfile f;
	int rc;

	/* out of memory only for a header far larger than a channel's */
	if ((rc = rrdfile_open(path, &f, err, errlen)) != GM_OK)
		return rc == GM_EINVAL ? GM_EINVAL : GM_EIO;
	/* rrdfile.c holds last_up to 2100, so this fits */
	*ms = (int64_t)f.last_up * 1000 + (f.last_up_usec + 500) / 1000;
	if (value != NULL) {
		*value = NAN;
		for (unsigned long i = 0; i < f.ds_cnt; i++) {
			if (strcmp(f.ds[i].name, ds) == 0) {
				*value = last_ds_value(f.ds[i].last);
				break;
			}
		}
	}
	rrdfile_close(&f);
	return GM_OK;
}

int rrd_head_last_ms(const char *path, int64_t *ms, char *err, size_t errlen)
{
	return rrd_head_last(path, NULL, ms, NULL, err, errlen);
}
