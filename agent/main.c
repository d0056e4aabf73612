/*
 * gm-agent - reads meters and publishes their readings to the broker.
 *
 *   gm-agent -c agent.conf        run in the foreground (logs to stderr)
 *   gm-agent -n -c agent.conf     check the configuration and exit
 *   gm-agent --check agent.conf   the same
 *   gm-agent -c agent.conf --import monthly.csv   publish manual monthly entries
 *   gm-agent -c agent.conf --event replaced|reset --meter M --channel C
 *            [--at TIME] [--new-start N] [--old-final N] [--unit U] [--note TEXT]
 *                                 announce a counter replaced or reset (event_send.h)
 *   gm-agent -h|--help            the usage, on stdout
 * Exit codes: 0 ok, 1 bad configuration, 2 usage, 3 cannot start.
 */
#include <getopt.h>
#include <pthread.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_config.h"
#include "broker_acl.h"
#include "reqplan.h"
#include "gm_err.h"
#include "event_send.h"
#include "log.h"
#include "manual_import.h"
#include "modbus_poll.h"
#include "mqtt_in.h"
#include "payload.h"
#include "publisher.h"
#include "seqmap.h"
#include "snmp_poll.h"
#include "spool.h"
#include "timeutil.h"

struct agent {
	struct agent_config cfg;
	struct spool *sp;
	struct seqmap *seqs;
	struct publisher *pub;
	struct mqtt_in *in;       /* NULL without [mqtt_meter] sections */
	int ngw;
	struct modbus_poll **gws;
	struct snmp_poll **printers;   /* one per [printer], NULL without */
};

/* Every reading goes to the spool first; the publisher takes it from there.
 * Runs on the pollers' threads (the spool locks). */
static void spool_reading(struct agent *a, const char *meter, const char *channel,
    const char *unit, enum reading_kind kind, double t, double value, double wrap)
{
	struct spool_rec r = { .t = floor(t * 1000.0) / 1000.0, .v = value, .wrap = wrap,
	    .kind = kind };
	struct chan_id id;
	int rc;

	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	strcpy(id.site, a->cfg.site);
	snprintf(id.meter, sizeof(id.meter), "%s", meter);
	snprintf(id.channel, sizeof(id.channel), "%s", channel);
	topic_build(r.topic, sizeof(r.topic), &id, TOPIC_READING);
	/* GM_EINVAL: not a number the wire can carry; the spool logs it */
	if ((rc = spool_append(a->sp, &r, 1)) != GM_OK && rc != GM_EINVAL)
		log_err("meter %s channel %s: reading at %.3f could not be spooled (see above)",
		    meter, channel, r.t);
}

static void on_reading(void *user, const struct agent_meter *m, int ch, double t,
    double value)
{
	const struct channel_def *def = &m->ch[ch];

	spool_reading(user, m->id, def->name, def->unit, def->kind, t, value, devmap_wrap(def));
}

static void on_printer_reading(void *user, const struct printer *p, int ch, double t,
    double value, const char *unit, double wrap)
{
	const struct printer_chan *def = &p->profile->channels[ch];

	spool_reading(user, p->id, def->name, unit, def->kind, t, value, wrap);
}

/* One poller thread per printer (SNMP over UDP: no connection to share). */
static int build_printers(struct agent *a)
{
	if (a->cfg.nprinters == 0)
		return GM_OK;
	snmp_poll_lib_init();   /* before any poller thread: see snmp_poll.h */
	if ((a->printers = calloc((size_t)a->cfg.nprinters, sizeof(*a->printers))) == NULL)
		return GM_ENOMEM;
	for (int i = 0; i < a->cfg.nprinters; i++) {
		a->printers[i] = snmp_poll_new(&a->cfg.printers[i], on_printer_reading, a);
		if (a->printers[i] == NULL)
			return GM_ENOMEM;
	}
	return GM_OK;
}

/* --check -v: what each meter publishes, one line a meter. */
/* A meter's requests, as it will be polled, and their time on its bus. */
static void print_plan(const struct agent_meter *m)
{
	struct reqplan p;

	if (reqplan_build(m->ch, m->nch, m->model->max_gap, &m->bus, &p) != GM_OK)
		return;
	printf("  plan: %d request%s", p.nreq, p.nreq == 1 ? "" : "s");
	if (m->bus.baud > 0)
		printf(", %.1f ms a poll on a %d-baud bus (%c%d, turnaround %.1f ms):",
		    reqplan_bus_us(&p, &m->bus) / 1000, m->bus.baud, m->bus.parity, m->bus.stop_bits,
		    m->bus.turnaround_ms);
	else
		printf(" (the bus's speed not given, so every gap within max_gap %d is read):",
		    m->model->max_gap);
	for (int r = 0; r < p.nreq; r++)
		printf(" fn%d 0x%04X+%u", p.reqs[r].function, p.reqs[r].start, p.reqs[r].count);
	printf("\n");
	reqplan_free(&p);
}

