/* ingest.c - validate and store one message of the wire contract. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counter.h"
#include "entry_store.h"
#include "err.h"
#include "ingest.h"
#include "log.h"
#include "rrd_head.h"
#include "timeutil.h"

#define ERR_MAX 320

/* A topic fit to print: printable ASCII, cut at 120 characters. */
static void shown_topic(char *buf, size_t len, const char *topic)
{
	size_t o = 0;

	for (size_t i = 0; topic[i] != '\0' && o + 4 < len && i < 120; i++) {
		unsigned char c = (unsigned char)topic[i];
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[o] = '\0';
}

/* Load what the store already holds, once per channel per run. */
static int load_last(struct ingest *ig, struct chan_state *cs)
{
	char err[ERR_MAX];
	bool exists;

	if (cs->loaded)
		return GM_OK;
	if (store_last(ig->store, &cs->id, &exists, &cs->last_t, &cs->last_v, err,
	    sizeof(err)) != GM_OK) {
		/* rrdcached away, a file unreadable: the message waits, and the
		 * log says so rarely */
		complain(&ig->store_trouble, time(NULL), "%s; message kept for another try",
		    err);
		return GM_EIO;
	}
	cs->have_last = exists && cs->last_t > 0;
	cs->loaded = true;
	return GM_OK;
}

/* seq counts messages per channel: a jump means messages were lost. A seq
 * lower than before with newer readings means the agent restarted. */
static void count_seq(struct chan_state *cs, uint64_t seq, const char *where)
{
	if (cs->have_seq && seq > cs->last_seq + 1) {
		cs->lost += seq - cs->last_seq - 1;
		log_warn("%s: %llu message(s) missing before seq %llu", where,
		    (unsigned long long)(seq - cs->last_seq - 1), (unsigned long long)seq);
	}
	cs->last_seq = seq;
	cs->have_seq = true;
}

static double use_of(struct chan_state *cs, const struct payload_meta *meta, double v,
    const char *where, double t)
{
	enum counter_event ev;
	double d;

	if (meta->kind != KIND_COUNTER)
		return NAN;   /* gauges have no use; deltas never come here */
	if (!cs->have_last || isnan(cs->last_v))
		return NAN;   /* nothing to count from yet */
	d = counter_delta(cs->last_v, v, meta->wrap, &ev);
	if (ev == COUNTER_WRAP)
		cs->wraps++;
	if (ev == COUNTER_RESET) {
		cs->resets++;
		log_warn("%s: counter fell from %.17g to %.17g at %.3f: unannounced reset "
		    "or meter replacement; counted as 0, flagged for review", where,
		    cs->last_v, v, t);
	}
	return d;
}

/* The store refuses a whole batch when its first row is not newer than the
 * file. Knowing the file's last time to the millisecond we filter those
 * ourselves, so this happens only when the file was written behind our back
 * (another collector on the same channel): store the rows one by one, so
 * only the ones really stored before count as duplicates. */
static int store_one_by_one(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct store_row *rows, size_t k, char *err,
    size_t errlen)
{
	int rc = GM_OK;

	for (size_t i = 0; i < k; i++) {
		rc = store_update(ig->store, &cs->id, meta, &rows[i], 1, err, errlen);
		if (rc == GM_ESTALE)
			cs->duplicates++;
		else if (rc == GM_OK)
			cs->stored++;
		else
			return rc;
	}
	return GM_OK;
}

static enum ingest_result store_points(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	struct store_row *rows = calloc(n, sizeof(*rows));
	char err[ERR_MAX];
	size_t k = 0;
	int rc;

	if (rows == NULL) {
		log_err("%s: out of memory", where);
		return INGEST_RETRY;
	}
	for (size_t i = 0; i < n; i++) {
		/* on the store's millisecond grid: two readings in one
		 * millisecond are one row of the file */
		if (cs->have_last && rrd_ms(pts[i].t) <= rrd_ms(cs->last_t)) {
			cs->duplicates++;
			continue;
		}
		rows[k].t = pts[i].t;
		rows[k].value = pts[i].v;
		rows[k].use = use_of(cs, meta, pts[i].v, where, pts[i].t);
		cs->last_t = pts[i].t;
		cs->last_v = pts[i].v;
		cs->have_last = true;
		k++;
	}
	rc = store_update(ig->store, &cs->id, meta, rows, k, err, sizeof(err));
	if (rc == GM_ESTALE) {
		/* the file knew better than we did: what we assumed of its last
		 * reading (and the use computed from it) may be wrong, so read
		 * it again for the next message */
		cs->loaded = false;
		if (k > 1)
			rc = store_one_by_one(ig, cs, meta, rows, k, err, sizeof(err));
		else
			cs->duplicates++;
	} else if (rc == GM_OK) {
		cs->stored += k;
	}
	free(rows);
	if (rc == GM_EINVAL) {
		log_warn("%s: rejected: %s", where, err);
		cs->loaded = false;   /* nothing was stored: forget what we assumed */
		return INGEST_DONE;
	}
	if (rc != GM_OK && rc != GM_ESTALE) {
		complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another try",
		    where, err);
		cs->loaded = false;   /* reload the truth from the file next time */
		return INGEST_RETRY;
	}
	complain_release(&ig->store_trouble, time(NULL), "storing readings");
	return INGEST_DONE;
}

