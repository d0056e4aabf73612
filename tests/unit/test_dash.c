/*
 * test_dash.c - the parts of gm-dashboard that decide, apart from HTTP
 * (tests/integration/85-dashboard.sh drives the real server):
 * - which paths reach a handler (http_path_parse, http_path_split): plain
 *   segments only; a NUL or control byte, raw or %-encoded, anywhere in
 *   path or query, a broken escape, an encoded '/': refused, before any route;
 * - the budget of log lines clients can cause (ratelog.c);
 * - the configuration: loopback by default, every mistake with file:line;
 * - staleness (registry.c chan_status, meter_view.c meter_view_status): 3
 *   intervals, monthly manual entries, a status file judged when written;
 * - the alert rule (faults.c): once a fault, not once a channel;
 * - where today's figure ends (meter_view.c): at the last whole row the
 *   file holds, even when the status file names a later reading not yet
 *   written (the collector writes in rounds), so gm-report asked later
 *   reads the same rows;
 * - report files (report_files.c): links, hidden names, FIFOs and files
 *   with a second name (a hard link from outside) never listed nor read,
 *   and nothing blocks on a FIFO.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dash_config.h"
#include "http_server.h"
#include "ratelog.h"
#include "meter_view.h"
#include "report_files.h"
#include "rrd_fixture.h"
#include "rrd_layout.h"
#include "usage.h"
#include "faults.h"
#include "fault_text.h"
#include "timeutil.h"
#include "gm_err.h"
#include "testutil.h"

static int split(const char *path, const char **seg)
{
	static char buf[HTTP_URI_MAX + 2];

	return http_path_split(path, buf, sizeof(buf), seg, HTTP_SEG_MAX);
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

/* One request URI, as bytes (NUL included), and what must become of it. */
struct uri_case {
	const char *uri;
	size_t n;          /* 0: strlen(uri) */
	int status;        /* 0 accepted, else 400 / 414 */
	int nseg;
	const char *path;  /* the decoded path when accepted */
};

