/* rrd_template.c - new RRD files laid down from a header librrd made once. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* the format's structs: see common/store/rrdfile.c */
#define RRD_EXPORT_DEPRECATED
#include <rrd.h>

#include "fileio.h"
#include "gm_err.h"
#include "hash.h"
#include "log.h"
#include "rrd_backend.h"
#include "rrd_layout.h"
#include "rrd_template.h"
#include "rrdfile.h"

#define HEAD_MAX 8192           /* a channel's header is 2912 bytes */
#define FILL_BYTES 65536        /* of "unknown", one iovec's worth */
#define FILL_IOV 64             /* rows up to 4 MB (a channel's: 1.1 MB) */
#define TEMPLATES_MAX 16        /* heartbeats; a channel of another one gets librrd */
/* the check's two start times: seconds into a step, and steps into an
 * hour and a day that differ between them (13 and 73; 17 and 1397) */
#define CHECK_T0 1262308387L    /* 2010-01-01 01:13:07 UTC */
#define CHECK_T1 1700003843L    /* 2023-11-14 23:17:23 UTC */
#define RETRY_S 60              /* after the check files could not be made */

struct template {
	long heartbeat;
	size_t head_len, file_len;
	unsigned char head[HEAD_MAX];
};

struct rrd_templates {
	pthread_mutex_t lock;
	int n;
	struct template *t[TEMPLATES_MAX];
	bool failed;              /* the check failed: every file by librrd */
	char why[GM_ERR_MAX];
	time_t retry_at;          /* the check files could not be made (a full disk):
	                           * librrd makes files until then */
	bool have_fill;
	unsigned char *fill;      /* FILL_BYTES of librrd's "unknown", over and
	                           * over, aligned for fileio_create's direct writes */
};

struct rrd_templates *rrd_templates_new(void)
{
	struct rrd_templates *ts = calloc(1, sizeof(*ts));

	if (ts == NULL)
		return NULL;
	if ((ts->fill = aligned_alloc(FILEIO_DIRECT_ALIGN, FILL_BYTES)) == NULL ||
	    pthread_mutex_init(&ts->lock, NULL) != 0) {
		free(ts->fill);
		free(ts);
		return NULL;
	}
	return ts;
}

void rrd_templates_free(struct rrd_templates *ts)
{
	if (ts == NULL)
		return;
	for (int i = 0; i < ts->n; i++)
		free(ts->t[i]);
	pthread_mutex_destroy(&ts->lock);
	free(ts->fill);
	free(ts);
}

static bool cf_known(const char *cf)
{
	/* the consolidations whose preparation rrd_create sets from the start
	 * time alone (not the Holt-Winters ones) */
	return strcmp(cf, "AVERAGE") == 0 || strcmp(cf, "MIN") == 0 ||
	    strcmp(cf, "MAX") == 0 || strcmp(cf, "LAST") == 0;
}

/* What rrd_create sets from the start time: the live head; each data
 * source's seconds into its step; each archive's steps into its row, for
 * each data source; and the ring slots, which it picks at random. */
