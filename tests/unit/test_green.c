/*
 * test_green.c - golden figures of a Green Office report (dashboards/
 * figures.c and green.c over org.c, criteria.c and kpi.c), on a small
 * dataset of real RRD files and entries journals whose every expected
 * figure is worked out by hand below, not by the code under test.
 *
 * The organisation: units u1 and u2, baseline FY2569, report FY2570
 * (1 Oct 2026 00:00 - 1 Oct 2027 00:00, Asia/Bangkok = UTC+7), as of the
 * year's end: every month has closed, so every month with figures in both
 * years is compared (a year in progress is test_compare.c's).
 *
 *   hq/main/kwh   counter, 0.25 kWh every 15 min (1 kWh an hour), from
 *                 1 Oct 2025; shared: u1 60, u2 40 (shares 0.6 / 0.4).
 *                 No readings 10 Feb 2027 00:00 - 12 Feb 2027 00:00: the
 *                 reading at 12 Feb carries 48 kWh (the counter difference).
 *   hq/annex/kwh  counter, 0.5 kWh every 15 min (2 kWh an hour), to u1;
 *                 from 1 Apr 2027 to u2 (a mapping that changes mid-year).
 *   hq/stores/u1-reams, u2-reams   monthly manual entries (deltas), each
 *                 dated at its month's end = the next month's first
 *                 midnight: u1 10 reams a month in FY2569, 8 in FY2570;
 *                 u2 10 a month in FY2569, 9.375 in FY2570.
 *
 * Days: FY2569 and FY2570 both have 365 days (Feb 2026 and Feb 2027 have
 * 28) = 8760 hours. FY2570's Oct-Mar: 31+30+31+31+28+31 = 182 days = 4368 h;
 * Apr-Sep: 30+31+30+31+31+30 = 183 days = 4392 h; Oct-Dec: 92 days =
 * 2208 h; Jan-Mar: 90 days = 2160 h.
 *
 * Electricity, FY2570:
 *   u1 = 0.6 * 8760 (main) + 2 * 4368 (annex Oct-Mar) = 5256 + 8736 = 13992
 *   u2 = 0.4 * 8760 + 2 * 4392 = 3504 + 8784 = 12288
 * Baseline FY2569 (annex all year to u1):
 *   u1 = 5256 + 2 * 8760 = 22776;  u2 = 3504
 * Emission factor: 0.5 kgCO2e/kWh until 31 Dec 2026, 0.4 from 1 Jan 2027:
 *   u1 Oct-Dec (0.6 + 2) * 2208 * 0.5 = 5740.8 * 0.5 = 2870.4
 *      Jan-Mar 2.6 * 2160 * 0.4 = 5616 * 0.4 = 2246.4
 *      Apr-Sep 0.6 * 4392 * 0.4 = 2635.2 * 0.4 = 1054.08
 *      total 6170.88, all of it scope 2
 * Paper at 5 kgCO2e a ream (reams are the KPI's basis, so they count):
 *   u1 96 reams * 5 = 480, scope 3; no fuel: scope 1 is not measured (NAN).
 *   u1 in all 6650.88 kg = 6.65088 t.
 * Paper (reams, the KPI's basis): u1 120 -> 96: (120 - 96) / 120 = 20 %;
 *   u2 120 -> 112.5: 7.5 / 120 = 6.25 % -> level 3 + (6.25 - 5) / 2.5 = 3.5
 *   with levels 0 2.5 5 7.5 10; u1's 20 % is past 10: level 5.
 *   whole: 240 -> 208.5: 31.5 / 240 = 13.125 %.
 *   u3 issued 10 a month in FY2569 and 8 in FY2570 but has not entered
 *   March 2027: over the 11 months both years have, 88 / 110 -> 20 %.
 *   hq/ghost/kwh is mapped to u3 and was never stored: u3's electricity is
 *   unknown and 0 % complete, and the report names the channel.
 * Self-evaluation of u1 (category 1 weight 50: 1.1 checklist, 1 point;
 * category 3 weight 50: 3.2.2 electricity from the meters, 4 points):
 *   checklist 1.1 = 1 -> category 1: 50.
 *   3.2.2: every month complete? no (February's gap); per person? yes
 *   (headcount 20); target met? cannot tell (data incomplete); cause given?
 *   yes -> 2 items of 4 -> 2 points -> category 3: 2 / 4 * 50 = 25.
 *   total 75 -> Bronze (60 <= 75 < 80).
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

#include "figures.h"
#include "green.h"
#include "gm_err.h"
#include "green_fixture.h"
#include "testutil.h"
#include "timeutil.h"
#include "usage_cache.h"

#define EPS 1e-6

/* The counters: 0.25 kWh every 15 min (main), 0.5 (annex). */
static void counter(const char *meter, double per_q, time_t from, time_t to, time_t gap_a,
    time_t gap_b)
{
	fix_counter(meter, fix_flat, &per_q, from, to, gap_a, gap_b);
}

