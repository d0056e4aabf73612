/*
 * test_ingest.c - one MQTT message in, validated, deduplicated, stored
 * (collector/ingest.c with the real rrd_store, counter and registry).
 *
 * Every test gets a fresh temporary directory <tmpdir> with the data
 * directory <tmpdir>/data in it, so a path that climbed out of the data
 * directory would still land where the tests look. The clock is fixed:
 *   NOW = 2024-06-01T00:00:00Z = 1717200000 (2024-01-01T00:00:00Z is
 *   1704067200; January to May 2024 have 31 + 29 + 31 + 30 + 31 = 152 days:
 *   1704067200 + 152 * 86400 = 1717200000)
 *   T   = NOW - 3600 = 1717196400, the first reading, a whole minute
 * and readings more than 300 s ahead of NOW are refused.
 * What was stored is read back through usage_get (common/store/usage.c);
 * its amounts are sums of `use` and are compared to within 1e-9.
 *
 * Delta readings (manual monthly entries) go to an entries journal instead;
 * their t is the end of the month they cover, in local time (Asia/Bangkok,
 * UTC+7), and all are before NOW. With TZ=Asia/Bangkok, `date -d
 * '2023-10-01 00:00' +%s` and so on:
 *   AUG23 2023-08-01 = 1690822800 (end of July)
 *   SEP23 2023-09-01 = 1693501200 (end of August)
 *   OCT23 2023-10-01 = 1696093200 (end of September)
 *   NOV23 2023-11-01 = 1698771600 (end of October)
 * (2023-10-01T00:00Z = 1696118400, less 7 hours = 1696093200; September has
 * 30 days: 1696093200 - 2592000 = 1693501200; October 31: + 2678400 =
 * 1698771600; July 31: 1693501200 - 2678400 = 1690822800.)
 * The journal's sums are exact and compared exactly.
 */
#include <dirent.h>
#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#define RRD_EXPORT_DEPRECATED   /* the header structs, as rrd_head.c reads them */
#include <rrd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "event_store.h"
#include "ingest_fixture.h"
#include "requeue.h"
#include "chanmeta.h"
#include "usage.h"
#include "entries.h"
#include "gm_err.h"
#include "log.h"
#include "rrd_layout.h"
#include "testutil.h"
#include "timeutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define NOW 1717200000L
#define T (NOW - 3600)
#define EPS 1e-9
#define TREE_MAX 8192

/* 65 characters: one more than an id may have */
#define ID65 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefx"

static bool queued;   /* this test goes through the write-ahead log */

/* The queued tests' writer waits a minute, longer than any test: rows
 * reach their files only when ingest settles a channel (a late reading, a
 * restart) or when the test reads them (flush). */
#define QUEUE_DELAY 60

static void open_queue(void)
{
	char err[256];

	const struct sq_hooks hooks = { ingest_written, ingest_quarantined, &ig };

	if (store_queue_open(&ig.queue, ig.store, ig.dlq, datadir, QUEUE_DELAY, 0, &hooks, err,
	    sizeof(err)) != GM_OK)
		fail_msg("store_queue_open: %s", err);
}

/* Everything queued into the files: the queue closed (which writes it all)
 * and opened again. */
static void flush(void)
{
	if (!queued)
		return;
	store_queue_close(ig.queue);
	open_queue();
}

/* A collector restart: a new registry, the store opened again on the same
 * data directory if asked, and the queue (which writes what it has at close,
 * and counts into the registry: so it stops first). */
static void restart(bool reopen_store)
{
	char err[256];

	store_queue_close(ig.queue);
	ig.queue = NULL;
	registry_free(ig.reg);
	assert_non_null(ig.reg = registry_new());
	if (reopen_store) {
		rrd_store_close(ig.store);
		assert_non_null(ig.store = rrd_store_open(datadir, NULL, err, sizeof(err)));
	}
	if (queued)
		open_queue();
}

static int setup(void **state)
{
	(void)state;
	queued = false;
	return tmpdir_make("ingest") == 0 ? ingest_fixture_open(NOW) : -1;
}

static int setup_queued(void **state)
{
	if (setup(state) != 0)
		return -1;
	queued = true;
	open_queue();
	return 0;
}

static int teardown(void **state)
{
	ingest_fixture_close();
	return tmpdir_teardown(state);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir, size_t toplen, char **names, int *n, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct stat st;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		/* the quarantine is looked at by the tests that fill it */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, ".quarantine") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_true(*n < max);
		names[(*n)++] = strdup(path + toplen);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(path, toplen, names, n, max);
	}
	closedir(d);
}

/* Every path under <tmpdir>, relative to it, sorted, one a line. */
static void tree(char *out, size_t len)
{
	char *names[256];
	int n = 0;
	size_t o = 0;

	walk(tmpdir, strlen(tmpdir), names, &n, 256);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		o += (size_t)snprintf(out + o, len - o, "%s\n", names[i]);
		assert_true(o < len);
		free(names[i]);
	}
}

/* Whether a file matches the pattern. */
static bool any_file(const char *pattern)
{
	glob_t g;
	bool any = glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0;

	globfree(&g);
	return any;
}

static enum ingest_result send_msg(const char *topic, const char *payload)
{
	return ingest_message(&ig, topic, payload, strlen(payload));
}

static struct chan_id chan(const char *site, const char *meter, const char *channel)
{
	struct chan_id id;
	char err[256];

	assert_int_equal(chan_id_set(&id, site, meter, channel, err, sizeof(err)), GM_OK);
	return id;
}

static struct chan_state *state_of(const char *site, const char *meter, const char *channel)
{
	struct chan_id id = chan(site, meter, channel);
	size_t before = registry_count(ig.reg);
	struct chan_state *cs = registry_get(ig.reg, &id);

	/* looking must not be what adds it */
	assert_int_equal(registry_count(ig.reg), before);
	return cs;
}

static void rrd_path(char *buf, size_t len, const char *site, const char *meter,
    const char *channel)
{
	struct chan_id id = chan(site, meter, channel);

	rrd_layout_path(buf, len, datadir, &id);
}

/* The amount stored for the channel over [from, to). */
static double amount(const char *site, const char *meter, const char *channel, long from,
    long to, double *coverage)
{
	char path[512], err[512];
	struct usage u;

	flush();
	rrd_path(path, sizeof(path), site, meter, channel);
	if (usage_get(path, (time_t)from, (time_t)to, &u, err, sizeof(err)) != GM_OK)
		fail_msg("usage_get: %s", err);
	if (coverage != NULL)
		*coverage = u.coverage;
	return u.amount;
}

static void expect_near(const char *what, double got, double want)
{
	if (!(fabs(got - want) <= EPS))
		fail_msg("%s: %.17g, want %.17g", what, got, want);
}

static void expect_counts(const struct chan_state *cs, uint64_t received, uint64_t stored,
    uint64_t duplicates, uint64_t lost, uint64_t resets, uint64_t wraps)
{
	flush();   /* queued rows count as stored once written */
	assert_non_null(cs);
	if (cs->r.received != received || cs->r.stored != stored ||
	    cs->r.duplicates != duplicates || cs->r.lost != lost || cs->r.resets != resets ||
	    cs->r.wraps != wraps)
		fail_msg("received %llu stored %llu duplicates %llu lost %llu resets %llu "
		    "wraps %llu, want %llu %llu %llu %llu %llu %llu",
		    (unsigned long long)cs->r.received, (unsigned long long)cs->r.stored,
		    (unsigned long long)cs->r.duplicates, (unsigned long long)cs->r.lost,
		    (unsigned long long)cs->r.resets, (unsigned long long)cs->r.wraps,
		    (unsigned long long)received, (unsigned long long)stored,
		    (unsigned long long)duplicates, (unsigned long long)lost,
		    (unsigned long long)resets, (unsigned long long)wraps);
}

/* The events journal under datadir holds its header and lines starting
 * with a, b, c (NULL: fewer), in that order, and nothing else. */
static void expect_events(const char *rel, const char *a, const char *b, const char *c)
{
	const char *want[] = { a, b, c };
	char path[512], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", datadir, rel);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "greenmeter-events 1\n");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (n >= 3 || want[n] == NULL || strncmp(line, want[n], strlen(want[n])) != 0)
			fail_msg("%s line %zu: %s", rel, n + 2, line);
		n++;
	}
	fclose(f);
	if (n < 3 && want[n] != NULL)
		fail_msg("%s: %zu event lines, missing \"%s\"", rel, n, want[n]);
}

#define ENERGY "greenmeter/v1/hq/m1/energy"
#define KWH ",\"unit\":\"kWh\",\"kind\":\"counter\""

/* T = 1717196400 as text */
#define TS "1717196400"

