/*
 * consumption.h - what a meter channel used over a period, read back from its
 * RRD file; shared by gm-report and the dashboard so both say the same.
 *
 * amount: sum over the period of the `use` rate times seconds, i.e. the
 * counter difference (linearly interpolated between readings at the ends).
 * Periods on whole hours (local days and months are) are exact for 5 years;
 * older ones come from daily rows, which rrdtool aligns on UTC days.
 * coverage: the share of the period that had readings; gaps: where it had
 * none. A figure with coverage < 1 must be shown as incomplete.
 */
#ifndef GM_CONSUMPTION_H
#define GM_CONSUMPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define USAGE_MAX_GAPS 32

struct usage_gap {
	time_t start, end;
};

struct usage {
	time_t from, to;        /* the period asked for: [from, to) */
	unsigned long step;     /* resolution of the rows used, seconds */
	double amount;          /* NAN when the channel has no use data (gauges) */
	double mean, min, max;  /* of `value` over the rows with readings; NAN if none */
	double coverage;        /* 0..1 */
	int ngaps;
	bool more_gaps;         /* more than USAGE_MAX_GAPS gaps */
	struct usage_gap gaps[USAGE_MAX_GAPS];
};

/* GM_OK, or GM_ELIB / GM_EINVAL with librrd's reason in err. */
int usage_get(const char *rrd_path, time_t from, time_t to, struct usage *u,
    char *err, size_t errlen);

#endif
