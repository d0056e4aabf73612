/*
 * gm-agent - reads meters and publishes their readings to the broker.
 *
 *   gm-agent -c agent.conf        run in the foreground (logs to stderr)
 *   gm-agent -n -c agent.conf     check the configuration and exit
 *   gm-agent --check agent.conf   the same
 * Exit codes: 0 ok, 1 bad configuration, 2 usage, 3 cannot start.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_config.h"
#include "err.h"
#include "log.h"
#include "modbus_poll.h"
#include "outbox.h"
#include "payload.h"
#include "publish.h"
#include "timeutil.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct agent {
	struct agent_config cfg;
	struct outbox *ob;
	struct publisher *pub;
	int ngw;
	struct mbpoll **gws;
	uint64_t **seq;          /* per meter, per channel: last seq sent */
};

/* One reading -> one QoS 1 message, in the wire contract. Runs on pollers. */
static void on_reading(void *user, const struct agent_meter *m, int ch, double t,
    double value)
{
	struct agent *a = user;
	const struct channel_def *def = &m->ch[ch];
	struct payload_meta meta = { .kind = def->kind, .wrap = devmap_wrap(def) };
	struct point pt = { .t = floor(t * 1000.0) / 1000.0, .v = value };
	struct chan_id id;
	char *topic, *payload;
	size_t dropped;

	strcpy(meta.unit, def->unit);
	meta.seq = ++a->seq[m - a->cfg.meters][ch];
	strcpy(id.site, a->cfg.site);
	strcpy(id.meter, m->id);
	strcpy(id.channel, def->name);
	if ((topic = malloc(TOPIC_MAX)) == NULL ||
	    (payload = payload_encode(&meta, &pt, 1)) == NULL) {
		free(topic);
		log_err("meter %s channel %s: out of memory; reading at %.3f lost",
		    m->id, def->name, t);
		return;
	}
	topic_build(topic, TOPIC_MAX, &id, TOPIC_READING);
	dropped = outbox_put(a->ob, topic, payload);
	if (dropped)
		log_err("outbox full (%ld messages): dropped the %zu oldest", a->cfg.queue_max,
		    dropped);
}

/* Meters on the same host:port share one connection and one thread. */
static int build_gateways(struct agent *a)
{
	a->gws = calloc((size_t)a->cfg.nmeters, sizeof(*a->gws));
	a->seq = calloc((size_t)a->cfg.nmeters, sizeof(*a->seq));
	if (a->gws == NULL || a->seq == NULL)
		return GM_ENOMEM;
	for (int i = 0; i < a->cfg.nmeters; i++) {
		const struct agent_meter *m = &a->cfg.meters[i];
		struct mbpoll *gw = NULL;
		if ((a->seq[i] = calloc((size_t)m->nch + 1, sizeof(**a->seq))) == NULL)
			return GM_ENOMEM;
		for (int g = 0; g < a->ngw && gw == NULL; g++) {
			if (strcmp(mbpoll_host(a->gws[g]), m->host) == 0 &&
			    mbpoll_port(a->gws[g]) == m->port)
				gw = a->gws[g];
		}
		if (gw == NULL) {
			if ((gw = mbpoll_new(m->host, m->port, on_reading, a)) == NULL)
				return GM_ENOMEM;
			a->gws[a->ngw++] = gw;
		}
		if (mbpoll_add(gw, m) != GM_OK)
			return GM_ENOMEM;
	}
	return GM_OK;
}

static void agent_cleanup(struct agent *a)
{
	for (int g = 0; g < a->ngw; g++)
		mbpoll_free(a->gws[g]);
	free(a->gws);
	publisher_free(a->pub);
	outbox_free(a->ob);
	for (int i = 0; a->seq && i < a->cfg.nmeters; i++)
		free(a->seq[i]);
	free(a->seq);
	agent_config_free(&a->cfg);
}

static int usage(void)
{
	fprintf(stderr, "usage: gm-agent [-n] [-v] -c CONFIG\n"
	    "       gm-agent --check CONFIG\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct agent a = { 0 };
	const char *path = NULL;
	int check = 0, verbose = 0, rc = 0, c;
	char err[256];
	struct outbox_stats st;

	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		check = 1;
		path = argv[2];
	} else {
		while ((c = getopt(argc, argv, "c:nv")) != -1) {
			switch (c) {
			case 'c': path = optarg; break;
			case 'n': check = 1; break;
			case 'v': verbose = 1; break;
			default: return usage();
			}
		}
	}
	if (path == NULL || optind < argc - (check && argc == 3 ? 1 : 0))
		return usage();
	log_init("gm-agent", verbose ? LOG_DEBUG : LOG_INFO);
	tz_set(TZ_DEFAULT);

	/* 1. Configuration: every error reported, none tolerated. */
	if (agent_config_load(path, &a.cfg, log_report, NULL) != 0) {
		log_err("%s: configuration has errors; not starting", path);
		agent_config_free(&a.cfg);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK (%d meters)\n", path, a.cfg.nmeters);
		agent_config_free(&a.cfg);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	/* 2. The outbox first: pollers may produce before the broker is reachable. */
	if ((a.ob = outbox_new((size_t)a.cfg.queue_max)) == NULL ||
	    (a.pub = publisher_new(&a.cfg.mqtt, a.ob, err, sizeof(err))) == NULL) {
		log_err("%s", a.ob ? err : "out of memory");
		rc = 3;
		goto out;
	}
	if (build_gateways(&a) != GM_OK || publisher_start(a.pub) != GM_OK) {
		log_err("cannot start: out of memory or threads");
		rc = 3;
		goto out;
	}
	for (int g = 0; g < a.ngw; g++)
		mbpoll_start(a.gws[g]);
	log_info("polling %d meters on %d gateways for site %s", a.cfg.nmeters, a.ngw,
	    a.cfg.site);

	/* 3. Run until told to stop. */
	while (!stop_flag)
		pause();

	/* 4. Stop reading first, then give the broker a moment for what is queued. */
	for (int g = 0; g < a.ngw; g++)
		mbpoll_stop(a.gws[g]);
	publisher_stop(a.pub, 3000);
	outbox_stats(a.ob, &st);
	log_msg(st.queued || st.dropped ? LOG_WARN : LOG_INFO,
	    "stopped: %llu readings acknowledged by the broker, %zu not sent (lost: this "
	    "version keeps them in memory only), %llu dropped by a full queue",
	    (unsigned long long)st.acked, st.queued, (unsigned long long)st.dropped);
out:
	agent_cleanup(&a);
	return rc;
}
