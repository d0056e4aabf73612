/* sim_server.c - what the simulated meters show: one value, a history, or live over Modbus TCP. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include "err.h"
#include "log.h"
#include "payload.h"
#include "sim_server.h"
#include "timeutil.h"

#define LISTEN_BACKLOG 32

/* One meter behind the gateway, found by its unit id. */
struct slot {
	const struct sim_meter *meter;  /* NULL: nobody answers this unit */
	modbus_mapping_t *map;
};

struct server {
	const struct sim_config *cfg;
	double freeze;
	modbus_t *ctx;                   /* framing only: each client's fd is set in turn */
	int listen_fd;
	fd_set clients;
	int fdmax;
	struct slot units[SIM_UNIT_MAX + 1];
};

struct channel_def simsrv_channel(const struct sim_meter *m, int i)
{
	struct channel_def ch = m->model->channels[i];

	ch.scale = m->scale[i];
	return ch;
}

double simsrv_truth(const struct sim_meter *m, const struct channel_def *ch, double t)
{
	switch (ch->sim) {
	case SIM_COUNTER: return profile_counter(&m->profile, t) * ch->sim_scale;
	case SIM_RATE: return profile_rate(&m->profile, t) * ch->sim_scale;
	case SIM_CONSTANT: return ch->sim_scale;
	}
	return 0;
}

double simsrv_shown(const struct sim_meter *m, const struct channel_def *ch, double t)
{
	uint16_t regs[REG_MAX_WORDS];

	devmap_encode(ch, simsrv_truth(m, ch, t), regs);
	return devmap_value(ch, regs);
}

static int put_batch(FILE *out, struct payload_meta *meta, const struct point *pts,
    size_t n)
{
	char *json;
	int ok;

	meta->seq++;
	if ((json = payload_encode(meta, pts, n)) == NULL)
		return GM_ENOMEM;
	ok = fputs(json, out) >= 0 && fputc('\n', out) != EOF;
	free(json);
	return ok ? GM_OK : GM_EIO;
}

int simsrv_history(FILE *out, const struct sim_meter *m, const struct channel_def *ch,
    double from, double to, double step)
{
	struct point pts[SIMSRV_BATCH];
	struct payload_meta meta = { .kind = ch->kind, .wrap = devmap_wrap(ch) };
	size_t n = 0;
	int rc = GM_OK;

	strcpy(meta.unit, ch->unit);
	for (uint64_t i = 0; rc == GM_OK; i++) {
		double t = from + (double)i * step;   /* not t += step: no drift */
		if (t >= to)
			break;
		pts[n].t = t;
		pts[n].v = simsrv_shown(m, ch, t);
		if (++n == SIMSRV_BATCH) {
			rc = put_batch(out, &meta, pts, n);
			n = 0;
		}
	}
	if (n > 0 && rc == GM_OK)
		rc = put_batch(out, &meta, pts, n);
	if (fflush(out) != 0)
		rc = GM_EIO;
	return rc;
}

/* The registers of one function (3 or 4) the model uses: [*start, *start + *n). */
static void span(const struct device_model *model, int function, int *start, int *n)
{
	int lo = 65536, hi = 0;

	for (int i = 0; i < model->nchannels; i++) {
		const struct channel_def *ch = &model->channels[i];
		if (ch->function != function)
			continue;
		if (ch->address < lo)
			lo = ch->address;
		if (ch->address + reg_words(ch->type) > hi)
			hi = ch->address + reg_words(ch->type);
	}
	*start = hi > 0 ? lo : 0;
	*n = hi > 0 ? hi - lo : 0;
}

/* Exactly the model's span, so libmodbus answers anything outside it with
 * ILLEGAL DATA ADDRESS, as the real meter does. */
static modbus_mapping_t *map_model(const struct device_model *model)
{
	int hold_start, hold_n, in_start, in_n;

	span(model, 3, &hold_start, &hold_n);
	span(model, 4, &in_start, &in_n);
	return modbus_mapping_new_start_address(0, 0, 0, 0, (unsigned)hold_start,
	    (unsigned)hold_n, (unsigned)in_start, (unsigned)in_n);
}

/* Write every channel's value at time t into the meter's registers. */
static void fill(const struct slot *s, double t)
{
	const struct sim_meter *m = s->meter;

	for (int i = 0; i < m->model->nchannels; i++) {
		struct channel_def ch = simsrv_channel(m, i);
		uint16_t *regs = ch.function == 3 ?
		    s->map->tab_registers + (ch.address - s->map->start_registers) :
		    s->map->tab_input_registers + (ch.address - s->map->start_input_registers);
		devmap_encode(&ch, simsrv_truth(m, &ch, t), regs);
	}
}

/* "host:port", with brackets round an IPv6 host, for messages. */
static const char *where(const struct sim_config *cfg)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), strchr(cfg->host, ':') ? "[%s]:%d" : "%s:%d", cfg->host,
	    cfg->port);
	return buf;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void drop_client(struct server *s, int fd)
{
	log_debug("client fd %d: disconnected (%s)", fd, modbus_strerror(errno));
	close(fd);
	FD_CLR(fd, &s->clients);
}

