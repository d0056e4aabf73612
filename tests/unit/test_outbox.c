/*
 * test_outbox.c - the agent's queue of messages on their way to the broker
 * (agent/outbox.c).
 *
 * Messages are named "m1", "m2" ... by their topic so every take can be
 * checked against the order they were put in. Tokens stand for the ids
 * paho gives a message on sending; the tests pick them.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "outbox.h"

#define WINDOW 8
/* for expect_stats: an acknowledged message held behind an unacknowledged
 * one is freed with it; how it counts in `queued` until then is not pinned */
#define ANY SIZE_MAX

/* Put "m<n>" with the payload "p<n>". */
static size_t put(struct outbox *ob, int n)
{
	char topic[16], payload[16];

	snprintf(topic, sizeof(topic), "m%d", n);
	snprintf(payload, sizeof(payload), "p%d", n);
	return outbox_put(ob, strdup(topic), strdup(payload), 0);
}

/* Take the next message (no waiting) and check that it is "m<n>". */
static uint64_t take(struct outbox *ob, size_t window, int n)
{
	struct outmsg m;
	char topic[16], payload[16];
	uint64_t key = outbox_take(ob, window, 0, &m);

	snprintf(topic, sizeof(topic), "m%d", n);
	snprintf(payload, sizeof(payload), "p%d", n);
	if (key == 0)
		fail_msg("take: nothing, want %s", topic);
	if (strcmp(m.topic, topic) != 0)
		fail_msg("take: %s, want %s", m.topic, topic);
	assert_string_equal(m.payload, payload);
	assert_int_equal(m.len, strlen(payload));
	return key;
}

/* Take, and give it `token` as paho would. */
static uint64_t send(struct outbox *ob, int n, int token)
{
	uint64_t key = take(ob, WINDOW, n);

	outbox_set_token(ob, key, token);
	return key;
}

static void expect_nothing(struct outbox *ob, size_t window)
{
	struct outmsg m;
	uint64_t key = outbox_take(ob, window, 20, &m);

	if (key != 0)
		fail_msg("take gave %s (key %llu), want nothing", m.topic,
		    (unsigned long long)key);
}

static void expect_stats(struct outbox *ob, size_t queued, size_t inflight, uint64_t acked,
    uint64_t dropped)
{
	struct outbox_stats st;

	outbox_stats(ob, &st);
	if ((queued != ANY && st.queued != queued) || st.inflight != inflight || st.acked != acked ||
	    st.dropped != dropped)
		fail_msg("stats: queued %zu inflight %zu acked %llu dropped %llu, want "
		    "%zu %zu %llu %llu", st.queued, st.inflight, (unsigned long long)st.acked,
		    (unsigned long long)st.dropped, queued, inflight,
		    (unsigned long long)acked, (unsigned long long)dropped);
}

static void test_fifo(void **state)
{
	struct outbox *ob = outbox_new(100);
	uint64_t k1, k2, k3;

	(void)state;
	assert_non_null(ob);
	expect_nothing(ob, WINDOW);   /* empty: waits 20 ms, then 0 */
	for (int i = 1; i <= 3; i++)
		assert_int_equal(put(ob, i), 0);
	expect_stats(ob, 3, 0, 0, 0);
	k1 = take(ob, WINDOW, 1);
	k2 = take(ob, WINDOW, 2);
	k3 = take(ob, WINDOW, 3);
	assert_true(k1 > 0);
	assert_true(k2 > k1);
	assert_true(k3 > k2);
	expect_nothing(ob, WINDOW);   /* all three in flight, none waiting */
	expect_stats(ob, 3, 3, 0, 0);
	outbox_free(ob);
}

static void test_window(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	outbox_set_token(ob, take(ob, 2, 1), 11);
	outbox_set_token(ob, take(ob, 2, 2), 12);
	/* m3 waits, but 2 are in flight: the window is full */
	expect_nothing(ob, 2);
	expect_stats(ob, 3, 2, 0, 0);
	/* a wider window lets it through */
	take(ob, 3, 3);
	expect_stats(ob, 3, 3, 0, 0);
	outbox_free(ob);
}

