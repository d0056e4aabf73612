/*
 * test_additivity.c - the parts of a period add up to the whole, whatever
 * the data and wherever the period is cut (the period-edge rule of
 * common/store/usage.h), as a property over random data.
 *
 * Random series go through the collector's own ingest (collector/ingest.c,
 * real RRD files, events and entries journals) exactly as messages from the
 * broker would: counters with resets nobody announced, announced
 * replacements, wraps, late readings, outages and readings exactly on local
 * midnights; a counter its agent reads hourly (`every` 3600: its file's
 * heartbeat is 5400 s, so it is covered between readings); gauges; monthly manual entries with corrections and mid-month
 * ones. Each is then cut at random bounds - random seconds, reading times
 * exactly, local midnights and month starts - and for every cut:
 *   - the parts' use sums to the whole's (none at all only where no part
 *     has any);
 *   - each flag and event (reset announced or not, replacement, late
 *     reading) lands in exactly one part;
 *   - the parts' covered seconds sum to the whole's;
 *   - a part read on its own (usage_get) is the part read in a series.
 * GM_SEED=<n> replays a run; the seed is printed on failure. GM_CASES sets
 * the number of cuts (default 10,000 in all).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ingest_fixture.h"
#include "usage.h"
#include "gm_err.h"
#include "meter_event.h"
#include "testutil.h"
#include "timeutil.h"

/* 2024-06-01T00:00:00Z (test_ingest.c shows the arithmetic); local
 * (Asia/Bangkok, UTC+7) June starts 7 hours earlier, at JUN. */
#define NOW 1717200000L
#define JUN (NOW - 7 * 3600L)
#define DAYS 3
#define BATCH_MAX 24

enum series_kind { S_COUNTER, S_HOURLY, S_GAUGE, S_DELTA, S_NKINDS };
static const int series_count[S_NKINDS] = { 20, 6, 6, 8 };

static uint64_t rng, seed;
static long cases_wanted = 10000, cases_done;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long pick(long lo, long hi)   /* lo .. hi inclusive */
{
	return lo + (long)(next_rand() % (uint64_t)(hi - lo + 1));
}

static bool chance(int per_thousand)
{
	return (long)(next_rand() % 1000) < per_thousand;
}

#define CHECK(cond, ...) do { if (!(cond)) { print_message("GM_SEED=%llu: ", \
	(unsigned long long)seed); fail_msg(__VA_ARGS__); } } while (0)

/* A series' readings times, kept so that cuts can fall exactly on them. */
#define TIMES_MAX 8192
static long times[TIMES_MAX];
static int ntimes;

static void note_time(long t)
{
	if (ntimes < TIMES_MAX)
		times[ntimes++] = t;
}

static void send(const char *topic, const char *payload)
{
	CHECK(ingest_message(&ig, topic, payload, strlen(payload)) == INGEST_DONE,
	    "%s: not handled: %s", topic, payload);
}

/* The next local midnight after t. */
static long next_midnight(long t)
{
	return t + 86400 - (t + 7 * 3600) % 86400;
}

/* Readings of one counter or gauge, in batches, from NOW - DAYS days. */
static void make_readings(const char *topic, enum series_kind kind)
{
	const char *unit = kind == S_GAUGE ? "W" : "kWh";
	const char *k = kind == S_GAUGE ? "gauge" : "counter";
	long t = NOW - DAYS * 86400L + pick(0, 3600), step = kind == S_HOURLY ? 3600 : 60;
	double v = (double)pick(0, 4000) / 4, wrap = chance(300) ? 1000 : 0;
	uint64_t seq = 1;
	char msg[BATCH_MAX * 64 + 256], evtopic[160];

	snprintf(evtopic, sizeof(evtopic), "%s/event", topic);
	while (t < NOW - 600) {
		int n = (int)pick(1, BATCH_MAX), o;
		bool late = false;

		o = snprintf(msg, sizeof(msg), "{\"unit\":\"%s\",\"kind\":\"%s\",\"seq\":%llu,%s%s"
		    "\"readings\":[", unit, k, (unsigned long long)seq++, wrap > 0 ? "\"wrap\":1000," : "",
		    kind == S_HOURLY ? "\"every\":3600," : "");
		for (int i = 0; i < n && t < NOW - 600; i++) {
			if (kind == S_GAUGE)
				v = (double)pick(0, 40000) / 4;
			else if (chance(4))
				v = (double)pick(1, 8) / 4;          /* a reset nobody announced */
			else
				v += (double)pick(0, 8) / 4;
			if (wrap > 0 && v >= wrap)
				v -= wrap;
			o += snprintf(msg + o, sizeof(msg) - (size_t)o, "%s[%ld,%.17g]", i ? "," : "",
			    t, v);
			note_time(t);
			/* next: a minute (or hour) on, now and then an outage, and
			 * often exactly on a local midnight */
			long nt = t + step + (chance(20) ? pick(1200, 3 * 3600) : 0);
			long mid = next_midnight(t);
			if (nt > mid && chance(600))
				nt = mid;
			t = nt;
		}
		snprintf(msg + o, sizeof(msg) - (size_t)o, "]}");
		send(topic, msg);
		if (kind != S_GAUGE && chance(15) && t < NOW - 1200) {   /* a new meter */
			char ev[200];

			snprintf(ev, sizeof(ev), "{\"t\":%ld,\"event\":\"replaced\",\"old_final\":%.17g,"
			    "\"new_start\":0.5}", t - step / 2, v);
			send(evtopic, ev);
			note_time(t - step / 2);
			v = 0.5;
		}
		if (chance(20)) {   /* an old reading sent again after newer ones */
			late = true;
			snprintf(msg, sizeof(msg), "{\"unit\":\"%s\",\"kind\":\"%s\",\"seq\":%llu,"
			    "\"t\":%ld,\"v\":%.17g}", unit, k, (unsigned long long)seq++,
			    times[ntimes > 3 ? ntimes - 3 : 0] - 7, v);
			send(topic, msg);
		}
		(void)late;
	}
}

