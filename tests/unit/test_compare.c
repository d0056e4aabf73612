/*
 * test_compare.c - like for like (dashboards/green/compare.c): a change against
 * the baseline year compares only whole months closed by the report's as-of
 * time with data in both years, and the amounts printed beside it are the
 * sums over exactly those months, in every output of the report set. On
 * real RRD files and entries journals (green_fixture.h); every expected
 * figure is worked out by hand below.
 *
 * Report FY2570 (1 Oct 2026 - 1 Oct 2027), baseline FY2569, Asia/Bangkok.
 * Hours: October 744 (31 days), November 720 (30), December 744 (31).
 *
 * u1, headcount 12 in FY2569 and 10 in FY2570, target electricity 5 %: a quarter in progress, as of
 * 6 December 2026 10:00 (October and November closed, December not).
 *   hq/u1main/kwh, a counter read every 15 min from 30 Sep 2025 to the
 *   as-of time, using per hour: Oct 2025 1 kWh, Nov 2025 2, Dec 2025 4;
 *   Oct 2026 1, Nov 2026 1.5, Dec 2026 0.5.
 *     baseline Oct-Nov = 1 * 744 + 2 * 720 = 744 + 1440 = 2184
 *     current  Oct-Nov = 1 * 744 + 1.5 * 720 = 744 + 1080 = 1824
 *     change = (2184 - 1824) / 2184 * 100 = 360 / 2184 * 100 = 16.483516 %
 *     December so far: 1 Dec 00:00 - 6 Dec 10:00 = 130 h * 0.5 = 65 kWh,
 *     shown, not compared: the period's use is 1824 + 65 = 1889.
 *     per person 1824 / 10 = 182.4, baseline 2184 / 12 = 182.0: per
 *     person change (182.0 - 182.4) / 182.0 * 100 = -0.21978 % (more).
 *     The edition's 3.2.2 is per unit: target 182.0 * 0.95 = 172.9 per
 *     person, not met; in total (2184 * 0.95 = 2074.8) it would be.
 *   (The old rule held 6 days of December against all of December 2025:
 *   1889 against 2184 + 4 * 744 = 5160, "63.39 % less".)
 *   hq/stores/u1-reams, reams issued, an entry at each month's end: FY2569
 *   Oct 40, Nov 43, Dec 43, then 40 a month; FY2570 Oct 30, Nov 35, and 12
 *   on 3 Dec 2026 (December so far).
 *     baseline Oct-Nov = 40 + 43 = 83 (Oct-Dec would be 126)
 *     current  Oct-Nov = 30 + 35 = 65
 *     change = (83 - 65) / 83 * 100 = 18 / 83 * 100 = 21.686747 %
 *   (The old rule: December has a figure in both years, so 77 against 126,
 *   38.89 %, with 126 printed as the baseline.)
 *
 * u2, headcount 4: a 12-month report with data only to March, as of
 * 20 May 2027 12:00 (April closed but empty, May in progress, June to
 * September not begun).
 *   hq/u2main/kwh, a counter from 30 Sep 2025 to 1 Apr 2027 00:00: 1 kWh an
 *   hour in FY2569, 0.75 in FY2570. Oct-Mar is 182 days = 4368 h in both
 *   years (Februaries of 28 days).
 *     baseline Oct-Mar = 4368; current = 0.75 * 4368 = 3276
 *     change = (4368 - 3276) / 4368 * 100 = 1092 / 4368 * 100 = 25 %
 *     per person 3276 / 4 = 819
 *   (The old report printed the whole baseline year, 8760, beside 3276 and
 *   25 %: it did not reconcile.)
 *   hq/stores/u2-reams: 10 a month in FY2569, 8 a month Oct-Mar FY2570:
 *     60 against 48 = 20 %.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "compare.h"
#include "green.h"
#include "green_out.h"
#include "green_set.h"
#include "gm_err.h"
#include "green_fixture.h"
#include "testutil.h"
#include "timeutil.h"

#define EPS 1e-9

/* u1's use in the quarter hour that ends at t, by the month it is in. */
static double u1_use(time_t t, const void *arg)
{
	static const struct { int y, m; double per_q; } from[] = {
		{ 2026, 12, 0.125 }, { 2026, 11, 0.375 }, { 2026, 10, 0.25 },
		{ 2026, 1, 0.25 }, { 2025, 12, 1.0 }, { 2025, 11, 0.5 },
	};

	(void)arg;
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		if (t - 1 >= bkk(from[i].y, from[i].m, 1))
			return from[i].per_q;
	return 0.25;
}

