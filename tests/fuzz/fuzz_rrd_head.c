/*
 * fuzz_rrd_head.c - libFuzzer target over the RRD header readers that read a
 * file without librrd: collector/rrd_head.c (the collector's last reading of
 * a channel, at every first sight after a start) and common/rrdfile.c (the
 * usage cache's check that rows it summed are still there). A file in the
 * data directory can be anything: cut short by a full disk, overwritten,
 * copied from another machine, or made by hand.
 *
 * The input is the file's bytes, written to a scratch file. Rules:
 *   - rrd_head_last() says GM_OK, GM_EIO or GM_EINVAL, with a printable
 *     reason when it refuses; on GM_OK the value is finite or NaN;
 *   - rrdfile_open() accepts only a file whose archives all lie inside it
 *     (every archive's rows end at or before the file's end, in order), and
 *     then rrdfile_pick(), rrdfile_phase() and rrdfile_row() of every
 *     archive at its last row answer without reading outside the file;
 *   - neither ever overflows (UBSan) or reads out of bounds (ASan).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../collector/rrd_head.h"
#include "err.h"
#include "fuzzlib.h"
#include "rrdfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[512];
	struct rrdfile f;
	double value, row[RRDFILE_MAX_DS];
	int64_t ms;
	int rc;

	snprintf(path, sizeof(path), "%s/x.rrd", fuzz_scratch("rrd_head"));
	fuzz_write(path, data, size);

	rc = rrd_head_last(path, "value", &ms, &value, err, sizeof(err));
	if (rc != GM_OK && rc != GM_EIO && rc != GM_EINVAL)
		fuzz_broken("rrd_head_last returned %d", rc);
	if (rc != GM_OK)
		fuzz_check_reason(err, sizeof(err), "rrd_head_last");
	else if (isinf(value))
		fuzz_broken("rrd_head_last gave an infinite value");

	if ((rc = rrdfile_open(path, &f, err, sizeof(err))) != GM_OK) {
		if (rc != GM_EIO && rc != GM_EINVAL && rc != GM_ENOMEM)
			fuzz_broken("rrdfile_open returned %d", rc);
		fuzz_check_reason(err, sizeof(err), "rrdfile_open");
		return 0;
	}
	if (f.nrra < 1 || f.nrra > RRDFILE_MAX_RRA || f.ds_cnt < 1 || f.ds_cnt > RRDFILE_MAX_DS)
		fuzz_broken("rrdfile_open accepted %d archives of %lu sources", f.nrra, f.ds_cnt);
	for (int a = 0; a < f.nrra; a++) {
		const struct rrdfile_rra *r = &f.rra[a];
		uint64_t end = r->offset + (uint64_t)r->rows * f.ds_cnt * sizeof(double);

		if (r->rows == 0 || r->step == 0 || r->cur_row >= r->rows || end > f.size ||
		    end < r->offset)
			fuzz_broken("archive %d lies outside the file (offset %llu, %lu rows, size "
			    "%llu)", a, (unsigned long long)r->offset, r->rows,
			    (unsigned long long)f.size);
		(void)rrdfile_phase(&f, a);
		if (f.last_up > 0) {
			time_t t = f.last_up / (time_t)r->step * (time_t)r->step;

			rc = rrdfile_row(&f, a, t, row, RRDFILE_MAX_DS);
			if (rc != GM_OK && rc != GM_ERANGE && rc != GM_EIO)
				fuzz_broken("rrdfile_row returned %d", rc);
		}
	}
	(void)rrdfile_pick(&f, f.last_up, 60);
	(void)rrdfile_archive(&f, 3600);
	rrdfile_close(&f);
	return 0;
}