/* Monthly entries: `first` a month in FY2569, `second` in FY2570, each at
 * its month's end, i.e. the next month's first local midnight; entry `skip`
 * (0 = October 2025's) left out, -1 none. */
static void reams(const char *channel, double first, double second, int skip)
{
	time_t t[24];
	double v[24];
	int n = 0;

	for (int k = 0; k < 24; k++) {
		int mon = (k + 10) % 12 + 1, y = 2025 + (k + 10) / 12;   /* Nov 2025 .. Oct 2027 */

		if (k == skip)
			continue;
		t[n] = bkk(y, mon, 1);
		v[n++] = k < 12 ? first : second;
	}
	fix_entries(channel, "ream", t, v, n);
}

static const char org_text[] =
	"[organisation]\n"
	"th = องค์กรทดสอบ\nen = Test organisation\nbaseline = 2569\npaper_basis = reams\n"
	"criteria = criteria.ini\nchecklists = checklists\n"
	"[kpi]\npaper_levels = 0 2.5 5 7.5 10\nbelow = 0\ngrades = 90 80 60\n"
	"[factors]\n"
	"electricity 2020-01-01 = 0.5 | before\n"
	"electricity 2027-01-01 = 0.4 | from 2027\n"
	"paper_reams 2020-01-01 = 5 | round, for the test\n"
	"[unit u1]\nth = หน่วยหนึ่ง\nen = Unit one\nper = person\nheadcount 2570 = 20\n"
	"target electricity = 5\n"
	"[unit u2]\nth = หน่วยสอง\nen = Unit two\nper = person\n"
	"[unit u3]\nth = หน่วยสาม\nen = Unit three\n"
	"[meters]\n"
	"hq/main/kwh = electricity from 2025-10-01 u1 60 u2 40\n"
	"hq/annex/kwh = electricity from 2025-10-01 u1\n"
	"hq/annex/kwh = electricity from 2027-04-01 u2\n"
	"hq/stores/u1-reams = paper_reams from 2025-10-01 u1\n"
	"hq/stores/u2-reams = paper_reams from 2025-10-01 u2\n"
	"hq/stores/u3-reams = paper_reams from 2025-10-01 u3\n"
	"hq/ghost/kwh = electricity from 2025-10-01 u3\n";

static const char criteria_text[] =
	"[criteria]\nedition = test\nth = ทดสอบ\nen = test\n"
	"[category 1]\nth = หมวด 1\nen = one\nweight = 50\n"
	"[category 3]\nth = หมวด 3\nen = three\nweight = 50\n"
	"[indicator 1.1]\nth = นโยบาย\nen = policy\npoints = 1\nsource = checklist\n"
	"[indicator 3.2.2]\nth = ไฟฟ้า\nen = electricity\npoints = 4\nsource = meter electricity\n";

static const char checklist_text[] =
	"[1.1]\nscore = 1\nevidence = policy.pdf\n"
	"[cause electricity]\ntext = a new server room\nplan = move it\n";

