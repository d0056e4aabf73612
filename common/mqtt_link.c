/* mqtt_link.c - a self-reconnecting paho MQTTAsync connection. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <MQTTAsync.h>

#include "connack.h"
#include "gm_err.h"
#include "log.h"
#include "mqtt_link.h"
#include "timeutil.h"

struct mqtt_link {
	MQTTAsync client;
	const struct mqtt_opts *opts;
	const struct mqtt_link_cb *cb;
	void *user;
	bool clean;
	char uri[600];
	char **filters;          /* subscribed on every connect, at QoS 1 */
	int nfilters;
	pthread_t thread;
	bool started;
	atomic_bool running, up, connecting;
	int backoff_s;
	int64_t next_try_ms;
	struct complaint down;
	/* A refusal for good (connack.h), on paho's thread: its code (0: none),
	 * since when, how many attempts, when to remind. */
	int refused;
	time_t refused_since, refused_remind;
	unsigned refused_tries;
	atomic_int_fast64_t hold_until_ms;   /* no attempt before (mono ms) */
	pthread_mutex_t tls_lock;
	char tls_reason[200];    /* OpenSSL's, for the connect attempt under way */
};

static void subscribed(struct mqtt_link *l)
{
	log_info("subscribed to %s%s at QoS 1%s", l->filters[0],
	    l->nfilters > 1 ? " and more" : "", l->opts->version == MQTTVERSION_5 ?
	    " (MQTT v5)" : "");
}

static void subscribe_refused(struct mqtt_link *l, int code)
{
	log_err("broker %s: subscription to %s refused (rc %d)", l->uri, l->filters[0], code);
}

/* paho calls the v3 or the v5 form of each callback, by the protocol. */
static void on_subscribed(void *ctx, MQTTAsync_successData *resp)
{
	(void)resp;
	subscribed(ctx);
}

static void on_subscribed5(void *ctx, MQTTAsync_successData5 *resp)
{
	struct mqtt_link *l = ctx;

	/* a v5 SUBACK carries a reason code per filter (>= 0x80: refused):
	 * paho gives them in alt.sub for several filters only, and leaves that
	 * unset for one */
	for (int i = 0; resp != NULL && l->nfilters > 1 && resp->alt.sub.reasonCodes != NULL &&
	    i < resp->alt.sub.reasonCodeCount; i++) {
		if (resp->alt.sub.reasonCodes[i] >= 0x80) {
			subscribe_refused(ctx, resp->alt.sub.reasonCodes[i]);
			return;
		}
	}
	if (resp != NULL && resp->reasonCode >= 0x80) {
		subscribe_refused(ctx, resp->reasonCode);
		return;
	}
	subscribed(ctx);
}

static void on_subscribe_fail(void *ctx, MQTTAsync_failureData *resp)
{
	subscribe_refused(ctx, resp ? resp->code : 0);
}

static void on_subscribe_fail5(void *ctx, MQTTAsync_failureData5 *resp)
{
	subscribe_refused(ctx, resp ? resp->code : 0);
}

static void on_up(struct mqtt_link *l)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	int rc;

	if (l->opts->version == MQTTVERSION_5) {
		ro.onSuccess5 = on_subscribed5;
		ro.onFailure5 = on_subscribe_fail5;
	} else {
		ro.onSuccess = on_subscribed;
		ro.onFailure = on_subscribe_fail;
	}
	ro.context = l;
	atomic_store(&l->connecting, false);
	if (l->nfilters > 0) {
		int *qos = calloc((size_t)l->nfilters, sizeof(*qos));
		for (int i = 0; qos != NULL && i < l->nfilters; i++)
			qos[i] = 1;
		rc = qos ? MQTTAsync_subscribeMany(l->client, l->nfilters, l->filters, qos, &ro)
		    : MQTTASYNC_FAILURE;
		if (rc != MQTTASYNC_SUCCESS)
			log_err("broker %s: cannot subscribe to %s (rc %d)", l->uri, l->filters[0], rc);
		free(qos);
	}
	if (!atomic_exchange(&l->up, true)) {
		if (l->refused) {
			log_info("broker %s let client id \"%s\" in after refusing it for %ld min "
			    "(%u refused attempt%s)", l->uri, l->opts->client_id,
			    (long)(time(NULL) - l->refused_since + 30) / 60, l->refused_tries,
			    l->refused_tries == 1 ? "" : "s");
			l->refused = 0;
			memset(&l->down, 0, sizeof(l->down));   /* that outage is told */
		} else if (l->down.since) {
			complain_release(&l->down, time(NULL), "broker %s", l->uri);
		} else {
			log_info("connected to broker %s", l->uri);
		}
		if (l->cb->connected)
			l->cb->connected(l->user);
	}
}

