/*
 * oneshot.h - a short-lived connection that publishes a few messages at
 * QoS 1 and waits until the broker has acknowledged every one: what
 * `gm-agent --import` and `gm-agent --event` send, and gm-dashboard's monthly entries.
 *
 * It connects as "<client_id>-cli-<pid>" with a clean session: a gm-agent
 * running with the configured client id keeps its connection, and the
 * broker keeps that agent's persistent session (a second connection under
 * the same id would throw the agent off and, being clean, wipe its queue).
 */
#ifndef GM_ONESHOT_H
#define GM_ONESHOT_H

#include <stddef.h>

#include "mqtt_opts.h"
#include "topic.h"

struct oneshot_msg {
	char topic[TOPIC_MAX];
	char *payload;            /* NUL-terminated; the caller frees it */
};

/* GM_OK once all n are acknowledged within timeout_ms; else GM_EIO (or
 * GM_ENOMEM) with the reason in err, saying how many got through. Sending
 * again is safe: the collector stores a repeated reading or event once. */
int oneshot_publish(const struct mqtt_opts *opts, const struct oneshot_msg *m, size_t n,
    int timeout_ms, char *err, size_t errlen);

#endif