static void test_path_refusals(void **state)
{
	static const struct uri_case cases[] = {
		{ "/", 0, 0, 0, "/" },
		{ "/?lang=en", 0, 0, 0, "/" },
		{ "/meter/hq/m1/import_kwh?lang=en&x=%41", 0, 0, 4, "/meter/hq/m1/import_kwh" },
		{ "/reports/green-test/a.th.html", 0, 0, 3, "/reports/green-test/a.th.html" },
		{ "/reports/", 0, 0, 1, "/reports/" },
		{ "/%72eports", 0, 0, 1, "/reports" },          /* an escape of a plain letter */
		{ "/units?", 0, 0, 1, "/units" },
		/* a NUL: raw (cut short in any C string, so given with its length) ... */
		{ "/\0", 2, 400, 0, NULL },
		{ "/reports/x/a.html\0.txt", 22, 400, 0, NULL },
		{ "/?lang=en\0x", 12, 400, 0, NULL },
		/* ... or encoded, in the path, the query, a key */
		{ "/%00", 0, 400, 0, NULL },
		{ "/reports/x/a.html%00.txt", 0, 400, 0, NULL },
		{ "/?lang=en%00", 0, 400, 0, NULL },
		{ "/?%00=1", 0, 400, 0, NULL },
		/* other control bytes, raw or encoded */
		{ "/a\tb", 0, 400, 0, NULL },
		{ "/a%0ab", 0, 400, 0, NULL },
		{ "/?q=%0D%0AX-Injected:%201", 0, 400, 0, NULL },
		{ "/a%7f", 0, 400, 0, NULL },
		{ "/a\x7f", 0, 400, 0, NULL },
		/* broken escapes */
		{ "/a%zz", 0, 400, 0, NULL },
		{ "/a%4", 0, 400, 0, NULL },
		{ "/a%", 0, 400, 0, NULL },
		{ "/?q=%g0", 0, 400, 0, NULL },
		{ "/?q=%", 0, 400, 0, NULL },
		/* climbing, hidden, encoded slashes and dots, foreign bytes */
		{ "/reports/../etc/passwd", 0, 400, 0, NULL },
		{ "/reports/%2e%2e/etc/passwd", 0, 400, 0, NULL },
		{ "/reports/%2E%2e", 0, 400, 0, NULL },
		{ "/reports%2fgreen-test", 0, 400, 0, NULL },
		{ "/meter/hq/..%2F..%2Fetc/passwd", 0, 400, 0, NULL },
		{ "/reports/.ssh", 0, 400, 0, NULL },
		{ "/reports/%2essh", 0, 400, 0, NULL },
		{ "/a/./b", 0, 400, 0, NULL },
		{ "/a%25b", 0, 400, 0, NULL },          /* a literal '%' in a name */
		{ "/a%20b", 0, 400, 0, NULL },
		{ "/a+b", 0, 400, 0, NULL },
		{ "/caf\xc3\xa9", 0, 400, 0, NULL },
		{ "/caf%C3%A9", 0, 400, 0, NULL },
		{ "/a//b", 0, 400, 0, NULL },
		{ "//", 0, 400, 0, NULL },
		{ "", 0, 400, 0, NULL },
		{ "?x=1", 0, 400, 0, NULL },
		{ "relative", 0, 400, 0, NULL },
		{ "*", 0, 400, 0, NULL },
		{ "http://host/", 0, 400, 0, NULL },
		{ "/1/2/3/4/5/6/7/8/9", 0, 400, 0, NULL },
	};
	struct http_path p;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct uri_case *c = &cases[i];
		size_t n = c->n ? c->n : strlen(c->uri);
		int rc = http_path_parse(c->uri, n, &p, &why);

		if (rc != c->status)
			fail_msg("\"%s\" (%zu bytes): %d (%s), want %d", c->uri, n, rc,
			    why ? why : "accepted", c->status);
		if (rc != 0) {
			assert_non_null(why);
			continue;
		}
		assert_null(why);
		assert_int_equal(p.nseg, c->nseg);
		assert_string_equal(p.path, c->path);
	}
	/* a NUL is named as such */
	assert_int_equal(http_path_parse("/%00", 4, &p, &why), 400);
	assert_string_equal(why, "a NUL in the request");
	/* the segments */
	assert_int_equal(http_path_parse("/graph/a/b/c/24h.png?lang=en", 28, &p, &why), 0);
	assert_int_equal(p.nseg, 5);
	assert_string_equal(p.seg[0], "graph");
	assert_string_equal(p.seg[4], "24h.png");
	/* the length: HTTP_URI_MAX bytes pass, one more is 414 */
	char *big = malloc(HTTP_URI_MAX + 2);

	assert_non_null(big);
	memset(big, 'a', HTTP_URI_MAX + 1);
	memcpy(big, "/?x=", 4);
	assert_int_equal(http_path_parse(big, HTTP_URI_MAX, &p, &why), 0);
	assert_int_equal(http_path_parse(big, HTTP_URI_MAX + 1, &p, &why), 414);
	free(big);
}

static void test_ratelog(void **state)
{
	struct ratelog r;
	const time_t t0 = 1800000000;

	(void)state;
	assert_int_equal(ratelog_init(&r, "test", 3, 60), 0);
	assert_int_equal(ratelog_tick(&r, t0), 0);   /* nothing yet */
	for (int i = 0; i < 3; i++)
		assert_true(ratelog_say(&r, t0 + i, "line %d", i));
	for (int i = 0; i < 10000; i++)   /* the rest of the minute: counted, not logged */
		assert_false(ratelog_say(&r, t0 + 10, "line %d", i));
	assert_string_equal(r.last, "line 9999");
	assert_int_equal(ratelog_tick(&r, t0 + 59), 0);    /* the minute is not over */
	assert_int_equal(ratelog_tick(&r, t0 + 60), 10000); /* summed up once */
	assert_int_equal(ratelog_tick(&r, t0 + 200), 0);
	/* a new minute: a fresh budget; the summary also comes with the next line */
	assert_true(ratelog_say(&r, t0 + 300, "again"));
	for (int i = 0; i < 5; i++)
		ratelog_say(&r, t0 + 301, "more");
	assert_int_equal(r.held, 3);
	assert_true(ratelog_say(&r, t0 + 400, "later"));   /* rolls: summary, then this */
	assert_int_equal(r.held, 0);
	assert_int_equal(r.said, 1);
	ratelog_fini(&r);
}

