/*
 * json_in.h - JSON from the network, parsed strictly: one home for the rules
 * every wire-contract message shares, so that readings and meter events are
 * refused for the same reasons (and a device's payload, agent/mqtt_payload.c,
 * for the first four).
 *
 * Refused (GM_EINVAL, reason in err): more than `max` bytes; a NUL byte; a
 * string holding \u0000 (C would read only up to it, so "kWh\u0000/../x"
 * would pass as "kWh"); anything but white space after the value; a value
 * that is not an object; a key twice in the object (readers disagree on
 * which one wins, so neither does).
 */
#ifndef GM_JSON_IN_H
#define GM_JSON_IN_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Any JSON value (a device's bare number too), with the same checks but
 * the last two. On GM_OK *out is the value; the caller cJSON_Delete()s it. */
int json_value_parse(const char *json, size_t len, size_t max, cJSON **out, char *err,
    size_t errlen);
/* On GM_OK *out is the object; the caller cJSON_Delete()s it. */
int json_object_parse(const char *json, size_t len, size_t max, cJSON **out, char *err,
    size_t errlen);

#endif
