/* dash_graph.c - a meter channel's graph, drawn by librrd as PNG or SVG. */
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>

#include "log.h"
#include "page.h"
#include "handlers.h"
#include "rrd_layout.h"
#include "rrd_read.h"

struct range {
	const char *name, *key;
	long seconds;
	const char *x_grid;   /* rrdtool's --x-grid: its labels through strftime, in
	                         the page's language (draw's locale) */
};

static const struct range ranges[] = {
	{ "24h", "r_24h", 86400, "HOUR:1:HOUR:6:HOUR:3:0:%H:%M" },
	{ "7d", "r_7d", 7 * 86400, "HOUR:6:DAY:1:DAY:1:86400:%a %d" },
	{ "30d", "r_30d", 30 * 86400, "DAY:1:WEEK:1:DAY:5:86400:%d %b" },
	{ "1y", "r_1y", 365 * 86400, "MONTH:1:MONTH:1:MONTH:1:2592000:%b" },
};

/* The range and format a file name asks for; false if none. */
static bool parse_file(const char *file, const struct range **r, bool *svg)
{
	const char *dot = strrchr(file, '.');

	if (dot == NULL || (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0))
		return false;
	*svg = strcmp(dot, ".svg") == 0;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (strlen(ranges[i].name) == (size_t)(dot - file) &&
		    strncmp(file, ranges[i].name, (size_t)(dot - file)) == 0) {
			*r = &ranges[i];
			return true;
		}
	}
	return false;
}

/* Text for an rrdtool graph argument: ':' and '%' are its own syntax. */
static void rrd_text(char *dst, size_t len, const char *src, const char *tail)
{
	size_t k = 0;

	for (const char *p = src; *p != '\0' && k + 3 < len; p++) {
		if (*p == ':')
			dst[k++] = '\\';
		if (*p == '%')
			dst[k++] = '%';
		dst[k++] = *p;
	}
	dst[k] = '\0';
	snprintf(dst + k, len - k, "%s", tail);
}

struct gargs {
	const char *argv[32];
	int argc;
	char start[32], def[4300], title[300], label[64], line[256], total[160];
};

static void add(struct gargs *g, const char *a)
{
	if (g->argc < (int)(sizeof(g->argv) / sizeof(g->argv[0])) - 1)
		g->argv[g->argc++] = a;
}

/* A counter shows its use per hour and the range's total; a gauge its
 * readings. */
static void build(struct gargs *g, const struct meter_row *row,
    const char *path, const struct range *r, bool svg, enum lang l)
{
	char epath[4200], unit[40];
	bool counter = row->st.kind == KIND_COUNTER;

	rrd_text(epath, sizeof(epath), path, "");
	rrd_text(unit, sizeof(unit), row->st.unit, "");
	snprintf(g->start, sizeof(g->start), "-%ld", r->seconds);
	snprintf(g->title, sizeof(g->title), "%s/%s/%s · %s", row->st.id.site, row->st.id.meter,
	    row->st.id.channel, tr(l, r->key));
	snprintf(g->label, sizeof(g->label), counter ? "%s/h" : "%s", row->st.unit);
	add(g, "graphv");
	add(g, "-");
	add(g, "--imgformat");
	add(g, svg ? "SVG" : "PNG");
	add(g, "--start");
	add(g, g->start);
	add(g, "--end");
	add(g, "now");
	add(g, "--width");
	add(g, "720");
	add(g, "--height");
	add(g, "200");
	add(g, "--slope-mode");
	add(g, "--x-grid");
	add(g, r->x_grid);
	add(g, "--title");
	add(g, g->title);
	add(g, "--vertical-label");
	add(g, g->label);
	if (counter) {
		add(g, "--lower-limit");
		add(g, "0");
		snprintf(g->def, sizeof(g->def), "DEF:u=%s:" RRD_DS_USE ":AVERAGE", epath);
		add(g, g->def);
		add(g, "CDEF:h=u,3600,*");
		add(g, "VDEF:total=u,TOTAL");
		snprintf(g->line, sizeof(g->line), "AREA:h#1f6f43:%s", tr(l, "use_per_hour"));
		add(g, g->line);
		snprintf(g->total, sizeof(g->total), "GPRINT:total:%%.2lf %s", unit);
		add(g, g->total);
	} else {
		snprintf(g->def, sizeof(g->def), "DEF:v=%s:" RRD_DS_VALUE ":AVERAGE", epath);
		add(g, g->def);
		snprintf(g->line, sizeof(g->line), "LINE2:v#1f6f43:%s", tr(l, "reading"));
		add(g, g->line);
	}
	g->argv[g->argc] = NULL;
}

