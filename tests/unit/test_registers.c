/*
 * test_registers.c - Modbus register images of numbers (common/registers.c).
 *
 * Every image below was worked out by hand. The conventions (registers.h):
 * the value's big-endian bytes are A B C D (E F G H for 64-bit);
 *   ABCD  words in big-endian order, bytes big-endian      A B | C D
 *   CDAB  words reversed                                   C D | A B
 *   BADC  bytes swapped in each word                       B A | D C
 *   DCBA  fully little-endian                              D C | B A
 * For 64-bit values "words reversed" reverses all four words; a 16-bit
 * value has one word, so CDAB = ABCD and DCBA = BADC.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "registers.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct image {
	enum reg_type type;
	enum word_order order;
	double value;
	uint16_t regs[REG_MAX_WORDS];
};

/*
 * Exact images: encode(value) gives regs and decode(regs) gives value.
 *
 * float32 230.5 = 11100110.1b = 1.11001101b * 2^7: sign 0, exponent
 *   127 + 7 = 134 = 10000110b, fraction 1100 1101 0000...:
 *   0 10000110 11001101000000000000000 = 0100 0011 0110 0110 1000 0... = 0x43668000
 * float32 12345.5 = 11000000111001.1b = 1.10000001110011b * 2^13: exponent
 *   140 = 10001100b: 0 10001100 10000001110011000000000 = 0x4640E600
 * float32 -1.0: sign 1, exponent 127 = 01111111b, fraction 0 = 0xBF800000
 * float32 -0.0: the sign bit alone = 0x80000000
 * float64 1.0: exponent 1023 = 0x3FF, fraction 0 = 0x3FF0000000000000
 * float64 -2.5 = -1.01b * 2^1: sign 1, exponent 1024 = 0x400, fraction
 *   0100 0... = 0xC004000000000000
 * float64 230.5 = 1.11001101b * 2^7: exponent 1030 = 0x406, fraction
 *   1100 1101 0... = 0x406CD00000000000
 * int16 -2 = 0x10000 - 2 = 0xFFFE; 0x1234 = 4660
 * int32 -123456: 123456 = 0x0001E240, 0x100000000 - 0x1E240 = 0xFFFE1DC0
 * uint32 0x12345678 = 305419896
 * 64-bit 0x0102030405060700 = 72623859790382848 (bytes 01..07 00, all distinct;
 *   its 49 significant bits fit a double exactly)
 *   = 0x01020304050607 * 256 = 283686952306183 * 256
 * int64 -0x0102030405060700 = ~0x0102030405060700 + 1 = 0xFEFDFCFBFAF9F900
 * int64 -2 = 0xFFFFFFFFFFFFFFFE
 * uint64 0xFFFFFFFFFFFFF800 = 2^64 - 2048 = 18446744073709549568, the largest
 *   double below 2^64
 */
