/*
 * test_mbreply.c - Modbus read replies checked against their request
 * (agent/mbreply.c): a table of replies, each with the verdict and the
 * exact reason the agent logs.
 *
 * The request throughout: transaction 0x0007, unit 1, function 4 (input
 * registers), 2 registers from 0x0000. Its right TCP answer is 13 bytes:
 *   00 07  transaction id      00 00  protocol id     00 07  length (unit + 6)
 *   01     unit id             04     function         04     byte count
 *   43 66 80 00  the registers (float32 230.5, abcd)
 * and its right RTU answer 9: 01 04 04 43 66 80 00 and the CRC, low byte
 * first. CRCs were worked out with the textbook bitwise CRC-16/MODBUS
 * (reflected 0xA001, start 0xFFFF; "123456789" gives 0x4B37):
 *   01 04 04 43 66 80 00 -> 0xDF6F (6f df)    01 84 02 -> 0xC1C2 (c2 c1)
 *   01 84 00 -> 0x0043 (43 00)                01 04 02 43 66 -> 0x2A08 (08 2a)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crc16.h"
#include "mbreply.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const struct mbreq Q = { .tid = 0x0007, .unit = 1, .function = 4, .start = 0, .count = 2 };

struct reply_case {
	enum mbreply_transport tr;
	const char *hex;
	enum mbreply_verdict verdict;
	size_t want;          /* MORE: bytes wanted; OK/EXCEPTION: frame length */
	const char *why;
};

#define TCP MBREPLY_TCP
#define RTU MBREPLY_RTU

