/*
 * test_printer_conf.c - printers in gm-agent's file ([printer <id>]:
 * agent/printer_conf.c, through agent/agent_config.c) and their profiles
 * (devices/<profile>.conf: agent/printer_profile.c).
 *
 * Each test writes an agent.conf and profiles into a fresh temporary
 * directory; "@DEV" in a fixture stands for its devices directory, "@TMP"
 * for the directory itself. Every report is compared, as "file:line:
 * message" with the temporary directory left out, with text written here by
 * hand; line numbers are counted in the comments beside each fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "agent_config.h"
#include "gm_err.h"
#include "printer_profile.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* The standard profile, as devices/printer-mib.conf has it. */
static const char profile_mib[] =
    "[printer]\n"
    "description = Standard Printer MIB\n"
    "[channel pages]\n"
    "oid = 1.3.6.1.2.1.43.10.2.1.4.1.1\n"
    "unit_oid = .1.3.6.1.2.1.43.10.2.1.3.1.1\n";

/* Write <tmpdir>/<name> with "@DEV" and "@TMP" replaced. */
static void write_conf(const char *name, const char *text)
{
	char buf[4096];
	size_t o = 0;

	while (*text != '\0') {
		if (strncmp(text, "@DEV", 4) == 0 || strncmp(text, "@TMP", 4) == 0) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", tmpdir,
			    text[1] == 'D' ? "/devices" : "");
			text += 4;
		} else {
			buf[o++] = *text++;
		}
		assert_true(o < sizeof(buf) - 1);
	}
	buf[o] = '\0';
	fixture(name, buf);
}

static int load(struct agent_config *cfg)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/agent.conf", tmpdir);
	reports.n = 0;
	return agent_config_load(path, cfg, collect, NULL);
}

static int setup(void **state)
{
	char dir[128];

	(void)state;
	memset(&reports, 0, sizeof(reports));
	if (tmpdir_make("printercfg") != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/devices", tmpdir);
	if (mkdir(dir, 0700) != 0)
		return -1;
	fixture("devices/printer-mib.conf", profile_mib);
	return 0;
}

/* A secret in a file only its owner may read. */
static void secret(const char *name, const char *text, mode_t mode)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, text);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_good(void **state)
{
	struct agent_config cfg;
	const struct printer *a, *b;

	(void)state;
	fixture("devices/colour.conf",
	    "[printer]\ndescription = colour\n"
	    "[channel pages]\noid = 1.3.6.1.2.1.43.10.2.1.4.1.1\nunit_oid = 1.3.6.1.2.1.43.10.2.1.3.1.1\n"
	    "[channel colour]\noid = 1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3\nunit = pages\n"
	    "[channel toner]\noid = 1.3.6.1.2.1.43.11.1.1.9.1.1\nunit = percent\nkind = gauge\n");
	secret("auth.pw", "authpass123\nsecond line ignored\n", 0600);
	secret("comm", "s3cret\n", 0600);
	write_conf("agent.conf",
	    "[agent]\nsite = hq\ndevices = @DEV\n"
	    "[printer mfp-2f]\n"
	    "host = 10.20.3.41\n"
	    "community_file = @TMP/comm\n"
	    "[printer mfp-3f]\n"
	    "profile = colour\n"
	    "host = [fe80::1]:1161\n"
	    "version = 3\n"
	    "user = greenmeter\n"
	    "auth_protocol = SHA-512\n"
	    "auth_pass_file = @TMP/auth.pw\n"
	    "priv_protocol = AES\n"
	    "priv_pass = privpass123\n"
	    "interval = 60\ntimeout = 2.5\nretries = 3\n");
	assert_int_equal(load(&cfg), 0);
	assert_int_equal(cfg.nprinters, 2);
	a = &cfg.printers[0];
	b = &cfg.printers[1];
	assert_string_equal(a->id, "mfp-2f");
	assert_string_equal(a->name, "10.20.3.41:161");
	assert_int_equal(a->version, PRINTER_V2C);
	assert_string_equal(a->community, "s3cret");
	assert_string_equal(a->profile->name, "printer-mib");
	assert_int_equal(a->profile->nchannels, 1);
	assert_int_equal(a->interval_ms, 300000);   /* the defaults */
	assert_int_equal(a->timeout_ms, 1000);
	assert_int_equal(a->retries, 1);
	assert_int_equal(agent_config_every(&cfg, "mfp-2f"), 300);
	assert_string_equal(b->name, "[fe80::1]:1161");
	assert_int_equal(b->version, PRINTER_V3);
	assert_string_equal(b->user, "greenmeter");
	assert_int_equal(b->auth, PRINTER_AUTH_SHA512);
	assert_string_equal(b->auth_pass, "authpass123");
	assert_string_equal(b->priv_pass, "privpass123");
	assert_int_equal(b->timeout_ms, 2500);
	assert_int_equal(b->retries, 3);
	assert_int_equal(agent_config_every(&cfg, "mfp-3f"), 60);
	assert_int_equal(b->profile->nchannels, 3);
	assert_int_equal(b->profile->channels[0].unit_oid.len, 13);
	assert_string_equal(b->profile->channels[1].unit, "pages");
	assert_int_equal(b->profile->channels[1].unit_oid.len, 0);
	assert_int_equal(b->profile->channels[2].kind, KIND_GAUGE);
	assert_int_equal(cfg.nprofiles, 2);
	agent_config_free(&cfg);
}

