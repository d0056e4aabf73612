/*
 * timeutil.h - wall and monotonic clocks, and local time.
 *
 * Days and months are local (Asia/Bangkok, UTC+7, no daylight saving, by
 * default). Programs call tz_set() once at start, before any thread; the
 * conversions below then use the C library's time zone database (tzdata).
 */
#ifndef GM_TIMEUTIL_H
#define GM_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TZ_DEFAULT "Asia/Bangkok"

/* Select the time zone by its tz database name; GM_ENOTFOUND if unknown. */
int tz_set(const char *zone);

double now_wall(void);       /* unix seconds, microsecond resolution */
int64_t mono_ms(void);       /* monotonic milliseconds, for timeouts and schedules */

/* Parse local time: "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS"
 * (a 'T' may replace the space), or "@<unix seconds>". */
int time_parse_local(const char *s, time_t *out, char *err, size_t errlen);

/* "YYYY-MM-DD HH:MM:SS" in local time. */
void time_format_local(time_t t, char *buf, size_t len);

/* Local midnight starting the day that contains t. */
time_t local_day_start(time_t t);
/* Local midnight starting the first day of the month that contains t. */
time_t local_month_start(time_t t);

#endif