static const struct image exact[] = {
	{ REG_FLOAT32, ORDER_ABCD, 230.5, { 0x4366, 0x8000 } },
	{ REG_FLOAT32, ORDER_CDAB, 230.5, { 0x8000, 0x4366 } },
	{ REG_FLOAT32, ORDER_BADC, 230.5, { 0x6643, 0x0080 } },
	{ REG_FLOAT32, ORDER_DCBA, 230.5, { 0x0080, 0x6643 } },
	{ REG_FLOAT32, ORDER_ABCD, 12345.5, { 0x4640, 0xE600 } },
	{ REG_FLOAT32, ORDER_CDAB, 12345.5, { 0xE600, 0x4640 } },
	{ REG_FLOAT32, ORDER_BADC, 12345.5, { 0x4046, 0x00E6 } },
	{ REG_FLOAT32, ORDER_DCBA, 12345.5, { 0x00E6, 0x4046 } },
	{ REG_FLOAT32, ORDER_ABCD, -1.0, { 0xBF80, 0x0000 } },
	{ REG_FLOAT32, ORDER_DCBA, -1.0, { 0x0000, 0x80BF } },
	{ REG_FLOAT32, ORDER_ABCD, 0.0, { 0x0000, 0x0000 } },
	{ REG_FLOAT32, ORDER_ABCD, -0.0, { 0x8000, 0x0000 } },

	{ REG_FLOAT64, ORDER_ABCD, 1.0, { 0x3FF0, 0x0000, 0x0000, 0x0000 } },
	{ REG_FLOAT64, ORDER_CDAB, 1.0, { 0x0000, 0x0000, 0x0000, 0x3FF0 } },
	{ REG_FLOAT64, ORDER_BADC, 1.0, { 0xF03F, 0x0000, 0x0000, 0x0000 } },
	{ REG_FLOAT64, ORDER_DCBA, 1.0, { 0x0000, 0x0000, 0x0000, 0xF03F } },
	{ REG_FLOAT64, ORDER_ABCD, -2.5, { 0xC004, 0x0000, 0x0000, 0x0000 } },
	{ REG_FLOAT64, ORDER_ABCD, 230.5, { 0x406C, 0xD000, 0x0000, 0x0000 } },
	{ REG_FLOAT64, ORDER_CDAB, 230.5, { 0x0000, 0x0000, 0xD000, 0x406C } },
	{ REG_FLOAT64, ORDER_BADC, 230.5, { 0x6C40, 0x00D0, 0x0000, 0x0000 } },
	{ REG_FLOAT64, ORDER_DCBA, 230.5, { 0x0000, 0x0000, 0x00D0, 0x6C40 } },

	{ REG_INT16, ORDER_ABCD, -2, { 0xFFFE } },
	{ REG_INT16, ORDER_CDAB, -2, { 0xFFFE } },
	{ REG_INT16, ORDER_BADC, -2, { 0xFEFF } },
	{ REG_INT16, ORDER_DCBA, -2, { 0xFEFF } },
	{ REG_INT16, ORDER_ABCD, 4660, { 0x1234 } },
	{ REG_INT16, ORDER_BADC, 4660, { 0x3412 } },
	{ REG_INT16, ORDER_ABCD, -32768, { 0x8000 } },
	{ REG_INT16, ORDER_ABCD, 32767, { 0x7FFF } },
	{ REG_UINT16, ORDER_ABCD, 65535, { 0xFFFF } },
	{ REG_UINT16, ORDER_DCBA, 65535, { 0xFFFF } },
	{ REG_UINT16, ORDER_ABCD, 4660, { 0x1234 } },
	{ REG_UINT16, ORDER_CDAB, 4660, { 0x1234 } },
	{ REG_UINT16, ORDER_BADC, 4660, { 0x3412 } },
	{ REG_UINT16, ORDER_DCBA, 4660, { 0x3412 } },
	{ REG_UINT16, ORDER_ABCD, 32768, { 0x8000 } },   /* not negative */

	{ REG_INT32, ORDER_ABCD, -123456, { 0xFFFE, 0x1DC0 } },
	{ REG_INT32, ORDER_CDAB, -123456, { 0x1DC0, 0xFFFE } },
	{ REG_INT32, ORDER_BADC, -123456, { 0xFEFF, 0xC01D } },
	{ REG_INT32, ORDER_DCBA, -123456, { 0xC01D, 0xFEFF } },
	{ REG_INT32, ORDER_ABCD, 305419896, { 0x1234, 0x5678 } },
	{ REG_INT32, ORDER_ABCD, -2147483648.0, { 0x8000, 0x0000 } },
	{ REG_UINT32, ORDER_ABCD, 305419896, { 0x1234, 0x5678 } },
	{ REG_UINT32, ORDER_CDAB, 305419896, { 0x5678, 0x1234 } },
	{ REG_UINT32, ORDER_BADC, 305419896, { 0x3412, 0x7856 } },
	{ REG_UINT32, ORDER_DCBA, 305419896, { 0x7856, 0x3412 } },
	{ REG_UINT32, ORDER_ABCD, 4294967295.0, { 0xFFFF, 0xFFFF } },

	{ REG_INT64, ORDER_ABCD, 72623859790382848.0, { 0x0102, 0x0304, 0x0506, 0x0700 } },
	{ REG_INT64, ORDER_CDAB, 72623859790382848.0, { 0x0700, 0x0506, 0x0304, 0x0102 } },
	{ REG_INT64, ORDER_BADC, 72623859790382848.0, { 0x0201, 0x0403, 0x0605, 0x0007 } },
	{ REG_INT64, ORDER_DCBA, 72623859790382848.0, { 0x0007, 0x0605, 0x0403, 0x0201 } },
	{ REG_INT64, ORDER_ABCD, -72623859790382848.0, { 0xFEFD, 0xFCFB, 0xFAF9, 0xF900 } },
	{ REG_INT64, ORDER_ABCD, -2, { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE } },
	{ REG_INT64, ORDER_CDAB, -2, { 0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF } },
	{ REG_INT64, ORDER_DCBA, -2, { 0xFEFF, 0xFFFF, 0xFFFF, 0xFFFF } },
	{ REG_UINT64, ORDER_ABCD, 72623859790382848.0, { 0x0102, 0x0304, 0x0506, 0x0700 } },
	{ REG_UINT64, ORDER_CDAB, 72623859790382848.0, { 0x0700, 0x0506, 0x0304, 0x0102 } },
	{ REG_UINT64, ORDER_BADC, 72623859790382848.0, { 0x0201, 0x0403, 0x0605, 0x0007 } },
	{ REG_UINT64, ORDER_DCBA, 72623859790382848.0, { 0x0007, 0x0605, 0x0403, 0x0201 } },
	{ REG_UINT64, ORDER_ABCD, 18446744073709549568.0, { 0xFFFF, 0xFFFF, 0xFFFF, 0xF800 } },
};

