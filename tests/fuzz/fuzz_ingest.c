/*
 * fuzz_ingest.c - libFuzzer target over the whole of what one MQTT message
 * does in gm-collector: collector/ingest.c with the real store (librrd),
 * write-ahead log and writer thread (store_queue.h), events and entries
 * journals and quarantine, in a scratch data directory.
 *
 * Input: the topic, a newline, then the payload (as fuzz_message.c). A
 * topic with a NUL stops where paho stops it. A topic that parses is mapped
 * onto one of eight channels by a hash of its ids - half of them with the
 * longest ids the contract allows - because every new channel costs a
 * 2.5 MB file: what lies below the topic check is fuzzed on those eight
 * (fuzz_message fuzzes the topic check itself).
 *
 * Rules:
 *   - every message is handled for good (INGEST_DONE): with a healthy disk
 *     nothing may be left to be offered again, and nothing may crash, leak
 *     or hang;
 *   - a channel never counts more readings stored than it received;
 *   - once settled, nothing is left queued.
 * The data directory starts afresh every RESET_EVERY messages.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "quarantine.h"
#include "store_queue.h"
#include "gm_err.h"
#include "fuzzlib.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ID64 "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"
#define NOW 1717200000.0
#define RESET_EVERY 20000

static const char *const chans[8] = {
	"greenmeter/v1/hq/m1/energy", "greenmeter/v1/hq/m1/power",
	"greenmeter/v1/hq/m2/reams", "greenmeter/v1/lab/p-1/volume_m3",
	"greenmeter/v1/" ID64 "/" ID64 "/" ID64, "greenmeter/v1/" ID64 "/" ID64 "/x",
	"greenmeter/v1/" ID64 "/m/" ID64, "greenmeter/v1/s/" ID64 "/" ID64,
};

static struct ingest ig;
static char datadir[200];
static unsigned long runs;

static void open_all(void)
{
	const struct sq_hooks hooks = { ingest_written, ingest_quarantined, &ig };
	char err[512];

	memset(&ig, 0, sizeof(ig));
	ig.datadir = datadir;
	ig.max_future_s = 300;
	ig.fault_hold_s = 60;
	ig.now = NOW;
	if ((ig.store = rrd_store_open(datadir, NULL, err, sizeof(err))) == NULL ||
	    (ig.reg = registry_new()) == NULL ||
	    quarantine_open(&ig.dlq, datadir, 4 << 20, err, sizeof(err)) != GM_OK ||
	    store_queue_open(&ig.queue, ig.store, ig.dlq, datadir, 0, 0, &hooks, err,
	        sizeof(err)) != GM_OK)
		fuzz_broken("cannot open the store: %s", err);
}

static void close_all(void)
{
	store_queue_close(ig.queue);
	quarantine_close(ig.dlq);
	registry_free(ig.reg);
	rrd_store_close(ig.store);
}

static void check_channels(void)
{
	char err[512];

	for (int i = 0; i < 8; i++) {
		struct chan_id id;
		enum topic_kind kind;
		struct chan_state *cs;

		if (topic_parse(chans[i], &id, &kind, err, sizeof(err)) != GM_OK)
			fuzz_broken("%s: %s", chans[i], err);
		(void)store_queue_settle(ig.queue, &id, err, sizeof(err));
		if ((cs = registry_find(ig.reg, &id)) != NULL && cs->r.stored > cs->r.received)
			fuzz_broken("%s: %llu stored of %llu received", chans[i],
			    (unsigned long long)cs->r.stored, (unsigned long long)cs->r.received);
	}
	if (store_queue_queued(ig.queue) != 0)
		fuzz_broken("%zu rows still queued after every channel settled",
		    store_queue_queued(ig.queue));
}

static void at_exit(void)
{
	close_all();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size, plen = nl ? size - tlen - 1 : 0;
	char topic[TOPIC_MAX + 16], err[512];
	enum ingest_result res;
	struct chan_id id;
	enum topic_kind kind;
	void *payload;

	if (datadir[0] == '\0') {
		log_init("fuzz_ingest", GM_LOG_ERR);
		snprintf(datadir, sizeof(datadir), "%s/data", fuzz_scratch("ingest"));
		open_all();
		atexit(at_exit);
	}
	if (tlen >= sizeof(topic) || memchr(data, '\0', tlen) != NULL)
		return 0;   /* longer than any topic, or paho's end of it */
	memcpy(topic, data, tlen);
	topic[tlen] = '\0';
	if (topic_parse(topic, &id, &kind, err, sizeof(err)) == GM_OK) {
		size_t h = 5381;

		for (const char *p = topic; *p; p++)
			h = h * 33 + (unsigned char)*p;
		snprintf(topic, sizeof(topic), "%s%s", chans[h % 8],
		    kind == TOPIC_EVENT ? "/event" : "");
	}
	if ((payload = malloc(plen ? plen : 1)) == NULL)
		return 0;
	memcpy(payload, nl ? nl + 1 : data, plen);
	res = ingest_message(&ig, topic, payload, plen);
	free(payload);
	if (res != INGEST_DONE)
		fuzz_broken("message on %s left to be offered again (%d)", topic, (int)res);
	if (++runs % 1000 == 0)
		check_channels();
	if (runs % RESET_EVERY == 0) {
		close_all();
		fuzz_empty(datadir);
		open_all();
	}
	return 0;
}