static void test_single_reading(void **state)
{
	struct chan_state *cs;
	struct chanmeta meta;
	struct stat st;
	char path[512], err[512];
	struct chan_id id = chan("hq", "m1", "energy");
	bool exists;
	double t, v;

	(void)state;
	done(ENERGY, "{\"t\":" TS ",\"v\":1000.5" KWH ",\"seq\":1}");
	/* queued: in the log, not in a file yet */
	snprintf(path, sizeof(path), "%s/hq/m1/energy.rrd", datadir);
	assert_int_equal(stat(path, &st) == 0, !queued);
	flush();

	snprintf(path, sizeof(path), "%s/hq/m1/energy.rrd", datadir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	snprintf(path, sizeof(path), "%s/hq/m1/energy.meta", datadir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(chanmeta_read(datadir, &id, &meta, err, sizeof(err)), GM_OK);
	assert_string_equal(meta.unit, "kWh");
	assert_int_equal(meta.kind, KIND_COUNTER);

	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 1, 1, 0, 0, 0, 0);
	assert_true(cs->r.have_last);
	assert_true(cs->r.last_t == T);
	assert_true(cs->r.last_v == 1000.5);
	assert_string_equal(cs->r.unit, "kWh");
	assert_int_equal(cs->r.kind, KIND_COUNTER);
	assert_int_equal(cs->r.last_seq, 1);

	/* what the file itself says */
	assert_int_equal(rrd_store_last(ig.store, &id, &exists, &t, &v, err, sizeof(err)), GM_OK);
	assert_true(exists);
	assert_true(t == T);
	assert_true(v == 1000.5);
}

/* Readings 1000.5 at T, 1001 at T + 60 and 1002.5 at T + 120: use 0.5 and
 * 1.5, so 2 over (T, T + 120]. */
static void store_three(void)
{
	done(ENERGY, "{\"t\":" TS ",\"v\":1000.5" KWH ",\"seq\":1}");
	done(ENERGY, "{\"readings\":[[1717196460,1001],[1717196520,1002.5]]" KWH ",\"seq\":2}");
}

static void test_batch(void **state)
{
	struct chan_state *cs;
	double cov;

	(void)state;
	store_three();
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 3, 3, 0, 0, 0, 0);
	assert_true(cs->r.last_t == T + 120);
	assert_true(cs->r.last_v == 1002.5);
	expect_near("amount", amount("hq", "m1", "energy", T, T + 120, &cov), 2.0);
	expect_near("coverage", cov, 1.0);
	expect_near("minute 2", amount("hq", "m1", "energy", T + 60, T + 120, NULL), 1.5);
}

/* A channel's first reading in the middle of a minute: 1000 at T + 35, then
 * 1010.2 at T + 1235 (after a gap) and again at T + 1295 (which closes the
 * row holding the one before). The 10.2 is spread over (T + 35, T + 1235],
 * 25 s of it in the first minute, (T, T + 60]: that minute is 35 s before
 * the first reading, and must not be dropped as mostly unknown. */
static void test_first_mid_minute(void **state)
{
	(void)state;
	done(ENERGY, "{\"t\":1717196435,\"v\":1000" KWH ",\"seq\":1}");
	done(ENERGY, "{\"readings\":[[1717197635,1010.2],[1717197695,1010.2]]" KWH
	    ",\"seq\":2}");
	expect_near("the hour", amount("hq", "m1", "energy", T - 3600, T + 3600, NULL),
	    1010.2 - 1000);
	expect_near("the first minute", amount("hq", "m1", "energy", T, T + 60, NULL),
	    (1010.2 - 1000) * 25 / 1200);
}

/* A redelivery: at or before the last stored reading, counted, not stored. */
static void test_replay(void **state)
{
	struct chan_state *cs;

	(void)state;
	store_three();
	/* the same batch again */
	done(ENERGY, "{\"readings\":[[1717196460,1001],[1717196520,1002.5]]" KWH ",\"seq\":2}");
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 5, 3, 2, 0, 0, 0);
	/* the same time as the last, other value: still a duplicate */
	done(ENERGY, "{\"t\":1717196520,\"v\":999" KWH ",\"seq\":3}");
	/* older than the last, where the file has readings (a resend renumbered
	 * by an agent restart looks like this): a duplicate */
	done(ENERGY, "{\"t\":1717196430,\"v\":1000.75" KWH ",\"seq\":4}");
	expect_counts(cs, 7, 3, 4, 0, 0, 0);
	assert_true(cs->r.last_t == T + 120);
	assert_true(cs->r.last_v == 1002.5);
	/* a batch half old, half new: T + 60 is a duplicate, T + 180 stored
	 * with use 1003 - 1002.5 = 0.5 */
	done(ENERGY, "{\"readings\":[[1717196460,1001],[1717196580,1003]]" KWH ",\"seq\":5}");
	expect_counts(cs, 9, 4, 5, 0, 0, 0);
	assert_int_equal(cs->r.late, 0);
	expect_near("amount", amount("hq", "m1", "energy", T, T + 180, NULL), 2.5);
}

/* A reading older than the file's last, where the file has no readings (a
 * gap of 30 minutes, more than the 15-minute heartbeat): it comes late. The
 * RRD cannot take it; the events journal keeps it, and the consumption
 * stays the counter's difference. */
static void test_late(void **state)
{
	struct chan_state *cs;
	struct usage u;
	char path[512], err[256];

	(void)state;
	done(ENERGY, "{\"t\":" TS ",\"v\":1000" KWH ",\"seq\":1}");
	done(ENERGY, "{\"t\":1717198200,\"v\":1006" KWH ",\"seq\":2}");
	/* T + 900, in the gap, and T + 1800 again (a repeat) */
	done(ENERGY, "{\"readings\":[[1717197300,1003],[1717198200,1006]]" KWH ",\"seq\":3}");
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 4, 2, 1, 0, 0, 0);
	assert_int_equal(cs->r.late, 1);
	expect_events("hq/m1/energy.events", "1717197300 late v=1003 seq=3 at=", NULL, NULL);
	expect_near("amount", amount("hq", "m1", "energy", T, T + 1800, NULL), 6);
	rrd_path(path, sizeof(path), "hq", "m1", "energy");
	assert_int_equal(usage_get(path, T, T + 1800, &u, err, sizeof(err)), GM_OK);
	assert_int_equal(u.ev.late, 1);
	assert_true(usage_flagged(&u));
}

/* Readings as they came, newest first, each with what became of it:
 * stored, a duplicate (the oldest of a batch sent again), late, a reset,
 * refused into the quarantine; at most `arrivals` kept; none when 0. */
static void test_arrivals(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m2/energy";
	struct chan_state *cs;
	const struct arrival *a;

	(void)state;
	ig.arrivals = 5;
	done(topic, "{\"t\":1717196400,\"v\":500" KWH ",\"seq\":1}");
	done(topic, "{\"readings\":[[1717196400,500],[1717196460,503]]" KWH ",\"seq\":2}");
	done(topic, "{\"t\":1717196520,\"v\":300" KWH ",\"seq\":3}");   /* a reset */
	done(topic, "{\"t\":1717196580,\"v\":301,\"unit\":\"m3\",\"kind\":\"counter\",\"seq\":4}");
	cs = state_of("hq", "m2", "energy");
	assert_int_equal(cs->r.narrived, 5);
	a = cs->r.arrived;
	assert_true(a[0].t == 1717196580 && a[0].v == 301 && a[0].note == ARR_QUARANTINED);
	assert_true(a[1].t == 1717196520 && a[1].v == 300 && a[1].note == ARR_RESET);
	assert_true(a[2].t == 1717196460 && a[2].v == 503 && a[2].note == ARR_STORED);
	assert_true(a[3].t == 1717196400 && a[3].note == ARR_DUPLICATE);
	assert_true(a[4].t == 1717196400 && a[4].note == ARR_STORED);
	assert_true(a[0].at == NOW);
	/* the sixth pushes the oldest out */
	done(topic, "{\"t\":1717196640,\"v\":302" KWH ",\"seq\":5}");
	assert_int_equal(cs->r.narrived, 5);
	assert_true(cs->r.arrived[0].v == 302 && cs->r.arrived[4].note == ARR_DUPLICATE);
	/* a late one */
	done(topic, "{\"t\":1717198200,\"v\":310" KWH ",\"seq\":6}");
	done(topic, "{\"t\":1717197300,\"v\":305" KWH ",\"seq\":7}");
	assert_true(cs->r.arrived[0].v == 305 && cs->r.arrived[0].note == ARR_LATE);
	/* a batch that mixes them: each reading its own note (two late in the
	 * gap, a duplicate of the last, a new one) */
	done(topic, "{\"readings\":[[1717197600,306],[1717197900,307],[1717198200,310],"
	    "[1717198260,311]]" KWH ",\"seq\":8}");
	a = cs->r.arrived;
	assert_true(a[0].v == 311 && a[0].note == ARR_STORED);
	assert_true(a[1].v == 310 && a[1].note == ARR_DUPLICATE);
	assert_true(a[2].v == 307 && a[2].note == ARR_LATE);
	assert_true(a[3].v == 306 && a[3].note == ARR_LATE);
	/* none kept */
	ig.arrivals = 0;
	done(topic, "{\"t\":1717198320,\"v\":312" KWH ",\"seq\":9}");
	assert_true(cs->r.arrived[0].v == 311);
}