static double u2_use(time_t t, const void *arg)
{
	(void)arg;
	return t - 1 >= bkk(2026, 10, 1) ? 0.1875 : 0.25;
}

/* The end of month k counted from October 2025 (0): the next month's first
 * midnight, where a month's entry is dated. */
static time_t month_end(int k)
{
	return bkk(2025 + (k + 10) / 12, (k + 10) % 12 + 1, 1);
}

static void u1_reams(void)
{
	time_t t[15];
	double v[15];
	int n = 0;

	for (int k = 0; k < 12; k++, n++) {   /* FY2569 */
		t[n] = month_end(k);
		v[n] = k == 0 ? 40 : k <= 2 ? 43 : 40;
	}
	t[n] = month_end(12), v[n++] = 30;    /* October 2026 */
	t[n] = month_end(13), v[n++] = 35;    /* November 2026 */
	t[n] = bkk(2026, 12, 3) + 12 * 3600, v[n++] = 12;   /* December so far */
	fix_entries("u1-reams", "ream", t, v, n);
}

static void u2_reams(void)
{
	time_t t[18];
	double v[18];

	for (int k = 0; k < 18; k++) {        /* Oct 2025 .. Mar 2027 */
		t[k] = month_end(k);
		v[k] = k < 12 ? 10 : 8;
	}
	fix_entries("u2-reams", "ream", t, v, 18);
}

static const char org_text[] =
	"[organisation]\n"
	"th = องค์กรทดสอบ\nen = Test organisation\nbaseline = 2569\npaper_basis = reams\n"
	"criteria = criteria.ini\nchecklists = checklists\n"
	"[factors]\nelectricity 2020-01-01 = 0.5 | test\n"
	"[unit u1]\nth = หน่วยหนึ่ง\nen = Unit one\nheadcount 2569 = 12\nheadcount 2570 = 10\ntarget electricity = 5\n"
	"[unit u2]\nth = หน่วยสอง\nen = Unit two\nheadcount 2570 = 4\n"
	"[meters]\n"
	"hq/u1main/kwh = electricity from 2025-10-01 u1\n"
	"hq/u2main/kwh = electricity from 2025-10-01 u2\n"
	"hq/stores/u1-reams = paper_reams from 2025-10-01 u1\n"
	"hq/stores/u2-reams = paper_reams from 2025-10-01 u2\n";

static const char criteria_text[] =
	"[criteria]\nedition = test\nth = ทดสอบ\nen = test\n"
	"[category 3]\nth = หมวด 3\nen = three\nweight = 100\n"
	"[indicator 3.2.2]\nth = ไฟฟ้า\nen = electricity\npoints = 4\nsource = meter electricity\n";

static struct org *org;
static struct criteria *crit;
static struct figures *fig;
static struct green_report *rep;
static const char *org_path;

static time_t q1_as_of(void)
{
	return bkk(2026, 12, 6) + 10 * 3600;
}

static time_t may_as_of(void)
{
	return bkk(2027, 5, 20) + 12 * 3600;
}

static int setup(void **state)
{
	char err[512];

	(void)state;
	if (tmpdir_make("compare") != 0)
		return -1;
	tz_set("Asia/Bangkok");
	fix_counter("u1main", u1_use, NULL, bkk(2025, 9, 30), q1_as_of(), 0, 0);
	fix_counter("u2main", u2_use, NULL, bkk(2025, 9, 30), bkk(2027, 4, 1), 0, 0);
	u1_reams();
	u2_reams();
	fixture("criteria.ini", criteria_text);
	org_path = strdup(fixture("org.ini", org_text));
	org = calloc(1, sizeof(*org));
	crit = calloc(1, sizeof(*crit));
	fig = calloc(1, sizeof(*fig));
	rep = calloc(1, sizeof(*rep));
	if (org == NULL || crit == NULL || fig == NULL || rep == NULL || org_path == NULL)
		return -1;
	if (org_load(org_path, org, collect, NULL) != 0 ||
	    criteria_load(org->criteria, crit, collect, NULL) != 0)
		return -1;
	return figures_load(tmpdir, NULL, org, 2570, fig, err, sizeof(err)) == GM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	org_free(org);
	free(org);
	free(crit);
	free(fig);
	free(rep);
	free((void *)org_path);
	return tmpdir_teardown(state);
}

