/* event_send.c - a counter replaced or reset, announced from the command line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gm_err.h"
#include "event_send.h"
#include "oneshot.h"
#include "timeutil.h"

#define FUTURE_SLACK 300   /* s: the collector's own limit for a reading */

/* A whole, finite number from an option: GM_OK, or why not. */
static int option_number(const char *opt, const char *s, double *out, char *err,
    size_t errlen)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(*out))
		return gm_errf(err, errlen, GM_EINVAL, "%s \"%s\" is not a number", opt, s);
	return GM_OK;
}

static int add_number(cJSON *o, const char *opt, const char *field, const char *s,
    char *err, size_t errlen)
{
	double x;
	int rc;

	if (s == NULL)
		return GM_OK;
	if ((rc = option_number(opt, s, &x, err, errlen)) != GM_OK)
		return rc;
	return cJSON_AddNumberToObject(o, field, x) ? GM_OK :
	    gm_errf(err, errlen, GM_ENOMEM, "out of memory");
}

static int event_time(const struct event_args *a, double now, double *t, char *err,
    size_t errlen)
{
	time_t when;
	int rc;

	if (a->at == NULL) {
		*t = floor(now);
		return GM_OK;
	}
	if ((rc = time_parse_local(a->at, &when, err, errlen)) != GM_OK)
		return rc;
	if ((double)when > now + FUTURE_SLACK)
		return gm_errf(err, errlen, GM_EINVAL, "--at %s is in the future", a->at);
	*t = (double)when;
	return GM_OK;
}

/* The wire form; then the collector's decoder says whether it is right. */
static int build_json(const struct event_args *a, double t, char **payload, char *err,
    size_t errlen)
{
	cJSON *o = cJSON_CreateObject();
	struct meter_event ev;
	int rc = GM_ENOMEM;

	*payload = NULL;
	if (o == NULL || !cJSON_AddNumberToObject(o, "t", t) ||
	    !cJSON_AddStringToObject(o, "event", a->kind) ||
	    (a->unit && !cJSON_AddStringToObject(o, "unit", a->unit)) ||
	    (a->note && !cJSON_AddStringToObject(o, "note", a->note)))
		goto out;
	if ((rc = add_number(o, "--new-start", "new_start", a->new_start, err, errlen)) != GM_OK ||
	    (rc = add_number(o, "--old-final", "old_final", a->old_final, err, errlen)) != GM_OK)
		goto out;
	if ((*payload = cJSON_PrintUnformatted(o)) == NULL) {
		rc = GM_ENOMEM;
		goto out;
	}
	meter_event_clear(&ev);
	rc = meter_event_decode(*payload, strlen(*payload), &ev, err, errlen);
out:
	if (rc == GM_ENOMEM)
		gm_errf(err, errlen, rc, "out of memory");
	if (rc != GM_OK) {
		free(*payload);
		*payload = NULL;
	}
	cJSON_Delete(o);
	return rc;
}

int event_send_build(const struct event_args *a, const char *site, double now,
    char *topic, size_t topic_len, char **payload, char *err, size_t errlen)
{
	struct chan_id id;
	double t = 0;
	int rc;

	*payload = NULL;
	if (a->kind == NULL || a->meter == NULL || a->channel == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "--event needs --meter and --channel");
	if (strcmp(a->kind, "replaced") == 0 && a->new_start == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "--event replaced needs --new-start: the "
		    "new meter's count when it was put in");
	if ((rc = chan_id_set(&id, site, a->meter, a->channel, err, errlen)) != GM_OK ||
	    (rc = event_time(a, now, &t, err, errlen)) != GM_OK ||
	    (rc = build_json(a, t, payload, err, errlen)) != GM_OK)
		return rc;
	topic_build(topic, topic_len, &id, TOPIC_EVENT);
	return GM_OK;
}

int event_send(const struct mqtt_opts *opts, const struct event_args *a, const char *site,
    int timeout_ms, char *err, size_t errlen)
{
	struct oneshot_msg m;
	int rc;

	if ((rc = event_send_build(a, site, now_wall(), m.topic, sizeof(m.topic), &m.payload,
	    err, errlen)) != GM_OK)
		return rc;
	rc = oneshot_publish(opts, &m, 1, timeout_ms, err, errlen);
	free(m.payload);
	return rc;
}
