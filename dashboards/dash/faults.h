/*
 * faults.h - one alert per fault: the meters that are not ok, folded into
 * what broke, held until it is over, and remembered across restarts.
 *
 * Each scan judges every meter (its worst channel: fault, stale, ok) and
 * names what is wrong at the largest scope that explains it:
 *   collector  the collector's status file is not being written (or read):
 *              every channel looks stale because nothing is stored;
 *   site       every meter of a site is down (two or more): its agent is
 *              not publishing;
 *   gateway    every meter read through one gateway or bus ([meter]
 *              gateway = ..., two or more) is down;
 *   meter      one meter, for what is wrong with it alone.
 * A candidate becomes a fault (an "opened" event) once it has lasted its
 * settle time - its meters' longest reading interval plus two scans, at
 * least `settle_s` - so the meters of a dead gateway, which go stale over
 * one poll cycle, make one gateway fault rather than a meter fault each.
 * An open fault covers its meters: nothing new is raised for them until it
 * is over, which is when all of them are ok again (or gone): a "resolved"
 * event. A fault opened over meters that open meter faults hold takes them
 * over (they end without an event). While a fault lasts, a "reminder"
 * every remind_s (0: none).
 *
 * The open faults are kept in a state file (JSON, replaced whole on every
 * change): a restarted dashboard knows what it has already said, so a
 * fault still there raises nothing new, and one that ended meanwhile is
 * resolved. A state file that cannot be read is logged and set aside,
 * never fatal.
 */
#ifndef GM_FAULTS_H
#define GM_FAULTS_H

#include <stddef.h>

#include "meter_view.h"
#include "org.h"

enum fault_scope { FAULT_COLLECTOR, FAULT_SITE, FAULT_GATEWAY, FAULT_METER };
enum fault_event_kind { FE_OPENED, FE_REMINDER, FE_RESOLVED };

#define FAULT_KEY_MAX 160
#define METER_NAME_MAX (2 * (ID_MAX + 1))   /* "site/meter" */

struct fault {
	enum fault_scope scope;
	char key[FAULT_KEY_MAX];      /* "collector", "site:hq", "gateway:gw-4", "meter:hq/fast" */
	char what[FAULT_KEY_MAX];     /* the site, gateway or "site/meter" alone; "" for the collector */
	char channel[ID_MAX + 1];     /* a meter's fault of one channel: that channel; else "" */
	enum chan_status status;      /* stale or fault: the worst of its meters when opened */
	double since, alerted;        /* opened; the last event sent for it */
	char (*meters)[METER_NAME_MAX];   /* "site/meter", sorted */
	size_t nmeters;
};

struct fault_event {
	enum fault_event_kind kind;
	const struct fault *f;
	/* a meter's fault of one channel (its channel): that channel's row in
	 * the snapshot, for the per-channel fields; else NULL */
	const struct meter_row *row;
};

typedef void (*fault_fn)(void *user, const struct fault_event *e);

struct faults;

/* state_path NULL or "": nothing remembered across restarts. NULL when out
 * of memory. */
struct faults *faults_new(const char *state_path, double settle_s, double remind_s);
void faults_free(struct faults *fs);   /* NULL-safe */

/* Judge snapshot s at now (scan_s: the scan period); fn for each event.
 * Returns the number of events. */
int faults_scan(struct faults *fs, const struct meter_snap *s, const struct org *o, double now,
    double scan_s, fault_fn fn, void *user);

/* How many faults are open. */
size_t faults_open(const struct faults *fs);

const char *fault_scope_name(enum fault_scope s);   /* "collector", "site", ... */
const char *fault_event_name(enum fault_event_kind k);   /* "opened", "reminder", "resolved" */

#endif
