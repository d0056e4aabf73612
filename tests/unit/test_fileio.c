/*
 * test_fileio.c - files replaced whole (common/fileio.c): never half, never
 * through a name someone planted, nothing left behind when it fails; and
 * files read whole, NUL bytes and all, up to a limit.
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

static void test_read_all(void **state)
{
	static const char data[] = "a\0b\nlast";   /* 8 bytes, a NUL among them */
	char path[128], err[128], *buf;
	size_t len;

	(void)state;
	fixture_bytes("f", data, sizeof(data) - 1);
	snprintf(path, sizeof(path), "%s/f", tmpdir);
	assert_int_equal(fileio_read_all(path, 0, &buf, &len, err, sizeof(err)), GM_OK);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, data, 9);   /* and a NUL after the last byte */
	free(buf);
	/* exactly max bytes is read; one more is refused */
	assert_int_equal(fileio_read_all(path, 8, &buf, &len, err, sizeof(err)), GM_OK);
	assert_int_equal(len, 8);
	free(buf);
	assert_int_equal(fileio_read_all(path, 7, &buf, &len, err, sizeof(err)), GM_EIO);
	assert_string_equal(err, "longer than 7 bytes");
	assert_null(buf);
	/* an empty file, a missing one, a directory */
	fixture("empty", "");
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	assert_int_equal(fileio_read_all(path, 7, &buf, &len, err, sizeof(err)), GM_OK);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	snprintf(path, sizeof(path), "%s/none", tmpdir);
	assert_int_equal(fileio_read_all(path, 0, &buf, &len, err, sizeof(err)), GM_ENOTFOUND);
	assert_string_equal(err, "cannot open: No such file or directory");
	assert_int_equal(fileio_read_all(tmpdir, 0, &buf, &len, err, sizeof(err)), GM_EIO);
	assert_string_equal(err, "cannot read: Is a directory");
}

/* Bigger than the first guess (a pipe has no size): the buffer grows. */
static void test_read_all_grows(void **state)
{
	char path[128], err[128], *buf, *big = malloc(100001);
	size_t len;

	(void)state;
	assert_non_null(big);
	for (int i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	big[100000] = '\0';
	snprintf(path, sizeof(path), "%s/big", tmpdir);
	write_file(path, big);
	assert_int_equal(fileio_read_all(path, 0, &buf, &len, err, sizeof(err)), GM_OK);
	assert_int_equal(len, 100000);
	assert_memory_equal(buf, big, 100001);
	free(buf);
	assert_int_equal(fileio_read_all("/dev/zero", 5000, &buf, &len, err, sizeof(err)),
	    GM_EIO);
	assert_string_equal(err, "longer than 5000 bytes");
	free(big);
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
		cmocka_unit_test_setup_teardown(test_read_all, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_all_grows, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
