/* quarantine.c - the dead-letter journal of messages that cannot be stored. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "log.h"
#include "numtext.h"
#include "payload.h"
#include "quarantine.h"
#include "timeutil.h"

#define TAG "Q1 "
#define HEAD_MAX (sizeof(TAG) + 32 + 24 + TOPIC_MAX + QUARANTINE_REASON_MAX + 8)

struct quarantine {
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];     /* the journal */
	char taking[PATH_MAX + 16];   /* the journal being taken */
	int fd;
	uint64_t records, bytes;
	uint64_t refused_max;
};

static int open_journal(struct quarantine *q, char *err, size_t errlen);

/* The reason as one line of printable ASCII, cut to fit. */
static void clean_reason(char *dst, size_t len, const char *why)
{
	size_t o = 0;

	for (; why[0] != '\0' && o + 1 < len; why++) {
		unsigned char c = (unsigned char)*why;

		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

static bool topic_fits(const char *topic)
{
	size_t n = strlen(topic);

	if (n == 0 || n >= TOPIC_MAX)
		return false;
	for (; *topic; topic++)
		if ((unsigned char)*topic <= 0x20 || (unsigned char)*topic >= 0x7f)
			return false;
	return true;
}

/* Under q->mu: the journal open and locked against the other collectors of
 * a shared group. A requeue elsewhere may have renamed the file we hold
 * open: then the one now at the path is opened. */
static int lock_journal(struct quarantine *q, char *err, size_t errlen)
{
	struct stat held, now;

	for (int tries = 0; tries < 10; tries++) {
		if (q->fd < 0 && open_journal(q, err, errlen) != GM_OK)
			return GM_EIO;
		if (flock(q->fd, LOCK_EX) != 0)
			return gm_errf(err, errlen, GM_EIO, "%s: flock: %s", q->path, strerror(errno));
		if (fstat(q->fd, &held) == 0 && stat(q->path, &now) == 0 &&
		    held.st_ino == now.st_ino && held.st_dev == now.st_dev)
			return GM_OK;
		close(q->fd);   /* releases the lock */
		q->fd = -1;
	}
	return gm_errf(err, errlen, GM_EIO, "%s: keeps being replaced", q->path);
}

/* Under q->mu: one record, written whole or not at all, and synced. */
static int append(struct quarantine *q, double at, const char *topic, const void *payload,
    size_t len, const char *reason, char *err, size_t errlen)
{
	char head[HEAD_MAX], why[QUARANTINE_REASON_MAX + 1], when[32], *rec;
	size_t hl, total;
	off_t size;
	int rc = GM_OK;

	if (!topic_fits(topic) || len > PAYLOAD_MAX_BYTES)
		return gm_errf(err, errlen, GM_EINVAL, "not a message the journal keeps");
	clean_reason(why, sizeof(why), reason);
	numtext_shortest(when, sizeof(when), at);
	hl = (size_t)snprintf(head, sizeof(head), TAG "%s %zu %s %s\n", when, len, topic, why);
	total = hl + len + 1;
	if ((rec = malloc(total)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	memcpy(rec, head, hl);
	memcpy(rec + hl, payload, len);
	rec[total - 1] = '\n';
	if (lock_journal(q, err, errlen) != GM_OK) {
		free(rec);
		return GM_EIO;
	}
	size = lseek(q->fd, 0, SEEK_END);
	if (fileio_write_all(q->fd, rec, total) != 0 || fdatasync(q->fd) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
		if (size >= 0 && ftruncate(q->fd, size) != 0)
			log_warn("%s: cannot cut a torn record off: %s", q->path, strerror(errno));
	} else {
		q->records++;
		q->bytes += total;
	}
	flock(q->fd, LOCK_UN);
	free(rec);
	return rc;
}

static int open_journal(struct quarantine *q, char *err, size_t errlen)
{
	struct stat st;

	q->fd = open(q->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (q->fd < 0 || fstat(q->fd, &st) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
	q->bytes = (uint64_t)st.st_size;
	return GM_OK;
}

static void count_one(void *user, const struct quarantine_rec *r)
{
	(void)r;
	(*(uint64_t *)user)++;
}

/* Under q->mu, or before anyone else has q: records of the journal being
 * taken go back into the journal. */
static void put_back_one(void *user, const struct quarantine_rec *r)
{
	struct quarantine *q = user;
	char err[PATH_MAX + 64];

	if (append(q, r->at, r->topic, r->payload, r->len, r->reason, err, sizeof(err)) != GM_OK)
		log_err("quarantine: %s; the record stays in %s", err, q->taking);
}

int quarantine_open(struct quarantine **out, const char *datadir, uint64_t refused_max,
    char *err, size_t errlen)
{
	struct quarantine *q = calloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	if (q == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	q->fd = -1;
	q->refused_max = refused_max;
	snprintf(q->dir, sizeof(q->dir), "%s/.quarantine", datadir);
	snprintf(q->path, sizeof(q->path), "%s/journal", q->dir);
	snprintf(q->taking, sizeof(q->taking), "%s/journal.taking", q->dir);
	if (mkdir(q->dir, 0755) != 0 && errno != EEXIST) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->dir, strerror(errno));
		goto fail;
	}
	if ((rc = open_journal(q, err, errlen)) != GM_OK ||
	    (rc = quarantine_read(q->path, count_one, &q->records, err, errlen)) != GM_OK)
		goto fail;
	if (access(q->taking, F_OK) == 0) {   /* a requeue was cut short */
		if ((rc = quarantine_read(q->taking, put_back_one, q, err, errlen)) != GM_OK)
			goto fail;
		unlink(q->taking);
		log_warn("%s: a requeue was cut short; its records are back in the journal "
		    "(those it had stored are duplicates now, and are counted so)", q->path);
	}
	*out = q;
	return GM_OK;
fail:
	quarantine_close(q);
	return rc;
}

void quarantine_close(struct quarantine *q)
{
	if (q == NULL)
		return;
	if (q->fd >= 0)
		close(q->fd);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

int quarantine_put(struct quarantine *q, const char *topic, const void *payload, size_t len,
    const char *reason, bool must_keep, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&q->mu);
	if (!must_keep && q->bytes + len > q->refused_max)
		rc = gm_errf(err, errlen, GM_ERANGE, "%s holds %llu bytes already (the most "
		    "kept of refused messages)", q->path, (unsigned long long)q->bytes);
	else
		rc = append(q, now_wall(), topic, payload, len, reason, err, errlen);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

struct take_ctx {
	struct quarantine *q;
	const struct chan_id *only;
	quarantine_fn fn;
	void *user;
	size_t taken;
};

static bool same_chan(const char *topic, const struct chan_id *only)
{
	struct chan_id id;
	enum topic_kind kind;
	char err[160];

	return topic_parse(topic, &id, &kind, err, sizeof(err)) == GM_OK &&
	    strcmp(id.site, only->site) == 0 && strcmp(id.meter, only->meter) == 0 &&
	    strcmp(id.channel, only->channel) == 0;
}

static void take_one(void *user, const struct quarantine_rec *r)
{
	struct take_ctx *t = user;

	if (t->only != NULL && !same_chan(r->topic, t->only)) {
		pthread_mutex_lock(&t->q->mu);
		put_back_one(t->q, r);
		pthread_mutex_unlock(&t->q->mu);
		return;
	}
	t->taken++;
	t->fn(t->user, r);
}

int quarantine_take(struct quarantine *q, const struct chan_id *only, quarantine_fn fn,
    void *user, size_t *taken, char *err, size_t errlen)
{
	struct take_ctx t = { q, only, fn, user, 0 };
	int rc;

	*taken = 0;
	/* The journal is set aside whole; a crash from here on finds it at
	 * the next quarantine_open and takes it back. */
	pthread_mutex_lock(&q->mu);
	if (lock_journal(q, err, errlen) != GM_OK) {
		pthread_mutex_unlock(&q->mu);
		return GM_EIO;
	}
	if (rename(q->path, q->taking) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
		flock(q->fd, LOCK_UN);
		pthread_mutex_unlock(&q->mu);
		return rc;
	}
	fileio_sync_dir(q->dir);
	close(q->fd);   /* lets the others in: they find the new journal */
	rc = open_journal(q, err, errlen);
	q->records = 0;
	pthread_mutex_unlock(&q->mu);
	if (rc != GM_OK)
		return rc;   /* the records wait in the taking file for the next open */
	rc = quarantine_read(q->taking, take_one, &t, err, errlen);
	*taken = t.taken;
	if (rc == GM_OK && unlink(q->taking) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->taking, strerror(errno));
	return rc;
}

void quarantine_size(struct quarantine *q, uint64_t *records, uint64_t *bytes)
{
	pthread_mutex_lock(&q->mu);
	*records = q->records;
	*bytes = q->bytes;
	pthread_mutex_unlock(&q->mu);
}

/* ---- reading ---------------------------------------------------------- */

/* "Q1 <at> <len> <topic> <reason>" (no newline) into r; the topic and
 * reason point into line, which is cut at the topic's end. */
static int parse_head(char *line, struct quarantine_rec *r)
{
	const char *p = line + strlen(TAG);
	char *topic, *end;
	unsigned long long len;

	if (strncmp(line, TAG, strlen(TAG)) != 0 || numtext_field(&p, &r->at) != 0 ||
	    *p < '0' || *p > '9')
		return -1;
	errno = 0;
	len = strtoull(p, &end, 10);
	if (errno != 0 || *end != ' ' || len > PAYLOAD_MAX_BYTES)
		return -1;
	r->len = (size_t)len;
	topic = end + 1;
	if ((end = strchr(topic, ' ')) == NULL)
		return -1;
	*end = '\0';
	if (!topic_fits(topic))
		return -1;
	r->topic = topic;
	r->reason = end + 1;
	return 0;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	char *p;

	if (need <= *cap)
		return 0;
	if ((p = realloc(*buf, need)) == NULL)
		return -1;
	*buf = p;
	*cap = need;
	return 0;
}

int quarantine_read(const char *path, quarantine_fn fn, void *user, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *payload = NULL;
	size_t cap = 0, pcap = 0;
	ssize_t n;
	long at = 0;
	bool lost = false;   /* inside a bad stretch */

	if (f == NULL)
		return errno == ENOENT ? GM_OK :
		    gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		struct quarantine_rec r;
		long start = at;

		at += n;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n != strlen(line) || parse_head(line, &r) != 0 ||
		    grow(&payload, &pcap, r.len + 1) != 0 ||
		    fread(payload, 1, r.len + 1, f) != r.len + 1 || payload[r.len] != '\n') {
			if (!lost)
				log_warn("%s: byte %ld: not a record; skipped to the next", path, start);
			lost = true;
			/* rewind to the line after the bad one's first line */
			if (fseek(f, at, SEEK_SET) != 0)
				break;
			continue;
		}
		lost = false;
		at += (long)r.len + 1;
		r.payload = payload;
		fn(user, &r);
	}
	free(line);
	free(payload);
	fclose(f);
	return GM_OK;
}
