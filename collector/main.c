/*
 * gm-collector - stores the readings of the wire contract in RRD files.
 *
 *   gm-collector -c collector.conf      run in the foreground
 *   gm-collector -n -c collector.conf   check the configuration and exit
 *   --rrdcached ADDRESS                 write through rrdcached at ADDRESS
 *                                       (overrides [collector] rrdcached; ""
 *                                       writes with librrd directly)
 *   gm-collector --status -c collector.conf
 *                                       every channel's state (ok / stale /
 *                                       fault) from the status file
 * Exit codes: 0 ok, 1 bad configuration, 2 usage, 3 cannot start (--status:
 * cannot read the status file), 4 (--status) some channel stale or fault.
 *
 * Messages are taken on paho's receiving thread, inside the message
 * callback, which keeps trying while the store fails. paho 1.3.11 (Debian
 * 12) hands a QoS 1 message to this callback straight from its receive path
 * and sends the PUBACK only after the callback returns, as long as no
 * message waits in its own queue; one waits there only if a callback
 * returned 0, which this one never does. So a message is acknowledged once
 * its rows are in the write-ahead log (store_queue.h; in a shared group,
 * once in their files), and a killed collector gets back from the broker
 * what it had not taken (tests/integration/61-collector-kill.sh).
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collector_config.h"
#include "err.h"
#include "fileio.h"
#include "ingest.h"
#include "log.h"
#include "mqtt_link.h"
#include "registry.h"
#include "rrd_backend.h"
#include "rrd_store.h"
#include "status_show.h"
#include "store_queue.h"
#include "timeutil.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Not stored (rrdcached away, disk full): try again here rather than hand
 * it back to paho, which would queue it in memory, acknowledge it, and (as
 * seen) stop delivering altogether. Pause between tries so that a full disk
 * does not turn into a busy loop; a file a reader holds for a moment is
 * tried again at once. Told to stop meanwhile, we leave at once without
 * returning: paho then never acknowledges the message, and the broker keeps
 * it for our next start. Nothing else is lost by that: everything
 * acknowledged before is in its file (or held by rrdcached, which writes it
 * out on its own). */
static int on_message(void *user, const char *topic, const void *payload, size_t len)
{
	enum ingest_result res;
	int pause_ms = 200, busy = 0;

	while ((res = ingest_message(user, topic, payload, len)) != INGEST_DONE) {
		if (res == INGEST_BUSY && ++busy < 500) {
			usleep(2000);
			continue;
		}
		if (busy == 500)
			log_warn("%s: its file has been locked by another program for a second; "
			    "still trying", topic);
		if (stop_flag) {
			log_warn("%s: stopping with this message not stored; the broker keeps it "
			    "for the next start", topic);
			_exit(0);
		}
		usleep((useconds_t)pause_ms * 1000);
		if (pause_ms < 2000)
			pause_ms *= 2;
	}
	return 1;
}

static const struct mqtt_link_cb collector_cb = { .message = on_message };

/* Written whole under a fresh temporary name and renamed, so readers never
 * see half (fileio.h). */
static void write_status(const char *path, struct registry *reg)
{
	struct fileio_new n;
	char err[512];

	if (fileio_new_open(&n, path, 0644, err, sizeof(err)) != GM_OK) {
		log_warn("status file: %s", err);
		return;
	}
	registry_dump(reg, n.f, now_wall());
	if (fileio_new_commit(&n, false, err, sizeof(err)) != GM_OK)
		log_warn("status file: cannot replace: %s", err);
}

/* The counters of the last run carry on (received, lost, seq ...). */
static void take_up_status(const char *path, struct registry *reg)
{
	FILE *f = fopen(path, "r");
	int n;

	if (f == NULL)
		return;   /* a first start */
	n = registry_load(reg, f);
	fclose(f);
	log_info("status file %s: counters of %d channel(s) carry on", path, n);
}

/* Alone on the data directory, rows go through the write-ahead log and are
 * written in batches. In a shared group every message is written at once
 * under the file's lock; rows an earlier lone run left in the log are
 * written first, by whichever collector of the group gets to it. */
static int open_queue(struct ingest *ig, const struct collector_config *cfg)
{
	char err[512];
	int rc;

	rc = sq_open(&ig->queue, ig->store, cfg->data_dir, cfg->write_delay_s,
	    ig->shared ? 30 : 0, ingest_written, ig, err, sizeof(err));
	if (rc != GM_OK) {
		log_err("%s", err);
		return rc;
	}
	if (ig->shared) {
		sq_close(ig->queue);
		ig->queue = NULL;
	}
	return GM_OK;
}

