/* ingest.c - validate and store one message of the wire contract. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chan_dir.h"
#include "chanmeta.h"
#include "counter.h"
#include "entries.h"
#include "entry_store.h"
#include "gm_err.h"
#include "event_store.h"
#include "ingest.h"
#include "log.h"
#include "meter_events.h"
#include "rrd_head.h"
#include "seqwin.h"
#include "timeutil.h"

/* A reason, with the few words put before it, fits a channel's status
 * record (chan_record.problem), where the status file shows it. */
#define REASON_MAX 320

static enum ingest_result refuse(struct ingest *ig, struct chan_state *cs, size_t n,
    const char *where, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A topic fit to print: printable ASCII, cut at 120 characters with "..."
 * to show it was cut. */
static void shown_topic(char *buf, size_t len, const char *topic)
{
	size_t o = 0, i;

	for (i = 0; topic[i] != '\0' && o + 4 < len && i < 120; i++) {
		unsigned char c = (unsigned char)topic[i];
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (topic[i] != '\0' && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* Rows of the channel still queued are written before its file is read.
 * GM_EDAMAGED (why in err) when its file is damaged; GM_EIO, logged, for a
 * failure that may pass. */
static int settle(struct ingest *ig, struct chan_state *cs, const char *where, char *err,
    size_t errlen)
{
	char name[3 * (ID_MAX + 1)];
	int rc;

	if (ig->queue == NULL || (rc = store_queue_settle(ig->queue, &cs->r.id, err,
	    errlen)) == GM_OK)
		return GM_OK;
	if (rc == GM_EDAMAGED)
		return rc;
	chan_id_str(&cs->r.id, name, sizeof(name));
	complain(&ig->store_trouble, time(NULL), "%s%s%s: %s; message kept for another try",
	    where, where[0] ? ": " : "", name, err);
	return GM_EIO;
}

/* Load what the store already holds, once per channel per run, and an
 * announced replacement or reset after it that no reading has used yet. */
int ingest_load_last(struct ingest *ig, struct chan_state *cs, char *err, size_t errlen)
{
	bool exists;
	int rc;

	if (cs->loaded)
		return GM_OK;
	if ((rc = settle(ig, cs, "", err, errlen)) != GM_OK)
		return rc;
	if ((rc = rrd_store_last(ig->store, &cs->r.id, &exists, &cs->r.last_t, &cs->r.last_v, err,
	    errlen)) != GM_OK) {
		if (rc == GM_EDAMAGED)
			return rc;
		/* rrdcached away, a file unreadable: the message waits, and the
		 * log says so rarely */
		complain(&ig->store_trouble, time(NULL), "%s; message kept for another try",
		    err);
		return GM_EIO;
	}
	cs->r.have_last = exists && cs->r.last_t > 0;
	if ((rc = meter_events_rearm(ig, cs, err, errlen)) != GM_OK)
		return rc;
	cs->loaded = true;
	return GM_OK;
}

/* seq numbers a channel's messages (docs/wire-contract.md): a jump means
 * messages are missing, counted lost until they come - a resend after
 * newer ones (a broker restarted, a spool replayed) takes its number back.
 * A lower seq with older readings is such a replay, or a repeat; with
 * readings newer than any stored, the sender started its numbering afresh.
 * Manual entries (delta) are numbered by month and come in any order: a
 * month not entered is no lost message, so they are not counted. newest_t:
 * the message's last reading. */
static void count_seq(struct ingest *ig, struct chan_state *cs, const struct payload_meta *meta,
    double newest_t, const char *where)
{
	uint64_t seq = meta->seq;
	int d;

	if (cs->r.have_seq && seq < cs->seen.top && cs->r.have_last && newest_t > cs->r.last_t) {
		log_info("%s: seq %llu after %llu, with newer readings: the sender numbers its "
		    "messages afresh", where, (unsigned long long)seq,
		    (unsigned long long)cs->seen.top);
		cs->seen.bits = 0;
	}
	d = seqwin_note(&cs->seen, seq);
	cs->r.last_seq = cs->seen.top;
	cs->r.have_seq = true;
	/* in a shared group each collector sees only some of the messages */
	if (ig->shared || meta->kind == KIND_DELTA)
		return;
	if (d > 0) {
		cs->r.lost += (uint64_t)d;
		log_warn("%s: %d message(s) missing before seq %llu", where, d,
		    (unsigned long long)seq);
	} else if (d < 0 && cs->r.lost > 0) {
		cs->r.lost--;
		log_info("%s: message seq %llu came after newer ones: no longer counted lost",
		    where, (unsigned long long)seq);
	}
}

/* The writer thread sets a channel's problem too (ingest_quarantined):
 * under the registry's lock. */
static void note_problem(struct ingest *ig, struct chan_state *cs, const char *fmt,
    const char *detail)
{
	char text[sizeof(cs->r.problem)];

	snprintf(text, sizeof(text), fmt, detail);
	registry_note_problem(ig->reg, cs, text, now_wall(), ig->fault_hold_s);
}

/* What a counter reading adds since the one before it: the counter
 * difference, or after an announced replacement or reset, what the old
 * counter ran (pend_carry) plus what the new one ran since its start. A fall
 * nobody announced becomes a flag (*flag, *flagged) for the journal. */
static double counter_use(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta,
    const struct point *p, struct meter_event *flag, bool *flagged, const char *where)
{
	double prev = cs->r.last_v, carry = 0, most = NAN, dt, d;
	bool announced = cs->pending && p->t >= cs->pend_t;   /* at t: the new meter */
	enum counter_event ev;

	*flagged = false;
	if (announced)
		cs->pending = false;
	/* A channel's very first reading counts nothing before it, and says
	 * so with a known 0: its file starts at the minute's beginning
	 * (rrd_store.c), and a minute more than half unknown would lose the
	 * start of the next reading's use with it. */
	if (!cs->r.have_last)
		return 0;
	if (isnan(cs->r.last_v))
		return NAN;   /* nothing to count from */
	if (announced) {
		prev = cs->pend_base;
		carry = cs->pend_carry;
	}
	dt = p->t - cs->r.last_t;
	if (cs->peak_rate > 0)
		most = cs->peak_rate * dt * 2;   /* twice the fastest seen: a margin */
	d = counter_delta(prev, p->v, meta->wrap, most, &ev);
	if (ev == COUNTER_WRAP)
		cs->r.wraps++;
	if ((ev == COUNTER_OK || ev == COUNTER_WRAP) && !announced && d / dt > cs->peak_rate)
		cs->peak_rate = d / dt;
	if (ev == COUNTER_RESET || ev == COUNTER_RESET_UNCOUNTED) {
		cs->r.resets++;
		*flagged = true;
		meter_event_clear(flag);
		flag->t = p->t;
		flag->kind = ev == COUNTER_RESET ? EV_RESET_DETECTED : EV_RESET_UNCOUNTED;
		flag->from = prev;
		flag->to = p->v;
		flag->counted = d;
		log_warn("%s: counter fell from %.17g to %.17g at %.3f with no reset announced; "
		    "%s, flagged for review", where, prev, p->v, p->t, ev == COUNTER_RESET ?
		    "taken to restart from 0, so counted as it shows" :
		    "too much to have counted since the reading before: counted as 0");
		note_problem(ig, cs, "unannounced counter reset (%s)",
		    meter_event_kind_name(flag->kind));
	}
	return d + carry;
}

/* One message's readings on their way: the rows newer than the file, the
 * older readings still to sort, and the events (counter flags, late
 * readings) for the channel's journal; where names the message in logs. */
struct batch {
	const struct payload_meta *meta;
	const char *where;
	struct store_row *rows;
	size_t *row_at;            /* each row's reading, by its position in the message */
	size_t k;
	struct point *old;
	size_t *old_at;            /* the same for the older readings */
	size_t nold;
	struct meter_event *evs;   /* room for two per reading */
	size_t nev;
};

/* The store refuses a whole batch when its first row is not newer than the
 * file. Knowing the file's last time to the millisecond we filter those
 * ourselves, so this happens only when the file was written behind our back
 * (another collector on the same channel): store the rows one by one; the
 * ones refused join the older readings. */
static int store_one_by_one(struct ingest *ig, struct chan_state *cs, struct batch *b,
    char *err, size_t errlen)
{
	int rc = GM_OK;

	for (size_t i = 0; i < b->k; i++) {
		struct chan_rows one = { &cs->r.id, b->meta, &b->rows[i], 1 };

		rc = rrd_store_update(ig->store, &one, err, errlen);
		if (rc == GM_ESTALE) {
			b->old_at[b->nold] = b->row_at[i];
			b->old[b->nold].t = b->rows[i].t;
			b->old[b->nold++].v = b->rows[i].value;
		} else if (rc == GM_OK) {
			cs->r.stored++;
		} else {
			return rc;
		}
	}
	return GM_OK;
}

/* What became of the message's reading at position i (ig->notes). */
static void note(struct ingest *ig, size_t i, char what)
{
	if (ig->notes != NULL)
		ig->notes[i] = what;
}

/* GM_OK; GM_EDAMAGED with why in err (the journal is not a file); or GM_EIO,
 * logged, leaving err empty. */
static int record_events(struct ingest *ig, struct chan_state *cs,
    struct meter_event *evs, size_t nev, const char *where, char *err, size_t errlen)
{
	char path[PATH_MAX];
	double at = now_wall();
	int rc;

	for (size_t i = 0; i < nev; i++)
		evs[i].at = at;
	if ((rc = event_store_append(ig->datadir, &cs->r.id, evs, nev, err, errlen)) == GM_OK)
		return GM_OK;
	meter_event_journal_path(path, sizeof(path), ig->datadir, &cs->r.id);
	if (chan_file_judge(path, rc, err, errlen) == GM_EDAMAGED)
		return GM_EDAMAGED;
	complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another try", where,
	    err);
	err[0] = '\0';
	return GM_EIO;
}

/* Readings at or before the file's last: where the file has readings they
 * are repeats (a message resent after a lost acknowledgement, or renumbered
 * by an agent restart) and are counted as duplicates; where it has a gap
 * they come late (a second path, a clock set back, two collectors racing):
 * the RRD cannot take them, so they go to the channel's events journal,
 * kept and reported, never dropped. */
static int sort_older(struct ingest *ig, struct chan_state *cs, struct batch *b,
    char *errbuf, size_t errlen)
{
	const struct point *old = b->old;
	size_t nold = b->nold;
	const char *where = b->where;
	double *ts = malloc(nold * sizeof(*ts));
	bool *covered = malloc(nold * sizeof(*covered));
	size_t nlate = 0;
	long every;
	int rc = GM_ENOMEM;

	if (ts == NULL || covered == NULL)
		goto out;
	if (ig->shared) {
		/* the message was not stored (seqwin.h): its readings are late */
		memset(covered, 0, nold * sizeof(*covered));
		rc = GM_OK;
		goto sort;
	}
	for (size_t i = 0; i < nold; i++)
		ts[i] = old[i].t;
	if ((rc = settle(ig, cs, where, errbuf, errlen)) != GM_OK)
		goto out;
	/* the channel's cadence as its .meta says (keep_every brought it up to
	 * date), or for a new one as this message does */
	every = cs->meta_loaded ? cs->meta.every : b->meta->every;
	if ((rc = rrd_store_covered(ig->store, &cs->r.id, ts, nold, cs->r.last_t, every, covered,
	    errbuf, errlen)) != GM_OK) {
		if (rc != GM_EDAMAGED)
			complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another "
			    "try", where, errbuf);
		goto out;
	}
sort:
	for (size_t i = 0; i < nold; i++) {
		struct meter_event *ev;

		if (covered[i]) {
			cs->r.duplicates++;
			note(ig, b->old_at[i], ARR_DUPLICATE);
			continue;
		}
		note(ig, b->old_at[i], ARR_LATE);
		ev = &b->evs[b->nev++];
		meter_event_clear(ev);
		ev->t = old[i].t;
		ev->kind = EV_LATE;
		ev->v = old[i].v;
		ev->seq = b->meta->seq;
		cs->r.late++;
		nlate++;
	}
	if (nlate > 0)
		log_warn("%s: %zu reading(s) older than the file's last update, where it has no "
		    "readings: kept in the events journal as late", where, nlate);
out:
	free(ts);
	free(covered);
	return rc;
}

static void note_interval(struct chan_state *cs, double t)
{
	if (cs->r.have_last && t > cs->r.last_t)
		cs->r.interval = t - cs->r.last_t;
}

/* What became of a message's readings, told to the caller and the log. */
static enum ingest_result finish_points(struct ingest *ig, struct chan_state *cs, int rc,
    uint64_t resets, size_t n, const char *err, const char *where)
{
	if (rc == GM_EDAMAGED) {
		cs->loaded = false;
		return ingest_quarantine(ig, cs, n, err, true, where);
	}
	if (rc == GM_EINVAL) {
		log_warn("%s: rejected: %s", where, err);
		note_problem(ig, cs, "rejected: %s", err);
		cs->loaded = false;   /* nothing was stored: forget what we assumed */
		return refuse(ig, cs, n, where, "%s", err);
	}
	if (rc == GM_EBUSY) {
		cs->loaded = false;
		return INGEST_BUSY;
	}
	if (rc != GM_OK) {
		if (err[0])   /* record_events and sort_older said it themselves */
			complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for "
			    "another try", where, err);
		cs->loaded = false;   /* reload the truth from the file next time */
		return INGEST_RETRY;
	}
	complain_release(&ig->store_trouble, time(NULL), "storing readings");
	if (cs->r.resets == resets)
		cs->r.fault = false;   /* stored cleanly: whatever was wrong has passed */
	return INGEST_DONE;
}

/* Rows for the readings newer than the file, flags for the journal; the
 * older readings go to b->old to be sorted. */
static void make_rows(struct ingest *ig, struct chan_state *cs, struct batch *b,
    const struct point *pts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct store_row *row = &b->rows[b->k];
		uint64_t resets = cs->r.resets, wraps = cs->r.wraps;
		bool flagged = false;

		/* on the store's millisecond grid: two readings in one
		 * millisecond are one row of the file */
		if (cs->r.have_last && rrd_ms(pts[i].t) <= rrd_ms(cs->r.last_t)) {
			b->old_at[b->nold] = i;
			b->old[b->nold++] = pts[i];
			continue;
		}
		b->row_at[b->k] = i;
		row->t = pts[i].t;
		row->value = pts[i].v;
		row->use = NAN;
		if (b->meta->kind == KIND_COUNTER)
			row->use = counter_use(ig, cs, b->meta, &pts[i], &b->evs[b->nev], &flagged,
			    b->where);
		if (flagged)
			b->nev++;
		note(ig, i, cs->r.resets > resets ? ARR_RESET : cs->r.wraps > wraps ? ARR_WRAP :
		    ARR_STORED);
		note_interval(cs, pts[i].t);
		cs->r.last_t = pts[i].t;
		cs->r.last_v = pts[i].v;
		cs->r.have_last = true;
		b->k++;
	}
}