/* Every mistake, at its line; what a section lacks, at its header. */
static void test_refusals(void **state)
{
	char open_msg[300];
	const char *want[] = {
		"agent.conf:6: version = \"1\": expected 2c or 3",
		"agent.conf:7: unknown key \"port\" in [printer a]",
		"agent.conf:10: auth_protocol = \"MD5\": expected SHA, SHA-224, SHA-256, SHA-384 "
		    "or SHA-512",
		"agent.conf:11: auth_pass: a passphrase has 8 characters or more (RFC 3414)",
		"agent.conf:12: priv_protocol = \"DES\": expected AES (AES-128)",
		open_msg,
		"agent.conf:22: [printer Bad]: meter ids are 1-64 characters [a-z0-9_-]",
		"agent.conf:4: [printer a]: \"host\" is required",
		"agent.conf:4: [printer a]: version 2c needs \"community\" (or community_file)",
		"agent.conf:13: [printer b]: community is for version = 2c",
		"agent.conf:8: [printer b]: version 3 (security level authPriv) needs \"user\"",
		"agent.conf:8: [printer b]: version 3 (security level authPriv) needs \"priv_pass\" "
		    "(or priv_pass_file)",
		"agent.conf:19: [printer c]: user, auth_* and priv_* are for version = 3",
		"agent.conf:16: [printer c]: timeout x (retries + 1) must be shorter than interval",
		"devices/nosuch.conf: cannot open: No such file or directory",
		"agent.conf:29: [printer m]: the same id as the [mqtt_meter] at line 24",
	};
	struct agent_config cfg;

	(void)state;
	secret("open.pw", "authpass123\n", 0644);
	snprintf(open_msg, sizeof(open_msg), "agent.conf:15: auth_pass_file = \"%s/open.pw\": "
	    "others may read it (mode 644): chmod 600 it", tmpdir);
	write_conf("agent.conf",
	    "[agent]\nsite = hq\ndevices = @DEV\n"   /* 1-3 */
	    "[printer a]\n"                      /* 4 */
	    "timeout = 0.5\n"                    /* 5 */
	    "version = 1\n"                      /* 6 */
	    "port = 161\n"                       /* 7 */
	    "[printer b]\n"                      /* 8 */
	    "version = 3\n"                      /* 9 */
	    "auth_protocol = MD5\n"              /* 10 */
	    "auth_pass = short\n"                /* 11 */
	    "priv_protocol = DES\n"              /* 12 */
	    "community = x\n"                    /* 13 */
	    "host = 10.0.0.1\n"                  /* 14 */
	    "auth_pass_file = @TMP/open.pw\n"    /* 15 */
	    "[printer c]\n"                      /* 16 */
	    "host = 10.0.0.2\n"                  /* 17 */
	    "community = public\n"               /* 18 */
	    "user = u\n"                         /* 19 */
	    "interval = 1\n"                     /* 20 */
	    "timeout = 0.5\n"                    /* 21: 0.5 s x 2 attempts is the interval */
	    "[printer Bad]\n"                    /* 22 */
	    "host = h\n"                         /* 23 */
	    "[mqtt_meter m]\n"                   /* 24 */
	    "topic = t/m\nchannel.a = .\nunit.a = kWh\nkind.a = counter\n"   /* 25-28 */
	    "[printer m]\n"                      /* 29 */
	    "host = 10.0.0.3\n"                  /* 30 */
	    "community = public\n"               /* 31 */
	    "profile = nosuch\n");               /* 32 */
	assert_int_equal(load(&cfg), (int)NCASES(want));
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

/* A profile's mistakes, each at its own line in the profile; the printers
 * naming one bad profile report it once. */
static void test_profile_refusals(void **state)
{
	static const char *const want[] = {
		"devices/bad.conf:1: [printer] has no keys",
		"devices/bad.conf:3: oid = \"1.3.6.x\": expected a numeric OID such as "
		    "1.3.6.1.2.1.43.10.2.1.4.1.1 (each number 0..4294967295)",
		"devices/bad.conf:4: kind = delta: a printer's counters are counters (or gauges)",
		"devices/bad.conf:2: [channel a]: give either \"unit\" or \"unit_oid\"",
		"devices/bad.conf:7: oid = \"1.3.06.1\": a number with a leading zero",
		"devices/bad.conf:8: unit_oid = \"3.1\": an OID has 2 numbers or more, the first "
		    "0, 1 or 2",
		"devices/bad.conf:9: unknown key \"type\" in [channel b]",
		"devices/bad.conf:5: [channel b]: give either \"unit\" or \"unit_oid\"",
		"devices/bad.conf:12: \"unit\" is given twice in [channel c] (first at line 11)",
		"devices/bad.conf:10: [channel c]: \"oid\" is required",
		"devices/bad.conf:14: unknown section [model] (expected [printer] or [channel <id>])",
		"devices/bad.conf:16: oid = \"1.4294967296\": expected a numeric OID such as "
		    "1.3.6.1.2.1.43.10.2.1.4.1.1 (each number 0..4294967295)",
	};
	struct agent_config cfg;

	(void)state;
	fixture("devices/bad.conf",
	    "[printer]\n"                        /* 1: no keys */
	    "[channel a]\n"                      /* 2 */
	    "oid = 1.3.6.x\n"                    /* 3 */
	    "kind = delta\n"                     /* 4 */
	    "[channel b]\n"                      /* 5 */
	    "unit = pages\n"                     /* 6 */
	    "oid = 1.3.06.1\n"                   /* 7 */
	    "unit_oid = 3.1\n"                   /* 8 */
	    "type = counter\n"                   /* 9 */
	    "[channel c]\n"                      /* 10 */
	    "unit = pages\n"                     /* 11 */
	    "unit = sheets\n"                    /* 12: given twice */
	    "[model]\n"                          /* 13 */
	    "max_gap = 1\n"                      /* 14 */
	    "[channel d]\noid = 1.4294967296\nunit = pages\n");   /* 15-17 */
	write_conf("agent.conf",
	    "[agent]\nsite = hq\ndevices = @DEV\n"
	    "[printer p]\nhost = h\ncommunity = c\nprofile = bad\n"
	    "[printer q]\nhost = h\ncommunity = c\nprofile = bad\n");
	assert_int_equal(load(&cfg), (int)NCASES(want));   /* once, for both printers */
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

static void test_oid(void **state)
{
	static const struct { const char *text, *back; } good[] = {
		{ "1.3.6.1.2.1.43.10.2.1.4.1.1", "1.3.6.1.2.1.43.10.2.1.4.1.1" },
		{ ".1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3", "1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3" },
		{ "0.0", "0.0" },
		{ "2.4294967295", "2.4294967295" },
	};
	static const char *const bad[] = { "", ".", "1", "3.1", "1..3", "1.3.", "1.3.6 ",
		"1.3.-6", "1.03", "1.99999999999", "1.4294967296", "+1.3", "1.3.6.1a" };
	struct printer_oid o;
	char why[200], text[PRINTER_OID_TEXT], many[400] = "1";

	(void)state;
	for (size_t i = 0; i < NCASES(good); i++) {
		assert_int_equal(printer_profile_oid_parse(good[i].text, &o, why, sizeof(why)), GM_OK);
		printer_profile_oid_text(&o, text, sizeof(text));
		assert_string_equal(text, good[i].back);
	}
	for (size_t i = 0; i < NCASES(bad); i++) {
		if (printer_profile_oid_parse(bad[i], &o, why, sizeof(why)) != GM_EINVAL)
			fail_msg("OID \"%s\" accepted", bad[i]);
	}
	for (int i = 1; i < PRINTER_OID_MAX; i++)
		strcat(many, ".1");
	assert_int_equal(printer_profile_oid_parse(many, &o, why, sizeof(why)), GM_OK);
	assert_int_equal(o.len, PRINTER_OID_MAX);
	strcat(many, ".1");
	assert_int_equal(printer_profile_oid_parse(many, &o, why, sizeof(why)), GM_EINVAL);
	assert_string_equal(why, "more than 64 numbers");
}

/* The shipped profiles load, each with the life count first. */
static void test_shipped(void **state)
{
	static const char *const names[] = { "printer-mib", "kyocera-color" };
	const char *file = __FILE__, *tail = strstr(file, "tests/unit/test_printer_conf.c");
	char dir[600];
	struct printer_profile pf;

	(void)state;
	snprintf(dir, sizeof(dir), "%.*sdevices", tail ? (int)(tail - file) : 0, file);
	for (size_t i = 0; i < NCASES(names); i++) {
		reports.n = 0;
		assert_int_equal(printer_profile_load(dir, names[i], &pf, collect, NULL), 0);
		assert_string_equal(pf.channels[0].name, "pages");
		assert_int_equal(pf.channels[0].unit_oid.len, 13);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_profile_refusals, setup, tmpdir_teardown),
		cmocka_unit_test(test_oid),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