static void on_connect_ok(void *ctx, MQTTAsync_successData *resp)
{
	(void)resp;
	on_up(ctx);
}

static void on_connect_ok5(void *ctx, MQTTAsync_successData5 *resp)
{
	(void)resp;
	on_up(ctx);
}

/* paho hands OpenSSL's reason for a failed TLS handshake ("certificate
 * verify failed" when ca_file did not sign the broker's certificate) only to
 * this callback; without it the log says no more than "TCP/TLS connect
 * failure". Kept for on_connect_fail(), whose complaint is rate-limited. */
static int on_tls_error(const char *str, size_t len, void *ctx)
{
	struct mqtt_link *l = ctx;
	char line[512];
	const char *r = line;
	size_t n;

	/* OpenSSL: "<thread>:error:<code>:<library>:<function>:<reason>:<file>:..." */
	n = len < sizeof(line) ? len : sizeof(line) - 1;
	memcpy(line, str, n);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	for (int i = 0; i < 5 && r != NULL; i++)
		if ((r = strchr(r, ':')) != NULL)
			r++;
	if (r == NULL || *r == '\0' || *r == ':')
		r = line;
	n = strcspn(r, ":");
	pthread_mutex_lock(&l->tls_lock);
	if (l->tls_reason[0] == '\0')    /* the first is the cause */
		snprintf(l->tls_reason, sizeof(l->tls_reason), "%.*s",
		    (int)(n < sizeof(l->tls_reason) ? n : sizeof(l->tls_reason) - 1), r);
	pthread_mutex_unlock(&l->tls_lock);
	return 0;
}

/* The broker will not let us in until someone changes something: say so
 * once, plainly, remind hourly, and hold the next attempt back. */
static void refused(struct mqtt_link *l, const struct connack_why *w)
{
	const struct mqtt_opts *o = l->opts;
	char who[300];
	time_t now = time(NULL);

	snprintf(who, sizeof(who), "client id \"%s\"%s%s%s", o->client_id,
	    o->username[0] ? " (user \"" : "", o->username, o->username[0] ? "\")" : "");
	l->refused_tries = l->refused == w->code ? l->refused_tries + 1 : 1;
	if (l->refused != w->code) {
		log_err("broker %s refused %s: CONNACK %d, %s; %s. Trying again every %d s",
		    l->uri, who, w->code, w->what, w->fix, o->refused_retry_s);
		l->refused = w->code;
		l->refused_since = now;
		l->refused_remind = now + 3600;
	} else if (now >= l->refused_remind) {
		log_err("broker %s still refuses %s after %ld min (%u refused attempts): CONNACK %d, "
		    "%s; %s", l->uri, who, (long)(now - l->refused_since + 30) / 60,
		    l->refused_tries, w->code, w->what, w->fix);
		l->refused_remind = now + 3600;
	} else {
		log_debug("broker %s refused %s again: CONNACK %d; next try in %d s", l->uri,
		    who, w->code, o->refused_retry_s);
	}
	atomic_store(&l->hold_until_ms, mono_ms() + (int64_t)o->refused_retry_s * 1000);
}

static void connect_failed(struct mqtt_link *l, const char *message, int code)
{
	const struct connack_why *w = code > 0 ? connack_why(l->opts->version, code) : NULL;
	char tls[sizeof(l->tls_reason)];

	if (w != NULL && w->final) {
		refused(l, w);
		atomic_store(&l->connecting, false);
		return;
	}
	pthread_mutex_lock(&l->tls_lock);
	memcpy(tls, l->tls_reason, sizeof(tls));
	pthread_mutex_unlock(&l->tls_lock);
	complain(&l->down, time(NULL), "cannot connect to broker %s: %s%s%s%s%s (rc %d); retrying",
	    l->uri, message ? message : "refused", w ? ", " : "", w ? w->what : "",
	    tls[0] ? ": " : "", tls, code);
	atomic_store(&l->connecting, false);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData *resp)
{
	connect_failed(ctx, resp ? resp->message : NULL, resp ? resp->code : 0);
}

