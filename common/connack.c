/* connack.c - the CONNACK refusals of MQTT 3.1.1 and 5 (connack.h). */
#include <stddef.h>

#include <MQTTAsync.h>

#include "connack.h"

#define FIX_PROTOCOL "set protocol in [mqtt] to one the broker speaks (3.1.1 or 5)"
#define FIX_CLIENT_ID "set client_id in [mqtt] to one the broker accepts (1-23 " \
	"letters and digits are accepted by every broker), one per program"
#define FIX_PASSWORD "check username and password (or password_file) in [mqtt] " \
	"against the broker's password file"
#define FIX_AUTHORISED "check username, password and client_id in [mqtt] against the " \
	"broker's access rules (mosquitto answers a wrong password this way too)"
#define FIX_PACKET "the broker cannot read what this version of greenmeter sends: " \
	"try protocol = 3.1.1 in [mqtt], and report it"
#define FIX_BROKER "set broker in [mqtt] to the server the broker's operator names"

static const struct connack_why v3[] = {
	{ 1, "unacceptable protocol version", FIX_PROTOCOL, true },
	{ 2, "identifier rejected", FIX_CLIENT_ID, true },
	{ 3, "server unavailable", "", false },
	{ 4, "bad user name or password", FIX_PASSWORD, true },
	{ 5, "not authorised", FIX_AUTHORISED, true },
};

static const struct connack_why v5[] = {
	{ 0x80, "unspecified error", "", false },
	{ 0x81, "malformed packet", FIX_PACKET, true },
	{ 0x82, "protocol error", FIX_PACKET, true },
	{ 0x83, "implementation specific error", "", false },
	{ 0x84, "unsupported protocol version", FIX_PROTOCOL, true },
	{ 0x85, "client identifier not valid", FIX_CLIENT_ID, true },
	{ 0x86, "bad user name or password", FIX_PASSWORD, true },
	{ 0x87, "not authorized", FIX_AUTHORISED, true },
	{ 0x88, "server unavailable", "", false },
	{ 0x89, "server busy", "", false },
	{ 0x8A, "banned", "the broker has banned this client: ask its operator", true },
	{ 0x8C, "bad authentication method", FIX_PASSWORD, true },
	{ 0x90, "topic name invalid", FIX_PACKET, true },
	{ 0x95, "packet too large", FIX_PACKET, true },
	{ 0x97, "quota exceeded", "", false },
	{ 0x99, "payload format invalid", FIX_PACKET, true },
	{ 0x9A, "retain not supported", FIX_PACKET, true },
	{ 0x9B, "QoS not supported", "the broker does not take QoS 1, which greenmeter "
	    "needs: configure it to", true },
	{ 0x9C, "use another server", FIX_BROKER, true },
	{ 0x9D, "server moved", FIX_BROKER, true },
	{ 0x9F, "connection rate exceeded", "", false },
};

const struct connack_why *connack_why(int version, int code)
{
	const struct connack_why *t = version == MQTTVERSION_5 ? v5 : v3;
	size_t n = version == MQTTVERSION_5 ? sizeof(v5) / sizeof(v5[0]) :
	    sizeof(v3) / sizeof(v3[0]);

	for (size_t i = 0; i < n; i++) {
		if (t[i].code == code)
			return &t[i];
	}
	return NULL;
}
