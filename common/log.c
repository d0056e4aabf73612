/* log.c - stderr logging with levels and rate-limited complaints. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"

static const char *log_prog = "greenmeter";
static enum log_level log_level = GM_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_init(const char *progname, enum log_level level)
{
	log_prog = progname;
	log_level = level;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

bool log_enabled(enum log_level level)
{
	return level <= log_level;
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	struct timeval tv;
	struct tm tm;
	char stamp[32];

	if (!log_enabled(level))
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One lock so lines from poller threads never interleave. */
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ld %s: %s: ", stamp, (long)(tv.tv_usec / 1000),
	    log_prog, level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void log_report(void *user, const char *msg)
{
	(void)user;
	log_msg(GM_LOG_ERR, "%s", msg);
}

void complain(struct complaint *c, time_t now, const char *fmt, ...)
{
	va_list ap;

	if (c->since == 0) {
		/* quiet for a whole gap after the last repeat was due: afresh;
		 * sooner, the source flaps: keep the pace (if asked: a bad answer
		 * from a meter is news each time it comes after a good one) */
		if (!c->keep_pace || now >= c->next + c->interval) {
			c->interval = 0;
			c->next = now;
		}
		c->since = now;
		c->repeats = 0;
		c->told = false;
	}
	c->repeats++;
	if (now < c->next)
		return;
	/* 1, 2, 4 ... minutes apart, never more than an hour. */
	c->interval = c->interval ? c->interval * 2 : 60;
	if (c->interval > 3600)
		c->interval = 3600;
	c->next = now + c->interval;
	c->told = true;
	va_start(ap, fmt);
	log_vmsg(GM_LOG_WARN, fmt, ap);
	va_end(ap);
}

void complain_release(struct complaint *c, time_t now, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	long secs;

	if (c->since == 0)
		return;
	if (c->told) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		secs = (long)(now - c->since);
		if (secs < 120)
			log_msg(GM_LOG_INFO, "%s: back after %ld s (%u failed attempts)", msg, secs,
			    c->repeats);
		else
			log_msg(GM_LOG_INFO, "%s: back after %ld min (%u failed attempts)", msg,
			    (secs + 30) / 60, c->repeats);
	}
	/* next and interval stay: a failure soon after keeps their pace */
	c->since = 0;
	c->repeats = 0;
	c->told = false;
}
