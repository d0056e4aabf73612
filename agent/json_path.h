/*
 * json_path.h - where a number sits in a device's JSON payload, as written
 * in an [mqtt_meter]'s channel.<id>:
 *
 *   counters.total     keys, dot-separated
 *   ENERGY.Total[1]    element 1 (0 = the first) of the array ENERGY.Total
 *   [0]                element 0 of a payload that is an array
 *   counters.sides.1   a number alone as a step: an element if the value
 *                      there is an array, a key if it is an object
 *   .                  the payload itself is the number
 *
 * A path is checked when the file is read, so a payload can only fail to
 * match it: the reason then names the field the way the path does
 * ("payload has no ENERGY.Total", "ENERGY.Total is an array of 2 elements,
 * not a number", "ENERGY.Total[2]: ENERGY.Total has 2 elements").
 */
#ifndef GM_JSON_PATH_H
#define GM_JSON_PATH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define JSON_PATH_MAX 128
#define JSON_PATH_STEPS 16
#define JSON_INDEX_MAX 9999

enum json_step_kind { STEP_KEY, STEP_INDEX, STEP_KEY_OR_INDEX };

struct json_step {
	enum json_step_kind kind;
	unsigned char at, len;   /* the key: text[at .. at+len) */
	unsigned char end;       /* the path up to here: text[0 .. end) */
	int index;               /* STEP_INDEX, STEP_KEY_OR_INDEX */
};

struct json_path {
	char text[JSON_PATH_MAX];
	int n;                   /* 0: the payload itself (".") */
	struct json_step step[JSON_PATH_STEPS];
};

/* Compile `text`. GM_OK, or GM_EINVAL with what is wrong in err. */
int json_path_parse(const char *text, struct json_path *p, char *err, size_t errlen);
/* The number at p in root. GM_OK, or GM_EINVAL with the reason in err. */
int json_path_number(const cJSON *root, const struct json_path *p, double *out, char *err,
    size_t errlen);

#endif
