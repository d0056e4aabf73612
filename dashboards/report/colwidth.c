/* colwidth.c - a printed table's column widths (colwidth.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "colwidth.h"

/* Pango breaks between words, so a wrapped text needs a little more than
 * its width divided by its lines. */
#define WRAP_SLACK 1.08

/* The lines cell (r, k) takes at column width w. */
static int lines_at(const struct colwidth *t, int r, int k, double w)
{
	double nat = t->nat[r * t->ncol + k], text = w - t->pad;
	int base = t->lines[r * t->ncol + k] > 0 ? t->lines[r * t->ncol + k] : 1;

	if (nat <= 0 || nat <= text + 1e-6)
		return base;
	if (text <= 1)
		return base * 1000;
	return base - 1 + (int)ceil(nat * WRAP_SLACK / text - 1e-9);
}

/* The lines column k at width w takes out of all rows' heights. */
static long saved(const struct colwidth *t, const int *cur, int k, double w)
{
	long s = 0;

	for (int r = 0; r < t->nrow; r++) {
		const int *row = &cur[r * t->ncol];
		int others = 0, now = 0, after = lines_at(t, r, k, w);

		for (int c = 0; c < t->ncol; c++) {
			now = row[c] > now ? row[c] : now;
			if (c != k && row[c] > others)
				others = row[c];
		}
		s += now - (after > others ? after : others);
	}
	return s;
}

/* What is left past the steps: as CSS shares it, in proportion to what
 * each column would take more; past every max, alike. */
static void share_rest(const struct colwidth *t, double *w, double left)
{
	double want = 0;

	for (int k = 0; k < t->ncol; k++)
		want += t->max[k] > w[k] ? t->max[k] - w[k] : 0;
	for (int k = 0; k < t->ncol; k++) {
		double more = t->max[k] > w[k] ? t->max[k] - w[k] : 0;

		if (want > left)
			w[k] += more * left / want;
		else
			w[k] += more + (left - want) / t->ncol;
	}
}

/* The width column k needs for none of its cells to take more than L
 * lines; INFINITY when a cell has more lines than that unwrapped. */
static double width_for(const struct colwidth *t, int k, int L)
{
	double need = 0;

	for (int r = 0; r < t->nrow; r++) {
		double nat = t->nat[r * t->ncol + k];
		int base = t->lines[r * t->ncol + k] > 0 ? t->lines[r * t->ncol + k] : 1;

		if (nat <= 0)
			continue;
		if (L < base)
			return INFINITY;
		need = fmax(need, (L == base ? nat : nat * WRAP_SLACK / (L - base + 1)) + t->pad);
	}
	return need;
}

static int column_lines(const struct colwidth *t, const int *cur, int k)
{
	int most = 1;

	for (int r = 0; r < t->nrow; r++)
		most = cur[r * t->ncol + k] > most ? cur[r * t->ncol + k] : most;
	return most;
}

/* The lines the widths w2 take out of all rows' heights, against cur. */
static long saved_all(const struct colwidth *t, const int *cur, const double *w2)
{
	long s = 0;

	for (int r = 0; r < t->nrow; r++) {
		int now = 0, after = 0;

		for (int c = 0; c < t->ncol; c++) {
			int l = lines_at(t, r, c, w2[c]);

			now = cur[r * t->ncol + c] > now ? cur[r * t->ncol + c] : now;
			after = l > after ? l : after;
		}
		s += now - after;
	}
	return s;
}

/* One move, the one that takes the most lines out of the rows' heights
 * for each point given, within what is left: one column to fewer lines
 * (every level tried), or every column at once to at most L lines (a row
 * is only lower when all its tall cells are: its unit's name, its cohort
 * and its trend). false when no move saves a line. */
static bool best_move(const struct colwidth *t, const int *cur, const double *w, double left,
    double *next)
{
	double best = 0, w2[COLWIDTH_MAX_COLS];
	int most = 1;

	for (int k = 0; k < t->ncol; k++) {
		most = column_lines(t, cur, k) > most ? column_lines(t, cur, k) : most;
		for (int L = column_lines(t, cur, k) - 1; L >= 1; L--) {
			double need = fmin(fmax(width_for(t, k, L), w[k]), t->max[k]);
			long s;

			if (need - w[k] > left + 1e-9)
				break;   /* fewer lines need more still */
			if (need - w[k] <= 1e-9 || (s = saved(t, cur, k, need)) <= 0)
				continue;
			if ((double)s / (need - w[k]) > best) {
				best = (double)s / (need - w[k]);
				for (int c = 0; c < t->ncol; c++)
					next[c] = c == k ? need : w[c];
			}
		}
	}
	for (int L = most - 1; L >= 1; L--) {
		double cost = 0;
		long s;

		for (int c = 0; c < t->ncol; c++) {
			w2[c] = fmin(fmax(width_for(t, c, L), w[c]), t->max[c]);
			cost += w2[c] - w[c];
		}
		if (cost > left + 1e-9)
			break;
		if (cost > 1e-9 && (s = saved_all(t, cur, w2)) > 0 && (double)s / cost > best) {
			best = (double)s / cost;
			for (int c = 0; c < t->ncol; c++)
				next[c] = w2[c];
		}
	}
	return best > 0;
}

void colwidth_fit(const struct colwidth *t, double *out)
{
	double smin = 0, left, next[COLWIDTH_MAX_COLS];
	int *cur;

	for (int c = 0; c < t->ncol; c++)
		smin += t->min[c];
	if (smin >= t->avail) {
		for (int c = 0; c < t->ncol; c++)
			out[c] = t->min[c] * t->avail / smin;
		return;
	}
	for (int c = 0; c < t->ncol; c++)
		out[c] = t->min[c];
	left = t->avail - smin;
	if ((cur = malloc((size_t)t->nrow * (size_t)t->ncol * sizeof(*cur) + 1)) == NULL) {
		share_rest(t, out, left);
		return;
	}
	for (int r = 0; r < t->nrow; r++)
		for (int c = 0; c < t->ncol; c++)
			cur[r * t->ncol + c] = lines_at(t, r, c, out[c]);
	while (best_move(t, cur, out, left, next)) {
		for (int c = 0; c < t->ncol; c++) {
			left -= next[c] - out[c];
			out[c] = next[c];
		}
		for (int r = 0; r < t->nrow; r++)
			for (int c = 0; c < t->ncol; c++)
				cur[r * t->ncol + c] = lines_at(t, r, c, out[c]);
	}
	free(cur);
	share_rest(t, out, left);
}