/* Manual entries over 14 months: month ends (local), some mid-month, some
 * corrected, some months left out. */
static void make_entries(const char *topic)
{
	char msg[256];
	uint64_t seq = 1;
	struct tm tm = { .tm_year = 2023 - 1900, .tm_mon = 3, .tm_mday = 1, .tm_isdst = -1 };

	for (int m = 0; m < 14; m++, tm.tm_mon++) {
		long t;

		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = (long)mktime(&tm);
		if (chance(150))
			continue;
		if (chance(200))
			t -= pick(1, 20 * 86400);   /* entered as of a day inside the month */
		for (int again = 0; again < 1 + (int)chance(150); again++) {
			snprintf(msg, sizeof(msg), "{\"t\":%ld,\"v\":%ld,\"unit\":\"reams\","
			    "\"kind\":\"delta\",\"seq\":%llu}", t, pick(1, 90), (unsigned long long)seq++);
			send(topic, msg);
		}
		note_time(t);
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* n + 1 distinct ascending bounds within [lo, hi]. */
static int make_cut(long lo, long hi, time_t *bounds, int want)
{
	long b[16];
	int n = 0;

	for (int i = 0; i < want + 1; i++) {
		int how = (int)pick(0, 3);

		if (how == 0 && ntimes > 0)
			b[i] = times[pick(0, ntimes - 1)] + pick(-1, 1) * (long)chance(300);
		else if (how == 1)
			b[i] = next_midnight(pick(lo, hi));
		else if (how == 2)
			b[i] = JUN - pick(0, 1) * 31 * 86400L;   /* 1 June, 1 May */
		else
			b[i] = pick(lo, hi);
	}
	qsort(b, (size_t)want + 1, sizeof(b[0]), cmp_long);
	for (int i = 0; i < want + 1; i++) {
		if (n == 0 || b[i] != (long)bounds[n - 1])
			bounds[n++] = (time_t)b[i];
	}
	return n - 1;
}

static double covered_s(const struct usage *u)
{
	return u->coverage * (double)(u->to - u->from);
}

static void same_events(const struct usage_events *a, const struct usage_events *b,
    const char *what)
{
	CHECK(a->replaced == b->replaced && a->reset == b->reset &&
	    a->reset_detected == b->reset_detected && a->reset_uncounted == b->reset_uncounted &&
	    a->late == b->late, "%s: events differ (replaced %d/%d, reset %d/%d, detected %d/%d, "
	    "uncounted %d/%d, late %d/%d)", what, a->replaced, b->replaced, a->reset, b->reset,
	    a->reset_detected, b->reset_detected, a->reset_uncounted, b->reset_uncounted,
	    a->late, b->late);
}

/* Where the rule puts an event: the part with from < t <= to. */
struct placed {
	const time_t *bounds;
	int n;
	struct usage_events ev[16];
	double last_t;
	int last_kind;
};

static void place_event(const struct meter_event *e, void *user)
{
	struct placed *pl = user;
	struct usage_events *ue;

	if (e->t == pl->last_t && (int)e->kind == pl->last_kind)
		return;   /* a repeat counts once, as usage.c says */
	pl->last_t = e->t;
	pl->last_kind = (int)e->kind;
	for (int i = 0; i < pl->n; i++) {
		if (!((double)pl->bounds[i] < e->t && e->t <= (double)pl->bounds[i + 1]))
			continue;
		ue = &pl->ev[i];
		ue->replaced += e->kind == EV_REPLACED;
		ue->reset += e->kind == EV_RESET;
		ue->reset_detected += e->kind == EV_RESET_DETECTED;
		ue->reset_uncounted += e->kind == EV_RESET_UNCOUNTED;
		ue->late += e->kind == EV_LATE;
	}
}

/* Each part holds exactly the events of its (from, to], worked out here
 * from the journal apart from usage.c. */
static void check_placed(const char *path, const time_t *bounds, int n,
    const struct usage *parts)
{
	struct placed pl = { bounds, n, { { 0 } }, -1, -1 };
	char ev_path[300], err[256];
	size_t len = strlen(path);

	if (len < 4 || strcmp(path + len - 4, ".rrd") != 0)
		return;
	snprintf(ev_path, sizeof(ev_path), "%.*s.events", (int)(len - 4), path);
	CHECK(meter_event_journal_each(ev_path, -INFINITY, INFINITY, place_event, &pl, NULL, err,
	    sizeof(err)) == GM_OK, "%s: %s", ev_path, err);
	for (int i = 0; i < n; i++) {
		char what[160];

		snprintf(what, sizeof(what), "%s (%lld, %lld]: the events counted, and those whose "
		    "t is in it", path, (long long)bounds[i], (long long)bounds[i + 1]);
		same_events(&parts[i].ev, &pl.ev[i], what);
	}
}

static void check_cut(const char *path, const time_t *bounds, int n, bool alone)
{
	struct usage whole, parts[16], one, sum = { 0 };
	double amount = NAN, cov = 0;
	char err[512];

	CHECK(usage_get(path, bounds[0], bounds[n], &whole, err, sizeof(err)) == GM_OK,
	    "%s: %s", path, err);
	CHECK(usage_series(path, bounds, n, parts, err, sizeof(err)) == GM_OK, "%s: %s", path,
	    err);
	for (int i = 0; i < n; i++) {
		const struct usage *p = &parts[i];

		if (!isnan(p->amount))
			amount = (isnan(amount) ? 0 : amount) + p->amount;
		cov += covered_s(p);
		sum.ev.replaced += p->ev.replaced;
		sum.ev.reset += p->ev.reset;
		sum.ev.reset_detected += p->ev.reset_detected;
		sum.ev.reset_uncounted += p->ev.reset_uncounted;
		sum.ev.late += p->ev.late;
		if (!alone)
			continue;
		CHECK(usage_get(path, bounds[i], bounds[i + 1], &one, err, sizeof(err)) == GM_OK,
		    "%s: %s", path, err);
		same_events(&one.ev, &p->ev, "a part alone and in a series");
		if (one.step != p->step)
			continue;   /* rows of another archive (usage.h) */
		CHECK(one.coverage == p->coverage &&
		    (isnan(one.amount) ? isnan(p->amount) :
		    fabs(one.amount - p->amount) <= 1e-9 * fmax(1, fabs(p->amount))),
		    "%s [%lld, %lld) alone: amount %.17g coverage %.17g, in a series %.17g %.17g",
		    path, (long long)bounds[i], (long long)bounds[i + 1], one.amount, one.coverage,
		    p->amount, p->coverage);
	}
	CHECK(isnan(whole.amount) == isnan(amount) && (isnan(amount) ||
	    fabs(whole.amount - amount) <= 1e-9 * fmax(1, fabs(whole.amount))),
	    "%s [%lld, %lld) in %d parts: use %.17g, the parts' sum %.17g", path,
	    (long long)bounds[0], (long long)bounds[n], n, whole.amount, amount);
	CHECK(fabs(covered_s(&whole) - cov) <= 1e-6 * (double)(bounds[n] - bounds[0]),
	    "%s [%lld, %lld) in %d parts: covered %.3f s, the parts %.3f s", path,
	    (long long)bounds[0], (long long)bounds[n], n, covered_s(&whole), cov);
	same_events(&whole.ev, &sum.ev, "the whole and its parts' sum");
	check_placed(path, bounds, n, parts);
	cases_done++;
}

static void cut_series(const char *path, long lo, long hi, int cases)
{
	time_t bounds[16];

	for (int c = 0; c < cases;) {
		int n = make_cut(lo, hi, bounds, (int)pick(1, 8));

		if (n >= 1)
			check_cut(path, bounds, n, c++ % 8 == 0);
	}
}

static int setup(void **state)
{
	const char *s = getenv("GM_SEED"), *c = getenv("GM_CASES");

	(void)state;
	seed = s != NULL ? strtoull(s, NULL, 10) : (uint64_t)time(NULL);
	rng = seed * 2654435761u + 88172645463325252ull;
	if (c != NULL)
		cases_wanted = strtol(c, NULL, 10);
	if (tz_set("Asia/Bangkok") != 0 || tmpdir_make("additivity") != 0 ||
	    ingest_fixture_open(NOW) != 0)
		return -1;
	log_set_level(GM_LOG_ERR);
	return 0;
}

static int teardown(void **state)
{
	ingest_fixture_close();
	return tmpdir_teardown(state);
}

static void test_parts_add_up(void **state)
{
	int total = 0, per;

	(void)state;
	for (int k = 0; k < S_NKINDS; k++)
		total += series_count[k];
	per = (int)((cases_wanted + total - 1) / total);
	print_message("GM_SEED=%llu, %d series, %d cuts each\n", (unsigned long long)seed,
	    total, per);
	for (int k = 0, i = 0; k < S_NKINDS; k++) {
		for (int j = 0; j < series_count[k]; j++, i++) {
			char topic[128], path[256];
			long lo = k == S_DELTA ? JUN - 15 * 30 * 86400L : NOW - (DAYS + 1) * 86400L;

			snprintf(topic, sizeof(topic), "greenmeter/v1/p/m%d/c", i);
			snprintf(path, sizeof(path), "%s/p/m%d/c.%s", datadir, i,
			    k == S_DELTA ? "entries" : "rrd");
			ntimes = 0;
			if (k == S_DELTA)
				make_entries(topic);
			else
				make_readings(topic, (enum series_kind)k);
			cut_series(path, lo, NOW + 86400, per);
		}
	}
	print_message("%ld cuts checked\n", cases_done);
	assert_true(cases_done >= cases_wanted);
}

/*
 * The case: a counter read every 15 minutes on round times, ~12 kWh
 * in the last 12 hours of February 2024, reads 0.4 at 1 March 00:00 local
 * (MAR = 2024-03-01T00:00Z 1709251200 - 7 h = 1709226000): it restarted.
 * That reading's use (0.4, counted from 0) is February's, since it ends
 * February's last row; so is its flag. March has no reset to review.
 */
#define MAR 1709226000L

static void test_reset_at_midnight(void **state)
{
	char msg[160], path[160], err[256];
	struct usage feb, mar, both[2];
	time_t bounds[3] = { MAR - 29 * 86400L, MAR, MAR + 31 * 86400L };
	int seq = 1;

	(void)state;
	for (long t = MAR - 12 * 3600L; t < MAR; t += 900, seq++) {
		snprintf(msg, sizeof(msg), "{\"t\":%ld,\"v\":%d,\"unit\":\"kWh\","
		    "\"kind\":\"counter\",\"seq\":%d}", t, 100 + seq, seq);
		send("greenmeter/v1/p/m/c", msg);
	}
	for (int k = 0; k < 8; k++, seq++) {
		snprintf(msg, sizeof(msg), "{\"t\":%ld,\"v\":%.1f,\"unit\":\"kWh\","
		    "\"kind\":\"counter\",\"seq\":%d}", MAR + 900L * k, 0.4 + k, seq);
		send("greenmeter/v1/p/m/c", msg);
	}
	snprintf(path, sizeof(path), "%s/p/m/c.rrd", datadir);
	assert_int_equal(usage_get(path, bounds[0], bounds[1], &feb, err, sizeof(err)), GM_OK);
	assert_int_equal(usage_get(path, bounds[1], bounds[2], &mar, err, sizeof(err)), GM_OK);
	/* 48 readings 101 .. 148: 47 kWh between them, then the 0.4 */
	if (fabs(feb.amount - 47.4) > 1e-9)
		fail_msg("February: %.17g kWh, want 47.4", feb.amount);
	assert_int_equal(feb.ev.reset_detected + feb.ev.reset_uncounted, 1);
	assert_true(usage_flagged(&feb));
	/* March: 0.4 .. 7.4 */
	if (fabs(mar.amount - 7) > 1e-9)
		fail_msg("March: %.17g kWh, want 7", mar.amount);
	assert_int_equal(mar.ev.reset_detected + mar.ev.reset_uncounted, 0);
	assert_false(usage_flagged(&mar));
	/* and so in one series of the two months */
	assert_int_equal(usage_series(path, bounds, 2, both, err, sizeof(err)), GM_OK);
	assert_true(usage_flagged(&both[0]) && !usage_flagged(&both[1]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_at_midnight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_add_up, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