static void near(const char *what, double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps * (1 + fabs(want))))
		fail_msg("%s: %.17g, want %.17g", what, got, want);
}

static void words(const struct compared *c, enum lang lang, const char *want_span,
    const char *want_not)
{
	char buf[512];

	green_compared_words(c, 2569, lang, buf, sizeof(buf));
	assert_string_equal(buf, want_span);
	green_not_compared_words(c, lang, buf, sizeof(buf));
	assert_string_equal(buf, want_not);
}

/* ---- the rule on its own: where a month closes ------------------------- */

static void test_rule_edges(void **state)
{
	static struct fig_series cur_s, base_s;
	struct fig_series *cur = &cur_s, *base = &base_s;
	struct compared c;

	(void)state;
	for (int m = 0; m < FIG_MONTHS; m++) {
		cur->m[m].amount = m < 3 ? 10 : NAN;        /* Oct, Nov, Dec 2026 */
		base->m[m].amount = m == 1 ? NAN : 20;       /* November 2025 missing */
	}
	/* 1 December 00:00 exactly: November has closed, December has begun */
	compare_months(cur, base, 2570, 0, 3, bkk(2026, 12, 1), &c);
	assert_int_equal(c.why[0], CMP_YES);
	assert_int_equal(c.why[1], CMP_NO_BASELINE);
	assert_int_equal(c.why[2], CMP_IN_PROGRESS);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.months, 1u);
	near("current", c.now.amount, 10, EPS);
	near("baseline", c.then.amount, 20, EPS);
	near("change", c.change_pct, 50, EPS);
	assert_false(compare_whole(&c));
	/* a second earlier November is still in progress, December not begun */
	compare_months(cur, base, 2570, 0, 3, bkk(2026, 12, 1) - 1, &c);
	assert_int_equal(c.why[1], CMP_IN_PROGRESS);
	assert_int_equal(c.why[2], CMP_NOT_YET);
	/* a closed month without a figure this year; nothing mapped at all */
	compare_months(cur, base, 2570, 2, 5, bkk(2027, 2, 10), &c);
	assert_int_equal(c.why[2], CMP_YES);
	assert_int_equal(c.why[3], CMP_NO_DATA);
	assert_int_equal(c.why[4], CMP_IN_PROGRESS);
	compare_months(NULL, base, 2570, 0, 12, bkk(2030, 1, 1), &c);
	assert_int_equal(c.n, 0);
	assert_true(isnan(c.now.amount) && isnan(c.then.amount) && isnan(c.change_pct));
	/* every month closed and in both years: the whole period */
	compare_months(cur, cur, 2570, 0, 3, bkk(2027, 1, 1), &c);
	assert_true(compare_whole(&c));
	words(&c, LANG_EN, "compared Oct–Dec 2026 with Oct–Dec 2025", "");
}

/* ---- a quarter in progress --------------------------------------------- */

static void build(int months, int quarter, time_t as_of)
{
	struct green_period p;

	if (quarter)
		assert_int_equal(green_period_quarter(2570, quarter, as_of, &p), GM_OK);
	else
		assert_int_equal(green_period_round(2570, months, as_of, &p), GM_OK);
	green_build(org, crit, fig, &p, rep);
}