static void test_ack(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	send(ob, 1, 11);
	send(ob, 2, 12);
	expect_nothing(ob, 2);
	outbox_ack(ob, 11);
	expect_stats(ob, 2, 1, 1, 0);      /* m1 freed */
	send(ob, 3, 13);                   /* the window has room again */
	outbox_ack(ob, 99);                /* unknown token: nothing changes */
	expect_stats(ob, 2, 2, 1, 0);
	outbox_ack(ob, 12);
	outbox_ack(ob, 13);
	expect_stats(ob, 0, 0, 3, 0);
	put(ob, 4);                        /* later messages continue */
	send(ob, 4, 14);
	expect_nothing(ob, WINDOW);
	outbox_ack(ob, 14);
	expect_stats(ob, 0, 0, 4, 0);
	outbox_free(ob);
}

/* Acknowledged out of order: m2 is done, m1 still counts as in flight. */
static void test_ack_out_of_order(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	put(ob, 1);
	put(ob, 2);
	send(ob, 1, 21);
	send(ob, 2, 22);
	outbox_ack(ob, 22);
	expect_stats(ob, ANY, 1, 1, 0);   /* m2 done; freed with m1 */
	outbox_ack(ob, 21);
	expect_stats(ob, 0, 0, 2, 0);
	outbox_free(ob);
}

/* paho's thread may acknowledge before the publisher recorded the token:
 * between its send and its outbox_set_token(). */
static void test_early_ack(void **state)
{
	struct outbox *ob = outbox_new(100);
	uint64_t k1, k2;

	(void)state;
	put(ob, 1);
	put(ob, 2);
	send(ob, 1, 30);                  /* m1 sent, waits for PUBACK 30 */
	k2 = take(ob, WINDOW, 2);
	outbox_ack(ob, 31);               /* m2's PUBACK, before its token is known */
	expect_stats(ob, 2, 2, 0, 0);
	outbox_set_token(ob, k2, 31);     /* matched now */
	expect_stats(ob, ANY, 1, 1, 0);
	outbox_ack(ob, 30);
	expect_stats(ob, 0, 0, 2, 0);

	/* the early token was used up: a later message with token 31 waits
	 * for its own PUBACK */
	put(ob, 3);
	k1 = take(ob, WINDOW, 3);
	outbox_set_token(ob, k1, 31);
	expect_stats(ob, 1, 1, 2, 0);
	outbox_ack(ob, 31);
	expect_stats(ob, 0, 0, 3, 0);

	/* two taken before either token is set: the early PUBACK waits
	 * through the other one's token */
	put(ob, 4);
	put(ob, 5);
	k1 = take(ob, WINDOW, 4);
	k2 = take(ob, WINDOW, 5);
	outbox_ack(ob, 41);               /* m4's */
	outbox_set_token(ob, k2, 42);
	expect_stats(ob, 2, 2, 3, 0);
	outbox_set_token(ob, k1, 41);
	expect_stats(ob, 1, 1, 4, 0);
	outbox_ack(ob, 42);
	expect_stats(ob, 0, 0, 5, 0);
	outbox_free(ob);
}

static void test_requeue_order(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 4; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	send(ob, 3, 3);
	outbox_requeue(ob);               /* connection lost */
	expect_stats(ob, 4, 0, 0, 0);
	/* the three in flight first, in their order, then m4 */
	send(ob, 1, 101);
	send(ob, 2, 102);
	send(ob, 3, 103);
	send(ob, 4, 104);
	expect_nothing(ob, WINDOW);
	/* the old tokens mean nothing now */
	outbox_ack(ob, 1);
	expect_stats(ob, 4, 4, 0, 0);
	for (int t = 101; t <= 104; t++)
		outbox_ack(ob, t);
	expect_stats(ob, 0, 0, 4, 0);
	outbox_free(ob);
}

