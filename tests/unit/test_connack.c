/*
 * test_connack.c - which CONNACK refusals are for good (common/connack.c):
 * those make the link log once and wait refused_retry seconds; the others
 * are retried as a lost connection is. Codes from MQTT 3.1.1 section 3.2.2.3
 * and MQTT 5.0 section 3.2.2.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <MQTTAsync.h>

#include "connack.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static void test_codes(void **state)
{
	static const struct {
		int version, code;
		int final;            /* 1 for good, 0 passes by itself, -1 not a refusal */
		const char *what;
	} cases[] = {
		{ MQTTVERSION_3_1_1, 1, 1, "unacceptable protocol version" },
		{ MQTTVERSION_3_1_1, 2, 1, "identifier rejected" },
		{ MQTTVERSION_3_1_1, 3, 0, "server unavailable" },
		{ MQTTVERSION_3_1_1, 4, 1, "bad user name or password" },
		{ MQTTVERSION_3_1_1, 5, 1, "not authorised" },
		{ MQTTVERSION_3_1_1, 6, -1, NULL },        /* reserved */
		{ MQTTVERSION_3_1_1, 0x86, -1, NULL },     /* a v5 code under v3 */
		{ MQTTVERSION_3_1_1, -1, -1, NULL },       /* paho: TCP connect failed */
		{ MQTTVERSION_5, 0x80, 0, "unspecified error" },
		{ MQTTVERSION_5, 0x84, 1, "unsupported protocol version" },
		{ MQTTVERSION_5, 0x85, 1, "client identifier not valid" },
		{ MQTTVERSION_5, 0x86, 1, "bad user name or password" },
		{ MQTTVERSION_5, 0x87, 1, "not authorized" },   /* mosquitto: wrong password */
		{ MQTTVERSION_5, 0x88, 0, "server unavailable" },
		{ MQTTVERSION_5, 0x89, 0, "server busy" },
		{ MQTTVERSION_5, 0x8A, 1, "banned" },
		{ MQTTVERSION_5, 0x97, 0, "quota exceeded" },
		{ MQTTVERSION_5, 0x9C, 1, "use another server" },
		{ MQTTVERSION_5, 0x9F, 0, "connection rate exceeded" },
		{ MQTTVERSION_5, 2, -1, NULL },            /* a v3 code under v5 */
		{ MQTTVERSION_5, -3, -1, NULL },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		const struct connack_why *w = connack_why(cases[i].version, cases[i].code);

		if (cases[i].final < 0) {
			if (w != NULL)
				fail_msg("code %d (v%d) taken for %s", cases[i].code,
				    cases[i].version, w->what);
			continue;
		}
		assert_non_null(w);
		assert_int_equal(w->code, cases[i].code);
		assert_string_equal(w->what, cases[i].what);
		assert_int_equal(w->final, cases[i].final);
		/* a refusal for good says what to change; one that passes, nothing */
		assert_int_equal(w->fix[0] != '\0', cases[i].final);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
