/* mqtt_opts.c - broker address, credentials and TLS for paho clients. */
#include <stdio.h>
#include <string.h>

#include "mqtt_opts.h"

void mqtt_opts_defaults(struct mqtt_opts *o, const char *client_id)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->uri, sizeof(o->uri), "tcp://127.0.0.1:1883");
	snprintf(o->client_id, sizeof(o->client_id), "%s", client_id);
	o->keepalive_s = 30;
	o->version = MQTTVERSION_3_1_1;
	o->session_expiry_s = 604800;
	o->refused_retry_s = 300;
}

static void set_broker(struct conf *c, struct mqtt_opts *o, const char *value)
{
	char host[256];
	int port;

	if (strncmp(value, "tcp://", 6) == 0 || strncmp(value, "mqtt://", 7) == 0 ||
	    strncmp(value, "ssl://", 6) == 0 || strncmp(value, "mqtts://", 8) == 0) {
		conf_str(c, "broker", value, o->uri, sizeof(o->uri));
		if (value[0] == 's' || strncmp(value, "mqtts", 5) == 0)
			o->tls = true;  /* ca_file may also turn it on */
		return;
	}
	if (conf_hostport(c, "broker", value, host, sizeof(host), &port, 1883))
		snprintf(o->uri, sizeof(o->uri), "tcp://%s%s%s:%d",
		    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port);
}

/* What brokers take: MQTT 3.1.1 promises 1-23 letters and digits; mosquitto,
 * EMQX and HiveMQ take much more, VerneMQ 100 characters by default. The
 * agent adds "-in" and "-cli-<pid>" for its other connections. */
static void set_client_id(struct conf *c, struct mqtt_opts *o, const char *value)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.";
	size_t n = strlen(value);

	if (n == 0 || n > MQTT_CLIENT_ID_MAX || strspn(value, ok) != n)
		conf_error(c, "client_id = \"%s\": expected 1-%d characters [A-Za-z0-9._-] "
		    "(a broker may refuse others)", value, MQTT_CLIENT_ID_MAX);
	else
		strcpy(o->client_id, value);
}

void mqtt_opts_key(struct conf *c, struct mqtt_opts *o, const char *key, const char *value)
{
	long l;

	if (strcmp(key, "broker") == 0)
		set_broker(c, o, value);
	else if (strcmp(key, "client_id") == 0)
		set_client_id(c, o, value);
	else if (strcmp(key, "username") == 0)
		conf_str(c, key, value, o->username, sizeof(o->username));
	else if (strcmp(key, "password") == 0)
		conf_str(c, key, value, o->password, sizeof(o->password));
	else if (strcmp(key, "password_file") == 0)
		conf_secret(c, key, value, o->password, sizeof(o->password), false);
	else if (strcmp(key, "ca_file") == 0) {
		if (conf_str(c, key, value, o->ca_file, sizeof(o->ca_file)))
			o->tls = true;
	} else if (strcmp(key, "cert_file") == 0)
		conf_str(c, key, value, o->cert_file, sizeof(o->cert_file));
	else if (strcmp(key, "key_file") == 0)
		conf_str(c, key, value, o->key_file, sizeof(o->key_file));
	else if (strcmp(key, "keepalive") == 0) {
		if (conf_long(c, key, value, 5, 3600, &l))
			o->keepalive_s = (int)l;
	} else if (strcmp(key, "protocol") == 0) {
		if (strcmp(value, "3.1.1") == 0)
			o->version = MQTTVERSION_3_1_1;
		else if (strcmp(value, "5") == 0)
			o->version = MQTTVERSION_5;
		else
			conf_error(c, "protocol = \"%s\": expected 3.1.1 or 5", value);
	} else if (strcmp(key, "session_expiry") == 0) {
		if (conf_long(c, key, value, 0, 4294967295L, &l))
			o->session_expiry_s = (unsigned)l;
	} else if (strcmp(key, "refused_retry") == 0) {
		if (conf_long(c, key, value, 1, 86400, &l))
			o->refused_retry_s = (int)l;
	} else
		conf_error(c, "unknown key \"%s\" in [mqtt]", key);
}

void mqtt_opts_uri(const struct mqtt_opts *o, char *buf, size_t len)
{
	const char *rest = strstr(o->uri, "://");

	rest = rest ? rest + 3 : o->uri;
	snprintf(buf, len, "%s://%s", o->tls ? "ssl" : "tcp", rest);
}

void mqtt_opts_apply(const struct mqtt_opts *o, MQTTAsync_connectOptions *co,
    MQTTAsync_SSLOptions *ssl)
{
	co->keepAliveInterval = o->keepalive_s;
	co->username = o->username[0] ? o->username : NULL;
	co->password = o->password[0] ? o->password : NULL;
	if (!o->tls)
		return;
	ssl->trustStore = o->ca_file[0] ? o->ca_file : NULL;
	ssl->keyStore = o->cert_file[0] ? o->cert_file : NULL;
	ssl->privateKey = o->key_file[0] ? o->key_file : NULL;
	ssl->enableServerCertAuth = 1;
	ssl->verify = 1;
	co->ssl = ssl;
}
