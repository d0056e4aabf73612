/*
 * test_quarantine.c - the dead-letter journal (collector/quarantine.c):
 * records kept whole with their reason, refused ones only up to the cap,
 * taken back by channel, a requeue cut short taken back at the next open,
 * a damaged stretch skipped to the next record.
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
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "quarantine.h"
#include "gm_err.h"
#include "testutil.h"

#define A "greenmeter/v1/hq/m1/a"
#define B "greenmeter/v1/hq/m1/b"

static char datadir[96], journal[160];

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make("quarantine") != 0)
		return -1;
	snprintf(datadir, sizeof(datadir), "%s/data", tmpdir);
	snprintf(journal, sizeof(journal), "%s/.quarantine/journal", datadir);
	return mkdir(datadir, 0755);
}

struct seen {
	int n;
	char topic[8][64], payload[8][64], reason[8][128];
};

static int keep(void *user, const struct quarantine_rec *r)
{
	struct seen *s = user;

	if (s->n < 8) {
		snprintf(s->topic[s->n], 64, "%s", r->topic);
		snprintf(s->payload[s->n], 64, "%.*s", (int)r->len, (const char *)r->payload);
		snprintf(s->reason[s->n], 128, "%s", r->reason);
	}
	s->n++;
	return GM_OK;
}

static struct seen read_all(const char *path)
{
	struct seen s = { 0 };
	char err[256];

	assert_int_equal(quarantine_read(path, keep, &s, err, sizeof(err)), GM_OK);
	return s;
}

static int qtake(struct quarantine *q, const struct chan_id *only, quarantine_fn fn,
    void *user, size_t *n, char *err, size_t errlen)
{
	const struct quarantine_taker t = { fn, NULL, user };

	return quarantine_take(q, only, &t, n, err, errlen);
}

/* Records in every "journal.taking*" file (takes under way or cut short). */
static int in_taking_files(void)
{
	char dir[200], path[512];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.quarantine", datadir);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "journal.taking", 14) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n += read_all(path).n;
	}
	closedir(d);
	return n;
}

static void put(struct quarantine *q, const char *topic, const char *payload, const char *why,
    bool must_keep, int want)
{
	char err[256];

	assert_int_equal(quarantine_put(q, topic, payload, strlen(payload), why, must_keep, err,
	    sizeof(err)), want);
}

/* Payloads come back byte for byte, a newline or NUL in them too; a reason
 * is one printable line. */
static void test_round_trip(void **state)
{
	static const char nul[] = "{\"t\":1,\0\"v\":2}";
	struct quarantine *q;
	uint64_t records, bytes;
	char err[256];
	struct seen s;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "{\"t\":1717196400,\n\"v\":1}", "file damaged", true, GM_OK);
	assert_int_equal(quarantine_put(q, B, nul, sizeof(nul) - 1, "bad\npayload\x01", false,
	    err, sizeof(err)), GM_OK);
	put(q, "greenmeter/v1/hq m1/a", "{}", "x", true, GM_EINVAL);   /* no space in a topic */
	quarantine_size(q, &records, &bytes);
	assert_int_equal(records, 2);
	quarantine_close(q);
	s = read_all(journal);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.topic[0], A);
	assert_string_equal(s.payload[0], "{\"t\":1717196400,\n\"v\":1}");
	assert_string_equal(s.reason[0], "file damaged");
	assert_string_equal(s.reason[1], "bad?payload?");
	/* counted again at the next open */
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	quarantine_size(q, &records, &bytes);
	assert_int_equal(records, 2);
	quarantine_close(q);
}

/* Refused messages are kept up to the cap; a message that must be kept is
 * kept past it. */
static void test_cap(void **state)
{
	struct quarantine *q;
	char err[256];

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 200, err, sizeof(err)), GM_OK);
	put(q, A, "{\"payload\":\"one hundred bytes or so, well, a few less than that\"}",
	    "refused", false, GM_OK);
	put(q, A, "{\"payload\":\"one hundred bytes or so, well, a few less than that\"}",
	    "refused", false, GM_OK);
	put(q, A, "{\"payload\":\"one hundred bytes or so, well, a few less than that\"}",
	    "refused", false, GM_ERANGE);
	put(q, A, "{\"t\":1717196400,\"v\":1}", "file damaged", true, GM_OK);
	quarantine_close(q);
	assert_int_equal(read_all(journal).n, 3);
}

