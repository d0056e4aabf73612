/* rrd_layout.c - the RRD definition of a meter channel (layout version 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrd_layout.h"

#define TEXT(x) #x
#define NUMBER(x) TEXT(x)

static const char *const layout[] = {
	"DS:" RRD_DS_VALUE ":GAUGE:" NUMBER(RRD_VALUE_HEARTBEAT) ":U:U",
	"DS:" RRD_DS_USE ":ABSOLUTE:31622400:0:U",
	"RRA:AVERAGE:0.5:1:20160",
	"RRA:LAST:0.5:1:20160",
	"RRA:AVERAGE:0.5:60:44000",
	"RRA:LAST:0.5:60:44000",
	"RRA:AVERAGE:0.5:1440:7320",
	"RRA:LAST:0.5:1440:7320",
	"RRA:MAX:0.5:1440:7320",
	"RRA:MIN:0.5:1440:7320",
};

int rrd_layout_argv(const char ***ret_argv)
{
	*ret_argv = (const char **)layout;
	return (int)(sizeof(layout) / sizeof(layout[0]));
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
