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
 *   gm-collector --quarantine -c collector.conf
 *                                       the messages kept in the quarantine
 *   gm-collector --requeue[=SITE/METER/CHANNEL] -c collector.conf
 *                                       put them back through ingest once the
 *                                       cause is mended (requeue.h)
 *   gm-collector -h|--help              the usage, on stdout
 * Exit codes: 0 ok, 1 bad configuration (--requeue: bad channel), 2 usage,
 * 3 cannot start (--status: cannot read the status file; --requeue: no
 * answer from the running collector), 4 (--status) some channel stale or
 * fault.
 *
 * Messages are taken on paho's receiving thread, inside the message
 * callback, which keeps trying while the store fails. paho 1.3.11 (Debian
 * 12) hands a QoS 1 message to this callback straight from its receive path
 * and sends the PUBACK only after the callback returns, as long as no
 * message waits in its own queue; one waits there only if a callback
 * returned 0, which this one never does. So a message is acknowledged once
 * its rows are in the write-ahead log (store_queue.h; in a shared group,
 * once in their files), and a killed collector gets back from the broker
 * what it had not taken (tests/integration/61-collector-kill.sh). A message
 * that cannot be stored for a reason trying again will not mend (its file
 * damaged) goes to the quarantine instead and is acknowledged, so that it
 * cannot hold up every other channel (quarantine.h).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "collector_config.h"
#include "compact.h"
#include "data_format.h"
#include "gm_err.h"
#include "fileio.h"
#include "ingest.h"
#include "log.h"
#include "mqtt_link.h"
#include "quarantine.h"
#include "registry.h"
#include "requeue.h"
#include "rrd_backend.h"
#include "rrd_layout.h"
#include "rrdc.h"
#include "rrd_store.h"
#include "status_show.h"
#include "store_queue.h"
#include "timeutil.h"

static volatile sig_atomic_t stop_flag;
/* ingest_message runs on paho's thread, and on the main one for a requeue */
static pthread_mutex_t ingest_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Not stored (rrdcached away, disk full): try again here rather than hand
 * it back to paho, which would queue it in memory, acknowledge it, and (as
 * seen) stop delivering altogether. Pause between tries, doubling up to
 * RETRY_MAX_MS, so that a full disk does not turn into a busy loop and
 * storing resumes within one pause of the disk having room; a file a reader
 * holds for a moment is tried again at once. Told to stop meanwhile, we leave at once without
 * returning: paho then never acknowledges the message, and the broker keeps
 * it for our next start. Nothing else is lost by that: everything
 * acknowledged before is in its file (or held by rrdcached, which writes it
 * out on its own). */
#define RETRY_MAX_MS 3200

static enum ingest_result take_message(void *user, const char *topic, const void *payload,
    size_t len)
{
	enum ingest_result res;

	pthread_mutex_lock(&ingest_lock);
	res = ingest_message(user, topic, payload, len);
	pthread_mutex_unlock(&ingest_lock);
	return res;
}

static int on_message(void *user, const char *topic, const void *payload, size_t len)
{
	enum ingest_result res;
	int pause_ms = 200, busy = 0;

	while ((res = take_message(user, topic, payload, len)) != INGEST_DONE) {
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
		if (pause_ms < RETRY_MAX_MS)
			pause_ms *= 2;
	}
	return 1;
}

static const struct mqtt_link_cb collector_cb = { .message = on_message };

/* Written whole under a fresh temporary name and renamed, so readers never
 * see half (fileio.h). */
