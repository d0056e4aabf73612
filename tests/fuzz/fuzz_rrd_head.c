/*
 * fuzz_rrd_head.c - libFuzzer target over the RRD header reader that reads a
 * file without librrd, common/store/rrdfile.c, and its two users: the collector's
 * collector/rrd_head.c (a channel's last reading, at every first sight after
 * a start) and the usage cache's check that rows it summed are still there;
 * and the judge of a channel's layout (rrdfile_check_layout) the collector
 * asks when a call on a file failed. A file in the data directory can be
 * anything: cut short by a full disk, overwritten, copied from another
 * machine, or made by hand.
 *
 * The input is the file's bytes, written to a scratch file, and read twice:
 * as it is, and as the start of a channel's file (extended with zeros to the
 * size a channel's file has, of layout 2 and of layout 1, sparse: so that
 * headers of a channel's layout, damaged, are judged as the collector meets
 * them without megabytes a seed).
 * Rules, each time:
 *   - rrd_head_last() says GM_OK, GM_EIO or GM_EINVAL, with a printable
 *     reason when it refuses; on GM_OK the value is finite or NaN;
 *   - it agrees with rrdfile_open(), the one judge of a sane header: GM_OK
 *     together, GM_EINVAL together; on GM_OK its milliseconds are the live
 *     head's last_up and microseconds, within 1970..2100, microseconds
 *     0..999999, and its value is the "value" source's last_ds;
 *   - rrdfile_open() accepts only a file whose archives all lie inside it
 *     (every archive's rows end at or before the file's end, in order, the
 *     last exactly there), and then rrdfile_pick(), rrdfile_phase() and
 *     rrdfile_row() of every archive at its last row answer without reading
 *     outside the file;
 *   - rrdfile_check_layout() accepts only a file exactly a channel's size
 *     (layout 2's, or layout 1's),
 *     with a 60 s step and "value" and "use" as its sources, and refuses
 *     with a printable reason;
 *   - nothing ever overflows (UBSan) or reads out of bounds (ASan).
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rrd_head.h"
#include "gm_err.h"
#include "fuzzlib.h"
#include "rrd_layout.h"
#include "rrdfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LAYOUT1_BYTES 2524512ULL   /* a layout-1 channel file, header and rows */

static double last_of(const struct rrdfile *f, const char *ds)
{
	char *end;
	double v;

	for (unsigned long i = 0; i < f->ds_cnt; i++) {
		if (strcmp(f->ds[i].name, ds) != 0)
			continue;
		v = strtod(f->ds[i].last, &end);
		return end == f->ds[i].last || *end != '\0' || !isfinite(v) ? NAN : v;
	}
	return NAN;
}

static void check_archives(struct rrdfile *f)
{
	double row[RRDFILE_MAX_DS];
	uint64_t end = 0;
	int rc;

	if (f->nrra < 1 || f->nrra > RRDFILE_MAX_RRA || f->ds_cnt < 1 || f->ds_cnt > RRDFILE_MAX_DS)
		fuzz_broken("rrdfile_open accepted %d archives of %lu sources", f->nrra, f->ds_cnt);
	for (int a = 0; a < f->nrra; a++) {
		const struct rrdfile_rra *r = &f->rra[a];

		end = r->offset + (uint64_t)r->rows * f->ds_cnt * sizeof(double);
		if (r->rows == 0 || r->step == 0 || r->cur_row >= r->rows || end > f->size ||
		    end < r->offset)
			fuzz_broken("archive %d lies outside the file (offset %llu, %lu rows, size "
			    "%llu)", a, (unsigned long long)r->offset, r->rows,
			    (unsigned long long)f->size);
		(void)rrdfile_phase(f, a);
		if (f->last_up > 0) {
			time_t t = f->last_up / (time_t)r->step * (time_t)r->step;

			rc = rrdfile_row(f, a, t, row, RRDFILE_MAX_DS);
			if (rc != GM_OK && rc != GM_ERANGE && rc != GM_EIO)
				fuzz_broken("rrdfile_row returned %d", rc);
		}
	}
	if (end != f->size)
		fuzz_broken("the last archive ends at %llu, the file at %llu",
		    (unsigned long long)end, (unsigned long long)f->size);
	(void)rrdfile_pick(f, f->last_up, 60);
	(void)rrdfile_archive(f, 3600);
}

