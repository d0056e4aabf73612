/* rrd_store.c - RRD files per meter channel through librrd. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rrd.h>

#include "entries.h"
#include "err.h"
#include "rrd_layout.h"
#include "chanmeta.h"
#include "rrd_store.h"

#define ROW_TEXT 96

struct store {
	char datadir[1024];     /* short enough that every path below fits PATH_MAX */
	char **argv;          /* reusable update strings */
	size_t cap;
};

struct store *store_open(const char *datadir, char *err, size_t errlen)
{
	struct store *s;
	struct stat st;

	if (stat(datadir, &st) != 0 && mkdir(datadir, 0755) != 0) {
		gm_errf(err, errlen, GM_EIO, "data directory %s: %s", datadir, strerror(errno));
		return NULL;
	}
	if (strlen(datadir) >= sizeof(s->datadir)) {
		gm_errf(err, errlen, GM_EINVAL, "data directory path is too long");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(s->datadir, sizeof(s->datadir), "%s", datadir);
	return s;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return gm_errf(err, errlen, GM_EIO, "mkdir %s: %s", path, strerror(errno));
	return GM_OK;
}

/* <datadir>/<site>/<meter>: ids are validated, so these stay inside datadir. */
static int make_dirs(struct store *s, const struct chan_id *id, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", s->datadir, id->site);
	if ((rc = make_dir(path, err, errlen)) != GM_OK)
		return rc;
	snprintf(path, sizeof(path), "%s/%s/%s", s->datadir, id->site, id->meter);
	return make_dir(path, err, errlen);
}

static int create_file(struct store *s, const char *path, const struct chan_id *id,
    const struct payload_meta *meta, double first_t, char *err, size_t errlen)
{
	const char **argv;
	int argc = rrd_layout_argv(&argv), rc;
	char journal[PATH_MAX];

	/* A channel is one kind: one that keeps delta entries gets no RRD, or
	 * its .meta would be rewritten and its entries no longer reported. */
	entries_path(journal, sizeof(journal), s->datadir, id);
	if (access(journal, F_OK) == 0)
		return gm_errf(err, errlen, GM_EINVAL, "the channel keeps delta entries "
		    "(%s); a %s reading does not fit it", journal, kind_name(meta->kind));
	if ((rc = make_dirs(s, id, err, errlen)) != GM_OK ||
	    (rc = chanmeta_write(s->datadir, id, meta->unit, meta->kind, err, errlen)) != GM_OK)
		return rc;
	rrd_clear_error();
	/* no_overwrite: a file another collector just made is kept, not replaced. */
	if (rrd_create_r2(path, RRD_STEP, (time_t)floor(first_t) - 1, 1, NULL, NULL,
	    argc, argv) != 0 && access(path, F_OK) != 0)
		return gm_errf(err, errlen, GM_ELIB, "rrd_create %s: %s", path, rrd_get_error());
	return GM_OK;
}

int store_last(struct store *s, const struct chan_id *id, bool *exists, double *t,
    double *value, char *err, size_t errlen)
{
	char path[PATH_MAX], **names = NULL, **last = NULL;
	unsigned long n = 0;
	time_t when;
	int rc = GM_OK;

	rrd_layout_path(path, sizeof(path), s->datadir, id);
	*exists = access(path, F_OK) == 0;
	*t = 0;
	*value = NAN;
	if (!*exists)
		return GM_OK;
	rrd_clear_error();
	if (rrd_lastupdate_r(path, &when, &n, &names, &last) != 0)
		return gm_errf(err, errlen, GM_ELIB, "rrd_lastupdate %s: %s", path,
		    rrd_get_error());
	*t = (double)when;
	for (unsigned long i = 0; i < n; i++) {
		if (strcmp(names[i], RRD_DS_VALUE) == 0 && strcmp(last[i], "U") != 0)
			*value = strtod(last[i], NULL);
		free(names[i]);
		free(last[i]);
	}
	free(names);
	free(last);
	return rc;
}

static int reserve(struct store *s, size_t n)
{
	char **grown;

	if (n <= s->cap)
		return GM_OK;
	if ((grown = realloc(s->argv, n * sizeof(*grown))) == NULL)
		return GM_ENOMEM;
	s->argv = grown;
	for (; s->cap < n; s->cap++) {
		if ((s->argv[s->cap] = malloc(ROW_TEXT)) == NULL)
			return GM_ENOMEM;
	}
	return GM_OK;
}

static void row_text(char *buf, const struct store_row *r)
{
	char use[32];

	if (isnan(r->use))
		strcpy(use, "U");
	else
		snprintf(use, sizeof(use), "%.17g", r->use);
	snprintf(buf, ROW_TEXT, "%.3f:%.17g:%s", r->t, r->value, use);
}

int store_update(struct store *s, const struct chan_id *id, const struct payload_meta *meta,
    const struct store_row *rows, size_t n, char *err, size_t errlen)
{
	char path[PATH_MAX];
	const char *msg;
	int rc;

	if (n == 0)
		return GM_OK;
	rrd_layout_path(path, sizeof(path), s->datadir, id);
	if (access(path, F_OK) != 0 &&
	    (rc = create_file(s, path, id, meta, rows[0].t, err, errlen)) != GM_OK)
		return rc;
	if (reserve(s, n) != GM_OK)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		row_text(s->argv[i], &rows[i]);
	rrd_clear_error();
	if (rrd_update_r(path, RRD_TEMPLATE, (int)n, (const char **)s->argv) == 0)
		return GM_OK;
	msg = rrd_get_error();
	rc = strstr(msg, "illegal attempt to update using time") ? GM_ESTALE : GM_ELIB;
	return gm_errf(err, errlen, rc, "rrd_update %s: %s", path, msg);
}
