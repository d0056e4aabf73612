/*
 * status_show.h - gm-collector --status: the collector's status file
 * (registry.h) as a table for a person, one channel a line, worst first.
 * Staleness is judged again now, from each channel's last reading and
 * interval, so an old file still tells the truth about age.
 */
#ifndef GM_STATUS_SHOW_H
#define GM_STATUS_SHOW_H

#include <stdio.h>

/* Exit codes of --status. */
enum { STATUS_ALL_OK = 0, STATUS_NOT_ALL_OK = 4, STATUS_UNREADABLE = 3 };

/* Print the table for the status file at path to out; returns one of the
 * codes above (a message on stderr when unreadable). */
int status_show(const char *path, FILE *out, double now);

#endif