static void on_connect_fail5(void *ctx, MQTTAsync_failureData5 *resp)
{
	/* a v5 CONNACK's reason code; paho puts it in code as well */
	int code = resp == NULL ? 0 : resp->reasonCode >= 0x80 ? (int)resp->reasonCode :
	    resp->code;

	connect_failed(ctx, resp ? resp->message : NULL, code);
}

static void on_lost(void *ctx, char *cause)
{
	struct mqtt_link *l = ctx;

	atomic_store(&l->up, false);
	complain(&l->down, time(NULL), "lost broker %s: %s", l->uri,
	    cause ? cause : "connection closed");
	if (l->cb->lost)
		l->cb->lost(l->user);
}

static int on_message(void *ctx, char *topic, int topiclen, MQTTAsync_message *m)
{
	struct mqtt_link *l = ctx;
	char *t = topic;
	int done = 1;

	/* paho sets topiclen only when the topic has an embedded NUL. */
	if (topiclen != 0 && (size_t)topiclen != strlen(topic)) {
		log_warn("broker %s: rejected a message whose topic contains a NUL byte",
		    l->uri);
	} else if (l->cb->message)
		done = l->cb->message(l->user, t, m->payload, (size_t)m->payloadlen);
	if (done) {
		MQTTAsync_freeMessage(&m);
		MQTTAsync_free(topic);
	}
	return done;
}

/* A v5 PUBACK's reason code: the publish's own answer, besides
 * deliveryComplete. */
static void on_publish_answer5(void *ctx, int token, int reason)
{
	struct mqtt_link *l = ctx;

	if (l->cb->answered)
		l->cb->answered(l->user, token, reason);
}

static void on_published5(void *ctx, MQTTAsync_successData5 *resp)
{
	if (resp != NULL)
		on_publish_answer5(ctx, resp->token, resp->reasonCode);
}

static void on_publish_fail5(void *ctx, MQTTAsync_failureData5 *resp)
{
	if (resp != NULL)
		on_publish_answer5(ctx, resp->token, resp->reasonCode);
}

static void on_delivered(void *ctx, MQTTAsync_token token)
{
	struct mqtt_link *l = ctx;

	if (l->cb->delivered)
		l->cb->delivered(l->user, token);
}

/* One connect attempt when due; paho's automatic reconnect is not used
 * because it does not cover a failed first connect. */
static void try_connect(struct mqtt_link *l)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	MQTTAsync_connectOptions co5 = MQTTAsync_connectOptions_initializer5;
	MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
	MQTTProperties props = MQTTProperties_initializer;
	MQTTProperty expiry = { .identifier = MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL };
	bool v5 = l->opts->version == MQTTVERSION_5;
	int64_t now = mono_ms();
	int rc;

	if (atomic_load(&l->connecting) || now < l->next_try_ms ||
	    now < atomic_load(&l->hold_until_ms))
		return;
	mqtt_opts_apply(l->opts, &co, &ssl);
	ssl.ssl_error_cb = on_tls_error;
	ssl.ssl_error_context = l;
	pthread_mutex_lock(&l->tls_lock);
	l->tls_reason[0] = '\0';
	pthread_mutex_unlock(&l->tls_lock);
	if (v5) {
		/* v5: clean start, and a session that outlives the connection
		 * only for as long as it is asked to */
		co5.keepAliveInterval = co.keepAliveInterval;
		co5.username = co.username;
		co5.password = co.password;
		co5.ssl = co.ssl;
		co = co5;
		co.cleanstart = l->clean;
		co.onSuccess5 = on_connect_ok5;
		co.onFailure5 = on_connect_fail5;
		expiry.value.integer4 = l->clean ? 0 : l->opts->session_expiry_s;
		MQTTProperties_add(&props, &expiry);
		co.connectProperties = &props;
	} else {
		/* not MQTTVERSION_DEFAULT: paho would follow each refusal with a
		 * second try in MQTT 3.1, and report that one's answer */
		co.MQTTVersion = MQTTVERSION_3_1_1;
		co.cleansession = l->clean;
		co.onSuccess = on_connect_ok;
		co.onFailure = on_connect_fail;
	}
	co.context = l;
	l->next_try_ms = now + l->backoff_s * 1000;
	/* Capped at 15 s: an attempt costs the broker nothing, and a collector
	 * that comes back late keeps readings waiting. */
	l->backoff_s = l->backoff_s >= 8 ? 15 : l->backoff_s * 2;
	atomic_store(&l->connecting, true);
	rc = MQTTAsync_connect(l->client, &co);
	MQTTProperties_free(&props);   /* paho keeps its own copy */
	if (rc != MQTTASYNC_SUCCESS) {
		atomic_store(&l->connecting, false);
		complain(&l->down, time(NULL), "broker %s: connect failed (rc %d)", l->uri, rc);
	}
}

