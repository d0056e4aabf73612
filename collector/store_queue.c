/* store_queue.c - journaled rows, written to their files by a thread. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gm_err.h"
#include "event_store.h"
#include "log.h"
#include "quarantine.h"
#include "rrd_head.h"
#include "rrd_layout.h"
#include "store_queue.h"
#include "timeutil.h"
#include "wal.h"

/* Why the file may already hold rows queued for it: they are skipped, and
 * counted as written only if this run wrote them. */
enum recheck {
	RECHECK_NONE,
	RECHECK_REPLAYED,   /* from the log of an earlier run */
	RECHECK_FAILED,     /* a write failed part way (librrd writes row by row) */
};

struct sq_chan {
	struct chan_id id;
	struct payload_meta meta;   /* unit and kind, to make the file */
	struct store_row *rows;     /* queued, in time order */
	size_t n, cap;
	uint64_t seg;               /* log segment of the oldest queued row */
	bool dirty;                 /* on the writer's list */
	bool busy;                  /* in the writers' round: its rows are (or will be,
	                             * when the round comes to it) in a writer's hand */
	enum recheck recheck;       /* the file may hold some queued rows already */
	int failed;                 /* the last write's error; GM_OK after a success */
	int64_t retry_at;           /* mono ms: not written again before (back-off) */
	int backoff_ms;             /* the next back-off; 0 after a success */
	bool damaged;               /* set aside: its file is damaged (store_queue_release) */
	bool moving;                /* its rows are on their way to the quarantine:
	                             * store_queue_put waits, so that they stay in order */
	int64_t failing_since;      /* mono ms of the first failure in a row; 0: none */
	char why[QUARANTINE_REASON_MAX];   /* what is wrong with it, when damaged */
	uint64_t late;              /* rows the file refused, kept as late, not told yet */
	bool has_file;              /* writer thread only: its file was seen (no need
	                             * to look) */
	bool fresh;                 /* first seen in this run, not in a round yet */
	struct sq_chan *next_dirty;
};

struct store_queue {
	struct rrd_store *store;
	struct quarantine *dlq;
	const char *datadir;
	struct sq_hooks hooks;
	struct wal *wal;
	int64_t delay_ms;
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;         /* everything below, and the chans' queues */
	pthread_cond_t wake;        /* to the writer: work, hurry or stop */
	pthread_cond_t done;        /* from the writer: a round ended */
	struct hmap chans;          /* struct sq_chan, by id */
	struct sq_chan *dirty_head, *dirty_tail;
	struct sq_chan **round;     /* the writer's: the channels of its round */
	size_t round_cap;
	int64_t dirty_since;        /* mono ms the list became non-empty */
	size_t fresh;               /* channels on the list that are fresh */
	int64_t fresh_since;        /* mono ms the first of them came */
	int64_t last_put;           /* mono ms of the last store_queue_put */
	int64_t pause_ms;
	size_t queued;
	bool hurry, stop;
	uint64_t started, finished; /* rounds of writing */
	pthread_mutex_t trouble_mu; /* a round's threads share trouble */
	struct complaint trouble;
	_Atomic int64_t last_ok;    /* mono ms a file was last written */
	int threads;                /* that write a round, at most */
	int64_t give_up_ms;         /* failing this long while others work: damaged */
};

/* Under q->mu. */
static struct sq_chan *chan_get(struct store_queue *q, const struct chan_id *id)
{
	struct sq_chan *c = hmap_find(&q->chans, id);

	if (c != NULL)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->id = *id;
	c->fresh = true;
	if (hmap_add(&q->chans, c) != GM_OK) {
		free(c);
		return NULL;
	}
	return c;
}

static void mark_dirty(struct store_queue *q, struct sq_chan *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	c->next_dirty = NULL;
	if (q->dirty_tail != NULL) {
		q->dirty_tail->next_dirty = c;
	} else {
		/* the writer sleeps until there is something: wake it once */
		q->dirty_head = c;
		q->dirty_since = mono_ms();
		pthread_cond_signal(&q->wake);
	}
	q->dirty_tail = c;
	if (c->fresh && q->fresh++ == 0)
		q->fresh_since = mono_ms();
}

