/* rrdc.c - rrdcached's addresses and names, and a flush before reading. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>
#include <rrd_client.h>

#include "confparse.h"
#include "gm_err.h"
#include "rrdc.h"

int rrdc_addr_check(const char *addr, bool *is_unix, char *err, size_t errlen)
{
	const char *path = strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr;
	const char *host = addr, *port = NULL;
	size_t hostlen;

	*is_unix = path != addr || addr[0] == '/';
	if (*is_unix) {
		if (path[0] != '/')
			return gm_errf(err, errlen, GM_EINVAL, "rrdcached socket \"%s\": give an "
			    "absolute path (unix:/run/rrdcached.sock)", path);
		if (strlen(path) >= 108)   /* sun_path */
			return gm_errf(err, errlen, GM_EINVAL, "rrdcached socket path is longer "
			    "than a unix socket allows (107 characters)");
		return GM_OK;
	}
	if (addr[0] == '[') {   /* [v6 address] or [v6 address]:port */
		const char *end = strchr(addr, ']');

		if (end == NULL || end == addr + 1 || (end[1] != '\0' && end[1] != ':'))
			return gm_errf(err, errlen, GM_EINVAL, "rrdcached address \"%s\": expected "
			    "[address] or [address]:port", addr);
		host = addr + 1;
		hostlen = (size_t)(end - host);
		port = end[1] == ':' ? end + 2 : NULL;
	} else {
		port = strrchr(addr, ':');
		hostlen = port ? (size_t)(port - addr) : strlen(addr);
		if (port != NULL)
			port++;
	}
	if (hostlen == 0)
		return gm_errf(err, errlen, GM_EINVAL, "rrdcached address \"%s\": no host (use "
		    "unix:/path for a socket, or host:port)", addr);
	for (size_t i = 0; i < hostlen; i++) {
		char c = host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || (addr[0] == '[' && c == ':')))
			return gm_errf(err, errlen, GM_EINVAL, "rrdcached address \"%s\": bad "
			    "character in the host", addr);
	}
	if (port != NULL) {
		char *end;
		long p;

		errno = 0;
		p = strtol(port, &end, 10);
		if (port[0] < '0' || port[0] > '9' || *end != '\0' || errno != 0 || p < 1 ||
		    p > 65535)
			return gm_errf(err, errlen, GM_EINVAL, "rrdcached address \"%s\": the port "
			    "must be 1..65535", addr);
	}
	return GM_OK;
}

int rrdc_init(struct rrdc *r, const char *addr, const char *datadir, char *err,
    size_t errlen)
{
	char real[PATH_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = rrdc_addr_check(addr, &r->is_unix, err, errlen)) != GM_OK)
		return rc;
	if (strlen(addr) >= sizeof(r->addr))
		return gm_errf(err, errlen, GM_EINVAL, "rrdcached address is too long");
	if (r->is_unix && realpath(datadir, real) == NULL)
		return gm_errf(err, errlen, GM_EIO, "data directory %s: %s", datadir,
		    strerror(errno));
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	snprintf(r->base, sizeof(r->base), "%s", r->is_unix ? real : "");
	r->datadir_len = strlen(datadir);
	return GM_OK;
}

const char *rrdc_name(const struct rrdc *r, const char *path, char *buf, size_t len)
{
	const char *rel = path + r->datadir_len + 1;
	int n;

	if (strlen(path) <= r->datadir_len)
		return NULL;
	if (!r->is_unix)
		return rel;   /* over TCP: relative to rrdcached's -b */
	n = snprintf(buf, len, "%s/%s", r->base, rel);
	return n >= 0 && (size_t)n < len ? buf : NULL;
}

int rrdc_flush_file(struct rrdc *r, const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	const char *name = rrdc_name(r, path, buf, sizeof(buf));
	int rc;

	if (name == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "%s: the path is too long", path);
	rrd_clear_error();
	if ((rc = rrdc_connect(r->addr)) != 0)
		return gm_errf(err, errlen, GM_EIO, "rrdcached at %s: %s", r->addr,
		    rrd_test_error() ? rrd_get_error() : strerror(rc > 0 ? rc : EIO));
	rrd_clear_error();
	if (rrdc_flush(name) != 0) {
		const char *msg = rrd_get_error();

		rrdc_disconnect();
		return gm_errf(err, errlen, GM_ELIB, "rrdcached at %s: flush %s: %s", r->addr,
		    name, msg[0] ? msg : "failed");
	}
	return GM_OK;
}

struct rrdc *rrdc_open(const char *addr, const char *datadir, char *err, size_t errlen)
{
	struct rrdc *r = malloc(sizeof(*r));

	if (r == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	if (rrdc_init(r, addr, datadir, err, errlen) != GM_OK) {
		free(r);
		return NULL;
	}
	return r;
}

void rrdc_close(struct rrdc *r)
{
	if (r == NULL)
		return;
	rrdc_disconnect();
	free(r);
}

void rrdc_conf_key(struct conf *c, const char *key, const char *value, char *addr,
    size_t len)
{
	char err[256];
	bool is_unix;

	if (!conf_str(c, key, value, addr, len) || value[0] == '\0')
		return;
	if (rrdc_addr_check(addr, &is_unix, err, sizeof(err)) != GM_OK)
		conf_error(c, "%s", err);
}
