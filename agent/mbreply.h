/*
 * mbreply.h - is this the answer to the read we sent? Modbus replies to
 * function 3 (holding) and 4 (input registers) checked byte by byte, over
 * TCP (MBAP header) or RTU (CRC). No I/O: the receiving code hands over what
 * it has so far and is told how many bytes the frame needs in all, or the
 * verdict, as early as the bytes allow (a frame that cannot be the answer is
 * refused before the rest of it comes, so a lie in its length costs no wait).
 *
 * A reply is the answer (MBREPLY_OK) only if all of it agrees with the
 * request (Modbus application protocol v1.1b3, 6.3/6.4; Modbus messaging on
 * TCP/IP v1.0b, 3.1.3; Modbus over serial line v1.02, 2.5.1):
 *   TCP: transaction id as sent, protocol id 0, MBAP length 3..254 and equal
 *        to what the PDU says it holds, unit id as asked;
 *   RTU: unit id as asked, CRC right;
 *   both: function code as asked, byte count = 2 x registers asked.
 * An exception reply (function | 0x80) with a defined code is the meter
 * saying no (MBREPLY_EXCEPTION); anything else is MBREPLY_BAD. The reason is
 * in `why`, printable ASCII, as the log shows it: "wrong unit id 9 (asked
 * unit 1)", "Illegal data address (exception 2)".
 *
 * What this cannot see, the receiving code must: bytes after a whole frame
 * (agent/mbxfer.c), and whether the numbers in the registers mean anything
 * (devmap_read() in common/devmap.h).
 */
#ifndef GM_MBREPLY_H
#define GM_MBREPLY_H

#include <stddef.h>
#include <stdint.h>

#define MBREPLY_TCP_MAX 260          /* MBAP 7 + PDU 253 */
#define MBREPLY_RTU_MAX 256          /* unit 1 + PDU 253 + CRC 2 */
#define MBREPLY_TCP_REQUEST_LEN 12   /* MBAP 7 + function, start, count */
#define MBREPLY_RTU_REQUEST_LEN 6    /* unit, function, start, count (libmodbus adds the CRC) */
#define MBREPLY_MAX_REGS 125
/* A reply whose transaction id is this many or fewer before the one sent is
 * named a late answer to an earlier request, not just a wrong id. */
#define MBREPLY_LATE_WINDOW 16

enum mbreply_transport { MBREPLY_TCP, MBREPLY_RTU };

struct mbreq {
	uint16_t tid;        /* TCP transaction id; not used on RTU */
	uint8_t unit;
	uint8_t function;    /* 3 or 4 */
	uint16_t start;
	uint16_t count;      /* 1..MBREPLY_MAX_REGS */
};

enum mbreply_verdict {
	MBREPLY_MORE,        /* not all here: `want` bytes in all */
	MBREPLY_OK,          /* the answer; the registers were copied out */
	MBREPLY_EXCEPTION,   /* the meter said no: `exception` */
	MBREPLY_BAD,         /* not the answer */
};

struct mbreply {
	enum mbreply_verdict verdict;
	size_t want;         /* MORE: bytes needed in all (> have); OK, EXCEPTION: the frame's length */
	int exception;       /* EXCEPTION: the code */
	char why[128];       /* EXCEPTION, BAD: for the log; "" otherwise */
};

/* The request's bytes (a TCP ADU; an RTU frame without its CRC). */
void mbreply_tcp_request(const struct mbreq *q, uint8_t out[MBREPLY_TCP_REQUEST_LEN]);
void mbreply_rtu_request(const struct mbreq *q, uint8_t out[MBREPLY_RTU_REQUEST_LEN]);

/* The length of the right answer to q, in bytes. */
size_t mbreply_answer_len(enum mbreply_transport tr, const struct mbreq *q);

/* Check the first `have` bytes of b (have may be 0; b is not read past
 * have). On MBREPLY_OK, regs (q->count registers) gets the registers. The
 * verdict is also in out->verdict. */
enum mbreply_verdict mbreply_check(enum mbreply_transport tr, const struct mbreq *q,
    const uint8_t *b, size_t have, uint16_t *regs, struct mbreply *out);

/* The exception's name in the specification's words ("Illegal data
 * address"), NULL for a code it does not define (0, 9, 12..255). */
const char *mbreply_exception_name(int code);

#endif
