/*
 * loadgen.c - the load and the stopwatch of bench/collector-mqtt.sh.
 *
 *   loadgen pub  -p PORT -f gm|collectd -M METERS -C CHANNELS -b BASE -k FIRST -n MINUTES [-w WINDOW]
 *       Prints "first_publish <unix time>" as it starts. Publish, at QoS 1, one reading per channel for each of MINUTES simulated
 *       minutes starting at minute FIRST (reading time BASE + 60 * minute),
 *       minute by minute, with at most WINDOW messages unacknowledged; returns
 *       once the broker has acknowledged every one. gm: the wire contract,
 *       greenmeter/v1/bench/mNNNN/cK {"t":..,"v":..,"unit":"kWh","kind":
 *       "counter","seq":minute + 1}; collectd: its mqtt plugin's format,
 *       collectd/bench/meter-mNNNN/energy-cK "<time>:<value>". Values rise by
 *       0.25 a minute (exact in binary and in decimal).
 *
 *   loadgen wait -f gm|collectd -d DATADIR -M METERS -C CHANNELS -T FINAL
 *                [-s RRDCACHED] [-P PID,PID...] [-l LIMIT_S]
 *       Wait until the last update of every channel's RRD file is FINAL (read
 *       from the file's header, taking no lock). With -s (rrdcached's unix
 *       socket): first wait until rrdcached holds every file's value at FINAL
 *       (PENDING <file>: the storers differ in how many values they send an
 *       UPDATE, so STATS UpdatesReceived cannot tell), then send it
 *       FLUSHALL, then wait for the files. Prints one line per
 *       event, "event unix_time pid:cpu_ticks:vmhwm_kb ...", for the PIDs
 *       given: "received" (rrdcached has every update), "exist" (every
 *       file has its header), "complete" (every file holds FINAL), or
 *       "timeout N" (N files did not within LIMIT_S). With -q QUIET_S:
 *       "settled_missing N" and "settled" (at the time the PIDs were last
 *       busy) when they used no CPU for QUIET_S with N files short of FINAL.
 *
 *   loadgen check -f gm|collectd -d DATADIR -M METERS -C CHANNELS -b BASE -k FIRST -n MINUTES
 *       Look for every reading pub sent in its file: the row of minute k in
 *       the archive of one step a row (AVERAGE) of data source "value" must
 *       hold the value sent for minute k. Prints "files F at_final A
 *       readings R stored S lost L" and the first problems on stderr.
 *
 *   loadgen sub -p PORT -i CLIENT_ID -N COUNT
 *       Drain COUNT messages queued for the persistent session CLIENT_ID
 *       with paho and a callback that only counts them: paho's delivery
 *       rate, the ceiling of any paho subscriber (gm-collector's too).
 *       Prints "last_message <unix time>" when the COUNT-th has come.
 *
 * Built by the benchmark script itself: cc -O2 loadgen.c -lpaho-mqtt3a.
 * rrdcached is spoken to directly (PENDING, FLUSHALL): librrd 1.7 does not
 * export rrdc_flushall(). Only rrd.h's file format structs are used.
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <MQTTAsync.h>
/* the file format's structs, to read a header without librrd (below) */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

