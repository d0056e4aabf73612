/* mqtt_in.c - MQTT meters: device messages -> readings -> spool. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gm_err.h"
#include "log.h"
#include "mqtt_in.h"
#include "mqtt_link.h"
#include "mqtt_payload.h"
#include "timeutil.h"

/* A channel's payloads that gave no reading: logged once, then rarely. */
struct mqtt_chan_state {
	struct complaint bad;
	unsigned long long skipped;  /* since start */
};

struct mqtt_in {
	const struct agent_config *cfg;
	struct spool *sp;
	struct mqtt_opts opts;       /* [mqtt] with our own client id */
	struct mqtt_link *link;
	struct mqtt_chan_state *chans;    /* [meter * MQTT_METER_MAX_CH + channel] */
};

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

/* Every payload that gives a channel no reading is counted and logged:
 * the first at once, then rarely (log.h), so a chatty device cannot flood
 * the log; each channel on its own, so one that reads well does not hide
 * (or end) another's trouble. */
static void skipped(struct mqtt_chan_state *cs, const struct mqtt_meter *m,
    const struct mqtt_chan *ch, const char *why)
{
	cs->skipped++;
	complain(&cs->bad, time(NULL), "mqtt meter %s: topic %s: %s (channel %s); reading "
	    "skipped (%llu since start)", m->id, ch->topic, why, ch->name, cs->skipped);
}

/* Every channel fed by this topic takes its value from the payload, parsed
 * once for all of them. */
static int on_message(void *user, const char *topic, const void *payload, size_t len)
{
	struct mqtt_in *in = user;
	double t = floor(now_wall() * 1000.0) / 1000.0, v;
	cJSON *root = NULL;
	int parsed = 1;   /* not yet */
	char bad_json[200], err[200];

	for (int i = 0; i < in->cfg->nmqtt; i++) {
		const struct mqtt_meter *m = &in->cfg->mqtt_meters[i];
		for (int j = 0; j < m->nch; j++) {
			const struct mqtt_chan *ch = &m->ch[j];
			struct mqtt_chan_state *cs = &in->chans[i * MQTT_METER_MAX_CH + j];
			if (strcmp(ch->topic, topic) != 0)
				continue;
			if (parsed == 1)
				parsed = mqtt_payload_parse(payload, len, &root, bad_json,
				    sizeof(bad_json));
			if (parsed != GM_OK) {
				skipped(cs, m, ch, bad_json);
			} else if (mqtt_payload_value(root, ch, &v, err, sizeof(err)) != GM_OK) {
				skipped(cs, m, ch, err);
			} else {
				complain_release(&cs->bad, time(NULL), "mqtt meter %s channel %s",
				    m->id, ch->name);
				spool_reading(in, m, ch, t, v);
			}
		}
	}
	cJSON_Delete(root);
	return 1;   /* spooled (or refused for good): acknowledge */
}

/* Whether a channel before meter i's channel j has the same topic: several
 * channels (and meters: one per channel of a multi-channel device) share
 * one subscription. */
static bool subscribed_before(const struct agent_config *cfg, int i, int j)
{
	const char *topic = cfg->mqtt_meters[i].ch[j].topic;

	for (int a = 0; a <= i; a++) {
		const struct mqtt_meter *m = &cfg->mqtt_meters[a];
		for (int b = 0; b < (a == i ? j : m->nch); b++) {
			if (strcmp(m->ch[b].topic, topic) == 0)
				return true;
		}
	}
	return false;
}

static const struct mqtt_link_cb mqtt_in_cb = { .message = on_message };

struct mqtt_in *mqtt_in_new(const struct agent_config *cfg, struct spool *sp, char *err,
    size_t errlen)
{
	struct mqtt_in *in = calloc(1, sizeof(*in));

	if (in == NULL || (in->chans = calloc((size_t)cfg->nmqtt * MQTT_METER_MAX_CH + 1,
	    sizeof(*in->chans))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < cfg->nmqtt * MQTT_METER_MAX_CH + 1; i++)
		in->chans[i].bad.keep_pace = true;   /* a device's stray payloads: one gap */
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
			if (!subscribed_before(cfg, i, j) &&
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
	free(in->chans);
	free(in);
}
