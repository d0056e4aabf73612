/* requeue.c - quarantined messages back through ingest, on request. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gm_err.h"
#include "fileio.h"
#include "log.h"
#include "requeue.h"
#include "timeutil.h"

/* A channel taken back in this run, and what became of its readings. */
struct released {
	struct chan_state *cs;
	uint64_t quarantined_before;   /* cs->quarantined when the run took it back */
	uint64_t fed;                  /* readings of it put through ingest */
};

struct run {
	struct ingest *ig;
	struct requeue_report *rep;
	struct released *chans;
	size_t n, cap;
};

static struct released *find_released(struct run *r, const struct chan_state *cs)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->chans[i].cs == cs)
			return &r->chans[i];
	return NULL;
}

/* Once a run, before its first message: the channel is no longer set
 * aside, and its file is read afresh. A message that finds it still
 * damaged sets it aside again. NULL when out of memory. */
static struct released *release(struct run *r, struct chan_state *cs)
{
	struct released *c = find_released(r, cs);
	struct ingest *ig = r->ig;

	if (c != NULL)
		return c;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct released *grown = realloc(r->chans, cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		r->chans = grown;
		r->cap = cap;
	}
	c = &r->chans[r->n++];
	c->cs = cs;
	c->fed = 0;
	if (ingest_aside(ig, cs))
		r->rep->channels++;
	quarantine_clear_aside(ig->dlq, &cs->r.id);
	registry_clear_aside(ig->reg, cs);
	if (ig->queue != NULL)
		store_queue_release(ig->queue, &cs->r.id);
	cs->loaded = false;
	cs->meta_loaded = false;
	c->quarantined_before = registry_quarantined(ig->reg, cs);
	return c;
}

static size_t readings_in(const struct quarantine_rec *q)
{
	struct payload_meta meta;
	struct point *pts;
	size_t n = 0;
	char err[160];

	if (payload_decode(q->payload, q->len, &meta, &pts, &n, err, sizeof(err)) != GM_OK)
		return 0;
	free(pts);
	return n;
}

static int requeue_one(void *user, const struct quarantine_rec *q)
{
	struct run *r = user;
	struct ingest *ig = r->ig;
	struct released *c = NULL;
	struct chan_state *cs;
	enum ingest_result res;
	enum topic_kind kind;
	struct chan_id id;
	const void *in_hand = ig->in_hand;   /* paho's message waiting for a retry */
	size_t n = readings_in(q);
	char err[GM_ERR_MAX];
	int busy = 0;

	if (topic_parse(q->topic, &id, &kind, err, sizeof(err)) == GM_OK &&
	    (cs = registry_get(ig->reg, &id)) != NULL && (c = release(r, cs)) == NULL)
		return GM_ENOMEM;
	ig->requeue = true;
	while ((res = ingest_message(ig, q->topic, q->payload, q->len)) == INGEST_BUSY &&
	    ++busy < 500)
		usleep(2000);
	ig->requeue = false;
	ig->in_hand = in_hand;
	if (res != INGEST_DONE) {   /* cannot be stored now: back, for the next requeue */
		if (quarantine_put(ig->dlq, q->topic, q->payload, q->len, "requeued, but could not "
		    "be stored yet (see the log): requeue again", true, err, sizeof(err)) != GM_OK) {
			log_err("requeue: %s: %s", q->topic, err);
			return GM_EIO;   /* kept where it is */
		}
		r->rep->back += n;
		r->rep->refused++;
	}
	r->rep->taken++;
	r->rep->readings += n;
	if (res == INGEST_DONE && ig->fate != INGEST_STORED)
		r->rep->refused++;
	if (res == INGEST_DONE && c != NULL)
		c->fed += n;
	return GM_OK;
}

/* Before the records taken leave the quarantine: what was stored of them
 * is in the write-ahead log on disk. */
static int sync_log(void *user)
{
	struct run *r = user;
	char err[GM_ERR_MAX];

	if (r->ig->queue == NULL || store_queue_sync(r->ig->queue, err, sizeof(err)) == GM_OK)
		return GM_OK;
	log_err("requeue: %s", err);
	return GM_EIO;
}

/* Once the writer has written (or put back) every channel's rows: what
 * went back, per channel, from its quarantined count. */
static void account(struct run *r)
{
	struct ingest *ig = r->ig;

	for (size_t i = 0; i < r->n; i++) {
		struct released *c = &r->chans[i];
		struct chan_state *cs = c->cs;
		char why[GM_ERR_MAX];
		uint64_t back;

		if (ig->queue != NULL && store_queue_settle(ig->queue, &cs->r.id, why,
		    sizeof(why)) != GM_OK &&
		    !ingest_aside(ig, cs))
			log_warn("requeue: %s/%s/%s: %s", cs->r.id.site, cs->r.id.meter, cs->r.id.channel,
			    why);
		back = registry_quarantined(ig->reg, cs) - c->quarantined_before;
		if (back > c->fed)
			back = c->fed;
		r->rep->back += (size_t)back;
		cs->r.requeued += c->fed - back;
	}
}

