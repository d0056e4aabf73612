/* testutil.c - what the unit tests share; see testutil.h. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

char tmpdir[64];
struct textlog reports;
static int saved_stderr = -1;   /* stderr while it is captured */
static char captured[256];

int tmpdir_make(const char *name)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gm-test-%s-XXXXXX", name);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			remove_tree(path);
	}
	closedir(d);
	return rmdir(dir);
}

int tmpdir_teardown(void **state)
{
	(void)state;
	return remove_tree(tmpdir);
}

void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

const char *fixture(const char *name, const char *text)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, text);
	return path;
}

const char *fixture_bytes(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

const char *fixture_fifo(const char *name)
{
	const char *path = tmp_path(name);

	assert_int_equal(mkfifo(path, 0644), 0);
	return path;
}

const char *fixture_dir(const char *name)
{
	const char *path = tmp_path(name);

	assert_int_equal(mkdir(path, 0755), 0);
	return path;
}

const char *fixture_link(const char *name, const char *target)
{
	const char *path = tmp_path(name);

	assert_int_equal(symlink(target, path), 0);
	return path;
}

void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

char *read_file_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(text = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

int dir_count(const char *dir, bool hidden)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (hidden)
			n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
		else
			n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

const char *stderr_capture(const char *name)
{
	int fd;

	snprintf(captured, sizeof(captured), "%s/%s", tmpdir, name);
	fflush(stderr);
	assert_true((fd = open(captured, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_true((saved_stderr = dup(2)) >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	return captured;
}

const char *stderr_release(void)
{
	if (saved_stderr < 0)
		return captured;
	fflush(stderr);
	assert_int_equal(dup2(saved_stderr, 2), 2);
	close(saved_stderr);
	saved_stderr = -1;
	return captured;
}

void textlog_add(struct textlog *log, const char *fmt, ...)
{
	va_list ap;

	if (log->n < TEXTLOG_MAX) {
		va_start(ap, fmt);
		vsnprintf(log->msg[log->n], sizeof(log->msg[0]), fmt, ap);
		va_end(ap);
	}
	log->n++;
}

void collect(void *user, const char *msg)
{
	size_t dl = strlen(tmpdir);

	(void)user;
	if (strncmp(msg, tmpdir, dl) == 0 && msg[dl] == '/')
		msg += dl + 1;
	textlog_add(&reports, "%s", msg);
}

void expect_texts(const struct textlog *got, const char *what, const char *const *want,
    int n)
{
	bool same = got->n == n;

	for (int i = 0; same && i < n; i++)
		same = strcmp(got->msg[i], want[i]) == 0;
	if (same)
		return;
	for (int i = 0; i < got->n && i < TEXTLOG_MAX; i++)
		print_message("  got  %d: %s\n", i, got->msg[i]);
	for (int i = 0; i < n; i++)
		print_message("  want %d: %s\n", i, want[i]);
	fail_msg("%d %s, want %d", got->n, what, n);
}

void expect_reports(const char *const *want, int n)
{
	expect_texts(&reports, "reports", want, n);
}

time_t bkk(int y, int m, int d)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return timegm(&tm) - 7 * 3600;
}

struct chan_id id3(const char *site, const char *meter, const char *channel)
{
	struct chan_id id;

	memset(&id, 0, sizeof(id));
	snprintf(id.site, sizeof(id.site), "%s", site);
	snprintf(id.meter, sizeof(id.meter), "%s", meter);
	snprintf(id.channel, sizeof(id.channel), "%s", channel);
	return id;
}

int within(int seconds, int (*fn)(void *arg), void *arg)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int status = 0, ticks = seconds * 50;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (ticks-- <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct rlimit file_limit_old;

void file_limit_set(unsigned long bytes)
{
	struct rlimit small;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &file_limit_old), 0);
	small.rlim_cur = bytes;
	small.rlim_max = file_limit_old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
}

void file_limit_lift(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &file_limit_old), 0);
	signal(SIGXFSZ, SIG_DFL);
}