static struct org *org;
static struct criteria *crit;
static struct figures *fig;
static struct green_report *rep;

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make("green") != 0)
		return -1;
	tz_set("Asia/Bangkok");
	counter("main", 0.25, bkk(2025, 10, 1), bkk(2027, 10, 1), bkk(2027, 2, 10),
	    bkk(2027, 2, 12));
	counter("annex", 0.5, bkk(2025, 10, 1), bkk(2027, 10, 1), 0, 0);
	reams("u1-reams", 10, 8, -1);
	reams("u2-reams", 10, 9.375, -1);
	reams("u3-reams", 10, 8, 17);   /* March 2027's not entered yet */
	fixture("criteria.ini", criteria_text);
	fixture_dir("checklists");
	fixture_dir("checklists/2570");
	fixture("checklists/2570/u1.ini", checklist_text);
	org = calloc(1, sizeof(*org));
	crit = calloc(1, sizeof(*crit));
	fig = calloc(1, sizeof(*fig));
	rep = calloc(1, sizeof(*rep));
	if (org == NULL || crit == NULL || fig == NULL || rep == NULL)
		return -1;
	if (org_load(fixture("org.ini", org_text), org, collect, NULL) != 0 ||
	    criteria_load(org->criteria, crit, collect, NULL) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	org_free(org);
	free(org);
	free(crit);
	free(fig);
	free(rep);
	return tmpdir_teardown(state);
}

static void near(const char *what, double got, double want)
{
	if (!(fabs(got - want) <= EPS * (1 + fabs(want))))
		fail_msg("%s: %.17g, want %.17g", what, got, want);
}

static void build_from_loaded(int months)
{
	struct green_period p;

	/* hq/ghost/kwh is mapped but nothing stored it */
	assert_int_equal(fig->nproblems, 1);
	assert_non_null(strstr(fig->problems[0], "hq/ghost/kwh: mapped"));
	/* as of the year's end: every month closed, all of them compared */
	assert_int_equal(green_period_round(2570, months, bkk(2027, 10, 1), &p), GM_OK);
	green_build(org, crit, fig, &p, rep);
}

static void build(int months)
{
	char err[512];

	assert_int_equal(figures_load(tmpdir, NULL, org, 2570, fig, err, sizeof(err)), GM_OK);
	build_from_loaded(months);
}

static void test_electricity(void **state)
{
	const struct green_unit *u1 = &rep->units[0], *u2 = &rep->units[1];

	(void)state;
	build(12);
	/* shared 60/40 and moved on 1 April */
	near("u1 kWh", u1->res[RES_ELECTRICITY].now.amount, 13992);
	near("u2 kWh", u2->res[RES_ELECTRICITY].now.amount, 12288);
	near("u1 baseline", u1->res[RES_ELECTRICITY].cmp.then.amount, 22776);
	near("u2 baseline", u2->res[RES_ELECTRICITY].cmp.then.amount, 3504);
	near("u1 change", u1->res[RES_ELECTRICITY].cmp.change_pct, (22776.0 - 13992) / 22776 * 100);
	/* per person: 13992 / 20 */
	near("u1 per person", u1->res[RES_ELECTRICITY].per, 699.6);
	assert_true(isnan(u2->res[RES_ELECTRICITY].per));   /* no headcount */
	/* the whole: both meters all year, 3 kWh an hour */
	near("whole kWh", rep->whole.res[RES_ELECTRICITY].now.amount, 3 * 8760.0);
	/* October alone: (0.6 + 2) * 744 h */
	near("u1 October", u1->res[RES_ELECTRICITY].cur->m[0].amount, 2.6 * 744);
	/* April: 0.6 of main only, 720 h */
	near("u1 April", u1->res[RES_ELECTRICITY].cur->m[6].amount, 0.6 * 720);
	near("u2 April", u2->res[RES_ELECTRICITY].cur->m[6].amount, 0.4 * 720 + 2 * 720);
}