/* "0x4366 0x8000" */
static void show(char *buf, size_t len, const uint16_t *regs, int words)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < words; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s0x%04X", i ? " " : "", regs[i]);
}

static const char *describe(const struct image *c)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s %s %.17g", registers_type_name(c->type),
	    registers_order_name(c->order), c->value);
	return buf;
}

static void test_encode_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES(exact); i++) {
		const struct image *c = &exact[i];
		int words = registers_words(c->type);
		uint16_t regs[REG_MAX_WORDS + 1];
		char got[40], want[40];

		/* 0xAAAA marks the words encode must not touch */
		for (size_t j = 0; j < NCASES(regs); j++)
			regs[j] = 0xAAAA;
		registers_encode(c->value, c->type, c->order, regs);
		show(got, sizeof(got), regs, words);
		show(want, sizeof(want), c->regs, words);
		if (strcmp(got, want) != 0)
			fail_msg("encode %s: got %s, want %s", describe(c), got, want);
		for (size_t j = (size_t)words; j < NCASES(regs); j++)
			assert_int_equal(regs[j], 0xAAAA);
	}
}

static void test_decode_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES(exact); i++) {
		const struct image *c = &exact[i];
		double v = registers_decode(c->regs, c->type, c->order);

		if (v != c->value || signbit(v) != signbit(c->value))
			fail_msg("decode %s: got %.17g", describe(c), v);
	}
}

/*
 * libmodbus 3.1.6's modbus_set_float_abcd(12345.5) writes 0x4046 0x00E6,
 * which is the BADC image (see the table); ours must give the real ABCD.
 */
static void test_not_libmodbus_abcd(void **state)
{
	static const uint16_t libmodbus_abcd[2] = { 0x4046, 0x00E6 };
	uint16_t regs[2];

	(void)state;
	registers_encode(12345.5, REG_FLOAT32, ORDER_ABCD, regs);
	assert_memory_not_equal(regs, libmodbus_abcd, sizeof(regs));
	assert_int_equal(regs[0], 0x4640);
	assert_int_equal(regs[1], 0xE600);
}

