/*
 * test_collector_config.c - gm-collector's configuration
 * (collector/collector_config.c) and the [mqtt] section it shares with the
 * agent (common/mqtt_opts.c): what a broker would refuse, or what would
 * make a collector that stores nothing, is refused here with file:line.
 *
 * Each test writes collector.conf into a fresh temporary directory and
 * compares every report, "file:line: message" with the directory left out,
 * with the text written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collector_config.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static struct collector_config cfg;

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	return tmpdir_make("collcfg");
}

static int load_text(const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/collector.conf", tmpdir);
	write_file(path, text);
	reports.n = 0;
	return collector_config_load(path, &cfg, collect, NULL);
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(load_text(
	    "[collector]\n"
	    "data_dir = /var/lib/greenmeter/rrd\n"
	    "subscribe = $share/gm/greenmeter/v1/#\n"
	    "max_future = 60\n"
	    "[mqtt]\n"
	    "broker = 127.0.0.1:1883\n"
	    "client_id = gm-collector_1.b2\n"
	    "protocol = 5\n"), 0);
	expect_reports(NULL, 0);
	assert_string_equal(cfg.data_dir, "/var/lib/greenmeter/rrd");
	assert_string_equal(cfg.subscribe, "$share/gm/greenmeter/v1/#");
	assert_string_equal(cfg.mqtt.client_id, "gm-collector_1.b2");
	assert_true(cfg.max_future_s == 60);
	/* the defaults */
	assert_int_equal(load_text("[collector]\ndata_dir = d\n"), 0);
	assert_string_equal(cfg.subscribe, "greenmeter/v1/#");
	assert_string_equal(cfg.mqtt.client_id, "gm-collector");
}

/* What issue 16 found gm-collector -n passing: "subscribe =" and
 * "client_id =" (the broker then answers CONNACK 2, identifier rejected,
 * for ever). */
static void test_issue16_empty_values(void **state)
{
	static const char *const want[] = {
		"collector.conf:3: \"subscribe\" has no value (give one, or leave the key out)",
		"collector.conf:5: \"client_id\" has no value (give one, or leave the key out)",
	};

	(void)state;
	assert_int_equal(load_text(
	    "[collector]\n"            /* 1 */
	    "data_dir = /tmp/x\n"      /* 2 */
	    "subscribe =\n"            /* 3 */
	    "[mqtt]\n"                 /* 4 */
	    "client_id =\n"), 2);      /* 5 */
	expect_reports(want, NCASES(want));
}

#define SUB_WHY(v, why) "collector.conf:3: subscribe = \"" v "\": " why

/* A filter the broker would refuse, or one no greenmeter topic can match. */
static void test_subscribe(void **state)
{
	static const struct {
		const char *value;
		const char *want;   /* NULL: accepted */
	} cases[] = {
		{ "greenmeter/v1/#", NULL },
		{ "greenmeter/v1/parliament/#", NULL },
		{ "greenmeter/v1/+/b2-main/+", NULL },
		{ "greenmeter/v1/+/+/+/event", NULL },
		{ "greenmeter/v1/+/+/+/#", NULL },
		{ "$share/gm/greenmeter/v1/#", NULL },
		{ "$share/group-1/greenmeter/v1/site/#", NULL },
		{ "#", SUB_WHY("#", "expected greenmeter/v1/# or a part of it, or "
		    "$share/<group>/greenmeter/v1/#") },
		{ "greenmeter/v2/#", SUB_WHY("greenmeter/v2/#", "expected greenmeter/v1/# or "
		    "a part of it, or $share/<group>/greenmeter/v1/#") },
		{ "greenmeter/v1", SUB_WHY("greenmeter/v1", "expected greenmeter/v1/# or a "
		    "part of it, or $share/<group>/greenmeter/v1/#") },
		{ "greenmeter/v1/", SUB_WHY("greenmeter/v1/", "has a level that is not an id, "
		    "+, or # (ids are [a-z0-9_-])") },
		{ "greenmeter/v1/#/x", SUB_WHY("greenmeter/v1/#/x", "has # before its last "
		    "level") },
		{ "greenmeter/v1/a#", SUB_WHY("greenmeter/v1/a#", "has + or # within a level "
		    "(a wildcard is a whole level)") },
		{ "greenmeter/v1/+x/#", SUB_WHY("greenmeter/v1/+x/#", "has + or # within a "
		    "level (a wildcard is a whole level)") },
		{ "greenmeter/v1/Site/#", SUB_WHY("greenmeter/v1/Site/#", "has a level that is "
		    "not an id, +, or # (ids are [a-z0-9_-])") },
		{ "greenmeter/v1//#", SUB_WHY("greenmeter/v1//#", "has a level that is not an "
		    "id, +, or # (ids are [a-z0-9_-])") },
		{ "greenmeter/v1/a/b/c/d", SUB_WHY("greenmeter/v1/a/b/c/d", "has a fourth level "
		    "other than event") },
		{ "greenmeter/v1/a/b/c/event/x", SUB_WHY("greenmeter/v1/a/b/c/event/x", "has "
		    "more levels than greenmeter/v1/<site>/<meter>/<channel>/event") },
		{ "$share//greenmeter/v1/#", SUB_WHY("$share//greenmeter/v1/#", "the group of "
		    "$share/<group>/ is empty or has + or #") },
		{ "$share/g+/greenmeter/v1/#", SUB_WHY("$share/g+/greenmeter/v1/#", "the group "
		    "of $share/<group>/ is empty or has + or #") },
		{ "$share/gm", SUB_WHY("$share/gm", "the group of $share/<group>/ is empty or "
		    "has + or #") },
		{ "$SYS/#", SUB_WHY("$SYS/#", "expected greenmeter/v1/# or a part of it, or "
		    "$share/<group>/greenmeter/v1/#") },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		char text[256];
		int errors;

		snprintf(text, sizeof(text), "[collector]\ndata_dir = d\nsubscribe = %s\n",
		    cases[i].value);
		errors = load_text(text);
		if (errors != (cases[i].want != NULL))
			fail_msg("subscribe = %s: %d errors", cases[i].value, errors);
		expect_reports(cases[i].want ? &cases[i].want : NULL, cases[i].want != NULL);
		if (cases[i].want == NULL)
			assert_string_equal(cfg.subscribe, cases[i].value);
	}
}

