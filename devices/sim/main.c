/*
 * main.c - gm-sim, the meter simulator: a Modbus TCP or RTU gateway in front
 * of simulated office meters, plus the exact values it serves, for tests.
 *
 *   gm-sim -c sim.conf [-v] [--freeze UNIX]        serve until SIGINT/SIGTERM
 *                                                  (SIGUSR1: play dead, SIGUSR2: revive)
 *   gm-sim -c sim.conf -n                          check the configuration
 *   gm-sim -c sim.conf [--exact] --truth METER CHANNEL TIME
 *   gm-sim -c sim.conf --history METER CHANNEL FROM TO STEP_S
 *   gm-sim -c sim.conf --used METER CHANNEL FROM TO
 *   gm-sim -h|--help                               the usage, on stdout
 *
 * --truth prints what the register shows, decoded as the model says (a
 * meter's reset or swap fault included); with --exact, the exact value (a
 * reset included: it is the meter's own count). TIME, FROM, TO:
 * "YYYY-MM-DD[ HH:MM[:SS]]" local time, or @unix seconds (fractions
 * allowed). --used prints what a counter channel really counted from FROM
 * to TO, the truth reports must match: resets and replacements change what
 * a meter shows, not what was used. Exit codes: 0 ok, 1 config error, 2 usage, 3 runtime.
 */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "log.h"
#include "sim_config.h"
#include "sim_server.h"
#include "timeutil.h"

enum { EXIT_CONFIG = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };
enum mode { MODE_RUN, MODE_CHECK, MODE_TRUTH, MODE_HISTORY, MODE_USED };

struct args {
	const char *conf;
	enum mode mode;
	bool exact, verbose;
	double freeze;
	char **ops;   /* operands after the options */
	int nops;
};

static struct simsrv_switches switches;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		switches.dead = 1;
	else if (sig == SIGUSR2)
		switches.dead = 0;
	else
		switches.stop = 1;
}

static int usage(FILE *out, int rc)
{
	fprintf(out,
	    "usage: gm-sim -c sim.conf [-v] [--freeze UNIX]   serve meters over Modbus TCP or RTU\n"
	    "       gm-sim -c sim.conf -n                     check the configuration\n"
	    "       gm-sim -c sim.conf [--exact] --truth METER CHANNEL TIME\n"
	    "       gm-sim -c sim.conf --history METER CHANNEL FROM TO STEP_S\n"
	    "       gm-sim -c sim.conf --used METER CHANNEL FROM TO\n"
	    "       gm-sim -h|--help\n"
	    "TIME: YYYY-MM-DD[ HH:MM[:SS]] (local) or @unix[.frac]\n"
	    "While serving, SIGUSR1 makes the gateway answer nothing, SIGUSR2 revives it.\n");
	return rc;
}

/* "<digits>[.<digits>]": unix seconds with an optional fraction, which
 * time_parse_local's "@" form does not take. */
static bool parse_unix(const char *s, double *out)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0)
		return false;
	if (s[n] == '.')
		n += 1 + strspn(s + n + 1, "0123456789");
	if (s[n] != '\0')
		return false;
	*out = strtod(s, NULL);
	return true;
}

/* Local time or @unix, within the wire contract's 2000..2100. */
static bool parse_time(const char *s, double *out)
{
	char err[160];
	time_t t;

	if (s[0] == '@' && !parse_unix(s + 1, out)) {
		fprintf(stderr, "gm-sim: \"%s\": expected @<unix seconds>[.<fraction>]\n", s);
		return false;
	}
	if (s[0] != '@') {
		if (time_parse_local(s, &t, err, sizeof(err)) != GM_OK) {
			fprintf(stderr, "gm-sim: %s\n", err);
			return false;
		}
		*out = (double)t;
	}
	if (*out < T_MIN || *out >= T_MAX) {
		fprintf(stderr, "gm-sim: \"%s\" is outside 2000-01-01..2100-01-01\n", s);
		return false;
	}
	return true;
}

static bool parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "check", no_argument, NULL, 'n' },
		{ "truth", no_argument, NULL, 't' }, { "history", no_argument, NULL, 'H' },
		{ "used", no_argument, NULL, 'u' },
		{ "exact", no_argument, NULL, 'x' }, { "freeze", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const int nops[] = { [MODE_RUN] = 0, [MODE_CHECK] = 0, [MODE_TRUTH] = 3,
		[MODE_HISTORY] = 5, [MODE_USED] = 4 };
	int o, modes = 0;

	while ((o = getopt_long(argc, argv, "c:nvh", opts, NULL)) != -1) {
		switch (o) {
		case 'c': a->conf = optarg; break;
		case 'n': a->mode = MODE_CHECK; modes++; break;
		case 't': a->mode = MODE_TRUTH; modes++; break;
		case 'H': a->mode = MODE_HISTORY; modes++; break;
		case 'u': a->mode = MODE_USED; modes++; break;
		case 'x': a->exact = true; break;
		case 'v': a->verbose = true; break;
		case 'h': exit(usage(stdout, 0));
		case 'f': if (!parse_time(optarg, &a->freeze)) return false; break;
		default: return false;
		}
	}
	a->ops = argv + optind;
	a->nops = argc - optind;
	return a->conf != NULL && modes <= 1 && a->nops == nops[a->mode] &&
	    (!a->exact || a->mode == MODE_TRUTH) && (a->freeze == 0 || a->mode == MODE_RUN);
}