static void die(const char *msg)
{
	fprintf(stderr, "loadgen: %s\n", msg);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* --- pub ------------------------------------------------------------------ */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long outstanding, acked, failed;
static int connected;   /* 1 up, -1 refused */

static void on_connect(void *ctx, MQTTAsync_successData *r)
{
	(void)ctx;
	(void)r;
	pthread_mutex_lock(&lock);
	connected = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData *r)
{
	(void)ctx;
	(void)r;
	pthread_mutex_lock(&lock);
	connected = -1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_acked(void *ctx, MQTTAsync_successData *r)
{
	(void)ctx;
	(void)r;
	pthread_mutex_lock(&lock);
	outstanding--;
	acked++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_not_acked(void *ctx, MQTTAsync_failureData *r)
{
	(void)ctx;
	(void)r;
	pthread_mutex_lock(&lock);
	outstanding--;
	failed++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static long arrived;

static int msg_arrived(void *ctx, char *topic, int len, MQTTAsync_message *m)
{
	(void)ctx;
	(void)len;
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	pthread_mutex_lock(&lock);
	arrived++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return 1;
}

/* --- sub ------------------------------------------------------------------ */

/* paho's own delivery rate: the persistent session client_id (made and
 * filled beforehand) drained by a callback that does nothing but count, so
 * acknowledged as soon as it arrives. The ceiling of any paho subscriber,
 * gm-collector included. Prints "received N in S s: R/s". */
static int drain(int port, const char *client_id, long n)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	MQTTAsync client;
	char uri[64];
	double t0;

	snprintf(uri, sizeof(uri), "tcp://127.0.0.1:%d", port);
	if (MQTTAsync_create(&client, uri, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL) !=
	    MQTTASYNC_SUCCESS ||
	    MQTTAsync_setCallbacks(client, NULL, NULL, msg_arrived, NULL) != MQTTASYNC_SUCCESS)
		die("cannot make the MQTT client");
	co.cleansession = 0;   /* the session, and its queue, made beforehand */
	co.keepAliveInterval = 60;
	co.onSuccess = on_connect;
	co.onFailure = on_connect_fail;
	t0 = now_s();
	if (MQTTAsync_connect(client, &co) != MQTTASYNC_SUCCESS)
		die("cannot connect");
	pthread_mutex_lock(&lock);
	while (arrived < n && connected >= 0)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (connected < 0)
		die("connect refused");
	printf("last_message %.6f\n", now_s());   /* the end-to-end clock's stop */
	printf("received %ld in %.3f s: %.0f/s\n", arrived, now_s() - t0,
	    (double)arrived / (now_s() - t0));
	MQTTAsync_disconnect(client, NULL);
	pause_ms(100);
	MQTTAsync_destroy(&client);
	return 0;
}

static int publish(int port, int gm, int meters, int channels, long base, int first,
    int minutes, int window)
{
	MQTTAsync client;
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	char uri[64], id[64], topic[128], payload[160];
	double t0;
	long total = (long)meters * channels * minutes;

	snprintf(uri, sizeof(uri), "tcp://127.0.0.1:%d", port);
	snprintf(id, sizeof(id), "bench-pub-%d", (int)getpid());
	if (MQTTAsync_create(&client, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL) !=
	    MQTTASYNC_SUCCESS)
		die("cannot create the MQTT client");
	MQTTAsync_setCallbacks(client, NULL, NULL, msg_arrived, NULL);
	co.keepAliveInterval = 60;
	co.cleansession = 1;
	co.maxInflight = window;
	co.onSuccess = on_connect;
	co.onFailure = on_connect_fail;
	if (MQTTAsync_connect(client, &co) != MQTTASYNC_SUCCESS)
		die("cannot connect");
	pthread_mutex_lock(&lock);
	while (connected == 0)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (connected < 0)
		die("the broker refused the connection");

	t0 = now_s();
	printf("first_publish %.6f\n", t0);   /* the end-to-end clock's start */
	fflush(stdout);
	for (int k = first; k < first + minutes; k++) {
		long t = base + 60L * k;

		for (int m = 0; m < meters; m++) {
			for (int c = 0; c < channels; c++) {
				MQTTAsync_message msg = MQTTAsync_message_initializer;
				MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
				double v = 1000 + (m * channels + c) + 0.25 * k;
				int n, rc;

				if (gm) {
					snprintf(topic, sizeof(topic), "greenmeter/v1/bench/m%04d/c%d", m, c);
					n = snprintf(payload, sizeof(payload), "{\"t\":%ld,\"v\":%.2f,"
					    "\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":%d}", t, v, k + 1);
				} else {
					snprintf(topic, sizeof(topic), "collectd/bench/meter-m%04d/energy-c%d",
					    m, c);
					n = snprintf(payload, sizeof(payload), "%ld:%.2f", t, v);
				}
				msg.payload = payload;
				msg.payloadlen = n;
				msg.qos = 1;
				ro.onSuccess = on_acked;
				ro.onFailure = on_not_acked;
				pthread_mutex_lock(&lock);
				while (outstanding >= window)
					pthread_cond_wait(&cond, &lock);
				outstanding++;
				pthread_mutex_unlock(&lock);
				while ((rc = MQTTAsync_sendMessage(client, topic, &msg, &ro)) ==
				    MQTTASYNC_MAX_BUFFERED_MESSAGES)
					pause_ms(1);
				if (rc != MQTTASYNC_SUCCESS)
					die("publish failed");
			}
		}
	}
	pthread_mutex_lock(&lock);
	while (outstanding > 0)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("published %ld messages in %.3f s, %ld acknowledged, %ld failed\n", total,
	    now_s() - t0, acked, failed);
	{
		MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;

		d.timeout = 2000;
		MQTTAsync_disconnect(client, &d);
		pause_ms(100);
	}
	MQTTAsync_destroy(&client);
	return failed == 0 && acked == total ? 0 : 1;
}

/* --- wait ----------------------------------------------------------------- */

/* An RRD file's last update, whole seconds, read from its header; -1 if it
 * cannot be read. Not librrd's rrd_last_r(): that takes the file's lock, and
 * a writer that finds the lock taken fails ("could not lock RRD"). */
static long file_last(const char *path)
{
	stat_head_t st;
	live_head_t live;
	long last = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (pread(fd, &st, sizeof(st), 0) == (ssize_t)sizeof(st) &&
	    memcmp(st.cookie, RRD_COOKIE, 4) == 0 && st.ds_cnt > 0 && st.ds_cnt < 10000 &&
	    st.rra_cnt > 0 && st.rra_cnt < 10000) {
		off_t at = (off_t)(sizeof(st) + st.ds_cnt * sizeof(ds_def_t) +
		    st.rra_cnt * sizeof(rra_def_t));

		if (pread(fd, &live, sizeof(live), at) == (ssize_t)sizeof(live))
			last = (long)live.last_up;
	}
	close(fd);
	return last;
}

/* "pid:ticks:hwm" for each pid: utime + stime (all threads) and VmHWM. */
static void print_procs(const char *pids)
{
	char list[512], *save = NULL;

	if (pids == NULL)
		return;
	snprintf(list, sizeof(list), "%s", pids);
	for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char path[64], buf[2048], *s;
		unsigned long long ut = 0, st = 0;
		long hwm = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/stat", p);
		if ((f = fopen(path, "r")) != NULL) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			buf[n] = '\0';
			fclose(f);
			/* after the ")" closing the name: field 3 (state) onwards */
			if ((s = strrchr(buf, ')')) != NULL)
				sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				    &ut, &st);
		}
		snprintf(path, sizeof(path), "/proc/%s/status", p);
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(buf, sizeof(buf), f))
				if (sscanf(buf, "VmHWM: %ld", &hwm) == 1)
					break;
			fclose(f);
		}
		printf(" %s:%llu:%ld", p, ut + st, hwm);
	}
}

