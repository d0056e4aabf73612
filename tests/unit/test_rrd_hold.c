/*
 * test_rrd_hold.c - the rows handed to rrdcached and not yet known to be on
 * disk, per file (collector/rrd_hold.c).
 *
 * Times are small made-up milliseconds; "now" is a made-up monotonic clock.
 * The table starts with room for 16 files and doubles, so 40 files make it
 * move twice: an entry must stay where it was (the backend keeps pointers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rrd_hold.h"
#include "gm_err.h"

static void test_files(void **state)
{
	struct rrd_hold *h = rrd_hold_new();
	struct rrd_hold_file *first, *f;
	char path[64];

	(void)state;
	assert_non_null(h);
	assert_int_equal(rrd_hold_count(h), 0);
	assert_null(rrd_hold_at(h, 0));
	first = rrd_hold_file(h, "/d/hq/m1/energy.rrd");
	assert_non_null(first);
	assert_false(first->known);
	assert_int_equal(first->n, 0);
	for (int i = 0; i < 39; i++) {
		snprintf(path, sizeof(path), "/d/hq/m%d/power.rrd", i);
		assert_non_null(rrd_hold_file(h, path));
	}
	assert_int_equal(rrd_hold_count(h), 40);
	/* the same path is the same entry, where it was before the table grew */
	assert_ptr_equal(rrd_hold_file(h, "/d/hq/m1/energy.rrd"), first);
	assert_string_equal(first->path, "/d/hq/m1/energy.rrd");
	assert_int_equal(rrd_hold_count(h), 40);
	f = rrd_hold_at(h, 39);
	assert_string_equal(f->path, "/d/hq/m38/power.rrd");
	assert_ptr_equal(rrd_hold_file(h, "/d/hq/m38/power.rrd"), f);
	assert_null(rrd_hold_at(h, 40));
	/* thousands of files: each found again as itself after the index grew */
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/d/s%d/m/c.rrd", i);
		assert_non_null(rrd_hold_file(h, path));
	}
	assert_int_equal(rrd_hold_count(h), 5040);
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/d/s%d/m/c.rrd", i);
		assert_ptr_equal(rrd_hold_file(h, path), rrd_hold_at(h, 40 + (size_t)i));
	}
	assert_ptr_equal(rrd_hold_file(h, "/d/hq/m1/energy.rrd"), first);
	rrd_hold_free(h);
	rrd_hold_free(NULL);
}

/* A row at ms, value v, use unknown. */
static struct held_row *row(int64_t ms, double v)
{
	static struct held_row r;

	r = (struct held_row){ ms, v, NAN };
	return &r;
}

static void test_rows(void **state)
{
	struct rrd_hold *h = rrd_hold_new();
	struct rrd_hold_file *f = rrd_hold_file(h, "/d/a.rrd"), *g = rrd_hold_file(h, "/d/b.rrd");

	(void)state;
	/* nothing held: nothing to drop */
	rrd_hold_drop_upto(f, 5000);
	assert_int_equal(f->n, 0);
	assert_int_equal(rrd_hold_add(f, row(1000, 5), 7), GM_OK);
	assert_int_equal(f->since_ms, 7);
	assert_int_equal(rrd_hold_add(f, row(2000, 6), 9), GM_OK);
	/* when the oldest was handed over counts, not the newest */
	assert_int_equal(f->since_ms, 7);
	/* not newer than the last held: refused, nothing kept */
	assert_int_equal(rrd_hold_add(f, row(2000, 6), 9), GM_EINVAL);
	assert_int_equal(rrd_hold_add(f, row(1500, 6), 9), GM_EINVAL);
	assert_int_equal(rrd_hold_add(f, &(struct held_row){ 3000, -1.25e300, 0.5 }, 9), GM_OK);
	assert_int_equal(f->n, 3);
	/* nine more make the row array grow past its first 8 */
	for (int i = 0; i < 9; i++)
		assert_int_equal(rrd_hold_add(g, row(100 * (i + 1), i), 11), GM_OK);
	assert_int_equal(rrd_hold_rows(h), 12);

	/* the file has everything up to 2000: the third row stays, whole */
	rrd_hold_drop_upto(f, 2000);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->rows[0].ms, 3000);
	assert_true(f->rows[0].value == -1.25e300 && f->rows[0].use == 0.5);
	/* nothing at or before 2500 is left */
	rrd_hold_drop_upto(f, 2500);
	assert_int_equal(f->n, 1);
	rrd_hold_drop_upto(g, 450);
	assert_int_equal(g->n, 5);
	assert_int_equal(g->rows[0].ms, 500);
	assert_true(g->rows[0].value == 4 && isnan(g->rows[0].use));
	assert_int_equal(g->rows[4].ms, 900);
	rrd_hold_drop_upto(g, 900);
	assert_int_equal(g->n, 0);
	assert_null(g->rows);
	/* empty again: the next row starts a new wait */
	assert_int_equal(rrd_hold_add(g, row(1000, 1), 20), GM_OK);
	assert_int_equal(g->since_ms, 20);
	assert_int_equal(rrd_hold_rows(h), 2);
	rrd_hold_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
