/* faults.c - one alert per fault (faults.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "faults.h"
#include "fileio.h"
#include "gm_err.h"
#include "log.h"
#include "status_file.h"

#define STATE_MAX (16 << 20)   /* a state file larger than this is not ours */

struct pending {
	char key[FAULT_KEY_MAX];
	double first_seen;
	bool seen;
};

struct faults {
	char state[4096];
	double settle_s, remind_s;
	struct fault *open;
	size_t nopen;
	struct pending *pend;
	size_t npend;
	bool dirty;
};

/* A meter as this scan sees it. */
struct mstat {
	char name[METER_NAME_MAX];
	const char *site, *meter, *gateway;   /* into the snapshot and the organisation */
	enum chan_status worst;
	double interval;                 /* its channels' longest */
	const struct meter_row *lone;    /* its only channel not ok, if one */
	int notok;
};

/* A fault this scan would name. */
struct cand {
	enum fault_scope scope;
	char key[FAULT_KEY_MAX], what[FAULT_KEY_MAX];
	enum chan_status status;
	size_t *m;                       /* indexes into the meters */
	size_t n;
	double settle;
};

const char *fault_scope_name(enum fault_scope s)
{
	static const char *const n[] = { "collector", "site", "gateway", "meter" };

	return (unsigned)s < 4 ? n[s] : "?";
}

const char *fault_event_name(enum fault_event_kind k)
{
	static const char *const n[] = { "opened", "reminder", "resolved" };

	return (unsigned)k < 3 ? n[k] : "?";
}

static void fault_clear(struct fault *f)
{
	free(f->meters);
	memset(f, 0, sizeof(*f));
}

/* ---- the state file ------------------------------------------------------- */

static void save(struct faults *fs)
{
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "faults");
	char *text, err[4400];

	for (size_t i = 0; i < fs->nopen; i++) {
		const struct fault *f = &fs->open[i];
		cJSON *o = cJSON_CreateObject(), *m = cJSON_AddArrayToObject(o, "meters");

		cJSON_AddStringToObject(o, "key", f->key);
		cJSON_AddStringToObject(o, "scope", fault_scope_name(f->scope));
		cJSON_AddStringToObject(o, "what", f->what);
		cJSON_AddStringToObject(o, "channel", f->channel);
		cJSON_AddStringToObject(o, "status", chan_status_name(f->status));
		cJSON_AddNumberToObject(o, "since", f->since);
		cJSON_AddNumberToObject(o, "alerted", f->alerted);
		for (size_t k = 0; k < f->nmeters; k++)
			cJSON_AddItemToArray(m, cJSON_CreateString(f->meters[k]));
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (text == NULL) {
		log_err("fault state %s: out of memory", fs->state);
		return;
	}
	if (fileio_replace(fs->state, text, strlen(text), 0600, true, err, sizeof(err)) != GM_OK)
		log_err("fault state: %s", err);
	else
		fs->dirty = false;
	cJSON_free(text);
}

static bool str_of(const cJSON *o, const char *k, char *dst, size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsString(v) || strlen(v->valuestring) >= len)
		return false;
	strcpy(dst, v->valuestring);
	return true;
}

