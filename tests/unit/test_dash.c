/*
 * test_dash.c - the parts of gm-dashboard that decide, apart from HTTP
 * (tests/integration/85-dashboard.sh drives the real server):
 * - which paths reach a handler (http_split): plain segments only;
 * - the configuration: loopback by default, every mistake with file:line;
 * - staleness (registry.c chan_status, meter_view.c meter_status): 3
 *   intervals, monthly manual entries, a status file judged when written;
 * - the alert rule (stale_watch.c): once per change, never for a channel
 *   first seen ok;
 * - report files (report_files.c): links and hidden names never listed
 *   nor read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dashboards/dash_config.h"
#include "../../dashboards/http_server.h"
#include "../../dashboards/meter_view.h"
#include "../../dashboards/report_files.h"
#include "../../dashboards/stale_watch.h"
#include "err.h"
#include "testutil.h"

static int split(const char *path, const char **seg)
{
	static char buf[HTTP_URI_MAX + 2];

	return http_split(path, buf, sizeof(buf), seg, HTTP_SEG_MAX);
}

static void test_split(void **state)
{
	const char *seg[HTTP_SEG_MAX];
	char long_seg[200];

	(void)state;
	assert_int_equal(split("/", seg), 0);
	assert_int_equal(split("/meter/hq/m1/import_kwh", seg), 4);
	assert_string_equal(seg[0], "meter");
	assert_string_equal(seg[3], "import_kwh");
	assert_int_equal(split("/reports/", seg), 1);
	assert_string_equal(seg[0], "reports");
	assert_int_equal(split("/graph/a/b/c/24h.png", seg), 5);
	assert_string_equal(seg[4], "24h.png");
	/* refused: climbing, hidden, empty, foreign characters, too many */
	assert_int_equal(split("/reports/../etc/passwd", seg), -1);
	assert_int_equal(split("/reports/..", seg), -1);
	assert_int_equal(split("/reports/.ssh", seg), -1);
	assert_int_equal(split("/a//b", seg), -1);
	assert_int_equal(split("//", seg), -1);
	assert_int_equal(split("/a/b c", seg), -1);
	assert_int_equal(split("/a/b%2f", seg), -1);
	assert_int_equal(split("/a\\b", seg), -1);
	assert_int_equal(split("/1/2/3/4/5/6/7/8/9", seg), -1);
	assert_int_equal(split("relative", seg), -1);
	memset(long_seg, 'a', sizeof(long_seg));
	long_seg[0] = '/';
	long_seg[sizeof(long_seg) - 1] = '\0';
	assert_int_equal(split(long_seg, seg), -1);
	long_seg[HTTP_SEG_LEN + 1] = '\0';   /* exactly HTTP_SEG_LEN bytes */
	assert_int_equal(split(long_seg, seg), 1);
}

static void test_config(void **state)
{
	struct dash_config c;
	const char *path;

	(void)state;
	assert_int_equal(dash_config_load(NULL, &c, collect, NULL), 0);
	assert_string_equal(c.host, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_int_equal(dash_config_check(&c, collect, NULL), 1);   /* no data_dir */
	reports.n = 0;
	assert_int_equal(tmpdir_make("dash"), 0);
	path = fixture("d.conf", "[dashboard]\nlisten = 0.0.0.0:9000\ndata_dir = /var/x\n"
	    "refresh = 10\nthreads = 0\nscan = soon\nalert_topic = greenmeter/v1/alerts\n"
	    "colour = green\n[web]\nx = 1\n");
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 5);
	static const char *const want[] = {
		"d.conf:5: threads = \"0\": expected a whole number from 1 to 64",
		"d.conf:6: scan = \"soon\": expected a number from 0.2 to 3600",
		"d.conf:7: alert_topic = \"greenmeter/v1/alerts\": under greenmeter/v1/ the "
		    "collector would read alerts as readings",
		"d.conf:8: unknown key \"colour\" in [dashboard]",
		"d.conf:10: unknown section [web] (expected [dashboard] or [mqtt])",
	};
	expect_reports(want, 5);
	assert_string_equal(c.host, "0.0.0.0");   /* only when told */
	assert_int_equal(c.port, 9000);
	assert_int_equal(c.refresh_s, 10);
	reports.n = 0;
	path = fixture("t.conf", "[dashboard]\ndata_dir = /x\nalert_topic = site/alerts\n");
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 0);
	assert_int_equal(dash_config_check(&c, collect, NULL), 1);   /* no [mqtt] */
	assert_int_equal(dash_listen_parse("[::1]:8081", &c, collect, NULL), 0);
	assert_string_equal(c.host, "::1");
	assert_int_equal(c.port, 8081);
}

/* A snapshot of rows given as (channel, kind, last_t, interval). */
struct spec {
	const char *channel;
	enum reading_kind kind;
	double last_t, interval;
};

static struct meter_snap *snap_of(const struct spec *sp, size_t n, double status_mtime)
{
	struct meter_snap *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->rows = calloc(n, sizeof(*s->rows));
	s->n = n;
	s->status_mtime = status_mtime;
	for (size_t i = 0; i < n; i++) {
		struct meter_row *r = &s->rows[i];

		r->st.id = id3("hq", "m", sp[i].channel);
		r->st.kind = sp[i].kind;
		r->st.have_last = true;
		r->st.last_t = sp[i].last_t;
		r->st.interval = sp[i].interval;
		r->in_status = status_mtime > 0;
	}
	return s;
}

