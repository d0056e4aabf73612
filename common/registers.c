/* registers.c - number <-> Modbus register image for all types and word orders. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gm_err.h"
#include "registers.h"

static const struct {
	const char *name;
	int words;
	double modulus;
} types[] = {
	[REG_INT16] = { "int16", 1, 0 },
	[REG_UINT16] = { "uint16", 1, 65536.0 },
	[REG_INT32] = { "int32", 2, 0 },
	[REG_UINT32] = { "uint32", 2, 4294967296.0 },
	[REG_INT64] = { "int64", 4, 0 },
	[REG_UINT64] = { "uint64", 4, 18446744073709551616.0 },
	[REG_FLOAT32] = { "float32", 2, 0 },
	[REG_FLOAT64] = { "float64", 4, 0 },
};

static const char *const order_names[] = { "abcd", "cdab", "badc", "dcba" };

int registers_words(enum reg_type type)
{
	return types[type].words;
}

const char *registers_type_name(enum reg_type type)
{
	return types[type].name;
}

const char *registers_order_name(enum word_order order)
{
	return order_names[order];
}

double registers_modulus(enum reg_type type)
{
	return types[type].modulus;
}

int registers_type_parse(const char *s, enum reg_type *out)
{
	for (int t = REG_INT16; t <= REG_FLOAT64; t++) {
		if (strcmp(s, types[t].name) == 0) {
			*out = (enum reg_type)t;
			return GM_OK;
		}
	}
	return GM_EINVAL;
}

int registers_order_parse(const char *s, enum word_order *out)
{
	for (int o = ORDER_ABCD; o <= ORDER_DCBA; o++) {
		if (strcmp(s, order_names[o]) == 0) {
			*out = (enum word_order)o;
			return GM_OK;
		}
	}
	return GM_EINVAL;
}

/* The whole transform: word i of the wire image is word `src` of the
 * big-endian image, bytes swapped or not. It is its own inverse. */
static void permute(const uint16_t *in, uint16_t *out, int words, enum word_order order)
{
	int reverse = (order == ORDER_CDAB || order == ORDER_DCBA);
	int swap = (order == ORDER_BADC || order == ORDER_DCBA);

	for (int i = 0; i < words; i++) {
		uint16_t w = in[reverse ? words - 1 - i : i];
		out[i] = swap ? (uint16_t)((w >> 8) | (w << 8)) : w;
	}
}

static uint64_t be_bits(const uint16_t *be, int words)
{
	uint64_t bits = 0;

	for (int i = 0; i < words; i++)
		bits = (bits << 16) | be[i];
	return bits;
}

double registers_decode(const uint16_t *regs, enum reg_type type, enum word_order order)
{
	uint16_t be[REG_MAX_WORDS];
	int words = types[type].words;
	uint64_t bits;

	permute(regs, be, words, order);
	bits = be_bits(be, words);
	switch (type) {
	case REG_INT16: return (double)(int16_t)bits;
	case REG_UINT16: return (double)(uint16_t)bits;
	case REG_INT32: return (double)(int32_t)(uint32_t)bits;
	case REG_UINT32: return (double)(uint32_t)bits;
	case REG_INT64: return (double)(int64_t)bits;
	case REG_UINT64: return (double)bits;
	case REG_FLOAT32: {
		uint32_t b32 = (uint32_t)bits;
		float f;
		memcpy(&f, &b32, sizeof(f));
		return (double)f;
	}
	case REG_FLOAT64: {
		double d;
		memcpy(&d, &bits, sizeof(d));
		return d;
	}
	}
	return NAN;
}

/* "0x7fc0 0x0000 as float32 abcd" */
static int describe(char *why, size_t whylen, const uint16_t *regs, enum reg_type type,
    enum word_order order, const char *what)
{
	char words[REG_MAX_WORDS * 7 + 1];
	size_t n = 0;

	for (int i = 0; i < types[type].words; i++)
		n += (size_t)snprintf(words + n, sizeof(words) - n, "%s0x%04x", i ? " " : "",
		    regs[i]);
	return gm_errf(why, whylen, GM_ERANGE, "%s as %s %s %s", words, types[type].name,
	    order_names[order], what);
}

int registers_check(const uint16_t *regs, enum reg_type type, enum word_order order, char *why,
    size_t whylen)
{
	/* 2^53: past it, consecutive integers are no longer all doubles. */
	const uint64_t exact = (uint64_t)1 << 53;
	uint16_t be[REG_MAX_WORDS];
	uint64_t bits, mag;
	double v = registers_decode(regs, type, order);

	if (isnan(v))
		return describe(why, whylen, regs, type, order, "is not a number (NaN)");
	if (isinf(v))
		return describe(why, whylen, regs, type, order, "is infinite");
	if (type != REG_INT64 && type != REG_UINT64)
		return GM_OK;
	/* The bits, not the double: 2^53 + 1 would round to 2^53 and pass. */
	permute(regs, be, 4, order);
	bits = be_bits(be, 4);
	mag = type == REG_INT64 && (int64_t)bits < 0 ? ~bits + 1 : bits;
	if (mag > exact)
		return describe(why, whylen, regs, type, order,
		    "is beyond 2^53, more than a double holds exactly");
	return GM_OK;
}

static uint64_t clamp_signed(double v, double lo, double hi)
{
	v = round(v);
	if (!(v >= lo))
		v = lo;
	if (v > hi)
		v = hi;
	return (uint64_t)(int64_t)v;
}

static uint64_t wrap_unsigned(double v, double modulus)
{
	v = round(v);
	if (!isfinite(v))
		return 0;
	v = fmod(v, modulus);
	if (v < 0)
		v += modulus;
	/* 2^64 - 1 rounds up to 2^64 in a double: keep it in range. */
	if (v >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)v;
}

static uint64_t value_bits(double v, enum reg_type type)
{
	switch (type) {
	case REG_INT16: return clamp_signed(v, -32768.0, 32767.0) & 0xffffu;
	case REG_INT32: return clamp_signed(v, -2147483648.0, 2147483647.0) & 0xffffffffu;
	case REG_INT64: return clamp_signed(v, -9223372036854775808.0, 9223372036854774784.0);
	case REG_UINT16:
	case REG_UINT32:
	case REG_UINT64: return wrap_unsigned(v, types[type].modulus);
	case REG_FLOAT32: {
		float f = (float)v;
		uint32_t b32;
		memcpy(&b32, &f, sizeof(b32));
		return b32;
	}
	case REG_FLOAT64: {
		uint64_t b64;
		memcpy(&b64, &v, sizeof(b64));
		return b64;
	}
	}
	return 0;
}

void registers_encode(double value, enum reg_type type, enum word_order order, uint16_t *regs)
{
	uint16_t be[REG_MAX_WORDS];
	int words = types[type].words;
	uint64_t bits = value_bits(value, type);

	for (int i = words - 1; i >= 0; i--) {
		be[i] = (uint16_t)(bits & 0xffffu);
		bits >>= 16;
	}
	permute(be, regs, words, order);
}
