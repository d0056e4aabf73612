/*
 * payload.h - the JSON payload of the wire contract (v1), one home for
 * encoding (agent, gm-sim) and decoding (collector).
 *
 * One reading:  {"t":1763700000.25,"v":1234.5,"unit":"kWh","kind":"counter","seq":7}
 * A batch:      {"readings":[[t,v],...],"unit":"kWh","kind":"counter","seq":8}
 * Optional:     "wrap": the counter's modulus in `unit` (e.g. 4294967.296 for a
 *               32-bit pulse register at 0.001 m3 a pulse), so a wrap is told
 *               from a reset.
 *               "every": the channel's expected time between readings, in
 *               whole seconds 1..PAYLOAD_EVERY_MAX, for counters and gauges
 *               (a meter polled each minute: 60; a dial read by hand each
 *               month: 2678400), so completeness is judged against the
 *               channel's own cadence.
 * Rules (COMPATIBILITY: fields may be added, never changed in meaning):
 * t is unix seconds (fractional allowed) from 2000-01-01 to 2100-01-01; v is a
 * finite number; a batch holds 1..PAYLOAD_MAX_POINTS readings in strictly
 * increasing time; seq is an integer 0..2^53; unknown fields are ignored.
 */
#ifndef GM_PAYLOAD_H
#define GM_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_MAX_BYTES (256 * 1024)
#define PAYLOAD_MAX_POINTS 4096
#define UNIT_MAX 15
#define T_MIN 946684800.0   /* 2000-01-01T00:00:00Z */
#define T_MAX 4102444800.0  /* 2100-01-01T00:00:00Z */
#define PAYLOAD_SEQ_MAX 9007199254740992ULL   /* 2^53: the largest seq */
#define PAYLOAD_EVERY_MAX 31622400L   /* s: 366 days, the longest "every" */
#define PAYLOAD_EVERY_MONTHLY 2678400L   /* s: 31 days, a dial read once a month */

/* A month's manual amount (a delta) on the wire: stamped with the month's
 * last second, local time, and numbered by its month (months since
 * 2000-01), so that entering it again is the same reading and a changed
 * amount for the month corrects it. The one rule for gm-agent --import and
 * gm-dashboard's entries. */
double payload_month_t(int year, int month);
uint64_t payload_month_seq(int year, int month);

enum reading_kind { KIND_COUNTER, KIND_GAUGE, KIND_DELTA };

struct point {
	double t;
	double v;
};

/* What every reading of one message shares. */
struct payload_meta {
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;
	uint64_t seq;
	double wrap; /* 0 when the counter does not wrap or it is not known */
	long every;  /* s between readings expected, 1..PAYLOAD_EVERY_MAX; 0: not given */
};

const char *kind_name(enum reading_kind kind);
int kind_parse(const char *s, enum reading_kind *out);
/* Units are short ASCII: [A-Za-z0-9/%._-]{1,15} ("kWh", "m3", "sheets"). */
int unit_valid(const char *s);

/* Encode 1..PAYLOAD_MAX_POINTS points; n == 1 gives the single-reading
 * form. On GM_OK *ret_json is a malloc'd NUL-terminated string the caller
 * frees. Whatever payload_decode would refuse is refused here instead, with
 * the reason in err and *ret_json NULL: GM_EINVAL for a point that is not
 * finite, outside T_MIN..T_MAX or not after the one before it, a bad unit or
 * kind, seq above 2^53, a wrap that is not finite (one <= 0 is left out),
 * an every outside 0..PAYLOAD_EVERY_MAX or given for a delta (0 is left
 * out); GM_ENOMEM. Never a "null" in place of a number. */
int payload_encode(const struct payload_meta *meta, const struct point *pts, size_t n,
    char **ret_json, char *err, size_t errlen);

/* One reading as the wire contract wants it: t finite within
 * T_MIN..T_MAX, v finite. GM_OK, or GM_EINVAL with the reason in err. What
 * the spool lets in and the encoder writes are judged by this rule. */
int payload_reading_check(double t, double v, char *err, size_t errlen);

/* Decode and validate. On success *ret_pts is a malloc'd array of *ret_n
 * points the caller frees. On failure returns GM_EINVAL with the reason
 * (naming the field) in err, and *ret_pts is NULL. */
int payload_decode(const char *json, size_t len, struct payload_meta *meta,
    struct point **ret_pts, size_t *ret_n, char *err, size_t errlen);

#endif
