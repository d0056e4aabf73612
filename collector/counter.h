/*
 * counter.h - the amount a cumulative counter counted between two readings.
 *
 * A counter only goes up, except when its register wraps (a uint32 pulse
 * counter after 4294967295), when the device restarts from zero (a pulse
 * module losing power), or when the meter is replaced without anyone saying
 * so (an announced replacement or reset is a meter event: ingest.c).
 *
 * `most` is the most the meter can plausibly have counted between the two
 * readings (its highest rate seen so far times the time between them, with
 * a margin), or NAN while that is not known. A fall is:
 *   - a wrap, when the payload told the modulus, the wrapped difference is
 *     less than half of it, and not more than `most`: counted whole;
 *   - otherwise an unannounced reset. The counter is taken to have restarted
 *     from 0, so what it shows now is what it counted since: counted when
 *     that is not more than `most` (COUNTER_RESET), and counted as 0 when it
 *     is more or `most` is unknown (COUNTER_RESET_UNCOUNTED: a replaced meter
 *     that started at some reading of its own). Either way flagged for
 *     review, never negative or huge use.
 * A float32 counter re-read a hair lower (one part in 10^7) is no fall.
 */
#ifndef GM_COUNTER_H
#define GM_COUNTER_H

enum counter_event { COUNTER_OK, COUNTER_WRAP, COUNTER_RESET, COUNTER_RESET_UNCOUNTED };

/* wrap: the counter's modulus in its unit, or 0 if unknown / never wraps. */
double counter_delta(double prev, double cur, double wrap, double most,
    enum counter_event *ev);

#endif