/* After a restart the registry is empty; the last reading comes from the
 * file, so a redelivery is still a duplicate and the next use is right. */
static void test_replay_after_restart(void **state)
{
	struct chan_state *cs;

	(void)state;
	store_three();
	restart(false);
	done(ENERGY, "{\"t\":1717196460,\"v\":1001" KWH ",\"seq\":2}");
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 1, 0, 1, 0, 0, 0);
	/* 1003.25 - 1002.5 (the value in the file) = 0.75 */
	done(ENERGY, "{\"t\":1717196580,\"v\":1003.25" KWH ",\"seq\":3}");
	expect_counts(cs, 2, 1, 1, 0, 0, 0);
	expect_near("after restart", amount("hq", "m1", "energy", T + 120, T + 180, NULL), 0.75);
}

/*
 * After a restart the registry learns the file's last time from its header,
 * to the millisecond: T + 0.5, where librrd's public calls would say T. So a
 * reading at T + 0.2 (older, but in the same second) is a duplicate, and
 * does not become the value the next use is counted from (1000.25 would
 * make a counter "fall" from 1000.5 and then count 0.75 for T + 60.5). A
 * batch resent from T + 0.5 on stores its two newer readings, with use 0.5
 * and 1.5. T + 120.5 = 1717196520.5 is then the file's last update, T + 120
 * in whole seconds.
 */
static void test_resend_after_restart(void **state)
{
	struct chan_state *cs;
	char path[512];

	(void)state;
	done(ENERGY, "{\"t\":1717196400.5,\"v\":1000.5" KWH ",\"seq\":1}");
	restart(true);
	done(ENERGY, "{\"t\":1717196400.2,\"v\":1000.25" KWH ",\"seq\":2}");
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 1, 0, 1, 0, 0, 0);
	assert_true(cs->r.last_t == 1717196400.5);
	assert_true(cs->r.last_v == 1000.5);
	/* T + 0.5, T + 60.5 = 1717196460.5 and T + 120.5 = 1717196520.5 */
	done(ENERGY, "{\"readings\":[[1717196400.5,1000.5],[1717196460.5,1001],"
	    "[1717196520.5,1002.5]]" KWH ",\"seq\":3}");
	expect_counts(cs, 4, 2, 2, 0, 0, 0);
	/* (T, T + 120] holds the 0.5 of (T + 0.5, T + 60.5] and 59.5 s of the
	 * 1.5 spread over (T + 60.5, T + 120.5]: 0.5 + 1.5 * 59.5 / 60 = 1.9875
	 * (with 0.75 for the first it would be 2.2375) */
	expect_near("amount", amount("hq", "m1", "energy", T, T + 120, NULL), 1.9875);
	rrd_path(path, sizeof(path), "hq", "m1", "energy");
	flush();
	rrd_clear_error();
	assert_int_equal(rrd_last_r(path), T + 120);
}

static void test_seq(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/power";
	struct chan_state *cs;

	(void)state;
	done(topic, "{\"t\":1717196400,\"v\":230,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":10}");
	done(topic, "{\"t\":1717196460,\"v\":231,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":11}");
	cs = state_of("hq", "m1", "power");
	expect_counts(cs, 2, 2, 0, 0, 0, 0);
	/* 12, 13 and 14 never came: 15 - 11 - 1 = 3 */
	done(topic, "{\"t\":1717196520,\"v\":232,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":15}");
	expect_counts(cs, 3, 3, 0, 3, 0, 0);
	done(topic, "{\"t\":1717196580,\"v\":233,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":16}");
	expect_counts(cs, 4, 4, 0, 3, 0, 0);
	/* one missing: 18 - 16 - 1 = 1 */
	done(topic, "{\"t\":1717196640,\"v\":234,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":18}");
	expect_counts(cs, 5, 5, 0, 4, 0, 0);
	/* the agent restarted and counts from 0: nothing lost */
	done(topic, "{\"t\":1717196700,\"v\":235,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":0}");
	expect_counts(cs, 6, 6, 0, 4, 0, 0);
	assert_int_equal(cs->r.last_seq, 0);
	/* a gauge has no use */
	assert_true(isnan(amount("hq", "m1", "power", T, T + 300, NULL)));
}

/*
 * None of these may create a file or directory anywhere under <tmpdir>, nor
 * a channel in the registry: each is rejected for good (INGEST_DONE, so
 * the broker does not offer it again).
 */