static void test_quarter_in_progress(void **state)
{
	const struct res_line *e, *p;

	(void)state;
	build(0, 1, q1_as_of());
	e = &rep->units[0].res[RES_ELECTRICITY];
	p = &rep->units[0].res[RES_PAPER_REAMS];
	/* electricity, a counter: October and November only */
	near("u1 kWh compared", e->cmp.now.amount, 1824, EPS);
	near("u1 kWh baseline compared", e->cmp.then.amount, 2184, EPS);
	near("u1 electricity change", e->cmp.change_pct, 360.0 / 2184 * 100, EPS);
	assert_int_equal(e->cmp.months, 3u);   /* bits 0 and 1: October, November */
	assert_int_equal(e->cmp.why[2], CMP_IN_PROGRESS);
	near("u1 December so far", e->cur->m[2].amount, 65, EPS);
	near("u1 period so far", e->now.amount, 1889, EPS);
	near("u1 per person", e->per, 182.4, EPS);
	near("u1 target amount", e->target_amount, 2074.8, EPS);
	near("u1 baseline per person", e->per_then, 182.0, EPS);
	near("u1 change per person", e->per_change_pct, -0.4 / 182.0 * 100, EPS);
	near("u1 target per person", e->target_per, 172.9, EPS);
	assert_true(e->judge_per);
	assert_int_equal(e->met, TRI_NO);   /* per person, as 3.2.2 says; in total it was met */
	/* The forecast to September 2027 (forecast.h), by hand. Baseline FY2569
	 * hours: Oct 744, Nov 720, Dec 744, the other nine 8760 - 2208 = 6552;
	 * at 1, 2, 4, then 1 kWh/h: 744 + 1440 + 2976 + 6552 = 11712, of which
	 * Oct-Nov 2184 compared and 9528 to come. So far 1824 (744 + 1080):
	 * expected 1824 + 9528 * 1824 / 2184 = 9781.450549; best, like
	 * November (1080 / 1440 = 0.75): 1824 + 7146 = 8970; worst, like
	 * October (744 / 744 = 1): 1824 + 9528 = 11352. Target per person:
	 * 11712 / 12 * 0.95 = 927.2; expected 978.15 and worst 1135.2 per
	 * person miss it, best 897.0 meets it. */
	assert_true(e->fc.ok);
	assert_int_equal(e->fc.months, 2);
	near("forecast baseline year", e->fc.base_total, 11712, EPS);
	near("forecast expected", e->fc.total[FC_EXPECTED], 1824 + 9528.0 * 1824 / 2184, EPS);
	near("forecast best", e->fc.total[FC_BEST], 8970, EPS);
	near("forecast worst", e->fc.total[FC_WORST], 11352, EPS);
	near("forecast change", e->fc.change_pct[FC_EXPECTED],
	    (11712 - (1824 + 9528.0 * 1824 / 2184)) / 11712 * 100, EPS);
	near("forecast target per person", e->fc_target, 927.2, EPS);
	assert_int_equal(e->fc_met[FC_EXPECTED], TRI_NO);
	assert_int_equal(e->fc_met[FC_BEST], TRI_YES);
	assert_int_equal(e->fc_met[FC_WORST], TRI_NO);
	/* reams: 40, 43, 43, then 40 a month = 486; so far 65 of 83; to come
	 * 403. Expected 486 * 65 / 83 = 380.602410 (21.686747 % less, the
	 * change so far); best like October (30 / 40): 65 + 302.25 = 367.25;
	 * worst like November (35 / 43): 65 + 403 * 35 / 43 = 393.023256 */
	assert_true(p->fc.ok);
	near("reams forecast", p->fc.total[FC_EXPECTED], 486.0 * 65 / 83, EPS);
	near("reams forecast change", p->fc.change_pct[FC_EXPECTED], 18.0 / 83 * 100, EPS);
	near("reams best", p->fc.total[FC_BEST], 367.25, EPS);
	near("reams worst", p->fc.total[FC_WORST], 65 + 403.0 * 35 / 43, EPS);
	near("reams best change", p->fc.change_pct[FC_BEST], (486 - 367.25) / 486 * 100, EPS);
	near("reams KPI level (levels 0 2.5 5 7.5 10)", p->fc_level[FC_WORST], 5, EPS);
	assert_int_equal(p->fc_met[FC_EXPECTED], TRI_UNKNOWN);   /* u1 set no paper target */
	/* an edition whose indicator says measure = total judges the amount */
	crit->ind[criteria_find(crit, "3.2.2")].total = true;
	build(0, 1, q1_as_of());
	crit->ind[criteria_find(crit, "3.2.2")].total = false;
	assert_false(e->judge_per);
	assert_int_equal(e->met, TRI_YES);
	build(0, 1, q1_as_of());
	/* paper, delta entries, by the very same rule */
	near("u1 reams compared", p->cmp.now.amount, 65, EPS);
	near("u1 reams baseline compared", p->cmp.then.amount, 83, EPS);
	near("u1 paper change", p->cmp.change_pct, 18.0 / 83 * 100, EPS);
	assert_int_equal(p->cmp.months, 3u);
	assert_int_equal(p->cmp.why[2], CMP_IN_PROGRESS);
	near("u1 paper KPI", rep->units[0].paper_change, 18.0 / 83 * 100, EPS);
	near("u1 reams so far", p->now.amount, 77, EPS);
	near("u1 kWh per person (summary)", rep->units[0].kwh_per_person, 182.4, EPS);
	/* the span, said in both languages */
	words(&e->cmp, LANG_TH, "เปรียบเทียบ ต.ค.–พ.ย. 2569 กับ ต.ค.–พ.ย. 2568",
	    "ไม่นำมาเปรียบเทียบ: ธ.ค. 2569 (ยังไม่สิ้นเดือน)");
	words(&p->cmp, LANG_EN, "compared Oct–Nov 2026 with Oct–Nov 2025",
	    "not compared: Dec 2026 (in progress)");
	/* the whole organisation likewise: u2's Oct-Nov at 0.75 against 1 kWh
	 * an hour, 0.75 * 1464 = 1098 against 1464, plus u1's */
	near("whole kWh compared", rep->whole.res[RES_ELECTRICITY].cmp.now.amount, 1824 + 1098, EPS);
	near("whole kWh baseline", rep->whole.res[RES_ELECTRICITY].cmp.then.amount, 2184 + 1464,
	    EPS);
}