static void accept_client(struct server *s)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
	int fd = accept(s->listen_fd, (struct sockaddr *)&addr, &len);

	if (fd < 0) {
		log_warn("accept on %s: %s", where(s->cfg), strerror(errno));
		return;
	}
	getnameinfo((struct sockaddr *)&addr, len, host, sizeof(host), port, sizeof(port),
	    NI_NUMERICHOST | NI_NUMERICSERV);
	if (fd >= FD_SETSIZE) {
		log_warn("client %s:%s: too many connections, refused", host, port);
		close(fd);
		return;
	}
	log_debug("client fd %d: connected from %s:%s", fd, host, port);
	FD_SET(fd, &s->clients);
	if (fd > s->fdmax)
		s->fdmax = fd;
}

/* One request from one client. A unit nobody is configured for gets no
 * reply at all, like a gateway whose RS485 target does not answer. */
static void serve_request(struct server *s, int fd)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	const struct slot *slot;
	int n, unit;

	modbus_set_socket(s->ctx, fd);
	if ((n = modbus_receive(s->ctx, req)) <= 0) {
		if (n < 0)
			drop_client(s, fd);
		return;
	}
	unit = req[modbus_get_header_length(s->ctx) - 1];
	slot = unit <= SIM_UNIT_MAX ? &s->units[unit] : NULL;
	if (slot == NULL || slot->meter == NULL) {
		log_debug("client fd %d: unit %d: no such meter, no reply", fd, unit);
		return;
	}
	fill(slot, s->freeze > 0 ? s->freeze : now_wall());
	/* A blocking sleep is right: a real RS485 bus serialises requests too. */
	if (s->cfg->latency_ms > 0)
		sleep_ms(s->cfg->latency_ms);
	modbus_set_slave(s->ctx, unit);
	if (modbus_reply(s->ctx, req, n, slot->map) < 0)
		drop_client(s, fd);
}

static int server_open(struct server *s, char *err, size_t errlen)
{
	char port[16];

	for (int i = 0; i < s->cfg->nmeters; i++) {
		const struct sim_meter *m = &s->cfg->meters[i];
		struct slot *slot = &s->units[m->unit];
		slot->meter = m;
		if ((slot->map = map_model(m->model)) == NULL)
			return gm_errf(err, errlen, GM_ENOMEM, "meter %s: registers: %s", m->id,
			    modbus_strerror(errno));
	}
	snprintf(port, sizeof(port), "%d", s->cfg->port);
	if ((s->ctx = modbus_new_tcp_pi(s->cfg->host, port)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "modbus context: %s",
		    modbus_strerror(errno));
	if ((s->listen_fd = modbus_tcp_pi_listen(s->ctx, LISTEN_BACKLOG)) < 0)
		return gm_errf(err, errlen, GM_EIO, "cannot listen on %s: %s", where(s->cfg),
		    modbus_strerror(errno));
	if (s->listen_fd >= FD_SETSIZE)
		return gm_errf(err, errlen, GM_EIO, "listening socket %d is beyond FD_SETSIZE",
		    s->listen_fd);
	s->fdmax = s->listen_fd;
	return GM_OK;
}

static void server_close(struct server *s)
{
	for (int fd = 0; fd <= s->fdmax; fd++) {
		if (FD_ISSET(fd, &s->clients))
			close(fd);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->ctx != NULL)
		modbus_free(s->ctx);   /* not modbus_close: its socket was a client's */
	for (int u = 0; u <= SIM_UNIT_MAX; u++) {
		if (s->units[u].map != NULL)
			modbus_mapping_free(s->units[u].map);
	}
}

/* Serve whatever is ready; returns early when a signal interrupts the wait. */
static int serve_ready(struct server *s, const sigset_t *waitmask, char *err,
    size_t errlen)
{
	fd_set ready = s->clients;

	FD_SET(s->listen_fd, &ready);
	if (pselect(s->fdmax + 1, &ready, NULL, NULL, NULL, waitmask) < 0) {
		if (errno == EINTR)
			return GM_OK;
		return gm_errf(err, errlen, GM_EIO, "select: %s", strerror(errno));
	}
	for (int fd = 0; fd <= s->fdmax; fd++) {
		if (!FD_ISSET(fd, &ready))
			continue;
		if (fd == s->listen_fd)
			accept_client(s);
		else
			serve_request(s, fd);
	}
	return GM_OK;
}

int simsrv_run(const struct sim_config *cfg, double freeze, volatile sig_atomic_t *stop,
    char *err, size_t errlen)
{
	struct server s = { .cfg = cfg, .freeze = freeze, .listen_fd = -1 };
	sigset_t block, waitmask;
	int rc;

	FD_ZERO(&s.clients);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	if ((rc = server_open(&s, err, errlen)) == GM_OK) {
		log_info("serving %d meters on %s", cfg->nmeters, where(cfg));
		while (!*stop && rc == GM_OK)
			rc = serve_ready(&s, &waitmask, err, errlen);
		if (rc == GM_OK)
			log_info("stopping");
	}
	server_close(&s);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
	return rc;
}
