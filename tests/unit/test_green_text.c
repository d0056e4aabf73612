/*
 * test_green_text.c - dates as a Thai reader of a report sees them
 * (dashboards/green/green_text.c): Buddhist Era years and Thai month
 * abbreviations on Thai pages, the same days in English, in Asia/Bangkok
 * whatever the machine's zone; the ISO form only for machines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "green.h"
#include "green_text.h"
#include "testutil.h"
#include "timeutil.h"

static int setup(void **state)
{
	(void)state;
	return tz_set("Asia/Bangkok");
}

/* Every key once: tr() finds the first, so a second one (the action plan's
 * "plan" once hid the corrective plan's) would never be shown. */
static void test_keys_once(void **state)
{
	(void)state;
	assert_null(green_text_duplicate());
	assert_string_equal(tr(LANG_TH, "plan"), "แนวทางแก้ไข");
	assert_string_equal(tr(LANG_TH, "action_plan"), "แผนปฏิบัติการ");
}

static void test_date_name(void **state)
{
	char buf[64];

	(void)state;
	/* the first second of 1 October 2025 in Bangkok, and the last of a day */
	green_date_name(bkk(2025, 10, 1), LANG_TH, buf, sizeof(buf));
	assert_string_equal(buf, "1 ต.ค. 2568");
	green_date_name(bkk(2025, 10, 1), LANG_EN, buf, sizeof(buf));
	assert_string_equal(buf, "1 Oct 2025");
	green_date_name(bkk(2026, 1, 1) - 1, LANG_TH, buf, sizeof(buf));
	assert_string_equal(buf, "31 ธ.ค. 2568");
	/* too small a buffer is cut, never overrun */
	green_date_name(bkk(2025, 10, 1), LANG_TH, buf, 6);
	assert_true(strlen(buf) < 6);
}

static void test_period_span(void **state)
{
	struct green_period fy = { .fy = 2569, .m0 = 0, .m1 = 12, .kind = PERIOD_ROUND, .n = 12 };
	struct green_period q2 = { .fy = 2569, .m0 = 3, .m1 = 6, .kind = PERIOD_QUARTER, .n = 2 };
	char buf[128], from[32], to[32];

	(void)state;
	green_period_span(&fy, LANG_TH, buf, sizeof(buf));
	assert_string_equal(buf, "1 ต.ค. 2568 – 30 ก.ย. 2569");
	green_period_span(&fy, LANG_EN, buf, sizeof(buf));
	assert_string_equal(buf, "1 Oct 2025 – 30 Sep 2026");
	green_period_span(&q2, LANG_TH, buf, sizeof(buf));
	assert_string_equal(buf, "1 ม.ค. 2569 – 31 มี.ค. 2569");
	/* the machines' form of the same days */
	green_period_days(&q2, from, to, sizeof(from));
	assert_string_equal(from, "2026-01-01");
	assert_string_equal(to, "2026-03-31");
}

/* Units in the page's language, and the decimals shown, one per quantity. */
static void test_units(void **state)
{
	(void)state;
	assert_string_equal(resource_unit_words(RES_ELECTRICITY, LANG_TH), "กิโลวัตต์ชั่วโมง");
	assert_string_equal(resource_unit_words(RES_WATER, LANG_TH), "ลูกบาศก์เมตร");
	assert_string_equal(resource_unit_words(RES_PAPER_PRINTED, LANG_TH), "แผ่น");
	assert_string_equal(resource_unit_words(RES_PAPER_REAMS, LANG_TH), "รีม");
	assert_string_equal(resource_unit_words(RES_FUEL, LANG_TH), "ลิตร");
	assert_string_equal(resource_unit_words(RES_WASTE, LANG_TH), "กิโลกรัม");
	for (int r = 0; r < RES_N; r++)   /* English pages: the symbols CSV and JSON use */
		assert_string_equal(resource_unit_words((enum resource)r, LANG_EN),
		    resource_unit((enum resource)r));
	assert_string_equal(resource_unit_words(RES_N, LANG_TH), "?");
	assert_int_equal(resource_decimals(RES_PAPER_PRINTED), 0);
	assert_int_equal(resource_decimals(RES_PAPER_REAMS), 0);
	assert_int_equal(resource_decimals(RES_ELECTRICITY), 2);
	assert_int_equal(resource_decimals(RES_WATER), 2);
}

/* A unit's Green Office round, in the page's language. */
static void test_cohort(void **state)
{
	static const struct { const char *in, *th, *en; } cases[] = {
		{ "2568 target", "เป้าหมายปี 2568", "target for 2568" },
		{ "2566: Gold", "ได้รับการรับรองปี 2566 ระดับดีเยี่ยม (ทอง)", "certified Gold in 2566" },
		{ "2567: Silver", "ได้รับการรับรองปี 2567 ระดับดีมาก (เงิน)", "certified Silver in 2567" },
		{ "2565: Bronze", "ได้รับการรับรองปี 2565 ระดับดี (ทองแดง)", "certified Bronze in 2565" },
		/* anything else as written */
		{ "2566: Platinum", "2566: Platinum", "2566: Platinum" },
		{ "2568 target, again", "2568 target, again", "2568 target, again" },
		{ "รุ่นที่ 3", "รุ่นที่ 3", "รุ่นที่ 3" },
		{ "", "", "" },
	};
	char buf[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		green_cohort_words(cases[i].in, LANG_TH, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].th);
		green_cohort_words(cases[i].in, LANG_EN, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].en);
	}
}

/* A grade only once the unit has scored its checklist. */
static void test_grade_words(void **state)
{
	struct self_eval e = { .grade = GRADE_NONE, .answered = 0 };

	(void)state;
	assert_string_equal(green_grade_words(&e, LANG_TH), "ยังไม่ได้ประเมินตนเอง");
	assert_string_equal(green_grade_words(&e, LANG_EN), "not self-assessed yet");
	e.answered = 1;
	assert_string_equal(green_grade_words(&e, LANG_TH), "ไม่ผ่านการรับรอง");
	e.grade = GRADE_GOLD;
	assert_string_equal(green_grade_words(&e, LANG_EN), "Gold");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_once),
		cmocka_unit_test(test_date_name),
		cmocka_unit_test(test_period_span),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_cohort),
		cmocka_unit_test(test_grade_words),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