static void event_at(const char *what, double t, const char *pids)
{
	printf("%s %.6f", what, t);
	print_procs(pids);
	printf("\n");
	fflush(stdout);
}

/* utime + stime of the PIDs, summed */
static unsigned long long procs_ticks(const char *pids)
{
	char list[512], *save = NULL;
	unsigned long long sum = 0;

	if (pids == NULL)
		return 0;
	snprintf(list, sizeof(list), "%s", pids);
	for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char path[64], buf[2048], *s;
		unsigned long long ut = 0, st = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/stat", p);
		if ((f = fopen(path, "r")) != NULL) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			buf[n] = '\0';
			fclose(f);
			if ((s = strrchr(buf, ')')) != NULL &&
			    sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			    &ut, &st) == 2)
				sum += ut + st;
		}
	}
	return sum;
}

static void event(const char *what, const char *pids)
{
	printf("%s %.6f", what, now_s());
	print_procs(pids);
	printf("\n");
	fflush(stdout);
}

/* rrdcached's text protocol on its unix socket: one command, its answer. */
static FILE *daemon_open(const char *addr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("cannot connect to rrdcached");
	return fdopen(fd, "r+");
}

/* Send cmd; the answer's first line is "N message", N lines follow (N < 0:
 * an error). Returns the value of the line "name: value", or -1. */
