/* meter_events.c - announced replacements and resets, applied and journaled. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chanmeta.h"
#include "chan_dir.h"
#include "gm_err.h"
#include "event_store.h"
#include "log.h"
#include "meter_events.h"
#include "timeutil.h"

static void arm(struct chan_state *cs, const struct meter_event *ev, const char *where)
{
	cs->pending = true;
	cs->pend_t = ev->t;
	cs->pend_base = ev->new_start;
	cs->pend_carry = 0;
	if (isnan(ev->old_final) || !cs->r.have_last)
		return;
	if (ev->old_final >= cs->r.last_v)
		cs->pend_carry = ev->old_final - cs->r.last_v;
	else
		log_warn("%s: old_final %.17g is below the last reading %.17g; what the old "
		    "counter ran after that reading is not counted", where, ev->old_final,
		    cs->r.last_v);
}

int meter_events_rearm(struct ingest *ig, struct chan_state *cs, char *err, size_t errlen)
{
	struct meter_event ev;
	char name[3 * 66], path[PATH_MAX];
	bool found;
	int rc;

	cs->pending = false;
	if ((rc = event_store_last_announced(ig->datadir, &cs->r.id, cs->r.have_last ? cs->r.last_t : 0,
	    &ev, &found, err, errlen)) != GM_OK) {
		meter_event_journal_path(path, sizeof(path), ig->datadir, &cs->r.id);
		if (chan_file_judge(path, rc, err, errlen) == GM_EDAMAGED)
			return GM_EDAMAGED;
		complain(&ig->store_trouble, time(NULL), "%s; message kept for another try", err);
		return GM_EIO;
	}
	chan_id_str(&cs->r.id, name, sizeof(name));
	if (found && (!cs->r.have_last || ev.t >= cs->r.last_t))
		arm(cs, &ev, name);
	return GM_OK;
}

static bool already_taken(struct ingest *ig, struct chan_state *cs,
    const struct meter_event *ev)
{
	struct meter_event last;
	char err[320];
	bool found;

	return event_store_last_announced(ig->datadir, &cs->r.id, ev->t, &last, &found, err,
	    sizeof(err)) == GM_OK && found && last.t == ev->t && last.kind == ev->kind &&
	    last.new_start == ev->new_start;
}

/* Checked against what the channel is, as its .meta says: only counters
 * have events, and in their own unit. */
static bool fits(struct ingest *ig, const struct chan_id *id, const struct meter_event *ev,
    const char *where)
{
	struct chanmeta cm;
	char why[256];

	if (chanmeta_read(ig->datadir, id, &cm, why, sizeof(why)) != GM_OK)
		return true;   /* no readings yet: the event waits for them */
	if (cm.kind != KIND_COUNTER) {
		log_warn("topic %s: rejected event: the channel is a %s; only counters have "
		    "events", where, kind_name(cm.kind));
		return false;
	}
	if (ev->unit[0] && strcmp(ev->unit, cm.unit) != 0) {
		log_warn("topic %s: rejected event: given in %s, the channel counts in %s",
		    where, ev->unit, cm.unit);
		return false;
	}
	return true;
}

enum ingest_result meter_events_take(struct ingest *ig, const struct chan_id *id,
    const void *payload, size_t len, const char *where)
{
	struct meter_event ev;
	struct chan_state *cs;
	char err[320];
	int rc;

	if (meter_event_decode(payload, len, &ev, err, sizeof(err)) != GM_OK) {
		log_warn("topic %s: rejected event: %s", where, err);
		return INGEST_DONE;
	}
	if ((cs = registry_get(ig->reg, id)) == NULL)
		return INGEST_RETRY;
	if (ingest_aside(ig, cs))   /* follows its readings, in order */
		return ingest_quarantine(ig, cs, 0, NULL, true, where);
	if ((rc = ingest_load_last(ig, cs, err, sizeof(err))) != GM_OK)
		return rc == GM_EDAMAGED ? ingest_quarantine(ig, cs, 0, err, true, where) :
		    INGEST_RETRY;
	if (!fits(ig, id, &ev, where))
		return INGEST_DONE;
	if (already_taken(ig, cs, &ev)) {
		log_debug("%s: %s event at %.3f already recorded", where,
		    meter_event_kind_name(ev.kind), ev.t);
		return INGEST_DONE;
	}
	ev.at = now_wall();
	if ((rc = event_store_append(ig->datadir, id, &ev, 1, err, sizeof(err))) != GM_OK) {
		char path[PATH_MAX];

		meter_event_journal_path(path, sizeof(path), ig->datadir, id);
		if (chan_file_judge(path, rc, err, sizeof(err)) == GM_EDAMAGED)
			return ingest_quarantine(ig, cs, 0, err, true, where);
		complain(&ig->store_trouble, time(NULL), "%s: %s; event kept for another try",
		    where, err);
		return INGEST_RETRY;
	}
	cs->r.replaced++;
	if (cs->r.have_last && ev.t < cs->r.last_t) {
		log_warn("%s: %s event at %.3f came after readings up to %.3f were stored; "
		    "recorded for review, but the use stored with them stays as it was", where,
		    meter_event_kind_name(ev.kind), ev.t, cs->r.last_t);
		return INGEST_DONE;
	}
	arm(cs, &ev, where);
	log_info("%s: %s at %.3f: counting on from %.17g%s", where, meter_event_kind_name(ev.kind),
	    ev.t, ev.new_start, cs->pend_carry > 0 ? " plus the old counter's last run" : "");
	return INGEST_DONE;
}