int requeue_run(struct ingest *ig, const struct chan_id *only, struct requeue_report *rep,
    char *err, size_t errlen)
{
	struct run r = { ig, rep, NULL, 0, 0 };
	const struct quarantine_taker taker = { requeue_one, sync_log, &r };
	size_t taken;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = quarantine_take(ig->dlq, only, &taker, &taken, err, errlen);
	account(&r);
	free(r.chans);
	return rc;
}

void requeue_describe(const struct requeue_report *rep, char *buf, size_t len)
{
	snprintf(buf, len, "%zu message(s) (%zu reading(s)) taken from the quarantine: %zu "
	    "reading(s) stored or found stored already, %zu back in it; %zu message(s) refused "
	    "again; %zu channel(s) taken back from being set aside", rep->taken, rep->readings,
	    rep->readings - rep->back, rep->back, rep->refused, rep->channels);
}

/* ---- requests between the command and the running collector ---------- */

static void request_path(char *buf, size_t len, const char *datadir, long pid,
    const char *ext)
{
	snprintf(buf, len, "%s/.quarantine/requeue-%ld.%s", datadir, pid, ext);
}

/* The request's one line, from a regular file only: nothing someone put
 * there (a link, a FIFO) makes the collector follow it or wait. */
static bool read_request(const char *path, char *line, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	n = read(fd, line, len - 1);
	close(fd);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return true;
}

/* One request file: its channel (or "all"), run, answered. */
static void serve_one(struct ingest *ig, pthread_mutex_t *lock, long pid)
{
	char path[PATH_MAX], done[PATH_MAX], line[256], err[GM_ERR_MAX], text[GM_ERR_MAX + 200];
	struct requeue_report rep;
	struct chan_id id;
	bool ok;
	int rc;

	request_path(path, sizeof(path), ig->datadir, pid, "req");
	request_path(done, sizeof(done), ig->datadir, pid, "done");
	ok = read_request(path, line, sizeof(line));
	unlink(path);
	if (!ok)
		return;
	if (strcmp(line, "all") != 0 &&
	    chan_id_parse(line, strlen(line), &id, err, sizeof(err)) != GM_OK) {
		snprintf(text, sizeof(text), "error: not a channel: %s\n", err);
	} else {
		pthread_mutex_lock(lock);
		rc = requeue_run(ig, strcmp(line, "all") == 0 ? NULL : &id, &rep, err, sizeof(err));
		pthread_mutex_unlock(lock);
		requeue_describe(&rep, text, sizeof(text) - 8);
		log_info("requeue of %s: %s", strcmp(line, "all") == 0 ? "all" : line, text);
		if (rc != GM_OK)
			snprintf(text, sizeof(text), "error: %s\n", err);
		else
			strcat(text, "\n");
	}
	if (fileio_replace(done, text, strlen(text), 0644, false, err, sizeof(err)) != GM_OK)
		log_warn("requeue: %s", err);
}

/* Requests are served only from a directory no one else may write to. */
static bool dir_trusted(const char *dir)
{
	static struct complaint untrusted;
	struct stat st;

	if (lstat(dir, &st) != 0)
		return false;
	if (S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 022) == 0)
		return true;
	complain(&untrusted, time(NULL), "%s: not a directory of ours that only we may write "
	    "to: requeue requests there are not served", dir);
	return false;
}

void requeue_serve(struct ingest *ig, pthread_mutex_t *lock)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.quarantine", ig->datadir);
	if (!dir_trusted(dir) || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		long pid;
		int end = 0;

		if (sscanf(e->d_name, "requeue-%ld.req%n", &pid, &end) == 1 &&
		    (size_t)end == strlen(e->d_name) && pid > 0)
			serve_one(ig, lock, pid);
	}
	closedir(d);
}

int requeue_ask(const char *datadir, const char *only, double wait_s)
{
	char path[PATH_MAX], done[PATH_MAX], err[GM_ERR_MAX], line[GM_ERR_MAX + 200];
	long pid = (long)getpid();
	int64_t until = mono_ms() + (int64_t)(wait_s * 1000);
	bool failed = false;
	FILE *f;

	request_path(path, sizeof(path), datadir, pid, "req");
	request_path(done, sizeof(done), datadir, pid, "done");
	unlink(done);   /* an answer to an earlier command of this pid */
	snprintf(line, sizeof(line), "%s\n", only != NULL ? only : "all");
	if (fileio_replace(path, line, strlen(line), 0644, true, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-collector: %s\n", err);
		return 3;
	}
	while ((f = fopen(done, "r")) == NULL) {
		if (mono_ms() > until) {
			unlink(path);
			fprintf(stderr, "gm-collector: the running collector did not answer in %.0f s; "
			    "is it stuck on a message? (its log says)\n", wait_s);
			return 3;
		}
		usleep(100 * 1000);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		failed |= strncmp(line, "error:", 6) == 0;
		fputs(line, stdout);
	}
	fclose(f);
	unlink(done);
	return failed ? 1 : 0;
}
