/*
 * gm-dashboard - the live web view of every meter and unit (docs/dashboard.md).
 *
 *   gm-dashboard [-c FILE] [-l HOST:PORT] [-d DATADIR] [--status-file FILE]
 *                [--org FILE] [--reports DIR] [--rrdcached ADDRESS] [-n]
 *   gm-dashboard -h|--help
 *
 * Options override the file's [dashboard] keys. -n checks the configuration
 * and exits. Exit codes: 0 ok, 1 bad configuration, 2 wrong command line,
 * 3 could not start (port, memory).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "account_cli.h"
#include "alert.h"
#include "dash.h"
#include "data_format.h"
#include "db.h"
#include "faults.h"
#include "fileio.h"
#include "gm_err.h"
#include "log.h"
#include "page_cache.h"
#include "report_run.h"
#include "rrdc.h"
#include "timeutil.h"
#include "web_entries.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Sleep up to s seconds, waking early when told to stop. */
static void nap(double s)
{
	int64_t until = mono_ms() + (int64_t)(s * 1000);

	while (!stopping && mono_ms() < until)
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
}

struct runner {
	struct dash *d;
	struct faults *faults;
	struct alert *alert;
	struct complaint entries_trouble;   /* the broker not taking web entries */
};

/* Web entries saved while the broker was away go now (web_entries.h). */
static void publish_entries(struct runner *r)
{
	char err[300];

	if (r->d->db == NULL || !r->d->cfg.have_mqtt)
		return;
	if (web_entries_publish(r->d->db, &r->d->db_lock, &r->d->cfg.mqtt, err,
	    sizeof(err)) != GM_OK)
		complain(&r->entries_trouble, time(NULL), "entries: %s; trying again", err);
	else
		complain_release(&r->entries_trouble, time(NULL), "entries: sent");
}

static void scan_once(struct runner *r, bool usage)
{
	struct dash *d = r->d;
	struct meter_scan_opts o = { d->cfg.data_dir, d->cfg.status_file, d->cached,
	    &d->rrd_lock, usage, d->org };
	struct shared *ref;
	const struct meter_snap *prev = dash_meters(d, &ref);
	struct meter_snap *s = meter_view_scan(&o, prev, now_wall());

	dash_put(d, ref);
	if (s == NULL) {
		log_err("scan: out of memory; showing the last scan");
		return;
	}
	if (faults_scan(r->faults, s, d->org, now_wall(), d->cfg.scan_s,
	    r->alert ? alert_fire : alert_log, r->alert) < 0)
		log_err("faults: out of memory; they will be judged next scan");
	dash_set_meters(d, s);
}

/* The unit figures: slower (every mapped channel, two years), so a thread
 * of their own keeps the meter scans on time. */
static void *units_main(void *arg)
{
	struct dash *d = arg;
	char err[512];

	while (!stopping) {
		struct unit_view *v = malloc(sizeof(*v));
		int rc = GM_ENOMEM;

		if (v != NULL) {
			if (d->cached != NULL)
				pthread_mutex_lock(&d->rrd_lock);
			rc = unit_view_build(d->org, d->crit, d->cfg.data_dir, d->cached, now_wall(), v,
			    err, sizeof(err));
			if (d->cached != NULL)
				pthread_mutex_unlock(&d->rrd_lock);
		}
		if (rc == GM_OK)
			dash_set_units(d, v);
		else {
			log_err("unit figures: %s", rc == GM_ENOMEM ? "out of memory" : err);
			free(v);
		}
		nap(d->cfg.units_every_s);
	}
	return NULL;
}

static void say(void *user, const char *msg)
{
	(void)user;
	log_err("%s", msg);
}

/* On stdout with 0 when asked for (--help), else on stderr with 2. */
static int usage(FILE *out, int rc)
{
	fprintf(out, "usage: gm-dashboard [-c FILE] [-l HOST:PORT] [-d DATADIR] "
	    "[--status-file FILE]\n"
	    "                    [--org FILE] [--reports DIR] [--rrdcached ADDRESS] [-n]\n"
	    "       gm-dashboard -c FILE --add-user NAME --role ROLE [--unit ID ...] [--display TEXT]\n"
	    "                        [--directory]\n"
	    "       gm-dashboard -c FILE --set-password NAME | --list-users | --backup FILE\n"
	    "       gm-dashboard -h|--help\n"
	    "  -n  check the configuration and exit\n"
	    "The dashboard listens on 127.0.0.1:8080 unless told otherwise.\n");
	return rc;
}

