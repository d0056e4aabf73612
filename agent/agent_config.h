/*
 * agent_config.h - gm-agent's configuration (INI; see docs/configuration.md).
 *
 *   [agent]
 *   site = parliament             ; the site id in every topic
 *   devices = /usr/share/greenmeter/devices
 *   spool_dir = /var/lib/greenmeter/spool   ; (the default) where readings wait
 *                                 ; for the broker's acknowledgement (see spool.h)
 *   spool_max_mb = 1024           ; disk the spool may use (about 100 bytes a reading)
 *   spool_sync_ms = 1000          ; fsync at least this often: what a power cut may lose
 *   [mqtt]                        ; see common/mqtt_opts.h
 *   [meter b2-main]               ; one section per meter; the id is the meter id
 *   model = sdm630                ; devices/<model>.conf
 *   host = 10.0.0.7:502           ; Modbus TCP gateway (meters on one host:port
 *                                 ; share a connection and are polled in turn)
 *   device = /dev/ttyUSB0         ; or Modbus RTU on a serial line (one bus per device),
 *   baud = 9600                   ;   with baud, parity (none even odd), data_bits (7 8)
 *   parity = none                 ;   and stop_bits (1 2); defaults 9600 none 8 1
 *   unit = 1                      ; Modbus unit (slave) id
 *   interval = 60                 ; seconds between polls (0.1 .. 86400)
 *   timeout = 1                   ; seconds the whole answer may take (mbxfer.h)
 *   retries = 1                   ; extra attempts after no answer or a bad one
 *   channels = import_kwh power_w ; optional subset of the model's channels
 *   scale.volume_m3 = 0.0005      ; optional per-channel scale override
 *   [mqtt_meter plug-3f]          ; a meter that publishes itself: mqtt_meter.h
 *   interval = 300                ; optional there: seconds between its messages
 *   [printer mfp-2f]              ; a printer read over SNMP: printer_conf.h
 *
 * agent_config_load() reports every mistake as file:line and returns their
 * count; a config with errors is never used.
 */
#ifndef GM_AGENT_CONFIG_H
#define GM_AGENT_CONFIG_H

#include <stdbool.h>

#include "confparse.h"
#include "devmap.h"
#include "rtu_time.h"
#include "mqtt_meter.h"
#include "mqtt_opts.h"
#include "printer_conf.h"
#include "topic.h"

/* Where a meter is reached: a Modbus TCP gateway, or a serial RTU bus. */
enum gw_kind { GW_TCP, GW_RTU };

struct gateway {
	enum gw_kind kind;
	char host[256];        /* TCP */
	int port;
	char device[256];      /* RTU: /dev/ttyUSB0 */
	int baud;
	char parity;           /* 'N', 'E' or 'O' */
	int data_bits, stop_bits;
	char name[300];        /* "10.0.0.7:502" or "/dev/ttyUSB0", for logs */
};

struct agent_meter {
	char id[ID_MAX + 1];
	const struct device_model *model;
	struct gateway gw;
	int unit;
	int interval_ms;
	int timeout_ms;
	int retries;
	int nch;
	struct channel_def *ch;    /* the polled channels, overrides applied */
	struct rtu_bus bus;       /* the RS-485 bus it answers on; baud 0: not known */
	int line;                  /* where the [meter] section starts */
};

struct agent_config {
	char path[1024];
	char site[ID_MAX + 1];
	char devices_dir[1024];
	char spool_dir[1024];
	long spool_max_mb;
	long spool_sync_ms;
	struct mqtt_opts mqtt;
	int nmodels;
	struct device_model *models;   /* each model file loaded once */
	int nmeters;
	struct agent_meter *meters;
	int nmqtt;
	struct mqtt_meter *mqtt_meters;  /* see mqtt_meter.h */
	int nprinters;
	struct printer *printers;        /* see printer_conf.h */
	int nprofiles;
	struct printer_profile *profiles;   /* each profile file loaded once */
};

/* The same bus or gateway (one connection and one polling thread). */
bool agent_config_gateway_same(const struct gateway *a, const struct gateway *b);

int agent_config_load(const char *path, struct agent_config *cfg, conf_report report,
    void *report_user);
void agent_config_free(struct agent_config *cfg);

/* The seconds expected between a meter's readings, sent with them as the
 * wire contract's "every": a [meter]'s poll interval, an [mqtt_meter]'s
 * `interval`, rounded up to whole seconds; 0 when not known (an
 * [mqtt_meter] without `interval`, a meter not in cfg). */
long agent_config_every(const struct agent_config *cfg, const char *meter);

#endif