static bool fault_of_json(const cJSON *o, struct fault *f)
{
	const cJSON *since = cJSON_GetObjectItemCaseSensitive(o, "since");
	const cJSON *alerted = cJSON_GetObjectItemCaseSensitive(o, "alerted");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "meters"), *e;
	char scope[16], status[16];
	int k = 0;

	memset(f, 0, sizeof(*f));
	if (!str_of(o, "key", f->key, sizeof(f->key)) || !str_of(o, "what", f->what, sizeof(f->what)) ||
	    !str_of(o, "channel", f->channel, sizeof(f->channel)) ||
	    !str_of(o, "scope", scope, sizeof(scope)) ||
	    !str_of(o, "status", status, sizeof(status)) || !cJSON_IsNumber(since) ||
	    !cJSON_IsNumber(alerted) || !cJSON_IsArray(m))
		return false;
	while (k < 4 && strcmp(fault_scope_name((enum fault_scope)k), scope) != 0)
		k++;
	if (k == 4 || (strcmp(status, "stale") != 0 && strcmp(status, "fault") != 0))
		return false;
	f->status = status[0] == 's' ? STATUS_STALE : STATUS_FAULT;
	f->scope = (enum fault_scope)k;
	/* the key is what the scope and what make it, as open_fault writes it */
	if (f->scope == FAULT_COLLECTOR ? strcmp(f->key, "collector") != 0 || f->what[0] != '\0' :
	    f->what[0] == '\0' || strncmp(f->key, scope, strlen(scope)) != 0 ||
	    f->key[strlen(scope)] != ':' || strcmp(f->key + strlen(scope) + 1, f->what) != 0)
		return false;
	f->since = since->valuedouble;
	f->alerted = alerted->valuedouble;
	if ((f->meters = calloc((size_t)cJSON_GetArraySize(m) + 1, sizeof(*f->meters))) == NULL)
		return false;
	cJSON_ArrayForEach(e, m) {
		if (!cJSON_IsString(e) || strlen(e->valuestring) >= METER_NAME_MAX) {
			fault_clear(f);
			return false;
		}
		strcpy(f->meters[f->nmeters++], e->valuestring);
	}
	return true;
}

static void load(struct faults *fs)
{
	char *text = NULL, err[256];
	size_t len;
	cJSON *doc, *arr, *o;
	int rc = fileio_read_regular(fs->state, STATE_MAX, &text, &len, err, sizeof(err));

	if (rc == GM_ENOTFOUND)
		return;
	doc = rc == GM_OK ? cJSON_ParseWithLength(text, len) : NULL;
	free(text);
	arr = cJSON_GetObjectItemCaseSensitive(doc, "faults");
	if (rc != GM_OK || !cJSON_IsArray(arr) ||
	    (fs->open = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*fs->open))) == NULL) {
		log_warn("fault state %s: %s; starting without it", fs->state,
		    rc != GM_OK ? err : "not a fault state file");
		cJSON_Delete(doc);
		return;
	}
	cJSON_ArrayForEach(o, arr) {
		if (fault_of_json(o, &fs->open[fs->nopen]))
			fs->nopen++;
		else
			log_warn("fault state %s: an entry it cannot read, left out", fs->state);
	}
	cJSON_Delete(doc);
}

struct faults *faults_new(const char *state_path, double settle_s, double remind_s)
{
	struct faults *fs = calloc(1, sizeof(*fs));

	if (fs == NULL)
		return NULL;
	snprintf(fs->state, sizeof(fs->state), "%s", state_path != NULL ? state_path : "");
	fs->settle_s = settle_s;
	fs->remind_s = remind_s;
	if (fs->state[0] != '\0')
		load(fs);
	return fs;
}

void faults_free(struct faults *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->nopen; i++)
		fault_clear(&fs->open[i]);
	free(fs->open);
	free(fs->pend);
	free(fs);
}

size_t faults_open(const struct faults *fs)
{
	return fs->nopen;
}

/* ---- a scan ----------------------------------------------------------------- */

/* The snapshot's meters (its rows are by site, meter, channel). */
static struct mstat *meters_of(const struct meter_snap *s, const struct org *o, double now,
    size_t *n)
{
	struct mstat *v = calloc(s->n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0, end; v != NULL && i < s->n; i = end) {
		const struct chan_id *id = &s->rows[i].st.id;
		const struct org_meter *reg = org_meter_find(o, id->site, id->meter);
		struct mstat *m = &v[(*n)++];

		snprintf(m->name, sizeof(m->name), "%s/%s", id->site, id->meter);
		m->site = id->site;
		m->meter = id->meter;
		m->gateway = reg != NULL ? reg->gateway : "";
		end = meter_view_meter_end(s, i);
		for (size_t j = i; j < end; j++) {
			enum chan_status st = meter_view_status(s, &s->rows[j], now);

			if (st > m->worst)
				m->worst = st;
			if (st != STATUS_OK)
				m->lone = m->notok++ == 0 ? &s->rows[j] : NULL;
			m->interval = fmax(m->interval, s->rows[j].st.interval);
		}
	}
	return v;
}

