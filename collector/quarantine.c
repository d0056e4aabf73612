/* quarantine.c - the dead-letter journal of messages that cannot be stored. */
#define _GNU_SOURCE   /* renameat2's RENAME_NOREPLACE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "gm_err.h"
#include "fileio.h"
#include "log.h"
#include "numtext.h"
#include "payload.h"
#include "quarantine.h"
#include "timeutil.h"

#define TAG "Q1 "
#define HEAD_MAX (sizeof(TAG) + 32 + 24 + TOPIC_MAX + QUARANTINE_REASON_MAX + 8)
#define TAKING "journal.taking."

struct quarantine {
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];     /* the journal */
	int fd;
	uint64_t records, bytes;
	uint64_t refused_max;
	unsigned takes;               /* for unique taking names */
};

static int open_journal(struct quarantine *q, char *err, size_t errlen);

/* ---- reading ---------------------------------------------------------- */

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

/* A record's checksum: CRC-32 of its head line without the checksum (and
 * its newline), then the payload. A stretch of rubbish that happens to read
 * as a head cannot then claim the records after it. */
static uint32_t record_crc(const char *head1, size_t len1, const char *head2, size_t len2,
    const void *payload, size_t len)
{
	uLong crc = crc32(0L, (const Bytef *)head1, (uInt)len1);

	crc = crc32(crc, (const Bytef *)head2, (uInt)len2);
	crc = crc32(crc, (const Bytef *)"\n", 1);
	return (uint32_t)crc32(crc, (const Bytef *)payload, (uInt)len);
}


/* "Q1 <at> <len> <crc> <topic> <reason>" (no newline) into r; the topic
 * and reason point into line, which is cut at the topic's end. *crc: the
 * checksum the head gives; *sum: the checksum of the head as read, to go
 * on with the payload (record_crc). */
static int parse_head(char *line, struct quarantine_rec *r, uint32_t *crc_given, uLong *sum)
{
	const char *p = line + strlen(TAG);
	char *topic, *end, *crc;
	unsigned long long len;
	unsigned long c;

	if (strncmp(line, TAG, strlen(TAG)) != 0 || numtext_field(&p, &r->at) != 0 ||
	    *p < '0' || *p > '9')
		return -1;
	errno = 0;
	len = strtoull(p, &end, 10);
	if (errno != 0 || *end != ' ' || len > PAYLOAD_MAX_BYTES)
		return -1;
	r->len = (size_t)len;
	crc = end + 1;
	if (strspn(crc, "0123456789abcdef") != 8 || crc[8] != ' ')
		return -1;
	c = strtoul(crc, NULL, 16);
	*crc_given = (uint32_t)c;
	*sum = crc32(crc32(0L, (const Bytef *)line, (uInt)(crc - line)),
	    (const Bytef *)crc + 9, (uInt)strlen(crc + 9));
	topic = crc + 9;
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

/* Every record of f, in order, to fn. *whole_end: where the last whole
 * record ends (what follows it is no record). *kept: false when fn
 * returned anything but GM_OK for some record. */
static void read_records(FILE *f, const char *path, quarantine_fn fn, void *user,
    long *whole_end, bool *kept)
{
	char *line = NULL, *payload = NULL;
	size_t cap = 0, pcap = 0;
	ssize_t n;
	long at = 0;
	bool lost = false;   /* inside a bad stretch */

	*whole_end = 0;
	*kept = true;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct quarantine_rec r;
		uint32_t given;
		uLong sum;
		long start = at;

		at += n;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n != strlen(line) || parse_head(line, &r, &given, &sum) != 0 ||
		    grow(&payload, &pcap, r.len + 1) != 0 ||
		    fread(payload, 1, r.len + 1, f) != r.len + 1 || payload[r.len] != '\n' ||
		    (uint32_t)crc32(crc32(sum, (const Bytef *)"\n", 1), (const Bytef *)payload,
		    (uInt)r.len) != given) {
			if (!lost)
				log_warn("%s: byte %ld: not a record; skipped to the next", path, start);
			lost = true;
			/* on from the line after the bad one's first line */
			if (fseek(f, at, SEEK_SET) != 0)
				break;
			continue;
		}
		lost = false;
		at += (long)r.len + 1;
		*whole_end = at;
		r.payload = payload;
		if (fn(user, &r) != GM_OK)
			*kept = false;
	}
	free(line);
	free(payload);
}