static void test_hostile(void **state)
{
	static const char good[] = "{\"t\":" TS ",\"v\":1" KWH ",\"seq\":1}";
	static const char *const topics[] = {
		"greenmeter/v1/../x/y",
		"greenmeter/v1/../../x",
		"greenmeter/v1/a/b",
		"greenmeter/v1/a/b/",
		"greenmeter/v1/HQ/m1/energy",
		"greenmeter/v1/hq/" ID65 "/energy",
		"greenmeter/v1/hq/m1/" ID65,
		"greenmeter/v1/a/b/c/d",
		"greenmeter/v1/a/b/c/event/x",
		"greenmeter/v1/a/b/c/event",     /* an event: not stored by this version */
		"greenmeter/v1/a/./c",
		"greenmeter/v1/a//c",
		"greenmeter/v1/a/b/.meta",
		"greenmeter/v1/-a/b/c",
		"greenmeter/v2/a/b/c",
		"/greenmeter/v1/a/b/c",
		"greenmeter/v1/a b/c/d",
		"greenmeter/v1/a/b/c\xc3\xa9",
		"",
	};
	static const char *const payloads[] = {
		"not json",
		"",
		"{}",
		"[1,2]",
		"{\"t\":NaN,\"v\":1" KWH ",\"seq\":1}",
		"{\"t\":" TS ",\"v\":NaN" KWH ",\"seq\":1}",
		"{\"t\":" TS ",\"v\":Infinity" KWH ",\"seq\":1}",
		"{\"t\":" TS ",\"v\":\"1\"" KWH ",\"seq\":1}",
		"{\"t\":\"" TS "\",\"v\":1" KWH ",\"seq\":1}",
		/* 2000-01-01T00:00:00Z = 946684800 is the first time allowed */
		"{\"t\":946684799,\"v\":1" KWH ",\"seq\":1}",
		/* NOW + 3600 = 1717203600: an hour ahead of this clock */
		"{\"t\":1717203600,\"v\":1" KWH ",\"seq\":1}",
		/* only the last reading of a batch is ahead */
		"{\"readings\":[[" TS ",1],[1717203600,2]]" KWH ",\"seq\":1}",
		"{\"readings\":[[1717196460,1],[" TS ",2]]" KWH ",\"seq\":1}",
		"{\"readings\":[]" KWH ",\"seq\":1}",
		"{\"t\":" TS ",\"v\":1,\"unit\":\"kWh\\n[x]\",\"kind\":\"counter\",\"seq\":1}",
		/* 16 characters, one more than a unit may have */
		"{\"t\":" TS ",\"v\":1,\"unit\":\"abcdefghijklmnop\",\"kind\":\"counter\","
		    "\"seq\":1}",
		"{\"t\":" TS ",\"v\":1,\"unit\":\"kWh\",\"kind\":\"total\",\"seq\":1}",
		"{\"t\":" TS ",\"v\":1" KWH ",\"seq\":-1}",
		"{\"t\":" TS ",\"v\":1" KWH ",\"seq\":1,\"wrap\":0}",
		"{\"t\":" TS ",\"v\":1" KWH ",\"seq\":1} x",
		"{\"t\":" TS ",\"v\":1" KWH "}",
	};
	char before[TREE_MAX], after[TREE_MAX];

	(void)state;
	tree(before, sizeof(before));
	assert_string_equal(before, "/data\n");   /* made by rrd_store_open */
	for (size_t i = 0; i < NCASES(topics); i++) {
		if (send_msg(topics[i], good) != INGEST_DONE)
			fail_msg("topic \"%s\" not rejected for good", topics[i]);
	}
	for (size_t i = 0; i < NCASES(payloads); i++) {
		if (send_msg("greenmeter/v1/hq/m9/x", payloads[i]) != INGEST_DONE)
			fail_msg("payload %s not rejected for good", payloads[i]);
	}
	/* a NUL inside the payload, which strlen would not show */
	assert_int_equal(ingest_message(&ig, "greenmeter/v1/hq/m9/x",
	    "{\"t\":" TS ",\"v\":1" KWH ",\"seq\":1}\0", sizeof(good) + 1), INGEST_DONE);
	tree(after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(registry_count(ig.reg), 0);
	/* each refused payload on a channel's topic is kept with its reason;
	 * the refused topics name no channel and are only logged */
	{
		size_t why;

		assert_int_equal(quarantined("", &why), NCASES(payloads) + 1);
		assert_int_equal(quarantined("payload rejected: ", &why), NCASES(payloads) + 1);
		/* the two readings ahead of the clock passed decoding */
		assert_int_equal(why, NCASES(payloads) + 1 - 2);
	}

	/* and the same topic with a good payload does make its files: the
	 * payloads above were refused for themselves */
	done("greenmeter/v1/hq/m9/x", good);
	tree(after, sizeof(after));
	assert_string_equal(after, "/data\n/data/hq\n/data/hq/m9\n/data/hq/m9/x.meta\n"
	    "/data/hq/m9/x.rrd\n");
}

/* 64 characters: the longest id the wire contract allows */
#define ID64 "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"

/*
 * A valid message at every limit of the contract at once: a batch of 5,
 * 64-character ids, a 15-character unit, times with 7 decimals, values of
 * 17 digits with an exponent. It once overran the write-ahead log's buffer
 * and crashed the collector, at every start again. Stored, every reading.
 */
static void test_longest_message(void **state)
{
	static const char topic[] = "greenmeter/v1/" ID64 "/" ID64 "/" ID64;
	/* T = 1717196400 */
	static const char payload[] = "{\"readings\":[[1717196400.1234567,-1.2345678901234567e+300],"
	    "[1717196460.1234567,-1.2345678901234567e+300],"
	    "[1717196520.1234567,-1.2345678901234567e+300],"
	    "[1717196580.1234567,-1.2345678901234567e+300],"
	    "[1717196640.1234567,-1.2345678901234567e+300]],"
	    "\"unit\":\"a-b_c.d/e123456\",\"kind\":\"counter\",\"seq\":9007199254740992}";
	struct chan_state *cs;

	(void)state;
	done(topic, payload);
	cs = state_of(ID64, ID64, ID64);
	expect_counts(cs, 5, 5, 0, 0, 0, 0);
	/* and again, as the broker would after a crash: all duplicates */
	done(topic, payload);
	expect_counts(cs, 10, 5, 5, 0, 0, 0);
	assert_true(cs->r.last_v == -1.2345678901234567e+300);
	assert_int_equal(quarantined("", NULL), 0);
}

/* Damage a file as a disk or a careless copy would: its header overwritten,
 * long enough ago that it is no file being made. */
static void damage(const char *site, const char *meter, const char *channel)
{
	char path[512];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	FILE *f;

	rrd_path(path, sizeof(path), site, meter, channel);
	assert_non_null(f = fopen(path, "r+"));
	fputs("this is no RRD header any more", f);
	fclose(f);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
}

#define GAUGE(t, v, seq) "{\"t\":" #t ",\"v\":" #v ",\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":" #seq "}"

/*
 * One damaged file among three channels: its messages go to the quarantine
 * and are done with, the channel is set aside (fault, with the reason), the
 * other two store every reading. Once the file is replaced, a requeue stores
 * the quarantined readings, and a second requeue stores nothing twice.
 */
static void test_damaged_file(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	char topic[3][64], path[512], err[512];
	struct chan_state *cs[3];
	struct requeue_report rep;
	struct chan_id b = chan("hq", "m1", "b");
	size_t why;

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(topic[i], sizeof(topic[i]), "greenmeter/v1/hq/m1/%s", names[i]);
		done(topic[i], GAUGE(1717196400, 100, 1));
		cs[i] = state_of("hq", "m1", names[i]);
	}
	flush();
	damage("hq", "m1", "b");
	/* T + 60 .. T + 240, four readings a channel */
	done(topic[0], GAUGE(1717196460, 101, 2));
	done(topic[1], GAUGE(1717196460, 201, 2));
	done(topic[2], GAUGE(1717196460, 301, 2));
	flush();   /* queued: the writer finds the damage here */
	for (int k = 3; k <= 5; k++) {
		char msg[160];

		for (int i = 0; i < 3; i++) {
			snprintf(msg, sizeof(msg), "{\"t\":%d,\"v\":%d,\"unit\":\"W\",\"kind\":\"gauge\","
			    "\"seq\":%d}", 1717196400 + 60 * (k - 1), 100 * (i + 1) + k - 1, k);
			done(topic[i], msg);
		}
	}
	expect_counts(cs[0], 5, 5, 0, 0, 0, 0);
	expect_counts(cs[2], 5, 5, 0, 0, 0, 0);
	assert_true(cs[1]->r.aside);
	assert_int_equal(cs[1]->r.quarantined, 4);
	assert_string_equal(chan_status_name(chan_status(&cs[1]->r, T + 300)), "fault");
	assert_non_null(strstr(cs[1]->r.problem, "not an RRD"));
	/* queued, the writer kept the first one as rows of its own message */
	assert_int_equal(quarantined("", &why), 4);

	/* mended: the damaged file moved away, a new one made by the requeue */
	rrd_path(path, sizeof(path), "hq", "m1", "b");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(requeue_run(&ig, &b, &rep, err, sizeof(err)), GM_OK);
	assert_int_equal(rep.back, 0);
	assert_int_equal(rep.channels, 1);
	assert_false(cs[1]->r.aside);
	assert_int_equal(cs[1]->r.requeued, 4);
	assert_int_equal(quarantined("", NULL), 0);
	expect_counts(cs[1], 5, 5, 0, 0, 0, 0);   /* one before the damage, four requeued */
	assert_true(cs[1]->r.last_v == 204);
	/* requeued again (nothing there), and the next reading stored */
	assert_int_equal(requeue_run(&ig, &b, &rep, err, sizeof(err)), GM_OK);
	assert_int_equal(rep.taken, 0);
	done(topic[1], GAUGE(1717196700, 205, 6));
	expect_counts(cs[1], 6, 6, 0, 0, 0, 0);
	assert_string_equal(chan_status_name(chan_status(&cs[1]->r, T + 310)), "ok");
}

/* A line of the events journal torn by a crash is cut before the next
 * event is appended: glued to it, both were lost to every reader. */
static void test_events_torn_tail(void **state)
{
	struct chan_id id = chan("hq", "m1", "energy");
	struct meter_event ev;
	char path[512], err[512];

	(void)state;
	done(ENERGY, "{\"t\":1717196400,\"v\":1000" KWH ",\"seq\":1}");
	meter_event_journal_path(path, sizeof(path), datadir, &id);
	write_file(path, "greenmeter-events 1\n1717196430 late");   /* torn */
	meter_event_clear(&ev);
	ev.t = 1717196440;
	ev.kind = EV_LATE;
	ev.v = 999;
	ev.at = NOW;
	assert_int_equal(event_store_append(datadir, &id, &ev, 1, err, sizeof(err)), GM_OK);
	expect_events("hq/m1/energy.events", "1717196440 late", NULL, NULL);
}

/* What a broker restart or a spool replay does to seq: a message resent
 * after newer ones takes back the loss it was counted as, and an old one
 * resent does not make the next message look like a gap. */
static void test_seq_replay(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/power";
	struct chan_state *cs;

	(void)state;
	done(topic, GAUGE(1717196400, 230, 10));
	done(topic, GAUGE(1717196520, 232, 12));   /* 11 not yet here */
	cs = state_of("hq", "m1", "power");
	expect_counts(cs, 2, 2, 0, 1, 0, 0);
	done(topic, GAUGE(1717196460, 231, 11));   /* here it is, late */
	assert_int_equal(cs->r.lost, 0);
	/* an old message again (a redelivery), then the next one: no gap */
	done(topic, GAUGE(1717196400, 230, 10));
	done(topic, GAUGE(1717196580, 233, 13));
	assert_int_equal(cs->r.lost, 0);
	assert_int_equal(cs->r.last_seq, 13);
	/* numbers starting afresh, with newer readings: a restart, not a loss */
	done(topic, GAUGE(1717196640, 234, 1));
	done(topic, GAUGE(1717196700, 235, 2));
	assert_int_equal(cs->r.lost, 0);
	assert_int_equal(cs->r.last_seq, 2);
}

/* 300 s ahead is the limit, and it is inclusive. */
static void test_future_limit(void **state)
{
	char listing[TREE_MAX];

	(void)state;
	/* NOW + 301 = 1717200301 */
	done("greenmeter/v1/hq/m1/energy", "{\"t\":1717200301,\"v\":1" KWH ",\"seq\":1}");
	tree(listing, sizeof(listing));
	assert_string_equal(listing, "/data\n");
	{
		size_t why;

		assert_int_equal(quarantined("reading at 1717200301.000 is ahead", &why), 1);
		assert_int_equal(why, 1);
	}
	/* NOW + 300 = 1717200300 */
	done("greenmeter/v1/hq/m1/energy", "{\"t\":1717200300,\"v\":1" KWH ",\"seq\":1}");
	expect_counts(state_of("hq", "m1", "energy"), 1, 1, 0, 0, 0, 0);
}

