/*
 * fuzz_modbus_reply.c - libFuzzer target over what a Modbus gateway or bus
 * can send gm-agent: the answer to a register read, then the numbers in it.
 *
 * Input: 9 bytes that make the request and how the answer arrives, then the
 * bytes on the wire:
 *   [0] bit 0: 0 TCP, 1 RTU; bits 1-3: register type (registers.h order);
 *       bits 4-5: word order; bit 6: the channel is a counter (else a gauge);
 *       bit 7: scale 1e300 instead of 1 (a value scaled past a double)
 *   [1-2] transaction id   [3] unit id   [4] bit 0: function 3 or 4
 *   [5-6] first register   [7] register count - 1 (mod 125)
 *   [8] bytes a read returns at most (1 + [8] % 16; 0 = all there is)
 * The wire bytes go to mbreply_check() as agent/mbxfer.c hands them over:
 * a growing prefix, never more than the checker asked for, each prefix
 * ending right before memory that ASan poisons, so a read past what has
 * arrived is caught. The rules, each aborting with what broke:
 *   - MORE asks for more than it has and at most a whole frame;
 *   - the verdict does not depend on how the bytes arrived: all of them at
 *     once give the same verdict and reason as the prefix that decided it;
 *   - an accepted answer matches the request: TCP: same transaction id,
 *     protocol 0, MBAP length 3 + 2 x count, same unit; RTU: same unit,
 *     CRC right; both: same function, byte count 2 x count, the frame is
 *     as long as that, and the registers are the frame's bytes;
 *   - an exception has function | 0x80, a code the spec defines, 9 (TCP)
 *     or 5 (RTU) bytes; a refusal has a reason in printable ASCII;
 *   - a channel at each of the first 16 registers of an accepted answer
 *     and at its last place decodes
 *     (devmap_read()) to a finite number, not below zero for a counter,
 *     from an integer within 2^53, or is refused with a reason, and it is
 *     refused exactly when one of those fails (worked out here apart from
 *     registers.c: its own bit shuffling).
 * Nothing here writes a file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "crc16.h"
#include "devmap.h"
#include "gm_err.h"
#include "registers.h"
#include "mbreply.h"

#define HEAD 9
#define WIRE_MAX MBREPLY_TCP_MAX

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_modbus_reply: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void check_reason(const char *why, const char *what)
{
	size_t n = strnlen(why, 128);

	if (n == 0 || n == 128)
		broken("%s: reason empty or not terminated", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] > 0x7e)
			broken("%s: reason has byte 0x%02x: %s", what, (unsigned char)why[i], why);
}

/* The received bytes end at wire + WIRE_MAX; what follows is poisoned. */
static uint8_t wire[2 * WIRE_MAX];

