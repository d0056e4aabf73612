/*
 * dash_config.h - gm-dashboard's configuration (INI; docs/dashboard.md).
 *
 *   [dashboard]
 *   listen = 127.0.0.1:8080        ; host:port; any other address only when told
 *   data_dir = /var/lib/greenmeter/rrd
 *   status_file = /run/greenmeter/collector.status  ; the collector's registry
 *   org = /etc/greenmeter/organisation.ini          ; optional: unit pages
 *   reports_dir = /var/lib/greenmeter/reports       ; optional: reports page
 *   rrdcached = unix:/run/rrdcached.sock            ; optional: flush before reading
 *   refresh = 30          ; seconds between a page's own reloads
 *   scan = 5              ; seconds between reads of the status file (staleness)
 *   usage_every = 60      ; seconds between recomputing today's and the month's use
 *   units_every = 300     ; seconds between recomputing the unit figures
 *   threads = 4           ; HTTP worker threads
 *   max_connections = 1024 ; open connections in all (more wait to be accepted)
 *   max_per_ip = 32       ; from one address (more are closed at once); 0: no limit
 *   idle_timeout = 10     ; seconds a connection may send and take nothing
 *   tls_cert = /etc/greenmeter/dashboard.crt ; HTTPS itself (GnuTLS), with tls_key;
 *   tls_key = /etc/greenmeter/dashboard.key  ; else plain HTTP (behind a proxy)
 *   alert_command = /usr/local/bin/notify-facilities  ; optional (alert.h)
 *   alert_topic = greenmeter/alerts                   ; optional, needs [mqtt]
 *   alert_state = /var/lib/greenmeter/alerts.json     ; open faults, kept across restarts
 *   alert_settle = 0      ; seconds a fault lasts before it is said, at least (faults.h)
 *   alert_remind = 0      ; seconds between reminders while a fault lasts; 0: none
 *   alert_quiet = 22:00-07:00 ; LINE and mail wait out these hours (notify_config.h)
 *   notify_retry = 10     ; seconds before a failed LINE, mail or webhook try is made
 *                         ; again (then twice that, ... up to 10 minutes)
 *   report_program = /usr/bin/gm-report ; what makes a report set again on request
 *                         ; (report_run.h); default: gm-report beside gm-dashboard
 *   report_pdf = yes      ; ... with its PDFs
 *   [mqtt]                ; common/mqtt_opts.h: only for alert_topic
 *   [line], [mail], [webhook] ; where alerts go (notify_config.h)
 *   [accounts]            ; sign-in (access.h)
 */
#ifndef GM_DASH_CONFIG_H
#define GM_DASH_CONFIG_H

#include <stdbool.h>

#include "access.h"
#include "directory.h"
#include "confparse.h"
#include "mqtt_opts.h"
#include "notify_config.h"

struct dash_config {
	char host[256];
	int port;
	char data_dir[1024];
	char status_file[1024];
	char org[1024];
	char reports_dir[1024];
	char rrdcached[512];
	int refresh_s;
	double scan_s, usage_every_s, units_every_s;
	int threads;
	int max_connections, max_per_ip, idle_timeout_s;   /* http_server.h http_limits */
	char tls_cert[1024], tls_key[1024];   /* PEM files: HTTPS itself; "": plain HTTP */
	char alert_command[1024];
	char report_program[1024];   /* "": gm-report beside this program */
	bool report_pdf;
	char alert_topic[256];
	char alert_state[1024];
	double alert_settle_s, alert_remind_s;
	double notify_retry_s;     /* the first wait before a failed notification is tried again */
	bool have_mqtt;            /* the file had an [mqtt] section */
	struct mqtt_opts mqtt;
	struct notify_config notify;   /* [line], [mail], [webhook] */
	struct access_config access;   /* [accounts] */
	struct directory_config ldap;  /* [ldap] */
};

/* Defaults, then the file when path is not NULL. Returns the number of
 * mistakes, each reported as "path:line: ...". */
int dash_config_load(const char *path, struct dash_config *cfg, conf_report report,
    void *report_user);

/* "HOST:PORT" or "[v6]:PORT" (port 8080 when left out) into cfg; 0, or the
 * number of mistakes, reported as "--listen: ...". */
int dash_config_listen(const char *s, struct dash_config *cfg, conf_report report,
    void *report_user);

/* What the file alone cannot check (after command-line overrides): a data
 * directory is given, alert_topic has a broker, the connection limits
 * agree (max_per_ip and threads at most max_connections). Same reporting. */
int dash_config_check(const struct dash_config *cfg, conf_report report, void *report_user);

#endif
