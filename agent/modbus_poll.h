/*
 * modbus_poll.h - polling the meters behind one Modbus TCP gateway.
 *
 * Each gateway (a Modbus TCP host:port, or a serial RTU bus) gets its own thread, so a slow or dead gateway
 * never delays another. Its meters are polled in turn on wall-clock-aligned
 * schedules (a 60 s meter at :00 of every minute), each meter with the
 * fewest requests its register map allows (reqplan.h). Every answer is
 * taken whole within the meter's timeout and checked against its request
 * (mbxfer.h, mbreply.h); only then are its registers decoded, and only a
 * value that is a reading (devmap_read()) reaches the sink. A failed
 * request is logged with meter, gateway, unit, register and what was wrong,
 * a refused value with meter, register and channel; after anything but a
 * good answer or an exception a TCP connection is replaced, so a late frame
 * cannot pass for the next answer. A broken connection is re-opened no less
 * often than the shortest poll interval, so polling resumes within one
 * interval of a gateway coming back.
 */
#ifndef GM_MODBUS_POLL_H
#define GM_MODBUS_POLL_H

#include "agent_config.h"

struct modbus_poll;

/* Called from the poller's thread for every channel read whose value is a
 * reading: finite, and not below zero for a counter. */
typedef void (*mbpoll_sink)(void *user, const struct agent_meter *m, int ch,
    double t, double value);

/* Borrows gw for the poller's lifetime. */
struct modbus_poll *modbus_poll_new(const struct gateway *gw, mbpoll_sink sink, void *user);
/* Borrow `m` for the poller's lifetime. GM_OK or GM_ENOMEM. */
int modbus_poll_add(struct modbus_poll *mp, const struct agent_meter *m);
int modbus_poll_start(struct modbus_poll *mp);
void modbus_poll_stop(struct modbus_poll *mp);   /* returns when the thread has ended */
void modbus_poll_free(struct modbus_poll *mp);
const struct gateway *modbus_poll_gateway(const struct modbus_poll *mp);

#endif