static void test_ghg(void **state)
{
	(void)state;
	build(12);
	near("u1 kgCO2e", rep->units[0].res[RES_ELECTRICITY].kg_co2e, 6170.88);
	near("u1 paper kgCO2e", rep->units[0].res[RES_PAPER_REAMS].kg_co2e, 480);
	near("u1 total kgCO2e", rep->units[0].kg_co2e, 6650.88);
	/* by scope: electricity is 2, paper 3, no fuel measured for 1 */
	assert_true(isnan(rep->units[0].scope_kg[0]));
	near("u1 scope 2", rep->units[0].scope_kg[1], 6170.88);
	near("u1 scope 3", rep->units[0].scope_kg[2], 480);
	assert_int_equal(green_scope(RES_FUEL), 1);
	assert_int_equal(green_scope(RES_WASTE), 3);
	assert_int_equal(green_scope(RES_WATER), 3);
	/* the whole is the units' sum, scope by scope */
	near("whole scope 2", rep->whole.scope_kg[1],
	    rep->units[0].scope_kg[1] + rep->units[1].scope_kg[1] +
	    (isnan(rep->units[2].scope_kg[1]) ? 0 : rep->units[2].scope_kg[1]));
	/* December used the old factor, January the new */
	assert_true(org->factors[rep->units[0].res[RES_ELECTRICITY].factors_used[2]].kg_per_unit == 0.5);
	assert_true(org->factors[rep->units[0].res[RES_ELECTRICITY].factors_used[3]].kg_per_unit == 0.4);
}

static void test_completeness(void **state)
{
	const struct res_line *e;

	(void)state;
	build(12);
	e = &rep->units[0].res[RES_ELECTRICITY];
	/* February has the gap: not complete, yet its use is all there */
	assert_true(figures_completeness(&e->cur->m[4]) < 1);
	assert_true(figures_completeness(&e->cur->m[4]) > 0.9);
	near("u1 February", e->cur->m[4].amount, 2.6 * 28 * 24);
	assert_true(figures_completeness(&e->cur->m[3]) == 1);   /* January */
	assert_int_equal(e->now.months_complete, 11);
	assert_true(e->now.completeness < 1);
	/* so the target cannot be judged, though 13992 < 22776 * 0.95 */
	near("target amount", e->target_amount, 22776 * 0.95);
	assert_int_equal(e->met, TRI_UNKNOWN);
	/* a round that ends before February is complete: Oct-Mar is not */
	build(6);
	assert_true(rep->units[0].res[RES_ELECTRICITY].now.completeness < 1);
}

static void test_paper_kpi(void **state)
{
	(void)state;
	build(12);
	/* the entry dated 1 Oct 2026 00:00 is September 2026's: FY2569 */
	near("u1 reams", rep->units[0].res[RES_PAPER_REAMS].now.amount, 96);
	near("u1 baseline reams", rep->units[0].res[RES_PAPER_REAMS].cmp.then.amount, 120);
	near("u1 paper", rep->units[0].paper_change, 20);
	near("u2 paper", rep->units[1].paper_change, 6.25);
	near("u1 level", rep->units[0].kpi_level, 5);
	near("u2 level", rep->units[1].kpi_level, 3.5);
	/* u3 has not entered March: its change is over the 11 months both
	 * years have, 88 against 110 = 20 %, not 88 against 120 = 26.7 % */
	near("u3 paper", rep->units[2].paper_change, 20);
	/* and the amounts printed beside it are those 11 months' */
	near("u3 reams compared", rep->units[2].res[RES_PAPER_REAMS].cmp.now.amount, 88);
	near("u3 baseline compared", rep->units[2].res[RES_PAPER_REAMS].cmp.then.amount, 110);
	assert_int_equal(rep->units[2].res[RES_PAPER_REAMS].cmp.why[5], CMP_NO_DATA);
	assert_true(rep->units[2].res[RES_PAPER_REAMS].now.completeness < 1);
	/* the whole: every month has some entry; 96 + 112.5 + 88 against 360 */
	near("whole paper", rep->whole.paper_change, (360 - 296.5) / 360 * 100);
	assert_true(rep->whole.res[RES_PAPER_REAMS].now.completeness < 1);
	/* 20 % twice shares the first rank */
	assert_int_equal(rep->units[0].rank, 1);
	assert_int_equal(rep->units[2].rank, 1);
	assert_int_equal(rep->units[1].rank, 3);
	assert_true(rep->units[0].res[RES_PAPER_REAMS].now.completeness == 1);
	/* the trend across rounds: 6 months 48 / 60, 9 months 72 / 90, 12 96 / 120 */
	near("u1 round 6", rep->units[0].paper_trend[0], 20);
	near("u1 round 12", rep->units[0].paper_trend[2], 20);
	near("u2 round 9", rep->units[1].paper_trend[1], (90 - 9 * 9.375) / 90 * 100);
	/* round 6: Oct-Mar, 6 entries each */
	build(6);
	assert_true(isnan(rep->units[0].paper_trend[1]));   /* round 9 is beyond it */
	near("u1 reams, 6 months", rep->units[0].res[RES_PAPER_REAMS].now.amount, 48);
	near("u1 paper, 6 months", rep->units[0].paper_change, 20);
}

