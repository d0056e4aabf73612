/*
 * test_reqplan.c - merging a meter's channels into read requests
 * (agent/reqplan.c).
 *
 * Channels are made by hand; every expected request is worked out here from
 * the addresses and the register count of each type (16-bit types take 1
 * register, 32-bit ones 2, 64-bit ones 4). A request may span at most 125
 * registers (REQ_MAX_REGS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "devmap.h"
#include "gm_err.h"
#include "reqplan.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_CH 8

struct want_req {
	int function;
	unsigned start, count;
};

struct want_chan {
	int req;
	unsigned off;
};

static struct channel_def chan(const char *name, int function, unsigned address,
    enum reg_type type)
{
	struct channel_def ch;

	memset(&ch, 0, sizeof(ch));
	snprintf(ch.name, sizeof(ch.name), "%s", name);
	ch.function = function;
	ch.address = (uint16_t)address;
	ch.type = type;
	ch.order = ORDER_ABCD;
	ch.scale = 1;
	return ch;
}

/* Build the plan and compare it with the one worked out by hand. */
static void check_plan(const char *what, const struct channel_def *ch, int nch, int max_gap,
    const struct want_req *wr, int nreq, const struct want_chan *wc)
{
	struct reqplan p;
	bool same;

	assert_int_equal(reqplan_build(ch, nch, max_gap, NULL, &p), GM_OK);
	same = p.nreq == nreq;
	for (int i = 0; same && i < nreq; i++)
		same = p.reqs[i].function == wr[i].function && p.reqs[i].start == wr[i].start &&
		    p.reqs[i].count == wr[i].count;
	for (int i = 0; same && i < nch; i++)
		same = p.chan_req[i] == wc[i].req && p.chan_off[i] == wc[i].off;
	if (!same) {
		for (int i = 0; i < p.nreq; i++)
			print_message("  got  req %d: fc%d start 0x%04x count %u\n", i,
			    p.reqs[i].function, p.reqs[i].start, p.reqs[i].count);
		for (int i = 0; i < nreq; i++)
			print_message("  want req %d: fc%d start 0x%04x count %u\n", i,
			    wr[i].function, wr[i].start, wr[i].count);
		for (int i = 0; i < nch; i++)
			print_message("  channel %s: got req %d off %u, want req %d off %u\n",
			    ch[i].name, p.chan_req[i], p.chan_off[i], wc[i].req, wc[i].off);
		reqplan_free(&p);
		fail_msg("%s: plan differs", what);
	}
	reqplan_free(&p);
	assert_null(p.reqs);
	assert_int_equal(p.nreq, 0);
}

/*
 * The Eastron SDM630 channels of devices/sdm630.conf, all function 4
 * float32 (2 registers):
 *   voltage_l1 0x0000-0x0001, power_w 0x0034-0x0035 (52-53),
 *   import_kwh 0x0048-0x0049 (72-73), export_kwh 0x004A-0x004B (74-75),
 *   total_kwh  0x0156-0x0157 (342-343)
 */
static void sdm630(struct channel_def ch[5])
{
	ch[0] = chan("voltage_l1", 4, 0x0000, REG_FLOAT32);
	ch[1] = chan("power_w", 4, 0x0034, REG_FLOAT32);
	ch[2] = chan("import_kwh", 4, 0x0048, REG_FLOAT32);
	ch[3] = chan("export_kwh", 4, 0x004A, REG_FLOAT32);
	ch[4] = chan("total_kwh", 4, 0x0156, REG_FLOAT32);
}

/*
 * max_gap 64: 0x34 = 52 starts 50 after the end 2 of the first (<= 64),
 * 72 starts 18 after 54, 74 right at 74; the request so far is 0..75, i.e.
 * 76 = 0x4C registers. 342 starts 266 after 76: a second request of 2.
 */
static const struct want_req sdm630_gap64_reqs[] = {
	{ 4, 0x0000, 0x4C },
	{ 4, 0x0156, 2 },
};
static const struct want_chan sdm630_gap64_chans[] = {
	{ 0, 0x00 }, { 0, 0x34 }, { 0, 0x48 }, { 0, 0x4A }, { 1, 0 },
};

static void test_sdm630_gap64(void **state)
{
	struct channel_def ch[5];

	(void)state;
	sdm630(ch);
	check_plan("sdm630 max_gap 64", ch, 5, 64, sdm630_gap64_reqs, 2, sdm630_gap64_chans);
}

