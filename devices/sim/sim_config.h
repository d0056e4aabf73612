/*
 * sim_config.h - gm-sim's configuration: where to listen and which meters
 * to simulate behind that one gateway, and how each misbehaves.
 *
 *   [sim]
 *   listen = 127.0.0.1:1502   ; host:port of the Modbus TCP server (port 1502 if absent),
 *                             ; or rtu:/dev/ttyUSB0: Modbus RTU on that serial device
 *   baud = 9600               ; RTU only: 1200 ... 230400 (default 9600)
 *   parity = N                ; RTU only: N, E or O (default N)
 *   data_bits = 8             ; RTU only: 8, the only size RTU has
 *   stop_bits = 1             ; RTU only: 1 or 2 (default 1)
 *   devices = devices         ; directory of model files, relative to the working directory
 *   latency_ms = 0            ; delay before every reply, whatever its size
 *   line = flat               ; flat: latency_ms only; rtu: each answer also takes the
 *                             ; time its request and answer hold an RS-485 bus at baud,
 *                             ; parity, stop_bits (rtu_time.h) -- behind a TCP gateway
 *                             ; too -- and the meter's turnaround
 *   turnaround_ms = 0         ; line = rtu: the meter's time between request and answer
 *   [meter b2-main]           ; meter id
 *   unit = 1                  ; Modbus unit id 1..247, unique in the file
 *   model = sdm630            ; devices/<model>.conf
 *   seed = 42                 ; picks the meter's jitter of the office profile
 *   load = 20                 ; full-office rate, model counter unit per hour
 *   start = 12345.6           ; counter at PROFILE_EPOCH (default 1000 + seed % 50000)
 *   start_at = 2026-01-01     ; optional: `start` is the counter at this local time
 *                             ; instead (keeps a float32 counter small, so fine)
 *   scale.volume_m3 = 0.0005  ; per-channel override of the model's scale
 *   replace_at = 2026-06-15 10:00   ; optional: the meter is replaced then, and
 *   replace_start = 5.5             ; the new one counts on from this (both or
 *                                   ; neither; counter channels, model unit)
 *   load_change_at = 2026-01-01     ; optional: from then on the meter counts at
 *   load_after = 16                 ; this load instead of `load` (both or neither;
 *                                   ; same shape, counter continuous; profile.h)
 *   fault = none              ; none timeout exception reset swap (fault.h)
 *   fault_from = 2026-01-01 08:00   ; optional: the fault applies from then (local
 *   fault_until = @1767250000       ; time or @unix) until before then; reset needs
 *                                   ; fault_from, the moment the counters restarted
 *
 * unit, model, seed and load are required. Every mistake, in this file or in
 * a model file it names, is reported as "file:line: ..."; a config with any
 * is rejected as a whole. Each model is loaded once; meters point at it.
 */
#ifndef GM_SIM_CONFIG_H
#define GM_SIM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "confparse.h"
#include "devmap.h"
#include "fault.h"
#include "profile.h"
#include "topic.h"

#define SIM_UNIT_MAX 247

enum sim_transport { SIM_TCP, SIM_RTU };

struct sim_scale_override {
	char channel[ID_MAX + 1];
	double scale;
	int line;
};

struct sim_meter {
	char id[ID_MAX + 1];
	int unit;                       /* Modbus unit id */
	char model_name[ID_MAX + 1];
	const struct device_model *model; /* one of sim_config.models */
	uint64_t seed;
	double load, start;
	time_t start_at;                /* when the counter equals `start` */
	/* The model's channel scales with this meter's overrides applied. */
	double scale[DEVMAP_MAX_CHANNELS];
	struct profile profile;
	struct fault fault;
	double replace_at;              /* INFINITY: never replaced */
	double replace_start;
	double load_change_at;          /* INFINITY: the load never changes */
	double load_after;

	/* What the file said, and where, for checks after parsing. */
	int line, unit_line, model_line, fault_line, window_line, replace_line,
	    load_change_line;
	bool have_unit, have_model, have_seed, have_load, have_start,
	    have_start_at, have_fault, have_fault_from, have_fault_until,
	    have_replace_at, have_replace_start, have_load_change_at, have_load_after;
	int noverrides;
	struct sim_scale_override overrides[DEVMAP_MAX_CHANNELS];
};

struct sim_config {
	enum sim_transport transport;
	char host[256];                 /* TCP */
	int port;
	char device[1024];              /* RTU: the serial device */
	int baud, data_bits, stop_bits;
	char parity;                    /* 'N', 'E' or 'O', as modbus_new_rtu takes it */
	int serial_line;                /* line of the first RTU-only key, 0 if none */
	char devices[1024];
	int latency_ms;
	bool line_rtu;                  /* line = rtu */
	double turnaround_ms;
	struct sim_meter *meters;
	int nmeters;
	struct device_model *models;
	int nmodels;
};

/* Read `path` into *cfg. Returns the number of errors, each sent to `report`
 * as "file:line: ..."; on errors *cfg is empty. Free with sim_config_free
 * either way. */
int sim_config_load(const char *path, struct sim_config *cfg, conf_report report,
    void *report_user);

void sim_config_free(struct sim_config *cfg);

struct sim_meter *sim_config_meter(const struct sim_config *cfg, const char *id);

#endif
