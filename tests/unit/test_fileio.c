/*
 * test_fileio.c - files replaced whole (common/fileio.c): never half, never
 * through a name someone planted, nothing left behind when it fails.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "fileio.h"
#include "testutil.h"

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("fileio");
}

static void read_back(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Entries of tmpdir, "." and ".." aside. */
static int entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_replace(void **state)
{
	char path[128], buf[64], err[256];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/status", tmpdir);
	write_file(path, "old\n");
	assert_int_equal(fileio_replace(path, "new\n", 4, 0644, true, err, sizeof(err)), GM_OK);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "new\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0133, 0);   /* 0644 at most, whatever the umask */
	assert_int_equal(st.st_mode & 0600, 0600);
	assert_int_equal(entries(), 1);   /* no temporary left */
}

/* The old habit, "<path>.tmp" opened with fopen("w"), followed a symlink an
 * attacker put there and overwrote its target. */
static void test_planted_symlink_not_followed(void **state)
{
	char path[128], planted[140], victim[128], buf[64], err[256];
	struct fileio_new n;

	(void)state;
	snprintf(path, sizeof(path), "%s/status", tmpdir);
	snprintf(victim, sizeof(victim), "%s/victim", tmpdir);
	write_file(victim, "precious\n");
	snprintf(planted, sizeof(planted), "%s.tmp", path);
	assert_int_equal(symlink(victim, planted), 0);
	assert_int_equal(fileio_new_open(&n, path, 0644, err, sizeof(err)), GM_OK);
	fprintf(n.f, "status\n");
	assert_int_equal(fileio_new_commit(&n, false, err, sizeof(err)), GM_OK);
	read_back(victim, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "status\n");
}

static void test_abort_leaves_old(void **state)
{
	char path[128], buf[64], err[256];
	struct fileio_new n;

	(void)state;
	snprintf(path, sizeof(path), "%s/page.html", tmpdir);
	write_file(path, "old\n");
	assert_int_equal(fileio_new_open(&n, path, 0644, err, sizeof(err)), GM_OK);
	fprintf(n.f, "half");
	fileio_new_abort(&n);
	fileio_new_abort(&n);   /* twice is harmless */
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(entries(), 1);
}

static void test_failure_named(void **state)
{
	char path[128], err[256];
	struct fileio_new n;

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-dir/status", tmpdir);
	assert_int_equal(fileio_new_open(&n, path, 0644, err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "no-such-dir/status"));
	assert_non_null(strstr(err, "No such file"));
	fileio_new_abort(&n);
	assert_int_equal(fileio_replace(path, "x", 1, 0644, false, err, sizeof(err)), GM_EIO);
}

static void test_write_all(void **state)
{
	char path[128], big[70000], buf[64];
	FILE *f;
	int fd;

	(void)state;
	memset(big, 'x', sizeof(big));
	snprintf(path, sizeof(path), "%s/out", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fileio_write_all(fd, big, sizeof(big)), 0);
	close(fd);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_int_equal(ftell(f), (long)sizeof(big));
	fclose(f);
	(void)buf;
	assert_int_equal(fileio_sync_dir(tmpdir), 0);
	assert_int_equal(fileio_sync_dir(path), -1);   /* not a directory */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlink_not_followed, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_old, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_failure_named, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_all, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