static void list_meters(const struct agent_config *cfg)
{
	for (int i = 0; i < cfg->nmeters; i++) {
		const struct agent_meter *m = &cfg->meters[i];
		printf("meter %s: model %s at %s unit %d, every %.1f s:", m->id, m->model->name,
		    m->gw.name, m->unit, m->interval_ms / 1000.0);
		for (int c = 0; c < m->nch; c++)
			printf(" %s (%s, %s)", m->ch[c].name, m->ch[c].unit, kind_name(m->ch[c].kind));
		printf("\n");
		print_plan(m);
	}
	for (int i = 0; i < cfg->nmqtt; i++) {
		const struct mqtt_meter *m = &cfg->mqtt_meters[i];
		printf("mqtt_meter %s: topic %s:", m->id, m->topic);
		for (int c = 0; c < m->nch; c++)
			printf(" %s (%s, %s)", m->ch[c].name, m->ch[c].unit, kind_name(m->ch[c].kind));
		printf("\n");
	}
	for (int i = 0; i < cfg->nprinters; i++) {
		const struct printer *p = &cfg->printers[i];
		printf("printer %s: profile %s at %s, SNMP %s, every %.1f s:", p->id, p->profile->name,
		    p->name, p->version == PRINTER_V3 ? "v3 authPriv" : "v2c", p->interval_ms / 1000.0);
		for (int c = 0; c < p->profile->nchannels; c++) {
			const struct printer_chan *ch = &p->profile->channels[c];
			printf(" %s (%s, %s)", ch->name, ch->unit_oid.len ? "pages or sheets" : ch->unit,
			    kind_name(ch->kind));
		}
		printf("\n");
	}
}

/* The publisher asks, a message at a time, how often a topic's meter is read. */
static long topic_every(void *user, const char *topic)
{
	const struct agent *a = user;
	enum topic_kind kind;
	struct chan_id id;

	if (topic_parse(topic, &id, &kind, NULL, 0) != GM_OK)
		return 0;
	return agent_config_every(&a->cfg, id.meter);
}

/* Meters on the same gateway or bus share one connection and one thread. */
static int build_gateways(struct agent *a)
{
	if ((a->gws = calloc((size_t)a->cfg.nmeters, sizeof(*a->gws))) == NULL)
		return GM_ENOMEM;
	for (int i = 0; i < a->cfg.nmeters; i++) {
		const struct agent_meter *m = &a->cfg.meters[i];
		struct modbus_poll *gw = NULL;
		for (int g = 0; g < a->ngw && gw == NULL; g++) {
			if (agent_config_gateway_same(modbus_poll_gateway(a->gws[g]), &m->gw))
				gw = a->gws[g];
		}
		if (gw == NULL) {
			if ((gw = modbus_poll_new(&m->gw, on_reading, a)) == NULL)
				return GM_ENOMEM;
			a->gws[a->ngw++] = gw;
		}
		if (modbus_poll_add(gw, m) != GM_OK)
			return GM_ENOMEM;
	}
	return GM_OK;
}