/* Store the rows; the ones the file refuses join old[]. Queued rows are
 * safe once in the write-ahead log; the writer keeps the few a file refuses
 * as late itself, and they are counted here. */
static int put_rows(struct ingest *ig, struct chan_state *cs, struct batch *b, char *err,
    size_t errlen)
{
	struct chan_rows cr = { &cs->r.id, b->meta, b->rows, b->k };
	int rc;

	if (ig->queue != NULL) {   /* stored: counted once written (ingest_written) */
		rc = store_queue_put(ig->queue, &cr, err, errlen);
		cs->r.late += store_queue_take_late(ig->queue, &cs->r.id);
		return rc;
	}
	rc = b->k > 0 ? rrd_store_update(ig->store, &cr, err, errlen) : GM_OK;

	if (rc == GM_OK) {
		cs->r.stored += b->k;
	} else if (rc == GM_ESTALE) {
		/* the file knew better than we did: what we assumed of its last
		 * reading (and the use computed from it) may be wrong, so read
		 * it again for the next message */
		cs->loaded = false;
		rc = store_one_by_one(ig, cs, b, err, errlen);
	}
	return rc;
}

/* Shared subscriptions: another collector may have written the file since
 * we last did, so take it in turn and read its last reading afresh. */
static int take_turn(struct ingest *ig, struct chan_state *cs, int *lock, const char *where,
    char *err, size_t errlen)
{
	*lock = STORE_NO_FILE;
	if (!ig->shared)
		return GM_OK;
	if ((*lock = rrd_store_lock(ig->store, &cs->r.id, err, errlen)) == STORE_LOCK_FAILED) {
		complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another try",
		    where, err);
		return GM_EIO;
	}
	cs->loaded = false;
	return ingest_load_last(ig, cs, err, errlen);
}