static void test_stale_rule(void **state)
{
	const double now = 1.8e9;
	const struct spec sp[] = {
		{ "a", KIND_COUNTER, now - 30, 10 },       /* exactly 3 intervals: ok */
		{ "b", KIND_COUNTER, now - 31, 10 },       /* more: stale */
		{ "c", KIND_GAUGE, now - 170, 0 },         /* unknown interval: 3 minutes */
		{ "d", KIND_GAUGE, now - 190, 0 },
		{ "e", KIND_DELTA, now - 60 * 86400, 0 },  /* monthly entries: 3 x 31 days */
		{ "f", KIND_DELTA, now - 94 * 86400, 86400 },
	};
	const enum chan_status want[] = {
		STATUS_OK, STATUS_STALE, STATUS_OK, STATUS_STALE, STATUS_OK, STATUS_STALE,
	};
	struct meter_snap *s = snap_of(sp, 6, 0);

	(void)state;
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(meter_status(s, &s->rows[i], now), want[i]);
	meter_snap_free(s);
	/* A status file written 4 s ago: a 1-second meter whose reading was 1 s
	 * old then is ok, not stale; once the file stops (12 s), judged now. */
	const struct spec fast[] = { { "p", KIND_GAUGE, now - 5, 1 } };
	s = snap_of(fast, 1, now - 4);
	assert_int_equal(meter_status(s, &s->rows[0], now), STATUS_OK);
	s->status_mtime = now - 12;
	assert_int_equal(meter_status(s, &s->rows[0], now), STATUS_STALE);
	meter_snap_free(s);
}

struct seen_log {
	int n;
	char what[16][128];
};

static void note(void *user, const struct watch_change *c)
{
	struct seen_log *log = user;

	snprintf(log->what[log->n++ % 16], sizeof(log->what[0]), "%s %s->%s", c->row->st.id.channel,
	    c->first ? "new" : chan_status_name(c->from), chan_status_name(c->to));
}

static void test_watch_once(void **state)
{
	const double now = 1.8e9;
	const struct spec sp[] = {
		{ "a", KIND_COUNTER, now - 5, 10 },
		{ "b", KIND_COUNTER, now - 500, 10 },   /* stale from the start */
	};
	struct stale_watch *w = watch_new();
	struct meter_snap *s = snap_of(sp, 2, 0);
	struct seen_log log = { 0 };

	(void)state;
	assert_int_equal(watch_scan(w, s, now, note, &log), 1);   /* only b */
	assert_string_equal(log.what[0], "b new->stale");
	assert_int_equal(watch_scan(w, s, now + 1, note, &log), 0);   /* no change, no alert */
	assert_int_equal(watch_scan(w, s, now + 40, note, &log), 1);  /* a turns stale */
	assert_string_equal(log.what[1], "a ok->stale");
	for (int i = 0; i < 5; i++)
		assert_int_equal(watch_scan(w, s, now + 50 + i, note, &log), 0);
	s->rows[0].st.last_t = now + 60;   /* a reads again */
	assert_int_equal(watch_scan(w, s, now + 61, note, &log), 1);
	assert_string_equal(log.what[2], "a stale->ok");
	assert_int_equal(log.n, 3);
	meter_snap_free(s);
	watch_free(w);
}

static void test_report_files(void **state)
{
	char dir[512], path[600];
	struct report_set *sets;
	char *buf = NULL;
	size_t len;
	int n;

	(void)state;
	assert_int_equal(tmpdir_make("reports"), 0);
	snprintf(dir, sizeof(dir), "%s/r", tmpdir);
	snprintf(path, sizeof(path), "%s/set1", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/set1/a.th.html", dir);
	write_file(path, "<p>a</p>");
	snprintf(path, sizeof(path), "%s/set1/.hidden", dir);
	write_file(path, "no");
	snprintf(path, sizeof(path), "%s/set1/link.html", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/outside", dir);
	assert_int_equal(symlink("/etc", path), 0);
	n = report_sets(dir, &sets);
	assert_int_equal(n, 1);   /* the linked directory is not a set */
	assert_string_equal(sets[0].name, "set1");
	assert_int_equal(sets[0].nfiles, 1);   /* neither the link nor the hidden file */
	assert_string_equal(sets[0].files[0].name, "a.th.html");
	report_sets_free(sets, n);
	assert_int_equal(report_read(dir, "set1", "a.th.html", &buf, &len), GM_OK);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "<p>a</p>", 8);
	free(buf);
	assert_int_equal(report_read(dir, "set1", "link.html", &buf, &len), GM_ENOTFOUND);
	assert_int_equal(report_read(dir, "outside", "passwd", &buf, &len), GM_ENOTFOUND);
	assert_int_equal(report_read(dir, "set1", ".hidden", &buf, &len), GM_ENOTFOUND);
	assert_int_equal(report_read(dir, "..", "r", &buf, &len), GM_ENOTFOUND);
	assert_string_equal(report_type("x.csv"), "text/csv; charset=utf-8");
	assert_string_equal(report_type("x.exe"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test_teardown(test_config, tmpdir_teardown),
		cmocka_unit_test(test_stale_rule),
		cmocka_unit_test(test_watch_once),
		cmocka_unit_test_teardown(test_report_files, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
