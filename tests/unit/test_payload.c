/*
 * test_payload.c - the JSON payload of the wire contract (common/payload.c).
 *
 * Expected JSON texts are written out by hand from common/payload.h; decoded
 * values are compared with the literals that went into the text.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "payload.h"

/* One valid reading, and its meta, spliced into the cases below. */
#define META "\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":7"
#define GOOD "{\"t\":1763700000.25,\"v\":230.5," META "}"
#define UNIT_RULE "field \"unit\" must be a string of 1..15 characters [A-Za-z0-9/%._-]"
#define KIND_RULE "field \"kind\" must be \"counter\", \"gauge\" or \"delta\""
#define SEQ_RULE "field \"seq\" must be an integer from 0 to 2^53"
#define BATCH_RULE "field \"readings\" must be an array of 1..4096 [t, v] pairs"
#define T_RANGE "is outside 2000-01-01..2100-01-01"
#define EVERY_RULE "field \"every\" must be whole seconds from 1 to 31622400 (366 days)"
#define EVERY_DELTA "field \"every\" is for counter and gauge readings, not delta entries"

static void test_kind_and_unit(void **state)
{
	static const struct {
		const char *s;
		int valid;
	} units[] = {
		{ "kWh", 1 }, { "m3", 1 }, { "sheets", 1 }, { "%", 1 }, { "m3/h", 1 },
		{ "deg_C", 1 }, { "x.y-z", 1 },
		{ "abcdefghijklmno", 1 },    /* 15 characters: the limit */
		{ "abcdefghijklmnop", 0 },   /* 16 */
		{ "", 0 },
		{ "k Wh", 0 },               /* space */
		{ "m\xc2\xb3", 0 },          /* "m" + superscript 3 in UTF-8: not ASCII */
		{ "\"", 0 }, { "a\\b", 0 }, { "a,b", 0 },
	};
	enum reading_kind k;

	(void)state;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (unit_valid(units[i].s) != units[i].valid)
			fail_msg("unit_valid(\"%s\") should be %d", units[i].s, units[i].valid);
	}
	assert_string_equal(kind_name(KIND_COUNTER), "counter");
	assert_string_equal(kind_name(KIND_GAUGE), "gauge");
	assert_string_equal(kind_name(KIND_DELTA), "delta");
	assert_int_equal(kind_parse("counter", &k), GM_OK);
	assert_int_equal(k, KIND_COUNTER);
	assert_int_equal(kind_parse("gauge", &k), GM_OK);
	assert_int_equal(k, KIND_GAUGE);
	assert_int_equal(kind_parse("delta", &k), GM_OK);
	assert_int_equal(k, KIND_DELTA);
	assert_int_equal(kind_parse("Counter", &k), GM_EINVAL);
	assert_int_equal(kind_parse("", &k), GM_EINVAL);
	assert_int_equal(kind_parse("counters", &k), GM_EINVAL);
}

