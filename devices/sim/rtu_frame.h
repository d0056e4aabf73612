/*
 * rtu_frame.h - Modbus RTU requests read off a serial line whole, for a
 * server that answers many unit ids on one bus.
 *
 * libmodbus 3.1.6 serves one unit id per RTU context: its receive drops a
 * request for any other unit before checking the CRC, returns 0 without the
 * frame's length, and then takes the next frame on the line for the other
 * unit's reply and swallows it (right on a shared bus, wrong here, where
 * every unit is ours and the next frame is a request). It has no switch to
 * turn that off, and a unit id cannot be peeked at on a tty without taking
 * the byte from libmodbus. So gm-sim frames requests itself, the way
 * libmodbus does: the function code tells how long the request is, and the
 * CRC must match. modbus_reply() then answers a frame read here as it
 * answers one of its own, since it only looks at the bytes.
 *
 * A function code whose request length is not known here ends where the
 * line goes quiet; it is still answered (libmodbus says ILLEGAL FUNCTION).
 */
#ifndef GM_RTU_FRAME_H
#define GM_RTU_FRAME_H

#include <stdint.h>

#define RTU_FRAME_MAX 256   /* MODBUS_RTU_MAX_ADU_LENGTH */

struct rtu_line {
	int fd;               /* the serial port, non-blocking (as libmodbus opens it) */
	int byte_timeout_ms;  /* a frame that stops for this long is dropped */
	int silence_ms;       /* a line quiet this long has ended a frame */
};

/* The timings for a line of `baud` bauds and `bits` bits a character (start,
 * data, parity and stop bits): silence is 3.5 characters, as the standard
 * says, but never below 20 ms, because a pty relay or a USB adapter delivers
 * bytes in bursts (a USB serial adapter's latency timer is 16 ms). */
void rtu_frame_line_init(struct rtu_line *line, int fd, int baud, int bits);

/* How long the request frame in b is, as far as its first `have` bytes
 * tell, CRC included: the length to have before asking again, exact once
 * `have` reaches it; -1 if the function code is not one it knows. */
int rtu_frame_length(const uint8_t *b, int have);

/* Read one request into buf (RTU_FRAME_MAX bytes) once the line is
 * readable. Returns the frame's length, CRC included (what modbus_reply
 * wants); 0 if what came was not a whole valid frame, which is dropped,
 * the line drained until quiet, and *why says what was wrong; -1 with errno
 * if the line failed or was closed at the other end. */
int rtu_frame_read(const struct rtu_line *line, uint8_t *buf, const char **why);

#endif