/* Delta readings (manual entries) go to the channel's entries journal, in
 * any order: a late month is stored, a changed value for a t already entered
 * is a correction, the same value again a duplicate. */
static enum ingest_result store_entries(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	struct entry_put *put = calloc(n, sizeof(*put));
	struct entry_put_report rep;
	char err[ERR_MAX];
	int rc;

	if (put == NULL) {
		log_err("%s: out of memory", where);
		return INGEST_RETRY;
	}
	rc = entry_store_put(ig->datadir, &cs->id, meta, pts, n,
	    ig->now > 0 ? ig->now : now_wall(), put, &rep, err, sizeof(err));
	if (rc == GM_EINVAL) {
		log_warn("%s: rejected: %s", where, err);
		free(put);
		return INGEST_DONE;
	}
	if (rc != GM_OK) {
		complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another try",
		    where, err);
		free(put);
		return INGEST_RETRY;
	}
	complain_release(&ig->store_trouble, time(NULL), "storing readings");
	if (rep.cut > 0)
		log_warn("%s: cut off a torn last line of %zu byte(s) (a write cut short by a "
		    "crash) before appending", where, rep.cut);
	if (rep.nbad > 0)
		log_warn("%s: %zu journal line(s) are not entries, first %s; reports refuse the "
		    "journal until it is mended", where, rep.nbad, rep.bad);
	for (size_t i = 0; i < n; i++) {
		if (put[i].fate == ENTRY_DUPLICATE) {
			cs->duplicates++;
			continue;
		}
		cs->stored++;
		if (put[i].fate == ENTRY_CORRECTION) {
			char when[32];

			time_format_local((time_t)pts[i].t, when, sizeof(when));
			log_info("%s: correction: the entry for the period ending %s (t %.17g) "
			    "was %.17g, now %.17g", where, when, pts[i].t, put[i].old_v, pts[i].v);
		}
	}
	cs->have_last = rep.have_last;
	cs->last_t = rep.last_t;
	cs->last_v = rep.last_v;
	free(put);
	return INGEST_DONE;
}

static bool too_far_ahead(const struct ingest *ig, const struct point *pts, size_t n,
    const char *where)
{
	double now = ig->now > 0 ? ig->now : now_wall();

	if (pts[n - 1].t <= now + ig->max_future_s)
		return false;
	log_warn("%s: rejected: reading at %.3f is %.0f s ahead of this clock (limit %.0f s)",
	    where, pts[n - 1].t, pts[n - 1].t - now, ig->max_future_s);
	return true;
}

enum ingest_result ingest_message(struct ingest *ig, const char *topic,
    const void *payload, size_t len)
{
	char err[ERR_MAX], where[160];
	struct payload_meta meta;
	struct point *pts = NULL;
	struct chan_state *cs;
	enum topic_kind kind;
	struct chan_id id;
	enum ingest_result res = INGEST_DONE;
	size_t n;

	shown_topic(where, sizeof(where), topic);
	if (topic_parse(topic, &id, &kind, err, sizeof(err)) != GM_OK) {
		log_warn("topic %s: rejected: %s", where, err);
		return INGEST_DONE;
	}
	if (kind == TOPIC_EVENT) {
		log_warn("topic %s: meter events are not handled by this collector version; "
		    "ignored", where);
		return INGEST_DONE;
	}
	if (payload_decode(payload, len, &meta, &pts, &n, err, sizeof(err)) != GM_OK) {
		log_warn("topic %s: rejected payload: %s", where, err);
		return INGEST_DONE;
	}
	if (too_far_ahead(ig, pts, n, where))
		goto out;
	/* a delta channel keeps no RRD: nothing to load for it */
	if ((cs = registry_get(ig->reg, &id)) == NULL ||
	    (meta.kind != KIND_DELTA && load_last(ig, cs) != GM_OK)) {
		res = INGEST_RETRY;
		goto out;
	}
	cs->received += n;
	cs->last_seen = now_wall();
	cs->kind = meta.kind;
	strcpy(cs->unit, meta.unit);
	count_seq(cs, meta.seq, where);
	if (meta.kind == KIND_DELTA)
		res = store_entries(ig, cs, &meta, pts, n, where);
	else
		res = store_points(ig, cs, &meta, pts, n, where);
out:
	free(pts);
	return res;
}