static void test_encode(void **state)
{
	static const struct point one[] = { { 1763700000.25, 230.5 } };
	static const struct point two[] = { { 1763700000, 1.5 }, { 1763700060.5, 2 } };
	static const struct {
		struct payload_meta meta;
		const struct point *pts;
		size_t n;
		const char *json;
	} cases[] = {
		/* the example of the contract, single-reading form */
		{ { "kWh", KIND_COUNTER, 7, 0, 0 }, one, 1,
		  "{\"t\":1763700000.25,\"v\":230.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":7}" },
		/* "wrap" appears only when positive: 2^32 * 0.001 = 4294967.296 */
		{ { "m3", KIND_COUNTER, 0, 4294967.296, 0 }, one, 1,
		  "{\"t\":1763700000.25,\"v\":230.5,\"unit\":\"m3\",\"kind\":\"counter\","
		  "\"seq\":0,\"wrap\":4294967.296}" },
		/* n > 1 gives the batch form; whole numbers print without a fraction */
		{ { "kWh", KIND_DELTA, 8, 0, 0 }, two, 2,
		  "{\"readings\":[[1763700000,1.5],[1763700060.5,2]],\"unit\":\"kWh\","
		  "\"kind\":\"delta\",\"seq\":8}" },
		/* "every" appears only when given, after wrap, as whole seconds */
		{ { "kWh", KIND_COUNTER, 7, 0, 60 }, one, 1,
		  "{\"t\":1763700000.25,\"v\":230.5,\"unit\":\"kWh\",\"kind\":\"counter\","
		  "\"seq\":7,\"every\":60}" },
		{ { "m3", KIND_COUNTER, 1, 4294967.296, 2678400 }, one, 1,
		  "{\"t\":1763700000.25,\"v\":230.5,\"unit\":\"m3\",\"kind\":\"counter\","
		  "\"seq\":1,\"wrap\":4294967.296,\"every\":2678400}" },
		{ { "W", KIND_GAUGE, 2, 0, 31622400 }, two, 2,
		  "{\"readings\":[[1763700000,1.5],[1763700060.5,2]],\"unit\":\"W\","
		  "\"kind\":\"gauge\",\"seq\":2,\"every\":31622400}" },
		/* seq at the top of its range, 2^53 = 9007199254740992, printed whole */
		{ { "W", KIND_GAUGE, 9007199254740992ULL, 0, 0 }, one, 1,
		  "{\"t\":1763700000.25,\"v\":230.5,\"unit\":\"W\",\"kind\":\"gauge\","
		  "\"seq\":9007199254740992}" },
	};

	char *json, err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (payload_encode(&cases[i].meta, cases[i].pts, cases[i].n, &json, err,
		    sizeof(err)) != GM_OK)
			fail_msg("case %zu refused: %s", i, err);
		assert_string_equal(json, cases[i].json);
		free(json);
	}
}

/*
 * What the decoder would refuse, the encoder refuses, with a reason and no
 * text: before, a NaN or an infinity was written as null, and the collector
 * refused the whole batch around it (17 of 24 readings of an outage lost).
 */
static void test_encode_refuses(void **state)
{
	static const struct point good = { 1763700000, 1.5 };
	static const struct {
		const char *what;
		struct payload_meta meta;
		struct point pts[3];
		size_t n;
		const char *reason;
	} cases[] = {
		{ "NaN value alone", { "kWh", KIND_COUNTER, 1, 0, 0 }, { { 1763700000, NAN } }, 1,
		  "reading 0: value is not finite" },
		{ "NaN in the middle of a batch", { "kWh", KIND_COUNTER, 1, 0, 0 },
		  { { 1763700000, 1 }, { 1763700001, NAN }, { 1763700002, 3 } }, 3,
		  "reading 1: value is not finite" },
		{ "+Inf", { "W", KIND_GAUGE, 1, 0, 0 }, { { 1763700000, 1 }, { 1763700001, INFINITY } },
		  2, "reading 1: value is not finite" },
		{ "-Inf", { "W", KIND_GAUGE, 1, 0, 0 }, { { 1763700000, -INFINITY } }, 1,
		  "reading 0: value is not finite" },
		{ "NaN time", { "W", KIND_GAUGE, 1, 0, 0 }, { { NAN, 1 } }, 1,
		  "reading 0: time nan " T_RANGE },
		{ "time before 2000", { "W", KIND_GAUGE, 1, 0, 0 }, { { 946684799, 1 } }, 1,
		  "reading 0: time 946684799.000 " T_RANGE },
		{ "time 2100", { "W", KIND_GAUGE, 1, 0, 0 }, { { 4102444800.0, 1 } }, 1,
		  "reading 0: time 4102444800.000 " T_RANGE },
		{ "times not rising", { "W", KIND_GAUGE, 1, 0, 0 },
		  { { 1763700001, 1 }, { 1763700001, 2 } }, 2,
		  "reading 1: time 1763700001.000 is not after the one before it" },
		{ "infinite wrap", { "m3", KIND_COUNTER, 1, INFINITY, 0 }, { good }, 1,
		  "wrap is not finite" },
		{ "NaN wrap", { "m3", KIND_COUNTER, 1, NAN, 0 }, { good }, 1, "wrap is not finite" },
		{ "every below 0", { "kWh", KIND_COUNTER, 1, 0, -1 }, { good }, 1,
		  "field \"every\" must be whole seconds from 1 to 31622400 (366 days)" },
		{ "every past 366 days", { "kWh", KIND_COUNTER, 1, 0, 31622401 }, { good }, 1,
		  "field \"every\" must be whole seconds from 1 to 31622400 (366 days)" },
		{ "every of a delta", { "reams", KIND_DELTA, 1, 0, 2678400 }, { good }, 1,
		  "field \"every\" is for counter and gauge readings, not delta entries" },
		{ "seq 2^53 + 1", { "W", KIND_GAUGE, 9007199254740993ULL, 0, 0 }, { good }, 1,
		  "seq 9007199254740993 is above 2^53" },
		{ "empty unit", { "", KIND_GAUGE, 1, 0, 0 }, { good }, 1,
		  "unit must be 1..15 characters [A-Za-z0-9/%._-]" },
		{ "unit with a quote", { "k\"Wh", KIND_GAUGE, 1, 0, 0 }, { good }, 1,
		  "unit must be 1..15 characters [A-Za-z0-9/%._-]" },
		{ "no readings", { "W", KIND_GAUGE, 1, 0, 0 }, { good }, 0,
		  "0 readings: a message holds 1..4096" },
	};
	char *json, err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json = (char *)&json;   /* must come back NULL */
		err[0] = '\0';
		if (payload_encode(&cases[i].meta, cases[i].pts, cases[i].n, &json, err,
		    sizeof(err)) != GM_EINVAL)
			fail_msg("%s: encoded as %s", cases[i].what, json);
		if (json != NULL)
			fail_msg("%s: refused but left a text", cases[i].what);
		if (strcmp(err, cases[i].reason) != 0)
			fail_msg("%s: reason \"%s\", want \"%s\"", cases[i].what, err,
			    cases[i].reason);
	}
}

