/* dash_state.c - the dashboard's snapshots, shared by reference count. */
#include <stdlib.h>
#include <string.h>

#include "dash.h"
#include "db.h"
#include "gm_err.h"
#include "log.h"
#include "recent.h"
#include "report_run.h"
#include "rrd_layout.h"
#include "rrdc.h"

struct shared {
	void *p;
	int refs;
	void (*free)(void *);
};

static void free_snap(void *p)
{
	meter_view_free(p);
}

int dash_init(struct dash *d, char *err, size_t errlen)
{
	int rc;

	if ((rc = pthread_mutex_init(&d->lock, NULL)) != 0)
		return gm_errf(err, errlen, GM_ELIB, "cannot make a lock: %s", strerror(rc));
	if ((rc = pthread_mutex_init(&d->rrd_lock, NULL)) != 0) {
		pthread_mutex_destroy(&d->lock);
		return gm_errf(err, errlen, GM_ELIB, "cannot make a lock: %s", strerror(rc));
	}
	if ((rc = pthread_mutex_init(&d->db_lock, NULL)) != 0) {
		pthread_mutex_destroy(&d->lock);
		pthread_mutex_destroy(&d->rrd_lock);
		return gm_errf(err, errlen, GM_ELIB, "cannot make a lock: %s", strerror(rc));
	}
	return GM_OK;
}

void dash_put(struct dash *d, struct shared *ref)
{
	bool last;

	if (ref == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	last = --ref->refs == 0;
	pthread_mutex_unlock(&d->lock);
	if (last) {
		ref->free(ref->p);
		free(ref);
	}
}

/* Swap in p; the old one goes when its readers are done. */
static void set(struct dash *d, struct shared **slot, void *p, void (*fr)(void *))
{
	struct shared *n = malloc(sizeof(*n)), *old;

	if (n == NULL) {
		fr(p);   /* keep showing the old one */
		return;
	}
	*n = (struct shared){ p, 1, fr };
	pthread_mutex_lock(&d->lock);
	old = *slot;
	*slot = n;
	pthread_mutex_unlock(&d->lock);
	dash_put(d, old);
}

static const void *get(struct dash *d, struct shared *const *slot, struct shared **ref)
{
	const void *p = NULL;

	pthread_mutex_lock(&d->lock);
	if ((*ref = *slot) != NULL) {
		(*ref)->refs++;
		p = (*ref)->p;
	}
	pthread_mutex_unlock(&d->lock);
	return p;
}

void dash_set_meters(struct dash *d, struct meter_snap *s)
{
	set(d, &d->meters, s, free_snap);
}

void dash_set_units(struct dash *d, struct unit_view *v)
{
	set(d, &d->units, v, free);
}

const struct meter_snap *dash_meters(struct dash *d, struct shared **ref)
{
	return get(d, &d->meters, ref);
}

const struct unit_view *dash_units(struct dash *d, struct shared **ref)
{
	return get(d, &d->units, ref);
}

void dash_fini(struct dash *d)
{
	dash_put(d, d->meters);
	dash_put(d, d->units);
	d->meters = d->units = NULL;
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->rrd_lock);
	pthread_mutex_destroy(&d->db_lock);
	db_close(d->db);
	d->db = NULL;
	signin_limit_free(d->limit);
	d->limit = NULL;
	report_run_free(d->runner);
	d->runner = NULL;
}

void dash_flush(struct dash *d, const struct chan_id *id, bool journal)
{
	char path[4096], err[512];

	if (d->cached == NULL || journal)
		return;
	rrd_layout_path(path, sizeof(path), d->cfg.data_dir, id);
	if (rrdc_flush_file(d->cached, path, err, sizeof(err)) != GM_OK)
		log_warn("rrdcached: %s", err);   /* show what the file has */
}

int dash_recent(struct dash *d, const struct meter_row *r, struct recent_reading *out, int max,
    char *err, size_t errlen)
{
	int n;

	pthread_mutex_lock(&d->rrd_lock);
	dash_flush(d, &r->st.id, r->journal);
	n = recent_readings(d->cfg.data_dir, &r->st.id, r->journal, out, max, err, errlen);
	pthread_mutex_unlock(&d->rrd_lock);
	return n;
}

enum lang dash_lang(const struct http_req *rq)
{
	const char *l = http_server_arg(rq, "lang");

	return l != NULL && strcmp(l, "en") == 0 ? LANG_EN : LANG_TH;
}
