/*
 * test_err.c - every error code has a text of its own (common/gm_err.c): none
 * shares another's, none is empty or the "unknown error" of a number that
 * is no code. A code added to enum gm_err without its text does not build
 * (gm_strerror switches over the enum, -Wswitch); one between the codes
 * without a text leaves a gap this test finds.
 */
#include <err.h>   /* the system's, beside gm_err.h: they must not collide */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"

#define UNKNOWN "unknown error"
#define FAR_CODE (-64)   /* well past the lowest code */

static void test_distinct(void **state)
{
	int named = 0;

	(void)state;
	/* the codes run 0, -1, -2 ... without a gap: the first unknown one ends them */
	for (int c = GM_OK; c > FAR_CODE && strcmp(gm_strerror(c), UNKNOWN) != 0; c--) {
		const char *t = gm_strerror(c);

		if (t == NULL || t[0] == '\0')
			fail_msg("code %d: no text", c);
		for (int o = GM_OK; o > c; o--)
			if (strcmp(gm_strerror(o), t) == 0)
				fail_msg("codes %d and %d both say \"%s\"", o, c, t);
		named++;
	}
	/* ... and every code of the enum is among them */
	if (named < 1 - GM_EDAMAGED)
		fail_msg("%d codes named before an unknown one, %d in enum gm_err (%d: \"%s\")",
		    named, 1 - GM_EDAMAGED, -named, gm_strerror(-named));
	for (int c = -named; c > FAR_CODE; c--)
		assert_string_equal(gm_strerror(c), UNKNOWN);
	assert_string_equal(gm_strerror(1), UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
