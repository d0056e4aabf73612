/*
 * test_data_format.c - the data directory's format line (data_format.h):
 * written by the writer when there is none, read back as ours; a newer
 * number or a line that is not one refused, the file untouched; a
 * directory without the file is of format 1 to a reader, and stays without.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "data_format.h"
#include "gm_err.h"
#include "testutil.h"

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("data-format");
}

static char err[512];

/* The format file's text. */
static const char *format_text(void)
{
	static char buf[256];
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, DATA_FORMAT_FILE);
	read_file(path, buf, sizeof(buf));
	return buf;
}

static void test_written_once(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, DATA_FORMAT_FILE);
	/* a reader of a directory without the file: format 1, nothing written */
	assert_int_equal(data_format_check(tmpdir, false, err, sizeof(err)), GM_OK);
	assert_int_not_equal(access(path, F_OK), 0);
	/* the writer writes it, then reads it back as its own */
	assert_int_equal(data_format_check(tmpdir, true, err, sizeof(err)), GM_OK);
	assert_string_equal(format_text(), "greenmeter-data 2\n");
	assert_int_equal(data_format_check(tmpdir, true, err, sizeof(err)), GM_OK);
	assert_int_equal(data_format_check(tmpdir, false, err, sizeof(err)), GM_OK);
}

static void test_newer_refused(void **state)
{
	(void)state;
	fixture(DATA_FORMAT_FILE, "greenmeter-data 3\n");
	assert_int_equal(data_format_check(tmpdir, true, err, sizeof(err)), GM_EINVAL);
	assert_non_null(strstr(err, "format 3, newer than this greenmeter's 2"));
	assert_non_null(strstr(err, DATA_FORMAT_FILE));
	/* and left as it was */
	assert_string_equal(format_text(), "greenmeter-data 3\n");
	assert_int_equal(data_format_check(tmpdir, false, err, sizeof(err)), GM_EINVAL);
}

/* Format 1 (layout-1 files) is brought to 2 by the writer, by its line
 * alone; a reader leaves it as it is. */
static void test_older_brought_up(void **state)
{
	(void)state;
	fixture(DATA_FORMAT_FILE, "greenmeter-data 1\n");
	assert_int_equal(data_format_check(tmpdir, false, err, sizeof(err)), GM_OK);
	assert_string_equal(format_text(), "greenmeter-data 1\n");
	assert_int_equal(data_format_check(tmpdir, true, err, sizeof(err)), GM_OK);
	assert_string_equal(format_text(), "greenmeter-data 2\n");
}

static void test_not_a_line(void **state)
{
	static const char *const bad[] = {
		"", "greenmeter-data\n", "greenmeter-data x\n", "greenmeter-data 1", "greenmeter-data 0\n",
		"greenmeter-data 1\nmore\n", "rrd 1\n", "greenmeter-data -3\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fixture(DATA_FORMAT_FILE, bad[i]);
		err[0] = '\0';
		assert_int_equal(data_format_check(tmpdir, true, err, sizeof(err)), GM_EINVAL);
		assert_non_null(strstr(err, "not a data format line"));
		assert_string_equal(format_text(), bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_written_once, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_older_brought_up, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_line, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