/* A counter that falls without a modulus to explain it: use 0, flagged. */
static void test_reset(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m2/energy";
	struct chan_state *cs;
	double cov;

	(void)state;
	done(topic, "{\"t\":1717196400,\"v\":500" KWH ",\"seq\":1}");
	done(topic, "{\"t\":1717196460,\"v\":503" KWH ",\"seq\":2}");   /* use 3 */
	/* a fall: 3 a minute is the fastest seen, so at most 2 * 3 = 6 can
	 * have been counted in the next minute. The counter shows 300: a meter
	 * swapped unannounced, counted as 0, never as 300 or -203 */
	done(topic, "{\"t\":1717196520,\"v\":300" KWH ",\"seq\":3}");
	cs = state_of("hq", "m2", "energy");
	expect_counts(cs, 3, 3, 0, 0, 1, 0);
	assert_true(cs->r.fault);
	assert_string_equal(chan_status_name(chan_status(&cs->r, T + 130)), "fault");
	done(topic, "{\"t\":1717196580,\"v\":301" KWH ",\"seq\":4}");   /* use 1 */
	assert_false(cs->r.fault);   /* a clean reading clears it */
	/* a fall to 3 (at most 6 could count): a restart from 0 that counted 3 */
	done(topic, "{\"t\":1717196640,\"v\":3" KWH ",\"seq\":5}");
	expect_counts(cs, 5, 5, 0, 0, 2, 0);
	expect_near("uncounted minute", amount("hq", "m2", "energy", T + 60, T + 120, &cov), 0);
	expect_near("its coverage", cov, 1.0);
	expect_near("restart minute", amount("hq", "m2", "energy", T + 180, T + 240, NULL), 3);
	/* 3 + 0 + 1 + 3 */
	expect_near("all", amount("hq", "m2", "energy", T, T + 240, NULL), 7);
	expect_events("hq/m2/energy.events",
	    "1717196520 reset-uncounted from=503 to=300 counted=0 at=",
	    "1717196640 reset-detected from=301 to=3 counted=3 at=", NULL);
}

/* A uint32 register that wraps, with its modulus in the payload. */
static void test_wrap(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/pulse/count";
	struct chan_state *cs;

	(void)state;
	done(topic, "{\"t\":1717196400,\"v\":4294967290,\"unit\":\"pulses\","
	    "\"kind\":\"counter\",\"seq\":1,\"wrap\":4294967296}");
	/* 4294967296 - 4294967290 + 5 = 11 */
	done(topic, "{\"t\":1717196460,\"v\":5,\"unit\":\"pulses\","
	    "\"kind\":\"counter\",\"seq\":2,\"wrap\":4294967296}");
	/* 7 - 5 = 2 */
	done(topic, "{\"t\":1717196520,\"v\":7,\"unit\":\"pulses\","
	    "\"kind\":\"counter\",\"seq\":3,\"wrap\":4294967296}");
	cs = state_of("hq", "pulse", "count");
	expect_counts(cs, 3, 3, 0, 0, 0, 1);
	expect_near("wrap minute", amount("hq", "pulse", "count", T, T + 60, NULL), 11);
	expect_near("both", amount("hq", "pulse", "count", T, T + 120, NULL), 13);
}

/* The same in m3: 2^32 pulses of 0.001 m3 wrap at 4294967.296 m3;
 * 4294967.296 - 4294967.290 + 0.004 = 0.010 */
static void test_wrap_scaled(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/water/volume_m3";

	(void)state;
	done(topic, "{\"readings\":[[1717196400,4294967.29],[1717196460,0.004]],"
	    "\"unit\":\"m3\",\"kind\":\"counter\",\"seq\":1,\"wrap\":4294967.296}");
	expect_counts(state_of("hq", "water", "volume_m3"), 2, 2, 0, 0, 0, 1);
	expect_near("wrap", amount("hq", "water", "volume_m3", T, T + 60, NULL), 0.010);
}

#define REAMS "greenmeter/v1/hq/finance/reams"
#define DELTA ",\"unit\":\"reams\",\"kind\":\"delta\""
#define AUG23 1690822800L
#define SEP23 1693501200L
#define OCT23 1696093200L
#define NOV23 1698771600L
#define JHEAD "greenmeter-entries 1\n"

static void journal_path(char *buf, size_t len)
{
	struct chan_id id = chan("hq", "finance", "reams");

	entries_path(buf, len, datadir, &id);
}

/* The amount of the reams journal over [from, to); coverage if asked. */
static double entered(long from, long to, double *coverage)
{
	char path[512], err[512];
	struct usage u;

	journal_path(path, sizeof(path));
	if (usage_get(path, (time_t)from, (time_t)to, &u, err, sizeof(err)) != GM_OK)
		fail_msg("usage_get: %s", err);
	if (coverage != NULL)
		*coverage = u.coverage;
	return u.amount;
}

static void expect_journal(const char *want)
{
	char path[512], got[4096];

	journal_path(path, sizeof(path));
	read_file(path, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("journal:\n%s\nwant:\n%s", got, want);
}

/* What the collector logs (at GM_LOG_INFO) between capture_log and captured_log:
 * stderr goes to <tmpdir>/log meanwhile. */
static void capture_log(void)
{
	stderr_capture("log");
	log_set_level(GM_LOG_INFO);
}

static void captured_log(char *buf, size_t len)
{
	log_set_level(GM_LOG_ERR);
	read_file(stderr_release(), buf, len);
}

static void expect_in_log(const char *log, const char *want)
{
	if (strstr(log, want) == NULL)
		fail_msg("the log does not say \"%s\":\n%s", want, log);
}

/* A delta channel keeps an entries journal and its .meta, and no RRD. */
static void test_delta(void **state)
{
	char listing[TREE_MAX], err[256];
	struct chan_id id = chan("hq", "finance", "reams");
	struct chanmeta meta;
	struct chan_state *cs;

	(void)state;
	done(REAMS, "{\"readings\":[[1693501200,30],[1696093200,35],[1698771600,40]]" DELTA
	    ",\"seq\":1}");
	tree(listing, sizeof(listing));
	assert_string_equal(listing, "/data\n/data/hq\n/data/hq/finance\n"
	    "/data/hq/finance/reams.entries\n/data/hq/finance/reams.meta\n");
	assert_int_equal(chanmeta_read(datadir, &id, &meta, err, sizeof(err)), GM_OK);
	assert_string_equal(meta.unit, "reams");
	assert_int_equal(meta.kind, KIND_DELTA);
	/* t v seq received_at, the last being this test's clock */
	expect_journal(JHEAD
	    "1693501200 30 1 1717200000\n"
	    "1696093200 35 1 1717200000\n"
	    "1698771600 40 1 1717200000\n");
	cs = state_of("hq", "finance", "reams");
	expect_counts(cs, 3, 3, 0, 0, 0, 0);
	assert_true(cs->r.have_last);
	assert_true(cs->r.last_t == NOV23);
	assert_true(cs->r.last_v == 40);
	assert_int_equal(cs->r.kind, KIND_DELTA);
	/* August 30, September 35, October 40 */
	assert_true(entered(AUG23, SEP23, NULL) == 30);
	assert_true(entered(SEP23, OCT23, NULL) == 35);
	assert_true(entered(OCT23, NOV23, NULL) == 40);
	assert_true(entered(AUG23, NOV23, NULL) == 105);
}

/* October typed in before September: both stored, each in its month. */
static void test_delta_out_of_order(void **state)
{
	struct chan_state *cs;
	double cov;

	(void)state;
	done(REAMS, "{\"t\":1698771600,\"v\":40" DELTA ",\"seq\":1}");
	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":2}");
	cs = state_of("hq", "finance", "reams");
	expect_counts(cs, 2, 2, 0, 0, 0, 0);
	expect_journal(JHEAD
	    "1698771600 40 1 1717200000\n"
	    "1696093200 35 2 1717200000\n");
	/* the latest entry is still October's */
	assert_true(cs->r.last_t == NOV23);
	assert_true(cs->r.last_v == 40);
	assert_true(entered(SEP23, OCT23, &cov) == 35);
	assert_true(cov == 1.0);
	assert_true(entered(OCT23, NOV23, &cov) == 40);
	assert_true(cov == 1.0);
	assert_true(entered(SEP23, NOV23, &cov) == 75);
	assert_true(cov == 1.0);
	/* August was never entered: September's 30 days of the two months' 61
	 * (coverage is of time, so that the parts of a period add up) */
	assert_true(entered(AUG23, OCT23, &cov) == 35);
	assert_true(fabs(cov - 30.0 / 61.0) < 1e-12);
	/* months numbered by month (as gm-agent --import does), entered out of
	 * order and with gaps: no message counts as lost */
	done(REAMS, "{\"t\":1693501200,\"v\":30" DELTA ",\"seq\":284}");
	done(REAMS, "{\"t\":1672506000,\"v\":20" DELTA ",\"seq\":276}");
	done(REAMS, "{\"t\":1701363600,\"v\":50" DELTA ",\"seq\":287}");
	assert_int_equal(cs->r.lost, 0);
}

