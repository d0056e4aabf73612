/* payload.c - wire contract v1 JSON encoding and validation (cJSON). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "gm_err.h"
#include "json_in.h"
#include "payload.h"

static const char *const kind_names[] = { "counter", "gauge", "delta" };

const char *kind_name(enum reading_kind kind)
{
	return kind_names[kind];
}

int kind_parse(const char *s, enum reading_kind *out)
{
	for (int k = KIND_COUNTER; k <= KIND_DELTA; k++) {
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum reading_kind)k;
			return GM_OK;
		}
	}
	return GM_EINVAL;
}

int unit_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > UNIT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("/%._-", c) != NULL))
			return 0;
	}
	return 1;
}

/* A finite number as JSON text that reads back as exactly the same double:
 * the fewest of 15, 16 or 17 significant digits that do. Not cJSON's
 * printer: it settles for 15 digits whenever they read back within a
 * relative DBL_EPSILON, so a value could come back 1 ulp off, and a batch
 * with two readings 1 ulp apart in time was sent with the same t twice and
 * refused (found by tests/fuzz). Callers check finiteness first. */
static cJSON *exact_number(double d)
{
	char buf[32];

	for (int prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return cJSON_CreateRaw(buf);
	}
	snprintf(buf, sizeof(buf), "%.17g", d);
	return cJSON_CreateRaw(buf);
}

static int add_number(cJSON *o, const char *field, double d)
{
	cJSON *it = exact_number(d);

	if (it == NULL)
		return 0;
	if (!cJSON_AddItemToObject(o, field, it)) {
		cJSON_Delete(it);
		return 0;
	}
	return 1;
}

static int add_meta(cJSON *o, const struct payload_meta *meta)
{
	char seq[24], every[24];

	/* Not cJSON_AddNumberToObject: cJSON prints a large number with 15
	 * significant digits when that reads back "close enough", so 2^53 came
	 * out as 9.00719925474099e+15 (= 2^53 - 2). */
	snprintf(seq, sizeof(seq), "%" PRIu64, meta->seq);
	snprintf(every, sizeof(every), "%ld", meta->every);
	return cJSON_AddStringToObject(o, "unit", meta->unit) != NULL &&
	    cJSON_AddStringToObject(o, "kind", kind_name(meta->kind)) != NULL &&
	    cJSON_AddRawToObject(o, "seq", seq) != NULL &&
	    (meta->wrap <= 0 || add_number(o, "wrap", meta->wrap)) &&
	    (meta->every == 0 || cJSON_AddRawToObject(o, "every", every) != NULL);
}

int payload_reading_check(double t, double v, char *err, size_t errlen)
{
	if (!isfinite(t) || t < T_MIN || t >= T_MAX)
		return gm_errf(err, errlen, GM_EINVAL,
		    "time %.3f is outside 2000-01-01..2100-01-01", t);
	if (!isfinite(v))
		return gm_errf(err, errlen, GM_EINVAL, "value is not finite");
	return GM_OK;
}

