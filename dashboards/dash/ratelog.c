/* ratelog.c - a budget of log lines per minute, the rest counted. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gm_err.h"
#include "log.h"
#include "ratelog.h"

int ratelog_init(struct ratelog *r, const char *what, unsigned burst, time_t window_s)
{
	memset(r, 0, sizeof(*r));
	r->what = what;
	r->burst = burst;
	r->window_s = window_s > 0 ? window_s : 1;
	return pthread_mutex_init(&r->lock, NULL) == 0 ? GM_OK : GM_ENOMEM;
}

/* With the lock held: close the window when it is over (or at once). */
static unsigned roll(struct ratelog *r, time_t now, bool now_anyway)
{
	unsigned held = r->held;

	if (r->start != 0 && now < r->start + r->window_s && !now_anyway)
		return 0;
	if (held > 0)
		log_warn("%s: %u more such lines in the last %lld s not logged (the last: %s)",
		    r->what, held, (long long)(now - r->start), r->last);
	r->start = now;
	r->said = 0;
	r->held = 0;
	return held;
}

bool ratelog_say(struct ratelog *r, time_t now, const char *fmt, ...)
{
	va_list ap;
	bool say;

	pthread_mutex_lock(&r->lock);
	roll(r, now, false);
	say = r->said < r->burst;
	if (say)
		r->said++;
	else
		r->held++;
	va_start(ap, fmt);
	if (!say) {
		vsnprintf(r->last, sizeof(r->last), fmt, ap);
	} else {
		char line[512];

		/* under the lock, so a summary never comes before the lines it follows */
		vsnprintf(line, sizeof(line), fmt, ap);
		log_warn("%s", line);
	}
	va_end(ap);
	pthread_mutex_unlock(&r->lock);
	return say;
}

unsigned ratelog_tick(struct ratelog *r, time_t now)
{
	unsigned held;

	pthread_mutex_lock(&r->lock);
	held = r->start != 0 ? roll(r, now, false) : 0;
	pthread_mutex_unlock(&r->lock);
	return held;
}

void ratelog_fini(struct ratelog *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->start != 0)
		roll(r, time(NULL), true);
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_destroy(&r->lock);
}