/* m2 was acknowledged before the connection dropped, behind an unacked m1:
 * only m1 and m3 go again. */
static void test_requeue_skips_acked(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	outbox_ack(ob, 2);
	outbox_requeue(ob);
	send(ob, 1, 11);
	send(ob, 3, 13);
	expect_nothing(ob, WINDOW);
	outbox_ack(ob, 11);
	outbox_ack(ob, 13);
	expect_stats(ob, 0, 0, 3, 0);
	outbox_free(ob);
}

/* After a requeue m1 is sent again while m2, already acknowledged, is next
 * in line; m1's PUBACK frees both, and taking goes on with m3. */
static void test_requeue_ack_then_take(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	outbox_ack(ob, 2);
	outbox_requeue(ob);
	send(ob, 1, 11);
	outbox_ack(ob, 11);               /* frees m1 and m2 */
	expect_stats(ob, 1, 0, 2, 0);
	send(ob, 3, 13);
	expect_nothing(ob, WINDOW);
	outbox_ack(ob, 13);
	expect_stats(ob, 0, 0, 3, 0);
	outbox_free(ob);
}

/*
 * A publish is refused (or the link drops) while earlier messages are in
 * flight; their PUBACKs still arrive after the requeue. Those messages
 * were delivered: they must not be sent again, and their tokens must not
 * linger to acknowledge some later message that gets the same token.
 */
static void test_ack_after_requeue(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 4; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	take(ob, WINDOW, 3);              /* m3: publish refused, no token */
	outbox_requeue(ob);
	outbox_ack(ob, 1);                /* late PUBACKs for m1 and m2 */
	outbox_ack(ob, 2);
	expect_stats(ob, 2, 0, 2, 0);     /* m3 and m4 left */
	send(ob, 3, 3);
	send(ob, 4, 1);                   /* paho reuses token 1 */
	expect_nothing(ob, WINDOW);
	expect_stats(ob, 2, 2, 2, 0);     /* m4 is not taken as acknowledged */
	outbox_ack(ob, 3);
	outbox_ack(ob, 1);
	expect_stats(ob, 0, 0, 4, 0);
	outbox_free(ob);
}

/* The same with the late PUBACK for a message that is not at the head. */
static void test_ack_after_requeue_behind(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	outbox_requeue(ob);
	outbox_ack(ob, 2);                /* m2 arrived; m1 did not */
	send(ob, 1, 11);
	send(ob, 3, 13);                  /* m2 is skipped */
	expect_nothing(ob, WINDOW);
	outbox_ack(ob, 11);
	outbox_ack(ob, 13);
	expect_stats(ob, 0, 0, 3, 0);
	outbox_free(ob);
}

/*
 * m1's publish went through, then m2's was refused: requeue while m1 is in
 * flight. m1 is sent again (token 11) before its first PUBACK (token 1)
 * comes; that one matches nothing now. When paho hands out token 1 again,
 * for m2, it must not count as m2's PUBACK.
 */
static void test_stale_early_ack(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	put(ob, 1);
	put(ob, 2);
	send(ob, 1, 1);
	take(ob, WINDOW, 2);              /* refused */
	outbox_requeue(ob);
	send(ob, 1, 11);
	outbox_ack(ob, 1);                /* m1's first PUBACK, late */
	outbox_ack(ob, 11);
	expect_stats(ob, 1, 0, 1, 0);
	send(ob, 2, 1);                   /* token 1 again */
	expect_stats(ob, 1, 1, 1, 0);     /* m2 waits for its own PUBACK */
	outbox_requeue(ob);               /* and is sent again if the link drops */
	send(ob, 2, 2);
	outbox_ack(ob, 2);
	expect_stats(ob, 0, 0, 2, 0);
	outbox_free(ob);
}

