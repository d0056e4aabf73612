/* backup.c - a running data directory copied file by file under its writers' locks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "backup.h"
#include "data_format.h"
#include "entries.h"
#include "fileio.h"
#include "gm_err.h"
#include "meter_event.h"
#include "rrdc.h"
#include "rrdfile.h"

#define MANIFEST_MAGIC "greenmeter-backup 1"
#define RESTORING ".restoring"   /* inside the data directory, while a restore copies */
#define PATH_LEN 4096

struct copy {
	const char *from, *to;     /* the two roots */
	struct rrdc *rrdc;         /* NULL: librrd writes the files */
	FILE *manifest;
	struct backup_report *rep;
	char *err;
	size_t errlen;
};

/* "dir/name" into buf (PATH_LEN); GM_EINVAL when it does not fit. */
static int join(char *buf, const char *dir, const char *name, char *err, size_t errlen)
{
	if ((size_t)snprintf(buf, PATH_LEN, "%s/%s", dir, name) >= PATH_LEN)
		return gm_errf(err, errlen, GM_EINVAL, "%s/%s: path too long", dir, name);
	return GM_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* What a file's writer holds while it writes: librrd locks an RRD file with
 * fcntl for each update; the journals are appended under flock(LOCK_EX)
 * (entry_store.c, event_store.c, quarantine.c). Anything else is replaced
 * whole by rename, or (the log's segments) checksummed record by record. */
enum lock_kind { LOCK_NONE, LOCK_RRD, LOCK_JOURNAL };

static enum lock_kind lock_of(const char *rel)
{
	if (ends_with(rel, ".rrd"))
		return LOCK_RRD;
	if (ends_with(rel, ENTRIES_SUFFIX) || ends_with(rel, EVENTS_SUFFIX) ||
	    strcmp(rel, ".quarantine/journal") == 0)
		return LOCK_JOURNAL;
	return LOCK_NONE;
}

static int take_lock(int fd, enum lock_kind k)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	int rc;

	if (k == LOCK_JOURNAL)
		while ((rc = flock(fd, LOCK_SH)) != 0 && errno == EINTR)
			;
	else if (k == LOCK_RRD)
		while ((rc = fcntl(fd, F_SETLKW, &fl)) != 0 && errno == EINTR)
			;
	else
		rc = 0;
	return rc;
}

/* All of in to dst (made new; NULL: only read), its size and CRC-32. */
static int copy_fd(int in, const char *dst, mode_t mode, uint64_t *size, uLong *crc,
    char *err, size_t errlen)
{
	char buf[65536];
	ssize_t n;
	int out = -1, rc = GM_OK;

	if (dst != NULL &&
	    (out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot create: %s", dst, strerror(errno));
	*size = 0;
	*crc = crc32(0L, Z_NULL, 0);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = gm_errf(err, errlen, GM_EIO, "cannot read: %s", strerror(errno));
			break;
		}
		if (out >= 0 && fileio_write_all(out, buf, (size_t)n) != 0) {
			rc = gm_errf(err, errlen, GM_EIO, "%s: cannot write: %s", dst, strerror(errno));
			break;
		}
		*crc = crc32(*crc, (const Bytef *)buf, (uInt)n);
		*size += (uint64_t)n;
	}
	if (out < 0)
		return rc;
	if (rc == GM_OK && fsync(out) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: cannot fsync: %s", dst, strerror(errno));
	if (close(out) != 0 && rc == GM_OK)
		rc = gm_errf(err, errlen, GM_EIO, "%s: cannot close: %s", dst, strerror(errno));
	return rc;
}

/* librrd writes a new file in place, without its lock: a copy taken
 * meanwhile may be part of one. A copy that is no sane RRD, of a file
 * written moments ago, is such a file (its channel's rows arrive after
 * the log was copied: they are not in the backup either way). */
static bool being_made(const char *copy, const struct stat *st)
{
	char why[256];
	struct rrdfile f;
	time_t age = time(NULL) - st->st_mtime;

	if (rrdfile_open(copy, &f, why, sizeof(why)) == GM_OK) {
		rrdfile_close(&f);
		return false;
	}
	return age >= -1 && age <= 5;
}

static int copy_file(struct copy *c, const char *rel)
{
	char src[PATH_LEN], dst[PATH_LEN], why[256];
	enum lock_kind k = lock_of(rel);
	struct stat st;
	uint64_t size;
	uLong crc;
	int fd, rc;

	if ((rc = join(src, c->from, rel, c->err, c->errlen)) != GM_OK ||
	    (rc = join(dst, c->to, rel, c->err, c->errlen)) != GM_OK)
		return rc;
	/* rows rrdcached holds for the file go into it first */
	if (k == LOCK_RRD && c->rrdc != NULL &&
	    rrdc_flush_file(c->rrdc, src, why, sizeof(why)) != GM_OK)
		return gm_errf(c->err, c->errlen, GM_EIO, "%s: rrdcached flush: %s", src, why);
	rc = fileio_open_regular(src, O_RDONLY, 0, &fd, &st, why, sizeof(why));
	if (rc == GM_ENOTFOUND)   /* a log segment done with, a file set aside: gone */
		return GM_OK;
	if (rc != GM_OK)
		return gm_errf(c->err, c->errlen, rc, "%s", why);
	if (take_lock(fd, k) != 0) {
		rc = gm_errf(c->err, c->errlen, GM_EIO, "%s: cannot lock: %s", src, strerror(errno));
	} else if ((rc = copy_fd(fd, dst, st.st_mode & 0777, &size, &crc, why,
	    sizeof(why))) != GM_OK) {
		gm_errf(c->err, c->errlen, rc, "%s: %s", src, why);
	} else if (k == LOCK_RRD && being_made(dst, &st)) {
		unlink(dst);   /* a channel's first file, half written: not in the backup */
		c->rep->skipped++;
	} else {
		fprintf(c->manifest, "%" PRIu64 " %08lx %s\n", size, crc, rel);
		c->rep->files++;
		c->rep->bytes += size;
		c->rep->rrd_files += k == LOCK_RRD;
	}
	close(fd);   /* and with it the lock */
	return rc;
}

/* Names a directory's walk leaves out: the log's lock (the collector's own,
 * while it runs) and what fileio leaves while it writes (".name.XXXXXX");
 * at the top, a hidden name is the collector's own but for those three. */
static bool left_out(const char *rel, const char *name, bool top)
{
	if (top)
		return name[0] == '.' && strcmp(name, ".wal") != 0 &&
		    strcmp(name, ".quarantine") != 0 && strcmp(name, DATA_FORMAT_FILE) != 0;
	return name[0] == '.' || strcmp(rel, ".wal/lock") == 0;
}

static int copy_tree(struct copy *c, const char *rel, bool skip_wal)
{
	char dir[PATH_LEN], sub[PATH_LEN], dst[PATH_LEN];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = GM_OK;

	snprintf(dir, sizeof(dir), "%s%s%s", c->from, rel[0] ? "/" : "", rel);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? GM_OK :
		    gm_errf(c->err, c->errlen, GM_EIO, "%s: cannot read: %s", dir, strerror(errno));
	while (rc == GM_OK && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "",
		    e->d_name) >= sizeof(sub) - strlen(c->to) - 2) {
			rc = gm_errf(c->err, c->errlen, GM_EINVAL, "%s/%s: name too long", dir, e->d_name);
			break;
		}
		if (left_out(sub, e->d_name, rel[0] == '\0') ||
		    (skip_wal && strcmp(sub, ".wal") == 0))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;   /* gone since it was listed */
		if (S_ISREG(st.st_mode)) {
			rc = copy_file(c, sub);
		} else if (S_ISDIR(st.st_mode)) {
			if ((rc = join(dst, c->to, sub, c->err, c->errlen)) != GM_OK)
				break;
			if (mkdir(dst, (st.st_mode & 0777) | 0700) != 0 && errno != EEXIST)
				rc = gm_errf(c->err, c->errlen, GM_EIO, "%s: cannot make: %s", dst,
				    strerror(errno));
			else
				rc = copy_tree(c, sub, false);
		} else {
			c->rep->skipped++;   /* a link or a FIFO is no file of ours: never followed */
		}
	}
	closedir(d);
	return rc;
}