/* ---- a 12-month report with data only to March -------------------------- */

static void test_year_with_data_to_march(void **state)
{
	const struct res_line *e, *p;

	(void)state;
	build(12, 0, may_as_of());
	e = &rep->units[1].res[RES_ELECTRICITY];
	p = &rep->units[1].res[RES_PAPER_REAMS];
	near("u2 kWh compared", e->cmp.now.amount, 3276, EPS);
	near("u2 kWh baseline compared", e->cmp.then.amount, 4368, EPS);
	near("u2 electricity change", e->cmp.change_pct, 25, EPS);
	assert_int_equal(e->cmp.months, 0x3fu);   /* October .. March */
	assert_int_equal(e->cmp.why[6], CMP_NO_DATA);       /* April: closed, empty */
	assert_int_equal(e->cmp.why[7], CMP_IN_PROGRESS);   /* May */
	for (int m = 8; m < 12; m++)
		assert_int_equal(e->cmp.why[m], CMP_NOT_YET);
	/* the printed figures reconcile */
	near("reconciles", (e->cmp.then.amount - e->cmp.now.amount) / e->cmp.then.amount * 100,
	    e->cmp.change_pct, EPS);
	near("u2 per person", e->per, 819, EPS);
	near("u2 reams compared", p->cmp.now.amount, 48, EPS);
	near("u2 reams baseline compared", p->cmp.then.amount, 60, EPS);
	near("u2 paper change", rep->units[1].paper_change, 20, EPS);
	/* the trend at 6 months is the same months: 20 %; at 9 and 12 too */
	near("u2 round 6", rep->units[1].paper_trend[0], 20, EPS);
	near("u2 round 12", rep->units[1].paper_trend[2], 20, EPS);
	words(&e->cmp, LANG_EN, "compared Oct 2026–Mar 2027 with Oct 2025–Mar 2026",
	    "not compared: Apr 2027 (no data this year); May 2027 (in progress); "
	    "Jun–Sep 2027 (not begun)");
	words(&e->cmp, LANG_TH, "เปรียบเทียบ ต.ค. 2569–มี.ค. 2570 กับ ต.ค. 2568–มี.ค. 2569",
	    "ไม่นำมาเปรียบเทียบ: เม.ย. 2570 (ไม่มีข้อมูลของปีนี้); พ.ค. 2570 (ยังไม่สิ้นเดือน); "
	    "มิ.ย.–ก.ย. 2570 (ยังไม่ถึง)");
}

/* ---- the same figures in every format of one report set ----------------- */

struct shown {
	double amount, baseline, change;
	char months[128];
};

