/*
 * test_chanmeta.c - the unit, kind and cadence file beside each channel's RRD
 * (common/store/chanmeta.c): "<datadir>/<site>/<meter>/<channel>.meta".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "chanmeta.h"
#include "rrd_layout.h"
#include "gm_err.h"
#include "testutil.h"

/* <tmpdir>/<site>/<meter>, as the collector makes it before the files. */
static void make_dirs(const struct chan_id *id)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, id->site);
	assert_true(mkdir(path, 0700) == 0 || access(path, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, id->site, id->meter);
	assert_true(mkdir(path, 0700) == 0 || access(path, F_OK) == 0);
}

/* Write unit, kind and every as a new channel's .meta. */
static int put(const struct chan_id *id, const char *unit, enum reading_kind kind, long every,
    char *err, size_t errlen)
{
	struct chanmeta m = { .kind = kind, .every = every };

	snprintf(m.unit, sizeof(m.unit), "%s", unit);
	return chanmeta_write(tmpdir, id, &m, err, errlen);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("chanmeta");
}

static void test_round_trip(void **state)
{
	static const struct {
		const char *channel, *unit;
		enum reading_kind kind;
	} cases[] = {
		{ "import_kwh", "kWh", KIND_COUNTER },
		{ "power_w", "W", KIND_GAUGE },
		{ "sheets", "sheets", KIND_DELTA },
		{ "volume_m3", "m3", KIND_COUNTER },
		{ "ratio", "%", KIND_GAUGE },
		{ "x", "a-b_c.d/e123456", KIND_GAUGE },   /* 15 characters, the most */
	};
	char err[512], path[256];
	struct chanmeta m;
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct chan_id id = id3("hq", "b2-main", cases[i].channel);

		make_dirs(&id);
		err[0] = '\0';
		assert_int_equal(put(&id, cases[i].unit, cases[i].kind, 0, err, sizeof(err)), GM_OK);
		snprintf(path, sizeof(path), "%s/hq/b2-main/%s.meta", tmpdir, cases[i].channel);
		assert_int_equal(stat(path, &st), 0);
		/* written whole, then renamed: no temporary file is left */
		snprintf(path, sizeof(path), "%s/hq/b2-main/%s.meta.tmp", tmpdir,
		    cases[i].channel);
		assert_int_not_equal(stat(path, &st), 0);

		memset(&m, 0xA5, sizeof(m));
		assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
		assert_string_equal(m.unit, cases[i].unit);
		assert_int_equal(m.kind, cases[i].kind);
		assert_int_equal(m.layout, RRD_LAYOUT_VERSION);
		assert_int_equal(m.every, 0);     /* not given: no line, read as 0 */
	}
}

/* The expected interval: written when given, read back; the file as a
 * person sees it holds "every = N". */
