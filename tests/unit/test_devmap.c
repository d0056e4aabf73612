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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devmap.h"
#include "gm_err.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* 4 x 16 = 64 characters: the longest id. */
#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* the keys every channel needs, for fixtures that test something else */
#define REQUIRED "function = 4\naddress = 0\ntype = uint16\nunit = x\nkind = gauge\n"

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
	return tmpdir_make("devmap");
}

static void test_good_model(void **state)
{
	struct device_model m;
	const struct channel_def *ch;

	(void)state;
	fixture("good.conf",
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
	fixture("longid.conf", "[channel " ID64 "]\n" REQUIRED);
	assert_int_equal(load("longid", &m), 0);
	assert_int_equal(m.nchannels, 1);
	assert_string_equal(m.channels[0].name, ID64);
}

static void test_missing_keys(void **state)
{
	/* reported at the [channel] line, in the order address, type, unit,
	 * kind, function */
	static const char *const want[] = {
		"missing.conf:4: channel a: \"address\" is required",
		"missing.conf:4: channel a: \"unit\" is required",
		"missing.conf:4: channel a: \"kind\" is required",
		"missing.conf:15: channel c: \"type\" is required",
		"missing.conf:15: channel c: \"function\" is required",
	};
	struct device_model m;

	(void)state;
	fixture("missing.conf",
	    "[model]\n"                  /* 1 */
	    "description = x\n"          /* 2 */
	    "\n"                         /* 3 */
	    "[channel a]\n"              /* 4 */
	    "function = 4\n"             /* 5 */
	    "type = uint16\n"            /* 6 */
	    "\n"                         /* 7 */
	    "[channel b]\n"              /* 8 */
	    "function = 4\n"             /* 9 */
	    "address = 1\n"              /* 10 */
	    "type = uint16\n"            /* 11 */
	    "unit = x\n"                 /* 12 */
	    "kind = gauge\n"             /* 13 */
	    "\n"                         /* 14 */
	    "[channel c]\n"              /* 15: the last one, ended by the file's end */
	    "; nothing yet\n"            /* 16 */
	    "address = 2\n"              /* 17 */
	    "unit = x\n"                 /* 18 */
	    "kind = counter\n");         /* 19 */
	assert_int_equal(load("missing", &m), 5);
	expect_reports(want, NCASES(want));
}

static void test_bad_keys_and_values(void **state)
{
	static const char *const want[] = {
		"bad.conf:2: unknown key \"descripton\" in [model]",
		"bad.conf:3: max_gap = \"500\": expected a whole number from 0 to 120",
		"bad.conf:5: function = \"6\": expected a whole number from 3 to 4",
		"bad.conf:6: unknown key \"adress\" in [channel a]",
		"bad.conf:7: type = \"float\": expected int16, uint16, int32, uint32, int64, "
		    "uint64, float32 or float64",
		"bad.conf:8: order = \"ABCD\": expected abcd, cdab, badc or dcba",
		"bad.conf:9: unit = \"m\xc2\xb3\": expected 1-15 characters [A-Za-z0-9/%._-]",
		"bad.conf:10: kind = \"Counter\": expected counter, gauge or delta",
		"bad.conf:11: \"function\" is given twice in [channel a] (first at line 5)",
		"bad.conf:12: scale = 0: a scale of zero hides every reading",
		"bad.conf:13: sim = \"random\": expected counter, rate or constant",
		"bad.conf:14: offset = \"x\": expected a number from -1e+12 to 1e+12",
		/* the typo left channel a without an address; found when it ends */
		"bad.conf:4: channel a: \"address\" is required",
		"bad.conf:17: unknown section [meter x] (expected [model] or [channel <id>])",
	};
	struct device_model m;

	(void)state;
	fixture("bad.conf",
	    "[model]\n"                  /* 1 */
	    "descripton = typo\n"        /* 2 */
	    "max_gap = 500\n"            /* 3 */
	    "[channel a]\n"              /* 4 */
	    "function = 6\n"             /* 5 */
	    "adress = 1\n"               /* 6 */
	    "type = float\n"             /* 7 */
	    "order = ABCD\n"             /* 8 */
	    "unit = m\xc2\xb3\n"         /* 9: "m" + superscript 3 in UTF-8 */
	    "kind = Counter\n"           /* 10 */
	    "function = 3\n"             /* 11: a key given twice */
	    "scale = 0\n"                /* 12 */
	    "sim = random\n"             /* 13 */
	    "offset = x\n"               /* 14 */
	    "\n"                         /* 15 */
	    "[meter x]\n"                /* 16 */
	    "host = y\n");               /* 17 */
	assert_int_equal(load("bad", &m), 14);
	expect_reports(want, NCASES(want));
}

static void test_duplicates_and_bad_ids(void **state)
{
	/* each bad section is reported once, at its header, however many keys */
	static const char *const want[] = {
		/* right after itself, and after another one */
		"dup.conf:7: [channel a] is given twice (first at line 1)",
		"dup.conf:16: [channel a] is given twice (first at line 1)",
		"dup.conf:19: [channel Import]: channel ids are 1-64 characters [a-z0-9_-]",
		"dup.conf:25: [channel ../x]: channel ids are 1-64 characters [a-z0-9_-]",
		"dup.conf:31: [channel " ID64 "x]: channel ids are 1-64 characters [a-z0-9_-]",
	};
	struct device_model m;

	(void)state;
	fixture("dup.conf",
	    "[channel a]\n" REQUIRED         /* 1, keys 2-6 */
	    "[channel a]\n"                  /* 7 */
	    "address = 2\n"                  /* 8 */
	    "unit = y\n"                     /* 9 */
	    "[channel b]\n" REQUIRED         /* 10, keys 11-15 */
	    "[channel a]\n"                  /* 16 */
	    "address = 3\n"                  /* 17 */
	    "unit = z\n"                     /* 18 */
	    "[channel Import]\n" REQUIRED    /* 19, keys 20-24 */
	    "[channel ../x]\n" REQUIRED      /* 25, keys 26-30 */
	    "[channel " ID64 "x]\n" REQUIRED /* 31: 65 characters */
	    );
	assert_int_equal(load("dup", &m), 5);
	expect_reports(want, NCASES(want));
	/* the first definition of a stands, untouched by the others */
	assert_int_equal(m.nchannels, 2);
	assert_string_equal(m.channels[0].name, "a");
	assert_int_equal(m.channels[0].address, 0);
	assert_string_equal(m.channels[0].unit, "x");
}

static void test_too_many_channels(void **state)
{
	/* channel k (from 0) has its header on line 6k + 1: the 33rd, k = 32,
	 * on line 193 */
	static const char *const want[] = { "many.conf:193: more than 32 channels" };
	struct device_model m;
	char *text = malloc(33 * 128), *o = text;

	(void)state;
	assert_non_null(text);
	for (int k = 0; k < 33; k++)
		o += sprintf(o, "[channel c%d]\n" REQUIRED, k);
	fixture("many.conf", text);
	free(text);
	assert_int_equal(load("many", &m), 1);
	expect_reports(want, NCASES(want));
	assert_int_equal(m.nchannels, DEVMAP_MAX_CHANNELS);
}

static void test_address_range(void **state)
{
	static const char *const want[] = {
		/* float32 at 0xffff would need 0xffff and 0x10000 */
		"range.conf:1: channel a: registers run past address 0xffff",
		/* uint64 at 0xfffd: 0xfffd..0x10000 */
		"range.conf:7: channel b: registers run past address 0xffff",
		"range.conf:21: address = \"65536\": expected a whole number from 0 to 65535",
	};
	struct device_model m;

	(void)state;
	fixture("range.conf",
	    "[channel a]\nfunction = 4\naddress = 0xffff\ntype = float32\n"   /* 1-4 */
	    "unit = V\nkind = gauge\n"                                         /* 5-6 */
	    "[channel b]\nfunction = 4\naddress = 0xfffd\ntype = uint64\n"    /* 7-10 */
	    "unit = V\nkind = gauge\n"                                         /* 11-12 */
	    /* one word at 0xffff, the last register: fine */
	    "[channel c]\nfunction = 4\naddress = 0xffff\ntype = uint16\n"    /* 13-16 */
	    "unit = V\nkind = gauge\n"                                         /* 17-18 */
	    "[channel d]\nfunction = 4\naddress = 65536\ntype = uint16\n"     /* 19-22 */
	    "unit = V\nkind = gauge\n");                                       /* 23-24 */
	assert_int_equal(load("range", &m), 3);
	expect_reports(want, NCASES(want));
}

static void test_model_ids_and_files(void **state)
{
	static const char *const bad_ids[] = { "../x", "", "A", "x/../y", "x.conf", "-x" };
	static const char *const missing[] = {
		"nosuch.conf: cannot open: No such file or directory",
	};
	static const char *const empty[] = { "empty.conf: no [channel] sections" };
	struct device_model m;
	char devices[128], want[128];

	(void)state;
	/* <tmpdir>/x.conf is a good model, and <tmpdir>/devices/../x.conf is
	 * the same file: an id that is not valid must not get that far */
	fixture("x.conf", "[channel a]\n" REQUIRED);
	snprintf(devices, sizeof(devices), "%s/devices", tmpdir);
	assert_int_equal(mkdir(devices, 0700), 0);
	for (size_t i = 0; i < NCASES(bad_ids); i++) {
		reports.n = 0;
		assert_int_equal(devmap_load(devices, bad_ids[i], &m, collect, NULL), 1);
		snprintf(want, sizeof(want), "model \"%s\" is not a valid id", bad_ids[i]);
		assert_int_equal(reports.n, 1);
		assert_string_equal(reports.msg[0], want);
		assert_int_equal(m.nchannels, 0);
	}
	assert_int_equal(load("x", &m), 0);   /* and the file itself is fine */

	assert_int_equal(load("nosuch", &m), 1);
	expect_reports(missing, NCASES(missing));

	fixture("empty.conf", "[model]\ndescription = nothing to read\n");
	assert_int_equal(load("empty", &m), 1);
	expect_reports(empty, NCASES(empty));
}

/* Channels made by hand (no file), so these test the arithmetic alone. */
static void test_value_and_encode(void **state)
{
	static const struct {
		struct channel_def ch;
		uint16_t regs[4];
		double value;
	} cases[] = {
		/* 0x04D2 = 4 * 256 + 13 * 16 + 2 = 1234; 1234 * 0.1 - 5 = 118.4 */
		{ { .type = REG_UINT16, .order = ORDER_ABCD, .scale = 0.1, .offset = -5 },
		  { 0x04D2 }, 118.4 },
		/* 230.5 is 0x43668000; CDAB puts the low word first */
		{ { .type = REG_FLOAT32, .order = ORDER_CDAB, .scale = 1 },
		  { 0x8000, 0x4366 }, 230.5 },
		/* int16 0xFFFE = -2; -2 * 0.01 = -0.02 */
		{ { .type = REG_INT16, .order = ORDER_ABCD, .scale = 0.01 },
		  { 0xFFFE }, -0.02 },
		/* uint32 0xFFFFFFFF = 4294967295 pulses of 0.001 m3 = 4294967.295 m3 */
		{ { .type = REG_UINT32, .order = ORDER_ABCD, .scale = 0.001 },
		  { 0xFFFF, 0xFFFF }, 4294967.295 },
		/* int32 0x00010000 = 65536 (CDAB: low word 0x0000 first); 65536 * -2 + 1 */
		{ { .type = REG_INT32, .order = ORDER_CDAB, .scale = -2, .offset = 1 },
		  { 0x0000, 0x0001 }, -131071 },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		uint16_t regs[4] = { 0 };
		double v = devmap_value(&cases[i].ch, cases[i].regs);

		if (fabs(v - cases[i].value) > 1e-9 * fmax(1, fabs(cases[i].value)))
			fail_msg("case %zu: value %.17g, want %.17g", i, v, cases[i].value);
		devmap_encode(&cases[i].ch, cases[i].value, regs);
		assert_memory_equal(regs, cases[i].regs, sizeof(regs));
	}
}

/* devmap_read: a channel's value if it is a reading, else why not. */
static void test_read_refuses(void **state)
{
	static const struct {
		struct channel_def ch;
		uint16_t regs[4];
		double value;        /* when accepted */
		const char *why;     /* NULL: accepted */
	} cases[] = {
		{ { .type = REG_FLOAT32, .kind = KIND_COUNTER, .scale = 1 }, { 0x4366, 0x8000 }, 230.5, NULL },
		/* a gauge may be negative (power flowing back): -5 is 0xC0A00000 */
		{ { .type = REG_FLOAT32, .kind = KIND_GAUGE, .scale = 1 }, { 0xc0a0, 0x0000 }, -5, NULL },
		{ { .type = REG_FLOAT32, .kind = KIND_COUNTER, .scale = 1 }, { 0xc0a0, 0x0000 }, 0,
		  "a counter cannot be negative (-5)" },
		/* an int16 counter 0xFFFE = -2, scale 0.5: -1 */
		{ { .type = REG_INT16, .kind = KIND_COUNTER, .scale = 0.5 }, { 0xfffe }, 0,
		  "a counter cannot be negative (-1)" },
		/* an offset can take a counter below zero too: 0 - 3 */
		{ { .type = REG_UINT16, .kind = KIND_COUNTER, .scale = 1, .offset = -3 }, { 0 }, 0,
		  "a counter cannot be negative (-3)" },
		{ { .type = REG_FLOAT32, .kind = KIND_GAUGE, .scale = 1 }, { 0x7fc0, 0x0000 }, 0,
		  "0x7fc0 0x0000 as float32 abcd is not a number (NaN)" },
		/* float64 1e300 (0x7E37E43C8800759C) x 1e10 overflows to infinity */
		{ { .type = REG_FLOAT64, .kind = KIND_GAUGE, .scale = 1e10 },
		  { 0x7e37, 0xe43c, 0x8800, 0x759c }, 0,
		  "1.0000000000000001e+300 x scale 10000000000 + offset 0 is not a finite number" },
	};
	char why[160];

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		double v = -12345;
		int rc = devmap_read(&cases[i].ch, cases[i].regs, &v, why, sizeof(why));
		if (cases[i].why == NULL && (rc != GM_OK || v != cases[i].value))
			fail_msg("case %zu: %d %.17g, want %.17g", i, rc, v, cases[i].value);
		if (cases[i].why != NULL && (rc != GM_ERANGE || strcmp(why, cases[i].why) != 0))
			fail_msg("case %zu: %d \"%s\", want \"%s\"", i, rc, rc ? why : "", cases[i].why);
		if (cases[i].why != NULL && v != -12345)
			fail_msg("case %zu: refused yet the value was written", i);
	}
}