struct taken {
	int n;
	char first[64];
};

static int take(void *user, const struct quarantine_rec *r)
{
	struct taken *t = user;

	if (t->n++ == 0)
		snprintf(t->first, sizeof(t->first), "%.*s", (int)r->len, (const char *)r->payload);
	return GM_OK;
}

/* Taking one channel's records leaves the others, in order. */
static void test_take(void **state)
{
	struct quarantine *q;
	struct taken t = { 0 };
	struct chan_id a = id3("hq", "m1", "a");
	size_t n;
	char err[256];
	struct seen s;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "a1", "r", true, GM_OK);
	put(q, B, "b1", "r", true, GM_OK);
	put(q, A, "a2", "r", true, GM_OK);
	put(q, B, "b2", "r", true, GM_OK);
	assert_int_equal(qtake(q, &a, take, &t, &n, err,
	    sizeof(err)), GM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.first, "a1");
	quarantine_close(q);
	s = read_all(journal);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.payload[0], "b1");
	assert_string_equal(s.payload[1], "b2");
}

/* A requeue cut short (a kill) leaves its file aside: the next open takes
 * its records back into the journal, behind none lost. */
static void test_taking_recovered(void **state)
{
	char path[200], err[256];
	struct quarantine *q;
	struct seen s;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "a1", "r", true, GM_OK);
	put(q, A, "a2", "r", true, GM_OK);
	quarantine_close(q);
	snprintf(path, sizeof(path), "%s.taking", journal);
	assert_int_equal(rename(journal, path), 0);
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	quarantine_close(q);
	assert_int_equal(access(path, F_OK), -1);
	s = read_all(journal);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.payload[1], "a2");
}

/* One record as the format says (quarantine.h), worked out here apart
 * from quarantine.c: the head "Q1 <at> <len> <crc> <topic> <reason>", the
 * CRC-32 of the head without " <crc>" and its newline, then the payload. */
static const char *rec(const char *at, const char *topic, const char *payload,
    const char *reason)
{
	static char buf[8][512];
	static int k;
	char a[128], b[256];
	uLong crc;
	char *out = buf[k++ % 8];

	snprintf(a, sizeof(a), "Q1 %s %zu ", at, strlen(payload));
	snprintf(b, sizeof(b), "%s %s", topic, reason);
	crc = crc32(crc32(crc32(0L, (const Bytef *)a, (uInt)strlen(a)), (const Bytef *)b,
	    (uInt)strlen(b)), (const Bytef *)"\n", 1);
	crc = crc32(crc, (const Bytef *)payload, (uInt)strlen(payload));
	snprintf(out, 512, "%s%08lx %s\n%s\n", a, crc, b, payload);
	return out;
}

/* A flipped or torn stretch costs the records it touches, not the rest. */
static void test_damaged_journal(void **state)
{
	char text[4096], r2[512], r4[512], r6[512];
	struct seen s;

	(void)state;
	assert_int_equal(mkdir(datadir, 0755) == 0 || access(datadir, F_OK) == 0, 1);
	{
		char dir[160];

		snprintf(dir, sizeof(dir), "%s/.quarantine", datadir);
		assert_int_equal(mkdir(dir, 0755), 0);
	}
	/* r2's length flipped from 2 to 9, r4's time made "nan", r5's payload
	 * flipped (its checksum no longer fits), r6 cut short */
	snprintf(r2, sizeof(r2), "%s", rec("1717196401", A, "r2", "length past the record"));
	*strstr(r2, " 2 ") = '\0';
	snprintf(r2 + strlen(r2), sizeof(r2) - strlen(r2), " 9 %s",
	    strstr(rec("1717196401", A, "r2", "length past the record"), " 2 ") + 3);
	snprintf(r4, sizeof(r4), "%s", rec("1717196403", A, "r4", "bad time"));
	memcpy(strstr(r4, "1717196403"), "nan       ", 10);
	snprintf(r6, sizeof(r6), "%s", rec("1717196405", A, "r6", "torn at the end"));
	r6[strlen(r6) - 2] = '\0';
	snprintf(text, sizeof(text), "%s%s%s%s%s%s%s%s", rec("1717196400", A, "r1", "ok"), r2,
	    "garbage line\n", rec("1717196402", A, "r3", "ok"), r4,
	    rec("1717196404", A, "r5", "ok"), rec("1717196404.5", A, "r7", "ok"), r6);
	strstr(text, "\nr5\n")[1] = 'x';   /* r5's payload flipped: "x5" */
	write_file(journal, text);
	s = read_all(journal);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.payload[0], "r1");
	assert_string_equal(s.payload[1], "r3");
	assert_string_equal(s.payload[2], "r7");
}

