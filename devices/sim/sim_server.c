/* sim_server.c - what the simulated meters show: one value, a history, or live over Modbus TCP or RTU. */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include "gm_err.h"
#include "log.h"
#include "payload.h"
#include "rtu_frame.h"
#include "rtu_time.h"
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
	struct simsrv_switches *sw;
	bool dead;                       /* sw->dead as last logged */
	/* TCP: framing only, each client's fd is set in turn. RTU: the serial
	 * port, for its settings and for modbus_reply's writes; requests are
	 * read by rtu_frame. */
	modbus_t *ctx;
	int listen_fd;                   /* TCP, else -1 */
	struct rtu_line line;            /* RTU: line.fd, else -1 */
	fd_set clients;                  /* TCP */
	int fdmax;
	struct slot units[SIM_UNIT_MAX + 1];
};

struct channel_def sim_server_channel(const struct sim_meter *m, int i)
{
	struct channel_def ch = m->model->channels[i];

	ch.scale = m->scale[i];
	return ch;
}

/* The count of the meter in place at t: a reset fault restarts it from 0
 * at its start. */
static double own_count(const struct sim_meter *m, double t)
{
	double c = profile_counter(&m->profile, t);

	if (fault_at(&m->fault, t) == FAULT_RESET)
		c -= profile_counter(&m->profile, m->fault.from);
	return c;
}

/* What the meter shows at t: after a replacement, the new meter's count,
 * from replace_start on. What was used is profile_counter's difference
 * whatever the meter shows (sim_server_used). */
static double counter(const struct sim_meter *m, double t)
{
	if (t >= m->replace_at)
		return own_count(m, t) - own_count(m, m->replace_at) + m->replace_start;
	return own_count(m, t);
}

double sim_server_used(const struct sim_meter *m, const struct channel_def *ch, double from,
    double to)
{
	if (ch->sim != SIM_COUNTER)
		return NAN;
	return (profile_counter(&m->profile, to) - profile_counter(&m->profile, from)) *
	    ch->sim_scale;
}

/* The channel as the meter serves it at t: a swap fault reverses its words. */
static struct channel_def served(const struct sim_meter *m, const struct channel_def *ch,
    double t)
{
	struct channel_def wire = *ch;

	if (fault_at(&m->fault, t) == FAULT_SWAP)
		wire.order = fault_swapped(ch->order);
	return wire;
}

double sim_server_truth(const struct sim_meter *m, const struct channel_def *ch, double t)
{
	switch (ch->sim) {
	case SIM_COUNTER: return counter(m, t) * ch->sim_scale;
	case SIM_RATE: return profile_rate(&m->profile, t) * ch->sim_scale;
	case SIM_CONSTANT: return ch->sim_scale;
	}
	return 0;
}

double sim_server_shown(const struct sim_meter *m, const struct channel_def *ch, double t)
{
	uint16_t regs[REG_MAX_WORDS];
	struct channel_def wire = served(m, ch, t);

	devmap_encode(&wire, sim_server_truth(m, ch, t), regs);
	return devmap_value(ch, regs);
}

static int put_batch(FILE *out, struct payload_meta *meta, const struct point *pts,
    size_t n)
{
	char *json, err[160];
	int ok, rc;

	meta->seq++;
	if ((rc = payload_encode(meta, pts, n, &json, err, sizeof(err))) != GM_OK)
		return rc;
	ok = fputs(json, out) >= 0 && fputc('\n', out) != EOF;
	free(json);
	return ok ? GM_OK : GM_EIO;
}

int sim_server_history(FILE *out, const struct sim_meter *m, const struct channel_def *ch,
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
		pts[n].v = sim_server_shown(m, ch, t);
		/* A value misread as NaN (a swap fault) is not a reading: the
		 * agent sends none either, and the encoder refuses it. */
		if (!isfinite(pts[n].v))
			continue;
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
		if (ch->address + registers_words(ch->type) > hi)
			hi = ch->address + registers_words(ch->type);
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
		struct channel_def ch = sim_server_channel(m, i);
		struct channel_def wire = served(m, &ch, t);
		uint16_t *regs = ch.function == 3 ?
		    s->map->tab_registers + (ch.address - s->map->start_registers) :
		    s->map->tab_input_registers + (ch.address - s->map->start_input_registers);
		devmap_encode(&wire, sim_server_truth(m, &ch, t), regs);
	}
}

/* "host:port", with brackets round an IPv6 host, or "rtu:device (9600 8N1)",
 * for messages. */
static const char *where(const struct sim_config *cfg)
{
	static char buf[1100];

	if (cfg->transport == SIM_RTU)
		snprintf(buf, sizeof(buf), "rtu:%s (%d 8%c%d)", cfg->device, cfg->baud,
		    cfg->parity, cfg->stop_bits);
	else
		snprintf(buf, sizeof(buf), strchr(cfg->host, ':') ? "[%s]:%d" : "%s:%d",
		    cfg->host, cfg->port);
	return buf;
}