static const struct reply_case cases[] = {
	/* --- TCP: the answer, and on the way to it -------------------------- */
	{ TCP, "0007 0000 0007 01 04 04 4366 8000", MBREPLY_OK, 13, "" },
	{ TCP, "", MBREPLY_MORE, 7, "" },
	{ TCP, "0007 0000 00", MBREPLY_MORE, 7, "" },
	{ TCP, "0007 0000 0007 01", MBREPLY_MORE, 13, "" },   /* the MBAP length says 13 */
	{ TCP, "0007 0000 0007 01 04 04 4366 80", MBREPLY_MORE, 13, "" },
	/* --- TCP: the header -------------------------------------------------- */
	{ TCP, "0007 0100 0007 01 04 04 4366 8000", MBREPLY_BAD, 0,
	  "wrong protocol id 0x0100 (Modbus TCP has 0)" },
	{ TCP, "0007 0001 0007 01", MBREPLY_BAD, 0, "wrong protocol id 0x0001 (Modbus TCP has 0)" },
	/* "HTTP/1.0 400": refused at its seventh byte, not after 0x2f31 more */
	{ TCP, "4854 5450 2f31 2e", MBREPLY_BAD, 0, "wrong protocol id 0x5450 (Modbus TCP has 0)" },
	{ TCP, "0007 0000 0002 01 84", MBREPLY_BAD, 0, "MBAP length 2 out of range (3..254)" },
	{ TCP, "0007 0000 00ff 01", MBREPLY_BAD, 0, "MBAP length 255 out of range (3..254)" },
	{ TCP, "0007 0000 ffff 01", MBREPLY_BAD, 0, "MBAP length 65535 out of range (3..254)" },
	{ TCP, "1234 0000 0007 01 04 04 4366 8000", MBREPLY_BAD, 0,
	  "wrong transaction id 0x1234 (sent 0x0007)" },
	/* one ahead is not late: it is wrong */
	{ TCP, "0008 0000 0007 01 04 04 4366 8000", MBREPLY_BAD, 0,
	  "wrong transaction id 0x0008 (sent 0x0007)" },
	{ TCP, "0006 0000 0007 01 04 04 4366 8000", MBREPLY_BAD, 0,
	  "a late reply to an earlier request (transaction id 0x0006, sent 0x0007)" },
	/* 0x0007 - 16 wraps to 0xfff7: still within the window; 17 back is not */
	{ TCP, "fff7 0000 0007 01", MBREPLY_BAD, 0,
	  "a late reply to an earlier request (transaction id 0xfff7, sent 0x0007)" },
	{ TCP, "fff6 0000 0007 01", MBREPLY_BAD, 0, "wrong transaction id 0xfff6 (sent 0x0007)" },
	{ TCP, "0007 0000 0007 02 04 04 4366 8000", MBREPLY_BAD, 0, "wrong unit id 2 (asked unit 1)" },
	{ TCP, "0007 0000 0007 ff", MBREPLY_BAD, 0, "wrong unit id 255 (asked unit 1)" },
	/* --- TCP: function and byte count --------------------------------------- */
	{ TCP, "0007 0000 0007 01 03 04 4366 8000", MBREPLY_BAD, 0,
	  "wrong function code 0x03 (asked 0x04)" },
	{ TCP, "0007 0000 0003 01 83 02", MBREPLY_BAD, 0, "wrong function code 0x83 (asked 0x04)" },
	{ TCP, "0007 0000 0007 01 04 06 4366 8000", MBREPLY_BAD, 0,
	  "byte count 6 runs past the frame's 4 data bytes" },
	{ TCP, "0007 0000 0007 01 04 02 4366 8000", MBREPLY_BAD, 0,
	  "byte count 2 is short of the frame's 4 data bytes" },
	/* byte count right, MBAP length not: refused at the byte count, before
	 * waiting for bytes the length promises (too long) */
	{ TCP, "0007 0000 0005 01 04 04", MBREPLY_BAD, 0,
	  "MBAP length 5 disagrees with the frame (2 registers need 7)" },
	{ TCP, "0007 0000 000b 01 04 04", MBREPLY_BAD, 0,
	  "MBAP length 11 disagrees with the frame (2 registers need 7)" },
	{ TCP, "0007 0000 0009 01 04 02", MBREPLY_BAD, 0, "MBAP length 9 and byte count 2 disagree" },
	/* a whole, consistent frame with too few registers */
	{ TCP, "0007 0000 0005 01 04 02 4366", MBREPLY_BAD, 0,
	  "byte count 2 for 2 registers (expected 4)" },
	{ TCP, "0007 0000 0003 01 04 00", MBREPLY_BAD, 0, "byte count 0 for 2 registers (expected 4)" },
	/* --- TCP: exceptions ---------------------------------------------------- */
	{ TCP, "0007 0000 0003 01 84 01", MBREPLY_EXCEPTION, 9, "Illegal function (exception 1)" },
	{ TCP, "0007 0000 0003 01 84 02", MBREPLY_EXCEPTION, 9, "Illegal data address (exception 2)" },
	{ TCP, "0007 0000 0003 01 84 03", MBREPLY_EXCEPTION, 9, "Illegal data value (exception 3)" },
	{ TCP, "0007 0000 0003 01 84 04", MBREPLY_EXCEPTION, 9,
	  "Slave device or server failure (exception 4)" },
	{ TCP, "0007 0000 0003 01 84 06", MBREPLY_EXCEPTION, 9,
	  "Slave device or server is busy (exception 6)" },
	{ TCP, "0007 0000 0003 01 84 0a", MBREPLY_EXCEPTION, 9,
	  "Gateway path unavailable (exception 10)" },
	{ TCP, "0007 0000 0003 01 84 0b", MBREPLY_EXCEPTION, 9,
	  "Gateway target device failed to respond (exception 11)" },
	{ TCP, "0007 0000 0003 01 84 00", MBREPLY_BAD, 0, "invalid exception code 0" },
	{ TCP, "0007 0000 0003 01 84 09", MBREPLY_BAD, 0, "invalid exception code 9" },
	{ TCP, "0007 0000 0003 01 84 0c", MBREPLY_BAD, 0, "invalid exception code 12" },
	{ TCP, "0007 0000 0003 01 84 ff", MBREPLY_BAD, 0, "invalid exception code 255" },
	{ TCP, "0007 0000 0004 01 84 02", MBREPLY_BAD, 0,
	  "MBAP length 4 disagrees with an exception reply (3)" },
	{ TCP, "0007 0000 0003 01 84", MBREPLY_MORE, 9, "" },
	/* --- RTU ------------------------------------------------------------------ */
	{ RTU, "01 04 04 4366 8000 6fdf", MBREPLY_OK, 9, "" },
	{ RTU, "", MBREPLY_MORE, 2, "" },
	{ RTU, "01 04", MBREPLY_MORE, 3, "" },
	{ RTU, "01 04 04 4366", MBREPLY_MORE, 9, "" },
	{ RTU, "01 04 04 4366 8000 6fde", MBREPLY_BAD, 0,
	  "bad CRC 0xde6f (the frame's bytes give 0xdf6f)" },
	{ RTU, "01 04 04 4366 8001 6fdf", MBREPLY_BAD, 0,
	  "bad CRC 0xdf6f (the frame's bytes give 0x1fae)" },
	{ RTU, "02 04 04 4366 8000", MBREPLY_BAD, 0, "wrong unit id 2 (asked unit 1)" },
	{ RTU, "01 03 04", MBREPLY_BAD, 0, "wrong function code 0x03 (asked 0x04)" },
	/* the right CRC does not make a short count right */
	{ RTU, "01 04 02 4366 082a", MBREPLY_BAD, 0, "byte count 2 for 2 registers (expected 4)" },
	{ RTU, "01 84 02 c2c1", MBREPLY_EXCEPTION, 5, "Illegal data address (exception 2)" },
	{ RTU, "01 84 02 c2c0", MBREPLY_BAD, 0, "bad CRC 0xc0c2 (the frame's bytes give 0xc1c2)" },
	{ RTU, "01 84 00 4300", MBREPLY_BAD, 0, "invalid exception code 0" },
	{ RTU, "01 84 02", MBREPLY_MORE, 5, "" },
};

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static const char *verdict_name(enum mbreply_verdict v)
{
	static const char *const names[] = { "MORE", "OK", "EXCEPTION", "BAD" };
	return names[v];
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		const struct reply_case *c = &cases[i];
		uint8_t b[MBREPLY_TCP_MAX];
		uint16_t regs[MBREPLY_MAX_REGS] = { 0 };
		struct mbreply r;
		size_t n = unhex(c->hex, b);
		enum mbreply_verdict v = mbreply_check(c->tr, &Q, b, n, regs, &r);
		if (v != c->verdict || strcmp(r.why, c->why) != 0 ||
		    (c->verdict != MBREPLY_BAD && r.want != c->want)) {
			print_error("case %zu (%s \"%s\"): got %s want %zu \"%s\", expected %s %zu \"%s\"\n",
			    i, c->tr == TCP ? "tcp" : "rtu", c->hex, verdict_name(v), r.want, r.why,
			    verdict_name(c->verdict), c->want, c->why);
			fail();
		}
		assert_int_equal(r.verdict, v);
		if (v == MBREPLY_OK) {
			assert_int_equal(regs[0], 0x4366);
			assert_int_equal(regs[1], 0x8000);
		}
		if (v == MBREPLY_EXCEPTION)
			assert_int_equal(r.exception, b[c->tr == TCP ? 8 : 2]);
	}
}