/* The journal is never written through a link someone put in its place. */
static void test_symlink_refused(void **state)
{
	char dir[160], victim[160], err[256];
	struct quarantine *q;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/.quarantine", datadir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/victim", tmpdir);
	write_file(victim, "precious\n");
	assert_int_equal(symlink(victim, journal), 0);
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_EIO);
	assert_non_null(strstr(err, "journal"));
}


/* ---- the quarantine under crashes, full disks and takes at once: each once went wrong ---- */

static void make_qdir(void)
{
	char dir[160];

	snprintf(dir, sizeof(dir), "%s/.quarantine", datadir);
	assert_int_equal(mkdir(dir, 0755), 0);
}

/*
 * A record torn by a crash (power cut, kernel panic) in the middle of an
 * append is never cut off: the next record, put and acknowledged after the
 * restart, is glued to the torn one's tail and is skipped with it when the
 * journal is read. An acknowledged reading is lost.
 */
static void test_torn_tail_set_aside(void **state)
{
	struct quarantine *q;
	char err[256];
	struct seen s;

	(void)state;
	make_qdir();
	/* a record whose payload was cut short by the crash */
	{   /* a record whose payload was cut short by the crash */
		char torn[512];

		snprintf(torn, sizeof(torn), "%s",
		    rec("1717196400", A, "{\"t\":1717196400,\"v\":1}", "file damaged"));
		torn[strlen(torn) - 12] = '\0';
		write_file(journal, torn);
	}
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "{\"t\":1717196460,\"v\":2}", "file damaged", true, GM_OK);   /* acknowledged */
	quarantine_close(q);
	s = read_all(journal);
	assert_int_equal(s.n, 1);   /* fails: 0, the record put after the crash is gone */
}

/* RLIMIT_FSIZE stands in for a full disk: writes past `bytes` fail (EFBIG). */
static struct rlimit fsize_saved;

static void disk_full_after(rlim_t bytes)
{
	struct rlimit lim;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &fsize_saved), 0);
	lim = fsize_saved;
	lim.rlim_cur = bytes;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void disk_has_room(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &fsize_saved), 0);
}

/*
 * quarantine_take of one channel puts the other channels' records back;
 * when that put fails (disk full) it logs "the record stays in
 * journal.taking" - and then unlinks journal.taking. B's record is gone.
 */
static void test_take_disk_full_keeps(void **state)
{
	struct quarantine *q;
	struct taken t = { 0 };
	struct chan_id a = id3("hq", "m1", "a");
	char path[200], err[256];
	size_t n;
	int rc;
	struct seen s;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "a1", "r", true, GM_OK);
	put(q, B, "b1", "r", true, GM_OK);
	disk_full_after(0);
	rc = qtake(q, &a, take, &t, &n, err, sizeof(err));
	disk_has_room();
	quarantine_close(q);
	s = read_all(journal);
	/* B's record must be somewhere: the journal, or the taking file kept */
	if (s.n == 0 && in_taking_files() == 0)
		fail_msg("take returned %d; b1 is neither in the journal nor in a taking file: "
		    "lost", rc);
	(void)path;
}

/*
 * The same at quarantine_open: a requeue cut short left journal.taking;
 * the records are put back, and when that fails (disk full) the taking file
 * is unlinked anyway.
 */
