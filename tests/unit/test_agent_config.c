/*
 * test_agent_config.c - gm-agent's configuration (agent/agent_config.c).
 *
 * Each test writes an agent.conf and a small meter model, devices/tm.conf,
 * into a fresh temporary directory; "@DEV" in a fixture stands for that
 * devices directory. Every report is compared, as "file:line: message" with
 * the temporary directory left out, with text written here by hand; line
 * numbers are counted in the comments beside each fixture.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent_config.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* Write <tmpdir>/agent.conf with every "@DEV" replaced by <tmpdir>/devices. */
static void write_agent_conf(const char *text)
{
	char buf[4096];
	size_t o = 0;
	const char *at;

	while ((at = strstr(text, "@DEV")) != NULL) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.*s%s/devices",
		    (int)(at - text), text, tmpdir);
		assert_true(o < sizeof(buf));
		text = at + 4;
	}
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", text);
	assert_true(o < sizeof(buf));
	fixture("agent.conf", buf);
}

/* Load <tmpdir>/agent.conf; returns the error count. */
static int load(struct agent_config *cfg)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/agent.conf", tmpdir);
	reports.n = 0;
	return agent_config_load(path, cfg, collect, NULL);
}

/*
 * The test meter: three channels. energy is a uint32 at 0.01 kWh a count,
 * volts a holding register at 0.1 V.
 */
static const char model_tm[] =
    "[model]\n"
    "description = Test meter\n"
    "max_gap = 8\n"
    "[channel energy]\n"
    "function = 4\n"
    "address = 0\n"
    "type = uint32\n"
    "unit = kWh\n"
    "kind = counter\n"
    "scale = 0.01\n"
    "[channel power]\n"
    "function = 4\n"
    "address = 4\n"
    "type = int16\n"
    "unit = W\n"
    "kind = gauge\n"
    "[channel volts]\n"
    "function = 3\n"
    "address = 0x10\n"
    "type = uint16\n"
    "unit = V\n"
    "kind = gauge\n"
    "scale = 0.1\n";

