/* publisher.c - spool -> messages -> broker, acknowledged back to the spool. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gm_err.h"
#include "log.h"
#include "mqtt_link.h"
#include "publisher.h"
#include "timeutil.h"

#define WINDOW 256          /* messages awaiting PUBACK */
#define CHUNK 1024          /* readings read from the spool at a time */

struct publisher {
	struct mqtt_link *link;
	struct outbox *ob;
	struct spool *sp;
	struct seqmap *seqs;
	publisher_every_fn every;
	void *every_user;
	int sync_ms;
	unsigned syncs;
	uint64_t read_upto;      /* last spool id turned into a message */
	uint64_t skip_upto;      /* a chunk with nothing to send: ack once all before are */
	uint64_t refused;        /* readings of an older spool not sendable */
	struct complaint refusing;
	struct spool_rec *chunk;
	struct point *pts;
	bool *used;
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

/* A reading the wire contract cannot carry (a NaN or an infinity, a time
 * out of range) is never sent: sent, it would make the collector refuse the
 * whole batch around it. The spool refuses them on the way in, so only a
 * spool written by an older gm-agent holds one; it is logged (rarely, with
 * a count) and skipped. */
static bool sendable(struct publisher *p, const struct spool_rec *r)
{
	char why[160];

	if (spool_rec_check(r, why, sizeof(why)) == GM_OK)
		return true;
	p->refused++;
	complain(&p->refusing, time(NULL), "spool id %" PRIu64 ", topic %s: reading at %.3f not "
	    "sent: %s (%" PRIu64 " so far)", r->id, r->topic, r->t, why, p->refused);
	return false;
}

/* One message of the readings of chunk[i]'s topic from i on (marking them
 * used), in the wire contract. A batch must rise in time, so a reading out of
 * order is left for the next message. */
static int form_message(struct publisher *p, size_t i, size_t n, char **ret_topic,
    char **ret_payload)
{
	const struct spool_rec *r = &p->chunk[i];
	struct payload_meta meta = { .kind = r->kind, .wrap = r->wrap };
	char why[200];
	size_t k = 0;
	int rc;

	strcpy(meta.unit, r->unit);
	for (size_t j = i; j < n && k < PAYLOAD_MAX_POINTS; j++) {
		if (p->used[j] || strcmp(p->chunk[j].topic, r->topic) != 0)
			continue;
		if (k > 0 && p->chunk[j].t <= p->pts[k - 1].t)
			break;
		p->pts[k].t = p->chunk[j].t;
		p->pts[k].v = p->chunk[j].v;
		p->used[j] = true;
		k++;
	}
	meta.seq = seqmap_next(p->seqs, r->topic);
	/* a delta comes when a person enters it: no cadence */
	if (p->every != NULL && r->kind != KIND_DELTA)
		meta.every = p->every(p->every_user, r->topic);
	if ((rc = payload_encode(&meta, p->pts, k, ret_payload, why, sizeof(why))) == GM_EINVAL)
		log_err("topic %s: %zu readings from spool id %" PRIu64 " not sent: %s", r->topic, k,
		    r->id, why);   /* sendable() lets nothing through that this refuses */
	if (rc != GM_OK)
		return rc;
	if ((*ret_topic = strdup(r->topic)) == NULL) {
		free(*ret_payload);
		return GM_ENOMEM;
	}
	return GM_OK;
}

/* Turn the next spool readings into messages, one per topic. The chunk's
 * last message carries the chunk's last id: the outbox hands it back once
 * that message and all before it are acknowledged, and the spool may then
 * forget the chunk. */
static void fill_outbox(struct publisher *p)
{
	struct outbox_stats st;
	char *topic = NULL, *payload = NULL, *t, *pl;
	size_t n;
	int rc;

	outbox_stats(p->ob, &st);
	if (st.queued >= 2 * WINDOW)
		return;
	if ((n = spool_read(p->sp, p->read_upto, p->chunk, CHUNK)) == 0)
		return;
	/* what cannot be sent is set aside first: no message takes its unit,
	 * kind or wrap from it */
	for (size_t i = 0; i < n; i++)
		p->used[i] = !sendable(p, &p->chunk[i]);
	for (size_t i = 0; i < n; i++) {
		if (p->used[i])
			continue;
		if ((rc = form_message(p, i, n, &t, &pl)) == GM_ENOMEM) {
			log_err("out of memory forming messages; will try again");
			free(topic);
			free(payload);
			return;
		}
		if (rc != GM_OK)
			continue;
		if (topic != NULL)
			outbox_put(p->ob, topic, payload, 0);
		topic = t;
		payload = pl;
	}
	if (topic != NULL)
		outbox_put(p->ob, topic, payload, p->chunk[n - 1].id);
	else
		p->skip_upto = p->chunk[n - 1].id;
	p->read_upto = p->chunk[n - 1].id;
}

/* Hand acknowledgements back to the spool; fsync and save now and then. The
 * message numbers are saved ten times less often: losing a few to a crash
 * only blurs the collector's loss count, and the file holds every topic. */
static void settle(struct publisher *p, int64_t *next_sync)
{
	uint64_t upto = outbox_released(p->ob);
	struct outbox_stats st;

	if (upto)
		spool_ack(p->sp, upto);
	if (p->skip_upto != 0) {
		outbox_stats(p->ob, &st);
		if (st.queued == 0) {   /* every message before it is acknowledged */
			spool_ack(p->sp, p->skip_upto);
			p->skip_upto = 0;
		}
	}
	if (mono_ms() >= *next_sync) {
		spool_sync(p->sp);
		if (++p->syncs % 10 == 0)
			seqmap_save(p->seqs);
		*next_sync = mono_ms() + p->sync_ms;
	}
}

static void *publisher_main(void *arg)
{
	struct publisher *p = arg;
	int64_t next_sync = mono_ms() + p->sync_ms;
	struct outmsg m;
	uint64_t key;
	int token;

	while (atomic_load(&p->running)) {
		settle(p, &next_sync);
		if (!mqtt_link_up(p->link)) {
			usleep(100 * 1000);
			continue;
		}
		fill_outbox(p);
		/* Idle, this loop wakes five times a second: new readings wait at
		 * most that long in the spool. */
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
	settle(p, &next_sync);
	spool_sync(p->sp);
	seqmap_save(p->seqs);
	return NULL;
}

struct publisher *publisher_new(const struct mqtt_opts *opts, struct spool *sp,
    struct seqmap *seqs, int sync_ms, publisher_every_fn every, void *every_user,
    char *err, size_t errlen)
{
	struct publisher *p = calloc(1, sizeof(*p));
	struct spool_stats st;

	if (p == NULL || (p->ob = outbox_new(4 * WINDOW + CHUNK)) == NULL ||
	    (p->chunk = calloc(CHUNK, sizeof(*p->chunk))) == NULL ||
	    (p->pts = calloc(CHUNK, sizeof(*p->pts))) == NULL ||
	    (p->used = calloc(CHUNK, sizeof(*p->used))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		goto fail;
	}
	p->sp = sp;
	p->seqs = seqs;
	p->every = every;
	p->every_user = every_user;
	p->sync_ms = sync_ms;
	spool_stats(sp, &st);
	p->read_upto = st.acked;   /* resume after what the broker has */
	/* A clean session: the spool, not the broker, holds what is unacknowledged. */
	if ((p->link = mqtt_link_new(opts, true, &publisher_cb, p, err, errlen)) == NULL)
		goto fail;
	return p;
fail:
	publisher_free(p);
	return NULL;
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
	struct spool_stats st;
	int64_t until = mono_ms() + drain_ms;

	if (p == NULL || !p->started)
		return;
	while (mono_ms() < until && mqtt_link_up(p->link)) {
		spool_stats(p->sp, &st);
		if (st.pending == 0)
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
	outbox_free(p->ob);
	free(p->chunk);
	free(p->pts);
	free(p->used);
	free(p);
}

bool publisher_connected(struct publisher *p)
{
	return mqtt_link_up(p->link);
}
