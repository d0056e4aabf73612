/*
 * rrdc.h - rrdcached as the readers and the collector both need it: its
 * address checked, and a channel file's name as rrdcached knows it.
 * Readers (gm-report, gm-dashboard) only flush a file before they read it,
 * so that it holds every row the collector handed to rrdcached; the
 * collector's write side (collector/rrd_cached.c) builds on the same names.
 *
 * An address is "unix:/path", "/path" (a unix socket), "host", "host:port"
 * or "[v6]:port". Over a unix socket rrdcached takes absolute names and
 * checks them against its base directory (-b), which may not hold symbolic
 * links, so the data directory's real path is used; over TCP, names are
 * relative to that base directory: the path below the data directory.
 *
 * librrd keeps one rrdcached connection per process and is not thread-safe:
 * callers flush from one thread at a time.
 */
#ifndef GM_RRDC_H
#define GM_RRDC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct rrdc {
	char addr[512];
	bool is_unix;
	char base[PATH_MAX];   /* unix: the data directory's real path */
	size_t datadir_len;    /* local paths start with the data directory and "/" */
};

/* GM_OK, or GM_EINVAL with what is wrong with addr in err. */
int rrdc_addr_check(const char *addr, bool *is_unix, char *err, size_t errlen);
/* A config file's `rrdcached` key, into addr: "" for none (librrd reads and
 * writes the files), else an address rrdc_addr_check takes; a bad one is a
 * config error at its line (confparse.h). */
struct conf;
void rrdc_conf_key(struct conf *c, const char *key, const char *value, char *addr,
    size_t len);

/* Check addr and learn the names of datadir's files. GM_OK, GM_EINVAL, or
 * GM_EIO (datadir cannot be resolved). Connects to nothing yet. */
int rrdc_init(struct rrdc *r, const char *addr, const char *datadir, char *err,
    size_t errlen);

/* rrdcached's name for the local path (which starts with the data
 * directory); NULL if it does not fit in len. */
const char *rrdc_name(const struct rrdc *r, const char *path, char *buf, size_t len);

/* Make the file at path hold every row rrdcached has for it: connect if
 * need be, FLUSH. GM_OK, or GM_EIO / GM_ELIB / GM_EINVAL with the reason;
 * a failed connection is closed, so the next call tries afresh. */
int rrdc_flush_file(struct rrdc *r, const char *path, char *err, size_t errlen);

/* rrdc_init on a new struct (a reader's): NULL with the reason in err. */
struct rrdc *rrdc_open(const char *addr, const char *datadir, char *err, size_t errlen);
/* Close the connection, if any, and free what rrdc_open made (NULL: nothing). */
void rrdc_close(struct rrdc *r);

#endif