/*
 * max_gap 0: only touching channels merge. 0x48 ends at 0x4A where 0x4A
 * starts, so import and export share one request of 4; the rest stand alone.
 */
static void test_sdm630_gap0(void **state)
{
	static const struct want_req reqs[] = {
		{ 4, 0x0000, 2 },
		{ 4, 0x0034, 2 },
		{ 4, 0x0048, 4 },
		{ 4, 0x0156, 2 },
	};
	static const struct want_chan chans[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 0 }, { 2, 2 }, { 3, 0 },
	};
	struct channel_def ch[5];

	(void)state;
	sdm630(ch);
	check_plan("sdm630 max_gap 0", ch, 5, 0, reqs, 4, chans);
}

/* The gap is counted from the end of the request: 52 - 2 = 50 unused
 * registers between voltage_l1 and power_w. */
static void test_gap_limit(void **state)
{
	static const struct want_req apart[] = { { 4, 0, 2 }, { 4, 52, 2 } };
	static const struct want_req merged[] = { { 4, 0, 54 } };
	static const struct want_chan apart_ch[] = { { 0, 0 }, { 1, 0 } };
	static const struct want_chan merged_ch[] = { { 0, 0 }, { 0, 52 } };
	struct channel_def ch[2];

	(void)state;
	ch[0] = chan("voltage_l1", 4, 0, REG_FLOAT32);
	ch[1] = chan("power_w", 4, 52, REG_FLOAT32);
	check_plan("gap 50, max_gap 49", ch, 2, 49, apart, 2, apart_ch);
	check_plan("gap 50, max_gap 50", ch, 2, 50, merged, 1, merged_ch);
}

/* The shipped model file, as the agent reads it, with its own max_gap. */
static void test_shipped_sdm630(void **state)
{
	const char *file = __FILE__;
	const char *tail = strstr(file, "tests/unit/test_reqplan.c");
	char dir[512], path[600];
	struct device_model m;
	struct stat st;

	(void)state;
	if (tail != NULL && tail > file)
		snprintf(dir, sizeof(dir), "%.*sdevices", (int)(tail - file), file);
	else
		snprintf(dir, sizeof(dir), "devices");
	snprintf(path, sizeof(path), "%s/sdm630.conf", dir);
	if (stat(path, &st) != 0) {
		print_message("  %s not found\n", path);
		skip();
	}
	assert_int_equal(devmap_load(dir, "sdm630", &m, NULL, NULL), 0);
	assert_int_equal(m.max_gap, 64);
	assert_int_equal(m.nchannels, 5);
	/* the file lists the channels in the order of sdm630() above */
	check_plan("devices/sdm630.conf", m.channels, m.nchannels, m.max_gap,
	    sdm630_gap64_reqs, 2, sdm630_gap64_chans);
}

/* Function 3 (holding) and 4 (input) registers are different address
 * spaces: never one request, however close. */
static void test_functions_never_merge(void **state)
{
	/* sorted by function first: the fc3 request comes before the fc4 one;
	 * fc4 0..1 and 10 merge by gap (10 is 8 after 2), the fc3 registers at
	 * the very same addresses do not */
	static const struct want_req reqs[] = {
		{ 3, 0, 4 },      /* 0-1 and 2-3 touch */
		{ 4, 0, 11 },     /* 0..10 */
	};
	static const struct want_chan chans[] = {
		{ 1, 0 }, { 0, 0 }, { 0, 2 }, { 1, 10 },
	};
	struct channel_def ch[4];

	(void)state;
	ch[0] = chan("in0", 4, 0, REG_UINT32);
	ch[1] = chan("hold0", 3, 0, REG_UINT32);
	ch[2] = chan("hold2", 3, 2, REG_INT32);
	ch[3] = chan("in10", 4, 10, REG_UINT16);
	check_plan("functions 3 and 4", ch, 4, 120, reqs, 2, chans);
}

/*
 * 125 registers at most. max_gap 122 lets both pairs merge by gap (124 is
 * 122 after the end 2 of the first), so only the size decides:
 *   uint32 at 0 and 124: 0..125 = 126 registers, too many: two requests;
 *   uint32 at 0 and 123: 0..124 = 125 registers: one request.
 */
