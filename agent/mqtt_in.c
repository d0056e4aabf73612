/* mqtt_in.c - MQTT meters: device messages -> readings -> spool. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "log.h"
#include "mqtt_in.h"
#include "mqtt_link.h"
#include "timeutil.h"

struct mqtt_in {
	const struct agent_config *cfg;
	struct spool *sp;
	struct mqtt_opts opts;       /* [mqtt] with our own client id */
	struct mqtt_link *link;
	struct complaint *bad;       /* per MQTT meter */
};

static const cJSON *step(const cJSON *node, const char *seg)
{
	char *end;
	long i;

	if (cJSON_IsArray(node) && isdigit((unsigned char)seg[0])) {
		i = strtol(seg, &end, 10);
		return *end == '\0' ? cJSON_GetArrayItem(node, (int)i) : NULL;
	}
	return cJSON_GetObjectItemCaseSensitive(node, seg);
}

int mqtt_in_extract(const char *payload, size_t len, const char *path, double *out,
    char *err, size_t errlen)
{
	char buf[JSON_PATH_MAX], *seg, *save = NULL;
	cJSON *root = cJSON_ParseWithLength(payload, len);
	const cJSON *node = root;
	int rc = GM_OK;

	if (root == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "payload is not JSON");
	snprintf(buf, sizeof(buf), "%s", path);
	if (strcmp(buf, ".") != 0) {
		for (seg = strtok_r(buf, ".", &save); seg && node; seg = strtok_r(NULL, ".", &save))
			node = step(node, seg);
	}
	if (node == NULL)
		rc = gm_errf(err, errlen, GM_EINVAL, "payload has no %s", path);
	else if (!cJSON_IsNumber(node) || !isfinite(node->valuedouble))
		rc = gm_errf(err, errlen, GM_EINVAL, "%s is not a number", path);
	else
		*out = node->valuedouble;
	cJSON_Delete(root);
	return rc;
}

static void spool_reading(struct mqtt_in *in, const struct mqtt_meter *m,
    const struct mqtt_chan *ch, double t, double value)
{
	struct spool_rec r = { .t = t, .v = value, .kind = ch->kind };
	struct chan_id id;
	int rc;

	strcpy(r.unit, ch->unit);
	strcpy(id.site, in->cfg->site);
	strcpy(id.meter, m->id);
	strcpy(id.channel, ch->name);
	topic_build(r.topic, sizeof(r.topic), &id, TOPIC_READING);
	/* GM_EINVAL: not a number the wire can carry; the spool logs it */
	if ((rc = spool_append(in->sp, &r, 1)) != GM_OK && rc != GM_EINVAL)
		log_err("mqtt meter %s channel %s: reading could not be spooled", m->id, ch->name);
}

/* Every channel fed by this topic takes its value from the payload. */
static int on_message(void *user, const char *topic, const void *payload, size_t len)
{
	struct mqtt_in *in = user;
	double t = floor(now_wall() * 1000.0) / 1000.0, v;
	char err[200];

	for (int i = 0; i < in->cfg->nmqtt; i++) {
		const struct mqtt_meter *m = &in->cfg->mqtt_meters[i];
		for (int j = 0; j < m->nch; j++) {
			const struct mqtt_chan *ch = &m->ch[j];
			if (strcmp(ch->topic, topic) != 0)
				continue;
			if (mqtt_in_extract(payload, len, ch->path, &v, err, sizeof(err)) != GM_OK) {
				complain(&in->bad[i], time(NULL), "mqtt meter %s: topic %s: %s "
				    "(channel %s); reading skipped", m->id, topic, err, ch->name);
				continue;
			}
			complain_release(&in->bad[i], time(NULL), "mqtt meter %s", m->id);
			spool_reading(in, m, ch, t, v * ch->scale);
		}
	}
	return 1;   /* spooled (or refused for good): acknowledge */
}

static const struct mqtt_link_cb mqtt_in_cb = { .message = on_message };

struct mqtt_in *mqtt_in_new(const struct agent_config *cfg, struct spool *sp, char *err,
    size_t errlen)
{
	struct mqtt_in *in = calloc(1, sizeof(*in));

	if (in == NULL || (in->bad = calloc((size_t)cfg->nmqtt + 1, sizeof(*in->bad))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		goto fail;
	}
	in->cfg = cfg;
	in->sp = sp;
	in->opts = cfg->mqtt;
	snprintf(in->opts.client_id, sizeof(in->opts.client_id), "%.120s-in",
	    cfg->mqtt.client_id);
	if ((in->link = mqtt_link_new(&in->opts, true, &mqtt_in_cb, in, err, errlen)) == NULL)
		goto fail;
	for (int i = 0; i < cfg->nmqtt; i++) {
		const struct mqtt_meter *m = &cfg->mqtt_meters[i];
		for (int j = 0; j < m->nch; j++) {
			/* Channels of one topic share a subscription. */
			if ((j == 0 || strcmp(m->ch[j].topic, m->ch[j - 1].topic) != 0) &&
			    mqtt_link_subscribe(in->link, m->ch[j].topic) != GM_OK) {
				gm_errf(err, errlen, GM_ENOMEM, "out of memory");
				goto fail;
			}
		}
	}
	return in;
fail:
	mqtt_in_free(in);
	return NULL;
}

int mqtt_in_start(struct mqtt_in *in)
{
	return mqtt_link_start(in->link);
}

void mqtt_in_free(struct mqtt_in *in)
{
	if (in == NULL)
		return;
	mqtt_link_free(in->link);
	free(in->bad);
	free(in);
}