static void test_config(void **state)
{
	struct dash_config c;
	const char *path;

	(void)state;
	assert_int_equal(dash_config_load(NULL, &c, collect, NULL), 0);
	assert_string_equal(c.host, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_int_equal(c.max_connections, 1024);
	assert_int_equal(c.max_per_ip, 32);
	assert_int_equal(c.idle_timeout_s, 10);
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
		"d.conf:10: unknown section [web] (expected [dashboard], [mqtt], [line], [mail], "
		    "[webhook], [accounts] or [ldap])",
	};
	expect_reports(want, 5);
	assert_string_equal(c.host, "0.0.0.0");   /* only when told */
	assert_int_equal(c.port, 9000);
	assert_int_equal(c.refresh_s, 10);
	reports.n = 0;
	/* the connection limits: in range, and agreeing with each other */
	reports.n = 0;
	path = fixture("l.conf", "[dashboard]\ndata_dir = /x\nmax_connections = 8\n"
	    "max_per_ip = -1\nidle_timeout = 0\n");
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 3);
	path = fixture("m.conf", "[dashboard]\ndata_dir = /x\nmax_connections = 64\n"
	    "max_per_ip = 100\nidle_timeout = 3\n");
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 0);
	assert_int_equal(dash_config_check(&c, collect, NULL), 1);
	static const char *const want_lim[] = {
		"l.conf:3: max_connections = \"8\": expected a whole number from 16 to 65536",
		"l.conf:4: max_per_ip = \"-1\": expected a whole number from 0 to 65536",
		"l.conf:5: idle_timeout = \"0\": expected a whole number from 1 to 3600",
		"max_connections = 64: must be at least max_per_ip (100) and threads (4)",
	};
	expect_reports(want_lim, 4);
	assert_int_equal(c.max_connections, 64);
	assert_int_equal(c.idle_timeout_s, 3);
	reports.n = 0;
	path = fixture("t.conf", "[dashboard]\ndata_dir = /x\nalert_topic = site/alerts\n");
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 0);
	assert_int_equal(dash_config_check(&c, collect, NULL), 1);   /* no [mqtt] */
	assert_int_equal(dash_config_listen("[::1]:8081", &c, collect, NULL), 0);
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
		assert_int_equal(meter_view_status(s, &s->rows[i], now), want[i]);
	meter_view_free(s);
	/* A status file written 4 s ago: a 1-second meter whose reading was 1 s
	 * old then is ok, not stale; once the file stops (12 s), judged now. */
	const struct spec fast[] = { { "p", KIND_GAUGE, now - 5, 1 } };
	s = snap_of(fast, 1, now - 4);
	assert_int_equal(meter_view_status(s, &s->rows[0], now), STATUS_OK);
	s->status_mtime = now - 12;
	assert_int_equal(meter_view_status(s, &s->rows[0], now), STATUS_STALE);
	meter_view_free(s);
}

struct seen_log {
	int n;
	char what[16][256];
};

static void note(void *user, const struct fault_event *e)
{
	struct seen_log *log = user;

	snprintf(log->what[log->n++ % 16], sizeof(log->what[0]), "%s %s %s", e->f->key,
	    fault_event_name(e->kind), e->row != NULL ? e->row->st.id.channel : "-");
}

/* Once a fault, not once a scan nor once a channel: a meter's second
 * channel failing while the first is down adds nothing; one "resolved"
 * when both read again. */
