/*
 * test_topic.c - ids and MQTT topics of the wire contract (common/topic.c).
 *
 * Every expected string below is written out by hand from the contract in
 * common/topic.h: greenmeter/v1/<site>/<meter>/<channel>[/event], ids
 * [a-z0-9][a-z0-9_-]{0,63}.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "topic.h"

/* 4 x 16 = 64 characters: the longest valid id. */
#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* 64 + 1 = 65 characters: one too many. */
#define ID65 ID64 "x"
/* The first 40 characters of ID65, which is all an error message shows. */
#define ID65_SHOWN "0123456789abcdef0123456789abcdef01234567..."
#define ID_PATTERN "[a-z0-9][a-z0-9_-]{0,63}"

static void test_id_valid(void **state)
{
	static const struct {
		const char *id;
		bool valid;
	} cases[] = {
		{ "a", true },             /* shortest: one letter */
		{ "7", true },             /* a digit may start an id */
		{ "sdm630-b2", true },     /* letters, digits, '-' */
		{ "0_x", true },           /* '_' after the first character */
		{ "a-", true },            /* '-' may also end it */
		{ ID64, true },            /* 64 characters: the limit */
		{ "", false },             /* empty */
		{ ID65, false },           /* 65 characters */
		{ "../x", false },         /* '.' and '/' never: ids become paths */
		{ "..", false },
		{ "a/b", false },          /* a topic level separator */
		{ "A", false },            /* upper case */
		{ "sdm630-B2", false },
		{ "-a", false },           /* '-' may not start an id */
		{ "_a", false },           /* nor '_' */
		{ "a b", false },          /* space */
		{ "a.b", false },
		{ "+", false },            /* MQTT wildcards */
		{ "#", false },
		{ "a\n", false },          /* control character */
		{ "caf\xc3\xa9", false },  /* "cafe" with e-acute in UTF-8: not ASCII */
		/* An id with a NUL inside ("a\0b") cannot be written as a C string:
		 * it ends at the NUL and is the valid id "a". topic_parse gets
		 * NUL-terminated topics, so no NUL can reach an id from there either. */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (id_valid(cases[i].id) != cases[i].valid)
			fail_msg("id_valid(\"%s\") should be %s", cases[i].id,
			    cases[i].valid ? "true" : "false");
	}
	assert_false(id_valid(NULL));
}

static void test_id_copy(void **state)
{
	static const struct {
		const char *id, *what;
		int rc;
		const char *want;   /* the copied id, or the error text */
	} cases[] = {
		{ "sdm630-b2", "meter", GM_OK, "sdm630-b2" },
		{ ID64, "site", GM_OK, ID64 },
		{ "", "site", GM_EINVAL, "site id is empty" },
		{ "A", "meter", GM_EINVAL, "meter id \"A\" does not match " ID_PATTERN },
		{ "../x", "channel", GM_EINVAL,
		  "channel id \"../x\" does not match " ID_PATTERN },
		/* Non-printable bytes are shown as \xNN: tab is 0x09. */
		{ "a\tb", "meter", GM_EINVAL, "meter id \"a\\x09b\" does not match " ID_PATTERN },
		/* '"' is escaped the same way (0x22) so the quoting stays intact. */
		{ "a\"b", "meter", GM_EINVAL, "meter id \"a\\x22b\" does not match " ID_PATTERN },
		{ ID65, "channel", GM_EINVAL,
		  "channel id \"" ID65_SHOWN "\" is longer than 64 characters" },
	};
	char dst[ID_MAX + 1], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(dst, "untouched");
		err[0] = '\0';
		assert_int_equal(id_copy(dst, cases[i].id, cases[i].what, err, sizeof(err)),
		    cases[i].rc);
		if (cases[i].rc == GM_OK) {
			assert_string_equal(dst, cases[i].want);
		} else {
			assert_string_equal(err, cases[i].want);
			assert_string_equal(dst, "untouched");
		}
	}
	assert_int_equal(id_copy(dst, NULL, "site", err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, "site id is missing");
}