/* The same import sent again, and again after a restart: nothing twice. */
static void test_delta_import_twice(void **state)
{
	static const char import[] = "{\"readings\":[[1693501200,30],[1696093200,35],"
	    "[1698771600,40]]" DELTA ",\"seq\":1}";
	static const char once[] = JHEAD
	    "1693501200 30 1 1717200000\n"
	    "1696093200 35 1 1717200000\n"
	    "1698771600 40 1 1717200000\n";
	struct chan_state *cs;

	(void)state;
	done(REAMS, import);
	done(REAMS, import);
	cs = state_of("hq", "finance", "reams");
	expect_counts(cs, 6, 3, 3, 0, 0, 0);
	expect_journal(once);
	/* the journal is the memory: a new registry still knows them */
	registry_free(ig.reg);
	assert_non_null(ig.reg = registry_new());
	done(REAMS, import);
	expect_counts(state_of("hq", "finance", "reams"), 3, 0, 3, 0, 0, 0);
	expect_journal(once);
	assert_true(entered(AUG23, NOV23, NULL) == 105);
}

/* September's 35 corrected to 36, then the 36 again (a duplicate), then
 * back to 35 (a correction again): the last line of a t is the entry. */
static void test_delta_correction(void **state)
{
	struct chan_state *cs;
	char log[4096];

	(void)state;
	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":1}");
	done(REAMS, "{\"t\":1698771600,\"v\":40" DELTA ",\"seq\":2}");
	capture_log();
	done(REAMS, "{\"t\":1696093200,\"v\":36" DELTA ",\"seq\":3}");
	captured_log(log, sizeof(log));
	expect_in_log(log, "greenmeter/v1/hq/finance/reams: correction: the entry for the "
	    "period ending 2023-10-01 00:00:00 (t 1696093200) was 35, now 36");
	cs = state_of("hq", "finance", "reams");
	expect_counts(cs, 3, 3, 0, 0, 0, 0);
	assert_true(entered(SEP23, OCT23, NULL) == 36);
	assert_true(entered(SEP23, NOV23, NULL) == 76);

	capture_log();
	done(REAMS, "{\"t\":1696093200,\"v\":36" DELTA ",\"seq\":4}");
	captured_log(log, sizeof(log));
	assert_null(strstr(log, "correction"));
	expect_counts(cs, 4, 3, 1, 0, 0, 0);

	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":5}");
	expect_counts(cs, 5, 4, 1, 0, 0, 0);
	assert_true(entered(SEP23, OCT23, NULL) == 35);
	/* the history stays in the file */
	expect_journal(JHEAD
	    "1696093200 35 1 1717200000\n"
	    "1698771600 40 2 1717200000\n"
	    "1696093200 36 3 1717200000\n"
	    "1696093200 35 5 1717200000\n");
	/* the latest entry by t is October's, whatever was written last */
	assert_true(cs->r.last_t == NOV23);
	assert_true(cs->r.last_v == 40);
}

/* A crash tore the last line: readers skip it, the next append cuts it. */
static void test_delta_torn(void **state)
{
	char path[512], log[4096];
	FILE *f;

	(void)state;
	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":1}");
	journal_path(path, sizeof(path));
	assert_non_null(f = fopen(path, "a"));
	fputs("1698771600 4", f);    /* 12 bytes of "1698771600 40 2 ..." */
	assert_int_equal(fclose(f), 0);
	assert_true(entered(SEP23, NOV23, NULL) == 35);

	capture_log();
	done(REAMS, "{\"t\":1698771600,\"v\":40" DELTA ",\"seq\":2}");
	captured_log(log, sizeof(log));
	expect_in_log(log, "greenmeter/v1/hq/finance/reams: cut off a torn last line of 12 "
	    "byte(s)");
	expect_journal(JHEAD
	    "1696093200 35 1 1717200000\n"
	    "1698771600 40 2 1717200000\n");
	assert_true(entered(SEP23, NOV23, NULL) == 75);
	expect_counts(state_of("hq", "finance", "reams"), 2, 2, 0, 0, 0, 0);
}

/* A channel is one kind and one unit: the RRD of a counter and the journal
 * of a delta channel do not take each other's readings, and a counter in
 * kWh takes no W or gauge readings. */
static void test_delta_kind_mismatch(void **state)
{
	char listing[TREE_MAX], log[4096], err[256];
	struct chan_id id = chan("hq", "finance", "reams");
	struct chanmeta meta;

	(void)state;
	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":1}");
	done(ENERGY, "{\"t\":" TS ",\"v\":1000.5" KWH ",\"seq\":1}");
	capture_log();
	done(REAMS, "{\"t\":" TS ",\"v\":36,\"unit\":\"reams\",\"kind\":\"counter\",\"seq\":2}");
	done(ENERGY, "{\"t\":1696093200,\"v\":5,\"unit\":\"kWh\",\"kind\":\"delta\",\"seq\":2}");
	captured_log(log, sizeof(log));
	expect_in_log(log, "greenmeter/v1/hq/finance/reams: rejected: the channel is stored as "
	    "reams delta; a reams counter reading does not fit it");
	expect_in_log(log, "greenmeter/v1/hq/m1/energy: rejected: the channel is stored as "
	    "kWh counter; a kWh delta reading does not fit it");
	tree(listing, sizeof(listing));
	assert_string_equal(listing, "/data\n/data/hq\n/data/hq/finance\n"
	    "/data/hq/finance/reams.entries\n/data/hq/finance/reams.meta\n"
	    "/data/hq/m1\n/data/hq/m1/energy.meta\n/data/hq/m1/energy.rrd\n"
	    "/log\n");   /* the captured log, outside the data directory */
	assert_int_equal(chanmeta_read(datadir, &id, &meta, err, sizeof(err)), GM_OK);
	assert_int_equal(meta.kind, KIND_DELTA);
	expect_journal(JHEAD "1696093200 35 1 1717200000\n");
	/* another unit, another kind: refused, counted, the file untouched */
	done(ENERGY, "{\"t\":1717196460,\"v\":2000,\"unit\":\"W\",\"kind\":\"counter\",\"seq\":3}");
	done(ENERGY, "{\"t\":1717196460,\"v\":230,\"unit\":\"kWh\",\"kind\":\"gauge\",\"seq\":4}");
	assert_int_equal(state_of("hq", "m1", "energy")->r.rejected, 3);
	assert_int_equal(state_of("hq", "m1", "energy")->r.stored, 1);
	/* refused messages count as rejected, not received */
	expect_counts(state_of("hq", "finance", "reams"), 1, 1, 0, 0, 0, 0);
	expect_counts(state_of("hq", "m1", "energy"), 1, 1, 0, 0, 0, 0);
}


/* ---- damage taken as passing, and the requeue: each once went wrong ---- */

/* Overwrite len bytes at `at` of the channel's RRD, then set its mtime to
 * `mtime` (0: leave it as the write made it, i.e. now). */
static void spoil(const char *channel, off_t at, const void *bytes, size_t len, time_t mtime)
{
	char path[512];
	struct timespec ts[2];
	int fd;

	rrd_path(path, sizeof(path), "hq", "m1", channel);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, bytes, len, at), (ssize_t)len);
	close(fd);
	if (mtime != 0) {
		ts[0].tv_sec = ts[1].tv_sec = mtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
}

/* Where the live head (last_up, last_up_usec) and ds_def[0].dst sit. */
static off_t live_at(const char *channel)
{
	char path[512];
	stat_head_t st;
	FILE *f;

	rrd_path(path, sizeof(path), "hq", "m1", channel);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fread(&st, sizeof(st), 1, f), 1);
	fclose(f);
	return (off_t)(sizeof(st) + st.ds_cnt * sizeof(ds_def_t) + st.rra_cnt * sizeof(rra_def_t));
}

#define LONG_AGO 1000000000   /* 2001: a file nobody is making now */

/*
 * A file whose live head is damaged (microseconds out of range, a last
 * update after 2100: a flipped bit) is read by rrd_head_last as GM_EINVAL,
 * turned into GM_EIO and judged by judge_failure - whose rrdfile_open does
 * not look at those fields - as a failure that passes. Every message of the
 * channel is INGEST_RETRY for ever: on_message never returns, and paho's
 * thread stores nothing for any channel again. What eb1dd6e set out to end.
 */
static void test_damaged_live_head(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	long usec = 5000000;

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	spoil("a", live_at("a") + (off_t)sizeof(time_t), &usec, sizeof(usec), LONG_AGO);
	restart(false);   /* the next start reads the file's last reading */
	if (send_msg(topic, GAUGE(1717196460, 101, 2)) != INGEST_DONE)
		fail_msg("a damaged live head is INGEST_RETRY (taken as passing): the collector "
		    "stalls on it; nothing went to the quarantine (%zu record(s))",
		    quarantined("", NULL));
}

/*
 * The same for a damaged data source definition (its type no longer
 * GAUGE): librrd refuses every update ("unknown DS type"), rrdfile_open
 * checks no DS field, so it is judged passing. Unqueued: every message is
 * INGEST_RETRY for ever. Queued: the writer backs off for ever, its log
 * segments are never dropped, and the first redelivered reading
 * (sort_older -> settle) stalls paho's thread.
 */