/* path and what is below it; a link is removed, never followed. */
static int remove_tree(const char *path)
{
	char sub[PATH_LEN];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL)
		return unlink(path);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	return rmdir(path);
}

/* Everything below dir removed; dir stays. */
static void empty_dir(const char *dir)
{
	char sub[PATH_LEN];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (join(sub, dir, e->d_name, NULL, 0) == GM_OK)
			remove_tree(sub);
	}
	if (d != NULL)
		closedir(d);
}

/* The directories below path made durable, deepest first, then path. */
static void sync_tree(const char *path)
{
	char sub[PATH_LEN];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		sync_tree(sub);
	}
	closedir(d);
	fileio_sync_dir(path);
}

/* dest must not exist; dest.partial is made afresh. */
static int start_dest(const char *dest, char *tmp, size_t len, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dest, &st) == 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s is there already: a backup goes into a "
		    "new directory", dest);
	if ((size_t)snprintf(tmp, len, "%s.partial", dest) >= len)
		return gm_errf(err, errlen, GM_EINVAL, "%s: name too long", dest);
	if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
		remove_tree(tmp);   /* ours, from a backup that was cut short */
	if (mkdir(tmp, 0750) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make: %s", tmp, strerror(errno));
	return GM_OK;
}

/* The directory holding path, made durable after a rename into it. */
static void sync_parent(const char *path)
{
	char dir[PATH_LEN];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fileio_sync_dir(dir);
}

