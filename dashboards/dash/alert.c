/* alert.c - run the alert command and publish alert messages, in order: one
 * a fault event (faults.h). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alert.h"
#include "fault_text.h"
#include "json_out.h"
#include "gm_err.h"
#include "log.h"
#include "mqtt_link.h"
#include "timeutil.h"

extern char **environ;

/* One fault event, as it goes out; its strings are its own (malloc'd). */
struct alert_msg {
	char event[12], scope[12], key[FAULT_KEY_MAX], what[FAULT_KEY_MAX];
	char status[8], previous[8];
	double since, at;
	size_t count;
	char *meters;                  /* "site/meter site/meter ..." */
	char *text_th, *text_en;       /* fault_text.h */
	bool one;                      /* one channel: the fields below are its */
	struct chan_id id;
	char unit[UNIT_MAX + 1], problem[400];
	double age, last_t, last_v;
	bool have_last;
};

static void msg_free(struct alert_msg *m)
{
	free(m->meters);
	free(m->text_th);
	free(m->text_en);
	memset(m, 0, sizeof(*m));
}

struct alert {
	char command[1024], topic[256];
	const struct org *org;         /* names meters in the words; may be NULL */
	struct notify *notify;         /* LINE, mail, webhook; NULL: none */
	struct mqtt_link *link;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct alert_msg q[ALERT_QUEUE];
	size_t head, len;
	bool stop;
	unsigned long sent, dropped;
};

static void fmt_num(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.17g", v);
	else
		buf[0] = '\0';
}

#define ENV_VARS 24

/* "KEY=value" (malloc'd) into vars[*k]. */
static void env_add(char **vars, int *k, const char *key, const char *value)
{
	size_t n = strlen(key) + strlen(value) + 2;

	if (*k < ENV_VARS && (vars[*k] = malloc(n)) != NULL)
		snprintf(vars[(*k)++], n, "%s=%s", key, value);
}

/* The command's environment: ours, then the event's GM_* variables (vars,
 * freed by the caller, *nvars of them). */
static char **alert_env(const struct alert_msg *m, char **vars, int *nvars)
{
	char id[3 * (ID_MAX + 1)] = "", age[32], t[32], v[32], since[32], count[32];
	size_t n = 0;
	char **env;
	int k = 0;

	if (m->one)
		chan_id_str(&m->id, id, sizeof(id));
	fmt_num(age, sizeof(age), m->one ? m->age : NAN);
	fmt_num(t, sizeof(t), m->one && m->have_last ? m->last_t : NAN);
	fmt_num(v, sizeof(v), m->one && m->have_last ? m->last_v : NAN);
	fmt_num(since, sizeof(since), m->since);
	snprintf(count, sizeof(count), "%zu", m->count);
	env_add(vars, &k, "GM_EVENT", m->event);
	env_add(vars, &k, "GM_FAULT", m->key);
	env_add(vars, &k, "GM_SCOPE", m->scope);
	env_add(vars, &k, "GM_WHAT", m->what);
	env_add(vars, &k, "GM_STATUS", m->status);
	env_add(vars, &k, "GM_PREVIOUS", m->previous);
	env_add(vars, &k, "GM_SINCE", since);
	env_add(vars, &k, "GM_COUNT", count);
	env_add(vars, &k, "GM_METERS", m->meters ? m->meters : "");
	env_add(vars, &k, "GM_TEXT_TH", m->text_th ? m->text_th : "");
	env_add(vars, &k, "GM_TEXT_EN", m->text_en ? m->text_en : "");
	env_add(vars, &k, "GM_CHANNEL", id);
	env_add(vars, &k, "GM_SITE", m->one ? m->id.site : "");
	env_add(vars, &k, "GM_METER", m->one ? m->id.meter : "");
	env_add(vars, &k, "GM_CHANNEL_ID", m->one ? m->id.channel : "");
	env_add(vars, &k, "GM_AGE", age);
	env_add(vars, &k, "GM_LAST_T", t);
	env_add(vars, &k, "GM_LAST_VALUE", v);
	env_add(vars, &k, "GM_UNIT", m->unit);
	env_add(vars, &k, "GM_PROBLEM", m->problem);
	*nvars = k;
	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + (size_t)k + 1, sizeof(*env))) == NULL)
		return NULL;
	memcpy(env, environ, n * sizeof(*env));
	for (int i = 0; i < k; i++)
		env[n + (size_t)i] = vars[i];
	return env;
}

/* Wait for the child, killing it after ALERT_TIMEOUT_S. Its exit status. */
static int reap(pid_t pid)
{
	int64_t deadline = mono_ms() + ALERT_TIMEOUT_S * 1000;
	int st = 0;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_command(struct alert *a, const struct alert_msg *m)
{
	char *vars[ENV_VARS] = { NULL };
	char *argv[] = { "sh", "-c", a->command, NULL };
	int nvars = 0, rc;
	char **env = alert_env(m, vars, &nvars);
	pid_t pid;

	if (env == NULL) {
		log_err("alert for %s: out of memory", m->key);
	} else if ((rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, env)) != 0) {
		log_err("alert command for %s: %s", m->key, strerror(rc));
	} else if ((rc = reap(pid)) != 0) {
		log_warn("alert command for %s %s", m->key,
		    rc < 0 ? "was killed or timed out" : "exited non-zero");
	}
	free(env);
	for (int i = 0; i < nvars; i++)
		free(vars[i]);
}