int rrd_template_set_start(unsigned char *head, size_t head_len, time_t start,
    unsigned long seed)
{
	struct rrdfile_parts p;
	stat_head_t st;
	live_head_t live = { .last_up = start, .last_up_usec = 0 };
	unsigned long into_step;

	if (head_len < sizeof(st) || start <= 0)
		return GM_EINVAL;
	memcpy(&st, head, sizeof(st));
	if (memcmp(st.cookie, RRD_COOKIE, 4) != 0 || st.ds_cnt == 0 ||
	    st.ds_cnt > RRDFILE_MAX_DS || st.rra_cnt == 0 || st.rra_cnt > RRDFILE_MAX_RRA ||
	    st.pdp_step == 0)
		return GM_EINVAL;
	p = rrdfile_parts(st.ds_cnt, st.rra_cnt);
	if (p.end != head_len)
		return GM_EINVAL;
	memcpy(head + p.live, &live, sizeof(live));
	into_step = (unsigned long)start % st.pdp_step;
	for (unsigned long d = 0; d < st.ds_cnt; d++) {
		pdp_prep_t pdp;

		memcpy(&pdp, head + p.pdp + d * sizeof(pdp), sizeof(pdp));
		pdp.scratch[PDP_unkn_sec_cnt].u_cnt = into_step;
		memcpy(head + p.pdp + d * sizeof(pdp), &pdp, sizeof(pdp));
	}
	for (unsigned long a = 0; a < st.rra_cnt; a++) {
		rra_def_t def;
		rra_ptr_t ptr;

		memcpy(&def, head + p.rra_def + a * sizeof(def), sizeof(def));
		if (def.pdp_cnt == 0 || def.row_cnt == 0 || !cf_known(def.cf_nam))
			return GM_EINVAL;
		for (unsigned long d = 0; d < st.ds_cnt; d++) {
			size_t at = p.cdp + (a * st.ds_cnt + d) * sizeof(cdp_prep_t);
			cdp_prep_t cdp;

			memcpy(&cdp, head + at, sizeof(cdp));
			cdp.scratch[CDP_unkn_pdp_cnt].u_cnt = ((unsigned long)start - into_step) %
			    (st.pdp_step * def.pdp_cnt) / st.pdp_step;
			memcpy(head + at, &cdp, sizeof(cdp));
		}
		ptr.cur_row = (unsigned long)(splitmix64(seed + a) % def.row_cnt);
		memcpy(head + p.rra_ptr + a * sizeof(ptr), &ptr, sizeof(ptr));
	}
	return GM_OK;
}

/* librrd's file for `every` at start, read whole into *buf (the caller
 * frees it), its header's length into *head_len; the file is removed.
 * GM_EIO when it cannot be made or read here (a full disk, say). */
static int librrd_file(const char *dir, long every, time_t start, unsigned char **buf,
    size_t *len, size_t *head_len, char *err, size_t errlen)
{
	char path[4200], why[GM_ERR_MAX], *got = NULL;
	struct rrd_def def;
	struct rrdfile f;
	int rc;

	snprintf(path, sizeof(path), "%s/.gm-template.%ld.%ld.rrd", dir, (long)getpid(), every);
	rrd_layout_def(&def, every);
	rrd_clear_error();
	if (rrd_create_r2(path, RRD_STEP, start, 0, NULL, NULL, def.argc, def.argv) != 0)
		return gm_errf(err, errlen, GM_EIO, "librrd could not make %s: %s", path,
		    rrd_get_error());
	if ((rc = rrdfile_open(path, &f, why, sizeof(why))) == GM_OK) {
		*head_len = rrdfile_parts(f.ds_cnt, (unsigned long)f.nrra).end;
		rrdfile_close(&f);
		rc = fileio_read_regular(path, 64u << 20, &got, len, why, sizeof(why));
	}
	unlink(path);
	if (rc != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, why);
	*buf = (unsigned char *)got;
	return GM_OK;
}

/* Every row of buf is librrd's one "unknown" value, which ts->fill is (or
 * becomes). */
static bool rows_unknown(struct rrd_templates *ts, const unsigned char *buf, size_t head_len,
    size_t len)
{
	double v;

	if ((len - head_len) % sizeof(double) != 0 || len == head_len)
		return false;
	memcpy(&v, buf + head_len, sizeof(v));
	if (!isnan(v))
		return false;
	if (!ts->have_fill) {
		for (size_t i = 0; i < FILL_BYTES; i += sizeof(v))
			memcpy(ts->fill + i, &v, sizeof(v));
		ts->have_fill = true;
	}
	for (size_t at = head_len; at < len; at += sizeof(v))
		if (memcmp(buf + at, ts->fill, sizeof(v)) != 0)
			return false;
	return true;
}

/* Two files from librrd at two start times: the first's header, moved to
 * the second's time, must be the second's but for the ring slots. */