static void *link_main(void *arg)
{
	struct mqtt_link *l = arg;

	/* Only reconnecting needs this thread: 5 wakes a second are plenty. */
	while (atomic_load(&l->running)) {
		if (atomic_load(&l->up))
			l->backoff_s = 1;
		else
			try_connect(l);
		usleep(200 * 1000);
	}
	return NULL;
}

struct mqtt_link *mqtt_link_new(const struct mqtt_opts *opts, bool clean_session,
    const struct mqtt_link_cb *cb, void *user, char *err, size_t errlen)
{
	MQTTAsync_createOptions co = MQTTAsync_createOptions_initializer;
	struct mqtt_link *l = calloc(1, sizeof(*l));
	int rc;

	if (l == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	l->opts = opts;
	l->cb = cb;
	l->user = user;
	l->clean = clean_session;
	l->backoff_s = 1;
	pthread_mutex_init(&l->tls_lock, NULL);
	mqtt_opts_uri(opts, l->uri, sizeof(l->uri));
	co.MQTTVersion = opts->version;
	rc = MQTTAsync_createWithOptions(&l->client, l->uri, opts->client_id,
	    MQTTCLIENT_PERSISTENCE_NONE, NULL, &co);
	if (rc != MQTTASYNC_SUCCESS) {
		gm_errf(err, errlen, GM_ELIB, "broker %s: cannot create MQTT client (rc %d)",
		    l->uri, rc);
		pthread_mutex_destroy(&l->tls_lock);
		free(l);
		return NULL;
	}
	MQTTAsync_setCallbacks(l->client, l, on_lost, on_message, on_delivered);
	return l;
}

int mqtt_link_subscribe(struct mqtt_link *l, const char *filter)
{
	char **g = realloc(l->filters, (size_t)(l->nfilters + 1) * sizeof(*g));

	if (g == NULL)
		return GM_ENOMEM;
	l->filters = g;
	if ((l->filters[l->nfilters] = strdup(filter)) == NULL)
		return GM_ENOMEM;
	l->nfilters++;
	return GM_OK;
}

int mqtt_link_start(struct mqtt_link *l)
{
	atomic_store(&l->running, true);
	if (pthread_create(&l->thread, NULL, link_main, l) != 0)
		return GM_EIO;
	l->started = true;
	return GM_OK;
}

void mqtt_link_stop(struct mqtt_link *l)
{
	MQTTAsync_disconnectOptions dopt = MQTTAsync_disconnectOptions_initializer;

	if (l == NULL || !l->started)
		return;
	atomic_store(&l->running, false);
	pthread_join(l->thread, NULL);
	l->started = false;
	dopt.timeout = 1000;
	if (MQTTAsync_isConnected(l->client))
		MQTTAsync_disconnect(l->client, &dopt);
	atomic_store(&l->up, false);
}

void mqtt_link_free(struct mqtt_link *l)
{
	if (l == NULL)
		return;
	mqtt_link_stop(l);
	MQTTAsync_destroy(&l->client);
	for (int i = 0; i < l->nfilters; i++)
		free(l->filters[i]);
	free(l->filters);
	pthread_mutex_destroy(&l->tls_lock);
	free(l);
}

bool mqtt_link_up(struct mqtt_link *l)
{
	return atomic_load(&l->up);
}

const char *mqtt_link_uri(const struct mqtt_link *l)
{
	return l->uri;
}

int mqtt_link_publish(struct mqtt_link *l, const char *topic, const void *payload,
    size_t len, int *token)
{
	MQTTAsync_message msg = MQTTAsync_message_initializer;
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;

	msg.payload = (void *)payload;
	msg.payloadlen = (int)len;
	msg.qos = 1;
	if (l->opts->version == MQTTVERSION_5 && l->cb->answered) {
		ro.context = l;
		ro.onSuccess5 = on_published5;
		ro.onFailure5 = on_publish_fail5;
	}
	if (MQTTAsync_sendMessage(l->client, topic, &msg, &ro) != MQTTASYNC_SUCCESS)
		return GM_EIO;
	*token = ro.token;
	return GM_OK;
}
