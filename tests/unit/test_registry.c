/*
 * test_registry.c - the collector's table of channel states
 * (collector/registry.c).
 *
 * The table starts with room for 1024 and is kept at most half full, so
 * 5000 channels make it grow four times (1024 -> 2048 -> 4096 -> 8192 ->
 * 16384); every channel must survive each move with its fields.
 */
#define _GNU_SOURCE   /* fopencookie */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "gm_err.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define MANY 5000

/* Channel i of MANY: 50 sites, 10 meters each, 10 channels each. */
static struct chan_id many_id(int i)
{
	char site[16], meter[16], channel[16];

	snprintf(site, sizeof(site), "site%d", i / 100);
	snprintf(meter, sizeof(meter), "m%d", i / 10 % 10);
	snprintf(channel, sizeof(channel), "c%d", i % 10);
	return id3(site, meter, channel);
}

static void test_get_once(void **state)
{
	struct registry *r = registry_new();
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("hq", "m1", "power");
	/* the same three words split differently must be other channels */
	struct chan_id c = id3("hq", "m1e", "nergy"), d = id3("hqm", "1", "energy");
	struct chan_state *sa, *sb, *sc, *sd;

	(void)state;
	assert_non_null(r);
	assert_int_equal(registry_count(r), 0);
	sa = registry_get(r, &a);
	assert_non_null(sa);
	assert_string_equal(sa->r.id.site, "hq");
	assert_string_equal(sa->r.id.meter, "m1");
	assert_string_equal(sa->r.id.channel, "energy");
	/* a new channel starts empty */
	assert_false(sa->loaded);
	assert_false(sa->r.have_last);
	assert_int_equal(sa->r.received, 0);
	assert_int_equal(sa->r.stored, 0);
	assert_int_equal(registry_count(r), 1);

	sa->r.received = 7;
	assert_ptr_equal(registry_get(r, &a), sa);
	assert_int_equal(registry_get(r, &a)->r.received, 7);
	assert_int_equal(registry_count(r), 1);

	sb = registry_get(r, &b);
	sc = registry_get(r, &c);
	sd = registry_get(r, &d);
	assert_non_null(sb);
	assert_non_null(sc);
	assert_non_null(sd);
	assert_ptr_not_equal(sb, sa);
	assert_ptr_not_equal(sc, sa);
	assert_ptr_not_equal(sd, sa);
	assert_ptr_not_equal(sc, sd);
	assert_int_equal(registry_count(r), 4);
	assert_ptr_equal(registry_get(r, &b), sb);
	assert_ptr_equal(registry_get(r, &c), sc);
	assert_ptr_equal(registry_get(r, &d), sd);
	assert_int_equal(registry_count(r), 4);
	registry_free(r);
	registry_free(NULL);
}

