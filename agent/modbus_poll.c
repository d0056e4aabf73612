/* modbus_poll.c - one thread per Modbus gateway or bus, polling its meters. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "gm_err.h"
#include "log.h"
#include "mbxfer.h"
#include "modbus_poll.h"
#include "poll_sched.h"
#include "poll_thread.h"
#include "reqplan.h"
#include "timeutil.h"

struct pmeter {
	const struct agent_meter *m;
	struct reqplan plan;
	int *req_off;            /* each request's first word in buf */
	uint16_t *buf;
	double *req_t;           /* when each request's answer came */
	bool *req_ok;
	int64_t due_ms;          /* next poll, wall-clock milliseconds */
	struct complaint fail;
	struct complaint *bad_value;   /* per channel: a value that is no reading */
};

struct modbus_poll {
	const struct gateway *gw;
	modbus_t *ctx;
	bool linked;
	struct poll_backoff backoff;   /* connect attempts after a failure */
	int min_interval_ms;
	struct complaint down;
	struct complaint stray;  /* bytes between answers */
	uint16_t tid;            /* the last TCP transaction id sent */
	int n;
	struct pmeter *meters;
	mbpoll_sink sink;
	void *user;
	struct poll_thread th;
};

struct modbus_poll *modbus_poll_new(const struct gateway *gw, mbpoll_sink sink, void *user)
{
	struct modbus_poll *mp = calloc(1, sizeof(*mp));

	if (mp == NULL)
		return NULL;
	mp->gw = gw;
	mp->sink = sink;
	mp->user = user;
	mp->min_interval_ms = 86400 * 1000;
	poll_thread_init(&mp->th);
	return mp;
}