static void test_fault_once(void **state)
{
	const double now = 1.8e9;
	const struct spec sp[] = {
		{ "a", KIND_COUNTER, now - 5, 10 },
		{ "b", KIND_COUNTER, now - 500, 10 },   /* stale from the start */
	};
	struct faults *fs = faults_new(NULL, 0, 0);
	struct meter_snap *s = snap_of(sp, 2, 0);
	struct seen_log log = { 0 };

	(void)state;
	assert_int_equal(faults_scan(fs, s, NULL, now, 1, note, &log), 0);   /* settling */
	assert_int_equal(faults_scan(fs, s, NULL, now + 13, 1, note, &log), 1);
	assert_string_equal(log.what[0], "meter:hq/m opened b");
	for (int i = 0; i < 5; i++)
		assert_int_equal(faults_scan(fs, s, NULL, now + 14 + i, 1, note, &log), 0);
	assert_int_equal(faults_scan(fs, s, NULL, now + 40, 1, note, &log), 0);   /* a too */
	s->rows[0].st.last_t = s->rows[1].st.last_t = now + 60;   /* both read again */
	assert_int_equal(faults_scan(fs, s, NULL, now + 61, 1, note, &log), 1);
	assert_string_equal(log.what[1], "meter:hq/m resolved b");   /* its channel */
	assert_int_equal(log.n, 2);
	meter_view_free(s);
	faults_free(fs);
}

/* Where alerts go: a secret only its owner may read, every section whole. */
static void test_notify_config(void **state)
{
	struct dash_config c;
	char text[2048], tok[256];
	const char *path;

	(void)state;
	assert_int_equal(tmpdir_make("notify"), 0);
	snprintf(tok, sizeof(tok), "%s", fixture("line.token", "token-1\n"));   /* a static buffer */
	assert_int_equal(chmod(tok, 0644), 0);
	snprintf(text, sizeof(text), "[dashboard]\ndata_dir = /x\n[line]\ntoken_file = %s\n"
	    "to = U1 C2\napi = ftp://x\n[mail]\nurl = http://mail\nfrom = a@b\n[webhook]\n"
	    "timeout = 0\n", tok);
	path = fixture("n.conf", text);
	reports.n = 0;
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 4);
	assert_non_null(strstr(reports.msg[0], "line.token\": others may read it (mode 644): "
	    "chmod 600 it"));
	assert_non_null(strstr(reports.msg[1], "api = \"ftp://x\": expected an http:// or https://"));
	assert_non_null(strstr(reports.msg[2], "url = \"http://mail\": expected smtp://host:port"));
	assert_non_null(strstr(reports.msg[3], "timeout = \"0\""));
	/* mended: read, and what only the whole section tells */
	assert_int_equal(chmod(tok, 0600), 0);
	snprintf(text, sizeof(text), "[dashboard]\ndata_dir = /x\n[line]\ntoken_file = %s\n"
	    "to = U1 C2\n[mail]\nurl = smtp://mail:587\nfrom = a@b\n[webhook]\nbearer_file = %s\n",
	    tok, tok);
	path = fixture("n2.conf", text);
	reports.n = 0;
	assert_int_equal(dash_config_load(path, &c, collect, NULL), 0);
	assert_string_equal(c.notify.line.token, "token-1");
	assert_int_equal(c.notify.line.nto, 2);
	assert_string_equal(c.notify.line.to[1], "C2");
	assert_string_equal(c.notify.line.api, "https://api.line.me");
	assert_int_equal(dash_config_check(&c, collect, NULL), 2);   /* mail: no to; webhook: no url */
}

