/*
 * colwidth.h - a printed table's column widths: the spare width where it
 * saves the most lines.
 *
 * CSS's automatic table layout (what a browser does with the same page)
 * gives every column at least its min (its widest unbreakable piece) and
 * shares what is left in proportion to how much wider each would like to
 * be. On paper that wraps short columns a long text column dwarfs: a score
 * "1.00 / 1" or a unit's name on three lines, a line more in every row,
 * and a 19-unit summary on five pages. Here the spare width goes, a step
 * at a time, to the column where it takes the most lines out of the rows'
 * heights (a row is as tall as its tallest cell; a cell of natural width
 * W in a column of text width w takes about ceil(W / w) lines); once no
 * step saves a line, the rest is shared as CSS shares it.
 */
#ifndef GM_COLWIDTH_H
#define GM_COLWIDTH_H

#define COLWIDTH_MAX_COLS 64

struct colwidth {
	int ncol, nrow;
	const double *nat;    /* nrow x ncol: each cell's text unwrapped, points; < 0: none
	                       * (a cell spanning columns, or no cell) */
	const int *lines;     /* nrow x ncol: its lines unwrapped (a <br> makes two) */
	const double *min;    /* ncol: the least width of each column, padding included */
	const double *max;    /* ncol: its widest cell unwrapped, padding included */
	double pad;           /* a cell's padding, both sides: text width = width - pad */
	double avail;         /* the table's width */
};

/* The widths into out (ncol). Past every max, the rest is shared alike;
 * under the mins, the mins are scaled down to fit. */
void colwidth_fit(const struct colwidth *t, double *out);

#endif