/* The manifest closed and c->to renamed to final; on any failure c->to goes. */
static int finish(struct copy *c, const char *final, int rc)
{
	if (rc == GM_OK && (fflush(c->manifest) != 0 || fsync(fileno(c->manifest)) != 0))
		rc = gm_errf(c->err, c->errlen, GM_EIO, "%s/" BACKUP_MANIFEST ": cannot write: %s",
		    c->to, strerror(errno));
	if (fclose(c->manifest) != 0 && rc == GM_OK)
		rc = gm_errf(c->err, c->errlen, GM_EIO, "%s/" BACKUP_MANIFEST ": cannot write",
		    c->to);
	if (rc == GM_OK && rename(c->to, final) != 0)
		rc = gm_errf(c->err, c->errlen, GM_EIO, "%s: cannot rename to %s: %s", c->to, final,
		    strerror(errno));
	if (rc != GM_OK) {
		remove_tree(c->to);
		return rc;
	}
	sync_parent(final);
	return GM_OK;
}

int backup_take(const char *datadir, const char *rrdcached, const char *dest,
    struct backup_report *rep, char *err, size_t errlen)
{
	char tmp[PATH_LEN], path[PATH_LEN];
	struct copy c = { .from = datadir, .to = tmp, .rep = rep, .err = err, .errlen = errlen };
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = data_format_check(datadir, false, err, errlen)) != GM_OK)
		return rc;
	if (rrdcached[0] != '\0' && (c.rrdc = rrdc_open(rrdcached, datadir, err, errlen)) == NULL)
		return GM_EINVAL;
	if ((rc = start_dest(dest, tmp, sizeof(tmp), err, errlen)) != GM_OK) {
		rrdc_close(c.rrdc);
		return rc;
	}
	if ((rc = join(path, tmp, BACKUP_MANIFEST, err, errlen)) != GM_OK ||
	    (c.manifest = fopen(path, "wx")) == NULL) {
		rrdc_close(c.rrdc);
		remove_tree(tmp);
		return rc != GM_OK ? rc :
		    gm_errf(err, errlen, GM_EIO, "%s: cannot create: %s", path, strerror(errno));
	}
	fprintf(c.manifest, MANIFEST_MAGIC "\n");
	/* the log before the files its rows go to (backup.h) */
	if ((rc = join(path, tmp, ".wal", err, errlen)) == GM_OK && mkdir(path, 0750) != 0)
		rc = gm_errf(err, errlen, GM_EIO, "%s: cannot make: %s", path, strerror(errno));
	if (rc == GM_OK)
		rc = copy_tree(&c, ".wal", false);
	if (rc == GM_OK)
		rc = copy_tree(&c, "", true);
	rrdc_close(c.rrdc);
	if (rc == GM_OK)
		sync_tree(tmp);
	return finish(&c, dest, rc);
}

/* A manifest's path: relative, below its root whatever it holds, and of the
 * characters a data directory's names have (ids, dots, the log's digits). */