static bool cand_add(struct cand *c, size_t *nc, enum fault_scope scope, const char *what,
    const struct mstat *ms, size_t *idx, size_t n, double settle)
{
	struct cand *k = &c[(*nc)++];

	memset(k, 0, sizeof(*k));
	k->scope = scope;
	snprintf(k->what, sizeof(k->what), "%s", what);
	if (scope == FAULT_COLLECTOR)
		snprintf(k->key, sizeof(k->key), "collector");
	else
		snprintf(k->key, sizeof(k->key), "%s:%s", fault_scope_name(scope), what);
	if ((k->m = malloc((n + 1) * sizeof(*k->m))) == NULL)
		return false;
	memcpy(k->m, idx, n * sizeof(*idx));
	k->n = n;
	for (size_t i = 0; i < n; i++) {
		if (ms[idx[i]].worst > k->status)
			k->status = ms[idx[i]].worst;
		settle = fmax(settle, ms[idx[i]].interval);
	}
	if (k->status == STATUS_OK)
		k->status = STATUS_STALE;   /* the collector's, with its meters still fine */
	k->settle = settle;
	return true;
}

/* Every meter of the group down (two or more of them): one candidate;
 * its meters are covered. */
static bool group(struct cand *c, size_t *nc, enum fault_scope scope, const char *what,
    const struct mstat *ms, size_t *idx, size_t n, bool *covered, double settle)
{
	size_t down = 0, fresh = 0;

	for (size_t i = 0; i < n; i++) {
		down += ms[idx[i]].worst != STATUS_OK;
		fresh += !covered[idx[i]];
	}
	if (n < 2 || down < n || fresh == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		covered[idx[i]] = true;
	return cand_add(c, nc, scope, what, ms, idx, n, settle);
}

/* What this scan would name: at the largest scope that explains it. */
static struct cand *candidates(const struct meter_snap *s, const struct mstat *ms, size_t n,
    double now, double settle, size_t *nc)
{
	struct cand *c = calloc(n + 2, sizeof(*c));
	bool *covered = calloc(n + 1, sizeof(*covered)), ok = c != NULL && covered != NULL;
	size_t *idx = malloc((n + 1) * sizeof(*idx)), k;

	*nc = 0;
	ok = ok && idx != NULL;
	if (ok && (s->status_err[0] != '\0' ||
	    (s->status_mtime > 0 && now - s->status_mtime > 3 * STATUS_FILE_EVERY))) {
		for (k = 0; k < n; k++)
			idx[k] = k;
		ok = cand_add(c, nc, FAULT_COLLECTOR, "", ms, idx, n, settle);
		n = 0;   /* it explains every meter */
	}
	for (size_t i = 0; ok && i < n; i = i + k) {   /* sites: runs of the sorted meters */
		bool one_gateway = ms[i].gateway[0] != '\0';

		for (k = 0; i + k < n && strcmp(ms[i + k].site, ms[i].site) == 0; k++) {
			idx[k] = i + k;
			one_gateway = one_gateway && strcmp(ms[i + k].gateway, ms[i].gateway) == 0;
		}
		/* a site behind one gateway: that gateway is the more exact name */
		if (!one_gateway)
			ok = group(c, nc, FAULT_SITE, ms[i].site, ms, idx, k, covered, settle);
	}
	for (size_t i = 0; ok && i < n; i++) {   /* gateways: each at its first meter */
		bool first = ms[i].gateway[0] != '\0';

		for (size_t j = 0; first && j < i; j++)
			first = strcmp(ms[j].gateway, ms[i].gateway) != 0;
		if (!first)
			continue;
		k = 0;
		for (size_t j = i; j < n; j++)
			if (strcmp(ms[j].gateway, ms[i].gateway) == 0)
				idx[k++] = j;
		ok = group(c, nc, FAULT_GATEWAY, ms[i].gateway, ms, idx, k, covered, settle);
	}
	for (size_t i = 0; ok && i < n; i++)
		if (ms[i].worst != STATUS_OK && !covered[i])
			ok = cand_add(c, nc, FAULT_METER, ms[i].name, ms, &i, 1, settle);
	free(covered);
	free(idx);
	if (!ok) {
		for (size_t i = 0; c != NULL && i < *nc; i++)
			free(c[i].m);
		free(c);
		return NULL;
	}
	return c;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool has_meter(const struct fault *f, const char *name)
{
	return f->nmeters > 0 && bsearch(name, f->meters, f->nmeters, sizeof(*f->meters),
	    name_cmp) != NULL;
}

static const struct mstat *meter_named(const struct mstat *ms, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ms[i].name, name) == 0)
			return &ms[i];
	return NULL;
}

