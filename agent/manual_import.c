/* manual_import.c - a file of manual entries (monthly amounts, dial
 * readings): read whole, checked (manual_csv.c), then published. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "manual_import.h"
#include "oneshot.h"
#include "timeutil.h"

#define FILE_MAX (16 << 20)   /* bytes: years of entries for every bureau fit */

/* The whole file into memory, or an error reported against it. */
static char *read_whole(struct conf *c, size_t *len)
{
	FILE *f = fopen(c->path, "rb");
	char *buf = NULL, *g;
	size_t n = 0, cap = 0, got;

	if (f == NULL) {
		conf_error(c, "cannot open: %s", strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 64 << 10;
			if (cap > FILE_MAX + 1)
				cap = FILE_MAX + 1;
			if ((g = realloc(buf, cap)) == NULL) {
				conf_error(c, "out of memory");
				goto fail;
			}
			buf = g;
		}
		n += got = fread(buf + n, 1, cap - n, f);
	} while (got > 0 && n <= FILE_MAX);
	if (n > FILE_MAX) {
		conf_error(c, "larger than %d MiB: not a file of monthly entries", FILE_MAX >> 20);
		goto fail;
	}
	if (ferror(f)) {
		conf_error(c, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

int manual_import_parse(const char *path, const char *site, struct manual_entry **ret,
    size_t *ret_n, conf_report report, void *report_user)
{
	struct conf c = { .path = path, .report = report, .report_user = report_user };
	size_t len = 0;
	char *buf = read_whole(&c, &len);
	int errors;

	if (buf == NULL)
		return c.errors;
	errors = manual_csv_parse(path, buf, len, site, now_wall(), ret, ret_n, report,
	    report_user);
	free(buf);
	return errors;
}

/* --- publishing ----------------------------------------------------------- */

/* Entry i as a message: an amount alone (amounts are numbered by their
 * month and may come in any order); a dial reading with its channel's later
 * ones, up to PAYLOAD_MAX_POINTS, in the order of the file (which is their
 * time's): one message cannot arrive out of order, and an RRD takes only
 * newer readings. Numbered by the month of its last reading, so a file
 * imported month after month counts no message lost. Marks what it took. */
static int form_message(const struct manual_entry *e, size_t n, size_t i, bool *taken,
    struct point *pts, struct oneshot_msg *m, char *err, size_t errlen)
{
	struct payload_meta meta = { .kind = e[i].kind, .every = e[i].every };
	size_t k = 0, last = i;
	char why[256];
	int rc;

	for (size_t j = i; j < n && k < PAYLOAD_MAX_POINTS; j++) {
		if (taken[j] || !manual_csv_same_channel(&e[i], &e[j]) ||
		    (k > 0 && e[i].kind == KIND_DELTA))
			continue;
		pts[k].t = e[j].t;
		pts[k++].v = e[j].v;
		taken[j] = true;
		last = j;
	}
	strcpy(meta.unit, e[i].unit);
	meta.seq = e[last].seq;
	topic_build(m->topic, sizeof(m->topic), &e[i].id, TOPIC_READING);
	if ((rc = payload_encode(&meta, pts, k, &m->payload, why, sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "line %d: %s", e[i].line, why);
	return rc;
}

int manual_import_publish(const struct mqtt_opts *opts, const struct manual_entry *e,
    size_t n, int timeout_ms, char *err, size_t errlen)
{
	struct oneshot_msg *m = calloc(n ? n : 1, sizeof(*m));
	struct point *pts = calloc(n ? n : 1, sizeof(*pts));
	bool *taken = calloc(n ? n : 1, sizeof(*taken));
	char why[256];
	size_t nm = 0;
	int rc = GM_OK;

	if (m == NULL || pts == NULL || taken == NULL) {
		rc = gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && rc == GM_OK; i++) {
		if (!taken[i])
			rc = form_message(e, n, i, taken, pts, &m[nm++], err, errlen);
	}
	if (rc == GM_OK && (rc = oneshot_publish(opts, m, nm, timeout_ms, why,
	    sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "%s; run the import again (entries already stored "
		    "are not stored twice)", why);
out:
	for (size_t i = 0; m != NULL && i < nm; i++)
		free(m[i].payload);
	free(m);
	free(pts);
	free(taken);
	return rc;
}