/* Decode a NUL-terminated text; returns the code, err holds the reason. */
static int decode(const char *json, struct payload_meta *meta, struct point **pts,
    size_t *n, char *err, size_t errlen)
{
	return payload_decode(json, strlen(json), meta, pts, n, err, errlen);
}

static void test_decode_good(void **state)
{
	static const struct {
		const char *json;
		const char *unit;
		enum reading_kind kind;
		uint64_t seq;
		double wrap;
		size_t n;
		struct point pts[3];
	} cases[] = {
		{ GOOD, "kWh", KIND_COUNTER, 7, 0, 1, { { 1763700000.25, 230.5 } } },
		/* field order does not matter; white space is allowed around the value */
		{ " {\"seq\":0,\"kind\":\"gauge\",\"unit\":\"W\",\"v\":-12.5,\"t\":1700000000}\n",
		  "W", KIND_GAUGE, 0, 0, 1, { { 1700000000, -12.5 } } },
		/* wrap is optional; when present it is kept */
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"m3\",\"kind\":\"counter\",\"seq\":1,"
		  "\"wrap\":4294967.296}",
		  "m3", KIND_COUNTER, 1, 4294967.296, 1, { { 1700000000, 1 } } },
		/* unknown fields are ignored, whatever their type */
		{ "{\"t\":1700000000,\"v\":1," META ",\"site\":\"x\",\"extra\":{\"a\":[1,null]},"
		  "\"flag\":true}",
		  "kWh", KIND_COUNTER, 7, 0, 1, { { 1700000000, 1 } } },
		/* a batch in strictly increasing time */
		{ "{\"readings\":[[1700000000,1],[1700000000.5,2],[1700000060,3.25]]," META "}",
		  "kWh", KIND_COUNTER, 7, 0, 3,
		  { { 1700000000, 1 }, { 1700000000.5, 2 }, { 1700000060, 3.25 } } },
		/* a batch of one */
		{ "{\"readings\":[[1700000000,1]],\"unit\":\"sheets\",\"kind\":\"delta\",\"seq\":3}",
		  "sheets", KIND_DELTA, 3, 0, 1, { { 1700000000, 1 } } },
		/* time limits: 2000-01-01T00:00:00Z = 946684800 is the first second
		 * allowed; 2100-01-01T00:00:00Z = 4102444800 is the first refused */
		{ "{\"t\":946684800,\"v\":0," META "}",
		  "kWh", KIND_COUNTER, 7, 0, 1, { { 946684800, 0 } } },
		{ "{\"t\":4102444799.5,\"v\":0," META "}",
		  "kWh", KIND_COUNTER, 7, 0, 1, { { 4102444799.5, 0 } } },
		/* seq limits: 0 and 2^53 = 9007199254740992 */
		{ "{\"t\":1700000000,\"v\":0,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":0}",
		  "kWh", KIND_COUNTER, 0, 0, 1, { { 1700000000, 0 } } },
		{ "{\"t\":1700000000,\"v\":0,\"unit\":\"kWh\",\"kind\":\"counter\","
		  "\"seq\":9007199254740992}",
		  "kWh", KIND_COUNTER, 9007199254740992ULL, 0, 1, { { 1700000000, 0 } } },
		/* 1e3 is the number 1000: exponents are ordinary JSON */
		{ "{\"t\":1700000000,\"v\":1e3,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1e1}",
		  "kWh", KIND_COUNTER, 10, 0, 1, { { 1700000000, 1000 } } },
	};
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		int rc = decode(cases[i].json, &meta, &pts, &n, err, sizeof(err));
		if (rc != GM_OK)
			fail_msg("case %zu rejected: %s", i, err);
		assert_string_equal(meta.unit, cases[i].unit);
		assert_int_equal(meta.kind, cases[i].kind);
		assert_int_equal(meta.seq, cases[i].seq);
		assert_true(meta.wrap == cases[i].wrap);
		assert_int_equal(meta.every, 0);   /* not given */
		assert_int_equal(n, cases[i].n);
		for (size_t j = 0; j < n; j++) {
			if (pts[j].t != cases[i].pts[j].t || pts[j].v != cases[i].pts[j].v)
				fail_msg("case %zu point %zu: got [%.17g, %.17g], want [%.17g, %.17g]",
				    i, j, pts[j].t, pts[j].v, cases[i].pts[j].t, cases[i].pts[j].v);
		}
		free(pts);
	}
}

