/*
 * test_devmap.c - meter models as data (common/devmap.c).
 *
 * Model files are written into a fresh temporary directory; every report is
 * compared, as "file:line: message" with the directory left out, with text
 * written here by hand. The shipped models in devices/ are loaded too when
 * they are there.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devmap.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_LOG 16

/* 4 x 16 = 64 characters: the longest id. */
#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* the keys every channel needs, for fixtures that test something else */
#define REQUIRED "function = 4\naddress = 0\ntype = uint16\nunit = x\nkind = gauge\n"

static char tmpdir[64];

static struct {
	int n;
	char msg[MAX_LOG][600];
} reports;

static void collect(void *user, const char *msg)
{
	size_t dl = strlen(tmpdir);

	(void)user;
	if (strncmp(msg, tmpdir, dl) == 0 && msg[dl] == '/')
		msg += dl + 1;
	if (reports.n < MAX_LOG)
		snprintf(reports.msg[reports.n], sizeof(reports.msg[0]), "%s", msg);
	reports.n++;
}

static void expect_reports(const char *const *want, int n)
{
	bool same = reports.n == n;

	for (int i = 0; same && i < n; i++)
		same = strcmp(reports.msg[i], want[i]) == 0;
	if (same)
		return;
	for (int i = 0; i < reports.n && i < MAX_LOG; i++)
		print_message("  got  %d: %s\n", i, reports.msg[i]);
	for (int i = 0; i < n; i++)
		print_message("  want %d: %s\n", i, want[i]);
	fail_msg("%d reports, want %d", reports.n, n);
}

/* Write <tmpdir>/<model>.conf. */
static void fixture(const char *model, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.conf", tmpdir, model);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Load <tmpdir>/<model>.conf; returns the error count. */
static int load(const char *model, struct device_model *m)
{
	reports.n = 0;
	return devmap_load(tmpdir, model, m, collect, NULL);
}

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gm-test-devmap-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Removes the files and directories (one level deep) the tests made. */
static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			remove_tree(path);
	}
	closedir(d);
	return rmdir(dir);
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(tmpdir);
}

static void test_good_model(void **state)
{
	struct device_model m;
	const struct channel_def *ch;

	(void)state;
	fixture("good",
	    "; a test meter\n"
	    "[model]\n"
	    "description = Test meter\n"
	    "max_gap = 8\n"
	    "\n"
	    "[channel import_kwh]\n"      /* everything not given is a default */
	    "function = 4\n"
	    "address = 0x0048\n"          /* 4 * 16 + 8 = 72 */
	    "type = float32\n"
	    "unit = kWh\n"
	    "kind = counter\n"
	    "\n"
	    "[channel power_w]\n"
	    "function = 3\n"
	    "address = 52\n"
	    "type = int32\n"
	    "order = cdab\n"
	    "unit = W\n"
	    "kind = gauge\n"
	    "scale = 0.1\n"
	    "offset = -5\n"
	    "\n"
	    "[channel pulses]\n"
	    "kind = counter\n"            /* any key order */
	    "unit = m3\n"
	    "type = uint32\n"
	    "address = 65534\n"           /* 0xfffe + 2 words ends at 0xffff */
	    "function = 4\n"
	    "scale = 0.001\n"
	    "sim = constant\n"
	    "sim_scale = 2.5\n"
	    "\n"
	    "[channel sheets]\n"
	    "function = 3\n"
	    "address = 0x10\n"
	    "type = uint16\n"
	    "order = badc\n"
	    "unit = sheets\n"
	    "kind = delta\n");
	assert_int_equal(load("good", &m), 0);
	expect_reports(NULL, 0);
	assert_string_equal(m.name, "good");
	assert_string_equal(m.description, "Test meter");
	assert_int_equal(m.max_gap, 8);
	assert_int_equal(m.nchannels, 4);

	ch = &m.channels[0];
	assert_string_equal(ch->name, "import_kwh");
	assert_int_equal(ch->function, 4);
	assert_int_equal(ch->address, 72);
	assert_int_equal(ch->type, REG_FLOAT32);
	assert_int_equal(ch->order, ORDER_ABCD);     /* default */
	assert_true(ch->scale == 1);                 /* default */
	assert_true(ch->offset == 0);                /* default */
	assert_string_equal(ch->unit, "kWh");
	assert_int_equal(ch->kind, KIND_COUNTER);
	assert_int_equal(ch->sim, SIM_COUNTER);      /* default for a counter */
	assert_true(ch->sim_scale == 1);             /* default */

	ch = &m.channels[1];
	assert_string_equal(ch->name, "power_w");
	assert_int_equal(ch->function, 3);
	assert_int_equal(ch->address, 52);
	assert_int_equal(ch->type, REG_INT32);
	assert_int_equal(ch->order, ORDER_CDAB);
	assert_true(ch->scale == 0.1);
	assert_true(ch->offset == -5);
	assert_int_equal(ch->kind, KIND_GAUGE);
	assert_int_equal(ch->sim, SIM_RATE);         /* default for a gauge */

	ch = &m.channels[2];
	assert_string_equal(ch->name, "pulses");
	assert_int_equal(ch->address, 65534);
	assert_int_equal(ch->type, REG_UINT32);
	assert_true(ch->scale == 0.001);
	assert_int_equal(ch->sim, SIM_CONSTANT);
	assert_true(ch->sim_scale == 2.5);

	ch = &m.channels[3];
	assert_int_equal(ch->address, 16);          /* 0x10 */
	assert_int_equal(ch->order, ORDER_BADC);
	assert_int_equal(ch->kind, KIND_DELTA);
	assert_int_equal(ch->sim, SIM_COUNTER);      /* default for a delta */

	assert_ptr_equal(devmap_channel(&m, "power_w"), &m.channels[1]);
	assert_ptr_equal(devmap_channel(&m, "sheets"), &m.channels[3]);
	assert_null(devmap_channel(&m, "power"));
	assert_null(devmap_channel(&m, ""));
}

/* A channel id may have the full 64 characters (a section name of 72). */
static void test_long_channel_id(void **state)
{
	struct device_model m;

	(void)state;
	fixture("longid", "[channel " ID64 "]\n" REQUIRED);
	assert_int_equal(load("longid", &m), 0);
	assert_int_equal(m.nchannels, 1);
	assert_string_equal(m.channels[0].name, ID64);
}