/* Under q->mu: add the rows (of c) behind what the channel has queued. */
static int enqueue(struct store_queue *q, struct sq_chan *c, const struct chan_rows *cr,
    uint64_t seg)
{
	size_t n = cr->n;

	if (c->n + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4;
		struct store_row *grown;

		while (cap < c->n + n)
			cap *= 2;
		if ((grown = realloc(c->rows, cap * sizeof(*grown))) == NULL)
			return GM_ENOMEM;
		c->rows = grown;
		c->cap = cap;
	}
	if (c->n == 0)
		c->seg = seg;
	memcpy(c->rows + c->n, cr->rows, n * sizeof(*cr->rows));
	c->n += n;
	c->meta = *cr->meta;
	q->queued += n;
	mark_dirty(q, c);
	return GM_OK;
}

/* ---- the writer ------------------------------------------------------- */

/* Rows the file refused go to the events journal as late, never dropped. */
static void keep_late(struct store_queue *q, struct sq_chan *c, const struct store_row *rows,
    size_t n, const char *why)
{
	struct meter_event *evs = calloc(n, sizeof(*evs));
	char err[GM_ERR_MAX], name[3 * (ID_MAX + 1)];
	double at = now_wall();
	int rc = GM_ENOMEM;

	chan_id_str(&c->id, name, sizeof(name));
	if (evs != NULL) {
		for (size_t i = 0; i < n; i++) {
			meter_event_clear(&evs[i]);
			evs[i].t = rows[i].t;
			evs[i].kind = EV_LATE;
			evs[i].v = rows[i].value;
			evs[i].at = at;
		}
		rc = event_store_append(q->datadir, &c->id, evs, n, err, sizeof(err));
	} else {
		snprintf(err, sizeof(err), "out of memory");
	}
	free(evs);
	if (rc != GM_OK) {
		log_err("%s: %zu reading(s) the file refused (%s) could not be kept as late: %s",
		    name, n, why, err);
		return;
	}
	log_warn("%s: %zu reading(s) refused by the file (%s): kept in the events journal as "
	    "late", name, n, why);
	pthread_mutex_lock(&q->mu);
	c->late += n;
	pthread_mutex_unlock(&q->mu);
}

/* How many of the rows, from the first, the file holds already (written
 * before a crash left them in the log, or by a write that failed part way). */
static size_t held_already(struct store_queue *q, struct sq_chan *c,
    const struct store_row *rows, size_t n, char *err, size_t errlen, int *rc)
{
	bool exists;
	double t, v;
	size_t k = 0;

	*rc = rrd_store_last(q->store, &c->id, &exists, &t, &v, err, errlen);
	if (*rc != GM_OK || !exists)
		return 0;
	while (k < n && rrd_ms(rows[k].t) <= rrd_ms(t))
		k++;
	return k;
}

/* What a write did with the rows it was given: how many it put in the file
 * (written), and how many, from the first, are dealt with (in the file, or
 * kept late) whatever the outcome - the rest are what a failure leaves. */
struct write_tally {
	size_t written, done;
};

/* The file was written behind our back: row by row, the refused kept late. */
static int write_one_by_one(struct store_queue *q, struct sq_chan *c,
    const struct chan_rows *cr, struct write_tally *wt, char *err, size_t errlen)
{
	for (size_t i = 0; i < cr->n; i++) {
		struct chan_rows one = { cr->id, cr->meta, &cr->rows[i], 1 };
		int rc = rrd_store_update(q->store, &one, err, errlen);

		if (rc == GM_ESTALE)
			keep_late(q, c, &cr->rows[i], 1, "it has newer readings");
		else if (rc != GM_OK)
			return rc;
		else
			wt->written++;
		wt->done++;
	}
	return GM_OK;
}

static int write_rows(struct store_queue *q, struct sq_chan *c, const struct chan_rows *all,
    enum recheck recheck, struct write_tally *wt, char *err, size_t errlen)
{
	struct chan_rows cr = *all;
	int rc = GM_OK;

	wt->written = wt->done = 0;
	if (recheck != RECHECK_NONE) {
		wt->done = held_already(q, c, cr.rows, cr.n, err, errlen, &rc);
		if (rc != GM_OK)
			return rc;
		if (recheck == RECHECK_FAILED)
			wt->written = wt->done;
		if (wt->done == cr.n)
			return GM_OK;
	}
	cr.rows += wt->done;
	cr.n -= wt->done;
	rc = rrd_store_update(q->store, &cr, err, errlen);
	if (rc == GM_ESTALE)
		return write_one_by_one(q, c, &cr, wt, err, errlen);
	if (rc == GM_EINVAL) {   /* for good: the channel became a delta channel */
		keep_late(q, c, cr.rows, cr.n, err);
		rc = GM_OK;
	} else if (rc == GM_OK) {
		wt->written += cr.n;
	}
	if (rc == GM_OK)
		wt->done += cr.n;
	return rc;
}