/*
 * 0x0102030405060708 has eight distinct bytes, so it shows any mix-up of
 * the 64-bit orders; but it needs 54 significant bits, one more than a
 * double holds. Decoding gives the nearest double: the last step is
 * 2^(56-52) = 16, 0x...0708 lies half-way between 0x...0700 and 0x...0710,
 * and the tie goes to the even one, 0x0102030405060700.
 */
static void test_decode_64bit_pattern(void **state)
{
	static const struct {
		enum word_order order;
		uint16_t regs[4];
	} cases[] = {
		{ ORDER_ABCD, { 0x0102, 0x0304, 0x0506, 0x0708 } },
		{ ORDER_CDAB, { 0x0708, 0x0506, 0x0304, 0x0102 } },
		{ ORDER_BADC, { 0x0201, 0x0403, 0x0605, 0x0807 } },
		{ ORDER_DCBA, { 0x0807, 0x0605, 0x0403, 0x0201 } },
	};
	const double nearest = 72623859790382848.0;   /* 0x0102030405060700 */

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		assert_true(registers_decode(cases[i].regs, REG_UINT64, cases[i].order) == nearest);
		assert_true(registers_decode(cases[i].regs, REG_INT64, cases[i].order) == nearest);
	}
}

/* Integers round to nearest; signed types clamp, unsigned ones wrap. */
static void test_encode_round_clamp_wrap(void **state)
{
	static const struct image cases[] = {
		{ REG_UINT16, ORDER_ABCD, 65536, { 0x0000 } },       /* 65536 mod 2^16 = 0 */
		{ REG_UINT16, ORDER_ABCD, 65537, { 0x0001 } },       /* 65537 mod 2^16 = 1 */
		{ REG_UINT16, ORDER_ABCD, -1, { 0xFFFF } },          /* -1 + 2^16 = 65535 */
		{ REG_UINT16, ORDER_ABCD, -65536, { 0x0000 } },      /* -2^16 + 2^16 = 0 */
		{ REG_UINT16, ORDER_ABCD, 2.5, { 0x0003 } },         /* half away from 0: 3 */
		{ REG_UINT16, ORDER_ABCD, 2.4999, { 0x0002 } },
		{ REG_UINT16, ORDER_ABCD, 65535.6, { 0x0000 } },     /* 65536, then wraps */
		{ REG_UINT32, ORDER_ABCD, 4294967296.0, { 0x0000, 0x0000 } },  /* 2^32 -> 0 */
		{ REG_UINT32, ORDER_ABCD, 4294967301.0, { 0x0000, 0x0005 } },  /* 2^32 + 5 */
		{ REG_UINT32, ORDER_ABCD, -1, { 0xFFFF, 0xFFFF } },            /* 2^32 - 1 */
		{ REG_UINT32, ORDER_CDAB, 65536, { 0x0000, 0x0001 } },         /* 0x00010000 */
		/* 2^64 - 1 is not a double (it rounds to 2^64): kept at UINT64_MAX */
		{ REG_UINT64, ORDER_ABCD, -1, { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF } },
		{ REG_UINT64, ORDER_ABCD, 18446744073709551616.0, { 0, 0, 0, 0 } },  /* 2^64 */
		{ REG_INT16, ORDER_ABCD, 40000, { 0x7FFF } },        /* clamped to 32767 */
		{ REG_INT16, ORDER_ABCD, -40000, { 0x8000 } },       /* clamped to -32768 */
		{ REG_INT16, ORDER_ABCD, -2.5, { 0xFFFD } },         /* -3 = 0x10000 - 3 */
		{ REG_INT16, ORDER_ABCD, INFINITY, { 0x7FFF } },
		{ REG_INT16, ORDER_ABCD, -INFINITY, { 0x8000 } },
		{ REG_INT32, ORDER_ABCD, 3e9, { 0x7FFF, 0xFFFF } },  /* 2^31 - 1 */
		{ REG_INT32, ORDER_ABCD, -3e9, { 0x8000, 0x0000 } }, /* -2^31 */
		/* The largest double below 2^63 is 2^63 - 1024 = 0x7FFFFFFFFFFFFC00. */
		{ REG_INT64, ORDER_ABCD, 1e19, { 0x7FFF, 0xFFFF, 0xFFFF, 0xFC00 } },
		{ REG_INT64, ORDER_ABCD, -1e19, { 0x8000, 0x0000, 0x0000, 0x0000 } },  /* -2^63 */
		/* 0.1 as float32 is 0x3DCCCCCD (fraction 1001 1001 ... rounded up) */
		{ REG_FLOAT32, ORDER_ABCD, 0.1, { 0x3DCC, 0xCCCD } },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		const struct image *c = &cases[i];
		int words = registers_words(c->type);
		uint16_t regs[REG_MAX_WORDS];
		char got[40], want[40];

		registers_encode(c->value, c->type, c->order, regs);
		show(got, sizeof(got), regs, words);
		show(want, sizeof(want), c->regs, words);
		if (strcmp(got, want) != 0)
			fail_msg("encode %s: got %s, want %s", describe(c), got, want);
	}
}

