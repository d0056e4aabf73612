/*
 * rrd_backend.h - what rrd_store.c asks of whatever writes the RRD files.
 *
 * Two backends: rrd_direct.c (librrd in this process) and rrd_cached.c
 * (rrdcached, through librrd's rrd_client). rrd_store.c keeps everything
 * else - paths, directories, new files (rrd_template.h), .meta files, the
 * kind check, the row text - so ingest.c sees one store either way.
 *
 * Paths are the local ones, "<datadir>/<site>/<meter>/<channel>.rrd"; a
 * backend that names files differently (rrdcached over TCP) translates.
 * Every call returns GM_OK or a GM_* code with the backend's reason in err:
 *   update  append n rows, strictly newer than the file's last update and in
 *           time order; GM_ESTALE (and nothing stored) when one is not
 *           newer. GM_OK means the rows will be in the file: at once
 *           (librrd), or once rrdcached writes them, which the backend sees
 *           to (rrd_hold.h).
 *   sync    make the file on disk hold every row updated so far, before
 *           someone reads it (a no-op for librrd).
 *   close   sync everything and free the backend.
 */
#ifndef GM_RRD_BACKEND_H
#define GM_RRD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rrd_store.h"

struct rrd_backend {
	char what[160];   /* "librrd" or "rrdcached at ADDRESS", for the log */
	bool concurrent_update;   /* update may run beside other calls, on
	                           * other files (librrd; not rrdcached's one
	                           * connection) */
	int (*update)(struct rrd_backend *b, const char *path, const struct store_row *rows,
	    const char *const *text, size_t n, char *err, size_t errlen);
	int (*sync)(struct rrd_backend *b, const char *path, char *err, size_t errlen);
	void (*close)(struct rrd_backend *b);
};

/* librrd in this process. NULL when out of memory. */
struct rrd_backend *rrd_direct_open(void);

/* rrdcached at addr, for the files under datadir (which must exist). Over a
 * unix socket files are named by absolute path (the data directory's real
 * path); over TCP by their path relative to datadir, which rrdcached must
 * have as its base directory (-b). Not connecting is no error: the first
 * update tries again. */
struct rrd_backend *rrd_cached_open(const char *addr, const char *datadir, char *err,
    size_t errlen);

/* Shared by the backends, defined in rrd_store.c: */
/* GM_ESTALE if librrd's (or rrdcached's) message says the row was not newer
 * than the file's last update, else GM_ELIB. */
int rrd_store_update_rc(const char *msg);
/* librrd's message for the call that just failed; when librrd gave none
 * (rrd_create on a full disk does not), errno's text, or says so. Call it
 * right after the failing call: it reads errno. */
const char *rrd_store_error_text(void);

#endif
