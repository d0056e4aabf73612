/* compact.c - layout-1 channel files brought to layout 2 (compact.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rrd.h>

#include "chanmeta.h"
#include "compact.h"
#include "datadir.h"
#include "gm_err.h"
#include "rrd_layout.h"
#include "rrdfile.h"
#include "wal.h"

/* Whether the file has archives a layout-2 file does not. */
static bool has_extra_archives(const struct rrdfile *f)
{
	for (int i = 0; i < f->nrra; i++)
		if (!f->rra[i].average)
			return true;
	return false;
}

/* value's heartbeat as the file has it (set from the channel's `every` when
 * it was made, or tuned since): kept. 0 if librrd cannot say. */
static long value_heartbeat(const char *path)
{
	rrd_info_t *info = rrd_info_r(path), *i;
	long hb = 0;

	for (i = info; i != NULL; i = i->next)
		if (strcmp(i->key, "ds[" RRD_DS_VALUE "].minimal_heartbeat") == 0 && i->type == RD_I_CNT)
			hb = (long)i->value.u_cnt;
	rrd_info_free(info);
	return hb;
}

/* The file made anew in layout 2 from its own rows (rrdtool create
 * --source: every row, the last update and what the archives had gathered
 * of their next row carried over; DELRRA loses the rows of archives after a
 * deleted one in librrd 1.7), beside it, then renamed over it. */
static int remake(const char *path, char *err, size_t errlen)
{
	const char *argv[8 + RRD_LAYOUT_ARGS];
	char tmp[4200], step[16], value[64];
	struct rrd_def d;
	int argc = 0, fd;
	struct stat old;
	long hb = value_heartbeat(path);

	if (hb <= 0)
		return gm_errf(err, errlen, GM_ELIB, "%s: no heartbeat of " RRD_DS_VALUE ": %s", path,
		    rrd_get_error());
	rrd_layout_def(&d, 0);
	snprintf(value, sizeof(value), "DS:" RRD_DS_VALUE ":GAUGE:%ld:U:U", hb);
	d.argv[0] = value;
	snprintf(tmp, sizeof(tmp), "%s.compact", path);
	snprintf(step, sizeof(step), "%d", RRD_STEP);
	unlink(tmp);   /* ours, from a run cut short */
	argv[argc++] = "create";
	argv[argc++] = tmp;
	argv[argc++] = "--no-overwrite";
	argv[argc++] = "--source";
	argv[argc++] = path;
	argv[argc++] = "--step";
	argv[argc++] = step;
	for (int i = 0; i < d.argc; i++)
		argv[argc++] = d.argv[i];
	rrd_clear_error();
	if (rrd_create(argc, (char **)argv) != 0) {
		unlink(tmp);
		return gm_errf(err, errlen, GM_ELIB, "%s: rrd_create --source: %s", path,
		    rrd_get_error());
	}
	/* durable before it takes the old one's name */
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return gm_errf(err, errlen, GM_EIO, "%s: cannot sync: %s", tmp, strerror(errno));
	}
	/* the old file's owner and mode: a run as root leaves the collector's files its own */
	if (stat(path, &old) == 0 && (chown(tmp, old.st_uid, old.st_gid) != 0 ||
	    chmod(tmp, old.st_mode & 07777) != 0)) {
		unlink(tmp);
		return gm_errf(err, errlen, GM_EIO, "%s: cannot give it %s's owner and mode: %s", tmp,
		    path, strerror(errno));
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return gm_errf(err, errlen, GM_EIO, "%s: cannot rename %s over it: %s", path, tmp,
		    strerror(errno));
	}
	return GM_OK;
}

/* The channel's .meta says the file's layout is RRD_LAYOUT_VERSION. */
static int meta_says_layout(const char *datadir, const struct stored_chan *c, char *err,
    size_t errlen)
{
	char why[4400];
	struct chanmeta meta;

	if (chanmeta_read(datadir, &c->id, &meta, why, sizeof(why)) != GM_OK ||
	    meta.layout == RRD_LAYOUT_VERSION)
		return GM_OK;
	meta.layout = RRD_LAYOUT_VERSION;
	if (chanmeta_write(datadir, &c->id, &meta, why, sizeof(why)) != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s", why);
	return GM_OK;
}

static int compact_file(const char *datadir, const struct stored_chan *c,
    struct compact_report *rep, char *err, size_t errlen)
{
	struct stat st;
	struct rrdfile f;
	bool extra;
	int rc;

	if ((rc = rrdfile_open(c->path, &f, err, errlen)) != GM_OK)
		return rc;
	rc = rrdfile_check_layout(&f, c->path, err, errlen);
	extra = has_extra_archives(&f);
	rrdfile_close(&f);
	rep->files++;
	if (rc != GM_OK)
		return rc;
	if (!extra)   /* layout 2 already; a run cut short may not have said so */
		return meta_says_layout(datadir, c, err, errlen);
	if (stat(c->path, &st) == 0)
		rep->before += (uint64_t)st.st_size;
	if ((rc = remake(c->path, err, errlen)) != GM_OK)
		return rc;
	rep->compacted++;
	if (stat(c->path, &st) == 0)
		rep->after += (uint64_t)st.st_size;
	return meta_says_layout(datadir, c, err, errlen);
}

int compact_run(const char *datadir, struct compact_report *rep, char *err, size_t errlen)
{
	struct stored_chan *list = NULL;
	struct wal *w = NULL;
	int n, rc = GM_OK;

	memset(rep, 0, sizeof(*rep));
	if ((rc = wal_open(&w, datadir, 0, err, errlen)) != GM_OK)
		return rc;
	if ((n = datadir_names(datadir, NULL, NULL, &list)) < 0) {
		wal_close(w);
		return gm_errf(err, errlen, n, "%s: cannot list its channels", datadir);
	}
	for (int i = 0; i < n && rc == GM_OK; i++)
		if (!list[i].journal)
			rc = compact_file(datadir, &list[i], rep, err, errlen);
	free(list);
	wal_close(w);
	return rc;
}