static char *alert_json(const struct alert_msg *m)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	char *s, *list, *save = NULL;

	cJSON_AddStringToObject(o, "event", m->event);
	cJSON_AddStringToObject(o, "fault", m->key);
	cJSON_AddStringToObject(o, "scope", m->scope);
	cJSON_AddStringToObject(o, "what", m->what);
	if (m->one)
		json_out_chan_id(o, &m->id);
	cJSON_AddStringToObject(o, "status", m->status);
	cJSON_AddStringToObject(o, "previous", m->previous);
	cJSON_AddNumberToObject(o, "t", m->at);
	cJSON_AddNumberToObject(o, "since", m->since);
	cJSON_AddNumberToObject(o, "count", (double)m->count);
	arr = cJSON_AddArrayToObject(o, "meters");
	if ((list = strdup(m->meters ? m->meters : "")) != NULL)
		for (char *w = strtok_r(list, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
			cJSON_AddItemToArray(arr, cJSON_CreateString(w));
	free(list);
	cJSON_AddStringToObject(o, "text_th", m->text_th ? m->text_th : "");
	cJSON_AddStringToObject(o, "text_en", m->text_en ? m->text_en : "");
	if (m->one && isfinite(m->age))
		cJSON_AddNumberToObject(o, "age", m->age);
	if (m->one && m->have_last) {
		cJSON_AddNumberToObject(o, "last_t", m->last_t);
		cJSON_AddNumberToObject(o, "last_value", m->last_v);
	}
	cJSON_AddStringToObject(o, "unit", m->unit);
	cJSON_AddStringToObject(o, "problem", m->problem);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* GM_OK once paho has the message; GM_EIO while the broker is away. */
static int publish(struct alert *a, const struct alert_msg *m)
{
	char topic[512], *json = alert_json(m);
	int token, rc;

	if (json == NULL)
		return GM_ENOMEM;
	if (m->one)   /* a channel's own, as before faults were grouped */
		snprintf(topic, sizeof(topic), "%s/%s/%s/%s", a->topic, m->id.site, m->id.meter,
		    m->id.channel);
	else if (m->what[0] != '\0')
		snprintf(topic, sizeof(topic), "%s/%s/%s", a->topic, m->scope, m->what);
	else
		snprintf(topic, sizeof(topic), "%s/%s", a->topic, m->scope);
	rc = mqtt_link_publish(a->link, topic, json, strlen(json), &token);
	cJSON_free(json);
	return rc;
}

/* Hand one message on; false when the broker is away (try it again). */
static bool deliver(struct alert *a, const struct alert_msg *m, bool *command_done)
{
	if (a->command[0] != '\0' && !*command_done) {
		run_command(a, m);
		*command_done = true;
	}
	return a->link == NULL || publish(a, m) != GM_EIO;
}

static void *alert_main(void *arg)
{
	struct alert *a = arg;
	bool command_done = false;

	pthread_mutex_lock(&a->lock);
	while (!(a->stop && a->len == 0)) {
		if (a->len == 0) {
			pthread_cond_wait(&a->cond, &a->lock);
			continue;
		}
		struct alert_msg m = a->q[a->head];
		pthread_mutex_unlock(&a->lock);
		bool done = deliver(a, &m, &command_done);
		pthread_mutex_lock(&a->lock);
		if (!done) {
			if (a->stop)
				break;   /* the broker is away and we are told to go */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&a->cond, &a->lock, &ts);
			continue;
		}
		command_done = false;
		msg_free(&a->q[a->head]);
		a->head = (a->head + 1) % ALERT_QUEUE;
		a->len--;
		a->sent++;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static const struct mqtt_link_cb no_callbacks;

struct alert *alert_new(const char *command, const char *topic, const struct mqtt_opts *mqtt,
    const struct org *org, struct notify *notify, char *err, size_t errlen)
{
	struct alert *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		notify_free(notify, 0);
		return NULL;
	}
	snprintf(a->command, sizeof(a->command), "%s", command ? command : "");
	snprintf(a->topic, sizeof(a->topic), "%s", topic ? topic : "");
	a->org = org;
	a->notify = notify;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (a->topic[0] != '\0' &&
	    ((a->link = mqtt_link_new(mqtt, true, &no_callbacks, a, err, errlen)) == NULL ||
	    mqtt_link_start(a->link) != GM_OK)) {
		if (a->link != NULL)
			gm_errf(err, errlen, GM_EIO, "cannot start the MQTT link to %s",
			    mqtt_link_uri(a->link));
		mqtt_link_free(a->link);
		notify_free(notify, 0);
		free(a);
		return NULL;
	}
	if (pthread_create(&a->thread, NULL, alert_main, a) != 0) {
		mqtt_link_stop(a->link);
		mqtt_link_free(a->link);
		notify_free(notify, 0);
		free(a);
		gm_errf(err, errlen, GM_ENOMEM, "cannot start the alert thread");
		return NULL;
	}
	return a;
}

/* "site/meter site/meter ..." of the fault's meters (malloc'd). */
static char *meter_list(const struct fault *f)
{
	size_t n = 1;
	char *s;

	for (size_t i = 0; i < f->nmeters; i++)
		n += strlen(f->meters[i]) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0, at = 0; i < f->nmeters; i++)
		at += (size_t)sprintf(s + at, "%s%s", i ? " " : "", f->meters[i]);
	return s;
}

static void msg_of(struct alert_msg *m, const struct fault_event *e, const struct org *o)
{
	const struct fault *f = e->f;
	char text[4096];

	memset(m, 0, sizeof(*m));
	m->at = now_wall();
	snprintf(m->event, sizeof(m->event), "%s", fault_event_name(e->kind));
	snprintf(m->scope, sizeof(m->scope), "%s", fault_scope_name(f->scope));
	snprintf(m->key, sizeof(m->key), "%s", f->key);
	snprintf(m->what, sizeof(m->what), "%s", f->what);
	/* resolved: back to ok from what it was; else from ok to what it is */
	snprintf(m->status, sizeof(m->status), "%s",
	    e->kind == FE_RESOLVED ? "ok" : chan_status_name(f->status));
	snprintf(m->previous, sizeof(m->previous), "%s",
	    e->kind == FE_RESOLVED ? chan_status_name(f->status) :
	    e->kind == FE_REMINDER ? chan_status_name(f->status) : "ok");
	m->since = f->since;
	m->count = f->nmeters;
	m->meters = meter_list(f);
	fault_text(e, o, LANG_TH, m->at, text, sizeof(text));
	m->text_th = strdup(text);
	fault_text(e, o, LANG_EN, m->at, text, sizeof(text));
	m->text_en = strdup(text);
	if (e->row != NULL) {
		const struct chan_record *st = &e->row->st;

		m->one = true;
		m->id = st->id;
		snprintf(m->unit, sizeof(m->unit), "%s", st->unit);
		snprintf(m->problem, sizeof(m->problem), "%s", f->status == STATUS_FAULT ? st->problem : "");
		m->age = st->have_last ? m->at - st->last_t : NAN;
		m->have_last = st->have_last;
		m->last_t = st->last_t;
		m->last_v = st->last_v;
	}
}

void alert_log(void *unused, const struct fault_event *e)
{
	char text[4096];

	(void)unused;
	fault_text(e, NULL, LANG_EN, now_wall(), text, sizeof(text));
	log_info("fault %s %s: %s", e->f->key, fault_event_name(e->kind), text);
}

void alert_fire(void *alert, const struct fault_event *e)
{
	struct alert *a = alert;
	struct alert_msg *m;
	char *json;

	alert_log(NULL, e);
	pthread_mutex_lock(&a->lock);
	if (a->len == ALERT_QUEUE) {
		msg_free(&a->q[a->head]);
		a->head = (a->head + 1) % ALERT_QUEUE;
		a->len--;
		if (a->dropped++ % 1000 == 0)
			log_warn("alert queue full: oldest alert dropped (%lu so far)", a->dropped);
	}
	m = &a->q[(a->head + a->len) % ALERT_QUEUE];
	msg_of(m, e, a->org);
	a->len++;
	if (a->notify != NULL && (json = alert_json(m)) != NULL) {
		char subject[1024];
		char *list = e->kind == FE_RESOLVED ? NULL : fault_meter_lines(e->f, a->org);

		fault_headline(e, a->org, LANG_TH, m->at, subject, sizeof(subject));
		notify_event(a->notify, subject, m->text_th ? m->text_th : "",
		    m->text_en ? m->text_en : "", list, json);
		free(list);
		cJSON_free(json);
	}
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

unsigned long alert_sent(struct alert *a)
{
	unsigned long n;

	pthread_mutex_lock(&a->lock);
	n = a->sent;
	pthread_mutex_unlock(&a->lock);
	return n;
}

void alert_free(struct alert *a, double wait_s)
{
	if (a == NULL)
		return;
	int64_t deadline = mono_ms() + (int64_t)(wait_s * 1000);

	pthread_mutex_lock(&a->lock);
	while (a->len > 0 && mono_ms() < deadline) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&a->cond, &a->lock, &ts);
	}
	if (a->len > 0)
		log_warn("%zu alert(s) not handed on at stop", a->len);
	a->stop = true;
	for (; a->len > 0; a->len--, a->head = (a->head + 1) % ALERT_QUEUE)
		msg_free(&a->q[a->head]);
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	mqtt_link_stop(a->link);
	mqtt_link_free(a->link);
	notify_free(a->notify, wait_s);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}
