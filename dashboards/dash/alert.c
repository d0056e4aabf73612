/* alert.c - run the alert command and publish alert messages, in order. */
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
#include "json_out.h"
#include "gm_err.h"
#include "log.h"
#include "mqtt_link.h"
#include "timeutil.h"

extern char **environ;

struct alert_msg {
	struct chan_id id;
	char status[8], previous[8], unit[UNIT_MAX + 1], problem[400];
	double age, last_t, last_v, at;
	bool have_last;
};

struct alert {
	char command[1024], topic[256];
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

/* The command's environment: ours, then the change's GM_* variables. */
static char **alert_env(const struct alert_msg *m, char vars[][512], int *nvars)
{
	char id[3 * (ID_MAX + 1)], age[32], t[32], v[32];
	size_t n = 0;
	char **env;
	int k = 0;

	chan_id_str(&m->id, id, sizeof(id));
	fmt_num(age, sizeof(age), m->age);
	fmt_num(t, sizeof(t), m->have_last ? m->last_t : NAN);
	fmt_num(v, sizeof(v), m->have_last ? m->last_v : NAN);
	snprintf(vars[k++], 512, "GM_CHANNEL=%s", id);
	snprintf(vars[k++], 512, "GM_SITE=%s", m->id.site);
	snprintf(vars[k++], 512, "GM_METER=%s", m->id.meter);
	snprintf(vars[k++], 512, "GM_CHANNEL_ID=%s", m->id.channel);
	snprintf(vars[k++], 512, "GM_STATUS=%s", m->status);
	snprintf(vars[k++], 512, "GM_PREVIOUS=%s", m->previous);
	snprintf(vars[k++], 512, "GM_AGE=%s", age);
	snprintf(vars[k++], 512, "GM_LAST_T=%s", t);
	snprintf(vars[k++], 512, "GM_LAST_VALUE=%s", v);
	snprintf(vars[k++], 512, "GM_UNIT=%s", m->unit);
	snprintf(vars[k++], 512, "GM_PROBLEM=%s", m->problem);
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
	char vars[16][512], id[3 * (ID_MAX + 1)];
	char *argv[] = { "sh", "-c", a->command, NULL };
	int nvars, rc;
	char **env = alert_env(m, vars, &nvars);
	pid_t pid;

	chan_id_str(&m->id, id, sizeof(id));
	if (env == NULL) {
		log_err("alert for %s: out of memory", id);
		return;
	}
	rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, env);
	free(env);
	if (rc != 0) {
		log_err("alert command for %s: %s", id, strerror(rc));
		return;
	}
	if ((rc = reap(pid)) != 0)
		log_warn("alert command for %s %s", id,
		    rc < 0 ? "was killed or timed out" : "exited non-zero");
}

static char *alert_json(const struct alert_msg *m)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	json_out_chan_id(o, &m->id);
	cJSON_AddStringToObject(o, "status", m->status);
	cJSON_AddStringToObject(o, "previous", m->previous);
	cJSON_AddNumberToObject(o, "t", m->at);
	if (isfinite(m->age))
		cJSON_AddNumberToObject(o, "age", m->age);
	if (m->have_last) {
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
	snprintf(topic, sizeof(topic), "%s/%s/%s/%s", a->topic, m->id.site, m->id.meter,
	    m->id.channel);
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
    char *err, size_t errlen)
{
	struct alert *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(a->command, sizeof(a->command), "%s", command ? command : "");
	snprintf(a->topic, sizeof(a->topic), "%s", topic ? topic : "");
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (a->topic[0] != '\0' &&
	    ((a->link = mqtt_link_new(mqtt, true, &no_callbacks, a, err, errlen)) == NULL ||
	    mqtt_link_start(a->link) != GM_OK)) {
		if (a->link != NULL)
			gm_errf(err, errlen, GM_EIO, "cannot start the MQTT link to %s",
			    mqtt_link_uri(a->link));
		mqtt_link_free(a->link);
		free(a);
		return NULL;
	}
	if (pthread_create(&a->thread, NULL, alert_main, a) != 0) {
		mqtt_link_stop(a->link);
		mqtt_link_free(a->link);
		free(a);
		gm_errf(err, errlen, GM_ENOMEM, "cannot start the alert thread");
		return NULL;
	}
	return a;
}

static void msg_of(struct alert_msg *m, const struct watch_change *c)
{
	const struct chan_record *st = &c->row->st;

	memset(m, 0, sizeof(*m));
	m->id = st->id;
	snprintf(m->status, sizeof(m->status), "%s", chan_status_name(c->to));
	snprintf(m->previous, sizeof(m->previous), "%s", c->first ? "" : chan_status_name(c->from));
	snprintf(m->unit, sizeof(m->unit), "%s", st->unit);
	snprintf(m->problem, sizeof(m->problem), "%s", c->to == STATUS_FAULT ? st->problem : "");
	m->age = c->age;
	m->have_last = st->have_last;
	m->last_t = st->last_t;
	m->last_v = st->last_v;
	m->at = now_wall();
}

void alert_fire(void *alert, const struct watch_change *c)
{
	struct alert *a = alert;
	char id[3 * (ID_MAX + 1)];

	chan_id_str(&c->row->st.id, id, sizeof(id));
	log_info("meter %s: %s%s%s", id, c->first ? "" : chan_status_name(c->from),
	    c->first ? "" : " -> ", chan_status_name(c->to));
	pthread_mutex_lock(&a->lock);
	if (a->len == ALERT_QUEUE) {
		a->head = (a->head + 1) % ALERT_QUEUE;
		a->len--;
		if (a->dropped++ % 1000 == 0)
			log_warn("alert queue full: oldest alert dropped (%lu so far)", a->dropped);
	}
	msg_of(&a->q[(a->head + a->len) % ALERT_QUEUE], c);
	a->len++;
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
	a->len = 0;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	mqtt_link_stop(a->link);
	mqtt_link_free(a->link);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}
