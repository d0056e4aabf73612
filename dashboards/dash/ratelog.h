/*
 * ratelog.h - the log lines a client can cause (a connection dropped half
 * way, one over a limit, a refused report file), within a budget: at most
 * `burst` warnings per window (a minute); the rest are counted, and once
 * the window is over one line says how many were left out and what the
 * last of them was:
 *   http: 9997 more such lines in the last 60 s not logged (the last: ...)
 * So no client can flood the log, and the operator still learns that it
 * happened and how often. Thread-safe; the summary is written by the next
 * ratelog_say or ratelog_tick after the window, whichever comes first.
 */
#ifndef GM_RATELOG_H
#define GM_RATELOG_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#define RATELOG_LAST 200

struct ratelog {
	pthread_mutex_t lock;
	const char *what;          /* the summary's prefix: "http" */
	unsigned burst;            /* lines logged per window */
	time_t window_s;
	time_t start;              /* of the current window; 0 before the first line */
	unsigned said, held;       /* in the current window */
	char last[RATELOG_LAST];   /* the last line held back */
};

/* what is borrowed (a string literal). 0, or a negative GM_E* code. */
int ratelog_init(struct ratelog *r, const char *what, unsigned burst, time_t window_s);
void ratelog_fini(struct ratelog *r);   /* writes a pending summary at once */

/* Log a warning now, or count it: true when it was logged. */
bool ratelog_say(struct ratelog *r, time_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Once the window is over, write its summary if lines were held back and
 * start afresh: the number held (0: nothing written). */
unsigned ratelog_tick(struct ratelog *r, time_t now);

#endif
