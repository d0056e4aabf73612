/* report_plain.c - gm-report's plain mode (report_plain.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gm_err.h"
#include "report_plain.h"
#include "report_table.h"
#include "rrdc.h"
#include "timeutil.h"

static long gap_seconds(const struct usage *u)
{
	long s = 0;

	for (int i = 0; i < u->ngaps; i++)
		s += (long)(u->gaps[i].end - u->gaps[i].start);
	return s;
}

static void csv(const struct plain_row *rows, int n)
{
	char a[32], b[32];

	/* UTF-8 BOM so spreadsheet programs read the file as UTF-8. */
	printf("\xEF\xBB\xBFsite,meter,channel,kind,unit,from,to,amount,mean,min,max,"
	    "coverage,gaps,gap_seconds,replaced,resets_announced,resets_flagged,"
	    "late_readings\n");
	for (int i = 0; i < n; i++) {
		const struct stored_chan *c = rows[i].c;
		const struct usage *u = &rows[i].u;

		time_format_local(u->from, a, sizeof(a));
		time_format_local(u->to, b, sizeof(b));
		printf("%s,%s,%s,%s,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%ld,%d,%d,%d,%d\n",
		    c->id.site, c->id.meter, c->id.channel, kind_name(c->meta.kind),
		    c->meta.unit, a, b, c->meta.kind == KIND_GAUGE ? NAN : u->amount, u->mean,
		    u->min, u->max, u->coverage, u->ngaps + (u->more_gaps ? 1 : 0),
		    gap_seconds(u), u->ev.replaced, u->ev.reset,
		    u->ev.reset_detected + u->ev.reset_uncounted, u->ev.late);
	}
}

/* Each channel's usage into rows[]; returns how many, *bad set when one
 * could not be read (said, and left out). */
static int read_rows(const struct report_cmd *cmd, const struct stored_chan *chans, int n,
    struct rrdc *cached, time_t to, struct plain_row *rows, int *bad)
{
	char err[512];
	int k = 0;

	for (int i = 0; i < n; i++) {
		/* through rrdcached the file holds what it had only once flushed */
		if (cached != NULL && !chans[i].journal &&
		    rrdc_flush_file(cached, chans[i].path, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "gm-report: %s\n", err);
			*bad = 1;
			continue;
		}
		if (usage_get(chans[i].path, cmd->from, to, &rows[k].u, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "gm-report: %s\n", err);
			*bad = 1;
			continue;
		}
		rows[k++].c = &chans[i];
	}
	return k;
}

int report_plain(const struct report_cmd *cmd)
{
	struct stored_chan *chans = NULL;
	struct plain_row *rows = NULL;
	struct rrdc *cached = NULL;
	time_t now = time(NULL), to = cmd->to < now ? cmd->to : now;
	char err[512];
	int n, k, bad = 0;

	if (cmd->from >= now) {
		fprintf(stderr, "gm-report: the period starts after now: nothing stored yet\n");
		return 1;
	}
	n = datadir_walk(cmd->datadir, cmd->site, cmd->meter, &chans);
	if (n <= 0) {
		fprintf(stderr, "gm-report: no meter channels under %s\n", cmd->datadir);
		free(chans);
		return 1;
	}
	if (cmd->rrdcached != NULL &&
	    (cached = rrdc_open(cmd->rrdcached, cmd->datadir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gm-report: --rrdcached: %s\n", err);
		free(chans);
		return 1;
	}
	if ((rows = calloc((size_t)n, sizeof(*rows))) == NULL) {
		fprintf(stderr, "gm-report: out of memory\n");
		bad = 1;
	} else {
		k = read_rows(cmd, chans, n, cached, to, rows, &bad);
		if (cmd->csv)
			csv(rows, k);
		else
			report_table(stdout, rows, k, cmd->from, to, to < cmd->to, cmd->lang);
	}
	free(rows);
	free(chans);
	rrdc_close(cached);
	return bad;
}
