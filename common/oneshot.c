/* oneshot.c - publish a few messages, wait for the broker's acknowledgements. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gm_err.h"
#include "mqtt_link.h"
#include "oneshot.h"
#include "timeutil.h"

struct acks {
	atomic_int delivered;
};

static void on_delivered(void *user, int token)
{
	struct acks *a = user;

	(void)token;
	atomic_fetch_add(&a->delivered, 1);
}

static const struct mqtt_link_cb oneshot_cb = { .delivered = on_delivered };

/* Whether the link came up before `until` (mono ms). */
static bool wait_up(struct mqtt_link *link, int64_t until)
{
	while (!mqtt_link_up(link) && mono_ms() < until)
		usleep(20 * 1000);
	return mqtt_link_up(link);
}

int oneshot_publish(const struct mqtt_opts *opts, const struct oneshot_msg *m, size_t n,
    int timeout_ms, char *err, size_t errlen)
{
	struct mqtt_opts own = *opts;
	struct acks acks = { 0 };
	struct mqtt_link *link;
	int64_t until = mono_ms() + timeout_ms;
	int rc = GM_OK, token;

	snprintf(own.client_id, sizeof(own.client_id), "%.100s-cli-%ld", opts->client_id,
	    (long)getpid());
	if ((link = mqtt_link_new(&own, true, &oneshot_cb, &acks, err, errlen)) == NULL)
		return GM_EIO;
	if (mqtt_link_start(link) != GM_OK) {
		rc = gm_errf(err, errlen, GM_EIO, "cannot start the MQTT thread");
		goto out;
	}
	if (!wait_up(link, until)) {
		rc = gm_errf(err, errlen, GM_EIO, "broker %s not reachable; nothing published",
		    mqtt_link_uri(link));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (mqtt_link_publish(link, m[i].topic, m[i].payload, strlen(m[i].payload),
		    &token) != GM_OK) {
			rc = gm_errf(err, errlen, GM_EIO, "publishing %s failed", m[i].topic);
			goto out;
		}
	}
	while ((size_t)atomic_load(&acks.delivered) < n && mono_ms() < until)
		usleep(20 * 1000);
	if ((size_t)atomic_load(&acks.delivered) < n)
		rc = gm_errf(err, errlen, GM_EIO, "the broker acknowledged %d of %zu in time",
		    atomic_load(&acks.delivered), n);
out:
	mqtt_link_free(link);
	return rc;
}
