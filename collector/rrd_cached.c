/*
 * rrd_cached.c - the RRD files written by rrdcached, through librrd's
 * rrd_client (one connection per process, kept by librrd).
 *
 * What rrdcached does not do for us, and so this file does:
 *  - refuse every stale row: it checks a row against the last time it knows,
 *    which for a file it has just begun to cache is the header's whole
 *    second, and a stale row it accepts makes the later write of that row
 *    and of every row queued behind it fail, unseen (rrd_head.h). So no row
 *    at or before the file's last update, known to the millisecond, is ever
 *    sent.
 *  - keep what it accepted across its own crash: its journal is written
 *    through a stdio buffer it does not flush (rrd_hold.h). So the rows it
 *    accepted are held until a FLUSH has put them into the file, at the
 *    latest HOLD_MS after they were handed over; when the connection breaks
 *    or rrdcached goes away (rrdc_watch.h: librrd reconnects unseen), every
 *    file with held rows is forgotten by rrdcached, re-read and given again
 *    what it lacks.
 * This assumes that only this collector writes the channel's file, as
 * rrd_store.h does anyway.
 *
 * New files are made by the store (rrd_store.c), not by rrdcached: the data
 * directory is on this machine's file system anyway (rrd_store.h), and
 * through the one connection rrdcached would make them one at a time, each
 * a megabyte written by librrd. rrdcached learns a file at its first
 * UPDATE.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>
#include <rrd_client.h>

#include "gm_err.h"
#include "log.h"
#include "rrd_backend.h"
#include "rrd_head.h"
#include "rrd_hold.h"
#include "rrdc.h"
#include "rrdc_watch.h"
#include "timeutil.h"

#define HOLD_MS (300 * 1000)   /* flush a file whose rows are held this long (rrdcached's default -w) */
#define HOLD_ROWS 128          /* or that has this many rows held */
#define CMD_ROOM (RRD_CMD_MAX - 64)   /* one UPDATE line, with room for "update " and the end */

struct cached {
	struct rrd_backend b;      /* first: the store holds a pointer to it */
	struct rrdc where;         /* its address, and its names of our files */
	struct rrdc_watch watch;   /* tells when that rrdcached has gone */
	struct rrd_hold *hold;
	bool recover;              /* the connection broke: rrdcached may have lost rows */
};

/* The name rrdcached gets for a local path; NULL if it does not fit. */
static const char *daemon_name(const struct cached *c, const char *path, char *buf, size_t len)
{
	return rrdc_name(&c->where, path, buf, len);
}

static int too_long(char *err, size_t errlen, const char *path)
{
	return gm_errf(err, errlen, GM_EINVAL, "%s: the path is too long", path);
}

/* A failure that may have been the connection: start afresh, and assume
 * rrdcached lost what it held (recover() finds out). */
static int trouble(struct cached *c, int rc, char *err, size_t errlen, const char *what,
    const char *name)
{
	const char *msg = rrd_get_error();

	rrdc_disconnect();
	c->recover = true;
	return gm_errf(err, errlen, rc, "rrdcached at %s: %s %s: %s", c->where.addr, what, name,
	    msg[0] ? msg : "failed");
}

/* Has the rrdcached we talk to gone since we last looked? Then librrd may
 * already be talking to a new one, which holds rows only after a gap and is
 * not to be trusted with a FLUSH before recover(). */
static bool gone(struct cached *c)
{
	if (c->watch.fd >= 0 && rrdc_watch_lost(&c->watch)) {
		rrdc_disconnect();
		c->recover = true;
	}
	return c->recover;
}

/* The watch first: if rrdcached restarts in between, the watch sees the old
 * one go, rather than librrd's connection outliving the watch's. */
static int connect_daemon(struct cached *c, char *err, size_t errlen)
{
	int rc;

	if (c->watch.fd < 0 && (rc = rrdc_watch_open(&c->watch, c->where.addr, err,
	    errlen)) != GM_OK) {
		c->recover = true;
		return rc;
	}
	rrd_clear_error();
	if ((rc = rrdc_connect(c->where.addr)) == 0)
		return GM_OK;
	c->recover = true;
	return gm_errf(err, errlen, GM_EIO, "rrdcached at %s: %s", c->where.addr,
	    rrd_test_error() ? rrd_get_error() : strerror(rc > 0 ? rc : EIO));
}

/* The daemon's name for path, with the connection up: GM_OK, or why not. */
static int reach(struct cached *c, const char *path, char *buf, size_t len,
    const char **ret_name, char *err, size_t errlen)
{
	if ((*ret_name = daemon_name(c, path, buf, len)) == NULL)
		return too_long(err, errlen, path);
	return connect_daemon(c, err, errlen);
}

