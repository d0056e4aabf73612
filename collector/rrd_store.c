/* rrd_store.c - RRD files per meter channel, through the backend chosen. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rrd.h>

#include "chan_dir.h"
#include "chanmeta.h"
#include "entries.h"
#include "gm_err.h"
#include "fileio.h"
#include "rrd_backend.h"
#include "rrd_head.h"
#include "rrd_layout.h"
#include "rrd_store.h"
#include "rrd_template.h"
#include "rrdfile.h"

/*
 * A file written less than this long ago is not judged damaged yet: it may
 * be one on its way. Not one librrd or rrdcached makes - they write a new
 * file under a temporary name and rename it into place whole, so in a
 * shared group too a collector never meets another's file half made - but
 * one a person puts in place while the collector runs (cp or rsync of a
 * backup, rrdtool restore into the name), which is cut short, or not yet an
 * RRD, until the copy ends. So the window holds everywhere, shared group or
 * not; it costs a damaged file that much of retrying before it is set
 * aside. An mtime ahead of this clock (a file restored from a machine whose
 * clock was ahead, this clock set back) says nothing of a copy under way:
 * judged at once.
 */
#define SETTLED_S 2

/* rows whose text an update keeps on the stack; more are allocated */
#define ROWS_ON_STACK 32

struct rrd_store {
	char datadir[1024];     /* short enough that every path below fits PATH_MAX */
	pthread_mutex_t mu;   /* the backend's calls one at a time, but those it
	                       * lets run side by side (rrd_backend.h) */
	struct rrd_backend *b;
	struct rrd_templates *templates;   /* new files, made here for either
	                                    * backend, side by side */
};

int rrd_store_update_rc(const char *msg)
{
	if (strstr(msg, "illegal attempt to update using time"))
		return GM_ESTALE;
	/* a reader with librrd (rrdtool lastupdate, a report) has the file */
	if (strstr(msg, "could not lock RRD"))
		return GM_EBUSY;
	return GM_ELIB;
}

const char *rrd_store_error_text(void)
{
	const char *msg = rrd_get_error();
	int e = errno;

	if (msg != NULL && msg[0] != '\0')
		return msg;
	return e != 0 ? strerror(e) : "librrd gave no reason";
}

/* Written so recently that it may be on its way (SETTLED_S)? */
static bool settling(const struct stat *st)
{
	time_t age = time(NULL) - st->st_mtime;

	return age >= 0 && age < SETTLED_S;
}

/* A settled file that failed: is it a sane RRD of a channel's layout?
 * GM_EDAMAGED with what is wrong, else rc. */
static int judge_content(const char *path, const struct stat *st, int rc, char *err,
    size_t errlen)
{
	char why[PATH_MAX + 200];
	struct rrdfile f;
	uint64_t want = rrdfile_layout_bytes();
	int frc = rrdfile_open(path, &f, why, sizeof(why));

	if (frc == GM_OK) {
		frc = rrdfile_check_layout(&f, path, why, sizeof(why));
		rrdfile_close(&f);
	}
	if (frc == GM_EINVAL)
		return gm_errf(err, errlen, GM_EDAMAGED, "%s", why);
	/* unread (shorter than its own header, or a read failed): a file
	 * shorter than a channel's is cut short; else the failure may pass */
	if (frc != GM_OK && (uint64_t)st->st_size < want)
		return gm_errf(err, errlen, GM_EDAMAGED, "%s: cut short (%lld bytes, where a "
		    "channel's file has %llu): not an RRD", path, (long long)st->st_size,
		    (unsigned long long)want);
	return rc;
}