/* Under q->mu: rows that failed go back in front of what came since. */
static void put_back(struct store_queue *q, struct sq_chan *c, struct store_row *rows,
    size_t n, uint64_t seg)
{
	struct store_row *all = malloc((n + c->n + 1) * sizeof(*all));

	if (all == NULL) {   /* keep them in the log: the next start writes them */
		log_err("out of memory: %zu row(s) stay in the write-ahead log", n);
		return;
	}
	memcpy(all, rows, n * sizeof(*rows));
	if (c->n > 0)
		memcpy(all + n, c->rows, c->n * sizeof(*rows));
	free(c->rows);
	c->rows = all;
	c->cap = n + c->n + 1;
	c->n += n;
	c->seg = seg;
	q->queued += n;
	mark_dirty(q, c);
}

/* Rows of a channel whose file is damaged go to the quarantine as
 * messages of the wire contract, so that a requeue stores them as any
 * other. GM_OK once they are all there. */
static int quarantine_rows(struct store_queue *q, const struct chan_rows *cr, const char *why,
    char *err, size_t errlen)
{
	const struct store_row *rows = cr->rows;
	size_t n = cr->n;
	char topic[TOPIC_MAX];
	int rc = GM_OK;

	topic_build(topic, sizeof(topic), cr->id, TOPIC_READING);
	for (size_t i = 0; i < n && rc == GM_OK; i += PAYLOAD_MAX_POINTS) {
		size_t k = n - i < PAYLOAD_MAX_POINTS ? n - i : PAYLOAD_MAX_POINTS;
		struct point *pts = malloc(k * sizeof(*pts));
		char *text = NULL;

		for (size_t j = 0; pts != NULL && j < k; j++) {
			pts[j].t = rows[i + j].t;
			pts[j].v = rows[i + j].value;
		}
		if (pts == NULL)
			rc = gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		else if ((rc = payload_encode(cr->meta, pts, k, &text, err, errlen)) == GM_OK)
			rc = quarantine_put(q->dlq, topic, text, strlen(text), why, true, err, errlen);
		free(pts);
		free(text);
	}
	return rc;
}

/* After a failure that may pass: not again before the back-off is over. */
static void back_off(struct sq_chan *c)
{
	c->backoff_ms = c->backoff_ms == 0 ? SQ_BACKOFF_MIN_MS : c->backoff_ms * 2;
	if (c->backoff_ms > SQ_BACKOFF_MAX_MS)
		c->backoff_ms = SQ_BACKOFF_MAX_MS;
	c->retry_at = mono_ms() + c->backoff_ms;
}

/* The file is damaged: its rows to the quarantine, the channel set aside.
 * The rows put since the round took the channel's go after them, in the
 * same step: until they are all there, store_queue_put holds new ones back (moving),
 * so a requeue finds the channel's readings in the order they came. GM_OK,
 * or GM_EIO when they could not go there (then the rows stay queued, as
 * after any failure, and this is tried again). */
static int set_aside(struct store_queue *q, struct sq_chan *c, const struct payload_meta *meta,
    struct store_row **rows, size_t *n, const char *what, char *err, size_t errlen)
{
	char qerr[GM_ERR_MAX], name[3 * (ID_MAX + 1)], why[QUARANTINE_REASON_MAX];
	struct store_row *all;
	size_t total;
	int rc;

	snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, what);   /* may be err itself */
	pthread_mutex_lock(&q->mu);
	c->damaged = c->moving = true;
	snprintf(c->why, sizeof(c->why), "%s", why);
	total = *n + c->n;
	if (c->n > 0 && (all = realloc(*rows, total * sizeof(*all))) != NULL) {
		memcpy(all + *n, c->rows, c->n * sizeof(*all));
		*rows = all;
		*n = total;
		q->queued -= c->n;
		free(c->rows);
		c->rows = NULL;
		c->n = c->cap = 0;
	}
	pthread_mutex_unlock(&q->mu);
	rc = quarantine_rows(q, &(struct chan_rows){ &c->id, meta, *rows, *n }, why, qerr,
	    sizeof(qerr));
	pthread_mutex_lock(&q->mu);
	if (rc == GM_OK)
		c->moving = c->n > 0;   /* rows left (out of memory above): next round */
	pthread_mutex_unlock(&q->mu);
	if (rc != GM_OK) {
		gm_errf(err, errlen, rc, "%s; and the quarantine cannot take its rows: %s", why,
		    qerr);
		return GM_EIO;
	}
	chan_id_str(&c->id, name, sizeof(name));
	log_err("%s: set aside: %s; %zu reading(s) quarantined, and so are the next ones "
	    "until the file is mended and `gm-collector --requeue` is run", name, why, *n);
	if (q->hooks.quarantined != NULL)
		q->hooks.quarantined(q->hooks.user, &c->id, *n, why);
	return GM_OK;
}

