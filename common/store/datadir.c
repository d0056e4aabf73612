/* datadir.c - find the channel files below a data directory. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "gm_err.h"
#include "datadir.h"
#include "rrd_layout.h"

static int id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct walk {
	struct stored_chan *v;
	int n, cap;
};

struct idlist {
	char (*v)[ID_MAX + 1];
	int n, cap;
};

static void idlist_add(struct idlist *l, const char *name)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		void *g = realloc(l->v, (size_t)cap * sizeof(*l->v));

		if (g == NULL)
			return;
		l->v = g;
		l->cap = cap;
	}
	strcpy(l->v[l->n++], name);
}

/* One read of a directory: the valid-id entries, sorted; with suffixes,
 * into out[k] the names ending in suffix[k] (which is cut off), else all
 * into out[0]. */
static void list_dir(const char *dir, const char *const *suffix, int nsuf, struct idlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char name[256];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		for (int k = 0; k < (nsuf > 0 ? nsuf : 1); k++) {
			size_t sl = nsuf > 0 ? strlen(suffix[k]) : 0;

			if (len <= sl || len >= sizeof(name) ||
			    (nsuf > 0 && strcmp(e->d_name + len - sl, suffix[k]) != 0))
				continue;
			memcpy(name, e->d_name, len - sl);
			name[len - sl] = '\0';
			if (id_valid(name))
				idlist_add(&out[k], name);
		}
	}
	closedir(d);
	for (int k = 0; k < (nsuf > 0 ? nsuf : 1); k++)
		if (out[k].n > 0)
			qsort(out[k].v, (size_t)out[k].n, sizeof(*out[k].v), id_cmp);
}

void datadir_meta(const char *datadir, struct stored_chan *c)
{
	char err[256];

	if (chanmeta_read(datadir, &c->id, &c->meta, err, sizeof(err)) != GM_OK) {
		strcpy(c->meta.unit, "?");
		c->meta.kind = c->journal ? KIND_DELTA : KIND_COUNTER;
	}
}

static int add_chan(struct walk *w, const char *datadir, const struct chan_id *id,
    bool journal)
{
	struct stored_chan *c;

	if (w->n == w->cap) {
		void *g = realloc(w->v, (size_t)(w->cap = w->cap ? w->cap * 2 : 64) * sizeof(*w->v));
		if (g == NULL)
			return GM_ENOMEM;
		w->v = g;
	}
	c = &w->v[w->n++];
	memset(&c->meta, 0, sizeof(c->meta));
	c->id = *id;
	c->journal = journal;
	if (journal)
		entries_path(c->path, sizeof(c->path), datadir, id);
	else
		rrd_layout_path(c->path, sizeof(c->path), datadir, id);
	return GM_OK;
}

/* The channels of one meter directory: RRDs and entries journals merged in
 * channel order. A channel with both (a delta channel that an earlier
 * collector kept in an RRD) is listed once for each file, so no stored
 * amount is hidden. */
static int add_meter(struct walk *w, const char *datadir, const char *dir,
    const char *site, const char *meter)
{
	static const char *const suffix[2] = { ".rrd", ENTRIES_SUFFIX };
	struct idlist l[2] = { { 0 }, { 0 } };
	int i = 0, j = 0, rc = GM_OK;

	list_dir(dir, suffix, 2, l);
	while (rc == GM_OK && (i < l[0].n || j < l[1].n)) {
		bool journal = i == l[0].n || (j < l[1].n && strcmp(l[1].v[j], l[0].v[i]) < 0);
		struct chan_id id;

		strcpy(id.site, site);
		strcpy(id.meter, meter);
		strcpy(id.channel, journal ? l[1].v[j++] : l[0].v[i++]);
		rc = add_chan(w, datadir, &id, journal);
	}
	free(l[0].v);
	free(l[1].v);
	return rc;
}

int datadir_names(const char *datadir, const char *site, const char *meter,
    struct stored_chan **ret)
{
	struct idlist sites = { 0 };
	char dir[4096];
	struct walk w = { 0 };
	int rc = GM_OK;

	list_dir(datadir, NULL, 0, &sites);
	for (int i = 0; i < sites.n && rc == GM_OK; i++) {
		struct idlist meters = { 0 };

		if (site && strcmp(site, sites.v[i]) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", datadir, sites.v[i]);
		list_dir(dir, NULL, 0, &meters);
		for (int j = 0; j < meters.n && rc == GM_OK; j++) {
			if (meter && strcmp(meter, meters.v[j]) != 0)
				continue;
			snprintf(dir, sizeof(dir), "%s/%s/%s", datadir, sites.v[i], meters.v[j]);
			rc = add_meter(&w, datadir, dir, sites.v[i], meters.v[j]);
		}
		free(meters.v);
	}
	free(sites.v);
	if (rc != GM_OK) {
		free(w.v);
		return rc;
	}
	*ret = w.v;
	return w.n;
}

int datadir_walk(const char *datadir, const char *site, const char *meter,
    struct stored_chan **ret)
{
	int n = datadir_names(datadir, site, meter, ret);

	for (int i = 0; i < n; i++)
		datadir_meta(datadir, &(*ret)[i]);
	return n;
}
