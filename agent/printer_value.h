/*
 * printer_value.h - what a printer's SNMP answer is worth as a reading.
 *
 * A channel's value must be a number SNMP calls one: Counter32 (wraps at
 * 2^32, sent with the reading as the wire contract's "wrap"), Counter64
 * (up to 2^53, what a double holds exactly), Gauge32 or Integer32 (not
 * below zero for a counter: the Printer MIB's -1 other, -2 unknown and -3
 * "at least one" are no counts). noSuchObject, noSuchInstance, a string or
 * anything else is refused with the reason, never read as a number. The unit
 * of a Printer MIB counter is its prtMarkerCounterUnit: 7 (impressions) is
 * "pages", 8 "sheets"; any other unit is refused. A counter that falls is
 * told apart from a Counter32 wrap by the collector's rule (collector/
 * counter.c): a wrap is the shorter way round.
 */
#ifndef GM_PRINTER_VALUE_H
#define GM_PRINTER_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "payload.h"

/* GM_OK with *ret_value and *ret_wrap (0: does not wrap), or GM_ERANGE
 * with the reason in why ("is an OCTET STRING, not a number"). */
int printer_value_read(const netsnmp_variable_list *vb, enum reading_kind kind,
    double *ret_value, double *ret_wrap, char *why, size_t whylen);

/* The unit a prtMarkerCounterUnit names into unit (UNIT_MAX + 1 bytes):
 * GM_OK, or GM_ERANGE with why. */
int printer_value_unit(const netsnmp_variable_list *vb, char *unit, char *why, size_t whylen);

/* A counter's last reading, per channel; zero-initialised. */
struct printer_last {
	bool have;
	double v;
};

enum printer_step { PRINTER_STEP_FIRST, PRINTER_STEP_UP, PRINTER_STEP_WRAP, PRINTER_STEP_BACK };

/* How v follows the last reading (wrap 0: the counter does not wrap); v
 * becomes the last. */
enum printer_step printer_value_step(struct printer_last *last, double v, double wrap);

#endif
