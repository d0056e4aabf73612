/* status_show.c - the status file as a table, worst channels first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "status_file.h"
#include "status_show.h"

struct shown {
	struct chan_record c;
	enum chan_status st;
};

static int worst_first(const void *a, const void *b)
{
	const struct shown *x = a, *y = b;
	char ix[3 * 66], iy[3 * 66];

	if (x->st != y->st)
		return (int)y->st - (int)x->st;   /* fault, then stale, then ok */
	chan_id_str(&x->c.id, ix, sizeof(ix));
	chan_id_str(&y->c.id, iy, sizeof(iy));
	return strcmp(ix, iy);
}

static int read_all(FILE *f, struct shown **ret, size_t *ret_n, double now)
{
	struct chan_record *c;
	struct shown *v;
	size_t n;

	if (status_read(f, &c, &n) != GM_OK)
		return -1;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
		free(c);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].c = c[i];
		v[i].st = chan_status(&c[i], now);
	}
	free(c);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void print_one(FILE *out, const struct shown *s, double now)
{
	char id[3 * 66], age[24];

	chan_id_str(&s->c.id, id, sizeof(id));
	if (s->c.have_last)
		snprintf(age, sizeof(age), "%.0f s", now - s->c.last_t);
	else
		snprintf(age, sizeof(age), "never");
	fprintf(out, "%-40s %-5s %10s %16.6g %-6s %9llu %6llu %6llu %5llu %6llu %s\n", id,
	    chan_status_name(s->st), age, s->c.last_v, s->c.unit[0] ? s->c.unit : "-",
	    (unsigned long long)s->c.received, (unsigned long long)s->c.lost,
	    (unsigned long long)s->c.duplicates, (unsigned long long)s->c.late,
	    (unsigned long long)s->c.resets, s->st == STATUS_FAULT ? s->c.problem : "");
}

int status_show(const char *path, FILE *out, double now)
{
	FILE *f = fopen(path, "r");
	struct shown *v = NULL;
	size_t n = 0, bad = 0;

	if (f == NULL) {
		fprintf(stderr, "gm-collector: status file %s: %s\n", path, strerror(errno));
		return STATUS_UNREADABLE;
	}
	if (read_all(f, &v, &n, now) != 0) {
		fclose(f);
		fprintf(stderr, "gm-collector: status file %s: out of memory\n", path);
		return STATUS_UNREADABLE;
	}
	fclose(f);
	qsort(v, n, sizeof(*v), worst_first);
	fprintf(out, "%-40s %-5s %10s %16s %-6s %9s %6s %6s %5s %6s %s\n", "channel", "state",
	    "age", "last", "unit", "received", "lost", "dupl", "late", "resets", "problem");
	for (size_t i = 0; i < n; i++) {
		print_one(out, &v[i], now);
		bad += v[i].st != STATUS_OK;
	}
	fprintf(out, "%zu channel(s): %zu ok, %zu stale or fault\n", n, n - bad, bad);
	free(v);
	return bad > 0 ? STATUS_NOT_ALL_OK : STATUS_ALL_OK;
}
