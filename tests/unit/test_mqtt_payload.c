/*
 * test_mqtt_payload.c - what gm-agent reads from a device's MQTT payload
 * (agent/mqtt_payload.c, agent/json_path.c, common/scale.c), for channels
 * configured through the real loader (agent/agent_config.c): the unit
 * conversions are exact, a multi-channel Tasmota's arrays give one reading
 * per channel, and every payload that gives no reading says why, naming the
 * field as the channel's path does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_config.h"
#include "mqtt_payload.h"
#include "gm_err.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static struct agent_config cfg;

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	return tmpdir_make("mqttpayload");
}

static int teardown(void **state)
{
	agent_config_free(&cfg);
	return tmpdir_teardown(state);
}

/* Load [agent] and the given [mqtt_meter] sections; no error expected. */
static void load(const char *meters)
{
	char text[4096], path[128];

	snprintf(text, sizeof(text), "[agent]\nsite = hq\nspool_dir = %s/spool\n%s", tmpdir,
	    meters);
	fixture("agent.conf", text);
	snprintf(path, sizeof(path), "%s/agent.conf", tmpdir);
	reports.n = 0;
	assert_int_equal(agent_config_load(path, &cfg, collect, NULL), 0);
	expect_reports(NULL, 0);
}

static const struct mqtt_chan *chan(const char *meter, const char *name)
{
	for (int i = 0; i < cfg.nmqtt; i++) {
		const struct mqtt_meter *m = &cfg.mqtt_meters[i];
		for (int j = 0; strcmp(m->id, meter) == 0 && j < m->nch; j++) {
			if (strcmp(m->ch[j].name, name) == 0)
				return &m->ch[j];
		}
	}
	fail_msg("no channel %s/%s", meter, name);
	return NULL;
}

/* The reading of meter/channel in len bytes of payload, as gm-agent takes
 * it: GM_OK and *v, or the error and its reason in why. */
static int reading_n(const char *meter, const char *name, const char *payload, size_t len,
    double *v, char *why, size_t whylen)
{
	cJSON *root;
	int rc;

	why[0] = '\0';
	if ((rc = mqtt_payload_parse(payload, len, &root, why, whylen)) != GM_OK)
		return rc;
	rc = mqtt_payload_value(root, chan(meter, name), v, why, whylen);
	cJSON_Delete(root);
	return rc;
}

static double reading(const char *meter, const char *name, const char *payload)
{
	char why[200];
	double v = NAN;

	if (reading_n(meter, name, payload, strlen(payload), &v, why, sizeof(why)) != GM_OK)
		fail_msg("%s/%s of %s: %s", meter, name, payload, why);
	return v;
}

/* got must be the very double that `decimal` reads as. */
static void assert_exact(double got, const char *decimal)
{
	double want = strtod(decimal, NULL);

	if (memcmp(&got, &want, sizeof(got)) != 0)
		fail_msg("got %.17g, want %s (%.17g)", got, decimal, want);
}

static const char shelly[] =
    "[mqtt_meter pump]\n"
    "topic = shellies/shelly1pm-pump/relay/0\n"
    "format = shelly-gen1\n";

/* The case: 696000 Wmin was stored as 11.600000000000001 kWh. */
static void test_shelly_wmin_exact(void **state)
{
	(void)state;
	load(shelly);
	assert_exact(reading("pump", "total_kwh", "696000"), "11.6");
	assert_exact(reading("pump", "total_kwh", "690000"), "11.5");
	assert_exact(reading("pump", "total_kwh", "1"), "1.6666666666666667e-05");
	assert_exact(reading("pump", "total_kwh", "0"), "0");
	assert_exact(reading("pump", "power_w", "1500.5"), "1500.5");
}

/* Every whole hundredth of a kWh up to 10,000 kWh (k x 600 Wmin) lands as
 * the double its decimal reads as; x (1/60000) missed 308,821 of them. */
static void test_shelly_every_hundredth(void **state)
{
	char payload[32], decimal[32], why[200];
	long wrong = 0;
	double v;

	(void)state;
	load(shelly);
	for (long k = 0; k <= 1000000; k++) {
		snprintf(payload, sizeof(payload), "%ld", k * 600);
		snprintf(decimal, sizeof(decimal), "%ld.%02ld", k / 100, k % 100);
		assert_int_equal(reading_n("pump", "total_kwh", payload, strlen(payload), &v, why,
		    sizeof(why)), GM_OK);
		if (v != strtod(decimal, NULL) && wrong++ < 5)
			print_error("%s Wmin gave %.17g, want %s\n", payload, v, decimal);
	}
	assert_int_equal(wrong, 0);
}