static void check_layout(const struct rrdfile *f, const char *path)
{
	char err[512];

	if (rrdfile_check_layout(f, path, err, sizeof(err)) != GM_OK) {
		fuzz_check_reason(err, sizeof(err), "rrdfile_check_layout");
		return;
	}
	/* a channel's file: of layout 2, or of layout 1 (its LAST, MAX and MIN
	 * archives beside the same AVERAGE ones: rrd_layout.h) */
	if ((f->size != rrdfile_layout_bytes() && f->size != LAYOUT1_BYTES) ||
	    f->pdp_step != RRD_STEP || f->ds_cnt != 2 ||
	    strcmp(f->ds[0].name, RRD_DS_VALUE) != 0 || strcmp(f->ds[1].name, RRD_DS_USE) != 0)
		fuzz_broken("rrdfile_check_layout accepted %llu bytes, step %lu, %lu sources",
		    (unsigned long long)f->size, f->pdp_step, f->ds_cnt);
}

static void check_file(const char *path)
{
	char err[512], ferr[512];
	struct rrdfile f;
	double value;
	int64_t ms;
	int rc, frc;

	rc = rrd_head_last(path, RRD_DS_VALUE, &ms, &value, err, sizeof(err));
	if (rc != GM_OK && rc != GM_EIO && rc != GM_EINVAL)
		fuzz_broken("rrd_head_last returned %d", rc);
	if (rc != GM_OK)
		fuzz_check_reason(err, sizeof(err), "rrd_head_last");
	else if (isinf(value))
		fuzz_broken("rrd_head_last gave an infinite value");

	frc = rrdfile_open(path, &f, ferr, sizeof(ferr));
	if ((rc == GM_OK) != (frc == GM_OK) || (rc == GM_EINVAL) != (frc == GM_EINVAL))
		fuzz_broken("rrd_head_last says %d, rrdfile_open %d: they disagree on the header",
		    rc, frc);
	if (frc != GM_OK) {
		if (frc != GM_EIO && frc != GM_EINVAL && frc != GM_ENOMEM)
			fuzz_broken("rrdfile_open returned %d", frc);
		fuzz_check_reason(ferr, sizeof(ferr), "rrdfile_open");
		return;
	}
	if (f.last_up <= 0 || f.last_up > RRDFILE_LAST_UP_MAX || f.last_up_usec < 0 ||
	    f.last_up_usec > 999999)
		fuzz_broken("accepted a live head of %lld s %ld us", (long long)f.last_up,
		    f.last_up_usec);
	if (ms != (int64_t)f.last_up * 1000 + (f.last_up_usec + 500) / 1000)
		fuzz_broken("rrd_head_last's %lld ms is not the live head's", (long long)ms);
	if (isnan(value) != isnan(last_of(&f, RRD_DS_VALUE)) ||
	    (!isnan(value) && value != last_of(&f, RRD_DS_VALUE)))
		fuzz_broken("rrd_head_last's value is not the header's last_ds");
	check_archives(&f);
	check_layout(&f, path);
	rrdfile_close(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/x.rrd", fuzz_scratch("rrd_head"));
	fuzz_write(path, data, size);
	check_file(path);
	/* the same bytes as the start of a channel's file, of either layout */
	if (size < rrdfile_layout_bytes()) {
		if (truncate(path, (off_t)rrdfile_layout_bytes()) != 0)
			fuzz_broken("cannot extend %s", path);
		check_file(path);
	}
	if (size < LAYOUT1_BYTES) {
		if (truncate(path, (off_t)LAYOUT1_BYTES) != 0)
			fuzz_broken("cannot extend %s", path);
		check_file(path);
	}
	return 0;
}