static void test_wrap(void **state)
{
	static const struct {
		struct channel_def ch;
		double wrap;
	} cases[] = {
		/* 2^32 pulses of 0.001 m3: 4294967296 * 0.001 = 4294967.296 m3 */
		{ { .type = REG_UINT32, .scale = 0.001 }, 4294967.296 },
		{ { .type = REG_UINT16, .scale = 1 }, 65536 },                 /* 2^16 */
		{ { .type = REG_UINT16, .scale = -2 }, 131072 },               /* 2^16 * |-2| */
		{ { .type = REG_UINT64, .scale = 1 }, 18446744073709551616.0 },/* 2^64 */
		{ { .type = REG_INT32, .scale = 1 }, 0 },      /* signed: no wrap */
		{ { .type = REG_FLOAT32, .scale = 1 }, 0 },    /* float: no wrap */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		double w = devmap_wrap(&cases[i].ch);

		if (fabs(w - cases[i].wrap) > 1e-12 * cases[i].wrap)
			fail_msg("case %zu: wrap %.17g, want %.17g", i, w, cases[i].wrap);
	}

	/* 4294967.295 m3 is 4294967295 = 0xFFFFFFFF pulses, the top of the
	 * register; 4294967.296 m3 is 2^32 pulses, which wraps to 0 */
	struct channel_def ch = { .type = REG_UINT32, .order = ORDER_ABCD, .scale = 0.001 };
	uint16_t regs[2];
	devmap_encode(&ch, 4294967.295, regs);
	assert_int_equal(regs[0], 0xFFFF);
	assert_int_equal(regs[1], 0xFFFF);
	devmap_encode(&ch, 4294967.296, regs);
	assert_int_equal(regs[0], 0);
	assert_int_equal(regs[1], 0);
}

