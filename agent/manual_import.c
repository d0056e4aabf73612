/* manual_import.c - a file of monthly entries: read whole, checked
 * (manual_csv.c), then published. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
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

int manual_import_publish(const struct mqtt_opts *opts, const struct manual_entry *e,
    size_t n, int timeout_ms, char *err, size_t errlen)
{
	struct oneshot_msg *m = calloc(n ? n : 1, sizeof(*m));
	char why[256];
	int rc = GM_OK;

	if (m == NULL)
		return gm_errf(err, errlen, GM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == GM_OK; i++) {
		struct payload_meta meta = { .kind = KIND_DELTA, .seq = e[i].seq };
		struct point pt = { .t = e[i].t, .v = e[i].amount };

		strcpy(meta.unit, e[i].unit);
		topic_build(m[i].topic, sizeof(m[i].topic), &e[i].id, TOPIC_READING);
		rc = payload_encode(&meta, &pt, 1, &m[i].payload, why, sizeof(why));
		if (rc != GM_OK)
			gm_errf(err, errlen, rc, "line %d: %s", e[i].line, why);
	}
	if (rc == GM_OK && (rc = oneshot_publish(opts, m, n, timeout_ms, why,
	    sizeof(why))) != GM_OK)
		gm_errf(err, errlen, rc, "%s; run the import again (entries already stored "
		    "are not stored twice)", why);
	for (size_t i = 0; i < n; i++)
		free(m[i].payload);
	free(m);
	return rc;
}
