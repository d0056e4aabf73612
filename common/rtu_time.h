/*
 * rtu_time.h - how long a Modbus RTU exchange holds an RS-485 bus.
 *
 * A character on the line is a start bit, 8 data bits, a parity bit if any
 * and 1 or 2 stop bits (Modbus over Serial Line v1.02, 2.5.1); a frame ends
 * with at least 3.5 characters of silence, a fixed 1.75 ms above 19200
 * baud (2.5.1.1). A read of n registers (function 3 or 4) is a request of
 * 8 bytes and an answer of 5 + 2n; the meter starts its answer its
 * turnaround time after the request's silence. So a read costs a fixed
 * part (13 characters, two silences, the turnaround) and 2 characters a
 * register: reading a gap of g registers is worth it while 2g characters
 * cost less than that fixed part. gm-agent plans its requests with it
 * (reqplan.c); gm-sim takes that long to answer when it simulates a bus.
 */
#ifndef GM_RTU_TIME_H
#define GM_RTU_TIME_H

#define RTU_READ_REQ_BYTES 8    /* unit, function, start, count, CRC */
#define RTU_READ_RESP_BYTES 5   /* unit, function, byte count, CRC; + 2 a register */

struct rtu_bus {
	int baud;               /* 0: not known */
	char parity;            /* 'N', 'E' or 'O' */
	int stop_bits;          /* 1 or 2 */
	double turnaround_ms;   /* the meter's, between request and answer */
};

/* One character's time, in microseconds. */
double rtu_char_us(const struct rtu_bus *l);
/* The silence that ends a frame. */
double rtu_silence_us(const struct rtu_bus *l);
/* A request of req bytes and its answer of resp bytes, silences included. */
double rtu_exchange_us(const struct rtu_bus *l, int req_bytes, int resp_bytes);
/* A read of nregs registers. */
double rtu_read_us(const struct rtu_bus *l, int nregs);

#endif