static long daemon_cmd(FILE *f, const char *cmd, const char *name)
{
	char line[512];
	long n, v = -1;
	size_t len = name ? strlen(name) : 0;

	fprintf(f, "%s\n", cmd);
	fflush(f);
	if (fgets(line, sizeof(line), f) == NULL)
		die("rrdcached closed the connection");
	n = atol(line);
	if (n < 0) {
		fprintf(stderr, "loadgen: rrdcached: %s", line);
		return -1;
	}
	for (long i = 0; i < n && fgets(line, sizeof(line), f) != NULL; i++) {
		if (name && strncmp(line, name, len) == 0 && line[len] == ':')
			v = atol(line + len + 1);
	}
	return name ? v : 0;
}

/* Whether rrdcached holds a value for the file at time `final`: its PENDING
 * list has a line "<final>:..." or "<final>.<ms>:...". The storers name
 * files by absolute path, as here. */
static bool daemon_has(FILE *f, const char *path, long final)
{
	char line[512], want[32];
	size_t wl = (size_t)snprintf(want, sizeof(want), "%ld", final);
	bool has = false;
	long n;

	fprintf(f, "PENDING %s\n", path);
	fflush(f);
	if (fgets(line, sizeof(line), f) == NULL)
		die("rrdcached closed the connection");
	n = atol(line);   /* < 0: nothing pending (or not known) */
	for (long k = 0; k < n && fgets(line, sizeof(line), f) != NULL; k++)
		if (strncmp(line, want, wl) == 0 && (line[wl] == ':' || line[wl] == '.'))
			has = true;
	return has;
}

/* "exist" once every file has a readable header (made by the storer or
 * its daemon); *e: the first file that had none at the last look, n + 1
 * once said. */
static void look_exist(char **files, long n, long *e, const char *pids)
{
	if (*e > n)
		return;
	while (*e < n && file_last(files[*e]) >= 0)
		(*e)++;
	if (*e == n) {
		event("exist", pids);
		*e = n + 1;
	}
}

/* -q: the storers idle (at most 2 ticks of CPU in a second) for quiet_s
 * while the first file short of the final reading stayed the same: they
 * will not write it (a reading lost). busy_at: when they were last busy or
 * that file changed, the time "settled" reports. */
struct idle {
	long seen;
	unsigned long long ticks;
	double busy_at, look;
};

static void idle_start(struct idle *w, const char *pids)
{
	w->seen = -1;
	w->ticks = procs_ticks(pids);
	w->busy_at = w->look = now_s();
}

static bool idle_too_long(struct idle *w, long i, const char *pids, int quiet_s)
{
	if (i != w->seen) {
		w->seen = i;
		w->busy_at = now_s();
	}
	if (quiet_s > 0 && now_s() - w->look >= 1) {
		unsigned long long t = procs_ticks(pids);

		if (t > w->ticks + 2)
			w->busy_at = now_s();
		w->ticks = t;
		w->look = now_s();
		return now_s() - w->busy_at >= quiet_s;
	}
	return false;
}