static int check(struct rrd_templates *ts, const unsigned char *a, size_t alen, size_t ahead,
    const unsigned char *b, size_t blen, size_t bhead, char *err, size_t errlen)
{
	unsigned char moved[HEAD_MAX];
	struct rrdfile_parts p;
	stat_head_t st;

	/* the rows are laid from a fill whose values sit at multiples of 8 in
	 * the file (lay_out): so must the header's end */
	if (ahead > HEAD_MAX || ahead % sizeof(double) != 0 || ahead != bhead || alen != blen ||
	    alen - ahead > (size_t)FILL_IOV * FILL_BYTES)
		return gm_errf(err, errlen, GM_ENOTFOUND, "a header of %zu bytes and %zu of rows: "
		    "not a channel's", ahead, alen - ahead);
	if (!rows_unknown(ts, a, ahead, alen) || !rows_unknown(ts, b, bhead, blen))
		return gm_errf(err, errlen, GM_ENOTFOUND, "librrd's new file has rows that are "
		    "not all one \"unknown\"");
	memcpy(moved, a, ahead);
	memcpy(&st, a, sizeof(st));
	p = rrdfile_parts(st.ds_cnt, st.rra_cnt);
	if (rrd_template_set_start(moved, ahead, CHECK_T1, 0) != GM_OK)
		return gm_errf(err, errlen, GM_ENOTFOUND, "librrd's header is not one the template "
		    "can set");
	memcpy(moved + p.rra_ptr, b + p.rra_ptr, p.end - p.rra_ptr);
	if (memcmp(moved, b, ahead) != 0)
		return gm_errf(err, errlen, GM_ENOTFOUND, "librrd sets more from the start time "
		    "than the template does");
	return GM_OK;
}

/* A checked template for `every`'s heartbeat, made in dir. Under ts->lock.
 * GM_ENOTFOUND: the check failed; GM_EIO: librrd's files could not be made
 * or read here. */
static int make_template(struct rrd_templates *ts, const char *dir, long every,
    struct template **ret, char *err, size_t errlen)
{
	unsigned char *a = NULL, *b = NULL;
	size_t alen, blen, ahead, bhead;
	struct template *t;
	int rc;

	if ((rc = librrd_file(dir, every, CHECK_T0, &a, &alen, &ahead, err, errlen)) != GM_OK)
		return rc;
	if ((rc = librrd_file(dir, every, CHECK_T1, &b, &blen, &bhead, err, errlen)) == GM_OK &&
	    (rc = check(ts, a, alen, ahead, b, blen, bhead, err, errlen)) == GM_OK) {
		if ((t = calloc(1, sizeof(*t))) == NULL)
			rc = GM_ENOMEM;
		else {
			t->heartbeat = rrd_layout_heartbeat(every);
			t->head_len = ahead;
			t->file_len = alen;
			memcpy(t->head, a, ahead);
			*ret = t;
		}
	}
	free(a);
	free(b);
	return rc;
}

/* The template for `every`, made the first time: GM_OK, or GM_ENOTFOUND
 * with why (for good, and said once, if the check failed). */
static int find(struct rrd_templates *ts, const char *path, long every,
    const struct template **ret, char *err, size_t errlen)
{
	long hb = rrd_layout_heartbeat(every);
	char dir[4200];
	const char *slash = strrchr(path, '/');
	struct template *t = NULL;
	int rc = GM_OK;

	pthread_mutex_lock(&ts->lock);
	for (int i = 0; i < ts->n && t == NULL; i++)
		if (ts->t[i]->heartbeat == hb)
			t = ts->t[i];
	if (t == NULL && ts->failed)
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "%s", ts->why);
	else if (t == NULL && ts->n == TEMPLATES_MAX)
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "%d heartbeats have templates already",
		    TEMPLATES_MAX);
	else if (t == NULL && time(NULL) < ts->retry_at)
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "no template until %lld s from now",
		    (long long)(ts->retry_at - time(NULL)));
	else if (t == NULL) {
		snprintf(dir, sizeof(dir), "%.*s", slash != NULL ? (int)(slash - path) : 1,
		    slash != NULL ? path : ".");
		rc = make_template(ts, dir, every, &t, err, errlen);
		if (rc == GM_OK)
			ts->t[ts->n++] = t;
		else if (rc == GM_EIO)   /* not made on every new file meanwhile */
			ts->retry_at = time(NULL) + RETRY_S;
		else if (rc == GM_ENOTFOUND) {   /* librrd's way, not this directory's fault */
			ts->failed = true;
			snprintf(ts->why, sizeof(ts->why), "%s", err);
			log_warn("new RRD files are made by librrd, not from a template: %s", err);
		}
	}
	pthread_mutex_unlock(&ts->lock);
	*ret = t;
	return rc == GM_OK ? GM_OK : GM_ENOTFOUND;
}