/* "every", the channel's expected interval: optional, whole seconds, kept. */
static void test_decode_every(void **state)
{
	static const struct {
		const char *json;
		long every;
	} cases[] = {
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":900}", 900 },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":1,"
		  "\"every\":1}", 1 },
		/* the longest, 366 days, in any place among the fields */
		{ "{\"every\":31622400,\"t\":1700000000,\"v\":1," META "}", 31622400 },
		/* a monthly dial reading, written with an exponent */
		{ "{\"readings\":[[1700000000,1],[1702678400,2]]," META ",\"every\":2.6784e6}",
		  2678400 },
	};
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (decode(cases[i].json, &meta, &pts, &n, err, sizeof(err)) != GM_OK)
			fail_msg("case %zu rejected: %s", i, err);
		assert_int_equal(meta.every, cases[i].every);
		free(pts);
	}
}

static void test_decode_rejects(void **state)
{
	static const struct {
		const char *json;
		const char *err;
	} cases[] = {
		{ "not json", "payload is not valid JSON" },
		{ "", "payload is not valid JSON" },
		{ "{\"t\":1700000000,", "payload is not valid JSON" },
		/* JSON has no NaN or Infinity: cJSON refuses them as syntax */
		{ "{\"t\":1700000000,\"v\":NaN," META "}", "payload is not valid JSON" },
		{ "{\"t\":1700000000,\"v\":Infinity," META "}", "payload is not valid JSON" },
		{ "{\"t\":1700000000,\"v\":-Infinity," META "}", "payload is not valid JSON" },
		/* one value, then something else: not one JSON text */
		{ GOOD "x", "payload is not valid JSON" },
		{ GOOD GOOD, "payload is not valid JSON" },
		{ "[1,2]", "payload is not a JSON object" },
		{ "\"x\"", "payload is not a JSON object" },
		{ "1700000000", "payload is not a JSON object" },
		/* a key twice: readers disagree on which wins, so neither does */
		{ "{\"t\":1700000000,\"v\":103,\"v\":\"x\"," META "}",
		    "field \"v\" appears more than once" },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\","
		    "\"kind\":\"delta\",\"seq\":7}", "field \"kind\" appears more than once" },
		/* \u0000 would cut the C string: "kWh" */
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\\u0000/../x\",\"kind\":\"counter\","
		    "\"seq\":7}", "payload has a string holding \\u0000" },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\\U0000x\","
		    "\"seq\":7}", "payload has a string holding \\u0000" },

		/* meta fields */
		{ "{\"t\":1700000000,\"v\":1,\"kind\":\"counter\",\"seq\":7}", UNIT_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"\",\"kind\":\"counter\",\"seq\":7}",
		  UNIT_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"abcdefghijklmnop\",\"kind\":\"counter\","
		  "\"seq\":7}", UNIT_RULE },                   /* 16 characters */
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"m\xc2\xb3\",\"kind\":\"counter\","
		  "\"seq\":7}", UNIT_RULE },                   /* "m" + superscript 3 */
		{ "{\"t\":1700000000,\"v\":1,\"unit\":5,\"kind\":\"counter\",\"seq\":7}",
		  UNIT_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"seq\":7}", KIND_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"Counter\",\"seq\":7}",
		  KIND_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"total\",\"seq\":7}",
		  KIND_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\"}",
		  "field \"seq\" is missing" },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":\"7\"}",
		  "field \"seq\" is not a number" },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":-1}",
		  SEQ_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1.5}",
		  SEQ_RULE },
		/* 2^53 + 2 = 9007199254740994, the first double above 2^53 */
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\","
		  "\"seq\":9007199254740994}", SEQ_RULE },
		{ "{\"t\":1700000000,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1e300}",
		  SEQ_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"wrap\":0}", "field \"wrap\" must be positive" },
		{ "{\"t\":1700000000,\"v\":1," META ",\"wrap\":-1}", "field \"wrap\" must be positive" },
		{ "{\"t\":1700000000,\"v\":1," META ",\"wrap\":\"x\"}",
		  "field \"wrap\" is not a number" },
		{ "{\"t\":1700000000,\"v\":1," META ",\"wrap\":null}",
		  "field \"wrap\" is not a number" },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":0}", EVERY_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":-60}", EVERY_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":60.5}", EVERY_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":31622401}", EVERY_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":1e300}", EVERY_RULE },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":\"60\"}",
		  "field \"every\" is not a number" },
		{ "{\"t\":1700000000,\"v\":1," META ",\"every\":null}",
		  "field \"every\" is not a number" },
		{ "{\"t\":1700000000,\"v\":40,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":1,"
		  "\"every\":2678400}", EVERY_DELTA },

		/* single reading */
		{ "{\"v\":1," META "}", "field \"t\" is missing" },
		{ "{\"t\":1700000000," META "}", "field \"v\" is missing" },
		{ "{\"t\":1700000000,\"v\":\"1\"," META "}", "field \"v\" is not a number" },
		{ "{\"t\":\"1700000000\",\"v\":1," META "}", "field \"t\" is not a number" },
		{ "{\"t\":1700000000,\"v\":null," META "}", "field \"v\" is not a number" },
		{ "{\"t\":1700000000,\"v\":true," META "}", "field \"v\" is not a number" },
		/* 1e999 overflows a double to infinity */
		{ "{\"t\":1700000000,\"v\":1e999," META "}", "field \"v\" is not finite" },
		{ "{\"t\":1700000000,\"v\":-1e999," META "}", "field \"v\" is not finite" },
		{ "{\"t\":1e999,\"v\":1," META "}", "field \"t\" is not finite" },
		/* 946684799 is 1999-12-31T23:59:59Z; 4102444800 is 2100-01-01T00:00:00Z */
		{ "{\"t\":946684799,\"v\":1," META "}", "reading 0: time 946684799.000 " T_RANGE },
		{ "{\"t\":4102444800,\"v\":1," META "}", "reading 0: time 4102444800.000 " T_RANGE },
		{ "{\"t\":0,\"v\":1," META "}", "reading 0: time 0.000 " T_RANGE },
		{ "{\"t\":-1700000000,\"v\":1," META "}",
		  "reading 0: time -1700000000.000 " T_RANGE },
		/* 1700000000000: milliseconds by mistake */
		{ "{\"t\":1700000000000,\"v\":1," META "}",
		  "reading 0: time 1700000000000.000 " T_RANGE },

		/* batch */
		{ "{\"readings\":[]," META "}", BATCH_RULE },
		{ "{\"readings\":{\"a\":[1700000000,1]}," META "}", BATCH_RULE },
		{ "{\"readings\":\"x\"," META "}", BATCH_RULE },
		{ "{\"readings\":[[1700000000,1]],\"t\":1700000000," META "}",
		  "payload has both \"readings\" and \"t\"/\"v\"" },
		{ "{\"readings\":[[1700000000,1]],\"v\":1," META "}",
		  "payload has both \"readings\" and \"t\"/\"v\"" },
		{ "{\"readings\":[[1700000060,1],[1700000000,2]]," META "}",
		  "reading 1: time 1700000000.000 is not after the one before it" },
		{ "{\"readings\":[[1700000000,1],[1700000000,2]]," META "}",
		  "reading 1: time 1700000000.000 is not after the one before it" },
		{ "{\"readings\":[[1700000000,1],[1700000060,2],[1700000030,3]]," META "}",
		  "reading 2: time 1700000030.000 is not after the one before it" },
		{ "{\"readings\":[[1700000000]]," META "}", "reading 0 is not a [t, v] pair of numbers" },
		{ "{\"readings\":[1700000000]," META "}", "reading 0 is not a [t, v] pair of numbers" },
		{ "{\"readings\":[[1700000000,1],[1700000060,1,2]]," META "}",
		  "reading 1 is not a [t, v] pair of numbers" },
		{ "{\"readings\":[[1700000000,\"1\"]]," META "}",
		  "reading 0 is not a [t, v] pair of numbers" },
		{ "{\"readings\":[{\"t\":1700000000,\"v\":1}]," META "}",
		  "reading 0 is not a [t, v] pair of numbers" },
		{ "{\"readings\":[[100,1]]," META "}", "reading 0: time 100.000 " T_RANGE },
		{ "{\"readings\":[[1700000000,1],[1700000060,1e999]]," META "}",
		  "reading 1: value is not finite" },
	};
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		pts = (struct point *)&meta;   /* must be reset to NULL */
		n = 99;
		int rc = decode(cases[i].json, &meta, &pts, &n, err, sizeof(err));
		if (rc != GM_EINVAL)
			fail_msg("case %zu accepted (rc %d): %s", i, rc, cases[i].json);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("case %zu: %s\n  error \"%s\"\n  want  \"%s\"", i, cases[i].json,
			    err, cases[i].err);
		assert_null(pts);
		assert_int_equal(n, 0);
	}
}

