/*
 * alert.h - the alert hook: for each status change stale_watch reports, run
 * a command and/or publish an MQTT message, so that a notification service
 * (mail, LINE, a pager) can be attached. Both run on a thread of their own,
 * in the order of the changes, so a slow command or an absent broker never
 * holds a scan.
 *
 * Command: /bin/sh -c COMMAND, with the change in its environment (never
 * in its command line): GM_CHANNEL "site/meter/channel", GM_SITE, GM_METER,
 * GM_CHANNEL_ID, GM_STATUS (ok, stale, fault), GM_PREVIOUS ("" on the first
 * look), GM_AGE (seconds since the last reading, "" if none), GM_LAST_T,
 * GM_LAST_VALUE, GM_UNIT, GM_PROBLEM. It is killed after ALERT_TIMEOUT_S.
 * MQTT: topic "<alert_topic>/<site>/<meter>/<channel>", QoS 1, a JSON object
 * with the same fields (docs/dashboard.md); kept and sent again while the
 * broker is away.
 * At most ALERT_QUEUE changes wait; beyond that the oldest is dropped, and
 * the log says so.
 */
#ifndef GM_ALERT_H
#define GM_ALERT_H

#include <stddef.h>

#include "mqtt_opts.h"
#include "stale_watch.h"

#define ALERT_TIMEOUT_S 30
#define ALERT_QUEUE 4096

struct alert;

/* command and topic may be NULL or "" (then that half is off); mqtt is
 * borrowed for the alert's lifetime. NULL with the reason in err. */
struct alert *alert_new(const char *command, const char *topic, const struct mqtt_opts *mqtt,
    char *err, size_t errlen);
/* Queue one change (copied); a watch_fn, with the alert as user. */
void alert_fire(void *alert, const struct watch_change *c);
/* Wait up to `wait_s` for the queue to empty, then stop. NULL-safe. */
void alert_free(struct alert *a, double wait_s);
/* Changes handed on so far (command run, message accepted by paho). */
unsigned long alert_sent(struct alert *a);

#endif