#define ASKED_HELP 4   /* options(): not an exit code, the usage was asked for */

/* Command-line options over the file's keys; 0, 1 for a bad configuration,
 * 2 for a bad line, or ASKED_HELP. */
static int options(int argc, char **argv, struct dash_config *cfg, const char **file,
    bool *check, struct account_cmd *acc)
{
	static struct option longopts[32] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "data", required_argument, NULL, 'd' },
		{ "status-file", required_argument, NULL, 's' },
		{ "org", required_argument, NULL, 'O' },
		{ "reports", required_argument, NULL, 'R' },
		{ "rrdcached", required_argument, NULL, 'r' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
	};
	const char *listen = NULL, *v[5] = { NULL };
	int c, n = 0;

	while (longopts[n].name != NULL)
		n++;
	for (int i = 0; account_cli_options[i].name != NULL; i++)
		longopts[n++] = account_cli_options[i];

	while ((c = getopt_long(argc, argv, "c:l:d:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': *file = optarg; break;
		case 'l': listen = optarg; break;
		case 'd': v[0] = optarg; break;
		case 's': v[1] = optarg; break;
		case 'O': v[2] = optarg; break;
		case 'R': v[3] = optarg; break;
		case 'r': v[4] = optarg; break;
		case 'n': *check = true; break;
		case 'h': return ASKED_HELP;
		default:
			if (!account_cli_option(c, optarg, acc))
				return 2;
		}
	}
	if (optind != argc || acc->bad)
		return 2;
	if (dash_config_load(*file, cfg, say, NULL) != 0)
		return 1;
	char *dst[5] = { cfg->data_dir, cfg->status_file, cfg->org, cfg->reports_dir, cfg->rrdcached };
	size_t len[5] = { sizeof(cfg->data_dir), sizeof(cfg->status_file), sizeof(cfg->org),
	    sizeof(cfg->reports_dir), sizeof(cfg->rrdcached) };
	for (int i = 0; i < 5; i++)
		if (v[i] != NULL)
			snprintf(dst[i], len[i], "%s", v[i]);
	if (listen != NULL && dash_config_listen(listen, cfg, say, NULL) != 0)
		return 2;
	return dash_config_check(cfg, say, NULL) == 0 ? 0 : 1;
}

/* The organisation and its criteria, when configured; 0 or 1 (said). */
static int load_org(struct dash *d)
{
	if (d->cfg.org[0] == '\0')
		return 0;
	d->org = calloc(1, sizeof(*d->org));
	d->crit = calloc(1, sizeof(*d->crit));
	if (d->org == NULL || d->crit == NULL || org_load(d->cfg.org, d->org, say, NULL) != 0)
		return 1;
	return criteria_load(d->org->criteria, d->crit, say, NULL) != 0;
}

static void free_org(struct dash *d)
{
	org_free(d->org);
	free(d->org);
	free(d->crit);
	d->org = NULL;
	d->crit = NULL;
}

/* What makes a report set again on request: report_program, else the
 * gm-report installed beside this program. */
static struct report_run *new_runner(struct dash_config *c)
{
	char self[1024];
	ssize_t n;
	struct report_run_args a = { c->report_program, c->data_dir, c->org, c->reports_dir,
		c->rrdcached, c->report_pdf };