/* decode(encode(x)) == x for values each type holds exactly. */
static void test_round_trip(void **state)
{
	static const struct {
		enum reg_type type;
		double values[6];
	} cases[] = {
		{ REG_INT16, { 0, 1, -1, 32767, -32768, 12345 } },
		{ REG_UINT16, { 0, 1, 255, 256, 65535, 40000 } },
		{ REG_INT32, { 0, -1, 2147483647, -2147483648.0, 65536, -65537 } },
		{ REG_UINT32, { 0, 1, 65535, 65536, 4294967295.0, 3000000000.0 } },
		/* 2^53 = 9007199254740992, -2^63 = -9223372036854775808, 1e18 = 2^18 * 5^18 */
		{ REG_INT64, { 0, -1, 9007199254740992.0, -9007199254740992.0,
		  -9223372036854775808.0, 1e18 } },
		/* 2^54 = 18014398509481984; 1e19 = 2^19 * 5^19 needs 45 bits: exact */
		{ REG_UINT64, { 0, 1, 4294967296.0, 18014398509481984.0, 1e19,
		  18446744073709549568.0 } },
		/* float32 values: 2^-10 = 0.0009765625, FLT_MAX = 3.4028234663852886e38 */
		{ REG_FLOAT32, { 0, 230.5, -12345.5, 0.0009765625, 3.4028234663852886e38, 0.25 } },
		{ REG_FLOAT64, { 0, 230.5, -1e300, 0.1, 4294967.296, 5e-324 } },
	};
	static const enum word_order orders[] = { ORDER_ABCD, ORDER_CDAB, ORDER_BADC,
	    ORDER_DCBA };

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		for (size_t o = 0; o < NCASES(orders); o++) {
			for (size_t k = 0; k < NCASES(cases[i].values); k++) {
				double x = cases[i].values[k];
				uint16_t regs[REG_MAX_WORDS];
				double y;

				registers_encode(x, cases[i].type, orders[o], regs);
				y = registers_decode(regs, cases[i].type, orders[o]);
				if (y != x)
					fail_msg("%s %s: %.17g came back as %.17g",
					    registers_type_name(cases[i].type),
					        registers_order_name(orders[o]), x, y);
			}
		}
	}
}

