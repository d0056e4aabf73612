/* mbxfer.c - a register read and its whole, checked answer within one deadline. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbxfer.h"
#include "timeutil.h"

#define RTU_SILENCE_MIN_MS 20   /* a pty or USB adapter delivers in bursts */
#define RTU_DRAIN_MAX_MS 1000   /* a line that never goes quiet is not waited out */

/* Until fd is ready for `events` or the deadline: 1 ready (or in error: the
 * read or send says which), 0 the deadline passed, -1 poll failed. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mono_ms();
		struct pollfd p = { .fd = fd, .events = events };
		int rc;

		if (left <= 0)
			return 0;
		rc = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

static bool gone(int err)
{
	return err == ECONNRESET || err == EPIPE || err == ENOTCONN || err == ECONNABORTED;
}

static enum mbxfer_result tcp_send(int fd, const uint8_t *b, size_t n, int64_t deadline,
    int timeout_ms, char *why, size_t whylen)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = send(fd, b + off, n - off, MSG_NOSIGNAL);
		int rc;
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && gone(errno)) {
			snprintf(why, whylen, "connection closed by the gateway before the request");
			return MBXFER_CLOSED;
		}
		if (w == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			snprintf(why, whylen, "cannot send the request: %s", strerror(errno));
			return MBXFER_IO;
		}
		if ((rc = wait_fd(fd, POLLOUT, deadline)) == 0) {
			snprintf(why, whylen, "cannot send the request within %d ms", timeout_ms);
			return MBXFER_TIMEOUT;
		}
		if (rc < 0) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			return MBXFER_IO;
		}
	}
	return MBXFER_OK;
}

/* Does the frame say how long it is yet? Until then a short count is told
 * against the length of the right answer. */
static size_t frame_total(enum mbreply_transport tr, const struct mbreq *q,
    const uint8_t *b, size_t have, const struct mbreply *rep)
{
	bool known = tr == MBREPLY_TCP ? have >= 7 : have >= 3 || (have == 2 && (b[1] & 0x80));

	return known ? rep->want : mbreply_answer_len(tr, q);
}

/* Read until mbreply has a verdict, the deadline passes or the link fails. */
static enum mbxfer_result receive(int fd, enum mbreply_transport tr, const struct mbreq *q,
    int64_t deadline, int timeout_ms, uint16_t *regs, struct mbreply *rep, char *why,
    size_t whylen)
{
	uint8_t buf[MBREPLY_TCP_MAX];
	const char *closed = tr == MBREPLY_TCP ? "connection closed" : "the serial line hung up";
	size_t have = 0;

	while (mbreply_check(tr, q, buf, have, regs, rep) == MBREPLY_MORE) {
		size_t total = frame_total(tr, q, buf, have, rep);
		ssize_t n;
		int rc = wait_fd(fd, POLLIN, deadline);
		if (rc == 0 && have == 0) {
			snprintf(why, whylen, "no answer within %d ms", timeout_ms);
			return MBXFER_TIMEOUT;
		}
		if (rc == 0) {
			snprintf(why, whylen, "only %zu of %zu bytes within %d ms", have, total,
			    timeout_ms);
			return MBXFER_TIMEOUT;
		}
		if (rc < 0) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			return MBXFER_IO;
		}
		/* No more than the frame needs: what follows it is looked at apart. */
		n = read(fd, buf + have, rep->want - have);
		if (n > 0) {
			have += (size_t)n;
		} else if (n == 0 || gone(errno)) {
			if (have == 0)
				snprintf(why, whylen, "%s by the gateway before an answer", closed);
			else
				snprintf(why, whylen, "%s after %zu of %zu bytes", closed, have, total);
			return MBXFER_CLOSED;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(why, whylen, "read: %s", strerror(errno));
			return MBXFER_IO;
		}
	}
	if (rep->verdict == MBREPLY_BAD) {
		snprintf(why, whylen, "%s", rep->why);
		return MBXFER_BAD;
	}
	return MBXFER_OK;
}

int mbxfer_pending(modbus_t *ctx)
{
	uint8_t buf[MBREPLY_TCP_MAX];
	ssize_t n = recv(modbus_get_socket(ctx), buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);

	if (n > 0)
		return (int)n;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return -1;
}

