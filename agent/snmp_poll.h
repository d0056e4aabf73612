/*
 * snmp_poll.h - polling one printer over SNMP (net-snmp's library).
 *
 * Each printer gets its own thread and its own session (net-snmp's single
 * session API, snmp_sess_*). Every channel of its profile, and the unit of
 * each that reads one, is asked in one GET, on wall-clock-aligned slots
 * like a Modbus meter. A value reaches the sink only if it is a reading
 * (printer_value.h); one that is not is logged with printer, host, channel
 * and OID, and the other channels are still published. A printer that does
 * not answer, or refuses the credentials, is logged with printer, host and
 * cause (once, then rarely, and its end once) and asked again after the
 * back-off of poll_sched.h. A counter that falls is published (the
 * collector flags it) and logged.
 *
 * net-snmp's SNMPv3 code keeps its users and engine times in globals that
 * are not thread-safe (its README.thread), so SNMPv3 printers take turns:
 * their requests hold one lock, and a v3 printer that does not answer
 * delays the others' polls by its timeout x attempts at most. SNMPv2c
 * printers never wait for each other. Call snmp_poll_lib_init() once,
 * before any thread starts, and snmp_poll_lib_cleanup() after every poller
 * is freed.
 */
#ifndef GM_SNMP_POLL_H
#define GM_SNMP_POLL_H

#include "printer_conf.h"

struct snmp_poll;

/* Called from the poller's thread for each channel read whose value is a
 * reading, in its unit (the profile's, or as the printer says), with the
 * counter's modulus (0: it does not wrap). */
typedef void (*snmp_poll_sink)(void *user, const struct printer *p, int ch, double t,
    double value, const char *unit, double wrap);

void snmp_poll_lib_init(void);
void snmp_poll_lib_cleanup(void);

/* Borrows p (and its profile) for the poller's lifetime; NULL: no memory. */
struct snmp_poll *snmp_poll_new(const struct printer *p, snmp_poll_sink sink, void *user);
int snmp_poll_start(struct snmp_poll *sp);
void snmp_poll_stop(struct snmp_poll *sp);   /* returns when the thread has ended */
void snmp_poll_free(struct snmp_poll *sp);

#endif
