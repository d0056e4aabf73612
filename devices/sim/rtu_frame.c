/* rtu_frame.c - whole Modbus RTU requests off a serial line: length by function code, then CRC. */
#include <errno.h>
#include <stdbool.h>
#include <sys/select.h>
#include <unistd.h>

#include "crc16.h"
#include "rtu_frame.h"
#include "timeutil.h"

#define BYTE_TIMEOUT_MS 500   /* libmodbus's default byte timeout */
#define SILENCE_MIN_MS 20
#define DRAIN_MAX_MS 1000     /* a line that never goes quiet is not waited out */

void rtu_frame_line_init(struct rtu_line *line, int fd, int baud, int bits)
{
	/* 3.5 characters, rounded up to a whole millisecond */
	int silence = (int)((35LL * bits * 1000 + 10LL * baud - 1) / (10LL * baud));

	line->fd = fd;
	line->byte_timeout_ms = BYTE_TIMEOUT_MS;
	line->silence_ms = silence > SILENCE_MIN_MS ? silence : SILENCE_MIN_MS;
}

/* Bytes between the function code and the counted data (or the CRC), for
 * the functions libmodbus's modbus_reply() serves; *counted: the last of
 * them is a byte count of data that follows. -1 for any other function. */
static int meta_length(uint8_t function, bool *counted)
{
	*counted = false;
	switch (function) {
	case 0x01: case 0x02: case 0x03: case 0x04: /* read: address, quantity */
	case 0x05: case 0x06:                       /* write one: address, value */
		return 4;
	case 0x07: case 0x11:                       /* exception status, server id */
		return 0;
	case 0x0f: case 0x10:                       /* write many: address, quantity, count */
		*counted = true;
		return 5;
	case 0x16:                                  /* mask write: address, AND, OR */
		return 6;
	case 0x17:                                  /* read/write: 2 addresses, 2 quantities, count */
		*counted = true;
		return 9;
	}
	return -1;
}

int rtu_frame_length(const uint8_t *b, int have)
{
	bool counted;
	int meta;

	if (have < 2)
		return 2;   /* unit id and function code come first */
	if ((meta = meta_length(b[1], &counted)) < 0)
		return -1;
	/* Until the byte count is in, the frame is at least as long as one without data. */
	return 2 + meta + (counted && have >= 2 + meta ? b[1 + meta] : 0) + 2;
}

/* Up to n bytes that arrive within ms: how many, 0 if none came, -1 with
 * errno if the line failed or was closed. */
static int read_within(int fd, uint8_t *p, int n, int ms)
{
	int64_t end = mono_ms() + ms;

	for (;;) {
		int64_t left = end - mono_ms();
		struct timeval tv = { (time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000 };
		fd_set set;
		ssize_t got;
		int rc;

		if (left < 0)
			return 0;
		FD_ZERO(&set);
		FD_SET(fd, &set);
		if ((rc = select(fd + 1, &set, NULL, NULL, &tv)) == 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc < 0)
			continue;
		if ((got = read(fd, p, (size_t)n)) > 0)
			return (int)got;
		if (got == 0) {   /* readable yet empty: the other end hung up */
			errno = EIO;
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

/* Throw away what comes until the line is quiet, so that the next read
 * starts at the start of a frame. */
static int drain(const struct rtu_line *line)
{
	uint8_t junk[RTU_FRAME_MAX];
	int64_t end = mono_ms() + DRAIN_MAX_MS;
	int n;

	while ((n = read_within(line->fd, junk, sizeof(junk), line->silence_ms)) > 0 &&
	    mono_ms() < end)
		;
	return n < 0 ? -1 : 0;
}

int rtu_frame_read(const struct rtu_line *line, uint8_t *buf, const char **why)
{
	int have = 0, want, n = 0;

	while ((want = rtu_frame_length(buf, have)) > have) {
		if (want > RTU_FRAME_MAX) {
			*why = "longer than an RTU frame can be";
			return drain(line);
		}
		if ((n = read_within(line->fd, buf + have, want - have, line->byte_timeout_ms)) < 0)
			return -1;
		if (n == 0) {
			*why = "cut short (the line went quiet inside it)";
			return 0;
		}
		have += n;
	}
	if (want < 0) {
		/* A function we cannot measure: the frame ends when the line goes quiet. */
		while (have < RTU_FRAME_MAX &&
		    (n = read_within(line->fd, buf + have, RTU_FRAME_MAX - have, line->silence_ms)) > 0)
			have += n;
		if (n < 0)
			return -1;
	}
	if (have < 4 ||
	    crc16_modbus(buf, (size_t)have - 2) != (uint16_t)(buf[have - 2] | buf[have - 1] << 8)) {
		*why = "bad CRC";
		return drain(line);
	}
	return have;
}