static void test_every(void **state)
{
	static const long cases[] = { 1, 60, 900, 2678400, 31622400 };
	struct chan_id id = id3("hq", "water", "volume_m3");
	char err[512], path[256], text[512];
	struct chanmeta m;

	(void)state;
	make_dirs(&id);
	snprintf(path, sizeof(path), "%s/hq/water/volume_m3.meta", tmpdir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];

		assert_int_equal(put(&id, "m3", KIND_COUNTER, cases[i], err, sizeof(err)), GM_OK);
		memset(&m, 0xA5, sizeof(m));
		assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
		assert_int_equal(m.every, cases[i]);
		assert_string_equal(m.unit, "m3");
		assert_int_equal(m.kind, KIND_COUNTER);
		read_file(path, text, sizeof(text));
		snprintf(want, sizeof(want), "\nevery = %ld\n", cases[i]);
		if (strstr(text, want) == NULL)
			fail_msg("no \"%s\" in:\n%s", want + 1, text);
	}

	/* a file of an older collector, without layout or every, reads fine:
	 * its RRD was made with layout 1, the only one before the line */
	write_file(path, "[channel]\nunit = m3\nkind = counter\n");
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	assert_int_equal(m.every, 0);
	assert_int_equal(m.layout, 1);
	/* rewritten with every, it keeps what it said and gains the line */
	m.every = 2678400;
	assert_int_equal(chanmeta_write(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	memset(&m, 0, sizeof(m));
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	assert_int_equal(m.every, 2678400);
	assert_string_equal(m.unit, "m3");
	assert_int_equal(m.layout, 1);
	/* a layout it names is kept as it is */
	m.layout = 7;
	assert_int_equal(chanmeta_write(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	assert_int_equal(m.layout, 7);
	assert_int_equal(m.every, 2678400);
}

/* Written again: the new content replaces the old. */
static void test_overwrite(void **state)
{
	struct chan_id id = id3("hq", "m1", "c");
	struct chanmeta m;
	char err[512];

	(void)state;
	make_dirs(&id);
	assert_int_equal(put(&id, "kWh", KIND_COUNTER, 60, err, sizeof(err)), GM_OK);
	assert_int_equal(put(&id, "W", KIND_GAUGE, 0, err, sizeof(err)), GM_OK);
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_OK);
	assert_string_equal(m.unit, "W");
	assert_int_equal(m.kind, KIND_GAUGE);
	assert_int_equal(m.every, 0);
}

static void test_missing(void **state)
{
	struct chan_id id = id3("hq", "m1", "nosuch");
	struct chanmeta m;
	char err[512];

	(void)state;
	/* neither the directories nor the file */
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_ENOTFOUND);
	make_dirs(&id);
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_ENOTFOUND);
}

/* Writing where the directories are missing fails, naming the file. */
static void test_write_error(void **state)
{
	struct chan_id id = id3("nosite", "m1", "c");
	char err[512] = "", want[256];

	(void)state;
	assert_int_equal(put(&id, "kWh", KIND_COUNTER, 0, err, sizeof(err)), GM_EIO);
	snprintf(want, sizeof(want), "%s/nosite/m1/c.meta: cannot make a temporary file: No such file or directory",
	    tmpdir);
	assert_string_equal(err, want);
}

static void test_corrupt(void **state)
{
	static const struct {
		const char *text, *err;   /* err without "<tmpdir>/hq/m1/c.meta" */
	} cases[] = {
		{ "[channel]\nunit = kWh\nkind = counters\nlayout = 1\n",
		  ":3: bad kind \"counters\"" },
		{ "; comment\n[channel]\nunit = kWh\nkind = Counter\n",
		  ":4: bad kind \"Counter\"" },
		{ "[channel]\nunit = kilowatt hours\nkind = counter\n",
		  ":2: bad unit \"kilowatt hours\"" },
		{ "[channel]\nunit = kWh\nkind = gauge\nlayout = 0\n",
		  ":4: layout = \"0\": expected a whole number from 1 to 1000" },
		{ "[meta]\nunit = kWh\n", ":2: unknown section [meta]" },
		{ "[channel]\nunit = kWh\nkind = counter\nevery = 0\n",
		  ":4: every = \"0\": expected a whole number from 1 to 31622400" },
		{ "[channel]\nunit = kWh\nkind = counter\nevery = 31622401\n",
		  ":4: every = \"31622401\": expected a whole number from 1 to 31622400" },
		{ "[channel]\nunit = kWh\nkind = counter\nevery = 1.5\n",
		  ":4: every = \"1.5\": expected a whole number from 1 to 31622400" },
		{ "[channel]\nunit kWh\n", ":2: expected \"key = value\" or \"[section]\"" },
	};
	struct chan_id id = id3("hq", "m1", "c");
	char path[256], err[512], want[512];
	struct chanmeta m;

	(void)state;
	make_dirs(&id);
	snprintf(path, sizeof(path), "%s/hq/m1/c.meta", tmpdir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(path, cases[i].text);
		err[0] = '\0';
		assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_EINVAL);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].err);
		assert_string_equal(err, want);
	}

	/* no unit at all: the file is named too */
	write_file(path, "[channel]\nkind = counter\n");
	err[0] = '\0';
	assert_int_equal(chanmeta_read(tmpdir, &id, &m, err, sizeof(err)), GM_EINVAL);
	snprintf(want, sizeof(want), "%s: no unit", path);
	assert_string_equal(err, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_every, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_overwrite, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