static enum ingest_result store_points_locked(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	struct batch b = {
		.meta = meta, .where = where,
		.rows = calloc(n, sizeof(*b.rows)),
		.row_at = calloc(n, sizeof(*b.row_at)),
		.old = calloc(n, sizeof(*b.old)),
		.old_at = calloc(n, sizeof(*b.old_at)),
		.evs = calloc(2 * n, sizeof(*b.evs)),
	};
	char err[REASON_MAX] = "";
	size_t nflags;
	uint64_t resets = cs->r.resets;
	int rc = GM_OK;

	if (b.rows == NULL || b.evs == NULL || b.old == NULL || b.row_at == NULL ||
	    b.old_at == NULL) {
		rc = GM_ENOMEM;
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	make_rows(ig, cs, &b, pts, n);
	/* flags first: a failure after them repeats a flag, never loses one */
	if ((nflags = b.nev) > 0)
		rc = record_events(ig, cs, b.evs, b.nev, where, err, sizeof(err));
	if (rc == GM_OK)
		rc = put_rows(ig, cs, &b, err, sizeof(err));
	if (rc == GM_OK && b.nold > 0) {
		err[0] = '\0';
		rc = sort_older(ig, cs, &b, err, sizeof(err));
		if (rc != GM_OK && rc != GM_EDAMAGED)
			err[0] = '\0';   /* said already */
	}
	if (rc == GM_OK && b.nev > nflags)
		rc = record_events(ig, cs, b.evs + nflags, b.nev - nflags, where, err, sizeof(err));
out:
	free(b.rows);
	free(b.row_at);
	free(b.evs);
	free(b.old);
	free(b.old_at);
	return finish_points(ig, cs, rc, resets, n, err, where);
}

static enum ingest_result store_points(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	enum ingest_result res;
	int lock;

	struct seqwin win = { 0, 0 };
	char err[REASON_MAX];
	int rc;

	if ((rc = take_turn(ig, cs, &lock, where, err, sizeof(err))) != GM_OK) {
		rrd_store_unlock(lock);
		return rc == GM_EDAMAGED ? ingest_quarantine(ig, cs, n, err, true, where) :
		    INGEST_RETRY;
	}
	if (ig->shared)
		seqwin_read(ig->datadir, &cs->r.id, &win);
	if (ig->shared && seqwin_has(&win, meta->seq)) {
		cs->r.duplicates += n;   /* stored already, by us or another collector */
		for (size_t i = 0; i < n; i++)
			note(ig, i, ARR_DUPLICATE);
		rrd_store_unlock(lock);
		return INGEST_DONE;
	}
	res = store_points_locked(ig, cs, meta, pts, n, where);
	if (ig->shared && res == INGEST_DONE) {
		seqwin_add(&win, meta->seq);
		if (seqwin_write(ig->datadir, &cs->r.id, &win, err, sizeof(err)) != GM_OK)
			log_warn("%s: %s; a redelivery of this message would count as late",
			    where, err);
	}
	rrd_store_unlock(lock);
	return res;
}

/* The channel is set aside: a marker every collector of the data
 * directory sees, and its problem. */
static void set_aside(struct ingest *ig, const struct chan_id *id, size_t n, const char *why)
{
	char err[REASON_MAX], name[3 * (ID_MAX + 1)];

	if (quarantine_set_aside(ig->dlq, id, why, err, sizeof(err)) != GM_OK) {
		chan_id_str(id, name, sizeof(name));
		log_err("%s: %s; set aside until this collector stops", name, err);
	}
	registry_add_quarantined(ig->reg, id, n, why, now_wall());
}

enum ingest_result ingest_quarantine(struct ingest *ig, struct chan_state *cs, size_t n,
    const char *why, bool must_keep, const char *where)
{
	char err[REASON_MAX], problem[sizeof(cs->r.problem)] = "set aside";
	/* taken out of the quarantine, it goes back whole whatever the cap */
	bool keep = must_keep || ig->requeue;
	int rc;

	if (ig->dlq == NULL)
		return must_keep ? INGEST_RETRY : INGEST_DONE;
	if (why == NULL && cs != NULL)
		registry_problem(ig->reg, cs, problem, sizeof(problem));
	rc = quarantine_put(ig->dlq, ig->msg_topic, ig->msg_payload, ig->msg_len,
	    why != NULL ? why : problem, keep, err, sizeof(err));
	if (rc == GM_OK) {
		ig->dead_letters++;
		ig->fate = INGEST_QUARANTINED;
		if (must_keep && why != NULL)
			log_err("%s: set aside: %s; its readings go to the quarantine until the "
			    "file is mended and `gm-collector --requeue` is run", where, why);
		if (cs != NULL && must_keep && why != NULL)
			set_aside(ig, &cs->r.id, n, why);
		else if (cs != NULL)
			registry_add_quarantined(ig->reg, &cs->r.id, n, NULL, now_wall());
		return INGEST_DONE;
	}
	if (!keep) {   /* refused anyway, and logged so: only not kept */
		ig->fate = INGEST_NOT_KEPT;
		if (rc != GM_ERANGE)
			complain(&ig->dlq_trouble, time(NULL), "%s: not kept in the quarantine: %s",
			    where, err);
		return INGEST_DONE;
	}
	complain(&ig->store_trouble, time(NULL), "%s: %s; the quarantine cannot keep it "
	    "either (%s); message kept for another try", where, why ? why : problem, err);
	return INGEST_RETRY;
}

void ingest_written(void *user, const struct chan_id *id, size_t n)
{
	struct ingest *ig = user;

	registry_add_stored(ig->reg, id, n);
}

void ingest_quarantined(void *user, const struct chan_id *id, size_t n, const char *why)
{
	struct ingest *ig = user;

	set_aside(ig, id, n, why);
}

/* Delta readings (manual entries) go to the channel's entries journal, in
 * any order: a late month is stored, a changed value for a t already entered
 * is a correction, the same value again a duplicate. */
static enum ingest_result store_entries(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	struct entry_put *put = calloc(n, sizeof(*put));
	struct entry_put_report rep;
	char err[REASON_MAX];
	int rc;

	if (put == NULL) {
		log_err("%s: out of memory", where);
		return INGEST_RETRY;
	}
	rc = entry_store_put(ig->datadir, &(struct entry_msg){ &cs->r.id, meta, pts, n,
	    ig->now > 0 ? ig->now : now_wall() }, put, &rep, err, sizeof(err));
	if (rc == GM_EINVAL) {
		log_warn("%s: rejected: %s", where, err);
		free(put);
		return refuse(ig, cs, n, where, "%s", err);
	}
	if (rc != GM_OK) {
		char path[PATH_MAX];

		free(put);
		entries_path(path, sizeof(path), ig->datadir, &cs->r.id);
		if (chan_file_judge(path, rc, err, sizeof(err)) == GM_EDAMAGED)
			return ingest_quarantine(ig, cs, n, err, true, where);
		complain(&ig->store_trouble, time(NULL), "%s: %s; message kept for another try",
		    where, err);
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
			cs->r.duplicates++;
			note(ig, i, ARR_DUPLICATE);
			continue;
		}
		note(ig, i, ARR_STORED);
		cs->r.stored++;
		if (put[i].fate == ENTRY_CORRECTION) {
			char when[32];

			time_format_local((time_t)pts[i].t, when, sizeof(when));
			log_info("%s: correction: the entry for the period ending %s (t %.17g) "
			    "was %.17g, now %.17g", where, when, pts[i].t, put[i].old_v, pts[i].v);
		}
	}
	cs->r.have_last = rep.have_last;
	cs->r.last_t = rep.last_t;
	cs->r.last_v = rep.last_v;
	free(put);
	return INGEST_DONE;
}

