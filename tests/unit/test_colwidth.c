/*
 * test_colwidth.c - a printed table's column widths (colwidth.c):
 * - the widths fill the table exactly, none under its column's min;
 * - a short column beside a long text is not wrapped when the text can
 *   give it room (the self-evaluation's score and evidence);
 * - a row only gets lower when all its tall cells do: the columns are
 *   widened together (the summary's name, cohort and trend);
 * - fewer lines in all than CSS's proportional sharing on the same table;
 * - everything fits: every column at its max, the rest shared alike;
 *   nothing fits: the mins scaled down.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "colwidth.h"

#define PAD 7.0

/* The lines each row takes at widths w, summed: the table's height in lines. */
static int total_lines(const struct colwidth *t, const double *w)
{
	int sum = 0;

	for (int r = 0; r < t->nrow; r++) {
		int most = 1;

		for (int k = 0; k < t->ncol; k++) {
			double nat = t->nat[r * t->ncol + k], text = w[k] - t->pad;
			int l = nat <= 0 || nat <= text + 1e-6 ? 1 : (int)ceil(nat * 1.08 / text - 1e-9);

			most = l > most ? l : most;
		}
		sum += most;
	}
	return sum;
}

static void fills(const struct colwidth *t, const double *w)
{
	double sum = 0;

	for (int k = 0; k < t->ncol; k++) {
		assert_true(w[k] >= t->min[k] - 1e-9);
		sum += w[k];
	}
	assert_float_equal(sum, t->avail, 1e-6);
}

/* The CSS way: min, then the rest in proportion to max - min. */
static void css(const struct colwidth *t, double *w)
{
	double smin = 0, smax = 0;

	for (int k = 0; k < t->ncol; k++) {
		smin += t->min[k];
		smax += t->max[k];
	}
	for (int k = 0; k < t->ncol; k++)
		w[k] = t->min[k] + (t->max[k] - t->min[k]) * (t->avail - smin) / (smax - smin);
}

/* 4 columns: number, a long indicator, a score, an evidence path. */
static void test_short_columns_kept_whole(void **state)
{
	enum { R = 5, C = 4 };
	double nat[R * C], w[C], wc[C];
	int lines[R * C];
	double min[C] = { 30, 60, 50, 60 }, max[C] = { 30, 0, 50, 0 };
	struct colwidth t = { .ncol = C, .nrow = R, .nat = nat, .lines = lines, .min = min,
		.max = max, .pad = PAD, .avail = 515 };

	(void)state;
	for (int r = 0; r < R; r++) {
		double row[C] = { 23, 520 + 10 * r, 43, 190 };

		for (int k = 0; k < C; k++) {
			nat[r * C + k] = row[k];
			lines[r * C + k] = 1;
			max[k] = fmax(max[k], row[k] + PAD);
		}
	}
	colwidth_fit(&t, w);
	fills(&t, w);
	/* the score and the evidence on one line each; the text on two */
	assert_true(w[2] >= nat[2] + PAD - 1e-6);
	assert_true(total_lines(&t, w) <= 2 * R);
	css(&t, wc);
	assert_true(total_lines(&t, w) < total_lines(&t, wc));
}

/* The summary: name, cohort, trend each wrap; only together do rows drop. */
static void test_columns_widened_together(void **state)
{
	enum { R = 19, C = 5 };
	double nat[R * C], w[C], wc[C];
	int lines[R * C];
	double min[C] = { 60, 50, 40, 40, 60 }, max[C] = { 0 };
	struct colwidth t = { .ncol = C, .nrow = R, .nat = nat, .lines = lines, .min = min,
		.max = max, .pad = PAD, .avail = 600 };

	(void)state;
	for (int r = 0; r < R; r++) {
		double row[C] = { 180 + 3 * r, 120, 33, 35, 130 };

		for (int k = 0; k < C; k++) {
			nat[r * C + k] = row[k];
			lines[r * C + k] = 1;
			max[k] = fmax(max[k], row[k] + PAD);
		}
	}
	colwidth_fit(&t, w);
	fills(&t, w);
	assert_int_equal(total_lines(&t, w), R);   /* every row on one line: it fits */
	css(&t, wc);
	assert_true(total_lines(&t, wc) >= R);
	/* a narrower table: two lines a row at most, never more than CSS's */
	t.avail = 420;
	colwidth_fit(&t, w);
	fills(&t, w);
	css(&t, wc);
	assert_true(total_lines(&t, w) <= 2 * R);
	assert_true(total_lines(&t, w) <= total_lines(&t, wc));
}

static void test_all_fit_or_none(void **state)
{
	double nat[2] = { 40, 100 }, w[2];
	int lines[2] = { 1, 1 };
	double min[2] = { 47, 60 }, max[2] = { 47, 107 };
	struct colwidth t = { .ncol = 2, .nrow = 1, .nat = nat, .lines = lines, .min = min,
		.max = max, .pad = PAD, .avail = 300 };

	(void)state;
	colwidth_fit(&t, w);
	fills(&t, w);
	assert_float_equal(w[0] - max[0], w[1] - max[1], 1e-6);   /* the rest alike */
	t.avail = 80;   /* under the mins' 107 */
	colwidth_fit(&t, w);
	assert_float_equal(w[0] + w[1], 80, 1e-6);
	assert_float_equal(w[0] / w[1], 47.0 / 60.0, 1e-6);
}

/* A cell of two lines unwrapped (a <br>) is never fewer. */
static void test_breaks_count(void **state)
{
	double nat[2] = { 50, 50 }, w[2];
	int lines[2] = { 2, 1 };
	double min[2] = { 30, 30 }, max[2] = { 57, 57 };
	struct colwidth t = { .ncol = 2, .nrow = 1, .nat = nat, .lines = lines, .min = min,
		.max = max, .pad = PAD, .avail = 100 };

	(void)state;
	colwidth_fit(&t, w);
	fills(&t, w);
	/* the one-line cell gets what it needs to stay within the row's two lines */
	assert_true(w[1] - PAD >= 50 * 1.08 / 2 - 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_columns_kept_whole),
		cmocka_unit_test(test_columns_widened_together),
		cmocka_unit_test(test_all_fit_or_none),
		cmocka_unit_test(test_breaks_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