static int flush_file(struct cached *c, const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	const char *name;
	int rc;

	if ((rc = reach(c, path, buf, sizeof(buf), &name, err, errlen)) != GM_OK)
		return rc;
	rrd_clear_error();
	if (rrdc_flush(name) != 0)
		return trouble(c, GM_ELIB, err, errlen, "flush", name);
	if (gone(c))   /* the file may now hold rows after a gap: recover() looks */
		return gm_errf(err, errlen, GM_EIO, "rrdcached at %s went away", c->where.addr);
	return GM_OK;
}

/* Send rows (in time order, all newer than the file's last update) in as
 * few UPDATE lines as fit rrdcached's line length. *sent counts the rows
 * it accepted, also on failure. */
static int send_rows(struct cached *c, const char *path, const char *const *text, size_t n,
    size_t *sent, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	const char *name;
	int rc;

	*sent = 0;
	if ((rc = reach(c, path, buf, sizeof(buf), &name, err, errlen)) != GM_OK)
		return rc;
	while (*sent < n) {
		size_t k = 0, room = strlen(name);

		while (*sent + k < n && (k == 0 || room + strlen(text[*sent + k]) + 1 < CMD_ROOM))
			room += strlen(text[*sent + k++]) + 1;
		rrd_clear_error();
		if (rrdc_update(name, (int)k, text + *sent) != 0) {
			if (rrd_store_update_rc(rrd_get_error()) == GM_ESTALE)
				return gm_errf(err, errlen, GM_ESTALE, "rrdcached at %s: update %s: %s",
				    c->where.addr, name, rrd_get_error());
			return trouble(c, GM_ELIB, err, errlen, "update", name);
		}
		*sent += k;
	}
	return GM_OK;
}

/* Flush, so that the file holds all rrdcached had, and read its last time. */
static int learn(struct cached *c, struct rrd_hold_file *f, char *err, size_t errlen)
{
	int rc;

	if ((rc = flush_file(c, f->path, err, errlen)) != GM_OK ||
	    (rc = rrd_head_last_ms(f->path, &f->last_ms, err, errlen)) != GM_OK)
		return rc;
	f->known = true;
	return GM_OK;
}

/* Send again the held rows the file lacks: read its last time, drop what
 * it has, and have rrdcached forget its own idea of the file (a time it
 * never wrote) before sending the rest. */
static int send_lacking(struct cached *c, struct rrd_hold_file *f, char *err, size_t errlen)
{
	char buf[PATH_MAX], rows[HOLD_ROWS][RRD_ROW_TEXT];
	const char *text[HOLD_ROWS], *name;
	size_t missing, sent, done = 0;
	int rc;

	if ((rc = rrd_head_last_ms(f->path, &f->last_ms, err, errlen)) != GM_OK)
		return rc;
	f->known = true;
	rrd_hold_drop_upto(f, f->last_ms);
	if (f->n == 0)
		return GM_OK;
	missing = f->n;
	if ((name = daemon_name(c, f->path, buf, sizeof(buf))) != NULL)
		rrdc_forget(name);
	while (done < f->n) {
		size_t k = 0;

		while (done + k < f->n && k < HOLD_ROWS) {
			const struct held_row *r = &f->rows[done + k];

			rrd_store_row_text(rows[k], r->ms, r->value, r->use);
			text[k] = rows[k];
			k++;
		}
		rc = send_rows(c, f->path, text, k, &sent, err, errlen);
		done += sent;
		if (done > 0)
			f->last_ms = f->rows[done - 1].ms;
		if (rc != GM_OK)
			return rc;
	}
	log_warn("rrdcached at %s had not written %zu reading(s) of %s it had accepted "
	    "(a crash of rrdcached?); sent them again", c->where.addr, missing, f->path);
	return GM_OK;
}

/* Make the file hold every row held for it: flush, then send what it
 * still lacks (rrdcached could not write it). */
static int settle(struct cached *c, struct rrd_hold_file *f, char *err, size_t errlen)
{
	int rc;

	if ((rc = flush_file(c, f->path, err, errlen)) != GM_OK)
		return rc;
	return send_lacking(c, f, err, errlen);
}

/* After a broken connection, or rrdcached gone: a new rrdcached may hold
 * rows that follow a gap (and a FLUSH would write them), so it forgets every
 * file with rows held, without a flush, and each gets what the file on disk
 * lacks. The other files are re-read at their next use. */
