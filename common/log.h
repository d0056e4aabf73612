/*
 * log.h - one line per event on stderr: "<time> <program>: <level>: <message>".
 *
 * Every message names where it came from (file:line, topic, device:register);
 * that is the caller's job. A `struct complaint` keeps a repeating failure
 * (a dead meter, an absent broker) from flooding the log: it is logged once,
 * then at growing intervals, and its recovery once with the outage length.
 * One with keep_pace set that flaps (fails, works, fails ...) keeps that pace
 * across its short recoveries: a failure and its recovery are logged at most
 * once a gap (a device's payloads, one in two of which are of no use);
 * without it, each new outage is logged (a meter's bad answers, each news).
 */
#ifndef GM_LOG_H
#define GM_LOG_H

#include <stdbool.h>
#include <time.h>

enum log_level { GM_LOG_ERR, GM_LOG_WARN, GM_LOG_INFO, GM_LOG_DEBUG };

void log_init(const char *progname, enum log_level level);
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A config parser's error reporter (conf_report) that logs each as an error. */
void log_report(void *user, const char *msg);

#define log_err(...) log_msg(GM_LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(GM_LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(GM_LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(GM_LOG_DEBUG, __VA_ARGS__)

/* Zero-initialise; not thread-safe (one per poller or connection). */
struct complaint {
	time_t since;     /* first failure of this outage, 0 when healthy */
	time_t next;      /* do not repeat before this */
	time_t interval;  /* current gap between repeats, seconds */
	unsigned repeats; /* failures since `since` */
	bool told;        /* this outage was logged, so its end will be */
	bool keep_pace;   /* set by the owner: a flapping source keeps the pace */
};

/* Log a failure: the first at once, then after 1, 2, 4 ... 60 minutes. A
 * new outage starting before the last one's gap has passed twice over
 * continues its pace instead of starting afresh. */
void complain(struct complaint *c, time_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log the recovery once ("... back after 37 min"), if there was an outage
 * and it was logged. */
void complain_release(struct complaint *c, time_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
