/*
 * test_chan_files.c - whatever sits at the name of one of a channel's files
 * (its RRD, entries or events journal, .meta, .seq), a message for it gets
 * an answer at once: it is stored, or its channel is set aside and the
 * message kept in the quarantine. Never does one message block the
 * collector (collector/ingest.c with the real store and files).
 *
 * A FIFO is the hostile case: open(O_RDONLY) waits for a writer, open
 * (O_WRONLY) for a reader, for ever, and the collector's ingesting thread
 * with it. Each message here is sent in a child process (testutil's
 * within()) that must answer within 5 s; what it did is read back from the
 * files (the quarantine journal, the RRD's header).
 *
 * The clock is fixed as in test_ingest.c: NOW = 2024-06-01T00:00:00Z =
 * 1717200000, the first reading at T = NOW - 3600 = 1717196400.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest_fixture.h"
#include "rrd_head.h"
#include "entries.h"
#include "gm_err.h"
#include "meter_event.h"
#include "rrd_layout.h"
#include "testutil.h"
#include "timeutil.h"

#define NOW 1717200000L
#define KWH ",\"unit\":\"kWh\",\"kind\":\"counter\""
#define DELTA ",\"unit\":\"reams\",\"kind\":\"delta\""

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("chan-files") == 0 ? ingest_fixture_open(NOW) : -1;
}

static int teardown(void **state)
{
	ingest_fixture_close();
	return tmpdir_teardown(state);
}

/* A collector restart: what it knew of each channel is gone. */
static void restart(void)
{
	registry_free(ig.reg);
	assert_non_null(ig.reg = registry_new());
}

struct send {
	const char *topic, *payload;
};

static int send_call(void *arg)
{
	const struct send *m = arg;

	return (int)ingest_message(&ig, m->topic, m->payload, strlen(m->payload));
}

/* Send in a child, which must answer INGEST_DONE within 5 s. */
static void send_within(const char *what, const char *topic, const char *payload)
{
	struct send m = { topic, payload };
	int got = within(5, send_call, &m);

	if (got < 0)
		fail_msg("%s: the message is still blocked after 5 s", what);
	if (got != INGEST_DONE)
		fail_msg("%s: %s, where the message should be done with",
		    what, got == INGEST_RETRY ? "INGEST_RETRY (taken as a failure that passes)" :
		    "INGEST_BUSY");
}

/* <datadir>/hq/m1/<channel><suffix> */
static const char *chan_path(const char *channel, const char *suffix)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/hq/m1/%s%s", datadir, channel, suffix);
	return path;
}

static void make_fifo(const char *path)
{
	if (unlink(path) != 0)
		assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(mkfifo(path, 0644), 0);
}

static int64_t last_ms(const char *channel)
{
	char err[256];
	int64_t ms = -1;

	if (rrd_head_last_ms(chan_path(channel, ".rrd"), &ms, err, sizeof(err)) != GM_OK)
		fail_msg("rrd_head_last_ms: %s", err);
	return ms;
}

/* The RRD's name a FIFO, in a shared group: the file lock comes first. */
static void test_rrd_fifo_shared(void **state)
{
	(void)state;
	ig.shared = true;
	done("greenmeter/v1/hq/m1/a", "{\"t\":1717196400,\"v\":1" KWH ",\"seq\":1}");
	make_fifo(chan_path("a", ".rrd"));
	restart();
	send_within("a FIFO at the RRD, shared", "greenmeter/v1/hq/m1/a",
	    "{\"t\":1717196460,\"v\":2" KWH ",\"seq\":2}");
	assert_int_equal(quarantined(NULL, NULL), 1);
}

/* The events journal a FIFO: read at the first message after a start
 * (announced replacements), appended to when a reading is flagged. */
