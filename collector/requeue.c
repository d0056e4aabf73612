/* requeue.c - quarantined messages back through ingest, on request. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "log.h"
#include "requeue.h"
#include "timeutil.h"

#define ERR_MAX 512
#define RELEASED_MAX 4096   /* channels taken back in one run, remembered */

struct run {
	struct ingest *ig;
	struct requeue_report *rep;
	struct chan_id released[RELEASED_MAX];
	size_t nreleased;
};

static bool released(struct run *r, const struct chan_id *id)
{
	for (size_t i = 0; i < r->nreleased; i++)
		if (strcmp(r->released[i].channel, id->channel) == 0 &&
		    strcmp(r->released[i].meter, id->meter) == 0 &&
		    strcmp(r->released[i].site, id->site) == 0)
			return true;
	return false;
}

/* Once a run, before its first message: the channel is no longer set
 * aside, and its file is read afresh. A message that finds it still
 * damaged sets it aside again. */
static void release(struct run *r, struct chan_state *cs)
{
	if (released(r, &cs->id))
		return;
	if (r->nreleased < RELEASED_MAX)
		r->released[r->nreleased++] = cs->id;
	if (registry_aside(r->ig->reg, cs))
		r->rep->channels++;
	registry_clear_aside(r->ig->reg, cs);
	if (r->ig->queue != NULL)
		sq_release(r->ig->queue, &cs->id);
	cs->loaded = false;
	cs->meta_loaded = false;
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

static void requeue_one(void *user, const struct quarantine_rec *q)
{
	struct run *r = user;
	struct ingest *ig = r->ig;
	struct chan_state *cs = NULL;
	enum ingest_result res;
	enum topic_kind kind;
	struct chan_id id;
	uint64_t before = ig->dead_letters;
	char err[ERR_MAX];
	int busy = 0;

	if (topic_parse(q->topic, &id, &kind, err, sizeof(err)) == GM_OK &&
	    (cs = registry_get(ig->reg, &id)) != NULL)
		release(r, cs);
	ig->requeue = true;
	while ((res = ingest_message(ig, q->topic, q->payload, q->len)) == INGEST_BUSY &&
	    ++busy < 500)
		usleep(2000);
	ig->requeue = false;
	ig->in_hand = NULL;
	if (res != INGEST_DONE) {   /* cannot be stored now: it goes back */
		if (quarantine_put(ig->dlq, q->topic, q->payload, q->len, "requeued, but could not "
		    "be stored yet: try again", true, err, sizeof(err)) != GM_OK)
			log_err("requeue: %s: %s; the message stays in the journal being taken",
			    q->topic, err);
		r->rep->back++;
	} else if (ig->dead_letters > before) {
		r->rep->back++;
	}
	if (cs != NULL && ig->dead_letters == before && res == INGEST_DONE)
		cs->requeued += readings_in(q);
	r->rep->taken++;
}

int requeue_run(struct ingest *ig, const struct chan_id *only, struct requeue_report *rep,
    char *err, size_t errlen)
{
	struct run *r = calloc(1, sizeof(*r));
	size_t taken;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (r == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	r->ig = ig;
	r->rep = rep;
	rc = quarantine_take(ig->dlq, only, requeue_one, r, &taken, err, errlen);
	/* what was stored is in its file when we answer */
	for (size_t i = 0; ig->queue != NULL && i < r->nreleased; i++) {
		char why[ERR_MAX];

		if (sq_settle(ig->queue, &r->released[i], why, sizeof(why)) != GM_OK)
			log_warn("requeue: %s/%s/%s: %s", r->released[i].site, r->released[i].meter,
			    r->released[i].channel, why);
	}
	free(r);
	return rc;
}

void requeue_describe(const struct requeue_report *rep, char *buf, size_t len)
{
	snprintf(buf, len, "%zu message(s) taken from the quarantine: %zu stored or found "
	    "stored already, %zu back in it; %zu channel(s) taken back from being set aside",
	    rep->taken, rep->taken - rep->back, rep->back, rep->channels);
}

/* ---- requests between the command and the running collector ---------- */

static void request_path(char *buf, size_t len, const char *datadir, long pid,
    const char *ext)
{
	snprintf(buf, len, "%s/.quarantine/requeue-%ld.%s", datadir, pid, ext);
}

/* One request file: its channel (or "all"), run, answered. */
static void serve_one(struct ingest *ig, pthread_mutex_t *lock, long pid)
{
	char path[PATH_MAX], done[PATH_MAX], line[256] = "", err[ERR_MAX], text[ERR_MAX + 64];
	struct requeue_report rep;
	struct chan_id id;
	FILE *f;
	int rc;

	request_path(path, sizeof(path), ig->datadir, pid, "req");
	request_path(done, sizeof(done), ig->datadir, pid, "done");
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	unlink(path);
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "all") != 0 &&
	    chan_id_parse(line, strlen(line), &id, err, sizeof(err)) != GM_OK) {
		snprintf(text, sizeof(text), "error: %s\n", err);
	} else {
		pthread_mutex_lock(lock);
		rc = requeue_run(ig, strcmp(line, "all") == 0 ? NULL : &id, &rep, err, sizeof(err));
		pthread_mutex_unlock(lock);
		requeue_describe(&rep, text, sizeof(text) - 8);
		log_info("requeue of %s: %s", line, text);
		if (rc != GM_OK)
			snprintf(text, sizeof(text), "error: %s\n", err);
		else
			strcat(text, "\n");
	}
	if (fileio_replace(done, text, strlen(text), 0644, false, err, sizeof(err)) != GM_OK)
		log_warn("requeue: %s", err);
}

void requeue_serve(struct ingest *ig, pthread_mutex_t *lock)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.quarantine", ig->datadir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		long pid;
		char tail[8];

		if (sscanf(e->d_name, "requeue-%ld.%4s", &pid, tail) == 2 &&
		    strcmp(tail, "req") == 0)
			serve_one(ig, lock, pid);
	}
	closedir(d);
}

int requeue_ask(const char *datadir, const char *only, double wait_s)
{
	char path[PATH_MAX], done[PATH_MAX], err[ERR_MAX], line[ERR_MAX + 64];
	long pid = (long)getpid();
	int64_t until = mono_ms() + (int64_t)(wait_s * 1000);
	FILE *f;

	request_path(path, sizeof(path), datadir, pid, "req");
	request_path(done, sizeof(done), datadir, pid, "done");
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
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stdout);
	fclose(f);
	unlink(done);
	return strncmp(line, "error:", 6) == 0 ? 1 : 0;
}
