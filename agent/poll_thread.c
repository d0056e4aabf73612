/* poll_thread.c - a poller's thread, its sleep and its stop. */
#include <time.h>

#include "gm_err.h"
#include "poll_thread.h"

void poll_thread_init(struct poll_thread *t)
{
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	atomic_store(&t->running, false);
	t->started = false;
}

int poll_thread_start(struct poll_thread *t, void *(*fn)(void *), void *arg)
{
	atomic_store(&t->running, true);
	if (pthread_create(&t->thread, NULL, fn, arg) != 0) {
		atomic_store(&t->running, false);
		return GM_EIO;
	}
	t->started = true;
	return GM_OK;
}

bool poll_thread_running(struct poll_thread *t)
{
	return atomic_load(&t->running);
}

/* pthread_cond_timedwait's clock is the wall clock, as when_ms is. */
void poll_thread_sleep_until(struct poll_thread *t, int64_t when_ms)
{
	struct timespec ts = { .tv_sec = when_ms / 1000,
	    .tv_nsec = (long)(when_ms % 1000) * 1000000L };

	pthread_mutex_lock(&t->lock);
	if (atomic_load(&t->running))
		pthread_cond_timedwait(&t->wake, &t->lock, &ts);
	pthread_mutex_unlock(&t->lock);
}

void poll_thread_stop(struct poll_thread *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->running, false);
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->started = false;
}

void poll_thread_destroy(struct poll_thread *t)
{
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->wake);
}
