/* broker_acl.c - an agent's ACL block, and the broker asked whether it holds. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker_acl.h"
#include "gm_err.h"
#include "log.h"
#include "mqtt_link.h"
#include "timeutil.h"

/* Every meter id of the config, whatever reads it, in config order. */
static int meter_ids(const struct agent_config *cfg, const char ***ret)
{
	int n = cfg->nmeters + cfg->nmqtt + cfg->nprinters, k = 0;
	const char **ids = calloc((size_t)(n > 0 ? n : 1), sizeof(*ids));

	if (ids == NULL)
		return -1;
	for (int i = 0; i < cfg->nmeters; i++)
		ids[k++] = cfg->meters[i].id;
	for (int i = 0; i < cfg->nmqtt; i++)
		ids[k++] = cfg->mqtt_meters[i].id;
	for (int i = 0; i < cfg->nprinters; i++)
		ids[k++] = cfg->printers[i].id;
	*ret = ids;
	return n;
}

/* Whether an earlier channel of the MQTT meters reads the same topic. */
static bool topic_seen(const struct agent_config *cfg, int mi, int ci)
{
	const char *t = cfg->mqtt_meters[mi].ch[ci].topic;

	for (int i = 0; i <= mi; i++)
		for (int j = 0; j < (i == mi ? ci : cfg->mqtt_meters[i].nch); j++)
			if (strcmp(cfg->mqtt_meters[i].ch[j].topic, t) == 0)
				return true;
	return false;
}

int broker_acl_print(const struct agent_config *cfg, FILE *out, char *err, size_t errlen)
{
	const char **ids;
	int n;

	if (cfg->mqtt.username[0] == '\0')
		return gm_errf(err, errlen, GM_EINVAL, "%s: no [mqtt] username: the broker cannot "
		    "tell this agent from any other (give it a name and password of its own)",
		    cfg->path);
	if ((n = meter_ids(cfg, &ids)) < 0)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	fprintf(out, "\n# gm-agent %s: site %s, %d meter%s\nuser %s\n", cfg->path, cfg->site, n,
	    n == 1 ? "" : "s", cfg->mqtt.username);
	for (int i = 0; i < n; i++)
		fprintf(out, "topic write greenmeter/v1/%s/%s/#\n", cfg->site, ids[i]);
	for (int i = 0; i < cfg->nmqtt; i++)
		for (int j = 0; j < cfg->mqtt_meters[i].nch; j++)
			if (!topic_seen(cfg, i, j))
				fprintf(out, "topic read %s\n", cfg->mqtt_meters[i].ch[j].topic);
	fprintf(out, "# gm-agent --import publishes entries for the meters its CSV names (reams,\n"
	    "# fuel, waste): give each of those a line as above, or the whole site:\n"
	    "#topic write greenmeter/v1/%s/#\n", cfg->site);
	free(ids);
	return GM_OK;
}

/* The broker's answers, as paho's threads give them: an answer may come
 * before its publish's token is known here, so answers are kept by token,
 * in the order they came, and matched once every one is in. */
struct answers {
	atomic_int n_answered;
	int n;
	int *tokens;                  /* each meter's publish */
	atomic_int *rtoken, *rreason; /* the answers */
};

static void on_answered(void *user, int token, int reason)
{
	struct answers *a = user;
	int k = atomic_load(&a->n_answered);

	if (k < a->n) {
		atomic_store(&a->rtoken[k], token);
		atomic_store(&a->rreason[k], reason);
	}
	atomic_fetch_add(&a->n_answered, 1);   /* after the answer is stored */
}

/* The refusal of meter i's publish (a reason code of 0x80 or more), 0 if
 * none. */
static int refusal(struct answers *a, int i)
{
	int n = atomic_load(&a->n_answered);

	for (int k = 0; k < n && k < a->n; k++)
		if (atomic_load(&a->rtoken[k]) == a->tokens[i])
			return atomic_load(&a->rreason[k]) >= 0x80 ? atomic_load(&a->rreason[k]) : 0;
	return 0;
}

