/*
 * testutil.h - helpers the unit tests share: a fresh temporary directory per
 * test (tmpdir), files, FIFOs, folders and links made in it, files read
 * back, stderr captured there while the code under test logs, a report
 * callback (collect) that keeps each "file:line: message" without the
 * "<tmpdir>/" prefix, and expect_reports() to compare those with the
 * expected text, printing both lists on a mismatch; a file size limit
 * that makes writes fail as on a full disk. Failures go through
 * cmocka. Channel files have fixtures of their own: rrd_fixture.h,
 * green_fixture.h, ingest_fixture.h.
 */
#ifndef GM_TESTUTIL_H
#define GM_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "topic.h"

/* Messages kept in order; n counts them all, msg keeps the first TEXTLOG_MAX. */
#define TEXTLOG_MAX 32
#define TEXTLOG_LEN 1200

struct textlog {
	int n;
	char msg[TEXTLOG_MAX][TEXTLOG_LEN];
};

extern char tmpdir[64];
extern struct textlog reports;

/* Make "/tmp/gm-test-<name>-XXXXXX" into `tmpdir`; 0, or -1 on failure. */
int tmpdir_make(const char *name);
/* Remove `dir` and everything below it; rmdir()'s result. */
int remove_tree(const char *dir);
/* A cmocka teardown: remove_tree(tmpdir). */
int tmpdir_teardown(void **state);

/* Write `text` to `path`, or fail the test. */
void write_file(const char *path, const char *text);
/* Write `text` to <tmpdir>/<name>; returns that path (a static buffer). */
const char *fixture(const char *name, const char *text);

/* The same for len bytes of data (NUL bytes or not); FIXTURE_BYTES(name,
 * "literal") writes a literal without its final NUL. */
const char *fixture_bytes(const char *name, const void *data, size_t len);
#define FIXTURE_BYTES(name, lit) fixture_bytes((name), (lit), sizeof(lit) - 1)

/* A FIFO, a directory, a symbolic link to `target`, at <tmpdir>/<name>;
 * returns that path (one static buffer for the three), or fails the test. */
const char *fixture_fifo(const char *name);
const char *fixture_dir(const char *name);
const char *fixture_link(const char *name, const char *target);

/* The text of the file at `path` into buf, at most len - 1 bytes and a
 * NUL; or fail the test. */
void read_file(const char *path, char *buf, size_t len);
/* The whole text of the file at `path`, malloc'd; or fail the test. */
char *read_file_all(const char *path);

/* Entries of `dir` but "." and "..", or only those whose name does not
 * start with a dot (hidden false); a directory that cannot be read fails. */
int dir_count(const char *dir, bool hidden);

/* What goes to stderr - the log - goes to <tmpdir>/<name> from
 * stderr_capture() until stderr_release(); both return that file's path (a
 * static buffer). Releasing when nothing is captured does nothing. */
const char *stderr_capture(const char *name);
const char *stderr_release(void);

/* Writes past `bytes` in a file fail (EFBIG, the process's file size
 * limit; SIGXFSZ ignored) from file_limit_set() until file_limit_lift();
 * or fail the test. A file that cannot grow, as on a full disk, for one
 * process alone. */
void file_limit_set(unsigned long bytes);
void file_limit_lift(void);

/* Append a formatted message to `log`. */
void textlog_add(struct textlog *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A report callback: keeps msg in `reports`, without a leading "<tmpdir>/". */
void collect(void *user, const char *msg);
/* Compare got with `want` (n strings), all of them and in order; on a
 * difference print both and fail with "<count> <what>, want <n>". */
void expect_texts(const struct textlog *got, const char *what, const char *const *want,
    int n);
/* expect_texts(&reports, "reports", want, n) */
void expect_reports(const char *const *want, int n);

/* Run fn(arg) in a child process and wait at most `seconds` for it: fn's
 * return value (as an exit status, 0..255), or -1 when the child had to be
 * killed. A call that would block for ever then fails its test instead of
 * hanging the run. fn must not use cmocka's assertions (they would jump
 * inside the child); its side effects stay in the child, files aside. */
int within(int seconds, int (*fn)(void *arg), void *arg);

/* Local midnight of a day in Bangkok, worked out from UTC here (not by
 * the code under test): 00:00 +07 is 17:00 UTC the day before. */
time_t bkk(int y, int m, int d);

/* The channel site/meter/channel, copied as given. */
struct chan_id id3(const char *site, const char *meter, const char *channel);

#endif