/* outer: the lock ingest holds while it changes a channel (NULL: stopped) */
static void write_status(const char *path, struct registry *reg, pthread_mutex_t *outer)
{
	struct fileio_new n;
	char err[512];

	if (fileio_new_open(&n, path, 0644, err, sizeof(err)) != GM_OK) {
		log_warn("status file: %s", err);
		return;
	}
	/* out of memory: the last one stays, not an empty one */
	if (registry_dump(reg, n.f, now_wall(), outer) != GM_OK) {
		log_warn("status file: out of memory; not written this time");
		fileio_new_abort(&n);
		return;
	}
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
static int open_queue(struct ingest *ig, const struct collector_config *cfg, bool quiet_busy)
{
	const struct sq_hooks hooks = { ingest_written, ingest_quarantined, ig };
	char err[512];
	int rc;

	rc = store_queue_open(&ig->queue, ig->store, ig->dlq, cfg->data_dir, cfg->write_delay_s,
	    ig->shared ? 30 : 0, &hooks, err, sizeof(err));
	if (rc != GM_OK) {
		if (rc != GM_EBUSY || !quiet_busy)
			log_err("%s", err);
		return rc;
	}
	if (ig->shared) {
		store_queue_close(ig->queue);
		ig->queue = NULL;
	}
	return GM_OK;
}

/* On stdout with 0 when asked for (--help), else on stderr with 2. */
static int usage(FILE *out, int rc)
{
	fprintf(out, "usage: gm-collector [-n] [-v] [--rrdcached ADDRESS] -c CONFIG\n"
	    "       gm-collector --status -c CONFIG\n"
	    "       gm-collector --quarantine -c CONFIG\n"
	    "       gm-collector --requeue[=SITE/METER/CHANNEL] -c CONFIG\n"
	    "       gm-collector --backup DIR -c CONFIG      (while it runs)\n"
	    "       gm-collector --restore DIR -c CONFIG     (into an empty data_dir)\n"
	    "       gm-collector --compact -c CONFIG         (layout-1 files to layout 2; stopped)\n"
	    "       gm-collector -h|--help\n");
	return rc;
}

/* Store, registry (carried on from the status file), quarantine and queue:
 * what both running and a requeue need. GM_EBUSY when another collector
 * holds the data directory (and, quiet_busy, nothing logged). */
static int open_storage(struct ingest *ig, const struct collector_config *cfg,
    bool quiet_busy)
{
	char err[512];
	int rc;

	/* before anything is written: a newer greenmeter's data stays as it is */
	if (data_format_check(cfg->data_dir, true, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		return GM_EINVAL;
	}
	ig->datadir = cfg->data_dir;
	ig->max_future_s = cfg->max_future_s;
	ig->fault_hold_s = cfg->fault_hold_s;
	ig->arrivals = cfg->arrivals;
	/* a shared subscription splits a channel's messages among collectors */
	ig->shared = strncmp(cfg->subscribe, "$share/", 7) == 0;
	if ((ig->store = rrd_store_open(cfg->data_dir, cfg->rrdcached, err, sizeof(err))) == NULL ||
	    (ig->reg = registry_new()) == NULL) {
		log_err("%s", ig->store ? "out of memory" : err);
		return GM_EIO;
	}
	if ((rc = quarantine_open(&ig->dlq, cfg->data_dir, QUARANTINE_REFUSED_MAX, err,
	    sizeof(err))) != GM_OK) {
		log_err("%s", err);
		return rc;
	}
	if (cfg->status_file[0])
		take_up_status(cfg->status_file, ig->reg);
	return open_queue(ig, cfg, quiet_busy);
}

/* save: write the status file (not when another collector owns it). */
static void close_storage(struct ingest *ig, const struct collector_config *cfg, bool save)
{
	store_queue_close(ig->queue);   /* what is queued goes to the files */
	ig->queue = NULL;
	if (save && cfg->status_file[0] && ig->reg != NULL)
		write_status(cfg->status_file, ig->reg, NULL);
	quarantine_close(ig->dlq);
	registry_free(ig->reg);
	rrd_store_close(ig->store);
}

/* Subscribe and store until told to stop; requests to requeue are served
 * between messages. */
static int run(struct ingest *ig, const struct collector_config *cfg)
{
	struct mqtt_link *link;
	int64_t next_status = 0;
	char err[512];

	/* A persistent session: the broker queues for us while we are away. */
	if ((link = mqtt_link_new(&cfg->mqtt, false, &collector_cb, ig, err,
	    sizeof(err))) == NULL) {
		log_err("%s", err);
		return 3;
	}
	mqtt_link_subscribe(link, cfg->subscribe);
	if (mqtt_link_start(link) != GM_OK) {
		log_err("cannot start the MQTT thread");
		mqtt_link_free(link);
		return 3;
	}
	log_info("storing %s into %s with %s", cfg->subscribe, cfg->data_dir,
	    rrd_store_backend(ig->store));
	while (!stop_flag) {
		usleep(200 * 1000);
		requeue_serve(ig, &ingest_lock);
		if (cfg->status_file[0] && mono_ms() >= next_status) {
			/* each channel a still picture: no message changes it
			 * while its line is taken */
			write_status(cfg->status_file, ig->reg, &ingest_lock);
			next_status = mono_ms() + STATUS_FILE_EVERY * 1000;
		}
	}
	mqtt_link_stop(link);
	mqtt_link_free(link);
	log_info("stopped: %zu channels seen", registry_count(ig->reg));
	return 0;
}

/* Files a requeue makes here must stay writable by the collector: the
 * command runs as the data directory's owner, like the collector. */
static bool owner_runs(const char *datadir)
{
	struct stat st;

	if (stat(datadir, &st) != 0) {
		log_err("%s: %s", datadir, strerror(errno));
		return false;
	}
	if (st.st_uid == geteuid())
		return true;
	log_err("%s belongs to uid %u: run --requeue as that user (the collector's), so the "
	    "files it writes stay the collector's", datadir, (unsigned)st.st_uid);
	return false;
}

/* --requeue: by the running collector if there is one, else here. */
static int requeue_cmd(const struct collector_config *cfg, const char *only)
{
	struct ingest ig = { 0 };
	struct requeue_report rep;
	struct chan_id id;
	char err[512], text[600];
	int rc;

	if (only != NULL && chan_id_parse(only, strlen(only), &id, err, sizeof(err)) != GM_OK) {
		log_err("--requeue=%s: %s", only, err);
		return 1;
	}
	log_set_level(GM_LOG_WARN);   /* the answer is what the person reads */
	if (!owner_runs(cfg->data_dir))
		return 1;
	rc = open_storage(&ig, cfg, true);
	if (rc == GM_EBUSY) {   /* a collector runs: it does the work */
		close_storage(&ig, cfg, false);
		return requeue_ask(cfg->data_dir, only, 600);
	}
	if (rc != GM_OK) {
		close_storage(&ig, cfg, false);
		return 3;
	}
	rc = requeue_run(&ig, only != NULL ? &id : NULL, &rep, err, sizeof(err));
	close_storage(&ig, cfg, true);
	if (rc != GM_OK) {
		log_err("requeue: %s", err);
		return 3;
	}
	requeue_describe(&rep, text, sizeof(text));
	printf("%s\n", text);
	return 0;
}

/* --backup DIR and --restore DIR: the data directory copied out, or in. */
static int backup_cmd(const struct collector_config *cfg, int mode, const char *dir)
{
	struct backup_report rep;
	char err[4400];
	int rc;

	if (mode == 'B')
		rc = backup_take(cfg->data_dir, cfg->rrdcached, dir, &rep, err, sizeof(err));
	else
		rc = backup_restore(dir, cfg->data_dir, &rep, err, sizeof(err));
	if (rc != GM_OK) {
		log_err("%s: %s", mode == 'B' ? "backup" : "restore", err);
		return 3;
	}
	if (mode == 'B')
		printf("backed up %s into %s: %llu files (%llu RRD), %.1f MB%s\n", cfg->data_dir,
		    dir, (unsigned long long)rep.files, (unsigned long long)rep.rrd_files,
		    (double)rep.bytes / 1e6, rep.skipped > 0 ? "; links, other non-files and files being made left out" : "");
	else
		printf("restored %s from %s: %llu files, %.1f MB, each checked against the "
		    "manifest\n", cfg->data_dir, dir, (unsigned long long)rep.files,
		    (double)rep.bytes / 1e6);
	return 0;
}

/* --compact: layout-1 files made layout 2, the collector stopped. */
static int compact_cmd(const struct collector_config *cfg)
{
	struct compact_report rep;
	char err[4400];
	int rc;

	if (data_format_check(cfg->data_dir, false, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		return 1;
	}
	/* rrdcached may hold rows for a file, and write them into the old one
	 * after it is replaced: it must be stopped, and out of the config */
	if (cfg->rrdcached[0] != '\0') {
		log_err("compact: %s writes through rrdcached (%s): stop rrdcached and the collector, "
		    "then run --compact with --rrdcached ''", cfg->data_dir, cfg->rrdcached);
		return 1;
	}
	if ((rc = compact_run(cfg->data_dir, &rep, err, sizeof(err))) != GM_OK) {
		log_err("compact: %s%s", err, rc == GM_EBUSY ? " (stop the collector first)" : "");
		return 3;
	}
	printf("%s: %llu channel files, %llu of them brought to layout %d: %.1f MB before, "
	    "%.1f MB now\n", cfg->data_dir, (unsigned long long)rep.files,
	    (unsigned long long)rep.compacted, RRD_LAYOUT_VERSION, (double)rep.before / 1e6,
	    (double)rep.after / 1e6);
	return 0;
}

static int list_one(void *user, const struct quarantine_rec *r)
{
	char when[32];

	(*(size_t *)user)++;
	time_format_local(r->at > 0 && r->at < T_MAX ? (time_t)r->at : 0, when, sizeof(when));
	printf("%s  %s  %zu bytes  %s\n", when, r->topic, r->len, r->reason);
	return GM_OK;
}

/* --quarantine: what the journal holds, oldest first. */
static int quarantine_list(const struct collector_config *cfg)
{
	char path[1100], err[1200];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/.quarantine/journal", cfg->data_dir);
	if (quarantine_read(path, list_one, &n, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		return 3;
	}
	printf("%zu message(s) in the quarantine (%s)\n", n, path);
	return 0;
}

int main(int argc, char **argv)
{
	struct collector_config cfg;
	struct ingest ig = { 0 };
	static const struct option longopts[] = {
		{ "rrdcached", required_argument, NULL, 'r' },
		{ "status", no_argument, NULL, 's' },
		{ "quarantine", no_argument, NULL, 'q' },
		{ "requeue", optional_argument, NULL, 'R' },
		{ "backup", required_argument, NULL, 'B' },
		{ "restore", required_argument, NULL, 'X' },
		{ "compact", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *rrdcached = NULL, *only = NULL, *dir = NULL;
	int check = 0, verbose = 0, mode = 0, rc = 0, c;
	char err[512];
	bool is_unix;

	while ((c = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 'r': rrdcached = optarg; break;
		case 's': case 'q': mode = c; break;
		case 'R': mode = c; only = optarg; break;
		case 'B': case 'X': mode = c; dir = optarg; break;
		case 'K': mode = c; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, 2);
		}
	}
	if (path == NULL || optind != argc)
		return usage(stderr, 2);
	log_init("gm-collector", verbose ? GM_LOG_DEBUG : GM_LOG_INFO);
	tz_set(TZ_DEFAULT);
	if (rrdcached != NULL && (strlen(rrdcached) >= sizeof(cfg.rrdcached) ||
	    (rrdcached[0] != '\0' &&
	    rrdc_addr_check(rrdcached, &is_unix, err, sizeof(err)) != GM_OK))) {
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
	if (mode == 's') {
		if (cfg.status_file[0] == '\0') {
			log_err("%s: no status_file in [collector]: nothing to show", path);
			return 1;
		}
		return status_show(cfg.status_file, stdout, now_wall());
	}
	if (mode == 'q')
		return quarantine_list(&cfg);
	if (mode == 'B' || mode == 'X')
		return backup_cmd(&cfg, mode, dir);
	if (mode == 'K')
		return compact_cmd(&cfg);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (mode == 'R')
		return requeue_cmd(&cfg, only);

	/* The store before the link: a message may arrive as soon as we subscribe. */
	if (open_storage(&ig, &cfg, false) != GM_OK) {
		close_storage(&ig, &cfg, false);
		return 3;
	}
	rc = run(&ig, &cfg);
	close_storage(&ig, &cfg, true);
	return rc;
}