static char *slurp(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return read_file_all(path);
}

static cJSON *json_resource(cJSON *root, const char *unit, const char *res)
{
	cJSON *u;

	cJSON_ArrayForEach(u, cJSON_GetObjectItem(root, "units")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(u, "id")), unit) == 0)
			return cJSON_GetObjectItem(cJSON_GetObjectItem(u, "resources"), res);
	}
	fail_msg("unit %s not in report.json", unit);
	return NULL;
}

static struct shown from_json(const char *dir, const char *unit, const char *res)
{
	char *text = slurp(dir, "report.json");
	cJSON *root = cJSON_Parse(text), *c, *m;
	struct shown s = { 0 };

	assert_non_null(root);
	c = cJSON_GetObjectItem(json_resource(root, unit, res), "compared");
	assert_non_null(c);
	s.amount = cJSON_GetNumberValue(cJSON_GetObjectItem(c, "amount"));
	s.baseline = cJSON_GetNumberValue(cJSON_GetObjectItem(c, "baseline_amount"));
	s.change = cJSON_GetNumberValue(cJSON_GetObjectItem(c, "change_pct"));
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(c, "months")) {
		if (s.months[0] != '\0')
			strcat(s.months, " ");
		strcat(s.months, cJSON_GetStringValue(m));
	}
	cJSON_Delete(root);
	free(text);
	return s;
}

/* Split one CSV line in place (RFC 4180 quoting); returns the field count. */
static int csv_split(char *line, char **field, int max)
{
	int n = 0;
	char *out = line;

	while (n < max) {
		field[n++] = out;
		if (*line == '"') {
			for (line++; *line != '\0'; line++) {
				if (*line == '"' && line[1] != '"')
					break;
				*out++ = *line;
				line += *line == '"';
			}
			line += *line == '"';
		} else {
			while (*line != ',' && *line != '\0')
				*out++ = *line++;
		}
		if (*line != ',') {
			*out = '\0';
			break;
		}
		*out++ = '\0';
		line++;
	}
	return n;
}

static double csv_num(const char *s)
{
	return *s == '\0' ? NAN : strtod(s, NULL);
}

/* The "sum" row of a resource in <unit>.<lang>.csv. */
static struct shown from_csv(const char *dir, const char *unit, enum resource res,
    enum lang lang)
{
	char name[64], *text, *save = NULL;
	struct shown s = { NAN, NAN, NAN, "" };
	bool found = false;

	snprintf(name, sizeof(name), "%s.%s.csv", unit, lang == LANG_TH ? "th" : "en");
	text = slurp(dir, name);
	assert_memory_equal(text, "\xEF\xBB\xBF", 3);
	for (char *line = strtok_r(text + 3, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *f[16];

		if (csv_split(line, f, 16) != 13 || strcmp(f[0], resource_label(res, lang)) != 0 ||
		    strcmp(f[10], "sum") != 0)
			continue;
		assert_false(found);
		found = true;
		s.amount = csv_num(f[3]);
		s.baseline = csv_num(f[6]);
		s.change = csv_num(f[11]);
		snprintf(s.months, sizeof(s.months), "%s", f[2]);
	}
	assert_true(found);
	free(text);
	return s;
}

/* The number in the cell <td ... data-fig="name"> after `from`, read as a
 * person reads it: thousands grouped by commas ("1,824.00"). */
static double html_fig(const char *from, const char *name)
{
	char key[64], plain[64];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), "data-fig=\"%s\">", name);
	if ((p = strstr(from, key)) == NULL)
		fail_msg("no %s cell", name);
	for (p += strlen(key); n < sizeof(plain) - 1 && strchr("-+.,0123456789", *p) && *p; p++)
		if (*p != ',')
			plain[n++] = *p;
	plain[n] = '\0';
	return strtod(plain, NULL);
}

static char *html_page(const char *dir, const char *unit, enum lang lang)
{
	char name[64];

	snprintf(name, sizeof(name), "%s.resources.%s.html", unit, lang == LANG_TH ? "th" : "en");
	return slurp(dir, name);
}

