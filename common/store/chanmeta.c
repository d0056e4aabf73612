/* chanmeta.c - the unit, kind and cadence file beside each channel's RRD or
 * entries journal. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chanmeta.h"
#include "confparse.h"
#include "gm_err.h"
#include "fileio.h"
#include "rrd_layout.h"

static void meta_path(char *buf, size_t len, const char *datadir, const struct chan_id *id)
{
	snprintf(buf, len, "%s/%s/%s/%s.meta", datadir, id->site, id->meter, id->channel);
}

int chanmeta_write(const char *datadir, const struct chan_id *id, const struct chanmeta *m,
    char *err, size_t errlen)
{
	char path[4096];
	struct fileio_new n;
	int rc;

	meta_path(path, sizeof(path), datadir, id);
	if ((rc = fileio_new_open(&n, path, 0644, err, errlen)) != GM_OK)
		return rc;
	fprintf(n.f, "; greenmeter channel metadata\n[channel]\nunit = %s\nkind = %s\n"
	    "layout = %d\n", m->unit, kind_name(m->kind),
	    m->layout ? m->layout : RRD_LAYOUT_VERSION);
	if (m->every != 0)
		fprintf(n.f, "every = %ld\n", m->every);
	return fileio_new_commit(&n, false, err, errlen);
}

static void meta_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct chanmeta *m = c->user;
	long l;

	if (strcmp(section, "channel") != 0)
		conf_error(c, "unknown section [%s]", section);
	else if (strcmp(key, "unit") == 0) {
		if (unit_valid(value))
			strcpy(m->unit, value);
		else
			conf_error(c, "bad unit \"%s\"", value);
	} else if (strcmp(key, "kind") == 0) {
		if (kind_parse(value, &m->kind) != GM_OK)
			conf_error(c, "bad kind \"%s\"", value);
	} else if (strcmp(key, "layout") == 0) {
		if (conf_long(c, key, value, 1, 1000, &l))
			m->layout = (int)l;
	} else if (strcmp(key, "every") == 0) {
		conf_long(c, key, value, 1, PAYLOAD_EVERY_MAX, &m->every);
	}
}

static void meta_report(void *user, const char *msg)
{
	char **first = user;

	if (*first == NULL)
		*first = strdup(msg);
}

int chanmeta_read(const char *datadir, const struct chan_id *id, struct chanmeta *out,
    char *err, size_t errlen)
{
	char path[4096], *first = NULL;
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	meta_path(path, sizeof(path), datadir, id);
	if (lstat(path, &st) != 0)
		return GM_ENOTFOUND;
	/* a FIFO or link at its name is refused, never waited on or followed */
	rc = conf_parse_regular(path, meta_handler, out, meta_report, &first);
	if (rc != 0)
		rc = gm_errf(err, errlen, GM_EINVAL, "%s", first ? first : path);
	else if (out->unit[0] == '\0')
		rc = gm_errf(err, errlen, GM_EINVAL, "%s: no unit", path);
	else
		rc = GM_OK;
	if (out->layout == 0)   /* written before the line was: layout 1, the only one then */
		out->layout = 1;
	free(first);
	return rc;
}
