/*
 * mbxfer.h - one register read sent to a Modbus meter and its answer taken
 * off the wire whole, checked (mbreply.h), within a deadline.
 *
 * Why not libmodbus's modbus_read_registers(): its 3.1.6 (Debian 12) takes
 * TCP replies with a wrong unit id, a protocol id other than 0
 * (_modbus_tcp_pre_check_confirmation tests it with && where || was meant)
 * or an MBAP length that disagrees with the frame; its timeout restarts
 * with every byte, so a reply trickled a byte every 0.4 s is taken after
 * seconds; and modbus_send_raw_request() sends every TCP request with
 * transaction id 0, so a late answer cannot be told from the one awaited.
 * libmodbus still connects (TCP, and the serial line's settings) and frames
 * RTU requests (CRC, RTS); this module sends TCP requests itself with a
 * transaction id of its own, and reads both transports' answers itself on
 * modbus_get_socket() with poll() against one deadline.
 *
 * The deadline: the whole answer within timeout_ms of sending, however it
 * trickles. On a serial line the time the request and the longest right
 * answer take on the wire at the line's speed is added (a 125-register
 * answer is 255 bytes, 266 ms at 9600 baud).
 *
 * After anything but MBXFER_OK or MBXFER_EXCEPTION the link's state is
 * unknown (a late or stray frame may follow): on TCP the caller must close
 * the connection before the next request; on RTU the line has been drained
 * until quiet and its input flushed here.
 */
#ifndef GM_MBXFER_H
#define GM_MBXFER_H

#include <modbus.h>

#include "agent_config.h"
#include "mbreply.h"

enum mbxfer_result {
	MBXFER_OK,          /* regs hold the answer */
	MBXFER_EXCEPTION,   /* the meter said no; why names the exception */
	MBXFER_BAD,         /* an answer that is not the answer (why says what is wrong) */
	MBXFER_TIMEOUT,     /* nothing, or not all of it, by the deadline */
	MBXFER_CLOSED,      /* the gateway closed the connection */
	MBXFER_IO,          /* the socket or line failed (why has strerror) */
};

/* Send q on ctx (connected; gw says which transport and line speed) and
 * take its answer. q->tid is the TCP transaction id (the caller numbers its
 * requests). why (printable, for the log) is filled for every result but
 * MBXFER_OK. */
enum mbxfer_result mbxfer_read(modbus_t *ctx, const struct gateway *gw, const struct mbreq *q,
    int timeout_ms, uint16_t *regs, char *why, size_t whylen);

/* TCP: bytes already waiting on the connection before a request is sent
 * (none should: they are a late or stray frame), 0 if none, -1 if the
 * gateway has closed it. */
int mbxfer_pending(modbus_t *ctx);

#endif
