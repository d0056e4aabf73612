/*
 * poll_thread.h - a poller's own thread: started, asleep until its next
 * poll or until told to stop, joined. One for every poller (a Modbus
 * gateway, an SNMP printer); what it does between sleeps is the poller's.
 * Times are wall-clock milliseconds (poll_sched_now_ms), as polls are
 * aligned to the wall clock.
 */
#ifndef GM_POLL_THREAD_H
#define GM_POLL_THREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct poll_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool running;
	bool started;
};

void poll_thread_init(struct poll_thread *t);
/* Run fn(arg) on a new thread: GM_OK or GM_EIO. */
int poll_thread_start(struct poll_thread *t, void *(*fn)(void *), void *arg);
/* Whether the thread is to go on (false once poll_thread_stop is called). */
bool poll_thread_running(struct poll_thread *t);
/* Sleep until when_ms, or until told to stop. */
void poll_thread_sleep_until(struct poll_thread *t, int64_t when_ms);
/* Tell it to stop, wake it and join it; nothing if it never started. */
void poll_thread_stop(struct poll_thread *t);
/* After poll_thread_stop. */
void poll_thread_destroy(struct poll_thread *t);

#endif