/* A json channel's scale: a factor meant as 1/n divides by n. */
static void test_json_scale(void **state)
{
	(void)state;
	load("[mqtt_meter dev]\n"
	    "topic = t/dev\n"
	    "channel.wh = wh\nunit.wh = kWh\nkind.wh = counter\nscale.wh = 0.001\n"
	    "channel.wmin = wmin\nunit.wmin = kWh\nkind.wmin = counter\nscale.wmin = 1/60000\n"
	    "channel.dv = dv\nunit.dv = V\nkind.dv = gauge\nscale.dv = 0.1\n"
	    "channel.x = x\nunit.x = W\nkind.x = gauge\nscale.x = 2.5\n"
	    "channel.neg = neg\nunit.neg = W\nkind.neg = gauge\nscale.neg = -0.01\n");
	assert_exact(reading("dev", "wh", "{\"wh\":9}"), "0.009");   /* x 0.001: ...0001 */
	assert_exact(reading("dev", "wh", "{\"wh\":123456789}"), "123456.789");
	assert_exact(reading("dev", "wmin", "{\"wmin\":696000}"), "11.6");
	assert_exact(reading("dev", "dv", "{\"dv\":3}"), "0.3");       /* x 0.1: ...04 */
	assert_exact(reading("dev", "dv", "{\"dv\":2301}"), "230.1");
	assert_exact(reading("dev", "x", "{\"x\":4}"), "10");
	assert_exact(reading("dev", "neg", "{\"neg\":7}"), "-0.07");   /* x -0.01: ...01 */
}

/* A single-channel Tasmota: numbers, as before. */
static void test_tasmota_single(void **state)
{
	(void)state;
	load("[mqtt_meter plug]\ntopic = tele/plug/SENSOR\nformat = tasmota\n");
	assert_exact(reading("plug", "total_kwh", "{\"Time\":\"2026-11-21T10:00:00\",\"ENERGY\":"
	    "{\"Total\":123.456,\"Today\":0.5,\"Power\":850}}"), "123.456");
	assert_exact(reading("plug", "power_w", "{\"ENERGY\":{\"Total\":1,\"Power\":850}}"), "850");
}

static const char shelly25[] =
    "[mqtt_meter lights]\n"
    "topic = tele/shelly25/SENSOR\n"
    "format = tasmota\n"
    "index = 0\n"
    "[mqtt_meter aircon]\n"
    "topic = tele/shelly25/SENSOR\n"
    "format = tasmota\n"
    "index = 1\n"
    "[mqtt_meter by-path]\n"
    "topic = tele/shelly25/SENSOR\n"
    "channel.b = ENERGY.Total[1]\nunit.b = kWh\nkind.b = counter\n"
    "channel.b_dotted = ENERGY.Total.1\nunit.b_dotted = kWh\nkind.b_dotted = counter\n"
    "[mqtt_meter pzem]\n"
    "topic = pzem/3phase\n"
    "channel.l3 = [2]\nunit.l3 = kWh\nkind.l3 = counter\n"
    "channel.deep = [0][1]\nunit.deep = W\nkind.deep = gauge\n";

static const char two_channels[] =
    "{\"ENERGY\":{\"TotalStartTime\":\"2025-01-01T00:00:00\",\"Total\":[1.5,2.25],"
    "\"Today\":[0.1,0.2],\"Power\":[10,20],\"Voltage\":229}}";

/* A multi-channel device (a Shelly 2.5 with Tasmota, SetOption129 1):
 * index = i takes element i of each array; a json path takes it with [i]
 * (or, as before, .i); a payload may be an array itself. */
static void test_tasmota_arrays(void **state)
{
	(void)state;
	load(shelly25);
	assert_exact(reading("lights", "total_kwh", two_channels), "1.5");
	assert_exact(reading("lights", "power_w", two_channels), "10");
	assert_exact(reading("aircon", "total_kwh", two_channels), "2.25");
	assert_exact(reading("aircon", "power_w", two_channels), "20");
	assert_exact(reading("by-path", "b", two_channels), "2.25");
	assert_exact(reading("by-path", "b_dotted", two_channels), "2.25");
	assert_exact(reading("pzem", "l3", "[1.5, 2.5, 3.5]"), "3.5");
	assert_exact(reading("pzem", "deep", "[[7, 8], [9]]"), "8");
	assert_string_equal(chan("aircon", "total_kwh")->path.text, "ENERGY.Total[1]");
}

struct refusal {
	const char *meter, *channel, *payload, *why;
};

static void expect_refusals(const struct refusal *r, size_t n)
{
	char why[200];
	double v;

	for (size_t i = 0; i < n; i++) {
		int rc = reading_n(r[i].meter, r[i].channel, r[i].payload, strlen(r[i].payload),
		    &v, why, sizeof(why));
		if (rc != GM_EINVAL || strcmp(why, r[i].why) != 0)
			fail_msg("%s/%s of %s: rc %d \"%s\", want \"%s\"", r[i].meter, r[i].channel,
			    r[i].payload, rc, why, r[i].why);
	}
}