static bool rel_ok(const char *rel)
{
	const char *p = rel;

	if (rel[0] == '\0' || rel[0] == '/')
		return false;
	for (; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/",
		    *p) == NULL)
			return false;
	for (p = rel; p != NULL; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
	}
	return true;
}

/* The directories rel lies in, below root. */
static int make_parents(const char *root, const char *rel, char *err, size_t errlen)
{
	char path[PATH_LEN];
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/", root);

	for (const char *p = rel; (p = strchr(p, '/')) != NULL; p++) {
		snprintf(path + n, sizeof(path) - n, "%.*s", (int)(p - rel), rel);
		if (mkdir(path, 0750) != 0 && errno != EEXIST)
			return gm_errf(err, errlen, GM_EIO, "%s: cannot make: %s", path,
			    strerror(errno));
	}
	return GM_OK;
}

/* Every directory on rel's way below root is one, not a link: a backup
 * holding "s -> /etc" does not get "s/passwd" read. (The file itself is
 * opened O_NOFOLLOW.) */
static int no_links(const char *root, const char *rel, char *err, size_t errlen)
{
	char path[PATH_LEN];
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/", root);
	struct stat st;

	for (const char *p = rel; (p = strchr(p, '/')) != NULL; p++) {
		snprintf(path + n, sizeof(path) - n, "%.*s", (int)(p - rel), rel);
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			return gm_errf(err, errlen, GM_EINVAL, "%s: not a directory of the backup (a "
			    "link?): refused", path);
	}
	return GM_OK;
}

/* One manifest line's file checked, and copied below dst unless dst is NULL. */
static int check_file(const char *src, const char *dst, const char *rel, uint64_t want,
    unsigned long want_crc, struct backup_report *rep, char *err, size_t errlen)
{
	char path[PATH_LEN], to[PATH_LEN], why[256];
	struct stat st;
	uint64_t size;
	uLong crc;
	int fd, rc;

	if ((rc = join(path, src, rel, err, errlen)) != GM_OK)
		return rc;
	if ((rc = no_links(src, rel, err, errlen)) != GM_OK)
		return rc;
	/* its reason names the file */
	if ((rc = fileio_open_regular(path, O_RDONLY, 0, &fd, &st, why, sizeof(why))) != GM_OK)
		return gm_errf(err, errlen, rc == GM_ENOTFOUND ? GM_EINVAL : rc, "%s", why);
	if (dst != NULL && (rc = join(to, dst, rel, why, sizeof(why))) == GM_OK)
		rc = make_parents(dst, rel, why, sizeof(why));
	if (rc == GM_OK)
		rc = copy_fd(fd, dst != NULL ? to : NULL, st.st_mode & 0777, &size, &crc, why,
		    sizeof(why));
	close(fd);
	if (rc != GM_OK)
		return gm_errf(err, errlen, rc, "%s: %s", path, why);
	if (size != want || crc != want_crc)
		return gm_errf(err, errlen, GM_EINVAL, "%s: %" PRIu64 " bytes, CRC %08lx; the "
		    "manifest says %" PRIu64 ", %08lx: the backup is damaged", path, size, crc, want,
		    want_crc);
	if (dst != NULL) {
		rep->files++;
		rep->bytes += size;
	}
	return GM_OK;
}

/* Each file the manifest names, checked for its size and CRC-32 as read
 * from src; copied to dst/<path> too unless dst is NULL. */
static int each_file(const char *src, const char *dst, struct backup_report *rep, char *err,
    size_t errlen)
{
	char mpath[PATH_LEN], line[PATH_LEN + 64];
	unsigned long want_crc;
	uint64_t want;
	int rc, pos, lineno = 1;
	FILE *m;

	if ((rc = join(mpath, src, BACKUP_MANIFEST, err, errlen)) != GM_OK)
		return rc;
	if ((m = fopen(mpath, "re")) == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "%s: cannot open: %s (not a backup that "
		    "finished?)", mpath, strerror(errno));
	if (fgets(line, sizeof(line), m) == NULL || strcmp(line, MANIFEST_MAGIC "\n") != 0)
		rc = gm_errf(err, errlen, GM_EINVAL, "%s:1: not \"" MANIFEST_MAGIC "\"", mpath);
	while (rc == GM_OK && fgets(line, sizeof(line), m) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		pos = 0;
		if (sscanf(line, "%" SCNu64 " %8lx %n", &want, &want_crc, &pos) != 2 || pos == 0 ||
		    !rel_ok(line + pos))
			rc = gm_errf(err, errlen, GM_EINVAL, "%s:%d: not \"<size> <crc> <path>\"",
			    mpath, lineno);
		else
			rc = check_file(src, dst, line + pos, want, want_crc, rep, err, errlen);
	}
	fclose(m);
	return rc;
}

