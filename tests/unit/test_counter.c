/*
 * test_counter.c - counter differences across wraps and resets
 * (collector/counter.c).
 *
 * A fall of the counter is one of three things: the re-read jitter of a
 * float32 register (within 1e-7 of the value: no use), a wrap of an integer
 * register when the payload gave its modulus and the wrapped difference is
 * under half of it and plausible, or else a reset: counted as a restart from
 * 0 when what the counter shows is plausible (not more than `most`), as 0
 * otherwise or when `most` is unknown (NAN). Resets are flagged by the
 * caller.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "counter.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const char *ev_name(enum counter_event ev)
{
	switch (ev) {
	case COUNTER_OK: return "OK";
	case COUNTER_WRAP: return "WRAP";
	case COUNTER_RESET: return "RESET";
	case COUNTER_RESET_UNCOUNTED: return "RESET_UNCOUNTED";
	}
	return "?";
}

static void test_counter_delta(void **state)
{
	static const struct {
		const char *what;
		double prev, cur, wrap, most;
		double delta, tol;
		enum counter_event ev;
	} cases[] = {
		/* 150.5 - 100 */
		{ "increase", 100, 150.5, 0, NAN, 50.5, 0, COUNTER_OK },
		{ "increase, wrap known", 65530, 65535, 65536, NAN, 5, 0, COUNTER_OK },
		{ "equal", 100, 100, 0, NAN, 0, 0, COUNTER_OK },
		{ "equal at zero", 0, 0, 65536, NAN, 0, 0, COUNTER_OK },
		/* a fall of 0.0625 is within 1000000.0625 * 1e-7 = 0.1000000000625 */
		{ "float32 jitter", 1000000.0625, 1000000.0, 0, NAN, 0, 0, COUNTER_OK },
		/* 2^20 = 1048576: the limit is 0.1048576; a fall of 0.0625 is
		 * jitter, one of 0.125 is not */
		{ "jitter below limit", 1048576, 1048575.9375, 0, NAN, 0, 0, COUNTER_OK },
		{ "fall above limit", 1048576, 1048575.875, 0, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* 4294967296 - 4294967290 + 5 = 6 + 5 = 11 */
		{ "uint32 wrap", 4294967290.0, 5, 4294967296.0, NAN, 11, 0, COUNTER_WRAP },
		/* 4294967296 - 4294967295 + 0 = 1 */
		{ "uint32 wrap to 0", 4294967295.0, 0, 4294967296.0, NAN, 1, 0, COUNTER_WRAP },
		/* 65536 - 65530 + 4 = 10 */
		{ "uint16 wrap", 65530, 4, 65536, NAN, 10, 0, COUNTER_WRAP },
		/* a wrap must be under half the modulus, 32768:
		 * 65536 - 32769 + 0 = 32767 is a wrap, 65536 - 32768 + 0 = 32768 is not */
		{ "wrap just under half", 32769, 0, 65536, NAN, 32767, 0, COUNTER_WRAP },
		{ "wrap of exactly half", 32768, 0, 65536, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* 2^32 pulses of 0.001 m3 = 4294967.296 m3:
		 * 4294967.296 - 4294967.290 + 0.004 = 0.006 + 0.004 = 0.010 */
		{ "scaled wrap", 4294967.290, 0.004, 4294967.296, NAN, 0.010, 1e-9, COUNTER_WRAP },
		/* no modulus: any real fall is a reset */
		{ "reset", 500, 3, 0, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		{ "reset to 0", 500, 0, 0, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* 65536 - 100 + 50 = 65486, far over half of 65536: a reset */
		{ "fall too big to wrap", 100, 50, 65536, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* a counter at or above the modulus cannot have wrapped at it */
		{ "prev above modulus", 70000, 5, 65536, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* a negative reading is not the bottom of a wrapped register */
		{ "negative after wrap", 65530, -2, 65536, NAN, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* with a plausible most: a pulse module back from a power loss
		 * shows what it counted since, 3 <= 10: counted */
		{ "reset counted", 500, 3, 0, 10, 3, 0, COUNTER_RESET },
		{ "reset to 0 counted", 500, 0, 0, 10, 0, 0, COUNTER_RESET },
		/* a new meter starting at 120 cannot have counted 120 in a minute
		 * that allows 10: not counted */
		{ "replaced meter", 500, 120, 0, 10, 0, 0, COUNTER_RESET_UNCOUNTED },
		/* the uint16 case above with most known: 65536 - 65530 + 4 = 10 <= 10 */
		{ "plausible wrap", 65530, 4, 65536, 10, 10, 0, COUNTER_WRAP },
		/* 65536 - 60000 + 4 = 5540 < 32768 but far above most 10: the
		 * register did not run 5540 in that time; it restarted and shows 4 */
		{ "implausible wrap is a reset", 60000, 4, 65536, 10, 4, 0, COUNTER_RESET },
		/* uint32 at 0.001 m3: 4294967.296 - 4000000 + 0.5 = 294967.796, under
		 * half the modulus, but most is 2: the module restarted, 0.5 counted */
		{ "scaled reset not a wrap", 4000000, 0.5, 4294967.296, 2, 0.5, 1e-12, COUNTER_RESET },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		/* start from an event the call must overwrite */
		enum counter_event ev = cases[i].ev == COUNTER_OK ? COUNTER_RESET : COUNTER_OK;
		double d = counter_delta(cases[i].prev, cases[i].cur, cases[i].wrap,
		    cases[i].most, &ev);

		if (ev != cases[i].ev || fabs(d - cases[i].delta) > cases[i].tol)
			fail_msg("%s: counter_delta(%.17g, %.17g, wrap %.17g, most %.17g) = "
			    "%.17g %s, want %.17g %s", cases[i].what, cases[i].prev, cases[i].cur,
			    cases[i].wrap, cases[i].most, d, ev_name(ev), cases[i].delta, ev_name(cases[i].ev));
	}
}

/* Never negative, whatever comes in. */
static void test_never_negative(void **state)
{
	static const double values[] = { 0, 1, 3, 50, 100, 500, 65535, 65536, 1e6, 4294967295.0 };
	static const double wraps[] = { 0, 65536, 4294967296.0 };
	static const double mosts[] = { NAN, 0, 5, 1e9 };

	(void)state;
	for (size_t k = 0; k < NCASES(wraps) * NCASES(mosts); k++) {
		double wrap = wraps[k % NCASES(wraps)], most = mosts[k / NCASES(wraps)];

		for (size_t a = 0; a < NCASES(values); a++) {
			for (size_t b = 0; b < NCASES(values); b++) {
				enum counter_event ev;
				double d = counter_delta(values[a], values[b], wrap, most, &ev);

				/* never negative; after a fall never more than most */
				if (!(d >= 0) || (values[b] < values[a] && !isnan(most) &&
				    d > most))
					fail_msg("counter_delta(%g, %g, %g, %g) = %g", values[a],
					    values[b], wrap, most, d);
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