int modbus_poll_add(struct modbus_poll *mp, const struct agent_meter *m)
{
	struct pmeter *pm, *grown;
	int words = 0;

	grown = realloc(mp->meters, (size_t)(mp->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return GM_ENOMEM;
	mp->meters = grown;
	pm = &mp->meters[mp->n];
	memset(pm, 0, sizeof(*pm));
	pm->m = m;
	if (reqplan_build(m->ch, m->nch, m->model->max_gap, &m->bus, &pm->plan) != GM_OK)
		return GM_ENOMEM;
	pm->req_off = calloc((size_t)pm->plan.nreq + 1, sizeof(*pm->req_off));
	pm->req_t = calloc((size_t)pm->plan.nreq + 1, sizeof(*pm->req_t));
	pm->req_ok = calloc((size_t)pm->plan.nreq + 1, sizeof(*pm->req_ok));
	for (int i = 0; i < pm->plan.nreq && pm->req_off; i++) {
		pm->req_off[i] = words;
		words += pm->plan.reqs[i].count;
	}
	pm->buf = calloc((size_t)words + 1, sizeof(*pm->buf));
	pm->bad_value = calloc((size_t)m->nch + 1, sizeof(*pm->bad_value));
	mp->n++;
	if (pm->req_off == NULL || pm->req_t == NULL || pm->req_ok == NULL || pm->buf == NULL ||
	    pm->bad_value == NULL)
		return GM_ENOMEM;
	if (m->interval_ms < mp->min_interval_ms)
		mp->min_interval_ms = m->interval_ms;
	return GM_OK;
}

static modbus_t *gateway_context(const struct gateway *gw)
{
	if (gw->kind == GW_TCP)
		return modbus_new_tcp(gw->host, gw->port);
	return modbus_new_rtu(gw->device, gw->baud, gw->parity, gw->data_bits, gw->stop_bits);
}

static void unlink_gateway(struct modbus_poll *mp)
{
	if (mp->ctx != NULL) {
		modbus_close(mp->ctx);
		modbus_free(mp->ctx);
		mp->ctx = NULL;
	}
	mp->linked = false;
}

/* Connect if it is time to try; back off (poll_sched.h), but never wait
 * longer than the shortest poll interval, so a rebooted gateway is polled
 * again within one interval. */
static bool link_gateway(struct modbus_poll *mp, int timeout_ms)
{
	int64_t now = poll_sched_now_ms();

	if (mp->linked)
		return true;
	if (!poll_sched_backoff_due(&mp->backoff, now))
		return false;
	if (mp->ctx == NULL && (mp->ctx = gateway_context(mp->gw)) == NULL) {
		complain(&mp->down, time(NULL), "gateway %s: %s", mp->gw->name,
		    modbus_strerror(errno));
		return false;
	}
	modbus_set_response_timeout(mp->ctx, (uint32_t)(timeout_ms / 1000),
	    (uint32_t)(timeout_ms % 1000) * 1000);
	if (modbus_connect(mp->ctx) != 0) {
		complain(&mp->down, time(NULL), "gateway %s: cannot connect: %s; "
		    "retrying", mp->gw->name, modbus_strerror(errno));
		unlink_gateway(mp);
		poll_sched_backoff_failed(&mp->backoff, now);
		return false;
	}
	complain_release(&mp->down, time(NULL), "gateway %s", mp->gw->name);
	mp->linked = true;
	poll_sched_backoff_reset(&mp->backoff);
	return true;
}

/* TCP: anything waiting before a request is sent is a late or stray frame,
 * and a closed connection is re-opened (gateways close idle ones). Either
 * way the next answer comes on a fresh connection. */
static bool ready_to_send(struct modbus_poll *mp, int timeout_ms)
{
	int n;

	if (!link_gateway(mp, timeout_ms))
		return false;
	if (mp->gw->kind != GW_TCP || (n = mbxfer_pending(mp->ctx)) == 0)
		return true;
	if (n > 0)
		complain(&mp->stray, time(NULL), "gateway %s: %d bytes came between answers "
		    "(a late answer?); reconnecting", mp->gw->name, n);
	else
		log_debug("gateway %s: closed by the gateway; reconnecting", mp->gw->name);
	unlink_gateway(mp);
	return link_gateway(mp, timeout_ms);
}

enum req_outcome { REQ_OK, REQ_FAILED, REQ_NO_LINK };

/* "why", or "why (2 attempts)", or "why (2 attempts; first: why1)". */
static void attempts_text(char *why, size_t len, const char *first, const char *last,
    int attempts)
{
	if (attempts <= 1)
		snprintf(why, len, "%s", last);
	else if (strcmp(first, last) == 0)
		snprintf(why, len, "%s (%d attempts)", last, attempts);
	else
		snprintf(why, len, "%s (%d attempts; first: %s)", last, attempts, first);
}

/* One request, asked again (retries) after no answer or a bad one, not
 * after an exception: the meter said no. */
static enum req_outcome read_request(struct modbus_poll *mp, struct pmeter *pm, int r, char *why,
    size_t whylen)
{
	const struct agent_meter *m = pm->m;
	const struct req *rq = &pm->plan.reqs[r];
	struct mbreq q = { .unit = (uint8_t)m->unit, .function = (uint8_t)rq->function,
	    .start = rq->start, .count = rq->count };
	char first[160] = "", last[160] = "";
	int attempts = 0;

	for (int attempt = 0; attempt <= m->retries; attempt++) {
		enum mbxfer_result res;
		if (!ready_to_send(mp, m->timeout_ms))
			break;
		q.tid = ++mp->tid;
		res = mbxfer_read(mp->ctx, mp->gw, &q, m->timeout_ms, pm->buf + pm->req_off[r],
		    last, sizeof(last));
		if (res == MBXFER_OK)
			return REQ_OK;
		if (attempts++ == 0)
			snprintf(first, sizeof(first), "%s", last);
		if (res == MBXFER_EXCEPTION)
			break;
		/* A late or stray frame may follow on this connection: never let it
		 * pass for the next answer. (An RTU line has been drained.) */
		if (mp->gw->kind == GW_TCP || res == MBXFER_IO || res == MBXFER_CLOSED)
			unlink_gateway(mp);
	}
	if (attempts == 0)
		return REQ_NO_LINK;
	attempts_text(why, whylen, first, last, attempts);
	return REQ_FAILED;
}

/* Publish each channel of the requests that were answered, if its value is
 * a reading; one that is not is logged with meter and register, rarely. */
static void publish_channels(struct modbus_poll *mp, struct pmeter *pm)
{
	const struct agent_meter *m = pm->m;

	for (int c = 0; c < m->nch; c++) {
		const struct channel_def *ch = &m->ch[c];
		int r = pm->plan.chan_req[c];
		char why[160];
		double v;
		if (!pm->req_ok[r])
			continue;
		if (devmap_read(ch, pm->buf + pm->req_off[r] + pm->plan.chan_off[c], &v, why,
		    sizeof(why)) != GM_OK) {
			complain(&pm->bad_value[c], time(NULL), "meter %s (%s unit %d) reg 0x%04x %s: "
			    "%s: not published", m->id, mp->gw->name, m->unit, ch->address, ch->name,
			    why);
			continue;
		}
		complain_release(&pm->bad_value[c], time(NULL), "meter %s (%s unit %d) reg 0x%04x %s",
		    m->id, mp->gw->name, m->unit, ch->address, ch->name);
		mp->sink(mp->user, m, c, pm->req_t[r], v);
	}
}

static void poll_meter(struct modbus_poll *mp, struct pmeter *pm)
{
	const struct agent_meter *m = pm->m;
	int bad_req = -1;
	char why[400] = "";

	for (int r = 0; r < pm->plan.nreq; r++) {
		char this_why[400];
		enum req_outcome o = read_request(mp, pm, r, this_why, sizeof(this_why));
		pm->req_ok[r] = o == REQ_OK;
		pm->req_t[r] = now_wall();
		if (o == REQ_FAILED) {
			bad_req = r;
			snprintf(why, sizeof(why), "%s", this_why);
		}
		/* After a bad answer the next request gets a fresh connection; when
		 * none can be had the gateway is gone, and its complaint says so. */
		if (o == REQ_NO_LINK)
			break;
	}
	publish_channels(mp, pm);
	if (bad_req >= 0) {
		const struct req *q = &pm->plan.reqs[bad_req];
		complain(&pm->fail, time(NULL), "meter %s (%s unit %d) reg 0x%04x "
		    "(function %d, %d registers): %s", m->id, mp->gw->name, m->unit,
		    q->start, q->function, q->count, why);
	} else if (mp->linked) {
		complain_release(&pm->fail, time(NULL), "meter %s (%s unit %d)", m->id,
		    mp->gw->name, m->unit);
	}
	memset(pm->req_ok, 0, (size_t)pm->plan.nreq * sizeof(*pm->req_ok));
}

static void *mbpoll_main(void *arg)
{
	struct modbus_poll *mp = arg;
	int64_t now = poll_sched_now_ms();

	poll_sched_backoff_init(&mp->backoff, mp->min_interval_ms);
	for (int i = 0; i < mp->n; i++)
		mp->meters[i].due_ms = poll_sched_next_slot(now, mp->meters[i].m->interval_ms);
	while (poll_thread_running(&mp->th)) {
		int64_t soonest = INT64_MAX;
		now = poll_sched_now_ms();
		for (int i = 0; i < mp->n && poll_thread_running(&mp->th); i++) {
			struct pmeter *pm = &mp->meters[i];
			if (pm->due_ms <= now) {
				if (link_gateway(mp, pm->m->timeout_ms))
					poll_meter(mp, pm);
				/* A late poll skips to the next slot: no burst of catch-up reads. */
				pm->due_ms = poll_sched_next_slot(poll_sched_now_ms(), pm->m->interval_ms);
			}
			if (pm->due_ms < soonest)
				soonest = pm->due_ms;
		}
		if (soonest != INT64_MAX)
			poll_thread_sleep_until(&mp->th, soonest);
	}
	unlink_gateway(mp);
	return NULL;
}

int modbus_poll_start(struct modbus_poll *mp)
{
	return poll_thread_start(&mp->th, mbpoll_main, mp);
}

void modbus_poll_stop(struct modbus_poll *mp)
{
	if (mp != NULL)
		poll_thread_stop(&mp->th);
}

void modbus_poll_free(struct modbus_poll *mp)
{
	if (mp == NULL)
		return;
	modbus_poll_stop(mp);
	for (int i = 0; i < mp->n; i++) {
		struct pmeter *pm = &mp->meters[i];
		reqplan_free(&pm->plan);
		free(pm->req_off);
		free(pm->req_t);
		free(pm->req_ok);
		free(pm->buf);
		free(pm->bad_value);
	}
	free(mp->meters);
	poll_thread_destroy(&mp->th);
	free(mp);
}

const struct gateway *modbus_poll_gateway(const struct modbus_poll *mp)
{
	return mp->gw;
}
