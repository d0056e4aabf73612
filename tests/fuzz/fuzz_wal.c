/*
 * fuzz_wal.c - libFuzzer target over the collector's write-ahead log
 * (collector/wal.c), which a crash, a full disk or a person's editor may
 * leave in any state, and which the collector replays at every start.
 *
 * The input is a segment file's bytes. Each line (as a NUL-terminated
 * copy) goes through wal_parse(); then the bytes are written as a segment
 * in a scratch data directory and replayed with wal_replay(). Rules:
 *   - a row wal_parse() accepts has valid ids, a known kind that is not
 *     delta, a valid unit, finite time and value, a use finite or NaN
 *     (unknown); formatted again with wal_format() it fits a log line and
 *     parses back to the very same row (bit for bit), and formats the same;
 *   - a refusal says why in printable ASCII;
 *   - replay hands over only rows that keep those rules, never more rows
 *     than the input has lines, and each row it hands is one a line of the
 *     input would be parsed as.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wal.h"
#include "gm_err.h"
#include "fuzzlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_FUZZ 1024

static size_t accepted, replayed;

static bool same_row(const struct store_row *a, const struct store_row *b)
{
	return memcmp(&a->t, &b->t, sizeof(a->t)) == 0 &&
	    memcmp(&a->value, &b->value, sizeof(a->value)) == 0 &&
	    (isnan(a->use) ? isnan(b->use) : memcmp(&a->use, &b->use, sizeof(a->use)) == 0);
}

static void check_row(const struct chan_id *id, const struct payload_meta *meta,
    const struct store_row *row, const char *line)
{
	char text[LINE_MAX_FUZZ], again[LINE_MAX_FUZZ], err[256];
	struct payload_meta meta2;
	struct store_row row2;
	struct chan_id id2;
	int n;

	if (!id_valid(id->site) || !id_valid(id->meter) || !id_valid(id->channel))
		fuzz_broken("row with an invalid id from \"%s\"", line);
	if (meta->kind != KIND_COUNTER && meta->kind != KIND_GAUGE)
		fuzz_broken("row of kind %d from \"%s\"", (int)meta->kind, line);
	if (!unit_valid(meta->unit))
		fuzz_broken("row with unit \"%s\"", meta->unit);
	if (!isfinite(row->t) || !isfinite(row->value) || isinf(row->use))
		fuzz_broken("row with a number not finite from \"%s\"", line);
	if ((n = wal_format(text, sizeof(text), id, meta, row)) < 0)
		fuzz_broken("an accepted row does not format: \"%s\"", line);
	if (wal_parse(text, &id2, &meta2, &row2, err, sizeof(err)) != GM_OK)
		fuzz_broken("\"%s\" formatted as \"%s\", which does not parse: %s", line, text, err);
	if (strcmp(id->site, id2.site) || strcmp(id->meter, id2.meter) ||
	    strcmp(id->channel, id2.channel) || strcmp(meta->unit, meta2.unit) ||
	    meta->kind != meta2.kind || !same_row(row, &row2))
		fuzz_broken("\"%s\" does not read back the same through \"%s\"", line, text);
	if (wal_format(again, sizeof(again), &id2, &meta2, &row2) != n || strcmp(text, again))
		fuzz_broken("\"%s\" formats as \"%s\" then \"%s\"", line, text, again);
}

static void take(void *user, uint64_t seg, const struct chan_id *id,
    const struct payload_meta *meta, const struct store_row *row)
{
	(void)user;
	(void)seg;
	replayed++;
	check_row(id, meta, row, "(replayed)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch("wal");
	char path[256], err[256], *line;
	size_t lines = 0, start = 0;
	struct wal *w;

	accepted = replayed = 0;
	/* line by line through the parser */
	for (size_t i = 0; i <= size; i++) {
		struct payload_meta meta;
		struct store_row row;
		struct chan_id id;

		if (i < size && data[i] != '\n')
			continue;
		if (i > start || i < size)
			lines++;
		if ((line = malloc(i - start + 1)) == NULL)
			return 0;
		memcpy(line, data + start, i - start);
		line[i - start] = '\0';
		if (strlen(line) == i - start && i - start < LINE_MAX_FUZZ) {
			if (wal_parse(line, &id, &meta, &row, err, sizeof(err)) == GM_OK) {
				accepted++;
				check_row(&id, &meta, &row, line);
			} else {
				fuzz_check_reason(err, sizeof(err), "wal_parse");
			}
		}
		free(line);
		start = i + 1;
	}
	/* and as a segment on disk */
	fuzz_empty(dir);
	snprintf(path, sizeof(path), "%s/.wal", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.wal/0000000000000001.wal", dir);
	fuzz_write(path, data, size);
	if (wal_open(&w, dir, 0, err, sizeof(err)) != GM_OK)
		fuzz_broken("wal_open: %s", err);
	if (wal_replay(w, take, NULL, err, sizeof(err)) != GM_OK)
		fuzz_broken("wal_replay: %s", err);
	wal_close(w);
	if (replayed > lines || replayed > accepted)
		fuzz_broken("%zu rows replayed from %zu lines, %zu of them rows", replayed, lines,
		    accepted);
	return 0;
}