static void test_damaged_ds_type(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	enum ingest_result r;

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	spoil("a", (off_t)sizeof(stat_head_t) + DS_NAM_SIZE, "XYZ", 4, LONG_AGO);
	r = send_msg(topic, GAUGE(1717196460, 101, 2));
	if (queued) {
		/* the writer meets it; then a redelivery of the first message */
		if (r == INGEST_DONE)
			r = send_msg(topic, GAUGE(1717196400, 100, 1));
	}
	if (r != INGEST_DONE)
		fail_msg("a file librrd refuses for good (unknown DS type) is taken as passing: "
		    "INGEST_RETRY, %zu record(s) quarantined", quarantined("", NULL));
}

/*
 * judge_failure() never judges a file whose mtime is "less than 2 s
 * ago" - computed as time(NULL) - st_mtime, which is negative for a file
 * whose mtime is in the future (clock stepped back by NTP at boot on a
 * board without RTC, a file restored from a machine whose clock was ahead).
 * Such a damaged file is taken as passing for ever.
 */
static void test_damaged_future_mtime(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	spoil("a", 0, "this is no RRD header any more", 30, time(NULL) + 3600);
	restart(false);
	if (send_msg(topic, GAUGE(1717196460, 101, 2)) != INGEST_DONE)
		fail_msg("a damaged file with an mtime an hour ahead is INGEST_RETRY for ever");
}

/*
 * ingest_message knows a message offered again by ig->in_hand ==
 * payload. A requeue served by the main loop between two tries of paho's
 * thread (on_message sleeps without the ingest lock) resets in_hand: the
 * retried message is counted again (received, and seq noted again).
 */
static void test_requeue_counts_retried_once(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	static const char m2[] = GAUGE(1717196460, 101, 2);
	char path[512], good[600], err[512];
	struct requeue_report rep;
	struct chan_state *cs;

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	done("greenmeter/v1/hq/m1/other", "not json");   /* one record in the quarantine */
	rrd_path(path, sizeof(path), "hq", "m1", "a");
	snprintf(good, sizeof(good), "%s.good", path);
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "cp -p '%s' '%s'", path, good);
		assert_int_equal(system(cmd), 0);
	}
	/* a failure that passes (fresh mtime): paho's first try of m2 */
	spoil("a", 0, "this is no RRD header any more", 30, 0);
	assert_int_equal(ingest_message(&ig, topic, m2, strlen(m2)), INGEST_RETRY);
	cs = state_of("hq", "m1", "a");
	assert_int_equal(cs->r.received, 2);
	/* it passes; meanwhile the main loop serves a requeue */
	assert_int_equal(rename(good, path), 0);
	assert_int_equal(requeue_run(&ig, NULL, &rep, err, sizeof(err)), GM_OK);
	/* paho's next try of the same message */
	assert_int_equal(ingest_message(&ig, topic, m2, strlen(m2)), INGEST_DONE);
	if (cs->r.received != 2)
		fail_msg("received %llu, want 2: the retried message was counted twice",
		    (unsigned long long)cs->r.received);
}

/*
 * A requeue whose readings the ingest path queues (the file's header
 * reads fine) but the writer finds damaged (cut short) reports them as
 * stored ("N stored or found stored already, 0 back") and counts them
 * requeued, while the writer has put them straight back in the quarantine.
 */
static void test_requeue_report_counts_writer(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	struct chan_id a = chan("hq", "m1", "a");
	char path[512], err[512];
	struct requeue_report rep;
	struct chan_state *cs;
	struct timespec old[2] = { { LONG_AGO, 0 }, { LONG_AGO, 0 } };
	struct stat st;

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	rrd_path(path, sizeof(path), "hq", "m1", "a");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 4096), 0);   /* header whole, rows cut */
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	done(topic, GAUGE(1717196460, 101, 2));
	done(topic, GAUGE(1717196520, 102, 3));
	flush();   /* the writer finds it: set aside, rows quarantined */
	cs = state_of("hq", "m1", "a");
	assert_true(cs->r.aside);
	assert_int_equal(quarantined("", NULL), 1);
	/* not mended: a requeue must say nothing was stored */
	assert_int_equal(requeue_run(&ig, &a, &rep, err, sizeof(err)), GM_OK);
	flush();
	assert_int_equal(quarantined("", NULL), 1);   /* back in it (by the writer) */
	if (rep.back != rep.readings || cs->r.requeued != 0)
		fail_msg("report: %zu reading(s) taken, %zu back (so %zu \"stored\"); requeued %llu "
		    "- but the file is still cut short and all of them are back in the quarantine",
		    rep.readings, rep.back, rep.readings - rep.back,
		    (unsigned long long)cs->r.requeued);
}

/*
 * requeue_one: a message that cannot be stored yet goes back with
 * quarantine_put; when that fails too (disk full) it logs "the message stays
 * in the journal being taken" - which quarantine_take then unlinks. The
 * reading, acknowledged long ago, is gone from everywhere.
 */
static void test_requeue_disk_full_keeps(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	struct chan_id a = chan("hq", "m1", "a");
	struct requeue_report rep;
	struct rlimit saved, lim;
	char err[512], taking[512];

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	damage("hq", "m1", "a");
	done(topic, GAUGE(1717196460, 101, 2));
	assert_int_equal(quarantined("", NULL), 1);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	lim = saved;
	lim.rlim_cur = 0;   /* the disk is full */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	requeue_run(&ig, &a, &rep, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	snprintf(taking, sizeof(taking), "%s/.quarantine/journal.taking*", datadir);
	if (quarantined("", NULL) == 0 && !any_file(taking))
		fail_msg("the quarantined reading is in neither journal: lost");
}

/*
 * requeue_ask does not remove a .done left by an earlier command of
 * the same pid (one that gave up after 600 s, its request answered later):
 * a later command with that pid (pids are reused) prints the stale answer
 * at once and exits 0, its own request still waiting.
 */
static void test_requeue_no_stale_answer(void **state)
{
	char dir[256], done_path[300];
	int rc;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/.quarantine", datadir);
	snprintf(done_path, sizeof(done_path), "%s/requeue-%ld.done", dir, (long)getpid());
	write_file(done_path, "7 message(s) taken from the quarantine: 7 stored (long ago)\n");
	rc = requeue_ask(datadir, NULL, 1.0);
	if (rc != 3)
		fail_msg("requeue_ask returned %d with nobody serving: it read a stale answer", rc);
}

/*
 * A FIFO where a channel's RRD file should be - "a special file", which
 * chan_file_judge() names as damage - is never judged: rrd_store_last ->
 * rrd_head_last() opens it O_RDONLY first and blocks for ever (no writer),
 * inside the store's lock, on paho's thread. The whole collector hangs
 * (SIGTERM too: on_message never gets back to its stop check).
 */
static void test_fifo_at_rrd_path(void **state)
{
	static const char topic[] = "greenmeter/v1/hq/m1/a";
	char path[512];
	pid_t pid;
	int status = 0, waited = 0;

	(void)state;
	done(topic, GAUGE(1717196400, 100, 1));
	flush();
	rrd_path(path, sizeof(path), "hq", "m1", "a");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	restart(false);
	if ((pid = fork()) == 0)
		_exit(send_msg(topic, GAUGE(1717196460, 101, 2)) == INGEST_DONE ? 0 : 1);
	assert_true(pid > 0);
	while (waitpid(pid, &status, WNOHANG) == 0 && waited++ < 50)
		usleep(100 * 1000);
	if (waited > 50) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("ingest_message still blocked after 5 s on a FIFO at the RRD's path");
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A refused message (kept, under the cap, when it came) that a requeue
 * refuses again is put back with quarantine_put(must_keep false); past the
 * cap that is GM_ERANGE, which ingest_quarantine turns into INGEST_DONE
 * without a word (rc == GM_ERANGE is not complained about), and
 * requeue_one counts it "stored or found stored already". The message is
 * gone. The cap is reached here because the record before it went back with
 * a longer reason ("requeued, but could not be stored yet: try again"); a
 * journal near its 64 MiB with records the writer adds meanwhile does it too.
 */
static void test_requeue_keeps_refused(void **state)
{
	static const char da[] = GAUGE(1717196460, 101, 2);
	/* NOW + 1000: ahead of the clock */
	static const char rb[] = GAUGE(1717201000, 5, 1);
	struct requeue_report rep;
	uint64_t records, bytes;
	char err[512];

	(void)state;
	done("greenmeter/v1/hq/m1/a", GAUGE(1717196400, 100, 1));
	flush();
	assert_int_equal(quarantine_put(ig.dlq, "greenmeter/v1/hq/m1/a", da, strlen(da), "x", true,
	    err, sizeof(err)), GM_OK);
	quarantine_size(ig.dlq, &records, &bytes);
	quarantine_close(ig.dlq);
	assert_int_equal(quarantine_open(&ig.dlq, datadir, bytes + strlen(rb) + 20, err,
	    sizeof(err)), GM_OK);
	/* refused by rule: kept, the journal being under its cap */
	done("greenmeter/v1/hq/m1/b", rb);
	assert_int_equal(quarantined("", NULL), 2);
	/* a failure that passes on a's file during the requeue */
	spoil("a", 0, "this is no RRD header any more", 30, 0);
	assert_int_equal(requeue_run(&ig, NULL, &rep, err, sizeof(err)), GM_OK);
	if (quarantined("", NULL) != 2)
		fail_msg("%zu record(s) left of 2; the report says %zu taken, %zu back: the refused "
		    "message vanished and was counted as stored", quarantined("", NULL), rep.taken,
		    rep.back);
}

/* The .meta's expected interval and the file's inode (a rewrite renames a
 * new file into place, so the inode tells whether it was written). */
static long meta_every(const char *channel, ino_t *ino)
{
	struct chan_id id = chan("hq", "m1", channel);
	struct chanmeta m;
	char path[512], err[512];
	struct stat st;

	flush();
	snprintf(path, sizeof(path), "%s/hq/m1/%s.meta", datadir, channel);
	assert_int_equal(stat(path, &st), 0);
	*ino = st.st_ino;
	if (chanmeta_read(datadir, &id, &m, err, sizeof(err)) != GM_OK)
		fail_msg("%s", err);
	return m.every;
}

/* The heartbeat of `value` in the channel's RRD header (rrd_info). */
static long value_heartbeat(const char *channel)
{
	char path[512];
	rrd_info_t *info, *i;
	long hb = -1;

	flush();
	snprintf(path, sizeof(path), "%s/hq/m1/%s.rrd", datadir, channel);
	info = rrd_info_r(path);
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "ds[" RRD_DS_VALUE "].minimal_heartbeat") == 0)
			hb = (long)i->value.u_cnt;
	}
	rrd_info_free(info);
	return hb;
}