static void test_events_fifo(void **state)
{
	(void)state;
	done("greenmeter/v1/hq/m1/a", "{\"t\":1717196400,\"v\":100" KWH ",\"seq\":1}");
	make_fifo(chan_path("a", EVENTS_SUFFIX));
	restart();
	send_within("a FIFO at the events journal, read", "greenmeter/v1/hq/m1/a",
	    "{\"t\":1717196460,\"v\":101" KWH ",\"seq\":2}");
	assert_int_equal(quarantined(NULL, NULL), 1);

	/* another channel, loaded before its journal became a FIFO; a fall
	 * nobody announced is flagged there */
	done("greenmeter/v1/hq/m1/b", "{\"t\":1717196400,\"v\":500" KWH ",\"seq\":1}");
	done("greenmeter/v1/hq/m1/b", "{\"t\":1717196460,\"v\":503" KWH ",\"seq\":2}");
	make_fifo(chan_path("b", EVENTS_SUFFIX));
	send_within("a FIFO at the events journal, appended to", "greenmeter/v1/hq/m1/b",
	    "{\"t\":1717196520,\"v\":300" KWH ",\"seq\":3}");
	assert_int_equal(quarantined(NULL, NULL), 2);
}

/* The entries journal of a channel of manual entries a FIFO. */
static void test_entries_fifo(void **state)
{
	(void)state;
	done("greenmeter/v1/hq/m1/reams", "{\"t\":1693501200,\"v\":30" DELTA ",\"seq\":1}");
	make_fifo(chan_path("reams", ENTRIES_SUFFIX));
	restart();
	send_within("a FIFO at the entries journal", "greenmeter/v1/hq/m1/reams",
	    "{\"t\":1696093200,\"v\":35" DELTA ",\"seq\":2}");
	assert_int_equal(quarantined(NULL, NULL), 1);
}

/* The .meta a FIFO before the channel's first reading: unreadable, it is
 * left aside (the reading decides the channel's unit and kind) and
 * replaced whole when the RRD is made. */
static void test_meta_fifo(void **state)
{
	char dir[200];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/hq", datadir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/hq/m1", datadir);
	assert_int_equal(mkdir(dir, 0755), 0);
	make_fifo(chan_path("a", ".meta"));
	send_within("a FIFO at the .meta", "greenmeter/v1/hq/m1/a",
	    "{\"t\":1717196400,\"v\":1" KWH ",\"seq\":1}");
	assert_int_equal(quarantined(NULL, NULL), 0);
	assert_true(last_ms("a") == 1717196400000LL);
}

/* The .seq of a shared group's channel a FIFO: read before the message is
 * stored and written after; the message is stored. */
static void test_seq_fifo(void **state)
{
	(void)state;
	ig.shared = true;
	done("greenmeter/v1/hq/m1/a", "{\"t\":1717196400,\"v\":1" KWH ",\"seq\":1}");
	make_fifo(chan_path("a", ".seq"));
	restart();
	send_within("a FIFO at the .seq", "greenmeter/v1/hq/m1/a",
	    "{\"t\":1717196460,\"v\":2" KWH ",\"seq\":2}");
	assert_int_equal(quarantined(NULL, NULL), 0);
	assert_true(last_ms("a") == 1717196460000LL);
}

/* The RRD's name a link to another channel's RRD: writing through it would
 * mix two channels in one file. Set aside; the other file untouched. */
static void test_rrd_link(void **state)
{
	(void)state;
	done("greenmeter/v1/hq/m1/a", "{\"t\":1717196400,\"v\":1" KWH ",\"seq\":1}");
	done("greenmeter/v1/hq/m1/b", "{\"t\":1717196400,\"v\":7" KWH ",\"seq\":1}");
	assert_int_equal(unlink(chan_path("a", ".rrd")), 0);
	assert_int_equal(symlink("b.rrd", chan_path("a", ".rrd")), 0);
	restart();
	send_within("a link to another channel's RRD", "greenmeter/v1/hq/m1/a",
	    "{\"t\":1717196460,\"v\":2" KWH ",\"seq\":2}");
	assert_int_equal(quarantined(NULL, NULL), 1);
	assert_true(last_ms("b") == 1717196400000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rrd_fifo_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rrd_link, setup, teardown),
	};

	/* only the set-asides speak (meant: each names its file) */
	log_init("test_chan_files", GM_LOG_ERR);
	if (tz_set(TZ_DEFAULT) != GM_OK) {
		fprintf(stderr, "time zone %s is not installed\n", TZ_DEFAULT);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