/* Bytes arriving one at a time reach the same verdict, at the same byte,
 * as all at once; the checker never asks for fewer bytes than it has. */
static void test_byte_by_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		const struct reply_case *c = &cases[i];
		uint8_t b[MBREPLY_TCP_MAX];
		uint16_t regs[MBREPLY_MAX_REGS];
		struct mbreply r;
		size_t n = unhex(c->hex, b), have = 0;
		enum mbreply_verdict v;
		while ((v = mbreply_check(c->tr, &Q, b, have, regs, &r)) == MBREPLY_MORE && have < n) {
			assert_true(r.want > have);
			have++;
		}
		assert_int_equal(v, c->verdict);
		assert_string_equal(r.why, c->why);
	}
}

static void test_requests(void **state)
{
	static const uint8_t tcp[] = { 0x00, 0x07, 0x00, 0x00, 0x00, 0x06, 0x01, 0x04, 0x00, 0x00,
	    0x00, 0x02 };
	static const uint8_t rtu[] = { 0x01, 0x04, 0x00, 0x00, 0x00, 0x02 };
	struct mbreq q = { .tid = 0xbeef, .unit = 247, .function = 3, .start = 0x0156, .count = 125 };
	uint8_t out[MBREPLY_TCP_REQUEST_LEN];

	(void)state;
	mbreply_tcp_request(&Q, out);
	assert_memory_equal(out, tcp, sizeof(tcp));
	mbreply_rtu_request(&Q, out);
	assert_memory_equal(out, rtu, sizeof(rtu));
	mbreply_tcp_request(&q, out);
	assert_int_equal(out[0], 0xbe);
	assert_int_equal(out[1], 0xef);
	assert_int_equal(out[6], 247);
	assert_int_equal(out[7], 3);
	assert_int_equal(out[8] << 8 | out[9], 0x0156);
	assert_int_equal(out[10] << 8 | out[11], 125);
	assert_int_equal(mbreply_answer_len(TCP, &Q), 13);
	assert_int_equal(mbreply_answer_len(RTU, &Q), 9);
	/* the largest: 125 registers, 7 + 2 + 250 = 259 and 1 + 2 + 250 + 2 = 255 */
	assert_int_equal(mbreply_answer_len(TCP, &q), 259);
	assert_int_equal(mbreply_answer_len(RTU, &q), 255);
}

static void test_exception_names(void **state)
{
	int defined = 0;

	(void)state;
	for (int code = -1; code <= 256; code++)
		defined += mbreply_exception_name(code) != NULL;
	/* 1-8, 10, 11 */
	assert_int_equal(defined, 10);
	assert_null(mbreply_exception_name(9));
	assert_string_equal(mbreply_exception_name(11), "Gateway target device failed to respond");
}

static void test_crc(void **state)
{
	(void)state;
	assert_int_equal(crc16_modbus((const uint8_t *)"123456789", 9), 0x4b37);
	/* the classic request 01 03 00 00 00 01 ends 84 0a */
	assert_int_equal(crc16_modbus((const uint8_t[]){ 1, 3, 0, 0, 0, 1 }, 6), 0x0a84);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_exception_names),
		cmocka_unit_test(test_crc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