/* Thai day and month names for the axis (glibc's th_TH.UTF-8 locale,
 * which tools/deps.sh makes); (locale_t)0 when the machine has none: then
 * the axis is English, and the log says so once. Under rrd_lock. */
static locale_t thai_time(void)
{
	static locale_t th;
	static bool tried;

	if (!tried) {
		tried = true;
		if ((th = newlocale(LC_TIME_MASK, "th_TH.UTF-8", (locale_t)0)) == (locale_t)0)
			log_warn("graphs: no th_TH.UTF-8 locale on this machine; Thai pages' graph "
			    "axes stay English (localedef -i th_TH -f UTF-8 th_TH.UTF-8)");
	}
	return th;
}

/* Draw it; the image (malloc'd) in rp, or an error answer. */
static void draw(struct dash *d, const struct chan_id *id, struct gargs *g, bool svg, enum lang l,
    struct http_reply *rp)
{
	rrd_info_t *info, *i;
	locale_t th, old = (locale_t)0;

	pthread_mutex_lock(&d->rrd_lock);
	dash_flush(d, id, false);
	/* this thread's locale only, while librrd formats the axis */
	if (l == LANG_TH && (th = thai_time()) != (locale_t)0)
		old = uselocale(th);
	info = rrd_read_graph(g->argc, (char **)g->argv);
	if (old != (locale_t)0)
		uselocale(old);
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "image") == 0 && i->type == RD_I_BLO &&
		    (rp->data = malloc(i->value.u_blo.size + 1)) != NULL) {
			memcpy(rp->data, i->value.u_blo.ptr, i->value.u_blo.size);
			rp->len = i->value.u_blo.size;
		}
	}
	if (rp->data == NULL)
		http_server_fail(rp, 500, rrd_test_error() ? rrd_get_error() : "no image");
	rrd_clear_error();
	pthread_mutex_unlock(&d->rrd_lock);
	rrd_info_free(info);
	if (rp->data != NULL) {
		rp->type = svg ? "image/svg+xml" : "image/png";
		rp->cacheable = true;
	}
}

void dash_graph_page(struct dash *d, const struct http_req *rq, struct http_reply *rp,
    const struct chan_id *id, const char *file)
{
	enum lang l = dash_lang(rq);
	struct shared *ref;
	const struct meter_snap *s = dash_meters(d, &ref);
	const struct meter_row *row = s ? meter_view_find(s, id) : NULL;
	const struct range *r;
	char path[4096];
	bool svg;
	struct gargs *g;

	if (!parse_file(file, &r, &svg))
		http_server_fail(rp, 404, "graphs are 24h, 7d, 30d or 1y, .png or .svg");
	else if (row == NULL || !row->stored)
		http_server_fail(rp, 404, "unknown meter channel");
	else if (row->journal)
		http_server_fail(rp, 404, "a channel of manual entries has no graph");
	else if ((g = calloc(1, sizeof(*g))) == NULL)
		http_server_fail(rp, 503, "out of memory");
	else {
		rrd_layout_path(path, sizeof(path), d->cfg.data_dir, id);
		build(g, row, path, r, svg, l);
		draw(d, id, g, svg, l, rp);
		free(g);
	}
	dash_put(d, ref);
}