/* Quiet hours: across midnight, within a day, never, and mistakes. */
static void test_quiet_hours(void **state)
{
	struct notify_config n;
	struct conf c = { .path = "q.conf", .report = collect };

	(void)state;
	tz_set("Asia/Bangkok");
	notify_config_defaults(&n);
	assert_true(notify_quiet_until(&n, 1796661000) == 0);   /* none set: never quiet */
	notify_config_quiet(&c, &n, "alert_quiet", "22:00-07:00");
	assert_int_equal(c.errors, 0);
	/* 7 Dec 2569 23:30: quiet until 8 Dec 07:00; 06:59: a minute more */
	assert_true(notify_quiet_until(&n, 1796661000) == 1796688000);
	assert_true(notify_quiet_until(&n, 1796687940) == 1796688000);
	assert_true(notify_quiet_until(&n, 1796688000) == 0);   /* 07:00: over */
	assert_true(notify_quiet_until(&n, 1796619600) == 0);   /* noon */
	notify_config_quiet(&c, &n, "alert_quiet", "13:00-14:00");
	assert_true(notify_quiet_until(&n, 1796625000) == 1796626800);   /* 13:30 */
	assert_true(notify_quiet_until(&n, 1796626800) == 0);            /* 14:00 */
	reports.n = 0;
	notify_config_quiet(&c, &n, "alert_quiet", "22:00-7");
	notify_config_quiet(&c, &n, "alert_quiet", "24:00-07:00");
	assert_int_equal(c.errors, 2);
	assert_string_equal(reports.msg[0], "q.conf: alert_quiet = \"22:00-7\": expected HH:MM-HH:MM "
	    "(22:00-07:00)");
}

/* The status file names a reading 75 s after the file's last update (rows
 * wait in the collector's write-ahead log up to write_delay): today ends at
 * the start of the minute of the file's last update, not of the status
 * file's reading, whose row the file does not have yet. */
static void test_today_end(void **state)
{
	struct chan_id id;
	struct rrd_row rows[40];
	char path[600], status[700], err[200];
	/* 10:00:40 Bangkok: a quarter hour or more into the day in any zone but a few */
	const time_t day = 1796490000, last = day + 10 * 3600 + 40;
	struct meter_scan_opts o = { .usage = true };
	struct meter_snap *s;
	const struct meter_row *r;
	struct usage u;

	(void)state;
	assert_int_equal(tmpdir_make("today-end"), 0);
	assert_int_equal(chan_id_set(&id, "hq", "m", "kwh", err, sizeof(err)), 0);
	fixture_dir("hq");
	fixture_dir("hq/m");
	rrd_layout_path(path, sizeof(path), tmpdir, &id);
	rrd_fixture_create(path, last - 40 * 20, 60);
	for (int i = 0; i < 40; i++)
		rows[i] = (struct rrd_row){ last - (39 - i) * 20, 100 + i, 1 };
	rrd_fixture_put(path, rows, 40);
	snprintf(status, sizeof(status), "hq/m/kwh last_t=%lld.000 last=150 kWh received=41 "
	    "stored=40 duplicates=0 lost=0 resets=0 wraps=0\n", (long long)last + 75);
	o.datadir = tmpdir;
	o.status_file = fixture("status", status);
	s = meter_view_scan(&o, NULL, (double)last + 80);
	assert_non_null(s);
	r = meter_view_find(s, &id);
	assert_non_null(r);
	assert_true(r->in_status && r->stored);
	assert_int_equal(r->today.to, last - last % 60);
	/* and its figure is the one gm-report reads for that span */
	assert_int_equal(usage_get(path, r->today.from, r->today.to, &u, err, sizeof(err)), GM_OK);
	assert_float_equal(r->today.amount, u.amount, 1e-9);
	assert_float_equal(r->today.coverage, u.coverage, 1e-9);
	meter_view_free(s);
}

/* A snapshot of the status file that says fmt (one %.3f: its time). */
static struct meter_snap *scan_status(struct meter_scan_opts *o, double now, const char *fmt,
    double t)
{
	static char status[512];

	snprintf(status, sizeof(status), fmt, t);
	o->status_file = fixture("status", status);
	return meter_view_scan(o, NULL, now);
}

/* A reading outside its meter's limits (organisation file) is a fault of
 * the meter, and its alert says which channel, what it read and the
 * limits, in Thai and English. */
