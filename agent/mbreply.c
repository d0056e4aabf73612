/* mbreply.c - Modbus read replies checked against their request, TCP and RTU. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "crc16.h"
#include "mbreply.h"

#define MBAP_LEN 7
#define MBAP_LEN_MIN 3     /* unit, function and one byte: an exception or a count of 0 */
#define MBAP_LEN_MAX 254   /* 260-byte ADU less the 6 bytes before the unit id */
#define CRC_LEN 2

/* Modbus application protocol v1.1b3, 7; 7 (negative acknowledge) is from
 * earlier editions and still sent by old devices. Words as the spec and
 * libmodbus put them, so logs read the same as other tools'. */
static const char *const exception_names[] = {
	[1] = "Illegal function",
	[2] = "Illegal data address",
	[3] = "Illegal data value",
	[4] = "Slave device or server failure",
	[5] = "Acknowledge",
	[6] = "Slave device or server is busy",
	[7] = "Negative acknowledge",
	[8] = "Memory parity error",
	[10] = "Gateway path unavailable",
	[11] = "Gateway target device failed to respond",
};

const char *mbreply_exception_name(int code)
{
	if (code <= 0 || code >= (int)(sizeof(exception_names) / sizeof(exception_names[0])))
		return NULL;
	return exception_names[code];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

void mbreply_rtu_request(const struct mbreq *q, uint8_t out[MBREPLY_RTU_REQUEST_LEN])
{
	out[0] = q->unit;
	out[1] = q->function;
	put16(out + 2, q->start);
	put16(out + 4, q->count);
}

void mbreply_tcp_request(const struct mbreq *q, uint8_t out[MBREPLY_TCP_REQUEST_LEN])
{
	put16(out, q->tid);
	put16(out + 2, 0);
	put16(out + 4, 1 + 5);   /* unit id, then function, start, count */
	mbreply_rtu_request(q, out + 6);
}

size_t mbreply_answer_len(enum mbreply_transport tr, const struct mbreq *q)
{
	size_t pdu = 2 + 2 * (size_t)q->count;

	return tr == MBREPLY_TCP ? MBAP_LEN + pdu : 1 + pdu + CRC_LEN;
}

static enum mbreply_verdict more(struct mbreply *out, size_t want)
{
	out->verdict = MBREPLY_MORE;
	out->want = want;
	return MBREPLY_MORE;
}

static enum mbreply_verdict bad(struct mbreply *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum mbreply_verdict bad(struct mbreply *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	out->verdict = MBREPLY_BAD;
	return MBREPLY_BAD;
}

/* The MBAP header: the frame is refused here if it is not Modbus, not ours
 * or has a length no frame can have. */
static bool tcp_header_ok(const struct mbreq *q, const uint8_t *b, struct mbreply *out)
{
	unsigned tid = get16(b), proto = get16(b + 2), len = get16(b + 4), unit = b[6];
	unsigned behind = (uint16_t)(q->tid - tid);

	if (proto != 0)
		bad(out, "wrong protocol id 0x%04x (Modbus TCP has 0)", proto);
	else if (len < MBAP_LEN_MIN || len > MBAP_LEN_MAX)
		bad(out, "MBAP length %u out of range (%d..%d)", len, MBAP_LEN_MIN, MBAP_LEN_MAX);
	else if (tid != q->tid && behind >= 1 && behind <= MBREPLY_LATE_WINDOW)
		bad(out, "a late reply to an earlier request (transaction id 0x%04x, sent 0x%04x)",
		    tid, q->tid);
	else if (tid != q->tid)
		bad(out, "wrong transaction id 0x%04x (sent 0x%04x)", tid, q->tid);
	else if (unit != q->unit)
		bad(out, "wrong unit id %u (asked unit %u)", unit, q->unit);
	else
		return true;
	return false;
}

/* TCP: the MBAP length must say what the PDU says it holds. pdu_len is the
 * PDU's length by the MBAP header, bc the byte count. */
static bool tcp_lengths_agree(const struct mbreq *q, unsigned pdu_len, unsigned bc,
    struct mbreply *out)
{
	unsigned data = pdu_len - 2, expected = 2u * q->count;

	if (bc == data)
		return true;
	if (bc == expected)
		bad(out, "MBAP length %u disagrees with the frame (%u registers need %u)",
		    pdu_len + 1, q->count, expected + 3);
	else if (data == expected && bc > data)
		bad(out, "byte count %u runs past the frame's %u data bytes", bc, data);
	else if (data == expected)
		bad(out, "byte count %u is short of the frame's %u data bytes", bc, data);
	else
		bad(out, "MBAP length %u and byte count %u disagree", pdu_len + 1, bc);
	return false;
}

static enum mbreply_verdict exception_reply(const uint8_t *pdu, size_t frame_len,
    struct mbreply *out)
{
	const char *name = mbreply_exception_name(pdu[1]);

	if (name == NULL)
		return bad(out, "invalid exception code %u", pdu[1]);
	snprintf(out->why, sizeof(out->why), "%s (exception %u)", name, pdu[1]);
	out->exception = pdu[1];
	out->want = frame_len;
	out->verdict = MBREPLY_EXCEPTION;
	return MBREPLY_EXCEPTION;
}

static void copy_regs(const uint8_t *data, unsigned count, uint16_t *regs)
{
	for (unsigned i = 0; i < count; i++)
		regs[i] = (uint16_t)get16(data + 2 * i);
}

static enum mbreply_verdict tcp_check(const struct mbreq *q, const uint8_t *b, size_t have,
    uint16_t *regs, struct mbreply *out)
{
	const uint8_t *pdu = b + MBAP_LEN;
	unsigned pdu_len;
	size_t frame_len;

	if (have < MBAP_LEN)
		return more(out, MBAP_LEN);
	if (!tcp_header_ok(q, b, out))
		return MBREPLY_BAD;
	pdu_len = get16(b + 4) - 1;
	frame_len = MBAP_LEN + pdu_len;
	if (have < MBAP_LEN + 1)
		return more(out, frame_len);
	if (pdu[0] == (q->function | 0x80)) {
		if (pdu_len != 2)
			return bad(out, "MBAP length %u disagrees with an exception reply (3)", pdu_len + 1);
		return have < frame_len ? more(out, frame_len) : exception_reply(pdu, frame_len, out);
	}
	if (pdu[0] != q->function)
		return bad(out, "wrong function code 0x%02x (asked 0x%02x)", pdu[0], q->function);
	if (have < MBAP_LEN + 2)
		return more(out, frame_len);
	if (!tcp_lengths_agree(q, pdu_len, pdu[1], out))
		return MBREPLY_BAD;
	if (pdu[1] != 2u * q->count)
		return bad(out, "byte count %u for %u registers (expected %u)", pdu[1], q->count,
		    2u * q->count);
	if (have < frame_len)
		return more(out, frame_len);
	copy_regs(pdu + 2, q->count, regs);
	out->want = frame_len;
	out->verdict = MBREPLY_OK;
	return MBREPLY_OK;
}

static bool crc_ok(const uint8_t *b, size_t len, struct mbreply *out)
{
	unsigned got = b[len - 2] | (unsigned)b[len - 1] << 8;
	unsigned want = crc16_modbus(b, len - CRC_LEN);

	if (got == want)
		return true;
	bad(out, "bad CRC 0x%04x (the frame's bytes give 0x%04x)", got, want);
	return false;
}

static enum mbreply_verdict rtu_check(const struct mbreq *q, const uint8_t *b, size_t have,
    uint16_t *regs, struct mbreply *out)
{
	size_t frame_len;

	if (have < 1)
		return more(out, 2);
	if (b[0] != q->unit)
		return bad(out, "wrong unit id %u (asked unit %u)", b[0], q->unit);
	if (have < 2)
		return more(out, 2);
	if (b[1] == (q->function | 0x80)) {
		frame_len = 1 + 2 + CRC_LEN;
		if (have < frame_len)
			return more(out, frame_len);
		/* The CRC first: a garbled code is noise, not the meter's word. */
		return crc_ok(b, frame_len, out) ? exception_reply(b + 1, frame_len, out) : MBREPLY_BAD;
	}
	if (b[1] != q->function)
		return bad(out, "wrong function code 0x%02x (asked 0x%02x)", b[1], q->function);
	if (have < 3)
		return more(out, 3);
	/* Unlike TCP nothing else says how long the frame is: a wrong count is
	 * refused before waiting for data that may never come. */
	if (b[2] != 2u * q->count)
		return bad(out, "byte count %u for %u registers (expected %u)", b[2], q->count,
		    2u * q->count);
	frame_len = 3 + (size_t)b[2] + CRC_LEN;
	if (have < frame_len)
		return more(out, frame_len);
	if (!crc_ok(b, frame_len, out))
		return MBREPLY_BAD;
	copy_regs(b + 3, q->count, regs);
	out->want = frame_len;
	out->verdict = MBREPLY_OK;
	return MBREPLY_OK;
}

enum mbreply_verdict mbreply_check(enum mbreply_transport tr, const struct mbreq *q,
    const uint8_t *b, size_t have, uint16_t *regs, struct mbreply *out)
{
	out->why[0] = '\0';
	out->exception = 0;
	out->want = 0;
	if (tr == MBREPLY_TCP)
		return tcp_check(q, b, have, regs, out);
	return rtu_check(q, b, have, regs, out);
}