static int setup(void **state)
{
	char dir[128];

	(void)state;
	memset(&reports, 0, sizeof(reports));
	if (tmpdir_make("agentcfg") != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/devices", tmpdir);
	if (mkdir(dir, 0700) != 0)
		return -1;
	fixture("devices/tm.conf", model_tm);
	return 0;
}

static void test_good(void **state)
{
	struct agent_config cfg;
	const struct agent_meter *m;
	char devices[128];

	(void)state;
	write_agent_conf(
	    "; greenmeter agent\n"            /* 1 */
	    "[agent]\n"                       /* 2 */
	    "site = hq\n"                     /* 3 */
	    "devices = @DEV\n"                /* 4 */
	    "spool_max_mb = 500\n"            /* 5 */
	    "\n"                              /* 6 */
	    "[mqtt]\n"                        /* 7 */
	    "broker = 10.0.0.1:1884\n"        /* 8 */
	    "\n"                              /* 9 */
	    "[meter m1]\n"                    /* 10 */
	    "model = tm\n"                    /* 11 */
	    "host = 10.0.0.7\n"               /* 12: no port: 502 */
	    "unit = 1\n"                      /* 13 */
	    "interval = 1.5\n"                /* 14: 1.5 s = 1500 ms */
	    "\n"                              /* 15 */
	    "[meter m2]\n"                    /* 16 */
	    "model = tm\n"                    /* 17 */
	    "host = 10.0.0.7:1502\n"          /* 18 */
	    "unit = 2\n"                      /* 19 */
	    "interval = 60\n"                 /* 20 */
	    "timeout = 2.01\n"                /* 21: 2010 ms (2.01 * 1000 is
	                                       * 2009.9999999999998 as doubles) */
	    "retries = 3\n"                   /* 22 */
	    "channels = power energy\n"       /* 23: a subset, in this order */
	    "scale.energy = 0.001\n");        /* 24 */
	assert_int_equal(load(&cfg), 0);
	expect_reports(NULL, 0);

	snprintf(devices, sizeof(devices), "%s/devices", tmpdir);
	assert_string_equal(cfg.site, "hq");
	assert_string_equal(cfg.devices_dir, devices);
	assert_int_equal(cfg.spool_max_mb, 500);
	assert_string_equal(cfg.spool_dir, "/var/lib/greenmeter/spool");  /* the default */
	assert_string_equal(cfg.mqtt.uri, "tcp://10.0.0.1:1884");
	assert_int_equal(cfg.nmodels, 1);          /* tm loaded once for both */
	assert_int_equal(cfg.nmeters, 2);

	m = &cfg.meters[0];
	assert_string_equal(m->id, "m1");
	assert_ptr_equal(m->model, &cfg.models[0]);
	assert_string_equal(m->model->name, "tm");
	assert_string_equal(m->gw.host, "10.0.0.7");
	assert_int_equal(m->gw.port, 502);
	assert_int_equal(m->unit, 1);
	assert_int_equal(m->interval_ms, 1500);
	assert_int_equal(m->timeout_ms, 1000);     /* default 1 s */
	assert_int_equal(m->retries, 1);           /* default */
	assert_int_equal(m->line, 10);
	assert_int_equal(m->nch, 3);               /* no list: all, in model order */
	assert_string_equal(m->ch[0].name, "energy");
	assert_string_equal(m->ch[1].name, "power");
	assert_string_equal(m->ch[2].name, "volts");
	assert_true(m->ch[0].scale == 0.01);
	assert_true(m->ch[1].scale == 1);
	assert_true(m->ch[2].scale == 0.1);
	assert_int_equal(m->ch[2].function, 3);
	assert_int_equal(m->ch[2].address, 16);    /* 0x10 */

	m = &cfg.meters[1];
	assert_string_equal(m->id, "m2");
	assert_ptr_equal(m->model, cfg.meters[0].model);
	assert_string_equal(m->gw.host, "10.0.0.7");
	assert_int_equal(m->gw.port, 1502);
	assert_int_equal(m->unit, 2);
	assert_int_equal(m->interval_ms, 60000);
	assert_int_equal(m->timeout_ms, 2010);   /* rounded, not cut */
	assert_int_equal(m->retries, 3);
	assert_int_equal(m->line, 16);
	assert_int_equal(m->nch, 2);
	assert_string_equal(m->ch[0].name, "power");
	assert_string_equal(m->ch[1].name, "energy");
	assert_true(m->ch[0].scale == 1);
	assert_true(m->ch[1].scale == 0.001);      /* the override */
	assert_string_equal(m->ch[1].unit, "kWh");
	/* the override is the meter's: the model and m1 keep 0.01 */
	assert_true(cfg.models[0].channels[0].scale == 0.01);
	assert_true(cfg.meters[0].ch[0].scale == 0.01);

	agent_config_free(&cfg);
	assert_null(cfg.meters);
	assert_int_equal(cfg.nmeters, 0);
	agent_config_free(&cfg);   /* twice is harmless */
}

/* What each meter's readings say as "every": its interval in whole seconds,
 * rounded up; an [mqtt_meter] only when it gives one. */
static void test_every(void **state)
{
	static const char *const want[] = {
		"agent.conf:11: interval = \"0.01\": expected a number from 0.1 to 86400",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\n"                    /* 5 */
	    "host = 10.0.0.7\n"               /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "interval = 1.5\n"                /* 8: 2 s */
	    "[meter m2]\n"                    /* 9 */
	    "model = tm\n"                    /* 10 */
	    "host = 10.0.0.7\n"               /* 11 */
	    "unit = 2\n"                      /* 12 */
	    "interval = 900\n"                /* 13 */
	    "[meter m3]\n"                    /* 14 */
	    "model = tm\n"                    /* 15 */
	    "host = 10.0.0.7\n"               /* 16 */
	    "unit = 3\n"                      /* 17 */
	    "interval = 0.1\n"                /* 18: 1 s, never 0 */
	    "timeout = 0.05\n"                /* 19 */
	    "[meter m4]\n"                    /* 20 */
	    "model = tm\n"                    /* 21 */
	    "host = 10.0.0.7\n"               /* 22 */
	    "unit = 4\n"                      /* 23: 60 s, the default */
	    "[mqtt_meter plug]\n"             /* 24 */
	    "topic = tele/plug/SENSOR\n"      /* 25 */
	    "format = tasmota\n"              /* 26 */
	    "interval = 300\n"                /* 27 */
	    "[mqtt_meter relay]\n"            /* 28 */
	    "topic = shellies/relay/0\n"      /* 29 */
	    "format = shelly-gen1\n");        /* 30: none */
	assert_int_equal(load(&cfg), 0);
	expect_reports(NULL, 0);
	assert_int_equal(agent_config_every(&cfg, "m1"), 2);
	assert_int_equal(agent_config_every(&cfg, "m2"), 900);
	assert_int_equal(agent_config_every(&cfg, "m3"), 1);
	assert_int_equal(agent_config_every(&cfg, "m4"), 60);
	assert_int_equal(agent_config_every(&cfg, "plug"), 300);
	assert_int_equal(agent_config_every(&cfg, "relay"), 0);
	assert_int_equal(agent_config_every(&cfg, "nosuch"), 0);
	agent_config_free(&cfg);

	/* an [mqtt_meter]'s interval is checked as a [meter]'s */
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\n"                    /* 5 */
	    "host = 10.0.0.7\n"               /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "[mqtt_meter plug]\n"             /* 8 */
	    "topic = tele/plug/SENSOR\n"      /* 9 */
	    "format = tasmota\n"              /* 10 */
	    "interval = 0.01\n");             /* 11 */
	assert_int_equal(load(&cfg), 1);
	expect_reports(want, 1);
	agent_config_free(&cfg);
}