static void test_words_modulus(void **state)
{
	static const struct {
		enum reg_type type;
		int words;
		double modulus;
	} cases[] = {
		{ REG_INT16, 1, 0 },
		{ REG_UINT16, 1, 65536.0 },                   /* 2^16 */
		{ REG_INT32, 2, 0 },
		{ REG_UINT32, 2, 4294967296.0 },              /* 2^32 */
		{ REG_INT64, 4, 0 },
		{ REG_UINT64, 4, 18446744073709551616.0 },    /* 2^64 */
		{ REG_FLOAT32, 2, 0 },
		{ REG_FLOAT64, 4, 0 },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		assert_int_equal(registers_words(cases[i].type), cases[i].words);
		assert_true(registers_modulus(cases[i].type) == cases[i].modulus);
	}
}

static void test_names_and_parse(void **state)
{
	static const struct {
		const char *name;
		enum reg_type type;
	} types[] = {
		{ "int16", REG_INT16 }, { "uint16", REG_UINT16 }, { "int32", REG_INT32 },
		{ "uint32", REG_UINT32 }, { "int64", REG_INT64 }, { "uint64", REG_UINT64 },
		{ "float32", REG_FLOAT32 }, { "float64", REG_FLOAT64 },
	};
	static const struct {
		const char *name;
		enum word_order order;
	} orders[] = {
		{ "abcd", ORDER_ABCD }, { "cdab", ORDER_CDAB }, { "badc", ORDER_BADC },
		{ "dcba", ORDER_DCBA },
	};
	static const char *const bad_types[] = {
		"", "FLOAT32", "float", "int8", "uint", "float32 ", " int16", "double",
	};
	static const char *const bad_orders[] = {
		"", "ABCD", "dcab", "abc", "abcd ", "big", "ba",
	};
	enum reg_type t;
	enum word_order o;

	(void)state;
	for (size_t i = 0; i < NCASES(types); i++) {
		assert_string_equal(registers_type_name(types[i].type), types[i].name);
		t = types[i].type == REG_INT16 ? REG_FLOAT64 : REG_INT16;
		assert_int_equal(registers_type_parse(types[i].name, &t), GM_OK);
		assert_int_equal(t, types[i].type);
	}
	for (size_t i = 0; i < NCASES(orders); i++) {
		assert_string_equal(registers_order_name(orders[i].order), orders[i].name);
		o = orders[i].order == ORDER_ABCD ? ORDER_DCBA : ORDER_ABCD;
		assert_int_equal(registers_order_parse(orders[i].name, &o), GM_OK);
		assert_int_equal(o, orders[i].order);
	}
	for (size_t i = 0; i < NCASES(bad_types); i++) {
		if (registers_type_parse(bad_types[i], &t) != GM_EINVAL)
			fail_msg("type \"%s\" accepted", bad_types[i]);
	}
	for (size_t i = 0; i < NCASES(bad_orders); i++) {
		if (registers_order_parse(bad_orders[i], &o) != GM_EINVAL)
			fail_msg("order \"%s\" accepted", bad_orders[i]);
	}
}

/*
 * registers_check: what is no number, or not the number the meter holds.
 * float32 0x7FC00000: exponent all ones, fraction non-zero: a quiet NaN;
 * 0x7F800001 a signalling one; 0x7F800000 / 0xFF800000: +/- infinity.
 * float64 0x7FF0000000000000: +infinity; 0x7FF8...: NaN.
 * 2^53 = 0x0020000000000000 is a double exactly; 2^53 + 1 is not (it
 * rounds to 2^53, which is why the bits are checked, not the double).
 * int64 -(2^53 + 1) = 0xFFDFFFFFFFFFFFFF; INT64_MIN = 0x8000000000000000.
 */