/* The resource's summary table on the page: from its start to its end. */
static const char *html_table(const char *page, enum resource res, const char **end)
{
	char key[64];
	const char *t;

	snprintf(key, sizeof(key), "<table data-res=\"%s\">", resource_name(res));
	assert_non_null(t = strstr(page, key));
	assert_non_null(*end = strstr(t, "</table>"));
	return t;
}

static struct shown from_html(const char *dir, const char *unit, enum resource res,
    enum lang lang)
{
	char *page = html_page(dir, unit, lang);
	const char *end, *t = html_table(page, res, &end);
	struct shown s = { 0 };

	s.amount = html_fig(t, "amount");
	s.baseline = html_fig(t, "baseline");
	s.change = html_fig(t, "change");
	free(page);
	return s;
}

/* The page says which months were compared, and which not and why. */
static void html_says(const char *dir, const char *unit, enum resource res, enum lang lang,
    const char *span, const char *not_compared)
{
	char *page = html_page(dir, unit, lang);
	const char *end, *t = html_table(page, res, &end), *a = strstr(t, span);
	const char *b = strstr(t, not_compared);

	if (a == NULL || a > end || b == NULL || b > end)
		fail_msg("%s's %s page does not say \"%s\" and \"%s\"", unit,
		    resource_name(res), span, not_compared);
	free(page);
}

/* Equal to within `within` (absolute: what the printed rounding leaves). */
static void same(const char *what, const struct shown *a, const struct shown *b, double within)
{
	const double got[3] = { a->amount, a->baseline, a->change };
	const double want[3] = { b->amount, b->baseline, b->change };
	static const char *const name[3] = { "amount", "baseline", "change" };

	for (int i = 0; i < 3; i++)
		if (!(fabs(got[i] - want[i]) <= within))
			fail_msg("%s %s: %.17g, want %.17g", what, name[i], got[i], want[i]);
}

struct expect {
	const char *unit;
	enum resource res;
	double amount, baseline, change;
	const char *months;
	const char *span_th, *span_en, *not_th, *not_en;
};

static void formats_agree(const char *dir, const struct expect *x)
{
	struct shown want = { x->amount, x->baseline, x->change, "" };
	struct shown json = from_json(dir, x->unit, resource_name(x->res));
	struct shown csv_th = from_csv(dir, x->unit, x->res, LANG_TH);
	struct shown csv_en = from_csv(dir, x->unit, x->res, LANG_EN);
	struct shown html_th = from_html(dir, x->unit, x->res, LANG_TH);
	struct shown html_en = from_html(dir, x->unit, x->res, LANG_EN);

	same("JSON, by hand", &json, &want, 1e-9);
	same("CSV (th), JSON", &csv_th, &json, 1e-9);
	same("CSV (en), JSON", &csv_en, &json, 1e-9);
	/* HTML prints two decimals */
	same("HTML (th), JSON", &html_th, &json, 0.005 + 1e-9);
	same("HTML (en), JSON", &html_en, &json, 0.005 + 1e-9);
	/* and the change follows from the two amounts printed beside it */
	if (!(fabs((html_en.baseline - html_en.amount) / html_en.baseline * 100 - html_en.change) <=
	    0.005 + 1e-9))
		fail_msg("%s: (%.2f - %.2f) / %.2f * 100 is not %.2f", x->unit, html_en.baseline,
		    html_en.amount, html_en.baseline, html_en.change);
	assert_string_equal(json.months, x->months);
	assert_string_equal(csv_th.months, x->months);
	assert_string_equal(csv_en.months, x->months);
	html_says(dir, x->unit, x->res, LANG_TH, x->span_th, x->not_th);
	html_says(dir, x->unit, x->res, LANG_EN, x->span_en, x->not_en);
}

/* The summary CSV's like-for-like columns of a unit, by header name. */
static double summary_col(const char *dir, const char *unit, const char *col, char *text_out,
    size_t len)
{
	char *text = slurp(dir, "summary.en.csv"), *save = NULL, *head[32], *row[32];
	char *line = strtok_r(text + 3, "\n", &save);
	int nh = csv_split(line, head, 32), k = 0;
	double v = NAN;

	while (k < nh && strcmp(head[k], col) != 0)
		k++;
	assert_true(k < nh);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (csv_split(line, row, 32) == nh && strcmp(row[0], unit) == 0) {
			v = csv_num(row[k]);
			if (text_out != NULL)
				snprintf(text_out, len, "%s", row[k]);
		}
	}
	free(text);
	return v;
}

