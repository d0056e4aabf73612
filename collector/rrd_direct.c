/* rrd_direct.c - the RRD files written by librrd in this process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rrd.h>

#include "gm_err.h"
#include "rrd_backend.h"
#include "rrd_layout.h"

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
	free(b);
}

struct rrd_backend *rrd_direct_open(void)
{
	struct rrd_backend *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	snprintf(b->what, sizeof(b->what), "librrd");
	/* rrd_update_r keeps no shared state (librrd's error is the thread's
	 * own) */
	b->concurrent_update = true;
	b->update = direct_update;
	b->sync = direct_sync;
	b->close = direct_close;
	return b;
}
