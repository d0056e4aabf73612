/*
 * rrdfill.c - benchmark helper (not part of greenmeter): make a channel file
 * of the collector's layout holding a counter read every STEP seconds from
 * FROM to TO (unix times), using USE each reading, written in batches the
 * way the collector writes a replay.
 *
 *   rrdfill FILE FROM TO STEP USE
 */
#include <stdio.h>
#include <stdlib.h>

#include <rrd.h>

#include "rrd_layout.h"

#define BATCH 2000

int main(int argc, char **argv)
{
	static char text[BATCH][64];
	const char *args[BATCH], **layout;
	long from, to, step;
	double use, v = 0;
	int n = 0, nl;

	if (argc != 6) {
		fprintf(stderr, "usage: rrdfill FILE FROM TO STEP USE\n");
		return 2;
	}
	from = atol(argv[2]);
	to = atol(argv[3]);
	step = atol(argv[4]);
	use = atof(argv[5]);
	nl = rrd_layout_argv(&layout);
	if (rrd_create_r2(argv[1], RRD_STEP, from - 1, 0, NULL, NULL, nl, layout) != 0) {
		fprintf(stderr, "rrdfill: %s\n", rrd_get_error());
		return 1;
	}
	for (long t = from; t <= to; t += step) {
		if (t == from)
			snprintf(text[n], sizeof(text[n]), "%ld:%.17g:U", t, v);
		else
			snprintf(text[n], sizeof(text[n]), "%ld:%.17g:%.17g", t, v += use, use);
		args[n] = text[n];
		if (++n == BATCH || t + step > to) {
			if (rrd_update_r(argv[1], RRD_TEMPLATE, n, args) != 0) {
				fprintf(stderr, "rrdfill: %s\n", rrd_get_error());
				return 1;
			}
			n = 0;
		}
	}
	return 0;
}
