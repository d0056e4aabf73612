/*
 * registers.h - Modbus register images of numbers, one table-driven routine
 * for every type and word order (so a bug is fixed once, not eight times).
 *
 * Byte names follow the usual convention: the value's big-endian bytes are
 * A B C D (E F G H for 64-bit). ABCD: most significant word first, bytes
 * big-endian (Eastron SDM). CDAB: words reversed ("word swap", what
 * libmodbus's modbus_get_float() assumes). BADC: bytes swapped in each word.
 * DCBA: fully little-endian. A 16-bit type has one word: only the byte swap
 * of BADC/DCBA applies. Vector: 230.5 as float32 ABCD is 0x4366 0x8000.
 * We do not use libmodbus's float helpers: 3.1.6's setters disagree with its
 * getters (modbus_set_float_abcd writes the BADC image).
 */
#ifndef GM_REGISTERS_H
#define GM_REGISTERS_H

#include <stddef.h>
#include <stdint.h>

enum reg_type {
	REG_INT16, REG_UINT16, REG_INT32, REG_UINT32,
	REG_INT64, REG_UINT64, REG_FLOAT32, REG_FLOAT64,
};

enum word_order { ORDER_ABCD, ORDER_CDAB, ORDER_BADC, ORDER_DCBA };

#define REG_MAX_WORDS 4

int registers_words(enum reg_type type);
const char *registers_type_name(enum reg_type type);
const char *registers_order_name(enum word_order order);
int registers_type_parse(const char *s, enum reg_type *out);   /* GM_OK / GM_EINVAL */
int registers_order_parse(const char *s, enum word_order *out);

/* Number of distinct values of an unsigned integer type (2^16, 2^32, 2^64),
 * 0 for signed and float types: the modulus at which a counter wraps. */
double registers_modulus(enum reg_type type);

/* regs holds registers_words(type) registers as they came off the wire. */
double registers_decode(const uint16_t *regs, enum reg_type type, enum word_order order);

/* Whether registers_decode's number is what the registers hold: GM_OK, or
 * GM_ERANGE with the reason in why (printable ASCII, e.g. "0x7fc0 0x0000 as
 * float32 abcd is not a number (NaN)") when they hold a float's NaN or
 * infinity, or a 64-bit integer beyond 2^53, which a double cannot hold
 * exactly (what is published would not be what the meter counted). */
int registers_check(const uint16_t *regs, enum reg_type type, enum word_order order, char *why,
    size_t whylen);

/* The inverse, for gm-sim. Integers are rounded to nearest and clamped to the
 * type's range (unsigned counters wrap, as a real register does). */
void registers_encode(double value, enum reg_type type, enum word_order order, uint16_t *regs);

#endif