static int wait_files(int gm, const char *dir, int meters, int channels, long final,
    const char *sock, const char *pids, int limit_s, int quiet_s)
{
	long n = (long)meters * channels, i = 0, e = 0;
	char **files = calloc((size_t)n, sizeof(*files));
	double until = now_s() + limit_s;

	if (files == NULL)
		die("out of memory");
	for (int m = 0; m < meters; m++) {
		for (int c = 0; c < channels; c++) {
			char path[PATH_MAX + 64];

			if (gm)
				snprintf(path, sizeof(path), "%s/bench/m%04d/c%d.rrd", dir, m, c);
			else
				snprintf(path, sizeof(path), "%s/bench/meter-m%04d/energy-c%d.rrd", dir,
				    m, c);
			if ((files[m * channels + c] = strdup(path)) == NULL)
				die("out of memory");
		}
	}
	struct idle idle;

	idle_start(&idle, pids);
	if (sock != NULL) {
		FILE *d = daemon_open(sock);

		/* every file's final value handed to rrdcached, in about the
		 * order the files were written, as below */
		while (i < n) {
			look_exist(files, n, &e, pids);
			if (daemon_has(d, files[i], final) || file_last(files[i]) == final) {
				i++;
				continue;
			}
			if (idle_too_long(&idle, i, pids, quiet_s)) {
				long missing = 0;

				for (long j = i; j < n; j++)
					missing += !daemon_has(d, files[j], final) &&
					    file_last(files[j]) != final;
				printf("settled_missing %ld\n", missing);
				event_at("settled", idle.busy_at, pids);
				return 1;
			}
			if (now_s() > until) {
				printf("timeout_received %ld\n", n - i);
				return 1;
			}
			pause_ms(50);
		}
		i = 0;
		idle_start(&idle, pids);
		event("received", pids);
		if (daemon_cmd(d, "FLUSHALL", NULL) != 0)
			die("FLUSHALL failed");
		fclose(d);
	}
	/* Files complete in roughly the order written: keep the first one
	 * not yet complete and look only from there. The same for the first
	 * file that does not exist yet (no readable header): "exist" is when
	 * every channel has its file (fresh channels: made by the storer). */
	while (i < n) {
		if (idle_too_long(&idle, i, pids, quiet_s)) {
			long missing = 0;

			for (long j = i; j < n; j++)
				missing += file_last(files[j]) != final;
			printf("settled_missing %ld\n", missing);
			event_at("settled", idle.busy_at, pids);
			return 1;
		}
		if (e < i)
			e = i;   /* complete files exist */
		look_exist(files, n, &e, pids);
		if (file_last(files[i]) == final) {
			i++;
			continue;
		}
		if (now_s() > until) {
			long missing = 0;

			for (long j = i; j < n; j++)
				missing += file_last(files[j]) != final;
			printf("timeout %ld\n", missing);
			return 1;
		}
		pause_ms(50);
	}
	if (e <= n)
		event("exist", pids);   /* every file was complete at the first look */
	event("complete", pids);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return 0;
}

/* --- check ---------------------------------------------------------------- */

/* Every reading of the load in its file, row by row: the value data source
 * ("value", both storers' name for it) of the archive of one step a row
 * (AVERAGE) must hold, for minute k, the value sent for minute k. A reading
 * lost or stored twice shows: a GAUGE spreads the next reading over the
 * gap, so the row would hold the next minute's value. The first minute's
 * row is unknown in a file made by that reading (an RRD knows nothing
 * before its start), so reading FIRST counts as stored when its file
 * exists and is at or past it; a row that holds it counts too.
 * Reads the files itself, taking no lock, like wait. Returns the readings
 * found stored. */
