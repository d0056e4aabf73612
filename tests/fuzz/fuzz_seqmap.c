/*
 * fuzz_seqmap.c - libFuzzer target over the file of message numbers the
 * agent reads at start (agent/seqmap.c, "<seq> <topic>" a line): the input
 * is the file's text, any bytes, read by seqmap_from_text (what seqmap_open
 * reads the file with) and written back by seqmap_write (what seqmap_save
 * writes whole), in memory: no file is written. Rules, against a plain
 * reading of the format done here:
 *   - a line counts when it is exactly 1..20 digits of a number up to 2^53,
 *     a space, and 1..TOPIC_MAX-1 printable characters other than a space
 *     (no NUL, no CR); every other line is ignored; of a topic given twice
 *     the larger number counts;
 *   - after one more message on a fixed topic, the text written is exactly
 *     that map: the same topics and numbers, each once, a line each, no
 *     number above 2^53;
 *   - read from what was written, every topic's next number is one more
 *     (1 after 2^53).
 * A broken rule aborts (libFuzzer saves the input).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seqmap.h"
#include "log.h"
#include "payload.h"
#include "topic.h"

#define FIXED "greenmeter/v1/fuzz/fuzz/fuzz"
#define PATH "seq"            /* named in messages only: nothing is saved */
#define MAX_TOPICS 4096       /* more than an input can hold */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_seqmap: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

struct want {
	char topic[TOPIC_MAX];
	uint64_t seq;
	int seen;        /* lines of the text written that hold it */
};
static struct want want[MAX_TOPICS];
static int nwant;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_seqmap", GM_LOG_ERR);   /* damaged lines are logged: quiet */
	return 0;
}

static struct want *find(const char *topic, size_t len)
{
	for (int i = 0; i < nwant; i++) {
		if (strlen(want[i].topic) == len && memcmp(want[i].topic, topic, len) == 0)
			return &want[i];
	}
	return NULL;
}

static void expect(const char *topic, size_t len, uint64_t seq)
{
	struct want *w = find(topic, len);

	if (w == NULL) {
		if (nwant == MAX_TOPICS)
			broken("more topics than an input can hold");
		w = &want[nwant++];
		memcpy(w->topic, topic, len);
		w->topic[len] = '\0';
		w->seq = seq;
		w->seen = 0;
	} else if (seq > w->seq) {
		w->seq = seq;
	}
}

/* One line of the input, without its newline, read as the format says. */
static void oracle_line(const char *l, size_t len)
{
	size_t d = 0;
	uint64_t seq = 0;

	if (memchr(l, '\0', len) != NULL)
		return;
	while (d < len && l[d] >= '0' && l[d] <= '9') {
		if (seq <= PAYLOAD_SEQ_MAX)
			seq = seq * 10 + (uint64_t)(l[d] - '0');
		d++;
	}
	if (d == 0 || d > 20 || d == len || l[d] != ' ' || seq > PAYLOAD_SEQ_MAX)
		return;
	if (len - d - 1 == 0 || len - d - 1 >= TOPIC_MAX)
		return;
	for (size_t i = d + 1; i < len; i++) {
		if ((unsigned char)l[i] <= ' ' || (unsigned char)l[i] > '~')
			return;
	}
	expect(l + d + 1, len - d - 1, seq);
}

/* The text written: every line "<seq> <topic>\n", each topic once, as wanted. */
static void check_written(const char *text, size_t len)
{
	char line[512];
	unsigned long long seq;
	int n, lines = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - text) - i : len - i;
		struct want *w;

		lines++;
		if (nl == NULL || l >= sizeof(line))
			broken("written line %d is not a line", lines);
		memcpy(line, text + i, l);
		line[l] = '\0';
		if (sscanf(line, "%llu %n", &seq, &n) != 1 ||
		    (w = find(line + n, l - (size_t)n)) == NULL)
			broken("written line %d is not wanted: %s", lines, line);
		if (w->seen++ || w->seq != seq || seq > PAYLOAD_SEQ_MAX)
			broken("written %s as %llu, want %" PRIu64 " once", w->topic, seq, w->seq);
		i += l + 1;
	}
	if (lines != nwant)
		broken("written %d topics, want %d", lines, nwant);
}

static uint64_t after(uint64_t seq)
{
	return seq >= PAYLOAD_SEQ_MAX ? 1 : seq + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct seqmap *m;
	struct want *w;
	uint64_t fixed;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	nwant = 0;
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(b + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - b) : size;
		oracle_line(b + i, end - i);
		i = end + 1;
	}
	if ((m = seqmap_from_text(PATH, b, size)) == NULL)
		broken("seqmap_from_text failed");
	/* one message more on a fixed topic: it counts on, and the map is written */
	w = find(FIXED, strlen(FIXED));
	fixed = w == NULL ? 1 : after(w->seq);
	if (seqmap_next(m, FIXED) != fixed)
		broken("next on the fixed topic is not %" PRIu64, fixed);
	expect(FIXED, strlen(FIXED), 0);
	find(FIXED, strlen(FIXED))->seq = fixed;
	if ((f = open_memstream(&text, &len)) == NULL || seqmap_write(m, f) != 0 || fclose(f) != 0)
		broken("cannot write the map");
	seqmap_free(m);
	check_written(text, len);

	if ((m = seqmap_from_text(PATH, text, len)) == NULL)
		broken("seqmap_from_text failed on what was written");
	for (int i = 0; i < nwant; i++) {
		if (seqmap_next(m, want[i].topic) != after(want[i].seq))
			broken("read again, %s does not go on at %" PRIu64, want[i].topic,
			    after(want[i].seq));
	}
	seqmap_free(m);
	free(text);
	return 0;
}
