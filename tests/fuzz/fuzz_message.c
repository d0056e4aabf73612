/*
 * fuzz_message.c - libFuzzer target over what the network can send
 * gm-collector: an MQTT topic and a payload.
 *
 * Input: the topic, a newline, then the payload (every byte after the first
 * newline). Without a newline the whole input is the topic and the payload
 * is empty. The topic is handed over as paho hands it to the collector, a
 * NUL-terminated string (common/mqtt_link.c drops a topic with an embedded
 * NUL before it reaches ingest_message, so such inputs stop there); the
 * payload as a pointer and a length with no terminator, placed so that it
 * ends right at an unmapped page: a read past its end, even inside cJSON
 * (a shared library the sanitizers do not see into), faults.
 *
 * Both go through the checks collector/ingest.c makes, topic_parse() and
 * payload_decode() (the payload is decoded whatever the topic, to fuzz both
 * at once), and the results must keep the wire contract (docs/wire-contract.md):
 *   - an accepted topic has three ids that pass id_valid(), and building the
 *     topic again from them gives back the very same text;
 *   - each level of any topic passes id_valid() exactly when id_copy() takes it;
 *   - an accepted payload holds 1..PAYLOAD_MAX_POINTS finite points in strictly
 *     increasing time within T_MIN..T_MAX, a valid unit and kind, seq <= 2^53,
 *     a wrap that is 0 or positive, and an every that is 0 (not given) or
 *     1..PAYLOAD_EVERY_MAX, and 0 for a delta;
 *   - encoding what was decoded and decoding that again gives the same
 *     points and meta, and encoding those gives the same text again;
 *   - a rejection says why in printable ASCII (the reason is logged) and
 *     leaves no points behind.
 * A broken rule prints what broke and aborts, which libFuzzer reports as a
 * crash and saves the input. Nothing here writes a file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gm_err.h"
#include "payload.h"
#include "topic.h"

#define MAX_LEVELS 8  /* topic levels checked one by one */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_message: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* A reason for a rejection: non-empty, terminated, printable ASCII only. */
static void check_reason(const char *err, size_t len, const char *what)
{
	size_t n = strnlen(err, len);

	if (n == 0 || n == len)
		broken("%s: reason empty or not terminated", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err[i];
		if (c < 0x20 || c > 0x7e)
			broken("%s: reason has byte 0x%02x at %zu: %s", what, c, i, err);
	}
}

/* Room for the largest payload the collector reads, followed by a page
 * that is never mapped. Made once; never freed (the process ends with it). */
static unsigned char *body;
static size_t body_len;

static const unsigned char *at_guard(const uint8_t *p, size_t n, void **heap)
{
	*heap = NULL;
	if (body == NULL) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		body_len = (PAYLOAD_MAX_BYTES + 1 + pg - 1) / pg * pg;
		void *m = mmap(NULL, body_len + pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || mprotect((unsigned char *)m + body_len, pg, PROT_NONE) != 0)
			broken("cannot map the payload buffer");
		body = m;
	}
	if (n > body_len) {   /* over the limit: rejected by its length alone */
		if ((*heap = malloc(n ? n : 1)) == NULL)
			broken("out of memory");
		memcpy(*heap, p, n);
		return *heap;
	}
	memcpy(body + body_len - n, p, n);
	return body + body_len - n;
}

static void fuzz_levels(const char *topic)
{
	char level[ID_MAX * 2 + 2], dst[ID_MAX + 1], err[GM_ERR_MAX];
	const char *p = topic;

	for (int i = 0; i < MAX_LEVELS; i++) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n < sizeof(level)) {
			memcpy(level, p, n);
			level[n] = '\0';
			int rc = id_copy(dst, level, "level", err, sizeof(err));
			if ((rc == GM_OK) != id_valid(level))
				broken("id_copy says %d, id_valid says %d for \"%s\"", rc,
				    id_valid(level), level);
			if (rc == GM_OK && strcmp(dst, level) != 0)
				broken("id_copy copied \"%s\" as \"%s\"", level, dst);
			if (rc != GM_OK)
				check_reason(err, sizeof(err), "id_copy");
		}
		if (slash == NULL)
			break;
		p = slash + 1;
	}
}

static void fuzz_topic(const char *topic)
{
	char err[GM_ERR_MAX], rebuilt[TOPIC_MAX], str[3 * (ID_MAX + 1)];
	struct chan_id id, again;
	enum topic_kind kind;
	int rc;

	fuzz_levels(topic);
	memset(&id, 0x5a, sizeof(id));   /* no help from a zeroed struct */
	rc = topic_parse(topic, &id, &kind, err, sizeof(err));
	if (rc != GM_OK) {
		if (rc != GM_EINVAL)
			broken("topic_parse returned %d", rc);
		check_reason(err, sizeof(err), "topic_parse");
		return;
	}
	if (!id_valid(id.site) || !id_valid(id.meter) || !id_valid(id.channel))
		broken("accepted topic \"%s\" has an invalid id", topic);
	if (kind != TOPIC_READING && kind != TOPIC_EVENT)
		broken("accepted topic \"%s\" has kind %d", topic, (int)kind);
	if (strlen(topic) >= TOPIC_MAX)
		broken("accepted topic of %zu bytes, TOPIC_MAX is %zu", strlen(topic),
		    (size_t)TOPIC_MAX);
	topic_build(rebuilt, sizeof(rebuilt), &id, kind);
	if (strcmp(rebuilt, topic) != 0)
		broken("topic \"%s\" parsed and built again is \"%s\"", topic, rebuilt);
	if (chan_id_set(&again, id.site, id.meter, id.channel, err, sizeof(err)) != GM_OK)
		broken("chan_id_set refuses the ids of \"%s\": %s", topic, err);
	if (strcmp(again.site, id.site) || strcmp(again.meter, id.meter) ||
	    strcmp(again.channel, id.channel))
		broken("chan_id_set changed the ids of \"%s\"", topic);
	chan_id_str(&id, str, sizeof(str));
	if (strncmp(topic + strlen(TOPIC_PREFIX), str, strlen(str)) != 0)
		broken("chan_id_str gives \"%s\" for \"%s\"", str, topic);
}