/* GOOD preceded by `pad` spaces, `pad` + strlen(GOOD) bytes long. */
static char *padded(size_t pad)
{
	size_t len = pad + strlen(GOOD);
	char *buf = malloc(len + 1);

	assert_non_null(buf);
	memset(buf, ' ', pad);
	memcpy(buf + pad, GOOD, strlen(GOOD) + 1);
	return buf;
}

static void test_decode_size_limit(void **state)
{
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];
	char *buf;

	(void)state;
	/* 1 MB = 1024 * 1024 = 1048576 bytes; the limit is 256 * 1024 = 262144 */
	buf = padded(1048576 - strlen(GOOD));
	assert_int_equal(strlen(buf), 1048576);
	assert_int_equal(payload_decode(buf, 1048576, &meta, &pts, &n, err, sizeof(err)),
	    GM_EINVAL);
	assert_string_equal(err, "payload of 1048576 bytes exceeds the 262144-byte limit");
	assert_null(pts);
	free(buf);

	/* exactly 262144 bytes is allowed, 262145 is not */
	buf = padded(262144 - strlen(GOOD));
	assert_int_equal(payload_decode(buf, 262144, &meta, &pts, &n, err, sizeof(err)), GM_OK);
	assert_int_equal(n, 1);
	assert_true(pts[0].v == 230.5);
	free(pts);
	free(buf);
	buf = padded(262145 - strlen(GOOD));
	assert_int_equal(payload_decode(buf, 262145, &meta, &pts, &n, err, sizeof(err)),
	    GM_EINVAL);
	assert_string_equal(err, "payload of 262145 bytes exceeds the 262144-byte limit");
	free(buf);
}