static long check_file(const char *path, long channel, long base, int first, int minutes,
    long *wrong, int *at_final, char *why, size_t whylen)
{
	stat_head_t st;
	live_head_t live;
	ds_def_t *ds = NULL;
	rra_def_t *rra = NULL;
	rra_ptr_t *ptr = NULL;
	long stored = 0, final = base + 60L * (first + minutes - 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t at, data;
	unsigned long dsi = 0, ri, r;

	*at_final = 0;
	if (fd < 0) {
		snprintf(why, whylen, "no file");
		return 0;
	}
	if (pread(fd, &st, sizeof(st), 0) != (ssize_t)sizeof(st) ||
	    memcmp(st.cookie, RRD_COOKIE, 4) != 0 || st.ds_cnt < 1 || st.ds_cnt > 100 ||
	    st.rra_cnt < 1 || st.rra_cnt > 100 || strcmp(st.version, RRD_VERSION3) < 0) {
		snprintf(why, whylen, "not an RRD of version 3 or later");
		goto out;
	}
	ds = calloc(st.ds_cnt, sizeof(*ds));
	rra = calloc(st.rra_cnt, sizeof(*rra));
	ptr = calloc(st.rra_cnt, sizeof(*ptr));
	if (ds == NULL || rra == NULL || ptr == NULL)
		die("out of memory");
	at = (off_t)sizeof(st);
	if (pread(fd, ds, st.ds_cnt * sizeof(*ds), at) != (ssize_t)(st.ds_cnt * sizeof(*ds)))
		goto short_file;
	at += (off_t)(st.ds_cnt * sizeof(*ds));
	if (pread(fd, rra, st.rra_cnt * sizeof(*rra), at) != (ssize_t)(st.rra_cnt * sizeof(*rra)))
		goto short_file;
	at += (off_t)(st.rra_cnt * sizeof(*rra));
	if (pread(fd, &live, sizeof(live), at) != (ssize_t)sizeof(live))
		goto short_file;
	at += (off_t)(sizeof(live) + st.ds_cnt * sizeof(pdp_prep_t) +
	    st.rra_cnt * st.ds_cnt * sizeof(cdp_prep_t));
	if (pread(fd, ptr, st.rra_cnt * sizeof(*ptr), at) != (ssize_t)(st.rra_cnt * sizeof(*ptr)))
		goto short_file;
	data = at + (off_t)(st.rra_cnt * sizeof(*ptr));
	*at_final = (long)live.last_up == final;
	for (unsigned long d = 0; d < st.ds_cnt; d++)
		if (strcmp(ds[d].ds_nam, "value") == 0)
			dsi = d;
	for (ri = 0; ri < st.rra_cnt; ri++) {
		if (rra[ri].pdp_cnt == 1 && strcmp(rra[ri].cf_nam, "AVERAGE") == 0)
			break;
		data += (off_t)(rra[ri].row_cnt * st.ds_cnt * sizeof(double));
	}
	if (ri == st.rra_cnt) {
		snprintf(why, whylen, "no AVERAGE archive of one step a row");
		goto out;
	}
	/* the archive's newest row ends at the last update, floored to the step */
	{
		long end = (long)live.last_up - (long)live.last_up % (long)st.pdp_step;
		long step = (long)st.pdp_step;

		for (int k = first; k < first + minutes; k++) {
			long t = base + 60L * k, back = (end - t) / step;
			double v = 1000 + channel + 0.25 * k, got = NAN;
			bool ok = false;

			if (t <= end && (end - t) % step == 0 && back < (long)rra[ri].row_cnt) {
				r = (ptr[ri].cur_row + rra[ri].row_cnt - (unsigned long)back) % rra[ri].row_cnt;
				if (pread(fd, &got, sizeof(got), data + (off_t)((r * st.ds_cnt + dsi) *
				    sizeof(double))) == (ssize_t)sizeof(got))
					ok = got > v - 1e-6 && got < v + 1e-6;
			}
			if (!ok && k == first && (long)live.last_up >= t)
				ok = true;   /* the reading that made the file */
			if (ok) {
				stored++;
			} else {
				if (*wrong == 0)
					snprintf(why, whylen, "minute %d: the row holds %.2f, sent %.2f", k,
					    got, v);
				(*wrong)++;
			}
		}
	}
	goto out;
short_file:
	snprintf(why, whylen, "cut short");
out:
	free(ds);
	free(rra);
	free(ptr);
	close(fd);
	return stored;
}

/* Prints "files F at_final A readings R stored S lost L" and the first
 * few problems; returns 0 when every reading is stored and every file at
 * the final reading. */
static int check_files(int gm, const char *dir, int meters, int channels, long base, int first,
    int minutes)
{
	long n = (long)meters * channels, stored = 0, wrong = 0, final_n = 0, files = 0, shown = 0;

	for (int m = 0; m < meters; m++) {
		for (int c = 0; c < channels; c++) {
			char path[PATH_MAX + 64], why[128] = "";
			long w = 0, s;
			int fin;

			if (gm)
				snprintf(path, sizeof(path), "%s/bench/m%04d/c%d.rrd", dir, m, c);
			else
				snprintf(path, sizeof(path), "%s/bench/meter-m%04d/energy-c%d.rrd", dir,
				    m, c);
			s = check_file(path, (long)m * channels + c, base, first, minutes, &w, &fin,
			    why, sizeof(why));
			files += access(path, F_OK) == 0;
			final_n += fin;
			stored += s;
			wrong += w;
			if ((w > 0 || why[0] != '\0' || !fin) && shown++ < 5)
				fprintf(stderr, "loadgen: %s: %s%s\n", path, why[0] ? why : "",
				    fin ? "" : " (not at the final reading)");
		}
	}
	printf("files %ld at_final %ld readings %ld stored %ld lost %ld\n", files, final_n,
	    n * minutes, stored, n * minutes - stored);
	return stored == n * minutes && final_n == n ? 0 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: loadgen pub -p PORT -f gm|collectd -M METERS -C CHANNELS "
	    "-b BASE -k FIRST -n MINUTES [-w WINDOW]\n"
	    "       loadgen wait -f gm|collectd -d DATADIR -M METERS -C CHANNELS -T FINAL "
	    "[-s RRDCACHED] [-P PIDS] [-l LIMIT_S] [-q QUIET_S]\n"
	    "       loadgen sub -p PORT -i CLIENT_ID -N COUNT\n"
	    "       loadgen check -f gm|collectd -d DATADIR -M METERS -C CHANNELS -b BASE "
	    "-k FIRST -n MINUTES\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *fmt = "gm", *dir = NULL, *sock = NULL, *pids = NULL, *client_id = NULL;
	long count = 0;
	int port = 0, meters = 0, channels = 0, first = 0, minutes = 0, window = 500;
	int limit = 600, quiet = 0, c;
	long base = 0, final = 0;
	char real[PATH_MAX];

	if (argc < 2)
		return usage();
	optind = 2;
	while ((c = getopt(argc, argv, "p:f:M:C:b:k:n:w:d:T:s:P:l:i:N:q:")) != -1) {
		switch (c) {
		case 'p': port = atoi(optarg); break;
		case 'f': fmt = optarg; break;
		case 'M': meters = atoi(optarg); break;
		case 'C': channels = atoi(optarg); break;
		case 'b': base = atol(optarg); break;
		case 'k': first = atoi(optarg); break;
		case 'n': minutes = atoi(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 'd': dir = optarg; break;
		case 'T': final = atol(optarg); break;
		case 's': sock = optarg; break;
		case 'P': pids = optarg; break;
		case 'l': limit = atoi(optarg); break;
		case 'i': client_id = optarg; break;
		case 'N': count = atol(optarg); break;
		case 'q': quiet = atoi(optarg); break;
		default: return usage();
		}
	}
	if (strcmp(argv[1], "sub") != 0 && (meters < 1 || channels < 1 ||
	    (strcmp(fmt, "gm") != 0 && strcmp(fmt, "collectd") != 0)))
		return usage();
	if (strcmp(argv[1], "sub") == 0 && port > 0 && client_id != NULL && count > 0)
		return drain(port, client_id, count);
	if (strcmp(argv[1], "pub") == 0 && port > 0 && base > 0 && minutes > 0 && window > 0)
		return publish(port, strcmp(fmt, "gm") == 0, meters, channels, base, first, minutes,
		    window);
	if (strcmp(argv[1], "check") == 0 && dir != NULL && base > 0 && minutes > 0)
		return check_files(strcmp(fmt, "gm") == 0, dir, meters, channels, base, first,
		    minutes);
	/* rrdcached knows the files by the absolute path the storers give */
	if (strcmp(argv[1], "wait") == 0 && dir != NULL && final > 0 &&
	    realpath(dir, real) != NULL)
		return wait_files(strcmp(fmt, "gm") == 0, real, meters, channels, final, sock,
		    pids, limit, quiet);
	return usage();
}
