/*
 * event_send.h - `gm-agent --event`: a person announces that a meter's
 * counter was replaced or reset, and the event goes to the channel's event
 * topic (wire contract, common/meter_event.h) like the agent's readings, so
 * that the collector counts consumption across it instead of flagging it.
 *
 *   gm-agent -c agent.conf --event replaced --meter b3-main --channel import_kwh \
 *       --at "2026-11-21 14:30" --old-final 52311.2 --new-start 0.5 --note "seal 4471"
 *
 * The event is checked by the collector's own decoder before it is sent, and
 * `--at` (local time, Asia/Bangkok; default now) may not be in the future.
 */
#ifndef GM_EVENT_SEND_H
#define GM_EVENT_SEND_H

#include <stddef.h>

#include "meter_event.h"
#include "mqtt_opts.h"
#include "topic.h"

/* The command line's words, NULL when not given. */
struct event_args {
	const char *kind;         /* "replaced" or "reset" */
	const char *meter, *channel;
	const char *at;           /* time_parse_local() form; NULL: now */
	const char *new_start, *old_final, *unit, *note;
};

/* The topic and wire payload (malloc'd) for args at `site`: GM_OK, or
 * GM_EINVAL with what is wrong (naming the option) in err. */
int event_send_build(const struct event_args *a, const char *site, double now,
    char *topic, size_t topic_len, char **payload, char *err, size_t errlen);

/* Build, publish at QoS 1 and wait for the broker (oneshot.h). */
int event_send(const struct mqtt_opts *opts, const struct event_args *a, const char *site,
    int timeout_ms, char *err, size_t errlen);

#endif
