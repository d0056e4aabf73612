/*
 * test_fileio.c - files replaced whole (common/fileio.c): never half, never
 * through a name someone planted, nothing left behind when it fails; files
 * read whole, NUL bytes and all, up to a limit; and a file that must be a
 * regular one opened without blocking on whatever else sits at its name.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cmocka.h>

#include "gm_err.h"
#include "fileio.h"
#include "testutil.h"

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("fileio");
}

static void test_replace(void **state)
{
	char path[128], buf[64], err[256];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/status", tmpdir);
	write_file(path, "old\n");
	assert_int_equal(fileio_replace(path, "new\n", 4, 0644, true, err, sizeof(err)), GM_OK);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "new\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0133, 0);   /* 0644 at most, whatever the umask */
	assert_int_equal(st.st_mode & 0600, 0600);
	assert_int_equal(dir_count(tmpdir, true), 1);   /* no temporary left */
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
	read_file(victim, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	read_file(path, buf, sizeof(buf));
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
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(dir_count(tmpdir, true), 1);
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

struct open_call {
	char path[256];
	int flags;
	int rc;
	char err[512];
};

/* In a child: a FIFO's open may block for ever. 0 for GM_OK, else -rc;
 * 99: opened for writing, the fd kept O_NONBLOCK; 97: not the file's stat. */
static int open_call(void *arg)
{
	struct open_call *c = arg;
	struct stat st, again;
	int fd = -1, rc = fileio_open_regular(c->path, c->flags, 0644, &fd, &st, c->err,
	    sizeof(c->err));

	if (rc == GM_OK) {
		int fl = fcntl(fd, F_GETFL);
		bool same = fstat(fd, &again) == 0 && again.st_ino == st.st_ino &&
		    S_ISREG(st.st_mode);

		close(fd);
		if ((c->flags & O_ACCMODE) != O_RDONLY && (fl & O_NONBLOCK))
			return 99;
		return same ? 0 : 97;
	}
	if (fd != -1)
		return 98;   /* a failure leaves no descriptor */
	return -rc;
}

/*
 * A channel's file someone replaced by a FIFO (which nobody writes, or
 * nobody reads), a directory, a device or a link: opening it must neither
 * block (a FIFO's open or read waits for a writer for ever) nor follow the
 * link (to another channel's file, or anywhere). Refused at once with what
 * it is; a regular file opens, for reading or appending, and is made with
 * O_CREAT; a missing one is GM_ENOTFOUND.
 */
static void test_open_regular(void **state)
{
	static const struct {
		const char *name;   /* under tmpdir; made below */
		int flags;
		int rc;
		const char *why;
	} cases[] = {
		{ "file", O_RDONLY, GM_OK, NULL },
		{ "file", O_RDWR | O_APPEND, GM_OK, NULL },
		{ "file", O_WRONLY | O_APPEND, GM_OK, NULL },
		{ "new", O_WRONLY | O_CREAT | O_APPEND, GM_OK, NULL },
		{ "missing", O_RDONLY, GM_ENOTFOUND, "missing" },
		{ "fifo", O_RDONLY, GM_EIO, "not a regular file (a FIFO)" },
		{ "fifo", O_WRONLY | O_APPEND, GM_EIO, "not a regular file (a FIFO)" },
		{ "fifo", O_RDWR | O_CREAT | O_APPEND, GM_EIO, "not a regular file (a FIFO)" },
		{ "dir", O_RDONLY, GM_EIO, "not a regular file (a directory)" },
		{ "link", O_RDONLY, GM_EIO, "not a regular file (a symbolic link)" },
		{ "link", O_WRONLY | O_CREAT | O_APPEND, GM_EIO, "a symbolic link" },
		{ "/dev/null", O_RDONLY, GM_EIO, "not a regular file (a device)" },
	};
	char path[256];

	(void)state;
	fixture("file", "a line\n");
	fixture_fifo("fifo");
	fixture_dir("dir");
	fixture_link("link", "file");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct open_call c = { .flags = cases[i].flags };
		char err[512] = "";
		int got, fd = -1, rc;

		if (cases[i].name[0] == '/')
			snprintf(c.path, sizeof(c.path), "%s", cases[i].name);
		else
			snprintf(c.path, sizeof(c.path), "%s/%s", tmpdir, cases[i].name);
		if ((got = within(5, open_call, &c)) < 0)
			fail_msg("%s (flags %#x): still blocked after 5 s", c.path, c.flags);
		if (got == 99 || got == 98 || got == 97)
			fail_msg("%s (flags %#x): %s", c.path, c.flags, got == 99 ?
			    "opened for writing, the descriptor kept O_NONBLOCK" : got == 98 ?
			    "a descriptor left on failure" : "*ret_st is not the file's");
		if (-got != cases[i].rc)
			fail_msg("%s (flags %#x): %d, want %d", c.path, c.flags, -got, cases[i].rc);
		if (cases[i].rc == GM_OK)
			continue;
		/* again in this process, for the message (it does not block now) */
		rc = fileio_open_regular(c.path, c.flags, 0644, &fd, NULL, err, sizeof(err));
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(fd, -1);
		if (strstr(err, cases[i].why) == NULL || strstr(err, c.path) == NULL)
			fail_msg("%s: \"%s\" should name it and say \"%s\"", c.path, err, cases[i].why);
	}
	/* the link's target is untouched: nothing was written through it */
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	{
		char buf[64];

		read_file(path, buf, sizeof(buf));
		assert_string_equal(buf, "a line\n");
	}
}

