/*
 * fuzz_quarantine.c - libFuzzer target over the collector's quarantine
 * journal (collector/quarantine.c), read back by --requeue and --quarantine
 * after a crash, a full disk or a careless edit may have left it in any
 * state.
 *
 * The input is the journal's bytes. Rules:
 *   - quarantine_read() hands over only records whose topic has no space or
 *     control character and is shorter than TOPIC_MAX, whose payload is at
 *     most PAYLOAD_MAX_BYTES, and whose reason has no newline;
 *   - those records, put into a fresh journal with quarantine_put(), read
 *     back as the same records (topic, payload bytes, reason), in order;
 *   - a journal opened on the input counts as many records as it reads, and
 *     a record put after that reads back as the last one (a torn tail is
 *     set aside at open, never glued to the next record).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quarantine.h"
#include "gm_err.h"
#include "fuzzlib.h"
#include "log.h"
#include "payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEEP 64

struct rec {
	char *topic, *reason;
	void *payload;
	size_t len;
};

struct recs {
	struct rec r[KEEP];
	size_t n;
};

static int keep(void *user, const struct quarantine_rec *q)
{
	struct recs *rs = user;
	struct rec *r;

	if (strlen(q->topic) >= TOPIC_MAX || strpbrk(q->topic, " \n\r\t") != NULL ||
	    q->len > PAYLOAD_MAX_BYTES || strchr(q->reason, '\n') != NULL)
		fuzz_broken("a record that is not one: topic \"%s\", %zu bytes", q->topic, q->len);
	for (const char *p = q->topic; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			fuzz_broken("topic with byte 0x%02x", (unsigned char)*p);
	if (rs->n >= KEEP) {
		rs->n++;
		return GM_OK;
	}
	r = &rs->r[rs->n++];
	r->topic = strdup(q->topic);
	r->reason = strdup(q->reason);
	r->payload = malloc(q->len ? q->len : 1);
	memcpy(r->payload, q->payload, q->len);
	r->len = q->len;
	return GM_OK;
}

static void free_recs(struct recs *rs)
{
	for (size_t i = 0; i < rs->n && i < KEEP; i++) {
		free(rs->r[i].topic);
		free(rs->r[i].reason);
		free(rs->r[i].payload);
	}
}

/* The reason as quarantine_put keeps it: printable ASCII, '?' for the rest. */
static int same_reason(const char *kept, const char *given)
{
	size_t i;

	for (i = 0; given[i] && i < QUARANTINE_REASON_MAX; i++) {
		unsigned char c = (unsigned char)given[i];

		if (kept[i] != (c >= 0x20 && c < 0x7f ? (char)c : '?'))
			return 0;
	}
	return kept[i] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch("quarantine");
	char path[256], err[512];
	struct recs first = { .n = 0 }, back = { .n = 0 };
	struct quarantine *q;
	uint64_t records, bytes;

	log_set_level(GM_LOG_ERR);
	fuzz_empty(dir);
	snprintf(path, sizeof(path), "%s/.quarantine", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.quarantine/journal", dir);
	fuzz_write(path, data, size);
	if (quarantine_read(path, keep, &first, err, sizeof(err)) != GM_OK)
		fuzz_broken("quarantine_read: %s", err);
	if (quarantine_open(&q, dir, 1 << 30, err, sizeof(err)) != GM_OK)
		fuzz_broken("quarantine_open: %s", err);
	quarantine_size(q, &records, &bytes);
	if (records != first.n)
		fuzz_broken("opened with %llu records, read %zu", (unsigned long long)records,
		    first.n);
	/* a record put after opening whatever was there reads back, last */
	if (quarantine_put(q, "greenmeter/v1/hq/m1/last", "{}", 2, "last", true, err,
	    sizeof(err)) != GM_OK)
		fuzz_broken("cannot put a record: %s", err);
	quarantine_close(q);
	{
		struct recs after = { .n = 0 };

		if (quarantine_read(path, keep, &after, err, sizeof(err)) != GM_OK)
			fuzz_broken("quarantine_read: %s", err);
		if (after.n != first.n + 1 || after.n > KEEP ||
		    strcmp(after.r[after.n - 1].topic, "greenmeter/v1/hq/m1/last") != 0)
			if (after.n <= KEEP)
				fuzz_broken("a record put after opening reads back as %zu of %zu",
				    after.n, first.n + 1);
		free_recs(&after);
	}

	/* the records, put anew, read back the same */
	fuzz_empty(dir);
	if (quarantine_open(&q, dir, 1 << 30, err, sizeof(err)) != GM_OK)
		fuzz_broken("quarantine_open: %s", err);
	for (size_t i = 0; i < first.n && i < KEEP; i++) {
		struct rec *r = &first.r[i];

		if (quarantine_put(q, r->topic, r->payload, r->len, r->reason, true, err,
		    sizeof(err)) != GM_OK)
			fuzz_broken("a record read cannot be put back: %s", err);
	}
	quarantine_close(q);
	if (quarantine_read(path, keep, &back, err, sizeof(err)) != GM_OK)
		fuzz_broken("quarantine_read: %s", err);
	if (back.n != (first.n < KEEP ? first.n : KEEP))
		fuzz_broken("%zu records put back, %zu read", first.n, back.n);
	for (size_t i = 0; i < back.n && i < KEEP; i++) {
		if (strcmp(first.r[i].topic, back.r[i].topic) != 0 ||
		    first.r[i].len != back.r[i].len ||
		    memcmp(first.r[i].payload, back.r[i].payload, back.r[i].len) != 0 ||
		    !same_reason(back.r[i].reason, first.r[i].reason))
			fuzz_broken("record %zu does not read back the same", i);
	}
	free_recs(&first);
	free_recs(&back);
	return 0;
}
