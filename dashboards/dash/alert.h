/*
 * alert.h - the alert hook: for each fault event faults.h raises (opened,
 * reminder, resolved: one for a fault, however many meters it holds), run a
 * command and/or publish an MQTT message, so that a notification service
 * (mail, LINE, a pager) can be attached. Both run on a thread of their own,
 * in the order of the events, so a slow command or an absent broker never
 * holds a scan.
 *
 * Command: /bin/sh -c COMMAND, with the event in its environment (never in
 * its command line): GM_EVENT (opened, reminder, resolved), GM_FAULT (its
 * key: "gateway:gw-4"), GM_SCOPE (collector, site, gateway, meter), GM_WHAT
 * (the site, gateway or site/meter), GM_STATUS (stale, fault; ok when
 * resolved), GM_PREVIOUS, GM_SINCE, GM_COUNT and GM_METERS (its meters,
 * "site/meter" by spaces), GM_TEXT_TH and GM_TEXT_EN (fault_text.h); for a
 * meter's fault of one channel also that channel's GM_CHANNEL
 * "site/meter/channel", GM_SITE, GM_METER, GM_CHANNEL_ID, GM_AGE,
 * GM_LAST_T, GM_LAST_VALUE, GM_UNIT, GM_PROBLEM. It is killed after
 * ALERT_TIMEOUT_S.
 * MQTT: QoS 1 to "<alert_topic>/<site>/<meter>/<channel>" for one channel,
 * else "<alert_topic>/<scope>/<what>" ("<alert_topic>/collector"), a JSON
 * object with the same fields (docs/dashboard.md); kept and sent again
 * while the broker is away.
 * At most ALERT_QUEUE events wait; beyond that the oldest is dropped, and
 * the log says so.
 */
#ifndef GM_ALERT_H
#define GM_ALERT_H

#include <stddef.h>

#include "mqtt_opts.h"
#include "faults.h"
#include "notify.h"
#include "org.h"

#define ALERT_TIMEOUT_S 30
#define ALERT_QUEUE 4096

struct alert;

/* command and topic may be NULL or "" (then that half is off); mqtt and
 * org (NULL: meters by their ids) are borrowed for the alert's lifetime;
 * notify (NULL: none) is the alert's from now on, also when it fails (each
 * event goes to it as well, notify.h). NULL with the reason in err. */
struct alert *alert_new(const char *command, const char *topic, const struct mqtt_opts *mqtt,
    const struct org *org, struct notify *notify, char *err, size_t errlen);
/* Queue one event (copied) and log it; a fault_fn, with the alert as user. */
void alert_fire(void *alert, const struct fault_event *e);
/* Only log it: a fault_fn for a dashboard without alerts. */
void alert_log(void *unused, const struct fault_event *e);
/* Wait up to `wait_s` for the queue to empty, then stop. NULL-safe. */
void alert_free(struct alert *a, double wait_s);
/* Changes handed on so far (command run, message accepted by paho). */
unsigned long alert_sent(struct alert *a);

#endif