/* datadir must be missing or an empty directory (but for a .restoring of
 * ours, from a restore cut short). */
static int restore_target(const char *datadir, bool *exists, char *err, size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int rc = GM_OK;

	*exists = false;
	if ((d = opendir(datadir)) == NULL)
		return errno == ENOENT ? GM_OK :
		    gm_errf(err, errlen, GM_EIO, "%s: %s", datadir, strerror(errno));
	*exists = true;
	while (rc == GM_OK && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, RESTORING) != 0)
			rc = gm_errf(err, errlen, GM_EINVAL, "%s is not empty (it holds %s): a backup is "
			    "restored into an empty data directory, with the collector stopped",
			    datadir, e->d_name);
	closedir(d);
	return rc;
}

/* Each entry of tmp moved up into dir (the same file system: tmp is in it). */
static int move_up(const char *tmp, const char *dir, char *err, size_t errlen)
{
	char from[PATH_LEN], to[PATH_LEN];
	struct dirent *e;
	DIR *d = opendir(tmp);
	int rc = GM_OK;

	if (d == NULL)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", tmp, strerror(errno));
	while (rc == GM_OK && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((rc = join(from, tmp, e->d_name, err, errlen)) == GM_OK &&
		    (rc = join(to, dir, e->d_name, err, errlen)) == GM_OK && rename(from, to) != 0)
			rc = gm_errf(err, errlen, GM_EIO, "%s: cannot move to %s: %s", from, to,
			    strerror(errno));
	}
	closedir(d);
	return rc;
}

/* The backup's files into datadir/.restoring, checked again as they are
 * copied and made durable, then moved up into datadir: a data directory
 * on a file system of its own (a mount point) is restored too. */
static int restore_into(const char *src, const char *datadir, struct backup_report *rep,
    char *err, size_t errlen)
{
	char tmp[PATH_LEN];
	int rc;

	if ((rc = join(tmp, datadir, RESTORING, err, errlen)) != GM_OK)
		return rc;
	remove_tree(tmp);   /* ours, from a restore cut short */
	if (mkdir(tmp, 0750) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make: %s", tmp, strerror(errno));
	if ((rc = each_file(src, tmp, rep, err, errlen)) == GM_OK) {
		sync_tree(tmp);
		rc = move_up(tmp, datadir, err, errlen);
	}
	remove_tree(tmp);
	return rc;
}

int backup_restore(const char *src, const char *datadir_in, struct backup_report *rep,
    char *err, size_t errlen)
{
	char datadir[PATH_LEN];
	size_t n;
	bool exists;
	int rc;

	memset(rep, 0, sizeof(*rep));
	/* "rrd/" is "rrd": its .restoring goes inside it either way */
	if ((n = (size_t)snprintf(datadir, sizeof(datadir), "%s", datadir_in)) >= sizeof(datadir))
		return gm_errf(err, errlen, GM_EINVAL, "%s: name too long", datadir_in);
	while (n > 1 && datadir[n - 1] == '/')
		datadir[--n] = '\0';
	if ((rc = restore_target(datadir, &exists, err, errlen)) != GM_OK)
		return rc;
	/* a newer greenmeter's data is not put where this one would write it */
	if ((rc = data_format_check(src, false, err, errlen)) != GM_OK)
		return rc;
	/* every file read and checked before anything is written */
	if ((rc = each_file(src, NULL, rep, err, errlen)) != GM_OK)
		return rc;
	if (!exists && mkdir(datadir, 0750) != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: cannot make: %s", datadir, strerror(errno));
	if ((rc = restore_into(src, datadir, rep, err, errlen)) != GM_OK) {
		if (!exists)
			remove_tree(datadir);
		else   /* as it was: empty */
			empty_dir(datadir);
		return rc;
	}
	fileio_sync_dir(datadir);
	sync_parent(datadir);
	return GM_OK;
}