static void test_size_limit(void **state)
{
	static const struct want_req split[] = { { 4, 0, 2 }, { 4, 124, 2 } };
	static const struct want_chan split_ch[] = { { 0, 0 }, { 1, 0 } };
	static const struct want_req one[] = { { 4, 0, 125 } };
	static const struct want_chan one_ch[] = { { 0, 0 }, { 0, 123 } };
	struct channel_def ch[2];

	(void)state;
	ch[0] = chan("a", 4, 0, REG_UINT32);
	ch[1] = chan("b", 4, 124, REG_UINT32);
	check_plan("0 and 124", ch, 2, 122, split, 2, split_ch);
	ch[1] = chan("b", 4, 123, REG_UINT32);
	check_plan("0 and 123", ch, 2, 122, one, 1, one_ch);
}

/* A 125-register request is full: a channel inside it still fits, one that
 * would make it 126 starts a new request at its own address. */
static void test_size_limit_overlap(void **state)
{
	/* a: 0..1; b: 100..103 (float64); c: 123..124 -> 0..124 = 125;
	 * d: float32 at 124 = 124..125 would make 126: new request 124..125 */
	static const struct want_req reqs[] = { { 3, 0, 125 }, { 3, 124, 2 } };
	static const struct want_chan chans[] = { { 0, 0 }, { 0, 100 }, { 0, 123 }, { 1, 0 } };
	struct channel_def ch[4];

	(void)state;
	ch[0] = chan("a", 3, 0, REG_UINT32);
	ch[1] = chan("b", 3, 100, REG_FLOAT64);
	ch[2] = chan("c", 3, 123, REG_UINT32);
	ch[3] = chan("d", 3, 124, REG_FLOAT32);
	check_plan("full request", ch, 4, 120, reqs, 2, chans);
}

/* Channels on the same or overlapping registers (a float32 and its high
 * word as uint16; a float64 with a uint16 inside it) share one read. */
static void test_overlapping(void **state)
{
	/* 10..11 float32, 10 uint16, 11..12 uint32: 10..12 = 3 registers.
	 * 20..23 float64 and 21 uint16 inside it: 20..23 = 4, not shortened
	 * by the channel that ends sooner. max_gap 0: 20 is 7 after 13. */
	static const struct want_req reqs[] = { { 4, 10, 3 }, { 4, 20, 4 } };
	static const struct want_chan chans[] = {
		{ 0, 0 }, { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 },
	};
	struct channel_def ch[5];

	(void)state;
	ch[0] = chan("f", 4, 10, REG_FLOAT32);
	ch[1] = chan("hi", 4, 10, REG_UINT16);
	ch[2] = chan("mid", 4, 11, REG_UINT32);
	ch[3] = chan("d", 4, 20, REG_FLOAT64);
	ch[4] = chan("inner", 4, 21, REG_UINT16);
	check_plan("overlapping", ch, 5, 0, reqs, 2, chans);
}

/* The plan does not depend on the order channels are listed in; chan_req
 * and chan_off stay indexed by the caller's order. */
static void test_unsorted(void **state)
{
	/* the SDM630 channels backwards, with max_gap 64 as above */
	static const struct want_chan chans[] = {
		{ 1, 0 }, { 0, 0x4A }, { 0, 0x48 }, { 0, 0x34 }, { 0, 0x00 },
	};
	struct channel_def fwd[5], ch[5];

	(void)state;
	sdm630(fwd);
	for (int i = 0; i < 5; i++)
		ch[i] = fwd[4 - i];
	check_plan("sdm630 backwards", ch, 5, 64, sdm630_gap64_reqs, 2, chans);

	/* mixed functions and addresses in no order */
	static const struct want_req reqs[] = {
		{ 3, 5, 1 }, { 3, 200, 4 }, { 4, 0, 7 },
	};
	static const struct want_chan mixed_ch[] = {
		{ 2, 6 }, { 1, 2 }, { 2, 0 }, { 0, 0 }, { 1, 0 },
	};
	ch[0] = chan("in6", 4, 6, REG_UINT16);      /* 6: 0..6 = 7 with in0 */
	ch[1] = chan("h202", 3, 202, REG_INT32);    /* 202..203 */
	ch[2] = chan("in0", 4, 0, REG_FLOAT32);     /* 0..1, 4 before 6 */
	ch[3] = chan("h5", 3, 5, REG_INT16);        /* 5; 200 is 194 after 6 */
	ch[4] = chan("h200", 3, 200, REG_UINT32);   /* 200..201, touches 202 */
	check_plan("mixed", ch, 5, 4, reqs, 3, mixed_ch);
}