/* Failing for good while other files are written (a file we may not write,
 * a layout librrd refuses): past give_up_ms, taken as damaged, so that its
 * rows stop pinning the write-ahead log. A full disk or rrdcached away fails
 * every file alike and never gets here. */
static bool given_up(struct store_queue *q, struct sq_chan *c, int rc, char *err, size_t errlen)
{
	int64_t now = mono_ms(), since, give_up;
	char why[GM_ERR_MAX];

	if (rc == GM_OK || rc == GM_EDAMAGED)
		return false;
	/* a requeue's release and the setting of give_up_ms come meanwhile */
	pthread_mutex_lock(&q->mu);
	if (c->failing_since == 0)
		c->failing_since = now;
	since = c->failing_since;
	give_up = q->give_up_ms;
	pthread_mutex_unlock(&q->mu);
	if (now - since < give_up || q->last_ok <= since)
		return false;
	snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 80, err);
	gm_errf(err, errlen, GM_EDAMAGED, "%s; failing for %lld s while other files were "
	    "written", why, (long long)((now - since) / 1000));
	return true;
}

/* Write one channel's rows taken off its queue; false if it failed. */
static bool write_chan(struct store_queue *q, struct sq_chan *c)
{
	char err[GM_ERR_MAX], name[3 * (ID_MAX + 1)];
	struct payload_meta meta;
	struct store_row *rows;
	uint64_t seg;
	size_t n;
	struct write_tally wt = { 0, 0 };
	enum recheck recheck;
	bool damaged;
	int rc;

	pthread_mutex_lock(&q->mu);
	rows = c->rows;
	n = c->n;
	seg = c->seg;
	recheck = c->recheck;
	meta = c->meta;
	damaged = c->damaged;
	snprintf(err, sizeof(err), "%s", c->why);
	c->rows = NULL;
	c->n = c->cap = 0;
	q->queued -= n;
	pthread_mutex_unlock(&q->mu);

	if (damaged)   /* rows put before it was set aside */
		rc = GM_EDAMAGED;
	else
		rc = write_rows(q, c, &(struct chan_rows){ &c->id, &meta, rows, n }, recheck, &wt,
		    err, sizeof(err));
	if (wt.written > 0 && q->hooks.written != NULL)
		q->hooks.written(q->hooks.user, &c->id, wt.written);
	if (wt.written > 0 || (rc == GM_OK && n > 0))
		q->last_ok = mono_ms();
	if (rc == GM_EDAMAGED || given_up(q, c, rc, err, sizeof(err))) {
		size_t left = n - wt.done;

		if (wt.done > 0 && left > 0)
			memmove(rows, rows + wt.done, left * sizeof(*rows));
		n = left;
		wt.done = 0;
		rc = set_aside(q, c, &meta, &rows, &n, err, err, sizeof(err));
	}
	pthread_mutex_lock(&q->mu);
	c->busy = false;
	c->failed = rc;
	if (rc == GM_OK) {
		c->recheck = RECHECK_NONE;
		c->backoff_ms = 0;
		c->retry_at = 0;
		c->failing_since = 0;
	} else {
		/* not the rows dealt with: in the file (and told), or kept late */
		n -= wt.done;
		put_back(q, c, rows + wt.done, n, seg);
		if (c->recheck == RECHECK_NONE)
			c->recheck = RECHECK_FAILED;
		back_off(c);
	}
	pthread_mutex_unlock(&q->mu);
	free(rows);
	if (rc != GM_OK) {
		chan_id_str(&c->id, name, sizeof(name));
		pthread_mutex_lock(&q->trouble_mu);
		complain(&q->trouble, time(NULL), "%s: %s; %zu row(s) kept in the write-ahead "
		    "log, tried again", name, err, n);
		pthread_mutex_unlock(&q->trouble_mu);
	}
	return rc == GM_OK;
}

/* ---- a round, several channels at a time ------------------------------- */