static void test_unknown_key(void **state)
{
	static const char *const want[] = {
		"agent.conf:8: unknown key \"intervall\" in [meter m1]",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\n"                    /* 5 */
	    "host = h\n"                      /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "intervall = 60\n");              /* 8 */
	assert_int_equal(load(&cfg), 1);
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

/* Reported at the [meter] line, in the order host, unit, model. */
static void test_missing_keys(void **state)
{
	static const char *const want[] = {
		"agent.conf:5: [meter a]: give either \"host\" (Modbus TCP) or \"device\" (Modbus RTU)",
		"agent.conf:5: [meter a]: \"unit\" is required",
		"agent.conf:8: [meter b]: \"unit\" is required",
		"agent.conf:8: [meter b]: \"model\" is required",
		"agent.conf:11: [meter c]: give either \"host\" (Modbus TCP) or \"device\" (Modbus RTU)",
		"agent.conf:11: [meter c]: \"model\" is required",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "\n"                              /* 4 */
	    "[meter a]\n"                     /* 5 */
	    "model = tm\n"                    /* 6 */
	    "\n"                              /* 7 */
	    "[meter b]\n"                     /* 8 */
	    "host = h\n"                      /* 9 */
	    "\n"                              /* 10 */
	    "[meter c]\n"                     /* 11 */
	    "unit = 3\n");                    /* 12 */
	assert_int_equal(load(&cfg), 6);
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

static void test_channels_and_overrides(void **state)
{
	static const char *const want[] = {
		"agent.conf:8: channel \"nosuch\" is not in model tm",
		/* volts is in the model, but this meter does not poll it */
		"agent.conf:9: scale.volts: no such channel polled",
		"agent.conf:11: scale.nosuch: no such channel polled",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\n"                    /* 5 */
	    "host = h\n"                      /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "channels = energy nosuch power\n"  /* 8 */
	    "scale.volts = 2\n"               /* 9 */
	    "scale.power = 0.5\n"             /* 10 */
	    "scale.nosuch = 3\n");            /* 11 */
	assert_int_equal(load(&cfg), 3);
	expect_reports(want, NCASES(want));
	/* what could be resolved was */
	assert_int_equal(cfg.meters[0].nch, 2);
	assert_string_equal(cfg.meters[0].ch[1].name, "power");
	assert_true(cfg.meters[0].ch[1].scale == 0.5);
	agent_config_free(&cfg);
}

/* A list keeps conf_list()'s rules: a channel listed twice, an empty item
 * are each reported, at the list's line. */
static void test_channel_listed_twice(void **state)
{
	static const char *const want[] = {
		"agent.conf:8: channels = \"energy,energy power volts\": \"energy\" is listed "
		    "twice",
		"agent.conf:13: channels = \"energy,,power\": an empty item in the list (two "
		    "commas, or a comma at one end)",
		"agent.conf:18: channels = \"power,\": an empty item in the list (two commas, "
		    "or a comma at one end)",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\n"                    /* 5 */
	    "host = h\n"                      /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "channels = energy,energy power volts\n"  /* 8: commas or spaces */
	    "[meter m2]\n"                    /* 9 */
	    "model = tm\n"                    /* 10 */
	    "host = h\n"                      /* 11 */
	    "unit = 2\n"                      /* 12 */
	    "channels = energy,,power\n"      /* 13 */
	    "[meter m3]\n"                    /* 14 */
	    "model = tm\n"                    /* 15 */
	    "host = h\n"                      /* 16 */
	    "unit = 3\n"                      /* 17 */
	    "channels = power,\n"             /* 18 */
	    "[meter m4]\n"                    /* 19 */
	    "model = tm\n"                    /* 20 */
	    "host = h\n"                      /* 21 */
	    "unit = 4\n"                      /* 22 */
	    "channels = volts, energy\n");    /* 23: good, in its own order */
	assert_int_equal(load(&cfg), 3);
	expect_reports(want, NCASES(want));
	assert_int_equal(cfg.meters[3].nch, 2);
	assert_string_equal(cfg.meters[3].ch[0].name, "volts");
	assert_string_equal(cfg.meters[3].ch[1].name, "energy");
	agent_config_free(&cfg);
}

/* What issue 16 found gm-agent -n passing: one meter written twice, a key
 * given twice, "channels = ,", a NUL byte that made "unit = 1\0garbage"
 * read as "unit = 1", an empty client_id (a broker answers CONNACK 2,
 * identifier rejected, for ever). Each is refused where it stands. */
static void test_issue16_refusals(void **state)
{
	static const char *const want[] = {
		"agent.conf:5: \"client_id\" has no value (give one, or leave the key out)",
		"agent.conf:9: a NUL byte at column 9",
		"agent.conf:10: channels = \",\": an empty item in the list (two commas, or a "
		    "comma at one end)",
		"agent.conf:12: \"host\" is given twice in [meter m1] (first at line 8)",
		"agent.conf:13: [meter m1] is given twice (first at line 6)",
		"agent.conf:16: [mqtt_meter p1] has no keys",
		/* line 9 was not read: m1 has no unit */
		"agent.conf:6: [meter m1]: \"unit\" is required",
	};
	static const char text[] =
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[mqtt]\n"                        /* 4 */
	    "client_id =\n"                   /* 5 */
	    "[meter m1]\n"                    /* 6 */
	    "model = tm\n"                    /* 7 */
	    "host = h\n"                      /* 8 */
	    "unit = 1\0garbage\n"             /* 9 */
	    "channels = ,\n"                  /* 10 */
	    "interval = 5\n"                  /* 11 */
	    "host = other\n"                  /* 12 */
	    "[meter m1]\n"                    /* 13 */
	    "unit = 2\n"                      /* 14: not read */
	    "unit = 3\n"                      /* 15: not read */
	    "[mqtt_meter p1]\n";              /* 16: every key left out */
	struct agent_config cfg;
	char path[128];

	(void)state;
	/* "@DEV" by hand: the text has a NUL in it */
	snprintf(path, sizeof(path), "%s/devices", tmpdir);
	{
		char buf[1024];
		const char *at = strstr(text, "@DEV");
		size_t head = (size_t)(at - text), n;

		n = (size_t)snprintf(buf, sizeof(buf), "%.*s%s", (int)head, text, path);
		memcpy(buf + n, at + 4, sizeof(text) - 1 - head - 4);
		fixture_bytes("agent.conf", buf, n + sizeof(text) - 1 - head - 4);
	}
	assert_int_equal(load(&cfg), (int)NCASES(want));
	expect_reports(want, NCASES(want));
	assert_string_equal(cfg.meters[0].gw.host, "h");   /* the first stands */
	assert_int_equal(cfg.nmeters, 1);
	agent_config_free(&cfg);
}

/* A missing model file is reported by devmap, naming the file, once
 * however many meters use it. */
static void test_unknown_model(void **state)
{
	static const char *const want[] = {
		"devices/nosuch.conf: cannot open: No such file or directory",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = nosuch\n"                /* 5 */
	    "host = h\n"                      /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "[meter m2]\n"                    /* 8 */
	    "model = nosuch\n"                /* 9 */
	    "host = h\n"                      /* 10 */
	    "unit = 2\n"                      /* 11 */
	    "[meter m3]\n"                    /* 12: a good one beside them */
	    "model = tm\n"                    /* 13 */
	    "host = h\n"                      /* 14 */
	    "unit = 3\n");                    /* 15 */
	assert_int_equal(load(&cfg), 1);
	expect_reports(want, NCASES(want));
	assert_int_equal(cfg.meters[2].nch, 3);
	agent_config_free(&cfg);
}

/* A broken model file: its own errors, with its own file and lines. */
static void test_broken_model(void **state)
{
	static const char *const want[] = {
		"devices/broken.conf:3: unknown key \"adress\" in [channel a]",
		"devices/broken.conf:1: channel a: \"address\" is required",
	};
	struct agent_config cfg;

	(void)state;
	fixture("devices/broken.conf",
	    "[channel a]\n"                   /* 1 */
	    "function = 4\n"                  /* 2 */
	    "adress = 1\n"                    /* 3 */
	    "type = uint16\n"                 /* 4 */
	    "unit = V\n"                      /* 5 */
	    "kind = gauge\n");                /* 6 */
	write_agent_conf(
	    "[agent]\nsite = hq\ndevices = @DEV\n"
	    "[meter m1]\nmodel = broken\nhost = h\nunit = 1\n");
	assert_int_equal(load(&cfg), 2);   /* one per report */
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

/* The poll must be answered or given up before the next one is due. */
static void test_timeout_vs_interval(void **state)
{
	static const char *const want[] = {
		"agent.conf:4: [meter m1]: timeout must be shorter than interval",
		"agent.conf:10: [meter m2]: timeout must be shorter than interval",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter m1]\n"                    /* 4 */
	    "model = tm\nhost = h\nunit = 1\n"  /* 5-7 */
	    "interval = 1\n"                  /* 8: 1000 ms */
	    "timeout = 1\n"                   /* 9: 1000 ms, not shorter */
	    "[meter m2]\n"                    /* 10 */
	    "model = tm\nhost = h\nunit = 2\n"  /* 11-13 */
	    "interval = 0.5\n"                /* 14: 500 ms, under the 1000 ms default */
	    "[meter m3]\n"                    /* 15 */
	    "model = tm\nhost = h\nunit = 3\n"  /* 16-18 */
	    "interval = 1\n"                  /* 19: 1000 ms */
	    "timeout = 0.999\n");             /* 20: 999 ms: fine */
	assert_int_equal(load(&cfg), 2);
	expect_reports(want, NCASES(want));
	assert_int_equal(cfg.meters[2].timeout_ms, 999);
	agent_config_free(&cfg);
}

static void test_missing_site(void **state)
{
	static const char *const want[] = { "agent.conf:1: [agent] site is required" };
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"
	    "devices = @DEV\n"
	    "[meter m1]\n"
	    "model = tm\nhost = h\nunit = 1\n");
	assert_int_equal(load(&cfg), 1);
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

/* An [mqtt_meter]'s JSON path, index and scale are checked as the file is
 * read, so a payload can only fail to match them (every path mistake:
 * test_mqtt_payload). */
static void test_mqtt_meter_refusals(void **state)
{
	static const char *const want[] = {
		"agent.conf:5: channel.a = \"ENERGY.Total[x]\": expected [<index>] after "
		    "\"ENERGY.Total\" (a JSON path: keys dot-separated, [i] for an array element, "
		    "e.g. ENERGY.Total[1])",
		"agent.conf:8: scale.a = 1/0: a scale of zero hides every reading",
		"agent.conf:13: index = \"64\": expected a whole number from 0 to 63",
		"agent.conf:9: [mqtt_meter j]: index is for format = tasmota; with json, write "
		    "the element in the path (ENERGY.Total[1])",
		"agent.conf:17: [mqtt_meter s]: index is for format = tasmota; with json, write "
		    "the element in the path (ENERGY.Total[1])",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "[mqtt_meter j]\n"                /* 3 */
	    "topic = t/j\n"                   /* 4 */
	    "channel.a = ENERGY.Total[x]\n"   /* 5 */
	    "unit.a = kWh\nkind.a = counter\n"   /* 6-7 */
	    "scale.a = 1/0\n"                 /* 8 */
	    "index = 1\n"                     /* 9 */
	    "[mqtt_meter t]\n"                /* 10 */
	    "topic = tele/t/SENSOR\n"         /* 11 */
	    "format = tasmota\n"              /* 12 */
	    "index = 64\n"                    /* 13 */
	    "[mqtt_meter s]\n"                /* 14 */
	    "topic = shellies/s/relay/0\n"    /* 15 */
	    "format = shelly-gen1\n"          /* 16 */
	    "index = 0\n");                   /* 17 */
	assert_int_equal(load(&cfg), (int)NCASES(want));
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

/* A config without meters is valid (gm-agent --import needs only [agent] and
 * [mqtt]); the daemon itself refuses to run with nothing to read. */
static void test_no_meters(void **state)
{
	struct agent_config cfg;

	(void)state;
	write_agent_conf("[agent]\nsite = hq\ndevices = @DEV\n");
	assert_int_equal(load(&cfg), 0);
	expect_reports(NULL, 0);
	assert_int_equal(cfg.nmeters, 0);
	assert_int_equal(cfg.nmqtt, 0);
	agent_config_free(&cfg);
}

/* A bad id in a [meter] header is reported once, at the header, however
 * many keys the section has. */
static void test_bad_meter_id(void **state)
{
	static const char *const want[] = {
		"agent.conf:4: [meter B2]: meter ids are 1-64 characters [a-z0-9_-]",
		"agent.conf:8: [meter ../x]: meter ids are 1-64 characters [a-z0-9_-]",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "[meter B2]\n"                    /* 4: upper case */
	    "model = tm\n"                    /* 5 */
	    "host = h\n"                      /* 6 */
	    "unit = 1\n"                      /* 7 */
	    "[meter ../x]\n"                  /* 8 */
	    "model = tm\n"                    /* 9 */
	    "[meter ok]\n"                    /* 10 */
	    "model = tm\n"                    /* 11 */
	    "host = h\n"                      /* 12 */
	    "unit = 1\n");                    /* 13 */
	assert_int_equal(load(&cfg), 2);
	expect_reports(want, NCASES(want));
	assert_int_equal(cfg.nmeters, 1);
	assert_string_equal(cfg.meters[0].id, "ok");
	agent_config_free(&cfg);
}

/* Every mistake of the file, in order: the keys as they are read, then
 * what each meter lacks when the file is complete. */
static void test_many_errors(void **state)
{
	static const char *const want[] = {
		"agent.conf:4: spool_max_mb = \"10\": expected a whole number from 16 to 1048576",
		"agent.conf:5: unknown key \"colour\" in [agent]",
		"agent.conf:7: keepalive = \"1\": expected a whole number from 5 to 3600",
		"agent.conf:10: host = \"h:99999\": expected host:port (port 1-65535)",
		"agent.conf:11: unit = \"256\": expected a whole number from 0 to 255",
		"agent.conf:12: interval = \"0\": expected a number from 0.1 to 86400",
		"agent.conf:13: retries = \"11\": expected a whole number from 0 to 10",
		"agent.conf:18: unknown section [sensor x] (expected [agent], [mqtt], "
		    "[meter <id>], [mqtt_meter <id>] or [printer <id>])",
		"agent.conf:14: channel \"bogus\" is not in model tm",
		"agent.conf:15: [meter m2]: \"unit\" is required",
		"agent.conf:15: [meter m2]: \"model\" is required",
	};
	struct agent_config cfg;

	(void)state;
	write_agent_conf(
	    "[agent]\n"                       /* 1 */
	    "site = hq\n"                     /* 2 */
	    "devices = @DEV\n"                /* 3 */
	    "spool_max_mb = 10\n"             /* 4 */
	    "colour = green\n"                /* 5 */
	    "[mqtt]\n"                        /* 6 */
	    "keepalive = 1\n"                 /* 7 */
	    "[meter m1]\n"                    /* 8 */
	    "model = tm\n"                    /* 9 */
	    "host = h:99999\n"                /* 10 */
	    "unit = 256\n"                    /* 11 */
	    "interval = 0\n"                  /* 12 */
	    "retries = 11\n"                  /* 13 */
	    "channels = energy bogus\n"       /* 14 */
	    "[meter m2]\n"                    /* 15 */
	    "host = h\n"                      /* 16 */
	    "[sensor x]\n"                    /* 17 */
	    "a = b\n");                       /* 18 */
	assert_int_equal(load(&cfg), 11);
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

static void test_missing_file(void **state)
{
	static const char *const want[] = {
		"agent.conf: cannot open: No such file or directory",
		"agent.conf: [agent] site is required",
	};
	struct agent_config cfg;

	(void)state;
	assert_int_equal(load(&cfg), 2);
	expect_reports(want, NCASES(want));
	agent_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_missing_keys, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_channels_and_overrides, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_channel_listed_twice, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_issue16_refusals, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_model, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_broken_model, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_timeout_vs_interval, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_every, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_missing_site, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_mqtt_meter_refusals, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_no_meters, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_meter_id, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_many_errors, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
