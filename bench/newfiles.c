/*
 * newfiles.c - benchmark helper (not part of greenmeter): make N new channel
 * files in DIR one way, and print the CPU and wall milliseconds a file.
 *
 *   newfiles librrd|template DIR N
 *
 * librrd: rrd_create_r2 with the collector's layout, as gm-collector made
 * every file before, and as collectd's rrdtool plugin makes its own;
 * template: collector/rrd_template.c, as gm-collector makes them now. The
 * start times differ file to file, as a fresh channel's do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <rrd.h>

#include "gm_err.h"
#include "rrd_layout.h"
#include "rrd_template.h"

static double wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
	    (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	struct rrd_templates *ts = rrd_templates_new();
	char path[4096], err[GM_ERR_MAX];
	struct rrd_def def;
	double w0, c0;
	int n, tpl;

	if (argc != 4 || (n = atoi(argv[3])) <= 0 || ts == NULL) {
		fprintf(stderr, "usage: newfiles librrd|template DIR N\n");
		return 2;
	}
	tpl = strcmp(argv[1], "template") == 0;
	rrd_layout_def(&def, 60);
	if (tpl) {   /* the template is made once, before the clock starts */
		snprintf(path, sizeof(path), "%s/first.rrd", argv[2]);
		if (rrd_template_make(ts, path, 1767225600, 60, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "newfiles: %s\n", err);
			return 1;
		}
	}
	w0 = wall();
	c0 = cpu();
	for (int i = 0; i < n; i++) {
		time_t start = 1767225600 + (time_t)i * 60;

		snprintf(path, sizeof(path), "%s/c%d.rrd", argv[2], i);
		if (tpl ? rrd_template_make(ts, path, start, 60, err, sizeof(err)) != GM_OK :
		    rrd_create_r2(path, RRD_STEP, start, 1, NULL, NULL, def.argc, def.argv) != 0) {
			fprintf(stderr, "newfiles: %s: %s\n", path, tpl ? err : rrd_get_error());
			return 1;
		}
	}
	printf("%.4f %.4f\n", (cpu() - c0) * 1e3 / n, (wall() - w0) * 1e3 / n);
	rrd_templates_free(ts);
	return 0;
}
