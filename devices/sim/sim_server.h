/*
 * sim_server.h - what the simulated meters show: one channel at one time
 * (gm-sim --truth), over a span of time as wire-contract payloads (gm-sim
 * --history), and live, through a gateway that serves every meter of a
 * sim.conf by unit id: over Modbus TCP to many clients at once, or over
 * Modbus RTU on one serial line (see rtu_frame.h for how).
 *
 * A channel's value comes from the meter's profile and the channel's sim
 * role: counter = profile_counter * sim_scale, rate = profile_rate *
 * sim_scale, constant = sim_scale; a reset fault (fault.h) takes the
 * counter at the reset away. What a client reads is that value after
 * devmap_encode() into the channel's registers (float32 rounding, integer
 * steps, 32-bit wraps; a swap fault's word order) and decoded as the model
 * says, which is what sim_server_shown() returns, so a test can compare the two
 * exactly. A unit that is not configured, or whose fault is timeout, gets
 * no reply at all, as on a real bus; an exception fault answers every
 * request with exception 4 (SERVER DEVICE FAILURE).
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
struct channel_def sim_server_channel(const struct sim_meter *m, int i);

/* The channel's exact value at unix time t, in its unit (reset faults applied). */
double sim_server_truth(const struct sim_meter *m, const struct channel_def *ch, double t);

/* The value as the register shows it: encoded into the registers and decoded back. */
/* What a counter channel counted in [from, to) whatever the meter shows
 * (resets and replacements do not change what was used); NAN for others. */
double sim_server_used(const struct sim_meter *m, const struct channel_def *ch, double from,
    double to);

double sim_server_shown(const struct sim_meter *m, const struct channel_def *ch, double t);

/* Readings at from, from + step ... < to, as the register shows them, written
 * to `out` as wire-contract payloads one a line, SIMSRV_BATCH readings at most
 * each, seq 1, 2, 3 ...; for mosquitto_pub -l. GM_EIO if writing fails. */
#define SIMSRV_BATCH 1000
int sim_server_history(FILE *out, const struct sim_meter *m, const struct channel_def *ch,
    double from, double to, double step);

/* Switches the caller's signal handlers set and the server reads between
 * waits: it blocks SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 except while it
 * waits, so none can slip in between its look at them and the wait. */
struct simsrv_switches {
	volatile sig_atomic_t stop;   /* SIGINT, SIGTERM: stop serving */
	volatile sig_atomic_t dead;   /* SIGUSR1 sets, SIGUSR2 clears: a hung gateway,
	                               * which reads every request and answers none
	                               * (TCP connections stay open) */
};

/* Listen on cfg's host:port, or open its serial device, and serve until
 * sw->stop is set. freeze > 0 fixes the simulated time at that unix time; 0
 * follows the wall clock. Returns GM_OK once stopped, or GM_EIO / GM_ENOMEM
 * with the reason in err if it cannot listen or serve; everything it made is
 * freed (and a serial port's settings restored) either way. */
int sim_server_run(const struct sim_config *cfg, double freeze, struct simsrv_switches *sw,
    char *err, size_t errlen);

#endif
