/*
 * fuzz_backup_manifest.c - libFuzzer target over gm-collector --restore's
 * reading of a backup (collector/backup.c): a backup comes from another disk
 * or another machine, and its MANIFEST may be damaged or written by anyone.
 *
 * The input is the MANIFEST's bytes, in a backup directory that also holds
 * two files (a.rrd, s/m/c.meta); the restore goes into a data directory
 * that does not exist. Rules:
 *   - backup_restore() says GM_OK, GM_EINVAL or GM_EIO, with a printable
 *     reason when it refuses;
 *   - refused, it leaves nothing: neither the data directory nor
 *     its .restoring;
 *   - whatever the manifest says, nothing is written outside the data
 *     directory (a path with "..", a leading "/" or an empty part is
 *     refused), nothing is read through a link the backup holds (lnk ->
 *     /etc), and what it restores is byte for byte a file of the backup;
 *   - nothing overflows (UBSan) or reads out of bounds (ASan).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "fuzzlib.h"
#include "gm_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[][2] = {
	{ "a.rrd", "an rrd file's bytes" },
	{ "s/m/c.meta", "[channel]\nunit = kWh\n" },
};

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Every file restored below dir is one of the backup's, byte for byte. */
static void check_tree(const char *root, const char *rel)
{
	char path[1024], sub[512];
	struct dirent *e;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
			fuzz_broken("%s: not a plain file or directory", sub);
		if (S_ISDIR(st.st_mode)) {
			check_tree(root, sub);
			continue;
		}
		bool known = false;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			char buf[256] = "";
			FILE *f;
			if (strcmp(files[i][0], sub) != 0 || (f = fopen(path, "r")) == NULL)
				continue;
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[n] = '\0';
			known = strcmp(buf, files[i][1]) == 0;
		}
		if (!known)
			fuzz_broken("restored %s, which is not a file of the backup", sub);
	}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch("backup_manifest");
	char src[512], dst[512], path[1024], err[4400];
	struct backup_report rep;
	int rc;

	snprintf(src, sizeof(src), "%s/backup", dir);
	snprintf(dst, sizeof(dst), "%s/data", dir);
	fuzz_empty(dir);
	mkdir(src, 0755);
	snprintf(path, sizeof(path), "%s/s", src);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/s/m", src);
	mkdir(path, 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", src, files[i][0]);
		fuzz_write(path, (const uint8_t *)files[i][1], strlen(files[i][1]));
	}
	/* a link in the backup: "lnk/hostname" must not read /etc's */
	snprintf(path, sizeof(path), "%s/lnk", src);
	if (symlink("/etc", path) != 0)
		fuzz_broken("cannot make %s", path);
	snprintf(path, sizeof(path), "%s/" BACKUP_MANIFEST, src);
	fuzz_write(path, data, size);

	rc = backup_restore(src, dst, &rep, err, sizeof(err));
	if (rc != GM_OK && rc != GM_EINVAL && rc != GM_EIO)
		fuzz_broken("backup_restore returned %d", rc);
	snprintf(path, sizeof(path), "%s.restoring", dst);
	if (exists(path))
		fuzz_broken("%s left behind", path);
	snprintf(path, sizeof(path), "%s/.restoring", dst);
	if (exists(path))
		fuzz_broken("%s left behind", path);
	if (rc != GM_OK) {
		fuzz_check_reason(err, sizeof(err), "backup_restore");
		if (exists(dst))
			fuzz_broken("a refused restore made the data directory");
	} else {
		check_tree(dst, "");
	}
	/* nothing beside the backup and the data directory */
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "backup") != 0 && strcmp(e->d_name, "data") != 0)
			fuzz_broken("the restore wrote %s outside the data directory", e->d_name);
	if (d != NULL)
		closedir(d);
	return 0;
}
