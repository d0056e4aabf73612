/*
 * collector_config.h - gm-collector's configuration (INI).
 *
 *   [collector]
 *   data_dir = /var/lib/greenmeter/rrd   ; RRD files go below here
 *   subscribe = greenmeter/v1/#          ; or $share/<group>/greenmeter/v1/#
 *   max_future = 300                     ; seconds a reading may be ahead of our clock
 *   status_file = /run/greenmeter/collector.status   ; optional: per-channel counters
 *   fault_hold = 600                     ; seconds a channel shows "fault" after a
 *                                        ; refused or flagged message
 *   arrivals = 20                        ; readings per channel the status file keeps
 *                                        ; as they came (0..20; status_file.h)
 *   write_delay = 5                      ; seconds rows may wait to be written together
 *                                        ; (store_queue.h; not in a shared group)
 *   rrdcached = unix:/run/rrdcached.sock ; optional: write through rrdcached
 *                                        ; (or host:port; see rrd_backend.h)
 *   [mqtt]                               ; see common/mqtt_opts.h; client_id must be
 *                                        ; stable: the broker keeps its queue by it
 */
#ifndef GM_COLLECTOR_CONFIG_H
#define GM_COLLECTOR_CONFIG_H

#include "confparse.h"
#include "mqtt_opts.h"

struct collector_config {
	char data_dir[1024];
	char subscribe[512];
	char status_file[1024];
	char rrdcached[512];     /* "": librrd writes the files itself */
	double max_future_s;
	double fault_hold_s;
	double write_delay_s;
	unsigned arrivals;       /* readings kept per channel as they came (status file) */
	struct mqtt_opts mqtt;
};

int collector_config_load(const char *path, struct collector_config *cfg,
    conf_report report, void *report_user);

#endif
