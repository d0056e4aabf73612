/*
 * connack.h - what a broker means when it refuses a connection, and what to
 * do about it. The code is the CONNACK's: MQTT 3.1.1 return codes 1..5, or
 * an MQTT 5 reason code (0x80 and up), as paho hands it to a failed
 * connect.
 *
 * A refusal is `final` when trying again will not help until someone
 * changes something (a password, a client id, the broker's access rules):
 * common/mqtt_link.c then logs it once, plainly, with `fix`, and tries
 * again only every refused_retry seconds. The others (server unavailable,
 * busy, a quota) pass by themselves and are retried as a lost connection is.
 */
#ifndef GM_CONNACK_H
#define GM_CONNACK_H

#include <stdbool.h>

struct connack_why {
	int code;
	const char *what;    /* the specification's name: "bad user name or password" */
	const char *fix;     /* what to change, for the log; "" when none is needed */
	bool final;
};

/* The refusal `code` means under MQTT `version` (paho's MQTTVERSION_3_1_1
 * or MQTTVERSION_5), or NULL when it is no refusal we know (paho's own
 * negative codes: the connection failed before any CONNACK). */
const struct connack_why *connack_why(int version, int code);

#endif
