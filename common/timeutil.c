/* timeutil.c - clocks and local-time conversion through the tz database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "gm_err.h"
#include "timeutil.h"

int tz_set(const char *zone)
{
	char path[512], magic[4];
	FILE *f;
	int ok;

	/* glibc silently falls back to UTC for an unknown zone: check first that
	 * it is a zone file (they start with "TZif"), not just any path there,
	 * such as the directory "Asia" or "" (zoneinfo itself). */
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (strstr(zone, "..") != NULL || (f = fopen(path, "r")) == NULL)
		return GM_ENOTFOUND;
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	fclose(f);
	if (!ok)
		return GM_ENOTFOUND;
	setenv("TZ", zone, 1);
	tzset();
	return GM_OK;
}

double now_wall(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int time_parse_local(const char *s, time_t *out, char *err, size_t errlen)
{
	struct tm tm = { 0 };
	int n = 0, y, mo, d, h = 0, mi = 0, sec = 0;
	char sep;
	time_t t;

	if (s[0] == '@') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (s[1] == '\0' || *end != '\0' || errno == ERANGE)
			return gm_errf(err, errlen, GM_EINVAL, "\"%s\": bad @unix time", s);
		*out = (time_t)v;
		return GM_OK;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		goto bad;
	if (s[n] != '\0') {
		int m2 = 0;
		if (sscanf(s + n, "%c%2d:%2d%n", &sep, &h, &mi, &m2) != 3 ||
		    (sep != ' ' && sep != 'T'))
			goto bad;
		n += m2;
		if (s[n] == ':') {
			int m3 = 0;
			if (sscanf(s + n, ":%2d%n", &sec, &m3) != 1)
				goto bad;
			n += m3;
		}
		if (s[n] != '\0')
			goto bad;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 ||
	    h < 0 || mi < 0 || sec < 0)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* mktime normalises 31 Feb into March: refuse what it had to change. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		goto bad;
	*out = t;
	return GM_OK;
bad:
	return gm_errf(err, errlen, GM_EINVAL,
	    "\"%s\": expected YYYY-MM-DD[ HH:MM[:SS]] (local time) or @unix", s);
}

void time_format_local(time_t t, char *buf, size_t len)
{
	struct tm tm;

	/* fails only for a year beyond int; tm would be left unset */
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "@%lld", (long long)t);
		return;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static time_t local_start(time_t t, int first_of_month)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (first_of_month)
		tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t local_day_start(time_t t)
{
	return local_start(t, 0);
}

time_t local_month_start(time_t t)
{
	return local_start(t, 1);
}
