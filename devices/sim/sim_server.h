/*
 * sim_server.h - what the simulated meters show: one channel at one time
 * (gm-sim --truth), over a span of time as wire-contract payloads (gm-sim
 * --history), and live, through a Modbus TCP gateway that serves every
 * meter of a sim.conf by unit id to many clients at once.
 *
 * A channel's value comes from the meter's profile and the channel's sim
 * role: counter = profile_counter * sim_scale, rate = profile_rate *
 * sim_scale, constant = sim_scale. What a client reads is that value after
 * devmap_encode() into the channel's registers (float32 rounding, integer
 * steps, 32-bit wraps), which is what simsrv_shown() returns, so a test can
 * compare the two exactly.
 */
#ifndef GM_SIM_SERVER_H
#define GM_SIM_SERVER_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "devmap.h"
#include "sim_config.h"

/* Channel i of meter m as this meter has it: the model's definition with the
 * meter's scale override applied. */
struct channel_def simsrv_channel(const struct sim_meter *m, int i);

/* The channel's exact value at unix time t, in its unit. */
double simsrv_truth(const struct sim_meter *m, const struct channel_def *ch, double t);

/* The value as the register shows it: encoded into the registers and decoded back. */
double simsrv_shown(const struct sim_meter *m, const struct channel_def *ch, double t);

/* Readings at from, from + step ... < to, as the register shows them, written
 * to `out` as wire-contract payloads one a line, SIMSRV_BATCH readings at most
 * each, seq 1, 2, 3 ...; for mosquitto_pub -l. GM_EIO if writing fails. */
#define SIMSRV_BATCH 1000
int simsrv_history(FILE *out, const struct sim_meter *m, const struct channel_def *ch,
    double from, double to, double step);

/* Listen on cfg's host:port and serve until *stop is set (by the caller's
 * SIGINT/SIGTERM handlers: the server blocks those two signals except while
 * it waits, so one cannot slip in between its check of *stop and the wait).
 * freeze > 0 fixes the simulated time at that unix time; 0 follows the wall
 * clock. Returns GM_OK once stopped, or GM_EIO / GM_ENOMEM with the reason
 * in err if it cannot listen or serve; everything it made is freed either way. */
int simsrv_run(const struct sim_config *cfg, double freeze, volatile sig_atomic_t *stop,
    char *err, size_t errlen);

#endif