/*
 * A round's channels are written by the writer and helper threads, each
 * taking the next channel until none is left: new files always run side by
 * side, updates with librrd (rrd_store_concurrent; through rrdcached's one
 * connection they go one at a time). A new file is its megabyte written,
 * which the kernel copies into the page cache on the writing thread's CPU:
 * at 10,000 new channels one writer spent nine tenths of its time there
 * while the other CPU idled. Then, with every file made, writing one row
 * into each of 10,000 files took the one writer 2.3-2.9 s, collectd's five
 * write threads 1.2-1.3 s. Channels with files come first, new ones last: a
 * round does not keep the meters already known waiting behind the costly
 * part. A new channel's file is made with its rows in one call (a dashboard
 * that finds a file without readings calls the meter stale:
 * tests/integration/84-gateway-alert.sh). No other call is on a round's
 * channels meanwhile: they are busy, and a settle waits for the round.
 * Making a file also waits in the kernel (the file system's journal, the
 * disk), so more threads than CPUs pay: with 2, 4 and 8 threads making the
 * files (beside one writer, before the helpers wrote updates too) on 2
 * CPUs, 10,000 new channels took 17.4, 15.5 and 15.6 s end to end
 * (bench/collector-mqtt.sh MODE=e2e); 8 gained nothing on 4 at 1,000
 * channels and cost 5 MB more.
 */
#define SQ_THREADS_CPU 2
#define SQ_THREADS_MAX 8
/* channels a thread at least: fewer are not worth starting one */
#define SQ_EACH 8

struct round {
	struct store_queue *q;
	struct sq_chan **c;         /* the round's channels */
	size_t n;
	atomic_size_t next;         /* the next one a thread takes */
	atomic_size_t failed;
	pthread_t helper[SQ_THREADS_MAX];
	size_t started;
};

static void *write_some(void *arg)
{
	struct round *r = arg;
	size_t i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->n)
		if (!write_chan(r->q, r->c[i]))
			atomic_fetch_add(&r->failed, 1);
	return NULL;
}

/* Moves the round's channels that have no file yet to its end, order
 * kept; returns how many there are. */
static size_t new_last(struct store_queue *q, struct sq_chan **round, size_t n)
{
	char path[PATH_MAX];
	struct stat st;
	struct sq_chan **fresh;
	size_t have = 0, k = 0;

	if ((fresh = malloc(n * sizeof(*fresh))) == NULL)
		return 0;   /* in the order they came, the writer alone */
	for (size_t i = 0; i < n; i++) {
		struct sq_chan *c = round[i];
		bool is_new = false;

		if (!c->has_file) {
			rrd_layout_path(path, sizeof(path), q->datadir, &c->id);
			c->has_file = true;   /* from now on, the writes judge what is there */
			is_new = lstat(path, &st) != 0 && errno == ENOENT;
		}
		if (is_new)
			fresh[k++] = c;
		else
			round[have++] = c;
	}
	memcpy(round + have, fresh, k * sizeof(*fresh));
	free(fresh);
	return k;
}

/* Starts the helpers that write the round beside the writer: for every
 * channel where updates run side by side (librrd), else for the new files
 * only (rrdcached: helpers with nothing new would queue on its one
 * connection); none for a few. */
static void start_round(struct store_queue *q, struct round *r, size_t n)
{
	size_t fresh, threads;

	memset(r, 0, sizeof(*r));
	r->q = q;
	r->c = q->round;
	r->n = n;
	atomic_init(&r->next, 0);
	atomic_init(&r->failed, 0);
	fresh = new_last(q, q->round, n);
	threads = (rrd_store_concurrent(q->store) ? n : fresh) / SQ_EACH;
	if (threads > (size_t)q->threads)
		threads = (size_t)q->threads;
	while (r->started + 1 < threads &&
	    pthread_create(&r->helper[r->started], NULL, write_some, r) == 0)
		r->started++;
}

/* The writer writes its share, then waits for the helpers. Returns how many
 * channels failed. */
static size_t end_round(struct round *r)
{
	write_some(r);
	for (size_t i = 0; i < r->started; i++)
		pthread_join(r->helper[i], NULL);
	return atomic_load(&r->failed);
}

/* Under q->mu: the oldest segment a queued row still needs. */
static uint64_t oldest_needed(struct store_queue *q)
{
	uint64_t seg = wal_segment(q->wal);

	for (struct sq_chan *c = q->dirty_head; c != NULL; c = c->next_dirty)
		if (c->n > 0 && c->seg < seg)
			seg = c->seg;
	return seg;
}