/* The whole set of period p into dir, both languages, as gm-report writes it. */
static int set_write(const struct green_period *p, const char *dir)
{
	struct report_cmd cmd = { .mode = REPORT_GREEN, .datadir = tmpdir, .org = org_path,
		.out = dir, .period = *p, .langs = 3 };

	return green_set_write(&cmd);
}

static void test_formats_agree(void **state)
{
	static const struct expect q1[] = {
		{ "u1", RES_ELECTRICITY, 1824, 2184, 360.0 / 2184 * 100, "2026-10 2026-11",
		  "เปรียบเทียบ ต.ค.–พ.ย. 2569 กับ ต.ค.–พ.ย. 2568", "compared Oct–Nov 2026 with Oct–Nov 2025",
		  "ไม่นำมาเปรียบเทียบ: ธ.ค. 2569 (ยังไม่สิ้นเดือน)", "not compared: Dec 2026 (in progress)" },
		{ "u1", RES_PAPER_REAMS, 65, 83, 18.0 / 83 * 100, "2026-10 2026-11",
		  "เปรียบเทียบ ต.ค.–พ.ย. 2569 กับ ต.ค.–พ.ย. 2568", "compared Oct–Nov 2026 with Oct–Nov 2025",
		  "ไม่นำมาเปรียบเทียบ: ธ.ค. 2569 (ยังไม่สิ้นเดือน)", "not compared: Dec 2026 (in progress)" },
	};
	static const struct expect year[] = {
		{ "u2", RES_ELECTRICITY, 3276, 4368, 25,
		  "2026-10 2026-11 2026-12 2027-01 2027-02 2027-03",
		  "เปรียบเทียบ ต.ค. 2569–มี.ค. 2570", "compared Oct 2026–Mar 2027 with Oct 2025–Mar 2026",
		  "เม.ย. 2570 (ไม่มีข้อมูลของปีนี้)", "May 2027 (in progress)" },
		{ "u2", RES_PAPER_REAMS, 48, 60, 20,
		  "2026-10 2026-11 2026-12 2027-01 2027-02 2027-03",
		  "เปรียบเทียบ ต.ค. 2569–มี.ค. 2570", "compared Oct 2026–Mar 2027 with Oct 2025–Mar 2026",
		  "ไม่นำมาเปรียบเทียบ", "not compared" },
	};
	char dir[128], months[128];
	struct green_period p;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/q1", tmpdir);
	assert_int_equal(green_period_quarter(2570, 1, q1_as_of(), &p), GM_OK);
	assert_int_equal(set_write(&p, dir), 0);
	for (size_t i = 0; i < sizeof(q1) / sizeof(q1[0]); i++)
		formats_agree(dir, &q1[i]);
	/* the summary's columns are the same figures */
	near("summary kwh", summary_col(dir, "u1", "kwh", NULL, 0), 1824, EPS);
	near("summary kwh_baseline", summary_col(dir, "u1", "kwh_baseline", NULL, 0), 2184, EPS);
	near("summary kwh per person", summary_col(dir, "u1", "kwh_per_person", NULL, 0), 182.4,
	    EPS);
	near("summary paper", summary_col(dir, "u1", "paper_reduction_pct", NULL, 0),
	    18.0 / 83 * 100, EPS);
	near("summary paper baseline", summary_col(dir, "u1", "paper_baseline_amount", NULL, 0),
	    83, EPS);
	summary_col(dir, "u1", "paper_compared", months, sizeof(months));
	assert_string_equal(months, "2026-10 2026-11");

	snprintf(dir, sizeof(dir), "%s/year", tmpdir);
	assert_int_equal(green_period_round(2570, 12, may_as_of(), &p), GM_OK);
	assert_int_equal(set_write(&p, dir), 0);
	for (size_t i = 0; i < sizeof(year) / sizeof(year[0]); i++)
		formats_agree(dir, &year[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_edges),
		cmocka_unit_test(test_quarter_in_progress),
		cmocka_unit_test(test_year_with_data_to_march),
		cmocka_unit_test(test_formats_agree),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