/* The meta and points of an accepted payload keep the contract. */
static void check_decoded(const struct payload_meta *m, const struct point *pts, size_t n,
    const char *what)
{
	if (pts == NULL || n < 1 || n > PAYLOAD_MAX_POINTS)
		broken("%s: accepted with %zu points at %p", what, n, (const void *)pts);
	if (!unit_valid(m->unit))
		broken("%s: accepted unit \"%s\"", what, m->unit);
	if (m->kind != KIND_COUNTER && m->kind != KIND_GAUGE && m->kind != KIND_DELTA)
		broken("%s: accepted kind %d", what, (int)m->kind);
	if (m->seq > (UINT64_C(1) << 53))
		broken("%s: accepted seq %llu", what, (unsigned long long)m->seq);
	if (!(m->wrap == 0 || (isfinite(m->wrap) && m->wrap > 0)))
		broken("%s: accepted wrap %.17g", what, m->wrap);
	if (m->every < 0 || m->every > PAYLOAD_EVERY_MAX ||
	    (m->kind == KIND_DELTA && m->every != 0))
		broken("%s: accepted every %ld for kind %d", what, m->every, (int)m->kind);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(pts[i].t) || !isfinite(pts[i].v))
			broken("%s: point %zu is not finite", what, i);
		if (pts[i].t < T_MIN || pts[i].t >= T_MAX)
			broken("%s: point %zu at t %.17g", what, i, pts[i].t);
		if (i > 0 && !(pts[i].t > pts[i - 1].t))
			broken("%s: point %zu at t %.17g is not after %.17g", what, i,
			    pts[i].t, pts[i - 1].t);
	}
}

static void fuzz_payload(const uint8_t *data, size_t len)
{
	static struct point sentinel;
	struct payload_meta meta, meta2;
	struct point *pts = &sentinel, *pts2 = NULL;
	char err[GM_ERR_MAX], *json, *json2;
	size_t n = 12345, n2;
	void *heap;
	const unsigned char *p = at_guard(data, len, &heap);
	int rc;

	rc = payload_decode((const char *)p, len, &meta, &pts, &n, err, sizeof(err));
	free(heap);
	if (rc != GM_OK) {
		if (rc != GM_EINVAL && rc != GM_ENOMEM)
			broken("payload_decode returned %d", rc);
		if (pts != NULL || n != 0)
			broken("rejected payload left %zu points at %p", n, (void *)pts);
		check_reason(err, sizeof(err), "payload_decode");
		return;
	}
	check_decoded(&meta, pts, n, "payload");

	/* Round trip: what the collector accepted, the agent's encoder writes
	 * so that it decodes to the very same readings. */
	if ((rc = payload_encode(&meta, pts, n, &json, err, sizeof(err))) != GM_OK)
		broken("payload_encode refused what the decoder accepted (%d): %s", rc, err);
	rc = payload_decode(json, strlen(json), &meta2, &pts2, &n2, err, sizeof(err));
	if (rc != GM_OK)
		broken("encoded payload is rejected: %s: %s", err, json);
	check_decoded(&meta2, pts2, n2, "encoded payload");
	if (strcmp(meta.unit, meta2.unit) != 0 || meta.kind != meta2.kind ||
	    meta.seq != meta2.seq || meta.wrap != meta2.wrap || meta.every != meta2.every)
		broken("meta changed in the round trip: %s", json);
	if (n2 != n)
		broken("%zu points came back as %zu: %s", n, n2, json);
	for (size_t i = 0; i < n; i++) {
		if (pts2[i].t != pts[i].t || pts2[i].v != pts[i].v)
			broken("point %zu (%.17g, %.17g) came back as (%.17g, %.17g)", i,
			    pts[i].t, pts[i].v, pts2[i].t, pts2[i].v);
	}
	if ((rc = payload_encode(&meta2, pts2, n2, &json2, err, sizeof(err))) != GM_OK)
		broken("payload_encode refused its own output's readings (%d): %s", rc, err);
	if (strcmp(json, json2) != 0)
		broken("encoding is not stable: %s then %s", json, json2);
	free(json2);
	free(json);
	free(pts2);
	free(pts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size;
	char *topic;

	if (memchr(data, '\0', tlen) != NULL)
		return 0;   /* mqtt_link drops it before the collector sees it */
	if ((topic = malloc(tlen + 1)) == NULL)
		return 0;
	memcpy(topic, data, tlen);
	topic[tlen] = '\0';
	fuzz_topic(topic);
	free(topic);
	if (nl != NULL)
		fuzz_payload(nl + 1, size - tlen - 1);
	else
		fuzz_payload(data + size, 0);
	return 0;
}