/* A channel is one unit and one kind, as its .meta says (read once a run):
 * a reading in W on a kWh counter would be stored as kWh, and a gauge
 * reading on a counter would get no use. */
static bool fits_channel(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const char *where)
{
	char why[256];

	if (!cs->meta_loaded) {
		int rc = chanmeta_read(ig->datadir, &cs->r.id, &cs->meta, why, sizeof(why));

		if (rc != GM_OK && rc != GM_ENOTFOUND)
			return true;   /* unreadable: left for a person; readings still count */
		cs->meta_loaded = rc == GM_OK;
		if (!cs->meta_loaded)
			return true;   /* a new channel: its first reading decides */
	}
	if (strcmp(cs->meta.unit, meta->unit) == 0 && cs->meta.kind == meta->kind)
		return true;
	log_warn("topic %s: rejected: the channel is stored as %s %s; a %s %s reading does "
	    "not fit it", where, cs->meta.unit, kind_name(cs->meta.kind), meta->unit,
	    kind_name(meta->kind));
	if (!ig->requeue) {
		cs->r.rejected++;
		note_problem(ig, cs, "rejected: a reading of another unit or kind (%s)", meta->unit);
	}
	return false;
}

/* The channel's expected interval, as its sender says it ("every"), kept in
 * its .meta for reports: rewritten only when it changes - per message, one
 * integer compared with what the .meta said - and never erased by a message
 * that does not say. A channel whose .meta is not written yet gets it from
 * the message that creates its file (rrd_store.c); one whose .meta could
 * not be read is left for a person to mend. A rewrite that fails is logged
 * once and kept in memory: the next change, or a restart, writes it. */
