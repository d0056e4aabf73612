/* ingest_fixture.c - a collector's ingest for the tests; see
 * ingest_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "ingest_fixture.h"
#include "quarantine.h"
#include "registry.h"
#include "rrd_store.h"
#include "store_queue.h"
#include "testutil.h"

char datadir[96];
struct ingest ig;

int ingest_fixture_open(long now)
{
	char err[256] = "";

	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	memset(&ig, 0, sizeof(ig));
	if ((ig.store = rrd_store_open(datadir, NULL, err, sizeof(err))) == NULL ||
	    (ig.reg = registry_new()) == NULL ||
	    quarantine_open(&ig.dlq, datadir, QUARANTINE_REFUSED_MAX, err, sizeof(err)) != GM_OK) {
		print_message("ingest_fixture_open: %s\n", err);
		return -1;
	}
	ig.datadir = datadir;
	ig.max_future_s = 300;
	ig.now = (double)now;
	return 0;
}

void ingest_fixture_close(void)
{
	store_queue_close(ig.queue);
	quarantine_close(ig.dlq);
	rrd_store_close(ig.store);
	registry_free(ig.reg);
}

void done(const char *topic, const char *payload)
{
	if (ingest_message(&ig, topic, payload, strlen(payload)) != INGEST_DONE)
		fail_msg("%s %s: not INGEST_DONE", topic, payload);
}

struct dlq_count {
	size_t n, why;       /* records, and those whose reason starts with prefix */
	const char *prefix;
};

static int count_rec(void *user, const struct quarantine_rec *r)
{
	struct dlq_count *c = user;

	c->n++;
	if (c->prefix != NULL)
		c->why += strncmp(r->reason, c->prefix, strlen(c->prefix)) == 0;
	return GM_OK;
}

size_t quarantined(const char *prefix, size_t *with_prefix)
{
	struct dlq_count c = { 0, 0, prefix };
	char path[256], err[256];

	snprintf(path, sizeof(path), "%s/.quarantine/journal", datadir);
	assert_int_equal(quarantine_read(path, count_rec, &c, err, sizeof(err)), GM_OK);
	if (with_prefix != NULL)
		*with_prefix = c.why;
	return c.n;
}