#define ID_WHY(v) "collector.conf:4: client_id = \"" v "\": expected 1-64 characters " \
	"[A-Za-z0-9._-] (a broker may refuse others)"
/* 4 x 16 = 64 characters */
#define ID64 "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef"

static void test_client_id(void **state)
{
	static const struct {
		const char *value;
		const char *want;   /* NULL: accepted */
	} cases[] = {
		{ "gm-collector", NULL },
		{ "Collector_1.b2", NULL },
		{ ID64, NULL },
		{ ID64 "x", ID_WHY(ID64 "x") },
		{ "gm collector", ID_WHY("gm collector") },
		{ "gm/collector", ID_WHY("gm/collector") },
		{ "gm+collector", ID_WHY("gm+collector") },
		{ "gm#1", ID_WHY("gm#1") },
		{ "\xE0\xB8\xAA", ID_WHY("\xE0\xB8\xAA") },   /* Thai, in UTF-8 */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		char text[256];
		int errors;

		snprintf(text, sizeof(text), "[collector]\ndata_dir = d\n[mqtt]\nclient_id = %s\n",
		    cases[i].value);
		errors = load_text(text);
		if (errors != (cases[i].want != NULL))
			fail_msg("client_id = %s: %d errors", cases[i].value, errors);
		expect_reports(cases[i].want ? &cases[i].want : NULL, cases[i].want != NULL);
		if (cases[i].want == NULL)
			assert_string_equal(cfg.mqtt.client_id, cases[i].value);
	}
}

/* The password file is read as the config is: a FIFO would hold the start
 * up, a directory gives nothing, and an empty first line is no password. */
static void test_password_file(void **state)
{
	static const char *const names[] = { "fifo", "adir", "empty.pw", "none.pw" };
	static const char *const why[] = {
		"not a plain file", "not a plain file", "its first line is empty",
		"No such file or directory",
	};
	char path[160], text[512], want[300];
	const char *w = want;

	(void)state;
	snprintf(path, sizeof(path), "%s/good.pw", tmpdir);
	write_file(path, "s3cret\r\nsecond line\n");
	snprintf(text, sizeof(text), "[collector]\ndata_dir = d\n[mqtt]\npassword_file = %s\n",
	    path);
	assert_int_equal(load_text(text), 0);
	assert_string_equal(cfg.mqtt.password, "s3cret");

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/empty.pw", tmpdir);
	write_file(path, "\nsecond line\n");
	for (size_t i = 0; i < NCASES(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		snprintf(text, sizeof(text), "[collector]\ndata_dir = d\n[mqtt]\n"
		    "password_file = %s\n", path);
		snprintf(want, sizeof(want), "collector.conf:4: password_file = \"%s\": %s", path,
		    why[i]);
		assert_int_equal(load_text(text), 1);
		expect_reports(&w, 1);
	}
}

/* A missing data_dir is reported at the [collector] header, or about the
 * file when there is no such section. */
static void test_data_dir_required(void **state)
{
	static const char *const at_header[] = {
		"collector.conf:2: [collector] data_dir is required",
	};
	static const char *const no_section[] = {
		"collector.conf: [collector] data_dir is required",
	};

	(void)state;
	assert_int_equal(load_text("; collector\n[collector]\nmax_future = 5\n"), 1);
	expect_reports(at_header, 1);
	assert_int_equal(load_text("[mqtt]\nclient_id = c\n"), 1);
	expect_reports(no_section, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_issue16_empty_values, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_subscribe, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_client_id, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_password_file, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_data_dir_required, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