/* The top of the address space: 0xfffe..0xffff is the last float32. */
static void test_top_of_address_space(void **state)
{
	static const struct want_req reqs[] = { { 4, 0xFFF0, 16 } };
	static const struct want_chan chans[] = { { 0, 0 }, { 0, 14 } };
	struct channel_def ch[2];

	(void)state;
	ch[0] = chan("a", 4, 0xFFF0, REG_UINT16);
	ch[1] = chan("b", 4, 0xFFFE, REG_FLOAT32);  /* 0xfff0..0xffff = 16 */
	check_plan("0xfffe", ch, 2, 64, reqs, 1, chans);
}

/*
 * On a known bus the plan holds it the shortest time. 9600 baud, 8N1: a
 * character is 10 bits, 1041.67 us; the silence after a frame 3.5 of them,
 * 3645.83 us. A read of n registers is 8 + 5 + 2n characters and two
 * silences: 2 registers 17 x 1041.67 + 7291.67 = 25000 us, 4 registers
 * 27083.33 + ... = 29166.67 us, 76 registers 179166.67 us. For the SDM630:
 * 0x0000+2, 0x0034+2, 0x0048+4 and 0x0156+2 take 25 + 25 + 29.17 + 25 =
 * 104.17 ms; one read of 0..0x4B and one of 0x156 (max_gap 64, no bus)
 * 204.17 ms; 0x0034..0x004B merged (gap 18 registers, 36 characters =
 * 37.5 ms against 20.83 ms for another request) would cost more.
 */
static void test_bus_sdm630_9600(void **state)
{
	static const struct want_req want[] = {
		{ 4, 0x0000, 2 }, { 4, 0x0034, 2 }, { 4, 0x0048, 4 }, { 4, 0x0156, 2 },
	};
	struct rtu_bus bus = { 9600, 'N', 1, 0 };
	struct channel_def ch[5];
	struct reqplan p, wide;

	(void)state;
	sdm630(ch);
	assert_int_equal(reqplan_build(ch, 5, 64, &bus, &p), GM_OK);
	assert_int_equal(p.nreq, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(p.reqs[i].function, want[i].function);
		assert_int_equal(p.reqs[i].start, want[i].start);
		assert_int_equal(p.reqs[i].count, want[i].count);
	}
	assert_int_equal(p.chan_req[3], 2);   /* export_kwh with import_kwh */
	assert_int_equal(p.chan_off[3], 2);
	assert_true(reqplan_bus_us(&p, &bus) > 104166.6 && reqplan_bus_us(&p, &bus) < 104166.7);
	assert_int_equal(reqplan_build(ch, 5, 64, NULL, &wide), GM_OK);
	assert_true(reqplan_bus_us(&wide, &bus) > 204166.6 && reqplan_bus_us(&wide, &bus) < 204166.7);
	reqplan_free(&p);
	reqplan_free(&wide);
}

/* A slow meter (turnaround 20 ms) at 19200 8E1 makes another request dear
 * (13 characters of 572.92 us, two silences of 2005.21 us, 20 ms: 31.46 ms)
 * and reading 18 registers of gap cheap (36 x 572.92 = 20.62 ms): 0x0034
 * and 0x0048..0x004B become one request of 24; the 50-register gap before
 * 0x0034 (57.29 ms) is still not worth it. 126.46 ms in all. */
static void test_bus_turnaround_merges(void **state)
{
	struct rtu_bus bus = { 19200, 'E', 1, 20 };
	struct channel_def ch[5];
	struct reqplan p;

	(void)state;
	sdm630(ch);
	assert_int_equal(reqplan_build(ch, 5, 64, &bus, &p), GM_OK);
	assert_int_equal(p.nreq, 3);
	assert_int_equal(p.reqs[1].start, 0x0034);
	assert_int_equal(p.reqs[1].count, 24);
	assert_true(reqplan_bus_us(&p, &bus) > 126450 && reqplan_bus_us(&p, &bus) < 126470);
	reqplan_free(&p);
}

/* max_gap still binds on a bus: a meter may refuse a read across registers
 * it does not map, however cheap. */
static void test_bus_keeps_max_gap(void **state)
{
	struct rtu_bus bus = { 9600, 'N', 1, 500 };   /* another request: very dear */
	struct channel_def ch[5];
	struct reqplan p;

	(void)state;
	sdm630(ch);
	assert_int_equal(reqplan_build(ch, 5, 10, &bus, &p), GM_OK);
	/* gaps of 50 and 266 exceed 10; the 18 after 0x0035 too: four requests */
	assert_int_equal(p.nreq, 4);
	reqplan_free(&p);
}

