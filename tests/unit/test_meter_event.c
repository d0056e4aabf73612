/*
 * test_meter_event.c - the events journal as its readers take it
 * (common/meter_event.c, meter_event_journal_each): every event in file order, kinds this
 * version does not know skipped, bad lines counted and skipped. A bad line
 * in the middle (a NUL-filled block left by a crash, a line too long, a
 * note with control characters) costs that line only: the events after it
 * still count (they are meter replacements: losing one miscounts a year).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "meter_event.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define HEADER "greenmeter-events 1\n"

static struct {
	int n;
	struct meter_event ev[16];
} got;

static void keep(const struct meter_event *ev, void *user)
{
	(void)user;
	if (got.n < 16)
		got.ev[got.n] = *ev;
	got.n++;
}

static int setup(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	return tmpdir_make("meterevent");
}

static int read_journal(const char *path, size_t *nbad, char *err, size_t errlen)
{
	memset(&got, 0, sizeof(got));
	*nbad = 0;
	return meter_event_journal_each(path, -INFINITY, INFINITY, keep, NULL, nbad, err, errlen);
}

static void test_good(void **state)
{
	const char *path = fixture("a.events", HEADER
	    "1767250000 replaced old_final=52311.2 new_start=0.5 at=1767250003 note=new meter\n"
	    "1769900000 reset-detected from=4000000 to=0.5 counted=0.5 at=1769900001\n"
	    "1769900001 moved-to-mars x=1\n"                /* a kind added later: skipped */
	    "1770000000 late v=4001.25 seq=88 at=1770000420\n");
	char err[256];
	size_t nbad;

	(void)state;
	assert_int_equal(read_journal(path, &nbad, err, sizeof(err)), GM_OK);
	assert_int_equal(nbad, 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.ev[0].kind, EV_REPLACED);
	assert_true(got.ev[0].old_final == 52311.2 && got.ev[0].new_start == 0.5);
	assert_string_equal(got.ev[0].note, "new meter");
	assert_int_equal(got.ev[1].kind, EV_RESET_DETECTED);
	assert_int_equal(got.ev[2].kind, EV_LATE);
	assert_int_equal(got.ev[2].seq, 88);
}

/* A block of NUL bytes (a crash on a file system that zero-fills what it
 * had not written), a line too long, a bad one: each is one bad line, and
 * the replacement after them still counts. */
static void test_bad_lines_in_the_middle(void **state)
{
	static const char text[] = HEADER
	    "1767250000 replaced new_start=0.5 at=1767250003\n"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\n"
	    "1767250001 reset new_start=0 at=17672\0 50003\n"
	    "1767250002 late v=1 seq=2 at=1767250004 note=@LONG@\n"
	    "1767250003 replaced new_start=x\n"
	    "1767250004 reset new_start=0 note=a\x1b[2Jb\n"
	    "1767250005 reset new_start=0 note=@NOTE201@\n"
	    "1768000000 replaced old_final=10 new_start=1 at=1768000001\n";
	char buf[4096], err[256];
	size_t o = 0, nbad;

	(void)state;
	/* @LONG@: a note of 600 bytes (the line is over EVENT_LINE_MAX);
	 * @NOTE201@: one byte over EVENT_NOTE_MAX */
	for (size_t i = 0, n = sizeof(text) - 1; i < n; i++) {
		if (i + 6 <= n && memcmp(text + i, "@LONG@", 6) == 0) {
			memset(buf + o, 'x', 600);
			o += 600;
			i += 5;
		} else if (i + 9 <= n && memcmp(text + i, "@NOTE201@", 9) == 0) {
			memset(buf + o, 'y', EVENT_NOTE_MAX + 1);
			o += EVENT_NOTE_MAX + 1;
			i += 8;
		} else {
			buf[o++] = text[i];
		}
	}
	assert_int_equal(read_journal(fixture_bytes("b.events", buf, o), &nbad, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(nbad, 6);
	assert_int_equal(got.n, 2);
	assert_true(got.ev[0].t == 1767250000);
	assert_true(got.ev[1].t == 1768000000);
	assert_true(got.ev[1].old_final == 10);
}

/* The last line without its newline was torn by a crash: not an event,
 * not a bad line. */
static void test_torn_last_line(void **state)
{
	const char *path = fixture("c.events", HEADER
	    "1767250000 replaced new_start=0.5 at=1767250003\n"
	    "1768000000 replaced old_final=10 new_st");
	char err[256];
	size_t nbad;

	(void)state;
	assert_int_equal(read_journal(path, &nbad, err, sizeof(err)), GM_OK);
	assert_int_equal(nbad, 0);
	assert_int_equal(got.n, 1);
}

static void test_header(void **state)
{
	char err[256], want[300], path[200];
	size_t nbad;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.events", tmpdir);
	assert_int_equal(read_journal(path, &nbad, err, sizeof(err)), GM_OK);   /* none yet */
	assert_int_equal(got.n, 0);
	snprintf(path, sizeof(path), "%s", fixture("d.events", "greenmeter-events 2\n"
	    "1767250000 replaced new_start=0.5\n"));
	snprintf(want, sizeof(want), "%s:1: not a greenmeter events journal of version 1",
	    path);
	assert_int_equal(read_journal(path, &nbad, err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(got.n, 0);
	/* a header still being written: no events yet */
	assert_int_equal(read_journal(fixture("e.events", "greenmeter-ev"), &nbad, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(got.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_in_the_middle, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