/*
 * The shipped models: devices/ at the top of the source tree, found from
 * this file's name (make compiles from the top, so __FILE__ is
 * "tests/unit/test_devmap.c" or an absolute path), or GM_DEVICES_DIR.
 */
static bool find_model(const char *model, char *dir, size_t len)
{
	const char *env = getenv("GM_DEVICES_DIR");
	const char *file = __FILE__;
	const char *tail = strstr(file, "tests/unit/test_devmap.c");
	char path[600];
	struct stat st;

	if (env != NULL)
		snprintf(dir, len, "%s", env);
	else if (tail != NULL && tail > file)
		snprintf(dir, len, "%.*sdevices", (int)(tail - file), file);
	else
		snprintf(dir, len, "devices");
	snprintf(path, sizeof(path), "%s/%s.conf", dir, model);
	return stat(path, &st) == 0;
}

static const struct channel_def *load_shipped(const char *model, struct device_model *m)
{
	char dir[512];

	if (!find_model(model, dir, sizeof(dir))) {
		/* being written elsewhere; not there yet is not a failure here */
		print_message("  %s/%s.conf not found\n", dir, model);
		skip();
	}
	reports.n = 0;
	if (devmap_load(dir, model, m, collect, NULL) != 0) {
		for (int i = 0; i < reports.n && i < TEXTLOG_MAX; i++)
			print_message("  %s\n", reports.msg[i]);
		fail_msg("%s/%s.conf has errors", dir, model);
	}
	assert_true(m->nchannels >= 1);
	return m->channels;
}