static enum mbxfer_result tcp_read(modbus_t *ctx, const struct mbreq *q, int timeout_ms,
    uint16_t *regs, char *why, size_t whylen)
{
	int fd = modbus_get_socket(ctx), extra;
	int64_t deadline = mono_ms() + timeout_ms;
	uint8_t req[MBREPLY_TCP_REQUEST_LEN];
	struct mbreply rep;
	enum mbxfer_result r;

	mbreply_tcp_request(q, req);
	if ((r = tcp_send(fd, req, sizeof(req), deadline, timeout_ms, why, whylen)) != MBXFER_OK)
		return r;
	if ((r = receive(fd, MBREPLY_TCP, q, deadline, timeout_ms, regs, &rep, why, whylen)) !=
	    MBXFER_OK)
		return r;
	/* A whole frame and more: the framing cannot be trusted, nor the frame. */
	if ((extra = mbxfer_pending(ctx)) > 0) {
		snprintf(why, whylen, "%d unexpected bytes after the reply", extra);
		return MBXFER_BAD;
	}
	if (rep.verdict == MBREPLY_EXCEPTION) {
		snprintf(why, whylen, "%s", rep.why);
		return MBXFER_EXCEPTION;
	}
	return MBXFER_OK;
}

/* How long n characters take on the line, in whole milliseconds. */
static int64_t wire_ms(const struct gateway *gw, size_t n)
{
	int bits = 1 + gw->data_bits + (gw->parity != 'N') + gw->stop_bits;

	return ((int64_t)n * bits * 1000 + gw->baud - 1) / gw->baud;
}

/* Throw away what comes until the line is quiet, then what the driver
 * holds, so the next answer is read from its first byte. */
static void rtu_drain(modbus_t *ctx, const struct gateway *gw)
{
	int fd = modbus_get_socket(ctx);
	int64_t silence = wire_ms(gw, 4), end = mono_ms() + RTU_DRAIN_MAX_MS;
	uint8_t junk[MBREPLY_RTU_MAX];

	if (silence < RTU_SILENCE_MIN_MS)
		silence = RTU_SILENCE_MIN_MS;
	while (mono_ms() < end && wait_fd(fd, POLLIN, mono_ms() + silence) > 0 &&
	    read(fd, junk, sizeof(junk)) > 0)
		;
	modbus_flush(ctx);
}

static enum mbxfer_result rtu_read(modbus_t *ctx, const struct gateway *gw,
    const struct mbreq *q, int timeout_ms, uint16_t *regs, char *why, size_t whylen)
{
	uint8_t req[MBREPLY_RTU_REQUEST_LEN];
	int64_t deadline;
	struct mbreply rep;
	enum mbxfer_result r;

	modbus_flush(ctx);   /* noise on the line is not the answer's first byte */
	mbreply_rtu_request(q, req);
	if (modbus_send_raw_request(ctx, req, sizeof(req)) < 0) {
		snprintf(why, whylen, "cannot send the request: %s", modbus_strerror(errno));
		return MBXFER_IO;
	}
	deadline = mono_ms() + timeout_ms + wire_ms(gw, sizeof(req) + 2 +
	    mbreply_answer_len(MBREPLY_RTU, q));
	r = receive(modbus_get_socket(ctx), MBREPLY_RTU, q, deadline, timeout_ms, regs, &rep,
	    why, whylen);
	if (r == MBXFER_OK && rep.verdict == MBREPLY_EXCEPTION) {
		snprintf(why, whylen, "%s", rep.why);
		return MBXFER_EXCEPTION;
	}
	if (r != MBXFER_OK && r != MBXFER_IO && r != MBXFER_CLOSED)
		rtu_drain(ctx, gw);
	return r;
}

enum mbxfer_result mbxfer_read(modbus_t *ctx, const struct gateway *gw, const struct mbreq *q,
    int timeout_ms, uint16_t *regs, char *why, size_t whylen)
{
	why[0] = '\0';
	if (gw->kind == GW_TCP)
		return tcp_read(ctx, q, timeout_ms, regs, why, whylen);
	return rtu_read(ctx, gw, q, timeout_ms, regs, why, whylen);
}