static int open_spool(struct agent *a, char *err, size_t errlen)
{
	char path[1100];
	struct spool_stats st;

	a->sp = spool_open(a->cfg.spool_dir, (uint64_t)a->cfg.spool_max_mb << 20, err, errlen);
	if (a->sp == NULL)
		return GM_EIO;
	snprintf(path, sizeof(path), "%s/seq", a->cfg.spool_dir);
	if ((a->seqs = seqmap_open(path)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	spool_stats(a->sp, &st);
	if (st.pending || st.truncated)
		log_info("spool %s: %llu readings from before wait for the broker%s",
		    a->cfg.spool_dir, (unsigned long long)(st.pending - st.lost),
		    st.lost ? " (some were lost to damaged records: see above)" :
		    st.truncated ? " (a torn record at its end was cut off)" : "");
	return GM_OK;
}

static void agent_cleanup(struct agent *a)
{
	for (int g = 0; g < a->ngw; g++)
		modbus_poll_free(a->gws[g]);
	free(a->gws);
	for (int i = 0; a->printers != NULL && i < a->cfg.nprinters; i++)
		snmp_poll_free(a->printers[i]);
	if (a->printers != NULL) {
		free(a->printers);
		snmp_poll_lib_cleanup();
	}
	mqtt_in_free(a->in);
	publisher_free(a->pub);
	seqmap_free(a->seqs);
	spool_close(a->sp);
	agent_config_free(&a->cfg);
}

/* gm-agent --import FILE: check it whole, then publish and wait for the broker;
 * a file with a mistake publishes nothing. */
static int run_import(const struct agent_config *cfg, const char *file)
{
	struct manual_entry *e = NULL;
	char err[300];
	size_t n = 0;
	int rc;

	if (manual_import_parse(file, cfg->site, &e, &n, log_report, NULL) != 0) {
		log_err("%s: not imported: correct the lines above and run it again", file);
		return 1;
	}
	rc = manual_import_publish(&cfg->mqtt, e, n, 30000, err, sizeof(err));
	free(e);
	if (rc != GM_OK) {
		log_err("%s: %s", file, err);
		return 3;
	}
	/* Only the broker answers: what the collector made of them, it cannot
	 * tell us, so we do not claim it. */
	printf("%s: %zu entr%s published; the broker has %s.\n"
	    "%s: whether the collector stored %s, this command cannot see: it stores an entry "
	    "once, and refuses one whose unit or kind is not its channel's (gm-collector "
	    "--status shows it as rejected, its log names it)\n", file, n, n == 1 ? "y" : "ies",
	    n == 1 ? "it" : "every one", file, n == 1 ? "it" : "each");
	return 0;
}

/* gm-agent --event: check it, then publish and wait for the broker. */
static int run_event(const struct agent_config *cfg, const struct event_args *ev)
{
	char err[300];
	int rc = event_send(&cfg->mqtt, ev, cfg->site, 30000, err, sizeof(err));

	if (rc == GM_EINVAL) {
		log_err("event not sent: %s", err);
		return 2;
	}
	if (rc != GM_OK) {
		log_err("event not sent: %s; send it again (it is stored once)", err);
		return 3;
	}
	printf("%s event of %s/%s/%s published to the broker\n", ev->kind, cfg->site,
	    ev->meter, ev->channel);
	return 0;
}

/* On stdout with 0 when asked for (--help), else on stderr with 2. */
static int usage(FILE *out, int rc)
{
	fprintf(out, "usage: gm-agent [-n] [-v] -c CONFIG\n"
	    "       gm-agent --check CONFIG    (and asks the broker what it lets us publish)\n"
	    "       gm-agent --acl CONFIG      (the broker ACL block this agent needs)\n"
	    "       gm-agent -c CONFIG --import MONTHLY.csv\n"
	    "       gm-agent -c CONFIG --event replaced|reset --meter METER --channel CHANNEL\n"
	    "                [--at 'YYYY-MM-DD HH:MM'] [--new-start N] [--old-final N]\n"
	    "                [--unit UNIT] [--note TEXT]\n"
	    "       gm-agent -h|--help\n");
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'C' },
		{ "acl", required_argument, NULL, 'L' },
		{ "import", required_argument, NULL, 'I' },
		{ "event", required_argument, NULL, 'E' },
		{ "meter", required_argument, NULL, 'M' },
		{ "channel", required_argument, NULL, 'H' },
		{ "at", required_argument, NULL, 'A' },
		{ "new-start", required_argument, NULL, 'S' },
		{ "old-final", required_argument, NULL, 'F' },
		{ "unit", required_argument, NULL, 'U' },
		{ "note", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct event_args ev = { 0 };
	struct agent a = { 0 };
	const char *path = NULL;
	const char *import = NULL;
	int check = 0, acl = 0, verbose = 0, rc = 0, c, sig = 0;
	sigset_t stop_sigs;
	char err[256];
	struct spool_stats st;

	while ((c = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': check = 1; break;
		case 'C': check = 2; path = optarg; break;
		case 'L': acl = 1; path = optarg; break;
		case 'I': import = optarg; break;
		case 'E': ev.kind = optarg; break;
		case 'M': ev.meter = optarg; break;
		case 'H': ev.channel = optarg; break;
		case 'A': ev.at = optarg; break;
		case 'S': ev.new_start = optarg; break;
		case 'F': ev.old_final = optarg; break;
		case 'U': ev.unit = optarg; break;
		case 'O': ev.note = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, 2);
		}
	}
	/* the event's words without --event, or with --import: a mistake */
	if (path == NULL || optind != argc || (ev.kind != NULL && import != NULL) ||
	    (ev.kind == NULL && (ev.meter || ev.channel || ev.at || ev.new_start ||
	    ev.old_final || ev.unit || ev.note)))
		return usage(stderr, 2);
	log_init("gm-agent", verbose ? GM_LOG_DEBUG : GM_LOG_INFO);
	tz_set(TZ_DEFAULT);

	/* 1. Configuration: every error reported, none tolerated. */
	if (agent_config_load(path, &a.cfg, log_report, NULL) != 0) {
		log_err("%s: configuration has errors; not starting", path);
		agent_config_free(&a.cfg);
		return 1;
	}
	if (import != NULL || ev.kind != NULL) {
		rc = import != NULL ? run_import(&a.cfg, import) : run_event(&a.cfg, &ev);
		agent_config_free(&a.cfg);
		return rc;
	}
	if (acl) {
		rc = broker_acl_print(&a.cfg, stdout, err, sizeof(err)) == GM_OK ? 0 : 1;
		if (rc != 0)
			log_err("%s", err);
		agent_config_free(&a.cfg);
		return rc;
	}
	if (check) {
		printf("%s: configuration OK (%d Modbus meters, %d MQTT meters, %d printers)\n",
		    path, a.cfg.nmeters, a.cfg.nmqtt, a.cfg.nprinters);
		if (verbose)
			list_meters(&a.cfg);
		/* -n is the file alone (a unit's ExecStartPre); --check asks the broker too */
		if (check == 2 && broker_acl_check(&a.cfg, 3000, err, sizeof(err)) < 0)
			log_info("%s: the broker was not asked what it lets us publish: %s", path, err);
		agent_config_free(&a.cfg);
		return 0;
	}
	if (a.cfg.nmeters + a.cfg.nmqtt + a.cfg.nprinters == 0) {
		log_err("%s: no [meter], [mqtt_meter] or [printer] sections: nothing to read", path);
		agent_config_free(&a.cfg);
		return 1;
	}
	/* SIGINT and SIGTERM blocked before any thread starts, so every thread
	 * inherits the mask and only the main thread takes them (sigwait): a
	 * handler run on a poller or paho thread would not wake the main one. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* 2. The spool first: pollers write to it whether the broker is up or not. */
	if (open_spool(&a, err, sizeof(err)) != GM_OK ||
	    (a.pub = publisher_new(&a.cfg.mqtt, a.sp, a.seqs, (int)a.cfg.spool_sync_ms,
	    topic_every, &a, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = 3;
		goto out;
	}
	if (build_gateways(&a) != GM_OK || build_printers(&a) != GM_OK ||
	    publisher_start(a.pub) != GM_OK) {
		log_err("cannot start: out of memory or threads");
		rc = 3;
		goto out;
	}
	if (a.cfg.nmqtt > 0 && ((a.in = mqtt_in_new(&a.cfg, a.sp, err, sizeof(err))) == NULL ||
	    mqtt_in_start(a.in) != GM_OK)) {
		log_err("MQTT meters: %s", a.in ? "cannot start" : err);
		rc = 3;
		goto out;
	}
	for (int g = 0; g < a.ngw; g++)
		modbus_poll_start(a.gws[g]);
	for (int i = 0; i < a.cfg.nprinters; i++)
		snmp_poll_start(a.printers[i]);
	log_info("site %s: polling %d Modbus meters on %d gateways, %d printers, %d MQTT meters",
	    a.cfg.site, a.cfg.nmeters, a.ngw, a.cfg.nprinters, a.cfg.nmqtt);

	/* 3. Run until told to stop. */
	while (sigwait(&stop_sigs, &sig) != 0)
		;
	log_info("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");

	/* 4. Stop reading first, then give the broker a moment for what is queued. */
	for (int g = 0; g < a.ngw; g++)
		modbus_poll_stop(a.gws[g]);
	for (int i = 0; i < a.cfg.nprinters; i++)
		snmp_poll_stop(a.printers[i]);
	mqtt_in_free(a.in);
	a.in = NULL;
	publisher_stop(a.pub, 3000);
	spool_stats(a.sp, &st);
	log_info("stopped: spool holds readings 1..%llu, %llu of them still wait for the "
	    "broker%s", (unsigned long long)(st.next_id - 1), (unsigned long long)st.pending,
	    st.pending ? " (sent at the next start)" : "");
out:
	agent_cleanup(&a);
	return rc;
}