/* Brute force: every way of cutting the sorted channels into requests, the
 * least bus time among those allowed; the plan must reach it. Layouts from
 * a fixed pseudo-random sequence, mixed functions and types, two buses. */
static double best_by_force(const struct channel_def *ch, int n, int max_gap,
    const struct rtu_bus *bus)
{
	struct channel_def s[MAX_CH];
	double best = 1e300;

	memcpy(s, ch, (size_t)n * sizeof(*s));
	for (int i = 1; i < n; i++)   /* sort by function, address */
		for (int j = i; j > 0 && (s[j].function < s[j - 1].function ||
		    (s[j].function == s[j - 1].function && s[j].address < s[j - 1].address)); j--) {
			struct channel_def t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	for (unsigned cuts = 0; cuts < 1u << (n - 1); cuts++) {
		double t = 0;
		bool ok = true;
		for (int a = 0; ok && a < n;) {
			int b = a;
			unsigned end = s[a].address + (unsigned)registers_words(s[a].type);
			while (b + 1 < n && !(cuts & (1u << b)))
				b++;
			for (int k = a + 1; ok && k <= b; k++) {
				ok = s[k].function == s[a].function && s[k].address <= end + (unsigned)max_gap;
				if (s[k].address + (unsigned)registers_words(s[k].type) > end)
					end = s[k].address + (unsigned)registers_words(s[k].type);
			}
			ok = ok && end - s[a].address <= REQ_MAX_REGS;
			t += rtu_read_us(bus, (int)(end - s[a].address));
			a = b + 1;
		}
		if (ok && t < best)
			best = t;
	}
	return best;
}

static void test_bus_plan_is_least(void **state)
{
	static const enum reg_type types[] = { REG_UINT16, REG_FLOAT32, REG_UINT64 };
	static const struct rtu_bus buses[] = { { 9600, 'N', 1, 0 }, { 38400, 'E', 2, 5 } };
	struct channel_def ch[MAX_CH];
	uint32_t x = 12345;
	int checked = 0;

	(void)state;
	for (int round = 0; round < 300; round++) {
		int n = 2 + round % (MAX_CH - 1), max_gap = (int)(round % 4) * 20;
		const struct rtu_bus *bus = &buses[round % 2];
		struct reqplan p;
		for (int i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			ch[i] = chan("c", 3 + (int)((x >> 8) % 5 == 0), (x >> 12) % 160,
			    types[(x >> 20) % 3]);
		}
		assert_int_equal(reqplan_build(ch, n, max_gap, bus, &p), GM_OK);
		double got = reqplan_bus_us(&p, bus), want = best_by_force(ch, n, max_gap, bus);
		if (got > want + 0.001)
			fail_msg("round %d: %d channels, max_gap %d: plan %.3f us, least %.3f us",
			    round, n, max_gap, got, want);
		/* and every channel lies inside its request */
		for (int i = 0; i < n; i++) {
			const struct req *r = &p.reqs[p.chan_req[i]];
			assert_int_equal(r->function, ch[i].function);
			assert_int_equal(r->start + p.chan_off[i], ch[i].address);
			assert_true(p.chan_off[i] + registers_words(ch[i].type) <= r->count);
		}
		reqplan_free(&p);
		checked++;
	}
	assert_int_equal(checked, 300);
}

static void test_no_channels(void **state)
{
	struct reqplan p;

	(void)state;
	memset(&p, 0xA5, sizeof(p));
	assert_int_equal(reqplan_build(NULL, 0, 64, NULL, &p), GM_OK);
	assert_int_equal(p.nreq, 0);
	reqplan_free(&p);
	assert_null(p.reqs);
	assert_null(p.chan_req);
	assert_null(p.chan_off);
	reqplan_free(&p);   /* twice is harmless: the fields are NULL */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdm630_gap64),
		cmocka_unit_test(test_sdm630_gap0),
		cmocka_unit_test(test_gap_limit),
		cmocka_unit_test(test_shipped_sdm630),
		cmocka_unit_test(test_functions_never_merge),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_size_limit_overlap),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_no_channels),
		cmocka_unit_test(test_bus_sdm630_9600),
		cmocka_unit_test(test_bus_turnaround_merges),
		cmocka_unit_test(test_bus_keeps_max_gap),
		cmocka_unit_test(test_bus_plan_is_least),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