static const uint8_t *arrived(const uint8_t *b, size_t have)
{
	static bool poisoned;

	if (!poisoned) {
		ASAN_POISON_MEMORY_REGION(wire + WIRE_MAX, WIRE_MAX);
		poisoned = true;
	}
	memcpy(wire + WIRE_MAX - have, b, have);
	return wire + WIRE_MAX - have;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void check_ok(enum mbreply_transport tr, const struct mbreq *q, const uint8_t *b,
    const struct mbreply *r, const uint16_t *regs)
{
	size_t hdr = tr == MBREPLY_TCP ? 7 : 1, len = hdr + 2 + 2u * q->count;

	if (tr == MBREPLY_RTU)
		len += 2;
	if (r->want != len)
		broken("accepted a frame of %zu bytes for %u registers", r->want, q->count);
	if (tr == MBREPLY_TCP && (get16(b) != q->tid || get16(b + 2) != 0 ||
	    get16(b + 4) != 3u + 2u * q->count || b[6] != q->unit))
		broken("accepted a TCP header %02x%02x %02x%02x %02x%02x %02x for tid %04x unit %u",
		    b[0], b[1], b[2], b[3], b[4], b[5], b[6], q->tid, q->unit);
	if (tr == MBREPLY_RTU && (b[0] != q->unit ||
	    crc16_modbus(b, len - 2) != (b[len - 2] | (unsigned)b[len - 1] << 8)))
		broken("accepted an RTU frame of unit %u or a bad CRC", b[0]);
	if (b[hdr] != q->function || b[hdr + 1] != 2u * q->count)
		broken("accepted function %u byte count %u for function %u, %u registers",
		    b[hdr], b[hdr + 1], q->function, q->count);
	for (unsigned i = 0; i < q->count; i++)
		if (regs[i] != get16(b + hdr + 2 + 2 * i))
			broken("register %u is 0x%04x, the frame says 0x%04x", i, regs[i],
			    get16(b + hdr + 2 + 2 * i));
}

static void check_exception(enum mbreply_transport tr, const struct mbreq *q,
    const uint8_t *b, const struct mbreply *r)
{
	size_t hdr = tr == MBREPLY_TCP ? 7 : 1;

	if (r->want != (tr == MBREPLY_TCP ? 9u : 5u))
		broken("an exception frame of %zu bytes", r->want);
	if (b[hdr] != (q->function | 0x80) || b[hdr + 1] != r->exception)
		broken("exception %d from function byte 0x%02x", r->exception, b[hdr]);
	if (mbreply_exception_name(r->exception) == NULL)
		broken("exception code %d is not defined", r->exception);
	if (tr == MBREPLY_TCP && (get16(b) != q->tid || get16(b + 2) != 0 || get16(b + 4) != 3 ||
	    b[6] != q->unit))
		broken("an exception with a wrong TCP header");
	check_reason(r->why, "exception");
}

/* The value's 64 bits as the meter meant them, apart from registers.c. */
static uint64_t bits64(const uint16_t *w, enum word_order order)
{
	uint64_t bits = 0;

	for (int i = 0; i < 4; i++) {
		uint16_t x = w[order == ORDER_CDAB || order == ORDER_DCBA ? 3 - i : i];
		if (order == ORDER_BADC || order == ORDER_DCBA)
			x = (uint16_t)(x >> 8 | x << 8);
		bits = bits << 16 | x;
	}
	return bits;
}

static void check_values(uint8_t flags, const uint16_t *regs, unsigned count)
{
	struct channel_def ch;

	memset(&ch, 0, sizeof(ch));
	ch.type = (enum reg_type)((flags >> 1) & 7);
	ch.order = (enum word_order)((flags >> 4) & 3);
	ch.kind = flags & 0x40 ? KIND_COUNTER : KIND_GAUGE;
	ch.scale = flags & 0x80 ? 1e300 : 1;
	unsigned last = count - (unsigned)registers_words(ch.type);

	/* The first 16 places and the last: enough for every rule, without up
	 * to 125 decodings an input. */
	for (unsigned off = 0; off + (unsigned)registers_words(ch.type) <= count;
	    off = off + 1 == 16 && last > 16 ? last : off + 1) {
		const uint16_t *w = regs + off;
		double raw = registers_decode(w, ch.type, ch.order), v = raw * ch.scale,
		    got = -12345;
		char why[160];
		bool wide = false;
		int rc;
		if (ch.type == REG_UINT64 || ch.type == REG_INT64) {
			uint64_t b = bits64(w, ch.order);
			if (ch.type == REG_INT64 && (b >> 63))
				b = ~b + 1;
			wide = b > (UINT64_C(1) << 53);
		}
		bool refuse = !isfinite(v) || wide || (ch.kind == KIND_COUNTER && v < 0);
		rc = devmap_read(&ch, w, &got, why, sizeof(why));
		if ((rc != GM_OK) != refuse)
			broken("%s %s 0x%04x...: devmap_read says %d, the rules %s (value %.17g)",
			    registers_type_name(ch.type), registers_order_name(ch.order), w[0], rc,
			    refuse ? "refuse" : "accept", v);
		if (rc == GM_OK && (!isfinite(got) || got != v))
			broken("devmap_read gave %.17g for %.17g", got, v);
		if (rc != GM_OK)
			check_reason(why, "devmap_read");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mbreply_transport tr;
	struct mbreq q;
	struct mbreply r, all;
	uint16_t regs[MBREPLY_MAX_REGS], regs_all[MBREPLY_MAX_REGS];
	const uint8_t *b = data + HEAD;
	size_t n, have = 0, step;
	enum mbreply_verdict v;

	if (size < HEAD)
		return 0;
	tr = data[0] & 1 ? MBREPLY_RTU : MBREPLY_TCP;
	q.tid = (uint16_t)get16(data + 1);
	q.unit = data[3];
	q.function = (uint8_t)(3 + (data[4] & 1));
	q.start = (uint16_t)get16(data + 5);
	q.count = (uint16_t)(1 + data[7] % MBREPLY_MAX_REGS);
	step = data[8] % 16 == 0 ? WIRE_MAX : 1u + data[8] % 16;
	n = size - HEAD < WIRE_MAX ? size - HEAD : WIRE_MAX;

	/* As the receiving code reads: never more than asked for. */
	while ((v = mbreply_check(tr, &q, arrived(b, have), have, regs, &r)) == MBREPLY_MORE) {
		size_t give = r.want - have;
		if (r.want <= have || r.want > (tr == MBREPLY_TCP ? MBREPLY_TCP_MAX : MBREPLY_RTU_MAX))
			broken("MORE wants %zu with %zu bytes here", r.want, have);
		if (have == n)
			return 0;   /* cut short: the deadline or a closed connection */
		if (give > step)
			give = step;
		if (give > n - have)
			give = n - have;
		have += give;
	}
	if (r.verdict != v)
		broken("returned %d, recorded %d", (int)v, (int)r.verdict);
	/* Everything at once: the same verdict for the same reason. */
	if (mbreply_check(tr, &q, arrived(b, n), n, regs_all, &all) != v || strcmp(all.why, r.why))
		broken("verdict %d \"%s\" with %zu bytes, %d \"%s\" with all %zu", (int)v, r.why,
		    have, (int)all.verdict, all.why, n);
	switch (v) {
	case MBREPLY_OK:
		check_ok(tr, &q, b, &r, regs);
		if (memcmp(regs, regs_all, q.count * sizeof(*regs)) != 0)
			broken("registers differ by how the bytes came");
		check_values(data[0], regs, q.count);
		break;
	case MBREPLY_EXCEPTION:
		check_exception(tr, &q, b, &r);
		break;
	case MBREPLY_BAD:
		check_reason(r.why, "refusal");
		break;
	case MBREPLY_MORE:
		break;
	}
	return 0;
}