/* c onto the end of the list being built from head and tail. */
static void keep_dirty(struct sq_chan **head, struct sq_chan **tail, struct sq_chan *c)
{
	c->next_dirty = NULL;
	if (*tail != NULL)
		(*tail)->next_dirty = c;
	else
		*head = c;
	*tail = c;
}

/* Under q->mu: the dirty channels that are due (all of them when `all`;
 * only the fresh ones when `fresh`) become the round's array; those still
 * backing off stay on the list. Once a channel is off the list,
 * store_queue_put may put it on the next one at any moment, so the round
 * must not follow next_dirty after the lock is let go. */
static size_t take_round(struct store_queue *q, bool all, bool fresh)
{
	struct sq_chan *c, *next, *keep_head = NULL, *keep_tail = NULL;
	int64_t now = mono_ms();
	size_t n = 0;

	for (c = q->dirty_head; c != NULL; c = next) {
		next = c->next_dirty;
		if ((!all && c->retry_at > now) || (fresh && !c->fresh)) {
			keep_dirty(&keep_head, &keep_tail, c);
			continue;
		}
		if (n == q->round_cap) {
			size_t cap = q->round_cap ? 2 * q->round_cap : 1024;
			struct sq_chan **grown = realloc(q->round, cap * sizeof(*grown));

			if (grown == NULL) {   /* the rest stay dirty, for the next round */
				keep_dirty(&keep_head, &keep_tail, c);
				continue;
			}
			q->round = grown;
			q->round_cap = cap;
		}
		c->dirty = false;
		c->busy = true;   /* from now: a settle waits for this round */
		if (c->fresh) {
			c->fresh = false;
			q->fresh--;
		}
		q->round[n++] = c;
	}
	q->dirty_head = keep_head;
	q->dirty_tail = keep_tail;
	/* the channels a fresh round leaves keep their time */
	if (!fresh || q->dirty_head == NULL)
		q->dirty_since = q->dirty_head != NULL ? now : 0;
	return n;
}

/* One round: every channel queued when it starts (the fresh ones only when
 * `fresh`). Returns how many failed. */
static size_t write_round(struct store_queue *q, bool all, bool fresh)
{
	char err[GM_ERR_MAX];
	struct round r;
	size_t failed, n;
	uint64_t keep;
	int sealing;

	pthread_mutex_lock(&q->mu);
	q->started++;
	q->hurry = false;
	n = take_round(q, all, fresh);
	sealing = wal_rotate(q->wal);   /* rows from now on go to a new segment */
	pthread_mutex_unlock(&q->mu);

	/* the helpers write while the segment is flushed: under load a flush
	 * waits for the file system's journal, up to 0.3 s at 10,000 new
	 * channels */
	start_round(q, &r, n);
	if (sealing >= 0 && wal_seal(q->wal, sealing, err, sizeof(err)) != GM_OK)
		log_warn("%s", err);
	/* the helpers are done: the trouble is the writer's alone again */
	if ((failed = end_round(&r)) == 0)
		complain_release(&q->trouble, time(NULL), "writing queued rows");

	pthread_mutex_lock(&q->mu);
	keep = oldest_needed(q);
	q->finished++;
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->mu);
	wal_drop_before(q->wal, keep);
	return failed;
}

/* Under q->mu: when the next round is due. A burst (a replay after an
 * outage) is written in a few big rounds: rows wait up to the delay while
 * more keep coming, and go as soon as the stream pauses. A channel backing
 * off after a failure waits for its time: while every dirty channel does,
 * the writer sleeps until the first of them is due, so a full disk costs a
 * try every few seconds, not a busy loop. Channels seen for the first time
 * do not wait for the delay: their files, the costly part, are made (and
 * their rows written) in a round of their own a pause after the first of
 * them came - meters coming online get their files while they keep
 * sending, not all at once later. */
static int64_t round_due(const struct store_queue *q)
{
	int64_t full = q->dirty_since + q->delay_ms;
	int64_t paused = q->last_put + q->pause_ms;
	int64_t due = paused < full ? paused : full, ready = INT64_MAX;

	for (const struct sq_chan *c = q->dirty_head; c != NULL; c = c->next_dirty) {
		if (c->retry_at < ready)
			ready = c->retry_at;
		if (ready <= due)
			break;
	}
	return ready > due ? ready : due;
}