static void test_recover_disk_full_keeps(void **state)
{
	struct quarantine *q;
	char path[200], err[256];
	int rc;
	struct seen s;

	(void)state;
	make_qdir();
	snprintf(path, sizeof(path), "%s.taking", journal);
	write_file(path, rec("1717196400", A, "a1", "r"));
	disk_full_after(0);
	rc = quarantine_open(&q, datadir, 1 << 20, err, sizeof(err));
	disk_has_room();
	if (rc == GM_OK)
		quarantine_close(q);
	s = read_all(journal);
	if (s.n == 0 && access(path, F_OK) != 0)
		fail_msg("open returned %d; a1 is neither in the journal nor in %s: lost", rc, path);
}

/*
 * quarantine_open while another process is in quarantine_take (what
 * `gm-collector --requeue` does through open_storage() before it finds the
 * running collector's lock, or a second collector of a shared group
 * starting): it takes the live journal.taking for one a crash left, puts
 * every record back (including those being requeued right now) and unlinks
 * it. The running take then fails at its unlink, and the journal holds
 * again what it just requeued.
 */
struct during {
	int n;
};

static int open_meanwhile(void *user, const struct quarantine_rec *r)
{
	struct during *d = user;
	struct quarantine *other;
	char err[256];

	(void)r;
	if (d->n++ == 0) {   /* the command's open_storage(), mid-requeue */
		assert_int_equal(quarantine_open(&other, datadir, 1 << 20, err, sizeof(err)), GM_OK);
		quarantine_close(other);
	}
	return GM_OK;
}

static void test_open_during_take(void **state)
{
	struct quarantine *q;
	struct during d = { 0 };
	char err[256];
	size_t n;
	int rc;
	struct seen s;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "a1", "r", true, GM_OK);
	put(q, A, "a2", "r", true, GM_OK);
	rc = qtake(q, NULL, open_meanwhile, &d, &n, err, sizeof(err));
	quarantine_close(q);
	s = read_all(journal);
	if (rc != GM_OK || s.n != 0)
		fail_msg("take: rc %d (%s); %d record(s) taken are back in the journal", rc,
		    rc != GM_OK ? err : "", s.n);
}

/*
 * Two takes at once (two collectors of a shared group, two in-process
 * `--requeue` runs): the second renames the new journal onto
 * journal.taking - over the first one's file, which is still being read -
 * and unlinks it when done. From then on the first take's remaining records
 * exist only in its open FILE: a crash now loses them (the next open finds
 * no journal.taking to recover), and its own unlink fails.
 */
struct second {
	struct quarantine *q2;
	int n;
	bool taking_gone;
};

static int nothing(void *user, const struct quarantine_rec *r)
{
	(void)user;
	(void)r;
	return GM_OK;
}

static int take_meanwhile(void *user, const struct quarantine_rec *r)
{
	struct second *d = user;
	char path[200], err[256];
	size_t n;

	(void)r;
	if (d->n++ != 0)
		return GM_OK;
	put(d->q2, B, "b1", "r", true, GM_OK);   /* something for the second take */
	assert_int_equal(qtake(d->q2, NULL, nothing, NULL, &n, err, sizeof(err)), GM_OK);
	/* the first take's file, with a2 still to hand over, is still there */
	d->taking_gone = in_taking_files() < 2;
	(void)path;
	return GM_OK;
}

static void test_two_takes(void **state)
{
	struct quarantine *q;
	struct second d = { NULL, 0, false };
	char err[256];
	size_t n;
	int rc;

	(void)state;
	assert_int_equal(quarantine_open(&q, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	assert_int_equal(quarantine_open(&d.q2, datadir, 1 << 20, err, sizeof(err)), GM_OK);
	put(q, A, "a1", "r", true, GM_OK);
	put(q, A, "a2", "r", true, GM_OK);   /* not yet handed over when the other take runs */
	rc = qtake(q, NULL, take_meanwhile, &d, &n, err, sizeof(err));
	quarantine_close(d.q2);
	quarantine_close(q);
	if (d.taking_gone || rc != GM_OK)
		fail_msg("while a2 was still to be handed over, journal.taking %s; the first take "
		    "returned %d (%s)", d.taking_gone ? "was gone (a crash then loses a2)" : "stayed",
		    rc, rc != GM_OK ? err : "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_take, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_taking_recovered, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_journal, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_set_aside, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_take_disk_full_keeps, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_recover_disk_full_keeps, setup,
		    tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_during_take, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_two_takes, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