static void sleep_us(double us)
{
	struct timespec ts = { (time_t)(us / 1e6), (long)(fmod(us, 1e6) * 1000) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* How long this exchange holds the simulated bus, in microseconds: with
 * line = rtu, the request and answer as RTU frames at the line's speed
 * (rtu_time.h) and the meter's turnaround; latency_ms on top either way. */
static double answer_delay_us(const struct server *s, const uint8_t *req, int n, bool exception)
{
	const struct sim_config *cfg = s->cfg;
	struct rtu_bus bus = { cfg->baud, cfg->parity, cfg->stop_bits, cfg->turnaround_ms };
	int hdr = modbus_get_header_length(s->ctx), pdu, resp;
	int fn = req[hdr];

	if (!cfg->line_rtu)
		return cfg->latency_ms * 1000.0;
	/* the PDU after the address (RTU) or MBAP header (TCP), without the CRC */
	pdu = n - hdr - (cfg->transport == SIM_RTU ? 2 : 0);
	if (exception)
		resp = 5;
	else if ((fn == 3 || fn == 4) && pdu >= 5) {
		int count = (req[hdr + 3] << 8) | req[hdr + 4];
		/* more than 125 is refused with an exception, as a meter does */
		resp = count >= 1 && count <= 125 ? RTU_READ_RESP_BYTES + 2 * count : 5;
	}
	else
		resp = 8;   /* a write's echo */
	return rtu_exchange_us(&bus, 1 + pdu + 2, resp) + cfg->latency_ms * 1000.0;
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

/* One whole request, from `who`: answered, refused or met with silence, as
 * the gateway's dead switch and the unit's meter and fault say. A unit
 * nobody is configured for gets no reply at all, like a gateway whose RS485
 * target does not answer. -1 if a reply could not be sent. */
static int answer(struct server *s, const uint8_t *req, int n, const char *who)
{
	int unit = req[modbus_get_header_length(s->ctx) - 1];
	const struct slot *slot = unit <= SIM_UNIT_MAX ? &s->units[unit] : NULL;
	double t = s->freeze > 0 ? s->freeze : now_wall();
	enum fault_kind fault;
	int rc;

	if (s->sw->dead) {
		log_debug("%s: unit %d: the gateway is dead, no reply", who, unit);
		return 0;
	}
	if (slot == NULL || slot->meter == NULL) {
		log_debug("%s: unit %d: no such meter, no reply", who, unit);
		return 0;
	}
	if ((fault = fault_at(&slot->meter->fault, t)) == FAULT_TIMEOUT) {
		log_debug("%s: unit %d: fault timeout, no reply", who, unit);
		return 0;
	}
	fill(slot, t);
	/* A blocking sleep is right: a real RS485 bus serialises requests too. */
	sleep_us(answer_delay_us(s, req, n, fault == FAULT_EXCEPTION));
	/* Both replies carry the request's own unit id, whatever the context's
	 * slave is: one context answers for every unit. */
	if (fault == FAULT_EXCEPTION) {
		log_debug("%s: unit %d: fault exception, SERVER DEVICE FAILURE", who, unit);
		return modbus_reply_exception(s->ctx, req, MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	}
	if ((rc = modbus_reply(s->ctx, req, n, slot->map)) < 0 && errno == ENOPROTOOPT) {
		/* 3.1.6 sends nothing for a function it knows but does not serve
		 * (0x07, read exception status): refuse it, as a meter (and a
		 * later libmodbus) would. */
		rc = modbus_reply_exception(s->ctx, req, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	}
	return rc;
}

/* One request from one TCP client. */
static void serve_request(struct server *s, int fd)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	char who[32];
	int n;

	modbus_set_socket(s->ctx, fd);
	if ((n = modbus_receive(s->ctx, req)) <= 0) {
		if (n < 0)
			drop_client(s, fd);
		return;
	}
	snprintf(who, sizeof(who), "client fd %d", fd);
	if (answer(s, req, n, who) < 0)
		drop_client(s, fd);
}

/* One request off the serial line; GM_EIO if the line failed or closed. */
static int serve_frame(struct server *s, char *err, size_t errlen)
{
	uint8_t req[RTU_FRAME_MAX];
	const char *why = "";
	int n = rtu_frame_read(&s->line, req, &why);

	if (n < 0)
		return gm_errf(err, errlen, GM_EIO, "reading %s: %s%s", where(s->cfg),
		    strerror(errno), errno == EIO ? " (closed at the other end?)" : "");
	if (n == 0)
		log_debug("rtu: a frame dropped: %s", why);
	else if (answer(s, req, n, "rtu") < 0)
		log_warn("%s: cannot send the reply to unit %d: %s", where(s->cfg), req[0],
		    modbus_strerror(errno));
	return GM_OK;
}

/* One register map per meter, by unit id. */
static int map_units(struct server *s, char *err, size_t errlen)
{
	for (int i = 0; i < s->cfg->nmeters; i++) {
		const struct sim_meter *m = &s->cfg->meters[i];
		struct slot *slot = &s->units[m->unit];
		slot->meter = m;
		if ((slot->map = map_model(m->model)) == NULL)
			return gm_errf(err, errlen, GM_ENOMEM, "meter %s: registers: %s", m->id,
			    modbus_strerror(errno));
	}
	return GM_OK;
}

static int tcp_open(struct server *s, char *err, size_t errlen)
{
	char port[16];

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

/* modbus_connect opens the device and sets its speed and framing (and
 * modbus_close restores what it was). */
static int rtu_open(struct server *s, char *err, size_t errlen)
{
	const struct sim_config *cfg = s->cfg;
	int fd, bits = 1 + cfg->data_bits + (cfg->parity != 'N') + cfg->stop_bits;

	if ((s->ctx = modbus_new_rtu(cfg->device, cfg->baud, cfg->parity, cfg->data_bits,
	    cfg->stop_bits)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "modbus context: %s",
		    modbus_strerror(errno));
	if (modbus_connect(s->ctx) < 0)
		return gm_errf(err, errlen, GM_EIO, "cannot open %s: %s", where(cfg),
		    modbus_strerror(errno));
	fd = modbus_get_socket(s->ctx);
	rtu_frame_line_init(&s->line, fd, cfg->baud, bits);
	if (fd >= FD_SETSIZE)
		return gm_errf(err, errlen, GM_EIO, "serial port fd %d is beyond FD_SETSIZE", fd);
	s->fdmax = fd;
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
	if (s->line.fd >= 0)
		modbus_close(s->ctx);  /* the serial port, its settings restored */
	if (s->ctx != NULL)
		modbus_free(s->ctx);   /* TCP: not modbus_close, its socket was a client's */
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
	int rc = GM_OK;

	if (s->listen_fd >= 0)
		FD_SET(s->listen_fd, &ready);
	if (s->line.fd >= 0)
		FD_SET(s->line.fd, &ready);
	if (pselect(s->fdmax + 1, &ready, NULL, NULL, NULL, waitmask) < 0) {
		if (errno == EINTR)
			return GM_OK;
		return gm_errf(err, errlen, GM_EIO, "select: %s", strerror(errno));
	}
	for (int fd = 0; fd <= s->fdmax && rc == GM_OK; fd++) {
		if (!FD_ISSET(fd, &ready))
			continue;
		if (fd == s->listen_fd)
			accept_client(s);
		else if (fd == s->line.fd)
			rc = serve_frame(s, err, errlen);
		else
			serve_request(s, fd);
	}
	return rc;
}

/* Log a flip of the dead switch once, here rather than in the signal
 * handler, where logging is not safe. */
static void note_switches(struct server *s)
{
	bool dead = s->sw->dead != 0;

	if (dead == s->dead)
		return;
	s->dead = dead;
	if (dead)
		log_info("gateway dead (SIGUSR1): requests are read and none is answered; "
		    "SIGUSR2 revives it");
	else
		log_info("gateway alive again (SIGUSR2)");
}

/* "from 2026-01-01 08:00:00 until ...", or "" for a fault that always applies. */
static void describe_window(const struct fault *f, char *buf, size_t len)
{
	char from[32] = "", until[32] = "";

	if (f->from > -INFINITY)
		time_format_local((time_t)f->from, from, sizeof(from));
	if (f->until < INFINITY)
		time_format_local((time_t)f->until, until, sizeof(until));
	snprintf(buf, len, "%s%s%s%s", from[0] ? " from " : "", from, until[0] ? " until " : "",
	    until);
}

static void log_faults(const struct sim_config *cfg)
{
	char window[80];

	for (int i = 0; i < cfg->nmeters; i++) {
		const struct sim_meter *m = &cfg->meters[i];
		if (m->fault.kind == FAULT_NONE)
			continue;
		describe_window(&m->fault, window, sizeof(window));
		log_info("meter %s (unit %d): fault %s%s", m->id, m->unit,
		    fault_name(m->fault.kind), window);
	}
}

int sim_server_run(const struct sim_config *cfg, double freeze, struct simsrv_switches *sw,
    char *err, size_t errlen)
{
	struct server s = { .cfg = cfg, .freeze = freeze, .sw = sw, .listen_fd = -1,
		.line = { .fd = -1 } };
	sigset_t block, waitmask;
	int rc;

	FD_ZERO(&s.clients);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	if ((rc = map_units(&s, err, errlen)) == GM_OK)
		rc = cfg->transport == SIM_RTU ? rtu_open(&s, err, errlen) : tcp_open(&s, err, errlen);
	if (rc == GM_OK) {
		log_info("serving %d meters on %s", cfg->nmeters, where(cfg));
		log_faults(cfg);
		while (!sw->stop && rc == GM_OK) {
			note_switches(&s);
			rc = serve_ready(&s, &waitmask, err, errlen);
		}
		if (rc == GM_OK)
			log_info("stopping");
	}
	server_close(&s);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
	return rc;
}
