/*
 * devmap.h - meter models as data: the register map of a meter model, read
 * from devices/<model>.conf by both gm-agent (to decode) and gm-sim (to
 * encode), so the two cannot disagree.
 *
 *   [model]
 *   description = Eastron SDM630 three-phase energy meter
 *   max_gap = 32          ; registers a merged read may span that are unused
 *   [channel import_kwh]
 *   function = 4          ; 3 holding, 4 input registers
 *   address = 0x0048      ; 0-based protocol address
 *   type = float32        ; int16 uint16 int32 uint32 int64 uint64 float32 float64
 *   order = abcd          ; abcd cdab badc dcba
 *   unit = kWh
 *   kind = counter        ; counter gauge delta
 *   scale = 1             ; value = raw * scale + offset
 *   offset = 0
 *   sim = counter         ; gm-sim: counter (accumulated use), rate, constant
 *   sim_scale = 1         ; gm-sim: multiplies the simulated rate/counter
 */
#ifndef GM_DEVMAP_H
#define GM_DEVMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "confparse.h"
#include "payload.h"
#include "registers.h"
#include "topic.h"

#define DEVMAP_MAX_CHANNELS 32

enum sim_role { SIM_COUNTER, SIM_RATE, SIM_CONSTANT };

struct channel_def {
	char name[ID_MAX + 1];
	int function;           /* 3 or 4 */
	uint16_t address;
	enum reg_type type;
	enum word_order order;
	double scale, offset;
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	enum sim_role sim;
	double sim_scale;
};

struct device_model {
	char name[ID_MAX + 1];
	char description[128];
	int max_gap;
	int nchannels;
	struct channel_def channels[DEVMAP_MAX_CHANNELS];
};

/* Load devices_dir/<model>.conf (model must be a valid id). Errors go to
 * `report` as "file:line: ..."; returns the number of errors. */
int devmap_load(const char *devices_dir, const char *model, struct device_model *out,
    conf_report report, void *report_user);

const struct channel_def *devmap_channel(const struct device_model *m, const char *name);

/* The channel's raw register value turned into its unit, and back. */
double devmap_value(const struct channel_def *ch, const uint16_t *regs);
void devmap_encode(const struct channel_def *ch, double value, uint16_t *regs);

/* The channel's value, if it is a reading: GM_OK with *ret_value; GM_ERANGE
 * with the reason in why (printable ASCII) if the registers hold no number
 * registers_check() accepts, if scale and offset carry it past what a double
 * holds, or if a counter is below zero ("a counter cannot be negative
 * (-5)"): a counter's NaN is not a reading, nor is a count below nothing. */
int devmap_read(const struct channel_def *ch, const uint16_t *regs, double *ret_value,
    char *why, size_t whylen);

/* The counter's modulus in the channel's unit (0 if it does not wrap). */
double devmap_wrap(const struct channel_def *ch);

#endif
