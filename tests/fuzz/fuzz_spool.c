/*
 * fuzz_spool.c - libFuzzer target over what gm-agent finds in its spool
 * directory at start (agent/spool.c): the input is a segment file, any
 * bytes, named 00000000000000000001.seg (first id 1) in a scratch
 * directory this target makes once (under /dev/shm when there is one, so
 * fsync costs nothing) and empties before every input. Rules:
 *   - spool_open refuses only a segment of a later format ("GMSPOOL2".."9"),
 *     and then leaves the file byte for byte as it was;
 *   - every reading spool_read gives back is a record of the input: encoded
 *     again (format 1) it is found there, crc and all; its fields are a
 *     reading's (kind, unit, topic); ids rise;
 *   - readings counted lost + readings given back = ids spanned (1 to the
 *     last given back): nothing vanishes uncounted, nothing is counted twice;
 *   - the next id is the one after the last given back;
 *   - opened again, the spool gives back the very same readings and finds
 *     nothing more to cut or count: recovery is done once.
 * Two opens through real files an input: this target is bound by system
 * calls (a few thousand inputs a second), not by the code under test.
 * A broken rule aborts (libFuzzer saves the input).
 */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "spool.h"
#include "gm_err.h"
#include "log.h"
#include "topic.h"

#define MAX_READ 4096              /* more than an input can hold */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_spool: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static char dir[PATH_MAX - 64];
static char seg[PATH_MAX];
static struct spool_rec got[MAX_READ], again[MAX_READ];

static void remove_scratch(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static void at_exit(void)
{
	remove_scratch();
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct stat st;

	(void)argc;
	(void)argv;
	log_init("fuzz_spool", GM_LOG_ERR);   /* what damage it finds, it says: quiet */
	snprintf(dir, sizeof(dir), "%s/gm-fuzz-spool.XXXXXX",
	    stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		broken("cannot make a scratch directory");
	snprintf(seg, sizeof(seg), "%s/00000000000000000001.seg", dir);
	atexit(at_exit);
	return 0;
}

/* Record r, encoded as format 1 writes it, is in the input. */
static int in_input(const struct spool_rec *r, const uint8_t *data, size_t size)
{
	unsigned char rec[8 + 36 + UNIT_MAX + TOPIC_MAX], *b = rec + 8;
	size_t ul = strlen(r->unit), tl = strlen(r->topic), len = 8 + 36 + ul + tl;
	uint64_t u;
	uint32_t w;
	uint16_t h;

	u = htole64(r->id);
	memcpy(b, &u, 8);
	memcpy(&u, &r->t, 8);
	u = htole64(u);
	memcpy(b + 8, &u, 8);
	memcpy(&u, &r->v, 8);
	u = htole64(u);
	memcpy(b + 16, &u, 8);
	memcpy(&u, &r->wrap, 8);
	u = htole64(u);
	memcpy(b + 24, &u, 8);
	b[32] = (unsigned char)r->kind;
	b[33] = (unsigned char)ul;
	h = htole16((uint16_t)tl);
	memcpy(b + 34, &h, 2);
	memcpy(b + 36, r->unit, ul);
	memcpy(b + 36 + ul, r->topic, tl);
	w = htole32((uint32_t)(len - 8));
	memcpy(rec, &w, 4);
	w = htole32((uint32_t)crc32(0L, b, (uInt)(len - 8)));
	memcpy(rec + 4, &w, 4);
	for (size_t i = 0; size >= len && i <= size - len; i++) {
		if (data[i] == rec[0] && memcmp(data + i, rec, len) == 0)
			return 1;
	}
	return 0;
}

static size_t read_all(struct spool *sp, struct spool_rec *out)
{
	size_t n = 0, k;
	uint64_t after = 0;

	while (n < MAX_READ && (k = spool_read(sp, after, out + n, MAX_READ - n)) > 0) {
		after = out[n + k - 1].id;
		n += k;
	}
	return n;
}

static void check_reading(const struct spool_rec *r, uint64_t prev, const uint8_t *data,
    size_t size)
{
	struct chan_id id;
	enum topic_kind kind;

	if (r->id <= prev)
		broken("id %" PRIu64 " after %" PRIu64, r->id, prev);
	if ((unsigned)r->kind > KIND_DELTA || !unit_valid(r->unit) ||
	    topic_parse(r->topic, &id, &kind, NULL, 0) != GM_OK || kind != TOPIC_READING)
		broken("id %" PRIu64 ": not a reading's fields", r->id);
	if (!in_input(r, data, size))
		broken("id %" PRIu64 " is not a record of the input", r->id);
}

/* The input's later-format magic: the spool must refuse it, untouched. */
static void check_refused(const uint8_t *data, size_t size)
{
	unsigned char back[4096 + 1];
	int fd;
	ssize_t n;

	if (size < 8 || memcmp(data, "GMSPOOL", 7) != 0 || data[7] < '2' || data[7] > '9')
		broken("spool_open refused a segment of format 1 or none");
	if ((fd = open(seg, O_RDONLY)) < 0)
		broken("a refused segment was removed");
	n = read(fd, back, sizeof(back));
	close(fd);
	if (size < sizeof(back) && (n != (ssize_t)size || memcmp(back, data, size) != 0))
		broken("a refused segment was changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct spool *sp;
	struct spool_stats st;
	size_t n, n2;
	int fd;

	remove_scratch();
	if ((fd = open(seg, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0)
		broken("cannot write the segment");
	if ((sp = spool_open(dir, 0, err, sizeof(err))) == NULL) {
		check_refused(data, size);
		return 0;
	}
	n = read_all(sp, got);
	spool_stats(sp, &st);
	for (size_t i = 0; i < n; i++)
		check_reading(&got[i], i ? got[i - 1].id : 0, data, size);
	if (n > 0 && st.lost + n != got[n - 1].id)
		broken("%" PRIu64 " lost + %zu given back, but ids span 1..%" PRIu64, st.lost, n,
		    got[n - 1].id);
	if (n == 0 && st.lost != 0)
		broken("%" PRIu64 " lost, none given back", st.lost);
	if (n > 0 && st.next_id != got[n - 1].id + 1)
		broken("next id %" PRIu64 " after %" PRIu64, st.next_id, got[n - 1].id);
	if (st.truncated > size)
		broken("%" PRIu64 " bytes cut of %zu", st.truncated, size);
	spool_close(sp);

	if ((sp = spool_open(dir, 0, err, sizeof(err))) == NULL)
		broken("opened again: %s", err);
	n2 = read_all(sp, again);
	spool_stats(sp, &st);
	if (n2 != n || st.lost != 0 || st.truncated != 0)
		broken("opened again: %zu readings (%zu before), %" PRIu64 " lost, %" PRIu64
		    " bytes cut", n2, n, st.lost, st.truncated);
	for (size_t i = 0; i < n; i++) {
		const struct spool_rec *a = &got[i], *b = &again[i];
		if (a->id != b->id || memcmp(&a->t, &b->t, 8) || memcmp(&a->v, &b->v, 8) ||
		    memcmp(&a->wrap, &b->wrap, 8) || a->kind != b->kind ||
		    strcmp(a->unit, b->unit) || strcmp(a->topic, b->topic))
			broken("opened again, reading %zu differs", i);
	}
	spool_close(sp);
	return 0;
}
