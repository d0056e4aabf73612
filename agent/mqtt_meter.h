/*
 * mqtt_meter.h - meters that publish over MQTT themselves (Tasmota plugs,
 * Shelly relays, print servers), configured in gm-agent's file:
 *
 *   [mqtt_meter plug-3f]
 *   topic = tele/plug-3f/SENSOR   ; the device's topic (exact, no wildcards)
 *   format = tasmota              ; ENERGY.Total kWh -> total_kwh, ENERGY.Power W -> power_w
 *   index = 1                     ; tasmota, optional: element 1 of a multi-channel
 *                                 ; device's arrays ("Total":[1.5,2.25] -> 2.25)
 *
 *   [mqtt_meter pump-relay]
 *   topic = shellies/shelly1pm-pump/relay/0
 *   format = shelly-gen1          ; <topic>/energy (watt-minutes) / 60000 -> total_kwh,
 *                                 ; <topic>/power (W) -> power_w
 *
 *   [mqtt_meter mfp-2f]
 *   topic = printers/mfp-2f/counters
 *   format = json                 ; the default: say what to take
 *   channel.pages = counters.total  ; a JSON path (json_path.h): keys dot-separated,
 *                                   ; [i] for an array element; "." takes a payload
 *                                   ; that is a bare number
 *   unit.pages = pages
 *   kind.pages = counter          ; counter, gauge or delta
 *   scale.pages = 1               ; value = number * scale (default 1); 0.001 and
 *                                 ; 1/60000 divide by 1000 and 60000 (scale.h)
 *   interval = 300                ; optional, any format: seconds between the
 *                                 ; device's messages (Tasmota's TelePeriod), sent
 *                                 ; as the readings' "every" (wire contract)
 *
 * A reading is stamped with the time it arrived and goes to the spool like a
 * polled one, as greenmeter/v1/<site>/<meter id>/<channel>.
 */
#ifndef GM_MQTT_METER_H
#define GM_MQTT_METER_H

#include "confparse.h"
#include "json_path.h"
#include "payload.h"
#include "scale.h"
#include "topic.h"

#define MQTT_METER_MAX_CH 8
#define DEVICE_TOPIC_MAX 256
#define MQTT_INDEX_MAX 63

enum mqtt_format { FORMAT_JSON, FORMAT_TASMOTA, FORMAT_SHELLY_GEN1 };

struct mqtt_chan {
	char name[ID_MAX + 1];
	char topic[DEVICE_TOPIC_MAX];   /* where its value arrives */
	struct json_path path;
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	struct scale scale;
	int line;                       /* where channel.<name> was set */
	bool have_path, have_unit, have_kind;
};

struct mqtt_meter {
	char id[ID_MAX + 1];
	char topic[DEVICE_TOPIC_MAX];
	enum mqtt_format format;
	int index;                      /* tasmota: element of multi-channel arrays */
	int index_line;                 /* where index = was set; 0: not set */
	int nch;
	struct mqtt_chan ch[MQTT_METER_MAX_CH];
	int interval_ms;                /* 0: not given */
	int line;                       /* its [mqtt_meter] header */
};

/* One key of an [mqtt_meter <id>] section (`interval`, which a [meter]
 * has too, is agent_config.c's). */
void mqtt_meter_key(struct conf *c, struct mqtt_meter *m, const char *key, const char *value);
/* After the file: fill in a format's channels and check what is missing. */
void mqtt_meter_resolve(struct conf *c, struct mqtt_meter *m);

#endif
