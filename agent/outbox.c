/*
 * outbox.c - an ordered queue with in-flight tracking.
 *
 * The list is, from head to tail: messages in flight (sent, not yet
 * acknowledged), then messages waiting. `next` points at the first waiting
 * one. Acknowledgements may name a token before outbox_set_token() recorded
 * it (paho's thread can be that quick), so unmatched tokens are remembered
 * in `early` and matched when the token is set.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outbox.h"

#define EARLY_MAX 1024

enum { WAITING, INFLIGHT, ACKED };

struct node {
	struct node *nx;
	uint64_t key;
	int state;
	int token;
	uint64_t sent;          /* ob->nsent when last taken */
	uint64_t release;       /* handed back by outbox_released when freed */
	struct outmsg m;
};

struct outbox {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct node *head, *tail, *next;
	size_t max;
	uint64_t last_key;
	uint64_t last_sent;     /* the highest key ever taken: later ones have no token */
	uint64_t nsent;         /* takes so far */
	uint64_t released;      /* highest release freed, not yet collected */
	struct outbox_stats st;
	struct {
		int token;
		uint64_t sent;      /* ob->nsent when the PUBACK came */
	} early[EARLY_MAX];
	size_t nearly;
};

struct outbox *outbox_new(size_t max)
{
	struct outbox *ob = calloc(1, sizeof(*ob));

	if (ob == NULL)
		return NULL;
	pthread_mutex_init(&ob->lock, NULL);
	pthread_cond_init(&ob->cond, NULL);
	ob->max = max;
	return ob;
}

static void node_free(struct node *n)
{
	free(n->m.topic);
	free(n->m.payload);
	free(n);
}

void outbox_free(struct outbox *ob)
{
	struct node *n, *nx;

	if (ob == NULL)
		return;
	for (n = ob->head; n != NULL; n = nx) {
		nx = n->nx;
		node_free(n);
	}
	pthread_mutex_destroy(&ob->lock);
	pthread_cond_destroy(&ob->cond);
	free(ob);
}

/* Unlink the first waiting message (never one in flight: its view is in use).
 * Returns false if that one had been acknowledged (after a requeue): then
 * nothing was lost. */
static bool drop_oldest_waiting(struct outbox *ob)
{
	struct node *prev = NULL, *n = ob->head;
	bool lost;

	while (n != NULL && n != ob->next) {
		prev = n;
		n = n->nx;
	}
	if (n == NULL)
		return false;
	lost = n->state != ACKED;
	ob->next = n->nx;
	if (prev)
		prev->nx = n->nx;
	else
		ob->head = n->nx;
	if (ob->tail == n)
		ob->tail = prev;
	node_free(n);
	ob->st.queued--;
	if (lost)
		ob->st.dropped++;
	return lost;
}

size_t outbox_put(struct outbox *ob, char *topic, char *payload, uint64_t release)
{
	struct node *n = calloc(1, sizeof(*n));
	size_t dropped = 0;

	if (n == NULL) {
		free(topic);
		free(payload);
		return 1;
	}
	n->m.topic = topic;
	n->m.payload = payload;
	n->m.len = strlen(payload);
	n->release = release;
	pthread_mutex_lock(&ob->lock);
	while (ob->st.queued >= ob->max && ob->next != NULL) {
		if (drop_oldest_waiting(ob))
			dropped++;
	}
	n->key = ++ob->last_key;
	if (ob->tail)
		ob->tail->nx = n;
	else
		ob->head = n;
	ob->tail = n;
	if (ob->next == NULL)
		ob->next = n;
	ob->st.queued++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
	return dropped;
}

uint64_t outbox_take(struct outbox *ob, size_t window, int timeout_ms, struct outmsg *view)
{
	struct timespec until;
	uint64_t key = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ob->lock);
	for (;;) {
		/* After a requeue, messages acknowledged late sit among the waiting. */
		while (ob->next != NULL && ob->next->state == ACKED)
			ob->next = ob->next->nx;
		if (ob->next != NULL && ob->st.inflight < window)
			break;
		if (pthread_cond_timedwait(&ob->cond, &ob->lock, &until) != 0)
			goto out;
	}
	ob->next->state = INFLIGHT;
	ob->next->token = 0;
	ob->next->sent = ++ob->nsent;
	*view = ob->next->m;
	key = ob->next->key;
	if (key > ob->last_sent)
		ob->last_sent = key;
	ob->next = ob->next->nx;
	ob->st.inflight++;