static void test_check(void **state)
{
	static const struct {
		enum reg_type type;
		enum word_order order;
		uint16_t regs[REG_MAX_WORDS];
		const char *why;   /* NULL: accepted */
	} cases[] = {
		{ REG_FLOAT32, ORDER_ABCD, { 0x4366, 0x8000 }, NULL },
		{ REG_FLOAT32, ORDER_ABCD, { 0x7fc0, 0x0000 }, "0x7fc0 0x0000 as float32 abcd is not a number (NaN)" },
		{ REG_FLOAT32, ORDER_ABCD, { 0x7f80, 0x0001 }, "0x7f80 0x0001 as float32 abcd is not a number (NaN)" },
		{ REG_FLOAT32, ORDER_ABCD, { 0x7f80, 0x0000 }, "0x7f80 0x0000 as float32 abcd is infinite" },
		{ REG_FLOAT32, ORDER_ABCD, { 0xff80, 0x0000 }, "0xff80 0x0000 as float32 abcd is infinite" },
		/* the same infinity with its words swapped: CDAB reads it right */
		{ REG_FLOAT32, ORDER_CDAB, { 0x0000, 0x7f80 }, "0x0000 0x7f80 as float32 cdab is infinite" },
		/* ...and ABCD reads those words as a tiny number, which is a number */
		{ REG_FLOAT32, ORDER_ABCD, { 0x0000, 0x7f80 }, NULL },
		{ REG_FLOAT32, ORDER_BADC, { 0xc07f, 0x0000 }, "0xc07f 0x0000 as float32 badc is not a number (NaN)" },
		{ REG_FLOAT64, ORDER_ABCD, { 0x7ff0, 0, 0, 0 }, "0x7ff0 0x0000 0x0000 0x0000 as float64 abcd is infinite" },
		{ REG_FLOAT64, ORDER_DCBA, { 0, 0, 0, 0xf87f }, "0x0000 0x0000 0x0000 0xf87f as float64 dcba is not a number (NaN)" },
		{ REG_UINT64, ORDER_ABCD, { 0x0020, 0, 0, 0 }, NULL },
		{ REG_UINT64, ORDER_ABCD, { 0x0020, 0, 0, 1 },
		  "0x0020 0x0000 0x0000 0x0001 as uint64 abcd is beyond 2^53, more than a double holds exactly" },
		{ REG_UINT64, ORDER_CDAB, { 1, 0, 0, 0x0020 },
		  "0x0001 0x0000 0x0000 0x0020 as uint64 cdab is beyond 2^53, more than a double holds exactly" },
		{ REG_INT64, ORDER_ABCD, { 0xffe0, 0, 0, 0 }, NULL },   /* -2^53 */
		{ REG_INT64, ORDER_ABCD, { 0xffdf, 0xffff, 0xffff, 0xffff },
		  "0xffdf 0xffff 0xffff 0xffff as int64 abcd is beyond 2^53, more than a double holds exactly" },
		{ REG_INT64, ORDER_ABCD, { 0x8000, 0, 0, 0 },
		  "0x8000 0x0000 0x0000 0x0000 as int64 abcd is beyond 2^53, more than a double holds exactly" },
		/* every 16- and 32-bit integer is a double exactly */
		{ REG_UINT32, ORDER_ABCD, { 0xffff, 0xffff }, NULL },
		{ REG_INT16, ORDER_ABCD, { 0x8000 }, NULL },
	};
	char why[160];

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		int rc = registers_check(cases[i].regs, cases[i].type, cases[i].order, why,
		    sizeof(why));
		if (cases[i].why == NULL && rc != GM_OK)
			fail_msg("case %zu refused: %s", i, why);
		if (cases[i].why != NULL && (rc != GM_ERANGE || strcmp(why, cases[i].why) != 0))
			fail_msg("case %zu: %d \"%s\", want \"%s\"", i, rc, rc ? why : "",
			    cases[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_exact),
		cmocka_unit_test(test_decode_exact),
		cmocka_unit_test(test_not_libmodbus_abcd),
		cmocka_unit_test(test_decode_64bit_pattern),
		cmocka_unit_test(test_encode_round_clamp_wrap),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_words_modulus),
		cmocka_unit_test(test_names_and_parse),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
