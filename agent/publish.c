/* publish.c - QoS 1 publishing from the outbox over one mqtt_link. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "mqtt_link.h"
#include "publish.h"
#include "timeutil.h"

#define WINDOW 256

struct publisher {
	struct mqtt_link *link;
	struct outbox *ob;
	pthread_t thread;
	bool started;
	atomic_bool running;
};

static void on_connected(void *user)
{
	struct publisher *p = user;

	outbox_wake(p->ob);
}

static void on_lost(void *user)
{
	struct publisher *p = user;

	/* Whatever was in flight may not have arrived: send it again, in order. */
	outbox_requeue(p->ob);
}

static void on_delivered(void *user, int token)
{
	struct publisher *p = user;

	outbox_ack(p->ob, token);
}

static const struct mqtt_link_cb publisher_cb = {
	.connected = on_connected,
	.lost = on_lost,
	.delivered = on_delivered,
};

static void *publisher_main(void *arg)
{
	struct publisher *p = arg;
	struct outmsg m;
	uint64_t key;
	int token;

	while (atomic_load(&p->running)) {
		if (!mqtt_link_up(p->link)) {
			usleep(50 * 1000);
			continue;
		}
		if ((key = outbox_take(p->ob, WINDOW, 200, &m)) == 0)
			continue;
		if (mqtt_link_publish(p->link, m.topic, m.payload, m.len, &token) != GM_OK) {
			log_debug("publish %s refused; will resend", m.topic);
			outbox_requeue(p->ob);
			usleep(100 * 1000);
			continue;
		}
		outbox_set_token(p->ob, key, token);
	}
	return NULL;
}

struct publisher *publisher_new(const struct mqtt_opts *opts, struct outbox *ob,
    char *err, size_t errlen)
{
	struct publisher *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	p->ob = ob;
	/* A clean session: our outbox, not the broker, holds what is unacknowledged. */
	p->link = mqtt_link_new(opts, true, &publisher_cb, p, err, errlen);
	if (p->link == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

int publisher_start(struct publisher *p)
{
	atomic_store(&p->running, true);
	if (pthread_create(&p->thread, NULL, publisher_main, p) != 0)
		return GM_EIO;
	p->started = true;
	return mqtt_link_start(p->link);
}

void publisher_stop(struct publisher *p, int drain_ms)
{
	struct outbox_stats st;
	int64_t until = mono_ms() + drain_ms;

	if (p == NULL || !p->started)
		return;
	while (mono_ms() < until) {
		outbox_stats(p->ob, &st);
		if (st.queued == 0 || !mqtt_link_up(p->link))
			break;
		usleep(20 * 1000);
	}
	atomic_store(&p->running, false);
	outbox_wake(p->ob);
	pthread_join(p->thread, NULL);
	p->started = false;
	mqtt_link_stop(p->link);
}

void publisher_free(struct publisher *p)
{
	if (p == NULL)
		return;
	publisher_stop(p, 0);
	mqtt_link_free(p->link);
	free(p);
}

bool publisher_connected(struct publisher *p)
{
	return mqtt_link_up(p->link);
}