static void test_growth(void **state)
{
	struct registry *r = registry_new();
	struct chan_state **first = calloc(MANY, sizeof(*first));

	(void)state;
	assert_non_null(r);
	assert_non_null(first);
	for (int i = 0; i < MANY; i++) {
		struct chan_id id = many_id(i);
		struct chan_state *cs = registry_get(r, &id);

		assert_non_null(cs);
		cs->r.received = (uint64_t)i;
		cs->r.last_t = 1704067200.0 + i;   /* 2024-01-01T00:00:00Z + i s */
		cs->r.last_v = i * 0.5;
		cs->r.have_last = true;
		snprintf(cs->r.unit, sizeof(cs->r.unit), "u%d", i % 7);
		first[i] = cs;
	}
	assert_int_equal(registry_count(r), MANY);
	/* the states themselves never move: only the table of pointers does */
	for (int i = 0; i < MANY; i++) {
		struct chan_id id = many_id(i);
		struct chan_state *cs = registry_get(r, &id);
		char unit[8];

		if (cs != first[i])
			fail_msg("channel %d moved or was added again", i);
		assert_string_equal(cs->r.id.site, id.site);
		assert_string_equal(cs->r.id.meter, id.meter);
		assert_string_equal(cs->r.id.channel, id.channel);
		assert_int_equal(cs->r.received, i);
		assert_true(cs->r.last_t == 1704067200.0 + i);
		assert_true(cs->r.last_v == i * 0.5);
		assert_true(cs->r.have_last);
		snprintf(unit, sizeof(unit), "u%d", i % 7);
		assert_string_equal(cs->r.unit, unit);
	}
	assert_int_equal(registry_count(r), MANY);   /* looking up added nothing */
	free(first);
	registry_free(r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read `f` back as lines, sorted (the table's order is the hash's). */
static int read_lines(FILE *f, char **lines, int max)
{
	char buf[512];
	int n = 0;

	rewind(f);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		assert_true(n < max);
		lines[n++] = strdup(buf);
	}
	qsort(lines, (size_t)n, sizeof(*lines), cmp_str);
	return n;
}

static void test_dump(void **state)
{
	static const char *const want[] = {
		/* 69.75 s old, every 60 s: within 3 intervals */
		"hq/m1/energy last_t=1717200000.250 last=1234.5 kWh received=3 stored=2 "
		    "duplicates=1 lost=4 resets=1 wraps=2 late=5 replaced=1 rejected=0 "
		    "kind=counter interval=60.000 last_seen=1717200001.500 status=ok "
		    "problem=- seq=0 quarantined=0 requeued=0 aside=0\n",
		/* never a reading: stale */
		"hq/m1/power last_t=0.000 last=0 W received=0 stored=0 "
		    "duplicates=0 lost=0 resets=0 wraps=0 late=0 replaced=0 rejected=0 "
		    "kind=gauge interval=0.000 last_seen=0.000 status=stale problem=- seq=0 "
		    "quarantined=0 requeued=0 aside=0\n",
		/* fresh, but its last message was refused: fault, and why, one token */
		"lab/pulse-1/volume_m3 last_t=1717200060.000 last=0.10000000000000001 m3 "
		    "received=1 stored=1 duplicates=0 lost=0 resets=0 wraps=0 late=0 "
		    "replaced=0 rejected=1 kind=counter interval=0.000 last_seen=0.000 "
		    "status=fault problem=payload_rejected:_field_\"v\"_is_missing seq=41 "
		    "quarantined=7 requeued=2 aside=1\n",
	};
	struct registry *r = registry_new();
	struct chan_id a = id3("hq", "m1", "energy"), b = id3("hq", "m1", "power");
	struct chan_id c = id3("lab", "pulse-1", "volume_m3");
	struct chan_state *cs;
	char *lines[8];
	FILE *f;
	int n;

	(void)state;
	assert_non_null(r);
	f = tmpfile();
	assert_non_null(f);
	registry_dump(r, f, 0, NULL);          /* empty: nothing */
	assert_int_equal(read_lines(f, lines, 8), 0);

	/* 2024-06-01T00:00:00Z = 1704067200 + 152 days (31 + 29 + 31 + 30 + 31)
	 * * 86400 = 1717200000 */
	cs = registry_get(r, &a);
	cs->r.last_t = 1717200000.25;
	cs->r.last_v = 1234.5;
	strcpy(cs->r.unit, "kWh");
	cs->r.received = 3;
	cs->r.stored = 2;
	cs->r.duplicates = 1;
	cs->r.lost = 4;
	cs->r.resets = 1;
	cs->r.wraps = 2;
	cs->r.late = 5;
	cs->r.replaced = 1;
	cs->r.kind = KIND_COUNTER;
	cs->r.have_last = true;
	cs->r.interval = 60;
	cs->r.last_seen = 1717200001.5;
	cs = registry_get(r, &b);
	strcpy(cs->r.unit, "W");
	cs->r.kind = KIND_GAUGE;
	cs = registry_get(r, &c);
	cs->r.last_t = 1717200060;
	cs->r.last_v = 0.1;             /* %.17g shows the double nearest 0.1 */
	strcpy(cs->r.unit, "m3");
	cs->r.received = 1;
	cs->r.stored = 1;
	cs->r.have_last = true;
	cs->r.rejected = 1;
	cs->r.fault = true;
	cs->r.have_seq = true;
	cs->r.last_seq = 41;
	cs->r.quarantined = 7;
	cs->r.requeued = 2;
	cs->r.aside = true;
	strcpy(cs->r.problem, "payload rejected: field \"v\" is missing");

	fclose(f);
	f = tmpfile();
	assert_non_null(f);
	registry_dump(r, f, 1717200070, NULL);
	n = read_lines(f, lines, 8);
	assert_int_equal(n, (int)NCASES(want));
	for (int i = 0; i < n; i++) {
		assert_string_equal(lines[i], want[i]);
		free(lines[i]);
	}
	fclose(f);
	registry_free(r);
}

/* What a dump says reads back: the counters a restarted collector carries
 * on with, and what gm-collector --status shows. */
static void test_parse_back(void **state)
{
	struct registry *r = registry_new(), *back = registry_new();
	struct chan_id a = id3("hq", "m1", "energy");
	struct chan_state *cs;
	struct chan_record got;
	char line[1024];
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(r);
	assert_non_null(back);
	assert_non_null(f);
	cs = registry_get(r, &a);
	cs->r.have_last = true;
	cs->r.last_t = 1717200000.25;
	cs->r.last_v = 1234.5;
	strcpy(cs->r.unit, "kWh");
	cs->r.kind = KIND_COUNTER;
	cs->r.received = 30;
	cs->r.stored = 27;
	cs->r.duplicates = 3;
	cs->r.lost = 2;
	cs->r.resets = 1;
	cs->r.wraps = 4;
	cs->r.late = 5;
	cs->r.replaced = 6;
	cs->r.rejected = 7;
	cs->r.interval = 60;
	cs->r.last_seen = 1717200001.5;
	cs->r.fault = true;
	strcpy(cs->r.problem, "unannounced counter reset");
	cs->r.have_seq = true;
	cs->r.last_seq = 99;
	cs->r.quarantined = 8;
	cs->r.requeued = 3;
	cs->r.aside = true;
	registry_dump(r, f, 1717200010, NULL);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(status_parse_line(line, &got), 0);
	assert_string_equal(got.id.meter, "m1");
	assert_true(got.have_last && got.last_t == 1717200000.25 && got.last_v == 1234.5);
	assert_string_equal(got.unit, "kWh");
	assert_true(got.received == 30 && got.stored == 27 && got.duplicates == 3 &&
	    got.lost == 2 && got.resets == 1 && got.wraps == 4 && got.late == 5 &&
	    got.replaced == 6 && got.rejected == 7);
	assert_true(got.interval == 60 && got.last_seen == 1717200001.5);
	assert_true(got.fault);
	assert_string_equal(got.problem, "unannounced_counter_reset");
	assert_true(got.have_seq && got.last_seq == 99);
	assert_true(got.quarantined == 8 && got.requeued == 3 && got.aside);
	assert_int_equal(status_parse_line("not a status line", &got), -1);
	assert_int_equal(status_parse_line("../x/y last_t=1", &got), -1);

	/* a restart takes up the counters, not what the store holds */
	rewind(f);
	assert_int_equal(registry_load(back, f), 1);
	cs = registry_get(back, &a);
	assert_true(cs->r.received == 30 && cs->r.lost == 2);
	/* a channel set aside stays so until a requeue */
	assert_true(cs->r.aside && cs->r.quarantined == 8);
	assert_false(cs->r.have_seq);   /* a stale seq would count messages lost */
	assert_false(cs->r.have_last);
	assert_false(cs->loaded);
	fclose(f);
	registry_free(r);
	registry_free(back);
}

/* The status file's lines are written with ingest's lock let go: a file a
 * test sees being written tries that lock at each write. */
static pthread_mutex_t ingest_mu = PTHREAD_MUTEX_INITIALIZER;
static int writes, writes_free;

static ssize_t try_ingest(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	(void)buf;
	writes++;
	if (pthread_mutex_trylock(&ingest_mu) == 0) {
		writes_free++;
		pthread_mutex_unlock(&ingest_mu);
	}
	return (ssize_t)len;
}

static void test_dump_lets_ingest_on(void **state)
{
	cookie_io_functions_t io = { .write = try_ingest };
	struct registry *r = registry_new();
	char buf[256];
	FILE *f;

	(void)state;
	for (int i = 0; i < 500; i++) {
		struct chan_id id = many_id(i);

		assert_non_null(registry_get(r, &id));
	}
	assert_non_null(f = fopencookie(NULL, "w", io));
	setvbuf(f, buf, _IOFBF, sizeof(buf));   /* a write every few lines */
	writes = writes_free = 0;
	registry_dump(r, f, 0, &ingest_mu);
	assert_true(writes > 10);
	assert_int_equal(writes_free, writes);
	fclose(f);
	registry_free(r);
}

/* A channel's arrivals go into its line and come back; a damaged list
 * gives what came before the damage. */
static void test_arrivals_back(void **state)
{
	struct chan_record c, got;
	struct arrival a = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(chan_id_set(&c.id, "hq", "m1", "energy", NULL, 0), 0);
	for (int i = 0; i < ARRIVED_MAX + 5; i++) {
		a = (struct arrival){ 1717200000.125 + 60 * i, 1000.5 + i, 1717200002.5 + 60 * i,
		    i % 2 ? ARR_STORED : ARR_DUPLICATE };
		status_arrived(&c, &a, ARRIVED_MAX + 7);   /* more than there is room for */
	}
	assert_int_equal(c.narrived, ARRIVED_MAX);
	assert_true(c.arrived[0].v == 1000.5 + ARRIVED_MAX + 4);
	f = open_memstream(&text, &len);
	status_put(f, &c, 1717203000);
	fclose(f);
	assert_int_equal(status_parse_line(text, &got), 0);
	assert_int_equal(got.narrived, ARRIVED_MAX);
	for (unsigned i = 0; i < ARRIVED_MAX; i++) {
		assert_true(got.arrived[i].t == c.arrived[i].t && got.arrived[i].v == c.arrived[i].v);
		assert_true(fabs(got.arrived[i].at - c.arrived[i].at) < 0.051);
		assert_int_equal(got.arrived[i].note, c.arrived[i].note);
	}
	free(text);
	assert_int_equal(status_parse_line("hq/m1/e last_t=1 arrived=5/0.5/7/s,6/x/8/s seq=2", &got), 0);
	assert_int_equal(got.narrived, 1);
	assert_true(got.arrived[0].v == 7 && got.last_seq == 2);
	assert_int_equal(status_parse_line("hq/m1/e arrived=5/0.5/7/z", &got), 0);
	assert_int_equal(got.narrived, 0);
	assert_int_equal(status_parse_line("hq/m1/e arrived=5/0.5/7/ss", &got), 0);
	assert_int_equal(got.narrived, 0);
	assert_int_equal(status_parse_line("hq/m1/e arrived=", &got), 0);
	assert_int_equal(got.narrived, 0);
	/* a line without them: none */
	assert_int_equal(status_parse_line("hq/m1/e last_t=1", &got), 0);
	assert_int_equal(got.narrived, 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line for each of many channels, each once. */
static void test_dump_many(void **state)
{
	static char *names[MANY];
	struct registry *r = registry_new();
	FILE *f = tmpfile();
	char buf[512];
	int n = 0;

	(void)state;
	assert_non_null(r);
	assert_non_null(f);
	for (int i = 0; i < MANY; i++) {
		struct chan_id id = many_id(i);

		assert_non_null(registry_get(r, &id));
	}
	registry_dump(r, f, 0, NULL);
	rewind(f);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		assert_non_null(strchr(buf, '\n'));
		assert_int_equal(strncmp(buf, "site", 4), 0);
		assert_true(n < MANY);
		buf[strcspn(buf, " ")] = '\0';
		names[n++] = strdup(buf);
	}
	assert_int_equal(n, MANY);
	qsort(names, MANY, sizeof(names[0]), by_name);   /* each channel once */
	for (int i = 0; i < MANY; i++) {
		if (i > 0)
			assert_string_not_equal(names[i - 1], names[i]);
	}
	for (int i = 0; i < MANY; i++)
		free(names[i]);
	fclose(f);
	registry_free(r);
}

/* A status file as status_read() and registry_load() take it: each line
 * whole, however long (fields are added at the end of a line: one of 1030
 * bytes was cut in two, and its tail taken for a channel of its own); a
 * line with a NUL byte (a block a crash left zeroed) is not a status line,
 * nor read cut short at the NUL. */
static void test_read_whole_lines(void **state)
{
	char text[4096], pad[1100];
	struct chan_record *v = NULL, v0;
	struct registry *r = registry_new();
	struct chan_id id = id3("a", "b", "c");
	size_t n = 0, o;
	FILE *f;

	(void)state;
	assert_non_null(r);
	/* line 1: the bytes from 1024 on read "x/y/z lost=7" */
	o = (size_t)snprintf(text, sizeof(text), "a/b/c last_t=1795293001.000 received=5 pad=");
	memset(pad, 'p', sizeof(pad));
	pad[1023 - o - 1] = '\0';
	o += (size_t)snprintf(text + o, sizeof(text) - o, "%s x/y/z lost=7\n", pad);
	memcpy(text + o, "d/e/f\0 received=9\n", 18);
	o += 18;
	o += (size_t)snprintf(text + o, sizeof(text) - o, "g/h/i last_t=5 last_t=0\n");
	assert_non_null(f = fmemopen(text, o, "r"));
	assert_int_equal(status_read(f, &v, &n), GM_OK);
	fclose(f);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id.site, "a");
	assert_true(v[0].received == 5 && v[0].lost == 7 && v[0].have_last);
	assert_string_equal(v[1].id.site, "g");
	/* the last last_t counts, for have_last too */
	assert_true(v[1].last_t == 0 && !v[1].have_last);
	free(v);
	/* a kind without a unit is none: the dump writes "kind=-" for it, and a
	 * delta channel is judged stale by months, not minutes */
	assert_int_equal(status_parse_line("a/b/c last_t=1795293001 last=1 - kind=delta",
	    &v0), 0);
	assert_int_equal(v0.kind, KIND_COUNTER);
	assert_int_equal(status_parse_line("a/b/c last_t=1795293001 last=1 reams kind=delta",
	    &v0), 0);
	assert_int_equal(v0.kind, KIND_DELTA);
	assert_non_null(f = fmemopen(text, o, "r"));
	assert_int_equal(registry_load(r, f), 2);
	fclose(f);
	assert_true(registry_find(r, &id) != NULL && registry_find(r, &id)->r.received == 5);
	id = id3("x", "y", "z");
	assert_null(registry_find(r, &id));
	id = id3("d", "e", "f");
	assert_null(registry_find(r, &id));
	registry_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_once),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_dump_many),
		cmocka_unit_test(test_dump_lets_ingest_on),
		cmocka_unit_test(test_arrivals_back),
		cmocka_unit_test(test_read_whole_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
