/*
 * report_table.h - the plain report as a text table, in English or Thai:
 * one row a channel, columns as wide as their widest cell (header included)
 * counted in terminal columns (textwidth.h), text left-aligned, numbers
 * right-aligned, two spaces apart. A channel with nothing in the period says
 * so in words ("no entry this period" for a manual-entry journal, "no
 * readings this period" for an RRD) instead of a figure, and its gaps (the
 * whole period) are not listed; anything to review is still said. Under a
 * row: each gap with its length, then what the events journal says a person
 * should know.
 */
#ifndef GM_REPORT_TABLE_H
#define GM_REPORT_TABLE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "usage.h"
#include "green_text.h"
#include "datadir.h"

struct plain_row {
	const struct stored_chan *c;
	struct usage u;
};

/* Rows over [from, to); to_now: the period was cut at now (its end is
 * still to come). */
void report_table(FILE *f, const struct plain_row *rows, int n, time_t from, time_t to,
    bool to_now, enum lang lang);

#endif