/* Point i of a message: a reading, after the one before it. */
static int check_point(double t, double v, double prev_t, size_t i, char *err,
    size_t errlen)
{
	char why[96];

	if (payload_reading_check(t, v, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL, "reading %zu: %s", i, why);
	if (i > 0 && t <= prev_t)
		return gm_errf(err, errlen, GM_EINVAL,
		    "reading %zu: time %.3f is not after the one before it", i, t);
	return GM_OK;
}

/* An expected interval given: whole seconds in range, and only where
 * readings come on a cadence (a delta comes when a person enters it). */
static int every_check(enum reading_kind kind, double every, char *err, size_t errlen)
{
	if (kind == KIND_DELTA)
		return gm_errf(err, errlen, GM_EINVAL, "field \"every\" is for counter and gauge "
		    "readings, not delta entries");
	if (!(every >= 1 && every <= PAYLOAD_EVERY_MAX) || every != floor(every))
		return gm_errf(err, errlen, GM_EINVAL, "field \"every\" must be whole seconds "
		    "from 1 to %ld (366 days)", PAYLOAD_EVERY_MAX);
	return GM_OK;
}

/* What an encoder may not write: anything payload_decode would refuse, so a
 * bad value is refused here, alone, and never takes a batch of good ones down
 * with it at the collector. */
static int check_meta(const struct payload_meta *meta, size_t n, char *err, size_t errlen)
{
	if (n < 1 || n > PAYLOAD_MAX_POINTS)
		return gm_errf(err, errlen, GM_EINVAL, "%zu readings: a message holds 1..%d", n,
		    PAYLOAD_MAX_POINTS);
	if (!unit_valid(meta->unit))
		return gm_errf(err, errlen, GM_EINVAL,
		    "unit must be 1..%d characters [A-Za-z0-9/%%._-]", UNIT_MAX);
	if ((unsigned)meta->kind > KIND_DELTA)
		return gm_errf(err, errlen, GM_EINVAL, "kind %d is not a kind", (int)meta->kind);
	if (meta->seq > PAYLOAD_SEQ_MAX)
		return gm_errf(err, errlen, GM_EINVAL, "seq %" PRIu64 " is above 2^53", meta->seq);
	if (!isfinite(meta->wrap))
		return gm_errf(err, errlen, GM_EINVAL, "wrap is not finite");
	if (meta->every != 0)
		return every_check(meta->kind, meta->every, err, errlen);
	return GM_OK;
}

static int encode_points(cJSON *o, const struct point *pts, size_t n)
{
	cJSON *arr, *pair, *t, *v;

	if (n == 1)
		return add_number(o, "t", pts[0].t) && add_number(o, "v", pts[0].v);
	if ((arr = cJSON_AddArrayToObject(o, "readings")) == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((pair = cJSON_CreateArray()) == NULL)
			return 0;
		cJSON_AddItemToArray(arr, pair);
		t = exact_number(pts[i].t);
		v = exact_number(pts[i].v);
		if (t == NULL || v == NULL) {
			cJSON_Delete(t);
			cJSON_Delete(v);
			return 0;
		}
		cJSON_AddItemToArray(pair, t);
		cJSON_AddItemToArray(pair, v);
	}
	return 1;
}

int payload_encode(const struct payload_meta *meta, const struct point *pts, size_t n,
    char **ret_json, char *err, size_t errlen)
{
	cJSON *o;
	int rc;

	*ret_json = NULL;
	if ((rc = check_meta(meta, n, err, errlen)) != GM_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = check_point(pts[i].t, pts[i].v, i ? pts[i - 1].t : 0, i, err,
		    errlen)) != GM_OK)
			return rc;
	}
	if ((o = cJSON_CreateObject()) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	/* Fields in the documented order: t, v (or readings), unit, kind, seq,
	 * then the optional wrap and every. */
	if (encode_points(o, pts, n) && add_meta(o, meta))
		*ret_json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *ret_json != NULL ? GM_OK : gm_errf(err, errlen, GM_ENOMEM, "out of memory");
}

static int get_number(const cJSON *o, const char *field, double *out, char *err,
    size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, field);

	if (it == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "field \"%s\" is missing", field);
	if (!cJSON_IsNumber(it))
		return gm_errf(err, errlen, GM_EINVAL, "field \"%s\" is not a number", field);
	if (!isfinite(it->valuedouble))
		return gm_errf(err, errlen, GM_EINVAL, "field \"%s\" is not finite", field);
	*out = it->valuedouble;
	return GM_OK;
}

/* Optional; 0 when absent. */
static int decode_every(const cJSON *o, struct payload_meta *meta, char *err, size_t errlen)
{
	double every;
	int rc;

	meta->every = 0;
	if (cJSON_GetObjectItemCaseSensitive(o, "every") == NULL)
		return GM_OK;
	if ((rc = get_number(o, "every", &every, err, errlen)) != GM_OK ||
	    (rc = every_check(meta->kind, every, err, errlen)) != GM_OK)
		return rc;
	meta->every = (long)every;
	return GM_OK;
}