static int recover(struct cached *c, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	const char *name;
	size_t files = 0;
	int rc;

	if ((rc = connect_daemon(c, err, errlen)) != GM_OK)
		return rc;
	c->recover = false;
	for (size_t i = 0; i < rrd_hold_count(c->hold); i++) {
		struct rrd_hold_file *f = rrd_hold_at(c->hold, i);

		if (f->n == 0) {
			f->known = false;
			continue;
		}
		if ((name = daemon_name(c, f->path, buf, sizeof(buf))) != NULL)
			rrdc_forget(name);
		if ((rc = send_lacking(c, f, err, errlen)) != GM_OK) {
			c->recover = true;
			return rc;
		}
		files++;
	}
	if (gone(c))
		return gm_errf(err, errlen, GM_EIO, "rrdcached at %s went away again",
		    c->where.addr);
	if (files > 0)
		log_info("rrdcached at %s: connected again; checked the %zu file(s) with "
		    "readings in its care", c->where.addr, files);
	return GM_OK;
}

static int cached_update(struct rrd_backend *b, const char *path, const struct store_row *rows,
    const char *const *text, size_t n, char *err, size_t errlen)
{
	struct cached *c = (struct cached *)b;
	struct rrd_hold_file *f;
	int64_t prev, now = mono_ms();
	size_t sent;
	int rc;

	if (gone(c) && (rc = recover(c, err, errlen)) != GM_OK)
		return rc;
	if ((f = rrd_hold_file(c->hold, path)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	if (!f->known && (rc = learn(c, f, err, errlen)) != GM_OK)
		return rc;
	prev = f->last_ms;
	for (size_t i = 0; i < n; i++) {
		int64_t ms = rrd_ms(rows[i].t);

		if (ms <= prev)
			return gm_errf(err, errlen, GM_ESTALE, "%s: a reading at %.3f is not newer "
			    "than %.3f, the last stored", path, (double)ms / 1000,
			    (double)prev / 1000);
		prev = ms;
	}
	rc = send_rows(c, path, text, n, &sent, err, errlen);
	for (size_t i = 0; i < sent; i++) {
		struct held_row held = { rrd_ms(rows[i].t), rows[i].value, rows[i].use };

		if (rrd_hold_add(f, &held, now) != GM_OK) {
			/* cannot keep it: have it written now instead */
			log_warn("%s: cannot hold a reading for rrdcached (out of memory); "
			    "flushing", path);
			f->known = false;
			break;
		}
		f->last_ms = rrd_ms(rows[i].t);
	}
	if (rc == GM_ESTALE)
		f->known = false;   /* someone else wrote the file: read it again */
	if (rc != GM_OK)
		return rc;
	/* a failure here is the connection's: recover() sees to the rows, now
	 * if rrdcached went away meanwhile (or at the next call, if it is not
	 * back yet) */
	if (!f->known || f->n >= HOLD_ROWS || now - f->since_ms >= HOLD_MS)
		settle(c, f, err, errlen);
	if (gone(c))
		recover(c, err, errlen);
	return GM_OK;
}

static int cached_sync(struct rrd_backend *b, const char *path, char *err, size_t errlen)
{
	struct cached *c = (struct cached *)b;
	struct rrd_hold_file *f;
	int rc;

	if (gone(c) && (rc = recover(c, err, errlen)) != GM_OK)
		return rc;
	if ((f = rrd_hold_file(c->hold, path)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	return settle(c, f, err, errlen);
}

static void cached_close(struct rrd_backend *b)
{
	struct cached *c = (struct cached *)b;
	char err[512];

	if (gone(c) && recover(c, err, sizeof(err)) != GM_OK)
		log_warn("%s", err);
	for (size_t i = 0; i < rrd_hold_count(c->hold); i++) {
		struct rrd_hold_file *f = rrd_hold_at(c->hold, i);

		if (f->n > 0 && settle(c, f, err, sizeof(err)) != GM_OK)
			log_warn("%s; %zu reading(s) of %s are only in rrdcached's care", err, f->n,
			    f->path);
	}
	rrdc_disconnect();
	rrdc_watch_close(&c->watch);
	rrd_hold_free(c->hold);
	free(c);
}

struct rrd_backend *rrd_cached_open(const char *addr, const char *datadir, char *err,
    size_t errlen)
{
	struct cached *c;

	if ((c = calloc(1, sizeof(*c))) == NULL || (c->hold = rrd_hold_new()) == NULL) {
		free(c);
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	if (rrdc_init(&c->where, addr, datadir, err, errlen) != GM_OK) {
		rrd_hold_free(c->hold);
		free(c);
		return NULL;
	}
	c->watch.fd = -1;
	snprintf(c->b.what, sizeof(c->b.what), "rrdcached at %.140s", addr);
	c->b.update = cached_update;
	c->b.sync = cached_sync;
	c->b.close = cached_close;
	return &c->b;
}