static void test_shipped_sdm630(void **state)
{
	struct device_model m;
	const struct channel_def *ch;

	(void)state;
	load_shipped("sdm630", &m);
	/* Eastron's table: import active energy is input register 30073, a
	 * float32; protocol address 30073 - 30001 = 72 = 0x48 */
	ch = devmap_channel(&m, "import_kwh");
	assert_non_null(ch);
	assert_int_equal(ch->function, 4);
	assert_int_equal(ch->address, 0x48);
	assert_int_equal(ch->type, REG_FLOAT32);
	assert_string_equal(ch->unit, "kWh");
	assert_int_equal(ch->kind, KIND_COUNTER);
}

static void test_shipped_sdm120(void **state)
{
	struct device_model m;

	(void)state;
	load_shipped("sdm120", &m);
}

static void test_shipped_water_pulse(void **state)
{
	struct device_model m;

	(void)state;
	load_shipped("water-pulse", &m);
	/* uint32 pulses of 0.001 m3 wrap at 4294967296 * 0.001 = 4294967.296 m3 */
	const struct channel_def *ch = devmap_channel(&m, "volume_m3");
	assert_non_null(ch);
	assert_true(devmap_wrap(ch) == 4294967.296);
	/* a count of pulses is the double nearest its m3, not a hair off it:
	 * 9 x 0.001 is 0.009000000000000001, 9 / 1000 is 0.009; every count to
	 * 10^6 reads as the decimal it is, and encodes back to itself */
	for (uint32_t n = 0; n <= 1000000; n++) {
		uint16_t regs[4] = { 0 }, back[4] = { 0 };
		char text[32];

		devmap_encode(ch, (double)n / 1000, regs);
		snprintf(text, sizeof(text), "%u.%03u", n / 1000, n % 1000);
		if (devmap_value(ch, regs) != strtod(text, NULL))
			fail_msg("%u pulses: %.17g m3, want %s", n, devmap_value(ch, regs), text);
		devmap_encode(ch, devmap_value(ch, regs), back);
		assert_memory_equal(regs, back, sizeof(regs));
	}
}

static void test_shipped_printer_counter(void **state)
{
	struct device_model m;

	(void)state;
	load_shipped("printer-counter", &m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_model, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_long_channel_id, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_missing_keys, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_keys_and_values, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_bad_ids, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_too_many_channels, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_address_range, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_model_ids_and_files, setup, tmpdir_teardown),
		cmocka_unit_test(test_value_and_encode),
		cmocka_unit_test(test_read_refuses),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_shipped_sdm630),
		cmocka_unit_test(test_shipped_sdm120),
		cmocka_unit_test(test_shipped_water_pulse),
		cmocka_unit_test(test_shipped_printer_counter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