/*
 * A call on the channel's file failed with rc: will it pass by trying again?
 * Not when the file is there but is no RRD librrd can use for our rows - a
 * directory, FIFO, link or other non-regular file where it should be, a
 * file whose header is not sane (rrdfile.h: not an RRD, a live head out of
 * range, cut short or too long), one of another layout than a channel's
 * (rrd_layout.h: a damaged data source type or name, another step or
 * archives) - nor when a directory on its way is a file. Then GM_EDAMAGED,
 * with what is wrong in err; else rc as it was (a full disk, rrdcached
 * away, a lock: they pass). Judged from the file itself, not from librrd's
 * words, which differ by version and are sometimes empty.
 *
 * GM_EINVAL from the header reader or a backend is the file's content, and
 * is judged like any failure: if the file is not found damaged, it may be on
 * its way, and the failure passes (GM_EIO). Only where there is no file at
 * all does GM_EINVAL stay: the call itself was refused. GM_ESTALE is judged
 * too: a last update after 2100 (a flipped bit) makes librrd refuse every
 * reading as older than the file, which would send them all to the events
 * journal as late, for ever.
 */
static int judge_failure(const char *path, int rc, char *err, size_t errlen)
{
	struct stat st;

	if (rc == GM_OK || rc == GM_EBUSY)
		return rc;
	if (chan_file_judge(path, rc, err, errlen) == GM_EDAMAGED)
		return GM_EDAMAGED;
	if (stat(path, &st) != 0)
		return rc;
	if (rc == GM_EINVAL)
		rc = GM_EIO;
	return settling(&st) ? rc : judge_content(path, &st, rc, err, errlen);
}