static void test_self_eval(void **state)
{
	const struct green_unit *u1;

	(void)state;
	build(12);
	u1 = &rep->units[0];
	assert_true(u1->cl.found);
	assert_int_equal(u1->eval.ind[1].items_met, 2);
	near("3.2.2", u1->eval.ind[1].score, 2);
	near("category 1", u1->eval.cat_pct[0], 50);
	near("category 3", u1->eval.cat_pct[1], 25);
	near("total", u1->eval.total, 75);
	assert_int_equal(u1->eval.grade, GRADE_BRONZE);
	/* the mapped channel nothing stored: missing, not nothing used */
	assert_true(isnan(rep->units[2].res[RES_ELECTRICITY].now.amount));
	assert_true(rep->units[2].res[RES_ELECTRICITY].now.completeness == 0);
	assert_int_equal(rep->units[2].res[RES_ELECTRICITY].cur->nsrc, 1);
	/* u2 filled no checklist: 1.1 scores 0 */
	assert_false(rep->units[1].cl.found);
	near("u2 1.1", rep->units[1].eval.ind[0].score, 0);
}

/* The meters each series counts: every channel once a year, whatever its
 * mappings did in the year; mapped but never stored counts too (its
 * months are missing, not absent). */
static void test_meter_counts(void **state)
{
	const struct fig_year *y;

	(void)state;
	build(12);
	y = &fig->year[0];
	assert_int_equal(y->fy, 2570);
	assert_int_equal(y->unit[0][RES_ELECTRICITY].nchan, 2);   /* main 60 %, annex */
	assert_int_equal(y->unit[1][RES_ELECTRICITY].nchan, 2);   /* main 40 %, annex from April */
	assert_int_equal(y->unit[2][RES_ELECTRICITY].nchan, 1);   /* the ghost */
	assert_int_equal(y->all[RES_ELECTRICITY].nchan, 3);       /* annex once, not twice */
	assert_int_equal(y->all[RES_PAPER_REAMS].nchan, 3);
	for (int u = 0; u < 3; u++)
		assert_int_equal(y->unit[u][RES_PAPER_REAMS].nchan, 1);
	assert_int_equal(y->all[RES_ELECTRICITY].nchan, y->all[RES_ELECTRICITY].nsrc);
}