/* A payload whose shape is not the config's: each says which field and
 * what it found. Before, an array for a number was "ENERGY.Total is not a
 * number" (for the first channel only: the second was not logged). */
static void test_shape_mismatch(void **state)
{
	static const struct refusal r[] = {
		{ "plug", "total_kwh", "{\"ENERGY\":{\"Total\":[1.5,2.25],\"Power\":[10,20]}}",
		    "ENERGY.Total is an array of 2 elements, not a number" },
		{ "plug", "power_w", "{\"ENERGY\":{\"Total\":[1.5,2.25],\"Power\":[10,20]}}",
		    "ENERGY.Power is an array of 2 elements, not a number" },
		{ "third", "total_kwh", "{\"ENERGY\":{\"Total\":[1.5,2.25],\"Power\":[10,20]}}",
		    "payload has no ENERGY.Total[2]: ENERGY.Total has 2 elements" },
		{ "third", "power_w", "{\"ENERGY\":{\"Total\":[1.5],\"Power\":[]}}",
		    "payload has no ENERGY.Power[2]: ENERGY.Power has 0 elements" },
		/* Tasmota without SetOption129: one Total for both channels */
		{ "aircon", "total_kwh", "{\"ENERGY\":{\"Total\":3.75,\"Power\":[10,20]}}",
		    "ENERGY.Total is a number, not an array" },
		{ "aircon", "total_kwh", "{\"ENERGY\":{\"Total\":[1.5,\"2.25\"]}}",
		    "ENERGY.Total[1] is a string, not a number" },
		{ "aircon", "total_kwh", "{\"ENERGY\":{\"Total\":[1.5,null]}}",
		    "ENERGY.Total[1] is null, not a number" },
		{ "aircon", "total_kwh", "{\"ENERGY\":{\"Total\":[1.5,[2]]}}",
		    "ENERGY.Total[1] is an array of 1 element, not a number" },
		{ "aircon", "power_w", "{\"ENERGY\":{\"Total\":[1.5,2],\"Power\":{\"a\":1}}}",
		    "ENERGY.Power is an object, not an array" },
		{ "plug", "total_kwh", "{\"Time\":\"2026-11-21T10:00:00\",\"Switch1\":\"ON\"}",
		    "payload has no ENERGY" },
		{ "plug", "total_kwh", "{\"ENERGY\":{\"Power\":10}}", "payload has no ENERGY.Total" },
		{ "plug", "total_kwh", "{\"ENERGY\":\"off\"}", "ENERGY is a string, not an object" },
		{ "plug", "total_kwh", "{\"ENERGY\":{\"Total\":true}}",
		    "ENERGY.Total is true, not a number" },
		{ "plug", "total_kwh", "[1, 2]",
		    "the payload is an array of 2 elements, not an object" },
		{ "plug", "total_kwh", "{\"ENERGY\":{\"Total\":1,\"Total\":2}}",
		    "ENERGY.Total appears 2 times" },
		{ "pzem", "l3", "{\"l3\":1}", "the payload is an object, not an array" },
		{ "pzem", "deep", "[1]", "[0] is a number, not an array" },
		{ "dotted", "b", "{\"ENERGY\":{\"Total\":7}}",
		    "ENERGY.Total is a number, not an object or an array" },
		{ "dotted", "b", "{\"ENERGY\":{\"Total\":{\"2\":7}}}",
		    "payload has no ENERGY.Total.1" },
	};

	(void)state;
	load("[mqtt_meter plug]\ntopic = tele/plug/SENSOR\nformat = tasmota\n"
	    "[mqtt_meter aircon]\ntopic = tele/shelly25/SENSOR\nformat = tasmota\nindex = 1\n"
	    "[mqtt_meter third]\ntopic = tele/shelly25/SENSOR\nformat = tasmota\nindex = 2\n"
	    "[mqtt_meter pzem]\ntopic = pzem/3phase\n"
	    "channel.l3 = [2]\nunit.l3 = kWh\nkind.l3 = counter\n"
	    "channel.deep = [0][1]\nunit.deep = W\nkind.deep = gauge\n"
	    "[mqtt_meter dotted]\ntopic = t/d\n"
	    "channel.b = ENERGY.Total.1\nunit.b = kWh\nkind.b = counter\n");
	expect_refusals(r, NCASES(r));
}

/* What a bare-number device can send that is not one number. Before, the
 * first two were read as 600000 and 12 without a word. */
