/* chanmeta.c - the unit and kind file beside each channel's RRD or entries journal. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chanmeta.h"
#include "confparse.h"
#include "err.h"
#include "fileio.h"
#include "rrd_layout.h"

static void meta_path(char *buf, size_t len, const char *datadir, const struct chan_id *id)
{
	snprintf(buf, len, "%s/%s/%s/%s.meta", datadir, id->site, id->meter, id->channel);
}

int chanmeta_write(const char *datadir, const struct chan_id *id, const char *unit,
    enum reading_kind kind, char *err, size_t errlen)
{
	char path[4096];
	struct fileio_new n;
	int rc;

	meta_path(path, sizeof(path), datadir, id);
	if ((rc = fileio_new_open(&n, path, 0644, err, errlen)) != GM_OK)
		return rc;
	fprintf(n.f, "; greenmeter channel metadata\n[channel]\nunit = %s\nkind = %s\n"
	    "layout = %d\n", unit, kind_name(kind), RRD_LAYOUT_VERSION);
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
	free(first);
	return rc;
}