/* Bit for bit: the same doubles, not merely close ones. */
#define SAME_BITS(what, a, b) \
	do { \
		if (memcmp(&(a), &(b), sizeof(a)) != 0) \
			fail_msg("%s: %s differs", what, #a); \
	} while (0)

static void same_series(const char *what, const struct fig_series *a, const struct fig_series *b)
{
	for (int m = 0; m < FIG_MONTHS; m++) {
		SAME_BITS(what, a->m[m].amount, b->m[m].amount);
		SAME_BITS(what, a->m[m].expected_s, b->m[m].expected_s);
		SAME_BITS(what, a->m[m].covered_s, b->m[m].covered_s);
		assert_int_equal(a->m[m].flagged, b->m[m].flagged);
	}
	assert_int_equal(a->nsrc, b->nsrc);
	assert_int_equal(a->more_src, b->more_src);
	for (int i = 0; i < a->nsrc; i++) {
		assert_string_equal(a->src[i].id.channel, b->src[i].id.channel);
		assert_string_equal(a->src[i].id.meter, b->src[i].id.meter);
		SAME_BITS(what, a->src[i].share, b->src[i].share);
		assert_int_equal(a->src[i].changed, b->src[i].changed);
	}
}

static void same_figures(const char *what, const struct figures *a, const struct figures *b)
{
	assert_int_equal(a->nyears, b->nyears);
	assert_int_equal(a->channels_read, b->channels_read);
	assert_int_equal(a->nproblems, b->nproblems);
	for (int i = 0; i < a->nproblems && i < FIG_PROBLEMS; i++)
		assert_string_equal(a->problems[i], b->problems[i]);
	for (int y = 0; y < a->nyears; y++) {
		assert_int_equal(a->year[y].fy, b->year[y].fy);
		for (int r = 0; r < RES_N; r++) {
			same_series(what, &a->year[y].all[r], &b->year[y].all[r]);
			for (int u = 0; u < ORG_MAX_UNITS; u++)
				same_series(what, &a->year[y].unit[u][r], &b->year[y].unit[u][r]);
		}
	}
}

static void load_with(const struct fig_opts *opts, struct figures *f,
    struct usage_cache_stats *st)
{
	char err[512];

	assert_int_equal(figures_load_opts(tmpdir, opts, org, 2570, f, err, sizeof(err)), GM_OK);
	if (opts->cache != NULL)
		usage_cache_stats(opts->cache, st);
}

/* The cache and the threads change nothing: one thread without a cache,
 * two with an empty cache, two with the cache the run before filled. Both
 * years of both meters are closed (read up to 1 October 2027): 2 meters x
 * 2 years x 12 months kept, then taken. (A cache file under ".cache": not
 * an id, so not a site the walk would list.) */
static void test_cache_and_threads(void **state)
{
	struct figures *alone = calloc(1, sizeof(*alone)), *other = calloc(1, sizeof(*other));
	struct fig_opts one = { .threads = 1 }, two = { .threads = 2 };
	struct usage_cache_stats st;
	char dir[128], err[512];

	(void)state;
	assert_non_null(alone);
	assert_non_null(other);
	load_with(&one, alone, &st);
	snprintf(dir, sizeof(dir), "%s/.cache", tmpdir);
	for (int run = 0; run < 2; run++) {
		assert_non_null(two.cache = usage_cache_open(dir, err, sizeof(err)));
		load_with(&two, other, &st);
		usage_cache_close(two.cache);
		same_figures(run == 0 ? "empty cache" : "filled cache", other, alone);
		assert_int_equal(st.hits, run == 0 ? 0 : 48);
		assert_int_equal(st.summed, run == 0 ? 48 : 0);
		assert_int_equal(st.written, run == 0 ? 2 : 0);
	}
	/* and the report built on them is the one the tests above checked */
	two.cache = usage_cache_open(dir, err, sizeof(err));
	load_with(&two, fig, &st);
	usage_cache_close(two.cache);
	build_from_loaded(12);
	near("u1 kWh, from the cache", rep->units[0].res[RES_ELECTRICITY].now.amount, 13992);
	free(alone);
	free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_electricity),
		cmocka_unit_test(test_ghg),
		cmocka_unit_test(test_completeness),
		cmocka_unit_test(test_paper_kpi),
		cmocka_unit_test(test_self_eval),
		cmocka_unit_test(test_meter_counts),
		cmocka_unit_test(test_cache_and_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
