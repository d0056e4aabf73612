/*
 * test_event_send.c - gm-agent --event's checks and wire form
 * (agent/event_send.c), without a broker: what would be published, or why
 * nothing would be. Times are worked out by hand: 2025-11-22 10:00 in
 * Asia/Bangkok (UTC+7) is 03:00 UTC, unix 1763780400.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "event_send.h"
#include "meter_event.h"
#include "timeutil.h"

#define AT_TEXT "2025-11-22 10:00"
#define AT_UNIX 1763780400.0
#define NOW (AT_UNIX + 3600)

static char topic[TOPIC_MAX], err[300];
static struct meter_event ev;

/* Build; on success decode what would be sent into ev. */
static int build(const struct event_args *a, double now)
{
	char *payload = NULL;
	int rc;

	err[0] = '\0';
	topic[0] = '\0';
	rc = event_send_build(a, "senate", now, topic, sizeof(topic), &payload, err, sizeof(err));
	if (rc == GM_OK) {
		assert_non_null(payload);
		meter_event_clear(&ev);
		assert_int_equal(meter_event_decode(payload, strlen(payload), &ev, err,
		    sizeof(err)),
		    GM_OK);
	} else {
		assert_null(payload);
	}
	free(payload);
	return rc;
}

static void test_replaced_whole(void **state)
{
	struct event_args a = { .kind = "replaced", .meter = "b3-main", .channel = "import_kwh",
	    .at = AT_TEXT, .old_final = "52311.2", .new_start = "0.5", .unit = "kWh",
	    .note = "new meter, seal 4471" };

	(void)state;
	assert_int_equal(build(&a, NOW), GM_OK);
	assert_string_equal(topic, "greenmeter/v1/senate/b3-main/import_kwh/event");
	assert_int_equal(ev.kind, EV_REPLACED);
	assert_true(ev.t == AT_UNIX);
	assert_true(ev.old_final == 52311.2);
	assert_true(ev.new_start == 0.5);
	assert_string_equal(ev.unit, "kWh");
	assert_string_equal(ev.note, "new meter, seal 4471");
}

static void test_reset_defaults(void **state)
{
	struct event_args a = { .kind = "reset", .meter = "b3-pulse", .channel = "volume_m3" };

	(void)state;
	assert_int_equal(build(&a, NOW + 0.75), GM_OK);
	assert_int_equal(ev.kind, EV_RESET);
	assert_true(ev.t == NOW);          /* now, to the whole second */
	assert_true(ev.new_start == 0);    /* a reset counts on from 0 */
	assert_true(isnan(ev.old_final));
	assert_string_equal(ev.unit, "");
}

static void test_refused(void **state)
{
	static const struct {
		struct event_args a;
		const char *why;
	} cases[] = {
		{ { .kind = "replaced", .meter = "b3-main", .channel = "import_kwh" },
		  "--event replaced needs --new-start" },
		{ { .kind = "reset", .meter = "b3-main" }, "--event needs --meter and --channel" },
		{ { .kind = "reset", .meter = "../etc", .channel = "import_kwh" }, "meter id" },
		{ { .kind = "reset", .meter = "b3-main", .channel = "Import" }, "channel id" },
		{ { .kind = "removed", .meter = "b3-main", .channel = "import_kwh" },
		  "\"replaced\" or \"reset\"" },
		{ { .kind = "reset", .meter = "b3-main", .channel = "import_kwh", .old_final = "12abc" },
		  "--old-final \"12abc\" is not a number" },
		{ { .kind = "replaced", .meter = "b3-main", .channel = "import_kwh",
		    .new_start = "inf" }, "--new-start \"inf\" is not a number" },
		{ { .kind = "replaced", .meter = "b3-main", .channel = "import_kwh",
		    .new_start = "-1" }, "cannot be negative" },
		{ { .kind = "reset", .meter = "b3-main", .channel = "import_kwh", .unit = "kW h" },
		  "\"unit\" is not a unit" },
		{ { .kind = "reset", .meter = "b3-main", .channel = "import_kwh", .at = "22/11/2025" },
		  "22/11/2025" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(build(&cases[i].a, NOW), GM_EINVAL);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].why);
	}
}

/* The collector takes readings up to 300 s ahead of its clock: so may an
 * announcement, and not a second more. */
static void test_future(void **state)
{
	struct event_args a = { .kind = "reset", .meter = "b3-main", .channel = "import_kwh",
	    .at = AT_TEXT };

	(void)state;
	assert_int_equal(build(&a, AT_UNIX - 300), GM_OK);
	assert_int_equal(build(&a, AT_UNIX - 301), GM_EINVAL);
	assert_non_null(strstr(err, "--at " AT_TEXT " is in the future"));
}

/* A note is at most EVENT_NOTE_MAX bytes on the wire; a longer one is
 * refused, not cut. */
static void test_note_length(void **state)
{
	char note[EVENT_NOTE_MAX + 2];
	struct event_args a = { .kind = "reset", .meter = "b3-main", .channel = "import_kwh",
	    .note = note };

	(void)state;
	memset(note, 'x', EVENT_NOTE_MAX);
	note[EVENT_NOTE_MAX] = '\0';
	assert_int_equal(build(&a, NOW), GM_OK);
	assert_int_equal(strlen(ev.note), EVENT_NOTE_MAX);
	note[EVENT_NOTE_MAX] = 'x';
	note[EVENT_NOTE_MAX + 1] = '\0';
	assert_int_equal(build(&a, NOW), GM_EINVAL);
	assert_non_null(strstr(err, "note"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replaced_whole),
		cmocka_unit_test(test_reset_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_note_length),
	};

	tz_set("Asia/Bangkok");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
