/* rrd_layout.c - the RRD definition of a meter channel (layout version 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "rrd_layout.h"

#define TEXT(x) #x
#define NUMBER(x) TEXT(x)

static const char *const layout[RRD_LAYOUT_ARGS] = {
	"DS:" RRD_DS_VALUE ":GAUGE:" NUMBER(RRD_VALUE_HEARTBEAT) ":U:U",
	"DS:" RRD_DS_USE ":ABSOLUTE:31622400:0:U",
	"RRA:" RRD_CF ":0.5:1:20160",
	"RRA:" RRD_CF ":0.5:60:44000",
	"RRA:" RRD_CF ":0.5:1440:7320",
};

int rrd_layout_argv(const char ***ret_argv)
{
	*ret_argv = (const char **)layout;
	return (int)(sizeof(layout) / sizeof(layout[0]));
}

long rrd_layout_heartbeat(long every)
{
	long hb = every > 0 && every <= PAYLOAD_EVERY_MAX ? every + every / 2 : 0;

	return hb > RRD_VALUE_HEARTBEAT ? hb : RRD_VALUE_HEARTBEAT;
}

void rrd_layout_def(struct rrd_def *d, long every)
{
	size_t n = sizeof(layout) / sizeof(layout[0]);

	snprintf(d->value_ds, sizeof(d->value_ds), "DS:" RRD_DS_VALUE ":GAUGE:%ld:U:U",
	    rrd_layout_heartbeat(every));
	memcpy(d->argv, layout, n * sizeof(layout[0]));
	d->argv[0] = d->value_ds;
	d->argc = (int)n;
}

size_t rrd_layout_data_bytes(void)
{
	size_t ds = 0, rows = 0;

	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		if (strncmp(layout[i], "DS:", 3) == 0)
			ds++;
		else   /* RRA:CF:xff:steps:rows */
			rows += strtoul(strrchr(layout[i], ':') + 1, NULL, 10);
	}
	return ds * rows * sizeof(double);
}

void rrd_layout_path(char *buf, size_t len, const char *datadir, const struct chan_id *c)
{
	snprintf(buf, len, "%s/%s/%s/%s.rrd", datadir, c->site, c->meter, c->channel);
}