static void test_decode_nul_and_length(void **state)
{
	/* GOOD with its 10th byte replaced by NUL; its length is still counted */
	char buf[sizeof(GOOD)];
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	(void)state;
	memcpy(buf, GOOD, sizeof(GOOD));
	buf[10] = '\0';
	assert_int_equal(payload_decode(buf, strlen(GOOD), &meta, &pts, &n, err, sizeof(err)),
	    GM_EINVAL);
	assert_string_equal(err, "payload contains a NUL byte");
	assert_null(pts);

	/* The payload is `len` bytes, not a C string: bytes after it are not read,
	 * so GOOD followed by garbage decodes when len stops before the garbage. */
	char longer[] = GOOD "garbage";
	assert_int_equal(payload_decode(longer, strlen(GOOD), &meta, &pts, &n, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(meta.seq, 7);
	free(pts);
}

/* A batch of `count` readings [1700000000 + i, i], written out by hand. */
static char *batch_text(int count)
{
	size_t cap = (size_t)count * 32 + 128, o = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	o += (size_t)snprintf(buf + o, cap - o, "{\"readings\":[");
	for (int i = 0; i < count; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s[%d,%d]", i ? "," : "",
		    1700000000 + i, i);
	snprintf(buf + o, cap - o, "]," META "}");
	return buf;
}

static void test_decode_max_points(void **state)
{
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];
	char *buf;

	(void)state;
	/* PAYLOAD_MAX_POINTS = 4096 readings are allowed ... */
	buf = batch_text(4096);
	assert_true(strlen(buf) < PAYLOAD_MAX_BYTES);
	assert_int_equal(decode(buf, &meta, &pts, &n, err, sizeof(err)), GM_OK);
	assert_int_equal(n, 4096);
	assert_true(pts[4095].t == 1700004095.0);   /* 1700000000 + 4095 */
	assert_true(pts[4095].v == 4095.0);
	free(pts);
	free(buf);

	/* ... 4097 are not (and the text is still under the byte limit) */
	buf = batch_text(4097);
	assert_true(strlen(buf) < PAYLOAD_MAX_BYTES);
	assert_int_equal(decode(buf, &meta, &pts, &n, err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, BATCH_RULE);
	assert_null(pts);
	free(buf);
}

static void test_round_trip(void **state)
{
	/* values exact in binary and in 15 significant digits */
	static const struct point one[] = { { 1763700000.25, 230.5 } };
	static const struct point many[] = {
		{ 946684800, 0 }, { 1700000000.5, -1.25 }, { 1763700000.125, 1e-3 },
		{ 4102444799, 123456789.5 },
	};
	static const struct {
		struct payload_meta meta;
		const struct point *pts;
		size_t n;
	} cases[] = {
		{ { "kWh", KIND_COUNTER, 7, 0, 0 }, one, 1 },
		{ { "m3", KIND_COUNTER, 123456, 4294967.296, 0 }, one, 1 },
		{ { "m3", KIND_COUNTER, 5, 4294967.296, 2678400 }, many, 4 },
		{ { "W", KIND_GAUGE, 5, 0, 1 }, one, 1 },
		{ { "sheets", KIND_DELTA, 0, 0, 0 }, many, 4 },
		{ { "W", KIND_GAUGE, 9007199254740992ULL, 0, 0 }, many, 4 },  /* seq 2^53 */
		{ { "W", KIND_GAUGE, 9007199254740991ULL, 0, 0 }, one, 1 },   /* 2^53 - 1 */
		{ { "W", KIND_GAUGE, 4503599627370497ULL, 0, 0 }, one, 1 },   /* 2^52 + 1 */
	};
	struct payload_meta meta;
	struct point *pts;
	size_t n;
	char err[256];

	char *json;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (payload_encode(&cases[i].meta, cases[i].pts, cases[i].n, &json, err,
		    sizeof(err)) != GM_OK)
			fail_msg("case %zu refused: %s", i, err);
		if (decode(json, &meta, &pts, &n, err, sizeof(err)) != GM_OK)
			fail_msg("case %zu: %s rejected: %s", i, json, err);
		assert_string_equal(meta.unit, cases[i].meta.unit);
		assert_int_equal(meta.kind, cases[i].meta.kind);
		if (meta.seq != cases[i].meta.seq)
			fail_msg("case %zu: %s: seq %llu, want %llu", i, json,
			    (unsigned long long)meta.seq, (unsigned long long)cases[i].meta.seq);
		assert_true(meta.wrap == cases[i].meta.wrap);
		assert_int_equal(meta.every, cases[i].meta.every);
		assert_int_equal(n, cases[i].n);
		assert_memory_equal(pts, cases[i].pts, n * sizeof(*pts));
		free(pts);
		free(json);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_and_unit),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_good),
		cmocka_unit_test(test_decode_every),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_size_limit),
		cmocka_unit_test(test_decode_nul_and_length),
		cmocka_unit_test(test_decode_max_points),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