static int usage(void)
{
	fprintf(stderr, "usage: gm-collector [-n] [-v] [--rrdcached ADDRESS] -c CONFIG\n"
	    "       gm-collector --status -c CONFIG\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct collector_config cfg;
	struct ingest ig = { 0 };
	struct mqtt_link *link = NULL;
	static const struct option longopts[] = {
		{ "rrdcached", required_argument, NULL, 'r' },
		{ "status", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *rrdcached = NULL;
	int check = 0, verbose = 0, show = 0, rc = 0, c;
	char err[512];
	int64_t next_status = 0;
	bool is_unix;

	while ((c = getopt_long(argc, argv, "c:nv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 'r': rrdcached = optarg; break;
		case 's': show = 1; break;
		default: return usage();
		}
	}
	if (path == NULL || optind != argc)
		return usage();
	log_init("gm-collector", verbose ? LOG_DEBUG : LOG_INFO);
	tz_set(TZ_DEFAULT);
	if (rrdcached != NULL && (strlen(rrdcached) >= sizeof(cfg.rrdcached) ||
	    (rrdcached[0] != '\0' &&
	    rrd_cached_addr_check(rrdcached, &is_unix, err, sizeof(err)) != GM_OK))) {
		if (strlen(rrdcached) >= sizeof(cfg.rrdcached))
			snprintf(err, sizeof(err), "address too long");
		log_err("--rrdcached: %s", err);
		return 2;
	}
	if (collector_config_load(path, &cfg, log_report, NULL) != 0) {
		log_err("%s: configuration has errors; not starting", path);
		return 1;
	}
	if (rrdcached != NULL)   /* the command line wins */
		snprintf(cfg.rrdcached, sizeof(cfg.rrdcached), "%s", rrdcached);
	if (check) {
		printf("%s: configuration OK\n", path);
		return 0;
	}
	if (show) {
		if (cfg.status_file[0] == '\0') {
			log_err("%s: no status_file in [collector]: nothing to show", path);
			return 1;
		}
		return status_show(cfg.status_file, stdout, now_wall());
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	/* The store before the link: a message may arrive as soon as we subscribe. */
	ig.datadir = cfg.data_dir;
	ig.max_future_s = cfg.max_future_s;
	ig.fault_hold_s = cfg.fault_hold_s;
	/* a shared subscription splits a channel's messages among collectors */
	ig.shared = strncmp(cfg.subscribe, "$share/", 7) == 0;
	if ((ig.store = store_open(cfg.data_dir, cfg.rrdcached, err, sizeof(err))) == NULL ||
	    (ig.reg = registry_new()) == NULL) {
		log_err("%s", ig.store ? "out of memory" : err);
		rc = 3;
		goto out;
	}
	if (cfg.status_file[0])
		take_up_status(cfg.status_file, ig.reg);
	if (open_queue(&ig, &cfg) != GM_OK) {
		rc = 3;
		goto out;
	}
	/* A persistent session: the broker queues for us while we are away. */
	if ((link = mqtt_link_new(&cfg.mqtt, false, &collector_cb, &ig, err,
	    sizeof(err))) == NULL) {
		log_err("%s", err);
		rc = 3;
		goto out;
	}
	mqtt_link_subscribe(link, cfg.subscribe);
	if (mqtt_link_start(link) != GM_OK) {
		log_err("cannot start the MQTT thread");
		rc = 3;
		goto out;
	}
	log_info("storing %s into %s with %s", cfg.subscribe, cfg.data_dir,
	    store_backend(ig.store));
	while (!stop_flag) {
		usleep(200 * 1000);
		if (cfg.status_file[0] && mono_ms() >= next_status) {
			write_status(cfg.status_file, ig.reg);
			next_status = mono_ms() + STATUS_FILE_EVERY * 1000;
		}
	}
	mqtt_link_stop(link);
	sq_close(ig.queue);   /* what is queued goes to the files */
	ig.queue = NULL;
	if (cfg.status_file[0])
		write_status(cfg.status_file, ig.reg);
	log_info("stopped: %zu channels seen", registry_count(ig.reg));
out:
	sq_close(ig.queue);
	mqtt_link_free(link);
	registry_free(ig.reg);
	store_close(ig.store);
	return rc;
}
