/* poll_sched.c - poll slots on the wall clock, and the back-off after failures. */
#include <math.h>

#include "poll_sched.h"
#include "timeutil.h"

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 60000

int64_t poll_sched_now_ms(void)
{
	return (int64_t)floor(now_wall() * 1000.0);
}

int64_t poll_sched_next_slot(int64_t now_ms, int interval_ms)
{
	return (now_ms / interval_ms + 1) * interval_ms;
}

void poll_sched_backoff_init(struct poll_backoff *b, int shortest_interval_ms)
{
	b->retry_ms = 0;
	b->wait_ms = BACKOFF_FIRST_MS;
	b->cap_ms = shortest_interval_ms < BACKOFF_MAX_MS ? shortest_interval_ms : BACKOFF_MAX_MS;
}

bool poll_sched_backoff_due(const struct poll_backoff *b, int64_t now_ms)
{
	return now_ms >= b->retry_ms;
}

int poll_sched_backoff_failed(struct poll_backoff *b, int64_t now_ms)
{
	int wait = b->wait_ms < b->cap_ms ? b->wait_ms : b->cap_ms;

	/* A tenth early, so a retry due at the next poll slot is not missed by
	 * a few milliseconds (and the device read an interval late). */
	b->retry_ms = now_ms + wait - wait / 10;
	if (b->wait_ms < BACKOFF_MAX_MS)
		b->wait_ms *= 2;
	return wait;
}

void poll_sched_backoff_reset(struct poll_backoff *b)
{
	b->retry_ms = 0;
	b->wait_ms = BACKOFF_FIRST_MS;
}