static void test_bad_payloads(void **state)
{
	static const struct refusal r[] = {
		{ "pump", "total_kwh", "600000 Wmin", "payload is not valid JSON" },
		{ "pump", "total_kwh", "12,5", "payload is not valid JSON" },
		{ "pump", "total_kwh", "", "payload is not valid JSON" },
		{ "pump", "total_kwh", "nan", "payload is not valid JSON" },
		{ "pump", "total_kwh", "\"600000\"", "the payload is a string, not a number" },
		{ "pump", "total_kwh", "{\"energy\":600000}",
		    "the payload is an object, not a number" },
		{ "pump", "total_kwh", "1e999", "the payload is out of range" },
		{ "pump", "power_w", "\"x\\u0000y\"", "payload has a string holding \\u0000" },
		{ "big", "v", "1e300", "the payload times the scale 1000000000000 is out of range: "
		    "1.0000000000000001e+300" },
	};
	static char huge[MQTT_PAYLOAD_MAX + 2];
	char why[200];
	double v;

	(void)state;
	load("[mqtt_meter pump]\ntopic = shellies/p/relay/0\nformat = shelly-gen1\n"
	    "[mqtt_meter big]\ntopic = t/big\nchannel.v = .\nunit.v = W\nkind.v = gauge\n"
	    "scale.v = 1e12\n");
	expect_refusals(r, NCASES(r));
	memset(huge, ' ', sizeof(huge) - 1);
	huge[0] = '1';
	assert_int_equal(reading_n("pump", "power_w", huge, sizeof(huge) - 1, &v, why,
	    sizeof(why)), GM_EINVAL);
	assert_string_equal(why, "payload of 65537 bytes exceeds the 65536-byte limit");
	assert_int_equal(reading_n("pump", "power_w", "15\0" "00", 5, &v, why, sizeof(why)),
	    GM_EINVAL);
	assert_string_equal(why, "payload contains a NUL byte");
	assert_exact(reading("pump", "power_w", " 1500\r\n"), "1500");
}

/* What a channel.<id> path may be, and why another is refused. */
static void test_path_syntax(void **state)
{
	static const struct {
		const char *path, *why;   /* why NULL: accepted */
		int steps;
	} c[] = {
		{ ".", NULL, 0 },
		{ "ENERGY.Total", NULL, 2 },
		{ "ENERGY.Total[1]", NULL, 3 },
		{ "ENERGY.Total[0][12]", NULL, 4 },
		{ "[3]", NULL, 1 },
		{ "counters.sides.1", NULL, 3 },
		{ "a b.c-d", NULL, 2 },
		{ "x[9999]", NULL, 2 },
		{ "", "an empty path (give keys, or \".\" for a payload that is a bare number)", 0 },
		{ "ENERGY..Total", "an empty step (two dots, or a dot at one end)", 0 },
		{ ".Total", "an empty step (two dots, or a dot at one end)", 0 },
		{ "Total.", "an empty step (two dots, or a dot at one end)", 0 },
		{ "a.[1]", "an empty step (two dots, or a dot at one end)", 0 },
		{ "Total[", "expected [<index>] after \"Total\"", 0 },
		{ "Total[]", "expected [<index>] after \"Total\"", 0 },
		{ "Total[-1]", "expected [<index>] after \"Total\"", 0 },
		{ "Total[1", "expected [<index>] after \"Total\"", 0 },
		{ "Total[x]", "expected [<index>] after \"Total\"", 0 },
		{ "Total[10000]", "index 10000 is over 9999", 0 },
		{ "Total[99999999999999999999]", "index 99999999999999999999 is over 9999", 0 },
		{ "Total]", "\"]\" after \"Total\" (expected . or [<index>])", 0 },
		{ "Total[1]x", "\"x\" after \"Total[1]\" (expected . or [<index>])", 0 },
		{ "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", NULL, 16 },
		{ "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", "more than 16 steps", 0 },
		{ "a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]", "more than 16 steps", 0 },
	};
	struct json_path p;
	char why[200], longest[JSON_PATH_MAX + 1];

	(void)state;
	for (size_t i = 0; i < NCASES(c); i++) {
		int rc = json_path_parse(c[i].path, &p, why, sizeof(why));
		if (c[i].why == NULL && (rc != GM_OK || p.n != c[i].steps))
			fail_msg("\"%s\": rc %d \"%s\", %d steps, want %d", c[i].path, rc, why, p.n,
			    c[i].steps);
		if (c[i].why != NULL && (rc != GM_EINVAL || strcmp(why, c[i].why) != 0))
			fail_msg("\"%s\": rc %d \"%s\", want \"%s\"", c[i].path, rc, why, c[i].why);
	}
	memset(longest, 'k', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(json_path_parse(longest, &p, why, sizeof(why)), GM_EINVAL);
	assert_string_equal(why, "longer than 127 characters");
	longest[sizeof(longest) - 2] = '\0';
	assert_int_equal(json_path_parse(longest, &p, why, sizeof(why)), GM_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shelly_wmin_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shelly_every_hundredth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_scale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tasmota_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tasmota_arrays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shape_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_payloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_syntax, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