/* Full: the oldest message waiting goes, never one in flight. */
static void test_full_drops_oldest_waiting(void **state)
{
	struct outbox *ob = outbox_new(3);

	(void)state;
	for (int i = 1; i <= 3; i++)
		assert_int_equal(put(ob, i), 0);
	send(ob, 1, 1);                   /* m1 in flight */
	assert_int_equal(put(ob, 4), 1);  /* m2 dropped */
	expect_stats(ob, 3, 1, 0, 1);
	assert_int_equal(put(ob, 5), 1);  /* m3 dropped */
	expect_stats(ob, 3, 1, 0, 2);
	send(ob, 4, 4);
	send(ob, 5, 5);
	expect_nothing(ob, WINDOW);
	/* all in flight: nothing can be dropped, the outbox goes over its size */
	assert_int_equal(put(ob, 6), 0);
	expect_stats(ob, 4, 3, 0, 2);
	/* m6 waits, and is the one that goes for m7 */
	assert_int_equal(put(ob, 7), 1);
	expect_stats(ob, 4, 3, 0, 3);
	outbox_ack(ob, 1);
	outbox_ack(ob, 4);
	outbox_ack(ob, 5);
	send(ob, 7, 7);
	outbox_ack(ob, 7);
	expect_stats(ob, 0, 0, 4, 3);
	outbox_free(ob);
}

/* A message that was delivered is not counted as dropped when a full
 * outbox makes room. */
static void test_full_after_requeue(void **state)
{
	struct outbox *ob = outbox_new(3);

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	outbox_ack(ob, 2);                /* m2 done, behind m1 */
	outbox_requeue(ob);
	send(ob, 1, 11);                  /* m1 again; m2 next in line, but done */
	assert_int_equal(put(ob, 4), 0);  /* room is made without losing m3 */
	send(ob, 3, 13);
	send(ob, 4, 14);
	outbox_ack(ob, 11);
	outbox_ack(ob, 13);
	outbox_ack(ob, 14);
	expect_stats(ob, 0, 0, 4, 0);
	outbox_free(ob);
}

struct later {
	struct outbox *ob;
	int n;
};

static void *put_later(void *arg)
{
	struct later *l = arg;

	usleep(50 * 1000);
	put(l->ob, l->n);
	return NULL;
}

/* A waiting take is woken by a put from another thread. */
static void test_take_waits(void **state)
{
	struct outbox *ob = outbox_new(100);
	struct later l = { ob, 1 };
	struct outmsg m;
	pthread_t th;
	uint64_t key;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, put_later, &l), 0);
	key = outbox_take(ob, WINDOW, 5000, &m);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(key > 0);
	assert_string_equal(m.topic, "m1");
	outbox_free(ob);
}

/* Waiting, in-flight and acknowledged messages are all freed (ASan's leak
 * check fails the test otherwise). */
static void test_free_queued(void **state)
{
	struct outbox *ob = outbox_new(100);

	(void)state;
	for (int i = 1; i <= 5; i++)
		put(ob, i);
	send(ob, 1, 1);
	send(ob, 2, 2);
	send(ob, 3, 3);
	outbox_ack(ob, 2);                /* acknowledged, held behind m1 */
	outbox_ack(ob, 77);               /* an early token never matched */
	expect_stats(ob, ANY, 2, 1, 0);
	outbox_free(ob);
	outbox_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_ack_out_of_order),
		cmocka_unit_test(test_early_ack),
		cmocka_unit_test(test_requeue_order),
		cmocka_unit_test(test_requeue_skips_acked),
		cmocka_unit_test(test_requeue_ack_then_take),
		cmocka_unit_test(test_ack_after_requeue),
		cmocka_unit_test(test_ack_after_requeue_behind),
		cmocka_unit_test(test_stale_early_ack),
		cmocka_unit_test(test_full_drops_oldest_waiting),
		cmocka_unit_test(test_full_after_requeue),
		cmocka_unit_test(test_take_waits),
		cmocka_unit_test(test_free_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
