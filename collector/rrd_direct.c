/* rrd_direct.c - the RRD files written by librrd in this process; new ones
 * laid down from a template librrd made (rrd_template.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rrd.h>

#include "gm_err.h"
#include "rrd_backend.h"
#include "rrd_layout.h"
#include "rrd_template.h"

struct direct {
	struct rrd_backend b;   /* first: the store holds a struct rrd_backend * */
	struct rrd_templates *templates;
};

static int direct_create(struct rrd_backend *b, const char *path, time_t start, long every,
    char *err, size_t errlen)
{
	return rrd_new_file(((struct direct *)b)->templates, path, start, every, err, errlen);
}

static int direct_update(struct rrd_backend *b, const char *path, const struct store_row *rows,
    const char *const *text, size_t n, char *err, size_t errlen)
{
	const char *msg;

	(void)b;
	(void)rows;
	rrd_clear_error();
	errno = 0;
	if (rrd_update_r(path, RRD_TEMPLATE, (int)n, (const char **)text) == 0)
		return GM_OK;
	msg = rrd_store_error_text();
	return gm_errf(err, errlen, rrd_store_update_rc(msg), "rrd_update %s: %s", path, msg);
}

static int direct_sync(struct rrd_backend *b, const char *path, char *err, size_t errlen)
{
	(void)b;
	(void)path;
	(void)err;
	(void)errlen;
	return GM_OK;   /* librrd has written it already */
}

static void direct_close(struct rrd_backend *b)
{
	struct direct *d = (struct direct *)b;

	rrd_templates_free(d->templates);
	free(d);
}

struct rrd_backend *rrd_direct_open(void)
{
	struct direct *d = calloc(1, sizeof(*d));
	struct rrd_backend *b;

	if (d == NULL || (d->templates = rrd_templates_new()) == NULL) {
		free(d);
		return NULL;
	}
	b = &d->b;
	snprintf(b->what, sizeof(b->what), "librrd");
	/* rrd_create_r2 and rrd_update_r keep no shared state (librrd's error
	 * is the thread's own); the templates lock theirs */
	b->concurrent_create = true;
	b->concurrent_update = true;
	b->create = direct_create;
	b->update = direct_update;
	b->sync = direct_sync;
	b->close = direct_close;
	return b;
}