/* A new file from pieces: whole, under its name only once written, never
 * over something that has the name. */
static void test_create(void **state)
{
	char path[128], buf[64], err[256];
	char a[] = "head,", b[] = "rows";
	struct iovec iov[2] = { { a, 5 }, { b, 4 } };
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/new.rrd", tmpdir);
	assert_int_equal(fileio_create(path, iov, 2, 0, 0644, err, sizeof(err)), GM_OK);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "head,rows");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0133, 0);
	assert_int_equal(st.st_mode & 0600, 0600);
	iov[0] = (struct iovec){ a, 5 };
	iov[1] = (struct iovec){ b, 4 };
	write_file(path, "kept\n");
	assert_int_equal(fileio_create(path, iov, 2, 0, 0644, err, sizeof(err)), GM_EDUP);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "kept\n");
	assert_int_equal(dir_count(tmpdir, true), 1);   /* no temporary left */
}

/* Past the page cache where the buffers allow it, through it where they
 * do not (a misaligned one: EINVAL, written again from the start): the
 * same bytes either way. */
static void test_create_direct(void **state)
{
	enum { A = 2 * FILEIO_DIRECT_ALIGN, B = FILEIO_DIRECT_ALIGN };
	unsigned char *a = aligned_alloc(FILEIO_DIRECT_ALIGN, A + B);
	unsigned char *want = malloc(A + B + 3), *got = malloc(A + B + 16);
	char path[128], err[256], tail[] = "xyz";
	struct iovec iov[3];
	int fd;

	(void)state;
	assert_non_null(a);
	for (size_t i = 0; i < A + B; i++)
		a[i] = (unsigned char)(i * 7 + i / 4096);
	for (int misaligned = 0; misaligned <= 1; misaligned++) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/direct%d.rrd", tmpdir, misaligned);
		iov[0] = (struct iovec){ a + misaligned, A };
		iov[1] = (struct iovec){ a + A - misaligned, B - misaligned };
		iov[2] = (struct iovec){ tail, 3 };
		memcpy(want, a + misaligned, A);
		memcpy(want + A, a + A - misaligned, B - misaligned);
		memcpy(want + A + B - misaligned, tail, 3);
		assert_int_equal(fileio_create(path, iov, 3, 2, 0644, err, sizeof(err)), GM_OK);
		assert_true((fd = open(path, O_RDONLY)) >= 0);
		n = read(fd, got, A + B + 16);
		close(fd);
		assert_int_equal(n, A + B - misaligned + 3);
		assert_memory_equal(got, want, (size_t)n);
	}
	assert_int_equal(dir_count(tmpdir, true), 2);   /* no temporary left */
	free(a);
	free(want);
	free(got);
}

/* A write that fails (here: past the process's file size limit) leaves
 * nothing at the name and no temporary, and names the file. */
static void test_create_fails_clean(void **state)
{
	static char big[256 * 1024];
	char path[128], err[256];
	struct iovec iov[1] = { { big, sizeof(big) } };

	(void)state;
	snprintf(path, sizeof(path), "%s/big.rrd", tmpdir);
	file_limit_set(64 * 1024);
	assert_int_equal(fileio_create(path, iov, 1, 0, 0644, err, sizeof(err)), GM_EIO);
	file_limit_lift();
	assert_non_null(strstr(err, path));
	assert_int_equal(dir_count(tmpdir, true), 0);
}

static void *replace_many(void *arg)
{
	char path[160], err[256];

	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", tmpdir, (long)(intptr_t)arg);
		if (fileio_replace(path, "x", 1, 0644, false, err, sizeof(err)) != GM_OK)
			return arg == NULL ? (void *)1 : arg;   /* non-NULL: failed */
	}
	return NULL;
}

/* Files written from several threads at once (the collector's helpers
 * each write a channel's .meta) leave the process's umask as it was: it
 * was once read by setting it, which two threads could leave at 0. */
static void test_umask_kept_across_threads(void **state)
{
	pthread_t t[4];
	mode_t before = umask(027), after;

	(void)state;
	umask(before);
	for (long i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, replace_many, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 4; i++) {
		void *r;

		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_true(r == NULL);
	}
	after = umask(before);
	assert_int_equal(after, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_create_direct, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_create_fails_clean, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_umask_kept_across_threads, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlink_not_followed, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_old, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_failure_named, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_all, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_all, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_all_grows, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_regular, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
