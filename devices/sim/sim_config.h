/*
 * sim_config.h - gm-sim's configuration: where to listen and which meters
 * to simulate behind that one gateway.
 *
 *   [sim]
 *   listen = 127.0.0.1:1502   ; host:port of the Modbus TCP server (port 1502 if absent)
 *   devices = devices         ; directory of model files, relative to the working directory
 *   latency_ms = 0            ; delay before every reply (an RS485 bus is ~25 ms a request)
 *   [meter b2-main]           ; meter id
 *   unit = 1                  ; Modbus unit id 1..247, unique in the file
 *   model = sdm630            ; devices/<model>.conf
 *   seed = 42                 ; picks the meter's jitter of the office profile
 *   load = 20                 ; full-office rate, model counter unit per hour
 *   start = 12345.6           ; counter at PROFILE_EPOCH (default 1000 + seed % 50000)
 *   start_at = 2026-01-01     ; optional: `start` is the counter at this local time
 *                             ; instead (keeps a float32 counter small, so fine)
 *   scale.volume_m3 = 0.0005  ; per-channel override of the model's scale
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
#include "profile.h"
#include "topic.h"

#define SIM_UNIT_MAX 247

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

	/* What the file said, and where, for checks after parsing. */
	int line, unit_line, model_line;
	bool have_unit, have_model, have_seed, have_load, have_start,
	    have_start_at;
	int noverrides;
	struct sim_scale_override overrides[DEVMAP_MAX_CHANNELS];
};

struct sim_config {
	char host[256];
	int port;
	char devices[1024];
	int latency_ms;
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