static const struct mqtt_link_cb check_cb = { .answered = on_answered };

static const char *reason_text(int reason)
{
	switch (reason) {
	case 0x87: return "not authorised";
	case 0x90: return "topic name invalid";
	case 0x97: return "quota exceeded";
	case 0x99: return "payload format invalid";
	default: return "refused";
	}
}

/* Publish each meter's check and wait for every answer; -1 with err if the
 * broker could not be asked. */
static int ask(struct mqtt_link *link, struct answers *a, const char **ids, const char *site,
    int64_t until, char *err, size_t errlen)
{
	char topic[TOPIC_MAX];

	while (!mqtt_link_up(link) && mono_ms() < until)
		usleep(20 * 1000);
	if (!mqtt_link_up(link))
		return gm_errf(err, errlen, -1, "broker %s not reachable", mqtt_link_uri(link));
	for (int i = 0; i < a->n; i++) {
		snprintf(topic, sizeof(topic), TOPIC_PREFIX "%s/%s", site, ids[i]);
		if (mqtt_link_publish(link, topic, "", 0, &a->tokens[i]) != GM_OK)
			return gm_errf(err, errlen, -1, "publishing %s failed", topic);
	}
	while (atomic_load(&a->n_answered) < a->n && mono_ms() < until)
		usleep(20 * 1000);
	if (atomic_load(&a->n_answered) < a->n)
		return gm_errf(err, errlen, -1, "the broker answered %d of %d in time",
		    atomic_load(&a->n_answered), a->n);
	return 0;
}

int broker_acl_check(const struct agent_config *cfg, int timeout_ms, char *err, size_t errlen)
{
	struct mqtt_opts own = cfg->mqtt;
	struct answers a = { 0 };
	struct mqtt_link *link = NULL;
	const char **ids = NULL;
	int rc = -1;

	if ((a.n = meter_ids(cfg, &ids)) < 0 ||
	    (a.tokens = calloc((size_t)a.n + 1, sizeof(*a.tokens))) == NULL ||
	    (a.rtoken = calloc((size_t)a.n + 1, sizeof(*a.rtoken))) == NULL ||
	    (a.rreason = calloc((size_t)a.n + 1, sizeof(*a.rreason))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		goto out;
	}
	/* v5 whatever the config says: only its PUBACK carries a refusal */
	own.version = MQTTVERSION_5;
	snprintf(own.client_id, sizeof(own.client_id), "%.100s-check-%ld", cfg->mqtt.client_id,
	    (long)getpid());
	if ((link = mqtt_link_new(&own, true, &check_cb, &a, err, errlen)) == NULL)
		goto out;
	if (mqtt_link_start(link) != GM_OK) {
		gm_errf(err, errlen, GM_EIO, "cannot start the MQTT thread");
		goto out;
	}
	if (ask(link, &a, ids, cfg->site, mono_ms() + timeout_ms, err, errlen) != 0)
		goto out;
	rc = 0;
	for (int i = 0; i < a.n; i++) {
		int r = refusal(&a, i);
		if (r == 0)
			continue;
		rc++;
		log_warn("%s: the broker does not let user \"%s\" publish for %s/%s (%s, reason "
		    "0x%02x): every reading of that meter would be dropped; give the user "
		    "\"topic write greenmeter/v1/%s/%s/#\" in the broker's ACL (gm-agent --acl), "
		    "or check [agent] site", cfg->path, cfg->mqtt.username[0] ? cfg->mqtt.username :
		    "(none)", cfg->site, ids[i], reason_text(r), r, cfg->site, ids[i]);
	}
out:
	mqtt_link_free(link);
	free(ids);
	free(a.tokens);
	free(a.rtoken);
	free(a.rreason);
	return rc;
}