out:
	pthread_mutex_unlock(&ob->lock);
	return key;
}

/* Free acknowledged messages at the head. */
static void pop_acked(struct outbox *ob)
{
	struct node *n;

	while ((n = ob->head) != NULL && n->state == ACKED) {
		ob->head = n->nx;
		if (ob->tail == n)
			ob->tail = NULL;
		if (ob->next == n)  /* after a requeue, acked ones can be next in line */
			ob->next = n->nx;
		if (n->release > ob->released)
			ob->released = n->release;
		node_free(n);
		ob->st.queued--;
	}
}

uint64_t outbox_released(struct outbox *ob)
{
	uint64_t r;

	pthread_mutex_lock(&ob->lock);
	r = ob->released;
	ob->released = 0;
	pthread_mutex_unlock(&ob->lock);
	return r;
}

static void ack_one(struct outbox *ob, struct node *n)
{
	if (n->state == INFLIGHT)
		ob->st.inflight--;
	n->state = ACKED;
	ob->st.acked++;
	pop_acked(ob);
	pthread_cond_broadcast(&ob->cond);
}

/* Every message ever sent, not only those in flight: one sent before a
 * requeue keeps its token while it waits to be sent again, and its PUBACK
 * may still come. It was delivered then: marked acked, it is not sent again
 * (take skips it). Keys grow along the list, so the scan ends at the first
 * message never sent. */
static bool ack_node(struct outbox *ob, int token)
{
	if (token == 0)
		return false;
	for (struct node *n = ob->head; n != NULL && n->key <= ob->last_sent; n = n->nx) {
		if (n->state != ACKED && n->token == token) {
			ack_one(ob, n);
			return true;
		}
	}
	return false;
}

void outbox_set_token(struct outbox *ob, uint64_t key, int token)
{
	struct node *found = NULL;

	pthread_mutex_lock(&ob->lock);
	for (struct node *n = ob->head; n != NULL && n != ob->next; n = n->nx) {
		if (n->key == key && n->state == INFLIGHT) {
			n->token = token;
			found = n;
			break;
		}
	}
	/* An early PUBACK is this message's only if it came after this send;
	 * one from before is for an earlier message that had the same token
	 * (paho reuses them) and was sent again since. */
	for (size_t i = 0; found != NULL && i < ob->nearly; i++) {
		if (ob->early[i].token == token && ob->early[i].sent >= found->sent) {
			ob->early[i] = ob->early[--ob->nearly];
			ack_one(ob, found);
			break;
		}
	}
	pthread_mutex_unlock(&ob->lock);
}

void outbox_ack(struct outbox *ob, int token)
{
	pthread_mutex_lock(&ob->lock);
	if (!ack_node(ob, token) && ob->nearly < EARLY_MAX) {
		ob->early[ob->nearly].token = token;
		ob->early[ob->nearly].sent = ob->nsent;
		ob->nearly++;
	}
	pthread_mutex_unlock(&ob->lock);
}

void outbox_requeue(struct outbox *ob)
{
	pthread_mutex_lock(&ob->lock);
	pop_acked(ob);
	for (struct node *n = ob->head; n != NULL && n != ob->next; n = n->nx) {
		if (n->state == INFLIGHT)
			n->state = WAITING;
	}
	/* Acked ones behind an unacked head stay acked: take skips them. */
	ob->next = ob->head;
	ob->st.inflight = 0;
	ob->nearly = 0;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
}

void outbox_wake(struct outbox *ob)
{
	pthread_mutex_lock(&ob->lock);
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
}

void outbox_stats(struct outbox *ob, struct outbox_stats *st)
{
	pthread_mutex_lock(&ob->lock);
	*st = ob->st;
	pthread_mutex_unlock(&ob->lock);
}