static void keep_every(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const char *where)
{
	char err[REASON_MAX];
	long was = cs->meta.every;

	if (meta->every == 0 || !cs->meta_loaded || meta->every == was)
		return;
	cs->meta.every = meta->every;
	if (chanmeta_write(ig->datadir, &cs->r.id, &cs->meta, err, sizeof(err)) != GM_OK)
		log_warn("topic %s: expected interval now %ld s, not written: %s", where,
		    meta->every, err);
	else if (was == 0)
		log_info("topic %s: expected interval %ld s, kept in the channel's .meta", where,
		    meta->every);
	else
		log_info("topic %s: expected interval changed from %ld s to %ld s; the channel's "
		    ".meta rewritten", where, was, meta->every);
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

/* A reading that does not fit the channel's unit or kind, or comes from a
 * clock far ahead, is refused by rule: kept in the quarantine with the
 * reason, for a person to see and, once the cause is mended, to requeue. */
static enum ingest_result refuse(struct ingest *ig, struct chan_state *cs, size_t n,
    const char *where, const char *fmt, ...)
{
	char why[REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ingest_quarantine(ig, cs, n, why, false, where);
}

/* The channel is set aside (its file damaged): the message joins the
 * quarantine after it, in order, until a requeue. */
static enum ingest_result follow_aside(struct ingest *ig, struct chan_state *cs, size_t n,
    const char *where)
{
	log_debug("%s: channel set aside: message quarantined", where);
	return ingest_quarantine(ig, cs, n, NULL, true, where);
}

/* Set aside by a collector: alone on the data directory, what this run
 * learnt (and the marker once, at first sight); in a shared group, the
 * marker every time, as another collector may have set or cleared it. */
bool ingest_aside(struct ingest *ig, struct chan_state *cs)
{
	char why[QUARANTINE_REASON_MAX];

	if (ig->dlq != NULL && (ig->shared || !cs->aside_known)) {
		bool marked = quarantine_is_aside(ig->dlq, &cs->r.id, why, sizeof(why));

		registry_set_aside(ig->reg, cs, marked, why, now_wall());
		cs->aside_known = true;
	}
	return registry_aside(ig->reg, cs);
}

/* A message for the channel arrived (once, however often it is offered). */
static void count_message(struct ingest *ig, struct chan_state *cs,
    const struct payload_meta *meta, const struct point *pts, size_t n, const char *where)
{
	cs->r.received += n;
	cs->r.last_seen = now_wall();
	cs->r.kind = meta->kind;
	strcpy(cs->r.unit, meta->unit);
	count_seq(ig, cs, meta, pts[n - 1].t, where);
}

/* The message's readings as they came, each with what became of it (the
 * notes the storing left; all quarantined when the message was not
 * stored); at most ig->arrivals, the newest. */
static void note_arrivals(struct ingest *ig, struct chan_state *cs, const struct point *pts,
    size_t n)
{
	double at = ig->now > 0 ? ig->now : now_wall();
	size_t from = n > ig->arrivals ? n - ig->arrivals : 0;

	for (size_t i = from; i < n; i++) {
		char what = ig->fate != INGEST_STORED || ig->notes[i] == 0 ? ARR_QUARANTINED :
		    ig->notes[i];
		struct arrival a = { pts[i].t, pts[i].v, at, what };

		status_arrived(&cs->r, &a, ig->arrivals);
	}
}

enum ingest_result ingest_message(struct ingest *ig, const char *topic,
    const void *payload, size_t len)
{
	char err[REASON_MAX], where[160];
	struct payload_meta meta;
	struct point *pts = NULL;
	struct chan_state *cs;
	enum topic_kind kind;
	struct chan_id id;
	enum ingest_result res = INGEST_DONE;
	bool again = ig->in_hand == payload || ig->requeue, aside, counted = false;
	size_t n = 0;
	int rc = GM_OK;

	ig->in_hand = NULL;
	ig->fate = INGEST_STORED;
	ig->msg_topic = topic;
	ig->msg_payload = payload;
	ig->msg_len = len;
	shown_topic(where, sizeof(where), topic);
	/* an agent asking the broker what it may publish: nothing to store */
	if (len == 0 && topic_is_access_check(topic)) {
		log_debug("topic %s: an agent's access check", where);
		return INGEST_DONE;
	}
	if (topic_parse(topic, &id, &kind, err, sizeof(err)) != GM_OK) {
		log_warn("topic %s: rejected: %s", where, err);
		return INGEST_DONE;
	}
	if (kind == TOPIC_EVENT) {
		res = meter_events_take(ig, &id, payload, len, where);
		goto out;
	}
	if (payload_decode(payload, len, &meta, &pts, &n, err, sizeof(err)) != GM_OK) {
		log_warn("topic %s: rejected payload: %s", where, err);
		/* counted against a channel we know; an unknown one is not added */
		if ((cs = registry_find(ig->reg, &id)) != NULL && !ig->requeue) {
			cs->r.rejected++;
			note_problem(ig, cs, "payload rejected: %s", err);
		}
		return refuse(ig, cs, 0, where, "payload rejected: %s", err);
	}
	if (too_far_ahead(ig, pts, n, where)) {   /* an unknown channel is not added */
		res = refuse(ig, registry_find(ig->reg, &id), n, where, "reading at %.3f is ahead "
		    "of the collector's clock by more than max_future", pts[n - 1].t);
		goto out;
	}
	if ((cs = registry_get(ig->reg, &id)) == NULL) {
		res = INGEST_RETRY;
		goto out;
	}
	/* what becomes of each reading is noted as it is stored */
	if (!ig->requeue && ig->arrivals > 0 && (ig->notes = calloc(n, 1)) != NULL)
		counted = true;
	/* a delta channel keeps no RRD: nothing to load for it */
	if (!(aside = ingest_aside(ig, cs)) && meta.kind != KIND_DELTA &&
	    (rc = ingest_load_last(ig, cs, err, sizeof(err))) != GM_OK && rc != GM_EDAMAGED) {
		res = INGEST_RETRY;
		goto out;
	}
	if (aside || rc == GM_EDAMAGED) {   /* it follows the channel's others there */
		if (!again)
			count_message(ig, cs, &meta, pts, n, where);
		res = aside ? follow_aside(ig, cs, n, where) :
		    ingest_quarantine(ig, cs, n, err, true, where);
		goto out;
	}
	if (!fits_channel(ig, cs, &meta, where)) {
		res = refuse(ig, cs, n, where, "the channel is stored as %s %s; a %s %s reading does "
		    "not fit it", cs->meta.unit, kind_name(cs->meta.kind), meta.unit,
		    kind_name(meta.kind));
		goto out;
	}
	keep_every(ig, cs, &meta, where);
	/* a message offered again after a failed store was counted already */
	if (!again)
		count_message(ig, cs, &meta, pts, n, where);
	if (meta.kind == KIND_DELTA)
		res = store_entries(ig, cs, &meta, pts, n, where);
	else
		res = store_points(ig, cs, &meta, pts, n, where);
out:
	if (counted && res == INGEST_DONE)
		note_arrivals(ig, cs, pts, n);
	free(ig->notes);
	ig->notes = NULL;
	free(pts);
	if (res != INGEST_DONE)
		ig->in_hand = payload;
	return res;
}
