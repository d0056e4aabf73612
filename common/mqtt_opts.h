/*
 * mqtt_opts.h - how agent and collector reach the broker, parsed from the
 * [mqtt] section of their config files and turned into paho options.
 *
 *   [mqtt]
 *   broker = 127.0.0.1:1883      ; host:port, or tcp://, ssl://, mqtts:// URI
 *   client_id = gm-agent-b2      ; unique per connection: 1-64 of [A-Za-z0-9._-]
 *   username = greenmeter        ; optional
 *   password_file = /etc/greenmeter/mqtt.pw   ; optional (or password = ...)
 *   ca_file = /etc/ssl/certs/broker-ca.pem    ; TLS: verify the broker with this CA
 *   cert_file = agent.crt        ; TLS client certificate (optional)
 *   key_file = agent.key
 *   keepalive = 30               ; seconds
 *   protocol = 3.1.1             ; or 5 (MQTT v5: needed for $share/ groups on
 *                                ; brokers that keep them to v5)
 *   session_expiry = 604800      ; v5: seconds the broker keeps a persistent
 *                                ; session (and its queue) after a disconnect
 *   refused_retry = 300          ; seconds between attempts while the broker
 *                                ; refuses us for good (connack.h: bad password...)
 * A CA file or an ssl:// or mqtts:// broker turns TLS on; the broker's
 * certificate is always verified.
 */
#ifndef GM_MQTT_OPTS_H
#define GM_MQTT_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include <MQTTAsync.h>

#include "confparse.h"

#define MQTT_CLIENT_ID_MAX 64

struct mqtt_opts {
	char uri[512];
	char client_id[128];
	char username[128];
	char password[256];
	char ca_file[1024];
	char cert_file[1024];
	char key_file[1024];
	int keepalive_s;
	int version;             /* MQTTVERSION_3_1_1 or MQTTVERSION_5 */
	unsigned session_expiry_s;
	int refused_retry_s;
	bool tls;
};

void mqtt_opts_defaults(struct mqtt_opts *o, const char *client_id);

/* Handle one key of the [mqtt] section; reports mistakes via conf_error(). */
void mqtt_opts_key(struct conf *c, struct mqtt_opts *o, const char *key, const char *value);

/* The URI paho is given: tcp:// or ssl:// (TLS on), whatever the config said. */
void mqtt_opts_uri(const struct mqtt_opts *o, char *buf, size_t len);

/* Fill paho's connect options (and TLS options when on). Both point into `o`,
 * which must outlive the connect call. */
void mqtt_opts_apply(const struct mqtt_opts *o, MQTTAsync_connectOptions *co,
    MQTTAsync_SSLOptions *ssl);

#endif
