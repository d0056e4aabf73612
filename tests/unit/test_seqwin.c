/*
 * test_seqwin.c - the window of stored message numbers that collectors of a
 * shared subscription keep per channel (collector/seqwin.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "seqwin.h"
#include "testutil.h"

static void test_window(void **state)
{
	struct seqwin w = { 0, 0 };

	(void)state;
	assert_false(seqwin_has(&w, 0));     /* empty: nothing stored */
	assert_false(seqwin_has(&w, 1));
	seqwin_add(&w, 10);
	assert_true(seqwin_has(&w, 10));
	assert_false(seqwin_has(&w, 9));     /* 9 never stored: its readings come late */
	seqwin_add(&w, 12);                  /* out of order: 12 before 11 */
	assert_true(seqwin_has(&w, 12) && seqwin_has(&w, 10));
	assert_false(seqwin_has(&w, 11));
	seqwin_add(&w, 11);
	assert_true(seqwin_has(&w, 11));
	/* 63 below the top is the oldest remembered; 64 below is forgotten */
	seqwin_add(&w, 12 + 63);
	assert_true(seqwin_has(&w, 12));
	assert_false(seqwin_has(&w, 11));
	/* a jump past the window forgets everything before it */
	seqwin_add(&w, 1000);
	assert_false(seqwin_has(&w, 75));
	assert_true(seqwin_has(&w, 1000));
	assert_false(seqwin_has(&w, 1001));
	/* an agent that starts numbering again: older than the window, not
	 * taken, until its numbers move past the top */
	seqwin_add(&w, 1);
	assert_false(seqwin_has(&w, 1));
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("seqwin");
}

static void test_file(void **state)
{
	char err[256];
	struct chan_id id;
	struct seqwin w = { 0, 0 }, back;

	(void)state;
	assert_int_equal(chan_id_set(&id, "s", "m", "c", err, sizeof(err)), 0);
	assert_int_equal(seqwin_read(tmpdir, &id, &back), 0);   /* missing: empty */
	assert_true(back.bits == 0);
	fixture_dir("s");
	fixture_dir("s/m");
	seqwin_add(&w, 123456789012ULL);
	seqwin_add(&w, 123456789010ULL);
	assert_int_equal(seqwin_write(tmpdir, &id, &w, err, sizeof(err)), 0);
	seqwin_add(&w, 5);   /* shorter top: the file is cut to the new line */
	w.top = 7;
	w.bits = 1;
	assert_int_equal(seqwin_write(tmpdir, &id, &w, err, sizeof(err)), 0);
	assert_int_equal(seqwin_read(tmpdir, &id, &back), 0);
	assert_true(back.top == 7 && back.bits == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test_setup_teardown(test_file, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