static int decode_meta(const cJSON *o, struct payload_meta *meta, char *err, size_t errlen)
{
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(o, "unit");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	double seq;
	int rc;

	if (!cJSON_IsString(unit) || !unit_valid(unit->valuestring))
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"unit\" must be a string of 1..%d characters [A-Za-z0-9/%%._-]",
		    UNIT_MAX);
	strcpy(meta->unit, unit->valuestring);
	if (!cJSON_IsString(kind) || kind_parse(kind->valuestring, &meta->kind) != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"kind\" must be \"counter\", \"gauge\" or \"delta\"");
	if ((rc = get_number(o, "seq", &seq, err, errlen)) != GM_OK)
		return rc;
	if (seq < 0 || seq > (double)PAYLOAD_SEQ_MAX || seq != floor(seq))
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"seq\" must be an integer from 0 to 2^53");
	meta->seq = (uint64_t)seq;
	meta->wrap = 0;
	if (cJSON_GetObjectItemCaseSensitive(o, "wrap") != NULL) {
		if ((rc = get_number(o, "wrap", &meta->wrap, err, errlen)) != GM_OK)
			return rc;
		if (meta->wrap <= 0)
			return gm_errf(err, errlen, GM_EINVAL, "field \"wrap\" must be positive");
	}
	return decode_every(o, meta, err, errlen);
}

static int decode_batch(const cJSON *arr, struct point **ret_pts, size_t *ret_n,
    char *err, size_t errlen)
{
	int n = cJSON_GetArraySize(arr);
	struct point *pts;
	const cJSON *pair;
	int i = 0, rc;

	if (!cJSON_IsArray(arr) || n < 1 || n > PAYLOAD_MAX_POINTS)
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"readings\" must be an array of 1..%d [t, v] pairs",
		    PAYLOAD_MAX_POINTS);
	if ((pts = calloc((size_t)n, sizeof(*pts))) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	cJSON_ArrayForEach(pair, arr) {
		const cJSON *t = cJSON_GetArrayItem(pair, 0), *v = cJSON_GetArrayItem(pair, 1);
		if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 ||
		    !cJSON_IsNumber(t) || !cJSON_IsNumber(v)) {
			rc = gm_errf(err, errlen, GM_EINVAL,
			    "reading %d is not a [t, v] pair of numbers", i);
			goto fail;
		}
		pts[i].t = t->valuedouble;
		pts[i].v = v->valuedouble;
		if ((rc = check_point(pts[i].t, pts[i].v, i ? pts[i - 1].t : 0,
		    (size_t)i, err, errlen)) != GM_OK)
			goto fail;
		i++;
	}
	*ret_pts = pts;
	*ret_n = (size_t)n;
	return GM_OK;
fail:
	free(pts);
	return rc;
}

static int decode_single(const cJSON *o, struct point **ret_pts, size_t *ret_n,
    char *err, size_t errlen)
{
	struct point p;
	int rc;

	if ((rc = get_number(o, "t", &p.t, err, errlen)) != GM_OK ||
	    (rc = get_number(o, "v", &p.v, err, errlen)) != GM_OK ||
	    (rc = check_point(p.t, p.v, 0, 0, err, errlen)) != GM_OK)
		return rc;
	if ((*ret_pts = malloc(sizeof(p))) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	**ret_pts = p;
	*ret_n = 1;
	return GM_OK;
}

int payload_decode(const char *json, size_t len, struct payload_meta *meta,
    struct point **ret_pts, size_t *ret_n, char *err, size_t errlen)
{
	const cJSON *batch;
	cJSON *o;
	int rc;

	*ret_pts = NULL;
	*ret_n = 0;
	if ((rc = json_object_parse(json, len, PAYLOAD_MAX_BYTES, &o, err, errlen)) != GM_OK)
		return rc;
	if ((rc = decode_meta(o, meta, err, errlen)) != GM_OK)
		goto done;
	batch = cJSON_GetObjectItemCaseSensitive(o, "readings");
	if (batch != NULL && (cJSON_GetObjectItemCaseSensitive(o, "t") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(o, "v") != NULL))
		rc = gm_errf(err, errlen, GM_EINVAL,
		    "payload has both \"readings\" and \"t\"/\"v\"");
	else if (batch != NULL)
		rc = decode_batch(batch, ret_pts, ret_n, err, errlen);
	else
		rc = decode_single(o, ret_pts, ret_n, err, errlen);
done:
	cJSON_Delete(o);
	return rc;
}

double payload_month_t(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month, .tm_mday = 1,
	    .tm_isdst = -1 };   /* the first day of the next month (mktime carries) */

	return (double)mktime(&tm) - 1;
}

uint64_t payload_month_seq(int year, int month)
{
	return (uint64_t)((year - 2000) * 12 + month);
}