static void test_out_of_range(void **state)
{
	static const char org_text[] =
	    "[organisation]\nbaseline = 2568\n[unit a]\nth = ก\n"
	    "[meter hq/m]\nth = มิเตอร์ห้องเครื่อง\nen = Machine room\nlimits = voltage 200..250\n";
	const double now = 1796600000;
	struct org org;
	char status[512], text[1024];
	struct meter_scan_opts o = { .usage = false };
	struct meter_snap *s;
	const struct meter_row *v, *k;
	struct fault f = { .scope = FAULT_METER, .key = "meter:hq/m", .what = "hq/m",
	    .channel = "voltage", .status = STATUS_FAULT, .since = now - 5 };
	struct fault_event e = { FE_OPENED, &f, NULL };

	(void)state;
	memset(&org, 0, sizeof(org));
	assert_int_equal(tmpdir_make("range"), 0);
	assert_int_equal(org_load(fixture("org.ini", org_text), &org, collect, NULL), 0);
	snprintf(status, sizeof(status),
	    "hq/m/voltage last_t=%.3f last=275 V kind=gauge interval=60.000\n"
	    "hq/m/kwh last_t=%.3f last=10 kWh kind=counter interval=60.000\n", now - 5, now - 5);
	o.datadir = tmpdir;
	o.status_file = fixture("status", status);
	o.org = &org;
	s = meter_view_scan(&o, NULL, now);
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	k = &s->rows[0];
	v = &s->rows[1];
	assert_string_equal(v->st.id.channel, "voltage");
	assert_true(v->out_of_range && v->limit->hi == 250);
	assert_int_equal(meter_view_status(s, v, now), STATUS_FAULT);
	assert_false(k->out_of_range);
	assert_int_equal(meter_view_status(s, k, now), STATUS_OK);
	e.row = v;
	fault_text(&e, &org, LANG_TH, now, text, sizeof(text));
	assert_non_null(strstr(text, "มิเตอร์ห้องเครื่อง"));
	assert_non_null(strstr(text, "(voltage: 275 โวลต์ นอกช่วงที่กำหนด 200–250)"));
	fault_text(&e, &org, LANG_EN, now, text, sizeof(text));
	assert_non_null(strstr(text, "(voltage: 275 V outside its limits 200..250)"));
	meter_view_free(s);
	/* gone silent since: stale, whatever its last reading said */
	s = scan_status(&o, now, "hq/m/voltage last_t=%.3f last=275 V kind=gauge "
	    "interval=60.000\n", now - 3600);
	assert_true(s->rows[0].out_of_range);
	assert_int_equal(meter_view_status(s, &s->rows[0], now), STATUS_STALE);
	meter_view_free(s);
	/* back inside: ok */
	s = scan_status(&o, now, "hq/m/voltage last_t=%.3f last=230 V kind=gauge "
	    "interval=60.000\n", now - 5);
	assert_false(s->rows[0].out_of_range);
	assert_int_equal(meter_view_status(s, &s->rows[0], now), STATUS_OK);
	meter_view_free(s);
	/* a problem the collector flagged, in words */
	s = scan_status(&o, now, "hq/m/voltage last_t=%.3f last=230 V kind=gauge "
	    "interval=60.000 status=fault problem=unannounced_counter_reset_(from_5_to_1)\n", now - 5);
	e.row = &s->rows[0];
	fault_text(&e, &org, LANG_TH, now, text, sizeof(text));
	assert_non_null(strstr(text, "(voltage: มิเตอร์รีเซ็ตโดยไม่แจ้ง)"));
	fault_text(&e, &org, LANG_EN, now, text, sizeof(text));
	assert_non_null(strstr(text, "(voltage: an unannounced counter reset)"));
	meter_view_free(s);
	org_free(&org);
}

