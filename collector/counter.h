/*
 * counter.h - the amount a cumulative counter counted between two readings.
 *
 * A counter only goes up, except when its register wraps (a uint32 pulse
 * counter after 4294967295), when the device restarts from zero (a pulse
 * module losing power), or when the meter is replaced. A wrap is recognised
 * when the payload told the modulus and the wrapped difference is less than
 * half of it. Any other fall is a reset: it counts as 0 and is flagged for
 * review, never as negative or huge use.
 */
#ifndef GM_COUNTER_H
#define GM_COUNTER_H

enum counter_event { COUNTER_OK, COUNTER_WRAP, COUNTER_RESET };

/* wrap: the counter's modulus in its unit, or 0 if unknown / never wraps. */
double counter_delta(double prev, double cur, double wrap, enum counter_event *ev);

#endif