/* Under q->mu: when a round of the fresh channels only is due. */
static int64_t fresh_due(const struct store_queue *q)
{
	return q->fresh > 0 ? q->fresh_since + q->pause_ms : INT64_MAX;
}

/* Under q->mu: sleep until there is a round to write (*fresh: of the fresh
 * channels only), or stop. */
static bool await_round(struct store_queue *q, bool *fresh)
{
	while (!q->stop) {
		int64_t due, now, first;
		struct timespec ts;

		if (q->dirty_head == NULL) {
			pthread_cond_wait(&q->wake, &q->mu);
			continue;
		}
		due = round_due(q);
		first = fresh_due(q);
		now = mono_ms();
		*fresh = false;
		if (q->hurry || now >= due)
			return true;
		if (now >= first) {
			*fresh = true;
			return true;
		}
		if (first < due)
			due = first;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (due - now) / 1000;
		ts.tv_nsec += ((due - now) % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&q->wake, &q->mu, &ts);
	}
	return false;
}

static void *writer(void *arg)
{
	struct store_queue *q = arg;
	bool fresh;

	pthread_mutex_lock(&q->mu);
	while (await_round(q, &fresh)) {
		pthread_mutex_unlock(&q->mu);
		write_round(q, false, fresh);
		pthread_mutex_lock(&q->mu);
	}
	/* stopping: what is queued goes out now; one try when it fails */
	while (q->dirty_head != NULL) {
		pthread_mutex_unlock(&q->mu);
		if (write_round(q, true, false) > 0)
			return NULL;
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* ---- the caller's side ----------------------------------------------- */

static void take_replayed(void *user, uint64_t seg, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row)
{
	struct store_queue *q = user;
	struct sq_chan *c = chan_get(q, id);

	/* a row not newer than the one before it could not be written anyway */
	if (c == NULL || (c->n > 0 && rrd_ms(row->t) <= rrd_ms(c->rows[c->n - 1].t)))
		return;
	c->recheck = RECHECK_REPLAYED;
	if (enqueue(q, c, &(struct chan_rows){ id, meta, row, 1 }, seg) != GM_OK)
		log_err("out of memory replaying the write-ahead log");
}

int store_queue_open(struct store_queue **out, struct rrd_store *s, struct quarantine *dlq,
    const char *datadir, double delay_s, double wait_s, const struct sq_hooks *hooks,
    char *err, size_t errlen)
{
	struct store_queue *q = calloc(1, sizeof(*q));
	long cpus;
	int rc;

	*out = NULL;
	if (q == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	q->store = s;
	q->dlq = dlq;
	q->datadir = datadir;
	if (hooks != NULL)
		q->hooks = *hooks;
	q->delay_ms = (int64_t)llround(delay_s * 1000);
	q->pause_ms = SQ_PAUSE_MS;
	q->give_up_ms = SQ_GIVE_UP_S * 1000;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	q->threads = cpus < 1 ? SQ_THREADS_CPU : cpus >= SQ_THREADS_MAX / SQ_THREADS_CPU ?
	    SQ_THREADS_MAX : (int)cpus * SQ_THREADS_CPU;
	hmap_init(&q->chans, &chan_id_keys, offsetof(struct sq_chan, id), false);
	pthread_mutex_init(&q->mu, NULL);
	pthread_mutex_init(&q->trouble_mu, NULL);
	pthread_cond_init(&q->wake, NULL);
	pthread_cond_init(&q->done, NULL);
	if ((rc = wal_open(&q->wal, datadir, wait_s, err, errlen)) != GM_OK ||
	    (rc = wal_replay(q->wal, take_replayed, q, err, errlen)) != GM_OK)
		goto fail;
	if (q->queued > 0) {
		log_info("write-ahead log: %zu row(s) of an earlier run queued again", q->queued);
		q->hurry = true;
	}
	if (pthread_create(&q->thread, NULL, writer, q) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "cannot start the writer thread");
		goto fail;
	}
	q->running = true;
	*out = q;
	return GM_OK;
fail:
	store_queue_close(q);
	return rc;
}

void store_queue_close(struct store_queue *q)
{
	struct sq_chan *c;

	if (q == NULL)
		return;
	if (q->running) {
		pthread_mutex_lock(&q->mu);
		q->stop = true;
		pthread_cond_signal(&q->wake);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	if (q->queued > 0)
		log_warn("write-ahead log: %zu row(s) not written; kept for the next start",
		    q->queued);
	wal_close(q->wal);
	for (size_t i = 0; (c = hmap_next(&q->chans, &i)) != NULL; ) {
		free(c->rows);
		free(c);
	}
	hmap_fini(&q->chans);
	free(q->round);
	pthread_mutex_destroy(&q->mu);
	pthread_mutex_destroy(&q->trouble_mu);
	pthread_cond_destroy(&q->wake);
	pthread_cond_destroy(&q->done);
	free(q);
}

int store_queue_put(struct store_queue *q, const struct chan_rows *cr, char *err, size_t errlen)
{
	size_t n = cr->n;
	struct sq_chan *c;
	int rc;

	if (n == 0)
		return GM_OK;
	pthread_mutex_lock(&q->mu);
	q->last_put = mono_ms();
	if (q->queued + n > SQ_MAX_ROWS) {
		rc = gm_errf(err, errlen, GM_EIO, "%zu rows wait to be written", q->queued);
	} else if ((c = chan_get(q, cr->id)) == NULL) {
		rc = gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	} else if (c->moving) {   /* its rows go to the quarantine first */
		rc = gm_errf(err, errlen, GM_EIO, "the channel's rows are on their way to the "
		    "quarantine");
	} else if (c->damaged) {
		rc = gm_errf(err, errlen, GM_EDAMAGED, "%s", c->why);
	} else if ((rc = wal_append(q->wal, cr, err, errlen)) == GM_OK &&
	    (rc = enqueue(q, c, cr, wal_segment(q->wal))) != GM_OK) {
		/* in the log but not queued: the next start writes them */
		log_err("out of memory: %zu row(s) stay in the write-ahead log", n);
		rc = GM_OK;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int store_queue_settle(struct store_queue *q, const struct chan_id *id, char *err, size_t errlen)
{
	struct sq_chan *c;
	int rc = GM_OK;

	pthread_mutex_lock(&q->mu);
	c = hmap_find(&q->chans, id);
	/* a channel being set aside: its rows go to the quarantine in this
	 * round; wait for that, so that what follows goes there after them */
	while (c != NULL && (c->n > 0 || c->busy) && (!c->damaged || c->moving)) {
		/* in the round under way: it takes whatever rows the channel has
		 * when it comes to it; else the next round to start does */
		uint64_t round = c->busy ? q->started : q->started + 1;

		q->hurry = true;
		pthread_cond_signal(&q->wake);
		while (q->finished < round)
			pthread_cond_wait(&q->done, &q->mu);
		if (c->n > 0 && c->failed != GM_OK) {
			rc = gm_errf(err, errlen, c->failed, "rows queued for it could not be "
			    "written yet");
			break;
		}
	}
	if (c != NULL && c->damaged)
		rc = gm_errf(err, errlen, GM_EDAMAGED, "%s", c->why);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void store_queue_release(struct store_queue *q, const struct chan_id *id)
{
	struct sq_chan *c;

	pthread_mutex_lock(&q->mu);
	if ((c = hmap_find(&q->chans, id)) != NULL) {
		c->damaged = c->moving = false;
		c->why[0] = '\0';
		c->backoff_ms = 0;
		c->retry_at = 0;
		c->failing_since = 0;
	}
	pthread_mutex_unlock(&q->mu);
}

uint64_t store_queue_take_late(struct store_queue *q, const struct chan_id *id)
{
	struct sq_chan *c;
	uint64_t late = 0;

	pthread_mutex_lock(&q->mu);
	if ((c = hmap_find(&q->chans, id)) != NULL) {
		late = c->late;
		c->late = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return late;
}

void store_queue_set_give_up(struct store_queue *q, double give_up_s)
{
	pthread_mutex_lock(&q->mu);
	q->give_up_ms = (int64_t)llround(give_up_s * 1000);
	pthread_mutex_unlock(&q->mu);
}

int store_queue_sync(struct store_queue *q, char *err, size_t errlen)
{
	int fd;

	pthread_mutex_lock(&q->mu);
	fd = wal_rotate(q->wal);   /* rows from now on go to a new segment */
	pthread_mutex_unlock(&q->mu);
	return fd < 0 ? GM_OK : wal_seal(q->wal, fd, err, errlen);
}

void store_queue_set_pause(struct store_queue *q, double pause_s)
{
	pthread_mutex_lock(&q->mu);
	q->pause_ms = (int64_t)llround(pause_s * 1000);
	pthread_mutex_unlock(&q->mu);
}

size_t store_queue_queued(struct store_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->queued;
	pthread_mutex_unlock(&q->mu);
	return n;
}