	if (c->report_program[0] == '\0' &&
	    (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(c->report_program, sizeof(c->report_program), "%.1000s/gm-report", self);
	}
	return report_run_new(&a);
}

/* The accounts database, when configured: then every page but the public
 * ones needs a signed-in person (access.h). */
static int open_accounts(struct dash *d, char *err, size_t errlen)
{
	if (d->cfg.access.database[0] == '\0')
		return GM_OK;
	if (accounts_init() != GM_OK)
		return gm_errf(err, errlen, GM_ELIB, "cannot start libsodium");
	if ((d->db = db_open(d->cfg.access.database, err, errlen)) == NULL)
		return GM_EIO;
	if (d->cfg.access.evidence[0] == '\0')
		snprintf(d->cfg.access.evidence, sizeof(d->cfg.access.evidence), "%.1000s.evidence",
		    d->cfg.access.database);
	if (mkdir(d->cfg.access.evidence, 0700) != 0 && errno != EEXIST)
		return gm_errf(err, errlen, GM_EIO, "evidence folder %s: %s", d->cfg.access.evidence,
		    strerror(errno));
	if ((d->limit = signin_limit_new(d->cfg.access.address_failures)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	if (d->cfg.org[0] != '\0' && d->cfg.reports_dir[0] != '\0' &&
	    (d->runner = new_runner(&d->cfg)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	log_info("accounts: %s; sign-in needed for all but%s%s%s%s%s%s%s", d->cfg.access.database,
	    d->cfg.access.public[PAGE_OVERVIEW] ? " overview" : "",
	    d->cfg.access.public[PAGE_UNITS] ? " units" : "",
	    d->cfg.access.public[PAGE_METERS] ? " meters" : "",
	    d->cfg.access.public[PAGE_REPORTS] ? " reports" : "",
	    d->cfg.access.public[PAGE_API] ? " api" : "",
	    d->cfg.access.public[PAGE_METRICS] ? " metrics" : "", " the sign-in page");
	return GM_OK;
}

static bool notifying(const struct dash_config *c)
{
	return c->notify.line.on || c->notify.mail.on || c->notify.webhook.on;
}

static int start(struct dash *d, struct runner *r, char *err, size_t errlen)
{
	struct notify *n = NULL;
	char outbox[1100] = "";   /* beside the fault state: what is not sent yet */

	if (d->cfg.alert_state[0] != '\0')
		snprintf(outbox, sizeof(outbox), "%s.outbox", d->cfg.alert_state);
	if (d->cfg.rrdcached[0] != '\0' &&
	    (d->cached = rrdc_open(d->cfg.rrdcached, d->cfg.data_dir, err, errlen)) == NULL)
		return -1;
	if ((r->faults = faults_new(d->cfg.alert_state, d->cfg.alert_settle_s,
	    d->cfg.alert_remind_s)) == NULL || (d->pages = page_cache_new()) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	if (notifying(&d->cfg) && (n = notify_new(&d->cfg.notify, outbox, d->cfg.notify_retry_s,
	    err, errlen)) == NULL)
		return -1;
	if ((d->cfg.alert_command[0] || d->cfg.alert_topic[0] || n != NULL) &&
	    (r->alert = alert_new(d->cfg.alert_command, d->cfg.alert_topic, &d->cfg.mqtt, d->org, n,
	    err, errlen)) == NULL)
		return -1;
	return 0;
}

/* Files the dashboard itself keeps open beside its connections: RRD files
 * being read, the status file, the log, the listening socket, rrdcached. */
#define OWN_FILES 128

/* Room for max_connections sockets: raise the soft open-file limit toward
 * the hard one (systemd's default soft limit is 1024), else accept fewer
 * connections and say so. */
static void fd_room(struct dash_config *cfg)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)cfg->max_connections + OWN_FILES;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	int fit = rl.rlim_cur > OWN_FILES + 16 ? (int)(rl.rlim_cur - OWN_FILES) : 16;

	log_warn("open-file limit %lld: max_connections %d lowered to %d (raise the limit, "
	    "e.g. LimitNOFILE= in the service file)", (long long)rl.rlim_cur, cfg->max_connections,
	    fit);
	cfg->max_connections = fit;
	if (cfg->max_per_ip > fit)
		cfg->max_per_ip = fit;
}

/* HTTPS: the certificate and key files, read whole (at most 1 MiB each). */
static int read_tls(const struct dash_config *cfg, char **cert, char **key, char *err,
    size_t errlen)
{
	size_t len;

	*cert = *key = NULL;
	if (cfg->tls_cert[0] == '\0')
		return GM_OK;
	if (fileio_read_regular(cfg->tls_cert, 1 << 20, cert, &len, err, errlen) != GM_OK ||
	    fileio_read_regular(cfg->tls_key, 1 << 20, key, &len, err, errlen) != GM_OK)
		return GM_EIO;
	return GM_OK;
}

static struct http_server *listen_http(struct dash *d, char *err, size_t errlen)
{
	struct http_limits lim = { d->cfg.threads, d->cfg.max_connections, d->cfg.max_per_ip,
	    d->cfg.idle_timeout_s, NULL, NULL, d->cfg.access.evidence_max };
	struct http_server *s = NULL;
	char *cert, *key;

	if (lim.threads > lim.max_connections)
		lim.threads = lim.max_connections;
	if (read_tls(&d->cfg, &cert, &key, err, errlen) == GM_OK) {
		lim.tls_cert = cert;
		lim.tls_key = key;
		s = http_server_start(d->cfg.host, d->cfg.port, &lim, dash_routes_handle,
		    dash_routes_takes_form, d, err, errlen);
	}
	free(cert);
	if (key != NULL)
		memset(key, 0, strlen(key));
	free(key);
	return s;
}

static void run(struct dash *d, struct runner *r, struct http_server *srv)
{
	int64_t usage_due = 0;

	while (!stopping) {
		bool usage = mono_ms() >= usage_due;

		if (usage)
			usage_due = mono_ms() + (int64_t)(d->cfg.usage_every_s * 1000);
		scan_once(r, usage);
		publish_entries(r);
		http_server_tick(srv);   /* what clients caused, summed up once a minute */
		nap(d->cfg.scan_s);
	}
}

int main(int argc, char **argv)
{
	static struct dash d;
	struct runner r = { .d = &d };
	struct http_server *srv = NULL;
	pthread_t units;
	const char *file = NULL;
	bool check = false, have_units = false;
	struct account_cmd acc = { 0 };
	char err[512];
	int rc;

	log_init("gm-dashboard", GM_LOG_INFO);
	tz_set(TZ_DEFAULT);
	if ((rc = options(argc, argv, &d.cfg, &file, &check, &acc)) != 0)
		return rc == ASKED_HELP ? usage(stdout, 0) : rc == 2 ? usage(stderr, 2) : 1;
	if ((rc = load_org(&d)) != 0 || check || acc.verb != ACC_NONE) {
		if (rc == 0 && acc.verb != ACC_NONE)
			rc = account_cli_run(&d.cfg, d.org, &acc);
		free_org(&d);
		return rc;
	}
	/* data laid out by a newer greenmeter is not read as if it were ours */
	if (data_format_check(d.cfg.data_dir, false, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		free_org(&d);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	curl_global_init(CURL_GLOBAL_DEFAULT);   /* before any thread: it is not thread-safe */
	if (dash_init(&d, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		free_org(&d);
		return 3;
	}
	rc = 3;
	if (open_accounts(&d, err, sizeof(err)) != GM_OK || start(&d, &r, err, sizeof(err)) != 0) {
		log_err("%s", err);
		goto out;
	}
	scan_once(&r, true);   /* pages have something from the first request on */
	fd_room(&d.cfg);
	if ((srv = listen_http(&d, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		goto out;
	}
	log_info("listening on http%s://%s%s%s:%d/", d.cfg.tls_cert[0] ? "s" : "",
	    strchr(d.cfg.host, ':') ? "[" : "",
	    d.cfg.host, strchr(d.cfg.host, ':') ? "]" : "", d.cfg.port);
	have_units = d.org != NULL && pthread_create(&units, NULL, units_main, &d) == 0;
	run(&d, &r, srv);
	rc = 0;
out:
	stopping = 1;
	http_server_stop(srv);
	if (have_units)
		pthread_join(units, NULL);
	alert_free(r.alert, 5);
	faults_free(r.faults);
	page_cache_free(d.pages);
	rrdc_close(d.cached);
	free_org(&d);
	dash_fini(&d);
	curl_global_cleanup();
	return rc;
}
