/*
 * test_action_plan.c - the Green Office action plan (action_plan.c) and
 * KPI 1.4 Green Parliament judged from it, level by level, with hand-built
 * plans:
 *   0  no plan file, or a plan without activities, or one with mistakes;
 *   1  a plan (nothing done yet; or everything done but level 1 only is
 *      what a later level counts on: each level needs the ones below);
 *   2  4 of 5 activities done (80 % exactly; 3 of 5 is not);
 *   3  all done;
 *   4  and every unit self-assessed (one short: 3);
 *   5  and the results report submitted with its four texts (one text
 *      missing: 4).
 * Mistakes in the file come with file:line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "action_plan.h"
#include "org.h"
#include "testutil.h"
#include "timeutil.h"

static struct org org;
static struct action_plan plan;

static const char org_text[] =
    "[organisation]\nth = ทดสอบ\nen = Test\nbaseline = 2568\n"
    "[unit central-admin]\nth = สำนักบริหารงานกลาง\nen = Central Administration\n"
    "[unit legal]\nth = สำนักกฎหมาย\nen = Legal\n";

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make("plan") != 0)
		return -1;
	reports.n = 0;
	return org_load(fixture("org.ini", org_text), &org, collect, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	org_free(&org);
	return tmpdir_teardown(state);
}

/* A plan of n activities, the first `done` of them done; submitted and
 * the four texts as asked. */
static const char *plan_text(int n, int done, bool submitted, bool texts)
{
	static char buf[8192];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
	    "[plan]\nth = แผนปฏิบัติการสำนักงานสีเขียว 2569\napproved = 2025-11-15\n");
	if (submitted)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "results_submitted = 2026-10-20\n");
	if (texts)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "impacts = ค่าไฟฟ้าลดลง\nproblems = ข้อมูลกระดาษล่าช้า\n"
		    "obstacles = มิเตอร์ชำรุด 1 เครื่อง\nrecommendations = ติดตั้งมิเตอร์เพิ่ม\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "[activity %d]\nth = กิจกรรมที่ %d\nowner = %s\ndue = 2026-0%d-30\n"
		    "status = %s\nevidence = GO-2569/plan/%d.pdf\n", i + 1, i + 1,
		    i % 2 ? "legal" : "central-admin", 3 + i % 6,
		    i < done ? "done" : i == done ? "in_progress" : "not_started", i + 1);
	return buf;
}

static int level(int n, int done, bool submitted, bool texts, int assessed)
{
	struct kpi14 k;

	reports.n = 0;
	assert_int_equal(action_plan_load(fixture("2569.ini", plan_text(n, done, submitted, texts)),
	    &org, &plan, collect, NULL), 0);
	action_plan_level(&plan, assessed, org.nunits, &k);
	assert_int_equal(k.total, n);
	assert_int_equal(k.done, done);
	return k.level;
}

static void test_levels(void **state)
{
	struct kpi14 k;

	(void)state;
	/* 0: no file at all */
	assert_int_equal(action_plan_load(fixture_dir("none") , &org, &plan, collect, NULL), 1);
	reports.n = 0;
	assert_int_equal(action_plan_load("/nonexistent/2569.ini", &org, &plan, collect, NULL), 0);
	assert_false(plan.found);
	action_plan_level(&plan, 2, 2, &k);
	assert_int_equal(k.level, 0);
	assert_true(isnan(k.done_pct));
	/* a plan section with no activity is not yet a plan */
	assert_int_equal(level(0, 0, false, false, 2), 0);

	assert_int_equal(level(5, 0, false, false, 0), 1);
	assert_int_equal(level(5, 3, false, false, 2), 1);   /* 60 % */
	assert_int_equal(level(5, 4, false, false, 0), 2);   /* 80 % exactly */
	assert_int_equal(level(10, 7, true, true, 2), 1);    /* 70 %: the rest cannot count */
	assert_int_equal(level(5, 5, false, false, 1), 3);   /* one unit not assessed */
	assert_int_equal(level(5, 5, false, false, 2), 4);
	assert_int_equal(level(5, 5, true, false, 2), 4);    /* submitted without its texts */
	assert_int_equal(level(5, 5, false, true, 2), 4);    /* written, not submitted */
	assert_int_equal(level(5, 5, true, true, 2), 5);
	assert_int_equal(level(5, 4, true, true, 2), 2);     /* each level needs those below */

	/* what level 1 and the pages show */
	assert_string_equal(plan.act[0].number, "1");
	assert_int_equal(plan.act[0].owner, org_unit_find(&org, "central-admin"));
	assert_int_equal(plan.act[1].owner, org_unit_find(&org, "legal"));
	assert_int_equal(plan.act[4].status, ACT_IN_PROGRESS);
	assert_string_equal(act_status_name(plan.act[0].status), "done");
	assert_true(plan.approved > 0 && plan.submitted > plan.approved);
}

static void test_mistakes(void **state)
{
	static const char *const want[] = {
		"bad.ini:2: unknown key \"colour\" in [plan]",
		"bad.ini:3: approved = \"15/11/2025\": expected a date, YYYY-MM-DD",
		"bad.ini:6: owner = \"nobody\": not a unit of the organisation file",
		"bad.ini:7: status = \"finished\": expected done, in_progress or not_started",
		"bad.ini:8: due = \"2026-13-01\": expected a date, YYYY-MM-DD",
		"bad.ini:9: unknown section [task 2] (expected [plan] or [activity <n>])",
	};

	(void)state;
	assert_int_equal(action_plan_load(fixture("bad.ini",
	    "[plan]\ncolour = green\napproved = 15/11/2025\n"
	    "[activity 1]\nth = อบรม\nowner = nobody\nstatus = finished\ndue = 2026-13-01\n"
	    "[task 2]\nth = x\n"), &org, &plan, collect, NULL), 6);
	expect_reports(want, (int)(sizeof(want) / sizeof(want[0])));
	/* a plan with mistakes is found, but holds nothing: level 0 */
	assert_true(plan.found);
	assert_int_equal(plan.nact, 0);
	/* an activity must say what is to be done */
	reports.n = 0;
	assert_int_equal(action_plan_load(fixture("empty-act.ini",
	    "[activity 1]\nstatus = done\n"), &org, &plan, collect, NULL), 1);
	assert_int_equal(plan.nact, 0);	/* an activity's number is digits and dots: it names form fields on the
	 * dashboard, where markup in it would be markup on the page */
	reports.n = 0;
	assert_int_equal(action_plan_load(fixture("markup.ini",
	    "[activity 4\"><i>x</i>]\nth = x\nen = y\n[activity ๓]\nth = x\nen = y\n"), &org, &plan,
	    collect, NULL), 2);
	assert_int_equal(plan.nact, 0);
	reports.n = 0;
	assert_int_equal(action_plan_load(fixture("dotted.ini", "[activity 2.1]\nth = x\nen = y\n"),
	    &org, &plan, collect, NULL), 0);
	assert_string_equal(plan.act[0].number, "2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mistakes, setup, teardown),
	};

	tz_set(TZ_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