/* Over: every meter it named ok or gone; the collector's when it writes again. */
static bool over(const struct fault *f, const struct mstat *ms, size_t n, bool collector_down)
{
	if (f->scope == FAULT_COLLECTOR)
		return !collector_down;
	for (size_t k = 0; k < f->nmeters; k++) {
		const struct mstat *m = meter_named(ms, n, f->meters[k]);

		if (m != NULL && m->worst != STATUS_OK)
			return false;
	}
	return true;
}

/* Every meter of c already under an open fault at least as wide. */
static bool held(const struct faults *fs, const struct cand *c, const struct mstat *ms)
{
	for (size_t i = 0; i < c->n; i++) {
		bool in = false;

		for (size_t j = 0; !in && j < fs->nopen; j++)
			in = fs->open[j].scope <= c->scope &&
			    (fs->open[j].scope == FAULT_COLLECTOR || has_meter(&fs->open[j], ms[c->m[i]].name));
		if (!in)
			return false;
	}
	return true;
}

static struct pending *pending_for(struct faults *fs, const char *key, double now)
{
	struct pending *p;

	for (size_t i = 0; i < fs->npend; i++)
		if (strcmp(fs->pend[i].key, key) == 0)
			return &fs->pend[i];
	if ((p = realloc(fs->pend, (fs->npend + 1) * sizeof(*p))) == NULL)
		return NULL;
	fs->pend = p;
	p = &fs->pend[fs->npend++];
	snprintf(p->key, sizeof(p->key), "%s", key);
	p->first_seen = now;
	return p;
}

/* A one-channel fault's row in s, or NULL. */
static const struct meter_row *row_of(const struct meter_snap *s, const struct fault *f)
{
	struct chan_id id;
	char site[ID_MAX + 1], meter[ID_MAX + 1];

	if (f->scope != FAULT_METER || f->channel[0] == '\0' ||
	    !chan_id_split_meter(f->what, site, meter) ||
	    chan_id_set(&id, site, meter, f->channel, NULL, 0) != 0)
		return NULL;
	return meter_view_find(s, &id);
}

static void drop_open(struct faults *fs, size_t i)
{
	fault_clear(&fs->open[i]);
	memmove(&fs->open[i], &fs->open[i + 1], (fs->nopen - i - 1) * sizeof(*fs->open));
	fs->nopen--;
	fs->dirty = true;
}

