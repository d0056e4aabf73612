/* report_walk.c - find the channel files below a data directory. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "err.h"
#include "report_walk.h"
#include "rrd_layout.h"

static int id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct walk {
	struct stored_chan *v;
	int n, cap;
};

/* The valid-id entries of a directory, sorted; with `suffix`, only names
 * ending in it (which is cut off). */
static int list_ids(const char *dir, const char *suffix, char (**ret)[ID_MAX + 1])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char (*ids)[ID_MAX + 1] = NULL, name[256];
	int n = 0, cap = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
		if (len <= sl || len >= sizeof(name) ||
		    (suffix && strcmp(e->d_name + len - sl, suffix) != 0))
			continue;
		memcpy(name, e->d_name, len - sl);
		name[len - sl] = '\0';
		if (!id_valid(name))
			continue;
		if (n == cap) {
			void *g = realloc(ids, (size_t)(cap = cap ? cap * 2 : 16) * sizeof(*ids));
			if (g == NULL)
				break;
			ids = g;
		}
		strcpy(ids[n++], name);
	}
	closedir(d);
	if (n > 0)
		qsort(ids, (size_t)n, sizeof(*ids), id_cmp);
	*ret = ids;
	return n;
}

static int add_chan(struct walk *w, const char *datadir, const struct chan_id *id,
    bool journal)
{
	struct stored_chan *c;
	char err[256];

	if (w->n == w->cap) {
		void *g = realloc(w->v, (size_t)(w->cap = w->cap ? w->cap * 2 : 64) * sizeof(*w->v));
		if (g == NULL)
			return GM_ENOMEM;
		w->v = g;
	}
	c = &w->v[w->n++];
	c->id = *id;
	if (journal)
		entries_path(c->path, sizeof(c->path), datadir, id);
	else
		rrd_layout_path(c->path, sizeof(c->path), datadir, id);
	if (chanmeta_read(datadir, id, &c->meta, err, sizeof(err)) != GM_OK) {
		strcpy(c->meta.unit, "?");
		c->meta.kind = journal ? KIND_DELTA : KIND_COUNTER;
	}
	return GM_OK;
}

/* The channels of one meter directory: RRDs and entries journals merged in
 * channel order. A channel with both (a delta channel that an earlier
 * collector kept in an RRD) is listed once for each file, so no stored
 * amount is hidden. */
static int add_meter(struct walk *w, const char *datadir, const char *dir,
    const char *site, const char *meter)
{
	char (*rrds)[ID_MAX + 1] = NULL, (*journals)[ID_MAX + 1] = NULL;
	int nr = list_ids(dir, ".rrd", &rrds), nj = list_ids(dir, ENTRIES_SUFFIX, &journals);
	int i = 0, j = 0, rc = GM_OK;

	while (rc == GM_OK && (i < nr || j < nj)) {
		bool journal = i == nr || (j < nj && strcmp(journals[j], rrds[i]) < 0);
		struct chan_id id;

		strcpy(id.site, site);
		strcpy(id.meter, meter);
		strcpy(id.channel, journal ? journals[j++] : rrds[i++]);
		rc = add_chan(w, datadir, &id, journal);
	}
	free(rrds);
	free(journals);
	return rc;
}

int report_walk(const char *datadir, const char *site, const char *meter,
    struct stored_chan **ret)
{
	char (*sites)[ID_MAX + 1] = NULL, (*meters)[ID_MAX + 1];
	char dir[4096];
	struct walk w = { 0 };
	int ns, nm, rc = GM_OK;

	ns = list_ids(datadir, NULL, &sites);
	for (int i = 0; i < ns && rc == GM_OK; i++) {
		if (site && strcmp(site, sites[i]) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", datadir, sites[i]);
		meters = NULL;
		nm = list_ids(dir, NULL, &meters);
		for (int j = 0; j < nm && rc == GM_OK; j++) {
			if (meter && strcmp(meter, meters[j]) != 0)
				continue;
			snprintf(dir, sizeof(dir), "%s/%s/%s", datadir, sites[i], meters[j]);
			rc = add_meter(&w, datadir, dir, sites[i], meters[j]);
		}
		free(meters);
	}
	free(sites);
	if (rc != GM_OK) {
		free(w.v);
		return rc;
	}
	*ret = w.v;
	return w.n;
}
