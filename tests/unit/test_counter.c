/*
 * test_counter.c - counter differences across wraps and resets
 * (collector/counter.c).
 *
 * A fall of the counter is one of three things: the re-read jitter of a
 * float32 register (within 1e-7 of the value: no use), a wrap of an integer
 * register when the payload gave its modulus and the wrapped difference is
 * under half of it, or else a reset (counted as 0 and flagged).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../collector/counter.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const char *ev_name(enum counter_event ev)
{
	switch (ev) {
	case COUNTER_OK: return "OK";
	case COUNTER_WRAP: return "WRAP";
	case COUNTER_RESET: return "RESET";
	}
	return "?";
}

static void test_counter_delta(void **state)
{
	static const struct {
		const char *what;
		double prev, cur, wrap;
		double delta, tol;
		enum counter_event ev;
	} cases[] = {
		/* 150.5 - 100 */
		{ "increase", 100, 150.5, 0, 50.5, 0, COUNTER_OK },
		{ "increase, wrap known", 65530, 65535, 65536, 5, 0, COUNTER_OK },
		{ "equal", 100, 100, 0, 0, 0, COUNTER_OK },
		{ "equal at zero", 0, 0, 65536, 0, 0, COUNTER_OK },
		/* a fall of 0.0625 is within 1000000.0625 * 1e-7 = 0.1000000000625 */
		{ "float32 jitter", 1000000.0625, 1000000.0, 0, 0, 0, COUNTER_OK },
		/* 2^20 = 1048576: the limit is 0.1048576; a fall of 0.0625 is
		 * jitter, one of 0.125 is not */
		{ "jitter below limit", 1048576, 1048575.9375, 0, 0, 0, COUNTER_OK },
		{ "fall above limit", 1048576, 1048575.875, 0, 0, 0, COUNTER_RESET },
		/* 4294967296 - 4294967290 + 5 = 6 + 5 = 11 */
		{ "uint32 wrap", 4294967290.0, 5, 4294967296.0, 11, 0, COUNTER_WRAP },
		/* 4294967296 - 4294967295 + 0 = 1 */
		{ "uint32 wrap to 0", 4294967295.0, 0, 4294967296.0, 1, 0, COUNTER_WRAP },
		/* 65536 - 65530 + 4 = 10 */
		{ "uint16 wrap", 65530, 4, 65536, 10, 0, COUNTER_WRAP },
		/* a wrap must be under half the modulus, 32768:
		 * 65536 - 32769 + 0 = 32767 is a wrap, 65536 - 32768 + 0 = 32768 is not */
		{ "wrap just under half", 32769, 0, 65536, 32767, 0, COUNTER_WRAP },
		{ "wrap of exactly half", 32768, 0, 65536, 0, 0, COUNTER_RESET },
		/* 2^32 pulses of 0.001 m3 = 4294967.296 m3:
		 * 4294967.296 - 4294967.290 + 0.004 = 0.006 + 0.004 = 0.010 */
		{ "scaled wrap", 4294967.290, 0.004, 4294967.296, 0.010, 1e-9, COUNTER_WRAP },
		/* no modulus: any real fall is a reset */
		{ "reset", 500, 3, 0, 0, 0, COUNTER_RESET },
		{ "reset to 0", 500, 0, 0, 0, 0, COUNTER_RESET },
		/* 65536 - 100 + 50 = 65486, far over half of 65536: a reset */
		{ "fall too big to wrap", 100, 50, 65536, 0, 0, COUNTER_RESET },
		/* a counter at or above the modulus cannot have wrapped at it */
		{ "prev above modulus", 70000, 5, 65536, 0, 0, COUNTER_RESET },
		/* a negative reading is not the bottom of a wrapped register */
		{ "negative after wrap", 65530, -2, 65536, 0, 0, COUNTER_RESET },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		/* start from an event the call must overwrite */
		enum counter_event ev = cases[i].ev == COUNTER_OK ? COUNTER_RESET : COUNTER_OK;
		double d = counter_delta(cases[i].prev, cases[i].cur, cases[i].wrap, &ev);

		if (ev != cases[i].ev || fabs(d - cases[i].delta) > cases[i].tol)
			fail_msg("%s: counter_delta(%.17g, %.17g, wrap %.17g) = %.17g %s, "
			    "want %.17g %s", cases[i].what, cases[i].prev, cases[i].cur,
			    cases[i].wrap, d, ev_name(ev), cases[i].delta, ev_name(cases[i].ev));
	}
}

/* Never negative, whatever comes in. */
static void test_never_negative(void **state)
{
	static const double values[] = { 0, 1, 3, 50, 100, 500, 65535, 65536, 1e6, 4294967295.0 };
	static const double wraps[] = { 0, 65536, 4294967296.0 };

	(void)state;
	for (size_t w = 0; w < NCASES(wraps); w++) {
		for (size_t a = 0; a < NCASES(values); a++) {
			for (size_t b = 0; b < NCASES(values); b++) {
				enum counter_event ev;
				double d = counter_delta(values[a], values[b], wraps[w], &ev);

				if (!(d >= 0))
					fail_msg("counter_delta(%g, %g, %g) = %g", values[a],
					    values[b], wraps[w], d);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_delta),
		cmocka_unit_test(test_never_negative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