/* Open c: a fault of its own, taking over the narrower ones it explains. */
static struct fault *open_fault(struct faults *fs, const struct cand *c, const struct mstat *ms,
    double since, double now, const struct meter_row *lone)
{
	struct fault *v = realloc(fs->open, (fs->nopen + 1) * sizeof(*v)), *f;

	if (v == NULL)
		return NULL;
	fs->open = v;
	f = &fs->open[fs->nopen];
	memset(f, 0, sizeof(*f));
	if ((f->meters = calloc(c->n + 1, sizeof(*f->meters))) == NULL)
		return NULL;
	f->scope = c->scope;
	snprintf(f->key, sizeof(f->key), "%s", c->key);
	snprintf(f->what, sizeof(f->what), "%s", c->what);
	f->status = c->status;
	f->since = since;
	f->alerted = now;
	if (lone != NULL)
		snprintf(f->channel, sizeof(f->channel), "%s", lone->st.id.channel);
	for (size_t i = 0; i < c->n; i++)
		strcpy(f->meters[f->nmeters++], ms[c->m[i]].name);
	qsort(f->meters, f->nmeters, sizeof(*f->meters), name_cmp);
	fs->nopen++;
	fs->dirty = true;
	for (size_t i = 0; i + 1 < fs->nopen;) {   /* the narrower ones it explains end */
		const struct fault *o = &fs->open[i];
		bool inside = o->scope > f->scope;

		for (size_t k = 0; inside && k < o->nmeters; k++)
			inside = has_meter(f, o->meters[k]);
		if (inside)
			drop_open(fs, i);
		else
			i++;
	}
	return &fs->open[fs->nopen - 1];
}

int faults_scan(struct faults *fs, const struct meter_snap *s, const struct org *o, double now,
    double scan_s, fault_fn fn, void *user)
{
	size_t n, nc = 0;
	struct mstat *ms = meters_of(s, o, now, &n);
	struct cand *c = ms != NULL ? candidates(s, ms, n, now, fs->settle_s, &nc) : NULL;
	bool collector_down = nc > 0 && c[0].scope == FAULT_COLLECTOR;
	int events = 0;

	if (c == NULL) {
		free(ms);
		return GM_ENOMEM;
	}
	for (size_t i = 0; i < fs->nopen;) {
		if (!over(&fs->open[i], ms, n, collector_down)) {
			i++;
			continue;
		}
		if (fn != NULL)
			fn(user, &(struct fault_event){ FE_RESOLVED, &fs->open[i],
			    row_of(s, &fs->open[i]) });
		events++;
		drop_open(fs, i);
	}
	for (size_t i = 0; i < fs->npend; i++)
		fs->pend[i].seen = false;
	for (size_t i = 0; i < nc; i++) {
		const struct meter_row *lone;
		struct pending *p;
		struct fault *f;
		bool same = false;

		for (size_t j = 0; !same && j < fs->nopen; j++)
			same = strcmp(fs->open[j].key, c[i].key) == 0;
		if (same || held(fs, &c[i], ms) || (p = pending_for(fs, c[i].key, now)) == NULL)
			continue;
		p->seen = true;
		/* a meter's fellows on its gateway go stale within a poll cycle */
		if (now - p->first_seen < c[i].settle + 2 * scan_s)
			continue;
		lone = c[i].scope == FAULT_METER ? ms[c[i].m[0]].lone : NULL;
		if ((f = open_fault(fs, &c[i], ms, p->first_seen, now, lone)) == NULL)
			break;
		p->seen = false;
		if (fn != NULL)
			fn(user, &(struct fault_event){ FE_OPENED, f, lone });
		events++;
	}
	for (size_t i = 0; i < fs->npend;) {   /* what is no longer there need not settle */
		if (fs->pend[i].seen) {
			i++;
			continue;
		}
		fs->pend[i] = fs->pend[--fs->npend];
	}
	for (size_t i = 0; fs->remind_s > 0 && i < fs->nopen; i++) {
		if (now - fs->open[i].alerted < fs->remind_s)
			continue;
		fs->open[i].alerted = now;
		fs->dirty = true;
		if (fn != NULL)
			fn(user, &(struct fault_event){ FE_REMINDER, &fs->open[i], NULL });
		events++;
	}
	if (fs->dirty && fs->state[0] != '\0')
		save(fs);
	for (size_t i = 0; i < nc; i++)
		free(c[i].m);
	free(c);
	free(ms);
	return events;
}
