/*
 * test_log.c - rate-limited complaints (common/log.c): a failure is logged
 * at once, then at growing gaps, and its end once; a source that flaps
 * (fails, works, fails ...: a device whose every other payload lacks the
 * value) is held to the same pace instead of logging two lines a message.
 * stderr goes to a file for each test; the lines are counted there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>   /* its LOG_ERR ... beside log.h's levels: they must not collide */

#include <cmocka.h>

#include "log.h"
#include "testutil.h"

static const char *captured;

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make("log") != 0)
		return -1;
	captured = stderr_capture("stderr");
	log_init("test", GM_LOG_INFO);
	return 0;
}

static int teardown(void **state)
{
	stderr_release();
	return tmpdir_teardown(state);
}

/* The lines logged so far that contain `what`. */
static int lines_with(const char *what)
{
	char line[512];
	int n = 0;
	FILE *f;

	fflush(stderr);
	f = fopen(captured, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/* One outage: logged at once, again after 60 s, its end once. */
static void test_outage(void **state)
{
	struct complaint c = { 0 };

	(void)state;
	complain(&c, 1000, "gw: no answer");
	complain(&c, 1030, "gw: no answer");
	complain(&c, 1061, "gw: no answer");
	complain(&c, 1100, "gw: no answer");
	complain_release(&c, 1110, "gw");
	complain_release(&c, 1111, "gw");   /* no outage: nothing */
	assert_int_equal(lines_with("warning: gw: no answer"), 2);
	assert_int_equal(lines_with("info: gw: back after 110 s (4 failed attempts)"), 1);
	assert_int_equal(lines_with("test: "), 3);
}

/* A failure every other second for ten minutes, each followed by a success:
 * before, 300 warnings and 300 "back after" lines; with keep_pace the pace
 * of one long outage, 0, 60, 180 and 420 s in. */
static void test_flapping(void **state)
{
	struct complaint c = { .keep_pace = true };

	(void)state;
	for (time_t t = 0; t < 600; t += 2) {
		complain(&c, 5000 + t, "plug: payload has no ENERGY.Total");
		complain_release(&c, 5000 + t + 1, "plug");
	}
	assert_int_equal(lines_with("warning: plug: payload has no ENERGY.Total"), 4);
	assert_int_equal(lines_with("info: plug: back after 1 s (1 failed attempts)"), 4);
}

/* After a quiet spell as long as the last gap, a new outage is news again:
 * logged at once, and its repeats start from 60 s. */
static void test_afresh_after_quiet(void **state)
{
	struct complaint c = { .keep_pace = true };

	(void)state;
	complain(&c, 1000, "m: down");            /* logged; next 1060 */
	complain(&c, 1060, "m: down");            /* logged; gap 120, next 1180 */
	complain_release(&c, 1070, "m");
	complain(&c, 1100, "m: down");            /* soon after: keeps the pace, quiet */
	complain_release(&c, 1101, "m");          /* its end was not news either */
	assert_int_equal(lines_with("warning: m: down"), 2);
	assert_int_equal(lines_with("info: m: back"), 1);
	complain(&c, 1300, "m: down");            /* quiet since 1180 + 120: afresh */
	complain(&c, 1330, "m: down");
	complain(&c, 1360, "m: down");            /* 60 s after, not 240 */
	assert_int_equal(lines_with("warning: m: down"), 4);
}

/* Without keep_pace each new failure after a success is news (a meter's
 * bad answers, each by its name): logged, and its end. */
static void test_each_outage(void **state)
{
	struct complaint c = { 0 };

	(void)state;
	for (time_t t = 0; t < 20; t += 2) {
		complain(&c, 5000 + t, "gw: wrong unit id");
		complain_release(&c, 5000 + t + 1, "gw");
	}
	assert_int_equal(lines_with("warning: gw: wrong unit id"), 10);
	assert_int_equal(lines_with("info: gw: back after 1 s (1 failed attempts)"), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_afresh_after_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_outage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