/* Meter and channel named by the first two operands. */
static bool find_channel(const struct sim_config *cfg, char **ops,
    const struct sim_meter **m, struct channel_def *ch)
{
	const struct channel_def *def;

	if ((*m = sim_config_meter(cfg, ops[0])) == NULL) {
		fprintf(stderr, "gm-sim: no meter \"%s\" in the configuration\n", ops[0]);
		return false;
	}
	if ((def = devmap_channel((*m)->model, ops[1])) == NULL) {
		fprintf(stderr, "gm-sim: model %s has no channel \"%s\"\n", (*m)->model->name,
		    ops[1]);
		return false;
	}
	*ch = sim_server_channel(*m, (int)(def - (*m)->model->channels));
	return true;
}

static int cmd_truth(const struct sim_config *cfg, const struct args *a)
{
	const struct sim_meter *m;
	struct channel_def ch;
	double t;

	if (!find_channel(cfg, a->ops, &m, &ch) || !parse_time(a->ops[2], &t))
		return EXIT_USAGE;
	printf("%.17g\n", a->exact ? sim_server_truth(m, &ch, t) : sim_server_shown(m, &ch, t));
	return 0;
}

static int cmd_used(const struct sim_config *cfg, const struct args *a)
{
	const struct sim_meter *m;
	struct channel_def ch;
	double from, to;

	if (!find_channel(cfg, a->ops, &m, &ch) || !parse_time(a->ops[2], &from) ||
	    !parse_time(a->ops[3], &to))
		return EXIT_USAGE;
	if (ch.sim != SIM_COUNTER) {
		fprintf(stderr, "gm-sim: channel %s is not a counter\n", a->ops[1]);
		return EXIT_USAGE;
	}
	printf("%.17g\n", sim_server_used(m, &ch, from, to));
	return 0;
}

static int cmd_history(const struct sim_config *cfg, const struct args *a)
{
	const struct sim_meter *m;
	struct channel_def ch;
	double from, to, step;
	char *end;

	if (!find_channel(cfg, a->ops, &m, &ch) || !parse_time(a->ops[2], &from) ||
	    !parse_time(a->ops[3], &to))
		return EXIT_USAGE;
	step = strtod(a->ops[4], &end);
	/* Below a millisecond, t ~ 1.7e9 s would stop increasing strictly. */
	if (*end != '\0' || !(step >= 0.001 && step <= 1e9) || to <= from) {
		fprintf(stderr, "gm-sim: want FROM < TO and STEP_S of 0.001 or more\n");
		return EXIT_USAGE;
	}
	if (sim_server_history(stdout, m, &ch, from, to, step) != GM_OK) {
		fprintf(stderr, "gm-sim: cannot write the history to stdout\n");
		return EXIT_RUNTIME;
	}
	return 0;
}

static int cmd_run(const struct sim_config *cfg, const struct args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char err[256];

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);   /* a client gone mid-reply is an error, not death */
	if (sim_server_run(cfg, a->freeze, &switches, err, sizeof(err)) != GM_OK) {
		log_err("%s", err);
		return EXIT_RUNTIME;
	}
	return 0;
}

static void report_plain(void *user, const char *msg)
{
	(void)user;
	fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
	struct args a = { .mode = MODE_RUN };
	struct sim_config cfg;
	int rc;

	log_init("gm-sim", GM_LOG_INFO);
	if (tz_set(TZ_DEFAULT) != GM_OK)   /* before any local time is parsed */
		log_warn("time zone %s not found (is tzdata installed?): local times are UTC",
		    TZ_DEFAULT);
	if (!parse_args(argc, argv, &a))
		return usage(stderr, EXIT_USAGE);
	if (a.verbose)
		log_set_level(GM_LOG_DEBUG);
	if (sim_config_load(a.conf, &cfg, a.mode == MODE_RUN ? log_report : report_plain,
	    NULL) > 0)
		return EXIT_CONFIG;
	switch (a.mode) {
	case MODE_CHECK: printf("configuration OK\n"); rc = 0; break;
	case MODE_TRUTH: rc = cmd_truth(&cfg, &a); break;
	case MODE_HISTORY: rc = cmd_history(&cfg, &a); break;
	case MODE_USED: rc = cmd_used(&cfg, &a); break;
	default: rc = cmd_run(&cfg, &a); break;
	}
	sim_config_free(&cfg);
	return rc;
}