struct rrd_store *rrd_store_open(const char *datadir, const char *rrdcached, char *err,
    size_t errlen)
{
	struct rrd_store *s;
	struct stat st;

	/* EEXIST: another collector of a shared group made it just now */
	if (stat(datadir, &st) != 0 && mkdir(datadir, 0755) != 0 && errno != EEXIST) {
		gm_errf(err, errlen, GM_EIO, "data directory %s: %s", datadir, strerror(errno));
		return NULL;
	}
	if (strlen(datadir) >= sizeof(s->datadir)) {
		gm_errf(err, errlen, GM_EINVAL, "data directory path is too long");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->templates = rrd_templates_new()) == NULL) {
		free(s);
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(s->datadir, sizeof(s->datadir), "%s", datadir);
	pthread_mutex_init(&s->mu, NULL);
	if (rrdcached == NULL || rrdcached[0] == '\0') {
		if ((s->b = rrd_direct_open()) == NULL)
			gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	} else
		s->b = rrd_cached_open(rrdcached, datadir, err, errlen);
	if (s->b == NULL) {
		rrd_templates_free(s->templates);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

const char *rrd_store_backend(const struct rrd_store *s)
{
	return s->b->what;
}

void rrd_store_close(struct rrd_store *s)
{
	if (s == NULL)
		return;
	s->b->close(s->b);
	rrd_templates_free(s->templates);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* The start of the row (step) that holds t: the last multiple of the step
 * strictly before it, as the first update must be after the file's start. */
static time_t row_start(double t)
{
	return (time_t)(ceil(t / RRD_STEP) - 1) * RRD_STEP;
}

/* librrd writes a new file whole and, when the disk fills half way, deletes
 * it again: megabytes written for nothing on every try. Ask first. */
static int room_for_file(const char *datadir, char *err, size_t errlen)
{
	size_t need = rrd_layout_data_bytes() + 65536;
	struct statvfs fs;

	if (statvfs(datadir, &fs) != 0 || (uint64_t)fs.f_bavail * fs.f_frsize >= need)
		return GM_OK;   /* cannot tell: librrd finds out */
	return gm_errf(err, errlen, GM_EIO, "%s: disk full: a new file needs %zu kB, %llu kB "
	    "free", datadir, need / 1024, (unsigned long long)fs.f_bavail * fs.f_frsize / 1024);
}

/* The new channel's .meta, from the message that creates it. A message
 * that does not give "every" (one replayed from the write-ahead log, which
 * keeps no cadence) leaves the one a first try wrote. *every: the one kept,
 * for the file's heartbeat. */
static int write_meta(const char *datadir, const struct chan_id *id,
    const struct payload_meta *meta, long *every, char *err, size_t errlen)
{
	struct chanmeta m = { .kind = meta->kind, .every = meta->every }, old;
	char why[256];

	strcpy(m.unit, meta->unit);
	if (m.every == 0 && chanmeta_read(datadir, id, &old, why, sizeof(why)) == GM_OK)
		m.every = old.every;
	*every = m.every;
	return chanmeta_write(datadir, id, &m, err, errlen);
}

static int create_file(struct rrd_store *s, const char *path, const struct chan_id *id,
    const struct payload_meta *meta, double first_t, char *err, size_t errlen)
{
	char journal[PATH_MAX];
	long every = 0;
	int rc;

	/* A channel is one kind: one that keeps delta entries gets no RRD, or
	 * its .meta would be rewritten and its entries no longer reported. */
	entries_path(journal, sizeof(journal), s->datadir, id);
	if (access(journal, F_OK) == 0)
		return gm_errf(err, errlen, GM_EINVAL, "the channel keeps delta entries "
		    "(%s); a %s reading does not fit it", journal, kind_name(meta->kind));
	if ((rc = room_for_file(s->datadir, err, errlen)) != GM_OK ||
	    (rc = chan_dir_make(s->datadir, id, err, errlen)) != GM_OK ||
	    (rc = write_meta(s->datadir, id, meta, &every, err, errlen)) != GM_OK)
		return rc;
	/* The file starts at the beginning of the first reading's row, so that
	 * row is not mostly unknown (librrd then drops it whole, and the first
	 * use spread into it). A channel read less often than the rows keep a
	 * reading gets a heartbeat to match (rrd_layout.h). A file another
	 * collector just made is kept, not replaced. Made here whichever
	 * backend updates it, beside other calls. */
	rc = rrd_new_file(s->templates, path, row_start(first_t), every, err, errlen);
	if (rc != GM_OK && access(path, F_OK) != 0)
		return rc;
	return GM_OK;
}

/* create_file, its failure judged as a call on the file is (EINVAL: refused). */
static int create_judged(struct rrd_store *s, const char *path, const struct chan_rows *cr,
    char *err, size_t errlen)
{
	int rc = create_file(s, path, cr->id, cr->meta, cr->rows[0].t, err, errlen);

	return rc == GM_OK || rc == GM_EINVAL ? rc : judge_failure(path, rc, err, errlen);
}

static int last_locked(struct rrd_store *s, const struct chan_id *id, bool *exists, double *t,
    double *value, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int64_t ms;
	int rc;

	rrd_layout_path(path, sizeof(path), s->datadir, id);
	/* ENOTDIR: something on the way is a file, judged below */
	*exists = access(path, F_OK) == 0 || errno == ENOTDIR;
	*t = 0;
	*value = NAN;
	if (!*exists)
		return GM_OK;
	/* through rrdcached, the file holds what it had only once flushed */
	if ((rc = s->b->sync(s->b, path, err, errlen)) != GM_OK)
		return judge_failure(path, rc, err, errlen);
	/* the header's time to the millisecond, not librrd's whole second:
	 * the caller tells a resent reading from a new one by it */
	if ((rc = rrd_head_last(path, RRD_DS_VALUE, &ms, value, err, errlen)) != GM_OK)
		return judge_failure(path, rc, err, errlen);
	*t = (double)ms / 1000;
	return GM_OK;
}

void rrd_store_row_text(char buf[RRD_ROW_TEXT], int64_t ms, double value, double use)
{
	char u[32];

	if (isnan(use))
		strcpy(u, "U");
	else
		snprintf(u, sizeof(u), "%.17g", use);
	snprintf(buf, RRD_ROW_TEXT, "%lld.%03d:%.17g:%s", (long long)(ms / 1000), (int)(ms % 1000),
	    value, u);
}

/* The rows as librrd's update strings, in one block: *heap is it when it
 * did not fit on the stack (to free), NULL when out of memory. */
static const char **rows_text(const struct store_row *rows, size_t n,
    char stack[ROWS_ON_STACK][RRD_ROW_TEXT], const char *stack_argv[ROWS_ON_STACK], void **heap)
{
	char (*text)[RRD_ROW_TEXT] = stack;
	const char **argv = stack_argv;

	*heap = NULL;
	if (n > ROWS_ON_STACK) {
		if ((*heap = malloc(n * (sizeof(*argv) + RRD_ROW_TEXT))) == NULL)
			return NULL;
		argv = *heap;
		text = (char (*)[RRD_ROW_TEXT])(argv + n);
	}
	for (size_t i = 0; i < n; i++) {
		rrd_store_row_text(text[i], rrd_ms(rows[i].t), rows[i].value, rows[i].use);
		argv[i] = text[i];
	}
	return argv;
}

/* Not under the lock: only the backend's calls that must be take it. */
int rrd_store_update(struct rrd_store *s, const struct chan_rows *cr, char *err, size_t errlen)
{
	const struct store_row *rows = cr->rows;
	size_t n = cr->n;
	char path[PATH_MAX], stack[ROWS_ON_STACK][RRD_ROW_TEXT];
	const char *stack_argv[ROWS_ON_STACK], **argv;
	void *heap;
	struct stat st;
	int rc, there;

	if (n == 0)
		return GM_OK;
	rrd_layout_path(path, sizeof(path), s->datadir, cr->id);
	/* 1: something is there; -1: a directory on its way is a file */
	there = lstat(path, &st) == 0 ? 1 : errno == ENOTDIR ? -1 : 0;
	/* GM_EINVAL from create_file: the channel is another kind, refused */
	if (there == 0 && (rc = create_judged(s, path, cr, err, errlen)) != GM_OK)
		return rc;
	/* librrd would write through a link (to another channel's file, say) */
	if (there < 0 || (there > 0 && !S_ISREG(st.st_mode)))
		return chan_file_judge(path, gm_errf(err, errlen, GM_EIO, "%s: not a file to "
		    "write", path), err, errlen);
	/* Rows the millisecond grid makes one would leave librrd writing the
	 * batch up to the second of them: refuse the batch whole instead. */
	for (size_t i = 1; i < n; i++) {
		if (rrd_ms(rows[i].t) <= rrd_ms(rows[i - 1].t))
			return gm_errf(err, errlen, GM_ESTALE, "%s: readings at %.4f and %.4f are "
			    "the same millisecond", path, rows[i - 1].t, rows[i].t);
	}
	if ((argv = rows_text(rows, n, stack, stack_argv, &heap)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	if (!s->b->concurrent_update)
		pthread_mutex_lock(&s->mu);
	rc = s->b->update(s->b, path, rows, argv, n, err, errlen);
	if (!s->b->concurrent_update)
		pthread_mutex_unlock(&s->mu);
	free(heap);
	return judge_failure(path, rc, err, errlen);
}

/* Row of a fetch holding time t: rows end at multiples of step, and row k
 * ends at start + (k + 1) * step. */
static long row_of(double t, time_t start, unsigned long step, unsigned long rows)
{
	double end = ceil(t / (double)step) * (double)step;
	long k = (long)((end - (double)start) / (double)step) - 1;

	return k >= 0 && (unsigned long)k < rows ? k : -1;
}

static int covered_locked(struct rrd_store *s, const struct chan_id *id, const double *ts,
    size_t n, double last_t, long every, bool *covered, char *err, size_t errlen)
{
	const char *judge = every > RRD_VALUE_HEARTBEAT ? RRD_DS_USE : RRD_DS_VALUE;
	char path[PATH_MAX], **names = NULL;
	unsigned long step = RRD_STEP, nds = 0, vi = 0;
	time_t start, end;
	rrd_value_t *data = NULL;
	int rc;

	memset(covered, 0, n * sizeof(*covered));
	if (n == 0)
		return GM_OK;
	rrd_layout_path(path, sizeof(path), s->datadir, id);
	/* rrd_fetch opens the file O_RDONLY: on a FIFO that waits for ever */
	if (chan_file_judge(path, GM_EIO, err, errlen) == GM_EDAMAGED)
		return GM_EDAMAGED;
	if ((rc = s->b->sync(s->b, path, err, errlen)) != GM_OK)
		return judge_failure(path, rc, err, errlen);
	start = (time_t)floor(ts[0]) - RRD_STEP;
	end = (time_t)ceil(ts[n - 1]) + RRD_STEP;
	for (size_t i = 0; i < n; i++) {
		if (ts[i] < (double)start + RRD_STEP)
			start = (time_t)floor(ts[i]) - RRD_STEP;
		if (ts[i] > (double)end - RRD_STEP)
			end = (time_t)ceil(ts[i]) + RRD_STEP;
	}
	rrd_clear_error();
	errno = 0;
	/* known or not: the same in every CF of a row (xff) */
	if (rrd_fetch_r(path, RRD_CF, &start, &end, &step, &nds, &names, &data) != 0)
		return judge_failure(path, gm_errf(err, errlen, GM_ELIB, "rrd_fetch %s: %s", path,
		    rrd_store_error_text()), err, errlen);
	for (unsigned long i = 0; i < nds; i++) {
		if (strcmp(names[i], judge) == 0)
			vi = i;
		free(names[i]);
	}
	for (size_t i = 0; i < n && step > 0; i++) {
		unsigned long rows = (unsigned long)(end - start) / step;
		long k = row_of(ts[i], start, step, rows);

		/* the row of the last update is not on record until time passes
		 * it; a reading that ended a gap leaves its own row unknown and
		 * makes the next one known */
		covered[i] = ceil(ts[i] / (double)step) >= ceil(last_t / (double)step) ||
		    (k >= 0 && (!isnan(data[(unsigned long)k * nds + vi]) ||
		    ((unsigned long)k + 1 < rows && !isnan(data[((unsigned long)k + 1) * nds + vi]))));
	}
	free(names);
	free(data);
	return GM_OK;
}

/* The store's reading calls one at a time: the writers and the ingesting
 * thread share it (store_queue.h). An update takes the lock only around
 * the backend's calls that may not run side by side (rrd_backend.h). */
int rrd_store_last(struct rrd_store *s, const struct chan_id *id, bool *exists, double *t,
    double *value, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = last_locked(s, id, exists, t, value, err, errlen);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

bool rrd_store_concurrent(const struct rrd_store *s)
{
	return s->b->concurrent_update;
}

int rrd_store_covered(struct rrd_store *s, const struct chan_id *id, const double *ts, size_t n,
    double last_t, long every, bool *covered, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = covered_locked(s, id, ts, n, last_t, every, covered, err, errlen);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int rrd_store_lock(struct rrd_store *s, const struct chan_id *id, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd, rc;

	rrd_layout_path(path, sizeof(path), s->datadir, id);
	if ((rc = fileio_open_regular(path, O_RDONLY, 0, &fd, NULL, err, errlen)) != GM_OK) {
		/* no file of ours to lock: the call that follows judges what is
		 * there (a lock that failed would have the message retried) */
		if (rc == GM_ENOTFOUND || chan_file_judge(path, rc, err, errlen) == GM_EDAMAGED)
			return STORE_NO_FILE;
		return STORE_LOCK_FAILED;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			gm_errf(err, errlen, GM_EIO, "%s: flock: %s", path, strerror(errno));
			close(fd);
			return STORE_LOCK_FAILED;
		}
	}
	return fd;
}

void rrd_store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* releases the lock */
}