/*
 * The file's bytes as buffers: the first block (the header and the first
 * rows) from `first`, every other from the fill, cut at each block's end and
 * where the whole FILEIO_DIRECT_ALIGN units end. *direct: how many buffers,
 * from the first, are whole units (fileio_create writes them past the page
 * cache). Returns how many buffers, 0 when more than max would be needed.
 */
static int lay_out(struct iovec *iov, int max, unsigned char *first, unsigned char *fill,
    size_t len, int *direct)
{
	size_t whole = len / FILEIO_DIRECT_ALIGN * FILEIO_DIRECT_ALIGN, off = 0;
	int n = 0;

	*direct = 0;
	while (off < len) {
		size_t end = (off / FILL_BYTES + 1) * FILL_BYTES;

		if (n == max)
			return 0;
		if (end > len)
			end = len;
		if (off < whole && end > whole)
			end = whole;
		iov[n].iov_base = (off < FILL_BYTES ? first : fill) + off % FILL_BYTES;
		iov[n++].iov_len = end - off;
		if (end <= whole)
			*direct = n;
		off = end;
	}
	return n;
}

int rrd_template_make(struct rrd_templates *ts, const char *path, time_t start, long every,
    char *err, size_t errlen)
{
	struct iovec iov[FILL_IOV + 2];
	const struct template *t;
	unsigned char *first;
	int n, direct, rc;

	if ((rc = find(ts, path, every, &t, err, errlen)) != GM_OK)
		return rc;
	if ((first = aligned_alloc(FILEIO_DIRECT_ALIGN, FILL_BYTES)) == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	memcpy(first, ts->fill, FILL_BYTES);
	memcpy(first, t->head, t->head_len);
	/* ring slots as random as librrd's, and the same for the same file */
	if (rrd_template_set_start(first, t->head_len, start,
	    (unsigned long)fnv1a(FNV1A_BASIS ^ (uint64_t)start, path)) != GM_OK)
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "%s: start %lld: cannot be set", path,
		    (long long)start);
	else if ((n = lay_out(iov, FILL_IOV + 2, first, ts->fill, t->file_len, &direct)) == 0)
		rc = gm_errf(err, errlen, GM_ENOTFOUND, "%s: %zu bytes: too long for a template",
		    path, t->file_len);
	else
		rc = fileio_create(path, iov, n, direct, 0644, err, errlen);
	free(first);
	return rc;
}

int rrd_new_file(struct rrd_templates *ts, const char *path, time_t start, long every,
    char *err, size_t errlen)
{
	struct rrd_def def;
	int rc;

	/* GM_EDUP: one is there, and kept. Else librrd tries: no template, or
	 * the file could not be written or named (a file system without
	 * RENAME_NOREPLACE or links; a full disk, which librrd then reports) */
	rc = rrd_template_make(ts, path, start, every, err, errlen);
	if (rc == GM_OK || rc == GM_EDUP)
		return GM_OK;
	rrd_layout_def(&def, every);
	rrd_clear_error();
	errno = 0;
	/* no_overwrite: a file another collector just made is kept, not replaced */
	if (rrd_create_r2(path, RRD_STEP, start, 1, NULL, NULL, def.argc, def.argv) != 0)
		return gm_errf(err, errlen, GM_ELIB, "rrd_create %s: %s", path,
		    rrd_store_error_text());
	return GM_OK;
}