static void test_report_files(void **state)
{
	char dir[512], err[400];
	struct report_set *sets;
	char *buf = NULL;
	size_t len;
	int n;

	(void)state;
	assert_int_equal(tmpdir_make("reports"), 0);
	snprintf(dir, sizeof(dir), "%s/r", tmpdir);
	fixture_dir("r");
	fixture_dir("r/set1");
	fixture("r/set1/a.th.html", "<p>a</p>");
	fixture("r/set1/.hidden", "no");
	fixture_link("r/set1/link.html", "/etc/passwd");
	fixture_link("r/outside", "/etc");
	n = report_files_sets(dir, &sets);
	assert_int_equal(n, 1);   /* the linked directory is not a set */
	assert_string_equal(sets[0].name, "set1");
	assert_int_equal(sets[0].nfiles, 1);   /* neither the link nor the hidden file */
	assert_string_equal(sets[0].files[0].name, "a.th.html");
	report_files_sets_free(sets, n);
	assert_int_equal(report_files_read(dir, "set1", "a.th.html", &buf, &len, err, sizeof(err)),
	    GM_OK);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "<p>a</p>", 8);
	free(buf);
	assert_int_equal(report_files_read(dir, "set1", "link.html", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "outside", "passwd", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "set1", ".hidden", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "..", "r", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_string_equal(report_files_type("x.csv"), "text/csv; charset=utf-8");
	assert_string_equal(report_files_type("x.exe"), "application/octet-stream");
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "report_files_read blocked on a special file\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

/* Files that are not what they seem: a FIFO (opening it for reading would
 * wait for a writer for ever), a hard link to a file outside the set (it
 * is the outside file), a directory where a file should be. */
static void test_report_special(void **state)
{
	char dir[512], path[600], outside[600], err[400] = "";
	struct report_set *sets;
	char *buf = NULL;
	size_t len;
	int n;

	(void)state;
	assert_int_equal(tmpdir_make("special"), 0);
	snprintf(dir, sizeof(dir), "%s/r", tmpdir);
	fixture_dir("r");
	fixture_dir("r/set1");
	fixture("r/set1/ok.html", "ok");
	fixture_fifo("r/set1/pipe.html");
	fixture_dir("r/set1/sub.html");
	snprintf(outside, sizeof(outside), "%s/secret.txt", tmpdir);
	write_file(outside, "secret");
	snprintf(path, sizeof(path), "%s/set1/secret.html", dir);
	assert_int_equal(link(outside, path), 0);
	fixture_fifo("r/fifo-set");   /* a FIFO where a set should be */

	signal(SIGALRM, on_alarm);
	alarm(10);   /* a read that blocks fails the test instead of hanging it */
	n = report_files_sets(dir, &sets);
	assert_int_equal(n, 1);
	assert_int_equal(sets[0].nfiles, 1);   /* only ok.html */
	assert_string_equal(sets[0].files[0].name, "ok.html");
	report_files_sets_free(sets, n);
	assert_int_equal(report_files_read(dir, "set1", "pipe.html", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "fifo-set", "x", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "set1", "sub.html", &buf, &len, err, sizeof(err)),
	    GM_ENOTFOUND);
	assert_int_equal(report_files_read(dir, "set1", "secret.html", &buf, &len, err,
	    sizeof(err)), GM_EINVAL);
	assert_string_equal(err, "report set1/secret.html: has 2 names (hard links); a report "
	    "file has one, so it could be a file from elsewhere: not served");
	alarm(0);
	/* once the outside name is gone it is a file of the set like any other */
	assert_int_equal(unlink(outside), 0);
	assert_int_equal(report_files_read(dir, "set1", "secret.html", &buf, &len, err,
	    sizeof(err)), GM_OK);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_path_refusals),
		cmocka_unit_test(test_ratelog),
		cmocka_unit_test_teardown(test_config, tmpdir_teardown),
		cmocka_unit_test(test_stale_rule),
		cmocka_unit_test(test_fault_once),
		cmocka_unit_test_teardown(test_notify_config, tmpdir_teardown),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test_teardown(test_today_end, tmpdir_teardown),
		cmocka_unit_test_teardown(test_out_of_range, tmpdir_teardown),
		cmocka_unit_test_teardown(test_report_files, tmpdir_teardown),
		cmocka_unit_test_teardown(test_report_special, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