static void test_chan_id_set(void **state)
{
	struct chan_id c;
	char err[256];

	(void)state;
	assert_int_equal(chan_id_set(&c, "office", "sdm630-b2", "import_kwh", err,
	    sizeof(err)), GM_OK);
	assert_string_equal(c.site, "office");
	assert_string_equal(c.meter, "sdm630-b2");
	assert_string_equal(c.channel, "import_kwh");

	/* The error names the level that is wrong. */
	assert_int_equal(chan_id_set(&c, "Office", "m", "c", err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, "site id \"Office\" does not match " ID_PATTERN);
	assert_int_equal(chan_id_set(&c, "s", "", "c", err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, "meter id is empty");
	assert_int_equal(chan_id_set(&c, "s", "m", "a/b", err, sizeof(err)), GM_EINVAL);
	assert_string_equal(err, "channel id \"a/b\" does not match " ID_PATTERN);
}

#define WANT_LEVELS "(want greenmeter/v1/<site>/<meter>/<channel>)"
#define NO_PREFIX "topic does not start with \"greenmeter/v1/\""
#define EXTRA "topic has extra levels after the channel (only \"/event\" may follow)"

static void test_topic_parse(void **state)
{
	static const struct {
		const char *topic;
		int rc;
		/* on success: */
		const char *site, *meter, *channel;
		enum topic_kind kind;
		/* on failure: */
		const char *err;
	} cases[] = {
		{ "greenmeter/v1/office/sdm630-b2/import_kwh", GM_OK,
		  "office", "sdm630-b2", "import_kwh", TOPIC_READING, NULL },
		{ "greenmeter/v1/office/sdm630-b2/import_kwh/event", GM_OK,
		  "office", "sdm630-b2", "import_kwh", TOPIC_EVENT, NULL },
		{ "greenmeter/v1/0/1/2", GM_OK, "0", "1", "2", TOPIC_READING, NULL },
		{ "greenmeter/v1/" ID64 "/" ID64 "/" ID64 "/event", GM_OK,
		  ID64, ID64, ID64, TOPIC_EVENT, NULL },

		/* wrong prefix */
		{ "greenmeter/v2/s/m/c", GM_EINVAL, NULL, NULL, NULL, 0, NO_PREFIX },
		{ "Greenmeter/v1/s/m/c", GM_EINVAL, NULL, NULL, NULL, 0, NO_PREFIX },
		{ "/greenmeter/v1/s/m/c", GM_EINVAL, NULL, NULL, NULL, 0, NO_PREFIX },
		{ "greenmeter/v1", GM_EINVAL, NULL, NULL, NULL, 0, NO_PREFIX },
		{ "", GM_EINVAL, NULL, NULL, NULL, 0, NO_PREFIX },

		/* missing levels: the message names the first one absent */
		{ "greenmeter/v1/s", GM_EINVAL, NULL, NULL, NULL, 0,
		  "topic has no meter level " WANT_LEVELS },
		{ "greenmeter/v1/s/m", GM_EINVAL, NULL, NULL, NULL, 0,
		  "topic has no channel level " WANT_LEVELS },

		/* extra levels: only "/event" may follow the channel */
		{ "greenmeter/v1/s/m/c/extra", GM_EINVAL, NULL, NULL, NULL, 0, EXTRA },
		{ "greenmeter/v1/s/m/c/event/x", GM_EINVAL, NULL, NULL, NULL, 0, EXTRA },
		{ "greenmeter/v1/s/m/c/EVENT", GM_EINVAL, NULL, NULL, NULL, 0, EXTRA },
		{ "greenmeter/v1/s/m/c/", GM_EINVAL, NULL, NULL, NULL, 0, EXTRA },

		/* empty levels, named */
		{ "greenmeter/v1//m/c", GM_EINVAL, NULL, NULL, NULL, 0, "site id is empty" },
		{ "greenmeter/v1/s//c", GM_EINVAL, NULL, NULL, NULL, 0, "meter id is empty" },
		{ "greenmeter/v1/s/m/", GM_EINVAL, NULL, NULL, NULL, 0, "channel id is empty" },

		/* bad ids, named by level: "..", upper case, wildcards */
		{ "greenmeter/v1/../m/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "site id \"..\" does not match " ID_PATTERN },
		{ "greenmeter/v1/s/../c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "meter id \"..\" does not match " ID_PATTERN },
		{ "greenmeter/v1/s/m/..", GM_EINVAL, NULL, NULL, NULL, 0,
		  "channel id \"..\" does not match " ID_PATTERN },
		{ "greenmeter/v1/Office/m/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "site id \"Office\" does not match " ID_PATTERN },
		{ "greenmeter/v1/s/M/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "meter id \"M\" does not match " ID_PATTERN },
		{ "greenmeter/v1/s/m/Import", GM_EINVAL, NULL, NULL, NULL, 0,
		  "channel id \"Import\" does not match " ID_PATTERN },
		{ "greenmeter/v1/+/m/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "site id \"+\" does not match " ID_PATTERN },
		{ "greenmeter/v1/s/m/#", GM_EINVAL, NULL, NULL, NULL, 0,
		  "channel id \"#\" does not match " ID_PATTERN },

		/* over-long ids, named by level, shown cut at 40 characters */
		{ "greenmeter/v1/" ID65 "/m/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "site id \"" ID65_SHOWN "\" is longer than 64 characters" },
		{ "greenmeter/v1/s/" ID65 "/c", GM_EINVAL, NULL, NULL, NULL, 0,
		  "meter id \"" ID65_SHOWN "\" is longer than 64 characters" },
		{ "greenmeter/v1/s/m/" ID65, GM_EINVAL, NULL, NULL, NULL, 0,
		  "channel id \"" ID65_SHOWN "\" is longer than 64 characters" },
		{ "greenmeter/v1/s/m/" ID65 "/event", GM_EINVAL, NULL, NULL, NULL, 0,
		  "channel id \"" ID65_SHOWN "\" is longer than 64 characters" },
		/* An embedded NUL cannot be expressed in a C string topic: skipped. */
	};
	struct chan_id c;
	enum topic_kind kind;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		/* start from the other kind, so a parse that forgets to set it fails */
		kind = cases[i].kind == TOPIC_READING ? TOPIC_EVENT : TOPIC_READING;
		int rc = topic_parse(cases[i].topic, &c, &kind, err, sizeof(err));
		if (rc != cases[i].rc)
			fail_msg("topic_parse(\"%s\") = %d (%s), want %d", cases[i].topic, rc,
			    err, cases[i].rc);
		if (rc == GM_OK) {
			assert_string_equal(c.site, cases[i].site);
			assert_string_equal(c.meter, cases[i].meter);
			assert_string_equal(c.channel, cases[i].channel);
			assert_int_equal(kind, cases[i].kind);
		} else {
			assert_string_equal(err, cases[i].err);
		}
	}
}

/* An agent's access check: greenmeter/v1/<site>/<meter>, nothing else. */
static void test_topic_is_access_check(void **state)
{
	(void)state;
	assert_true(topic_is_access_check("greenmeter/v1/parliament/b2-main"));
	assert_true(topic_is_access_check("greenmeter/v1/a/b"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament/b2-main/import_kwh"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament/b2-main/"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament/"));
	assert_false(topic_is_access_check("greenmeter/v1//b2-main"));
	assert_false(topic_is_access_check("greenmeter/v1/Parliament/b2-main"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament/../etc"));
	assert_false(topic_is_access_check("greenmeter/v2/parliament/b2-main"));
	assert_false(topic_is_access_check("greenmeter/v1/parliament/+"));
	assert_false(topic_is_access_check(""));
}

static void test_topic_build_round_trip(void **state)
{
	static const struct {
		const char *site, *meter, *channel;
		enum topic_kind kind;
		const char *topic;
	} cases[] = {
		{ "office", "sdm630-b2", "import_kwh", TOPIC_READING,
		  "greenmeter/v1/office/sdm630-b2/import_kwh" },
		{ "office", "sdm630-b2", "import_kwh", TOPIC_EVENT,
		  "greenmeter/v1/office/sdm630-b2/import_kwh/event" },
		{ "s", "m", "c", TOPIC_READING, "greenmeter/v1/s/m/c" },
		/* the longest topic: 14 (prefix) + 3 * 64 + 2 slashes + 6 ("/event")
		 * = 214 characters, and TOPIC_MAX = 15 + 3 * 65 + 7 = 217 holds it */
		{ ID64, ID64, ID64, TOPIC_EVENT,
		  "greenmeter/v1/" ID64 "/" ID64 "/" ID64 "/event" },
	};
	struct chan_id in, out;
	enum topic_kind kind;
	char buf[TOPIC_MAX], err[256];

	(void)state;
	assert_int_equal(strlen(cases[3].topic), 214);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(chan_id_set(&in, cases[i].site, cases[i].meter,
		    cases[i].channel, err, sizeof(err)), GM_OK);
		topic_build(buf, sizeof(buf), &in, cases[i].kind);
		assert_string_equal(buf, cases[i].topic);

		memset(&out, 0x55, sizeof(out));
		assert_int_equal(topic_parse(buf, &out, &kind, err, sizeof(err)), GM_OK);
		assert_string_equal(out.site, cases[i].site);
		assert_string_equal(out.meter, cases[i].meter);
		assert_string_equal(out.channel, cases[i].channel);
		assert_int_equal(kind, cases[i].kind);
	}
}

static void test_chan_id_str(void **state)
{
	struct chan_id c;
	char buf[3 * (ID_MAX + 1)], small[4], err[256];

	(void)state;
	assert_int_equal(chan_id_set(&c, "office", "sdm630-b2", "import_kwh", err,
	    sizeof(err)), GM_OK);
	chan_id_str(&c, buf, sizeof(buf));
	assert_string_equal(buf, "office/sdm630-b2/import_kwh");

	/* A short buffer is cut and still terminated: 4 bytes hold "off". */
	chan_id_str(&c, small, sizeof(small));
	assert_string_equal(small, "off");

	/* Three 64-character ids and two slashes: 3 * 64 + 2 = 194 < 195. */
	assert_int_equal(chan_id_set(&c, ID64, ID64, ID64, err, sizeof(err)), GM_OK);
	chan_id_str(&c, buf, sizeof(buf));
	assert_string_equal(buf, ID64 "/" ID64 "/" ID64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_id_copy),
		cmocka_unit_test(test_chan_id_set),
		cmocka_unit_test(test_topic_parse),
		cmocka_unit_test(test_topic_is_access_check),
		cmocka_unit_test(test_topic_build_round_trip),
		cmocka_unit_test(test_chan_id_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