int quarantine_read(const char *path, quarantine_fn fn, void *user, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	long end;
	bool kept;

	if (f == NULL)
		return errno == ENOENT ? GM_OK :
		    gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	read_records(f, path, fn, user, &end, &kept);
	fclose(f);
	return GM_OK;
}

/* ---- writing ---------------------------------------------------------- */

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

/* Under q->mu: the journal open and locked against the other collectors of
 * a shared group. A take elsewhere may have renamed the file we hold open:
 * then the one now at the path is opened. */
static int lock_journal(struct quarantine *q, char *err, size_t errlen)
{
	struct stat held, now;

	for (int tries = 0; tries < 10; tries++) {
		if (q->fd < 0 && open_journal(q, err, errlen) != GM_OK)
			return GM_EIO;
		/* renamed away already: not worth waiting for its lock */
		if (fstat(q->fd, &held) == 0 && stat(q->path, &now) == 0 &&
		    (held.st_ino != now.st_ino || held.st_dev != now.st_dev)) {
			close(q->fd);
			q->fd = -1;
			continue;
		}
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

/* Under q->mu, the journal locked: one record, written whole or not at
 * all, and synced. */
static int append_locked(struct quarantine *q, double at, const char *topic,
    const void *payload, size_t len, const char *reason, char *err, size_t errlen)
{
	char head[HEAD_MAX], why[QUARANTINE_REASON_MAX + 1], when[32], *rec;
	size_t hl, total;
	off_t size;
	int rc = GM_OK;

	if (!topic_fits(topic) || len > PAYLOAD_MAX_BYTES)
		return gm_errf(err, errlen, GM_EINVAL, "not a message the journal keeps");
	char part1[64], part2[TOPIC_MAX + QUARANTINE_REASON_MAX + 4];
	size_t l1, l2;

	clean_reason(why, sizeof(why), reason);
	numtext_shortest(when, sizeof(when), at);
	l1 = (size_t)snprintf(part1, sizeof(part1), TAG "%s %zu ", when, len);
	l2 = (size_t)snprintf(part2, sizeof(part2), "%s %s", topic, why);
	hl = (size_t)snprintf(head, sizeof(head), "%s%08x %s\n", part1,
	    (unsigned)record_crc(part1, l1, part2, l2, payload, len), part2);
	total = hl + len + 1;
	if ((rec = malloc(total)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	memcpy(rec, head, hl);
	memcpy(rec + hl, payload, len);
	rec[total - 1] = '\n';
	size = lseek(q->fd, 0, SEEK_END);
	if (fileio_write_all(q->fd, rec, total) != 0 || fdatasync(q->fd) != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
		if (size >= 0 && ftruncate(q->fd, size) != 0)
			log_warn("%s: cannot cut a torn record off: %s", q->path, strerror(errno));
	} else {
		q->records++;
		q->bytes += total;
	}
	free(rec);
	return rc;
}

/* Under q->mu. */
static int append(struct quarantine *q, double at, const char *topic, const void *payload,
    size_t len, const char *reason, char *err, size_t errlen)
{
	int rc;

	if (lock_journal(q, err, errlen) != GM_OK)
		return GM_EIO;
	rc = append_locked(q, at, topic, payload, len, reason, err, errlen);
	flock(q->fd, LOCK_UN);
	return rc;
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

void quarantine_size(struct quarantine *q, uint64_t *records, uint64_t *bytes)
{
	pthread_mutex_lock(&q->mu);
	*records = q->records;
	*bytes = q->bytes;
	pthread_mutex_unlock(&q->mu);
}

/* ---- opening ---------------------------------------------------------- */

static int open_journal(struct quarantine *q, char *err, size_t errlen)
{
	struct stat st;

	q->fd = open(q->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (q->fd < 0 || fstat(q->fd, &st) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		close(q->fd);
		q->fd = -1;
		return gm_errf(err, errlen, GM_EIO, "%s: not a regular file", q->path);
	}
	q->bytes = (uint64_t)st.st_size;
	return GM_OK;
}

static int count_one(void *user, const struct quarantine_rec *r)
{
	(void)r;
	(*(uint64_t *)user)++;
	return GM_OK;
}

/* Copy path's bytes from `from` on into a new file beside it. */
static int save_tail(const char *path, const char *dir, long from, char *kept, size_t len)
{
	char buf[65536];
	FILE *in = fopen(path, "r");
	struct fileio_new out;
	char err[PATH_MAX + 64];
	size_t n;

	snprintf(kept, len, "%s/journal.torn.%lld", dir, (long long)time(NULL));
	if (in == NULL || fseek(in, from, SEEK_SET) != 0 ||
	    fileio_new_open(&out, kept, 0644, err, sizeof(err)) != GM_OK) {
		if (in != NULL)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out.f);
	fclose(in);
	return fileio_new_commit(&out, true, err, sizeof(err)) == GM_OK ? 0 : -1;
}

/* Under the journal's lock: count its records, and set a torn last one
 * aside, so that the next record appended is not glued to it. */
static int check_journal(struct quarantine *q, char *err, size_t errlen)
{
	char kept[PATH_MAX + 40];
	FILE *f = fopen(q->path, "r");
	long end;
	bool all;

	q->records = 0;
	if (f == NULL)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
	read_records(f, q->path, count_one, &q->records, &end, &all);
	fclose(f);
	if ((uint64_t)end >= q->bytes)
		return GM_OK;
	if (save_tail(q->path, q->dir, end, kept, sizeof(kept)) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot set aside %llu byte(s) after the "
		    "last whole record", q->path, (unsigned long long)(q->bytes - (uint64_t)end));
	if (ftruncate(q->fd, end) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
	log_warn("%s: %llu byte(s) after the last whole record (a crash in mid-write) moved to "
	    "%s", q->path, (unsigned long long)(q->bytes - (uint64_t)end), kept);
	q->bytes = (uint64_t)end;
	return GM_OK;
}

/* ---- taking ----------------------------------------------------------- */

struct take_ctx {
	struct quarantine *q;
	const struct chan_id *only;
	const struct quarantine_taker *t;
	size_t taken;
};

static bool same_chan(const char *topic, const struct chan_id *only)
{
	struct chan_id id;
	enum topic_kind kind;
	char err[160];

	return topic_parse(topic, &id, &kind, err, sizeof(err)) == GM_OK &&
	    chan_id_eq(&id, only);
}

/* A record taken back into the journal as it was. */
static int put_back(void *user, const struct quarantine_rec *r)
{
	struct quarantine *q = user;
	char err[PATH_MAX + 64];
	int rc;

	pthread_mutex_lock(&q->mu);
	rc = append(q, r->at, r->topic, r->payload, r->len, r->reason, err, sizeof(err));
	pthread_mutex_unlock(&q->mu);
	if (rc != GM_OK)
		log_err("quarantine: %s; the record stays where it was, for the next take", err);
	return rc;
}

static int take_one(void *user, const struct quarantine_rec *r)
{
	struct take_ctx *c = user;

	if (c->only != NULL && !same_chan(r->topic, c->only))
		return put_back(c->q, r);
	c->taken++;
	return c->t->take(c->t->user, r);
}

/* Hand the records of a taking file we hold locked over; remove it only
 * when every record was dealt with and that is durable. */
static int hand_over(const char *path, quarantine_fn fn, void *user, int (*sync)(void *),
    void *sync_user, const char *dir, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	long end;
	bool all;

	if (f == NULL)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	read_records(f, path, fn, user, &end, &all);
	fclose(f);
	if (!all)
		return gm_errf(err, errlen, GM_EIO, "%s: some records could not be dealt with; "
		    "kept for the next take", path);
	if (sync != NULL && sync(sync_user) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: what was taken could not be made "
		    "durable; kept for the next take", path);
	if (unlink(path) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, strerror(errno));
	fileio_sync_dir(dir);
	return GM_OK;
}

/* Taking files nobody holds (a take cut short) go back into the journal. */
static void take_back_abandoned(struct quarantine *q)
{
	DIR *d = opendir(q->dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX + 300], err[PATH_MAX + 64];
		int fd;

		if (strncmp(e->d_name, "journal.taking", 14) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", q->dir, e->d_name);
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {   /* nobody is taking it now */
			if (hand_over(path, put_back, q, NULL, NULL, q->dir, err,
			    sizeof(err)) == GM_OK)
				log_warn("%s: a requeue was cut short; its records are back in the "
				    "journal (those it had stored count as duplicates when taken "
				    "again)", path);
			else
				log_err("quarantine: %s", err);
		}
		close(fd);
	}
	closedir(d);
}

int quarantine_take(struct quarantine *q, const struct chan_id *only,
    const struct quarantine_taker *t, size_t *taken, char *err, size_t errlen)
{
	struct take_ctx c = { q, only, t, 0 };
	char taking[PATH_MAX + 64];
	int rc, tfd;

	*taken = 0;
	take_back_abandoned(q);
	pthread_mutex_lock(&q->mu);
	if ((rc = lock_journal(q, err, errlen)) != GM_OK) {
		pthread_mutex_unlock(&q->mu);
		return rc;
	}
	{
		struct stat st;   /* others of a shared group append too */

		if (fstat(q->fd, &st) == 0)
			q->bytes = (uint64_t)st.st_size;
	}
	if (q->bytes == 0) {   /* nothing to take */
		flock(q->fd, LOCK_UN);
		pthread_mutex_unlock(&q->mu);
		return GM_OK;
	}
	/* The journal becomes a taking file of its own name, which we hold
	 * locked (the lock goes with the file): nobody else takes it back
	 * while we hand its records over. */
	do {
		snprintf(taking, sizeof(taking), "%s/" TAKING "%ld.%u.%lld", q->dir,
		    (long)getpid(), q->takes++, (long long)mono_ms());
		rc = renameat2(AT_FDCWD, q->path, AT_FDCWD, taking, RENAME_NOREPLACE);
	} while (rc != 0 && errno == EEXIST);
	if (rc != 0) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->path, strerror(errno));
		flock(q->fd, LOCK_UN);
		pthread_mutex_unlock(&q->mu);
		return rc;
	}
	fileio_sync_dir(q->dir);
	tfd = q->fd;
	q->fd = -1;
	q->records = 0;
	rc = open_journal(q, err, errlen);
	pthread_mutex_unlock(&q->mu);
	if (rc == GM_OK)
		rc = hand_over(taking, take_one, &c, t->sync, t->user, q->dir, err, errlen);
	close(tfd);   /* lets go of it: taken, or kept for the next take */
	*taken = c.taken;
	return rc;
}

int quarantine_open(struct quarantine **out, const char *datadir, uint64_t refused_max,
    char *err, size_t errlen)
{
	struct quarantine *q = calloc(1, sizeof(*q));
	char aside[PATH_MAX + 8];
	int rc;

	*out = NULL;
	if (q == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	q->fd = -1;
	q->refused_max = refused_max;
	snprintf(q->dir, sizeof(q->dir), "%s/.quarantine", datadir);
	snprintf(q->path, sizeof(q->path), "%s/journal", q->dir);
	snprintf(aside, sizeof(aside), "%s/aside", q->dir);
	if ((mkdir(q->dir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(aside, 0755) != 0 && errno != EEXIST)) {
		rc = gm_errf(err, errlen, GM_EIO, "%s: %s", q->dir, strerror(errno));
		goto fail;
	}
	if ((rc = lock_journal(q, err, errlen)) != GM_OK)
		goto fail;
	rc = check_journal(q, err, errlen);
	flock(q->fd, LOCK_UN);
	if (rc != GM_OK)
		goto fail;
	take_back_abandoned(q);
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

/* ---- channels set aside ----------------------------------------------- */

/* "<dir>/aside/<site>.<meter>.<channel>": ids have no '.', so the name is
 * one channel's only. */
static void aside_path(const struct quarantine *q, const struct chan_id *id, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/aside/%s.%s.%s", q->dir, id->site, id->meter, id->channel);
}

bool quarantine_is_aside(struct quarantine *q, const struct chan_id *id, char *why,
    size_t whylen)
{
	char path[PATH_MAX + 256];
	ssize_t n;
	int fd;

	why[0] = '\0';
	aside_path(q, id, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return errno != ENOENT;   /* there, but not readable: still there */
	n = read(fd, why, whylen - 1);
	close(fd);
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	return true;
}

int quarantine_set_aside(struct quarantine *q, const struct chan_id *id, const char *why,
    char *err, size_t errlen)
{
	char path[PATH_MAX + 256], line[QUARANTINE_REASON_MAX + 2];

	aside_path(q, id, path, sizeof(path));
	clean_reason(line, sizeof(line) - 1, why);
	strcat(line, "\n");
	return fileio_replace(path, line, strlen(line), 0644, true, err, errlen);
}

void quarantine_clear_aside(struct quarantine *q, const struct chan_id *id)
{
	char path[PATH_MAX + 256];

	aside_path(q, id, path, sizeof(path));
	if (unlink(path) != 0 && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
}