#define EVERY(t, v, seq, every) "{\"t\":" #t ",\"v\":" #v KWH ",\"seq\":" #seq \
	",\"every\":" #every "}"
#define NO_EVERY(t, v, seq) "{\"t\":" #t ",\"v\":" #v KWH ",\"seq\":" #seq "}"

/* "every" reaches the channel's .meta: written with the file, rewritten
 * once when it changes (and logged once), left alone while it does not and
 * by messages that do not give it, also after a restart. */
static void test_every(void **state)
{
	char log[8192];
	ino_t ino, ino2;

	(void)state;
	capture_log();
	done(ENERGY, EVERY(1717196400, 1, 1, 60));
	assert_int_equal(meta_every("energy", &ino), 60);
	/* read every minute: rows keep a reading for the usual 15 minutes */
	assert_int_equal(value_heartbeat("energy"), 900);
	/* the same interval, or none: the file is not written again */
	done(ENERGY, EVERY(1717196460, 2, 2, 60));
	done(ENERGY, NO_EVERY(1717196520, 3, 3));
	done(ENERGY, EVERY(1717196580, 4, 4, 60));
	assert_int_equal(meta_every("energy", &ino2), 60);
	assert_true(ino2 == ino);
	/* a new interval: rewritten, once */
	done(ENERGY, EVERY(1717196640, 5, 5, 900));
	assert_int_equal(meta_every("energy", &ino2), 900);
	assert_true(ino2 != ino);
	ino = ino2;
	done(ENERGY, EVERY(1717196700, 6, 6, 900));
	done(ENERGY, NO_EVERY(1717196760, 7, 7));
	assert_int_equal(meta_every("energy", &ino2), 900);
	assert_true(ino2 == ino);
	expect_counts(state_of("hq", "m1", "energy"), 7, 7, 0, 0, 0, 0);
	/* a restart reads it back: the same interval writes nothing */
	restart(false);
	done(ENERGY, EVERY(1717196820, 8, 8, 900));
	assert_int_equal(meta_every("energy", &ino2), 900);
	assert_true(ino2 == ino);
	captured_log(log, sizeof(log));
	expect_in_log(log, "topic greenmeter/v1/hq/m1/energy: expected interval changed from "
	    "60 s to 900 s; the channel's .meta rewritten");
	if (strstr(strstr(log, "changed from") + 1, "changed from") != NULL)
		fail_msg("the change is logged more than once:\n%s", log);
	expect_counts(state_of("hq", "m1", "energy"), 1, 1, 0, 0, 0, 0);
	/* a delta entry cannot say it: the message is refused */
	done(REAMS, "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":1,\"every\":2678400}");
	assert_false(any_file("data/hq/finance/*"));
}

/* Three dial readings a month apart (NOW - 3, 2, 1 months of 31 days). */
#define DIAL(every, seq) "{\"readings\":[[1709164800,100],[1711843200,220.5]," \
	"[1714521600,318.75]]" KWH ",\"seq\":" #seq every "}"

/* A channel read monthly has no known `value` between its readings: a file
 * of them imported again is a repeat (duplicates), not late - after a
 * restart too; a reading before its first is late. Without every, the same
 * readings are judged by `value` and come late, as before. */
static void test_every_repeat(void **state)
{
	struct chan_state *cs;

	(void)state;
	done(ENERGY, DIAL(",\"every\":2678400", 298));
	/* a dial read monthly: its file keeps a reading 1.5 x 31 days */
	assert_int_equal(value_heartbeat("energy"), 4017600);
	done(ENERGY, DIAL(",\"every\":2678400", 298));
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 6, 3, 3, 0, 0, 0);
	assert_int_equal(cs->r.late, 0);
	restart(false);
	done(ENERGY, DIAL(",\"every\":2678400", 298));
	done(ENERGY, "{\"t\":1706486400,\"v\":1" KWH ",\"seq\":297,\"every\":2678400}");
	cs = state_of("hq", "m1", "energy");
	expect_counts(cs, 4, 0, 3, 0, 0, 0);
	assert_int_equal(cs->r.late, 1);
	expect_near("the months", amount("hq", "m1", "energy", 1709164800, 1714521600, NULL),
	    218.75);

	done("greenmeter/v1/hq/m1/other", DIAL("", 298));
	done("greenmeter/v1/hq/m1/other", DIAL("", 298));
	cs = state_of("hq", "m1", "other");
	expect_counts(cs, 6, 3, 1, 0, 0, 0);
	assert_int_equal(cs->r.late, 2);
}

/* A .meta of an older collector (no every line) gains it from the first
 * message that gives it; a new channel's first message without it, after a
 * first try left a .meta with it (a replay from the write-ahead log keeps
 * no cadence), keeps it. */
static void test_every_kept(void **state)
{
	char path[512];
	ino_t ino;

	(void)state;
	done(ENERGY, NO_EVERY(1717196400, 1, 1));
	assert_int_equal(meta_every("energy", &ino), 0);
	restart(false);
	done(ENERGY, EVERY(1717196460, 2, 2, 2678400));
	assert_int_equal(meta_every("energy", &ino), 2678400);

	snprintf(path, sizeof(path), "%s/hq/m1/water.meta", datadir);
	write_file(path, "[channel]\nunit = kWh\nkind = counter\nlayout = 1\nevery = 600\n");
	done("greenmeter/v1/hq/m1/water", NO_EVERY(1717196400, 1, 1));
	assert_int_equal(meta_every("water", &ino), 600);
	snprintf(path, sizeof(path), "%s/hq/m1/water.rrd", datadir);
	assert_int_equal(access(path, F_OK), 0);
}

/* The same test through the write-ahead log and its writer, under a name of
 * its own, so a failure says which of the two failed. */
#define QUEUED(f) { .name = #f "_queued", .test_func = f, .setup_func = setup_queued, \
	.teardown_func = teardown, .initial_state = NULL }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_mid_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrivals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resend_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_message, setup, teardown),
		QUEUED(test_longest_message),
		cmocka_unit_test_setup_teardown(test_damaged_file, setup, teardown),
		QUEUED(test_damaged_file),
		cmocka_unit_test_setup_teardown(test_seq_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_scaled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_import_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_correction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_kind_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_live_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_ds_type, setup, teardown),
		QUEUED(test_damaged_ds_type),
		cmocka_unit_test_setup_teardown(test_damaged_future_mtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_counts_retried_once, setup, teardown),
		QUEUED(test_requeue_report_counts_writer),
		cmocka_unit_test_setup_teardown(test_requeue_disk_full_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_no_stale_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_at_rrd_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_keeps_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every, setup, teardown),
		QUEUED(test_every),
		cmocka_unit_test_setup_teardown(test_every_kept, setup, teardown),
		QUEUED(test_every_kept),
		cmocka_unit_test_setup_teardown(test_every_repeat, setup, teardown),
		QUEUED(test_every_repeat),
		/* the same through the write-ahead log and its writer */
		QUEUED(test_single_reading),
		QUEUED(test_batch),
		QUEUED(test_first_mid_minute),
		QUEUED(test_replay),
		QUEUED(test_late),
		QUEUED(test_replay_after_restart),
		QUEUED(test_resend_after_restart),
		QUEUED(test_seq),
		QUEUED(test_reset),
		QUEUED(test_wrap),
		QUEUED(test_wrap_scaled),
	};

	/* the rejections are meant: keep their warnings out of the output */
	log_init("test_ingest", GM_LOG_ERR);
	/* local months, and local times in log messages */
	if (tz_set(TZ_DEFAULT) != GM_OK) {
		fprintf(stderr, "time zone %s is not installed\n", TZ_DEFAULT);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
