/*
 * meter_groups.h - the overview's meters as people look for them: the
 * channels of a snapshot gathered into meters (a meter's channels are
 * adjacent: rows are by site, meter, channel), each joined to its [meter]
 * section of the organisation file (org.h) and to the units it serves, and
 * the meters gathered into groups - by building, by unit, or by site -
 * with a search and filters applied. Problems first: groups and meters by
 * their worst channel (fault, stale, ok), then by name.
 *
 * Built per request from a snapshot the caller holds; all its pointers
 * are into that snapshot and the organisation, so it is freed before
 * either is given back.
 */
#ifndef GM_METER_GROUPS_H
#define GM_METER_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "green_text.h"
#include "meter_view.h"
#include "org.h"

enum group_by { GROUP_BUILDING, GROUP_UNIT, GROUP_SITE };

struct group_filter {
	enum group_by by;
	const char *q;           /* words every one of which the meter must show; NULL */
	bool problems;           /* only meters with a channel not ok */
	int unit;                /* only meters serving this unit; -1: any */
	int res;                 /* only meters measuring this resource; -1: any */
};

/* The overview's query values as given (NULL: absent): by, q, status,
 * unit, res. */
struct group_query {
	const char *by, *q, *status, *unit, *res;
};

struct ov_meter {
	const struct meter_row *row;   /* its first channel's; n of them */
	size_t first, n;               /* in the snapshot's rows */
	const struct org_meter *reg;   /* its [meter] section, or NULL */
	int units[ORG_MAX_UNITS];      /* the units it serves now */
	int nunits;
	enum chan_status worst;
	unsigned resources;            /* bit r: a channel measures resource r */
};

struct ov_group {
	char name[ORG_NAME_MAX];       /* in the page's language; "" for "not given" */
	char key[ORG_NAME_MAX];        /* what groups it (the building's Thai name, a unit
	                                  id, a site) */
	size_t *meters;                /* indexes into ov.meters, problems first */
	size_t n;
	size_t count[3];               /* meters by worst status */
	enum chan_status worst;
};

struct ov {
	struct ov_meter *meters;
	size_t nmeters, shown;         /* all, and those the filter keeps */
	size_t nchannels;
	struct ov_group *groups;
	size_t ngroups;
	enum chan_status *st;          /* each row's status, at the moment asked */
};

/* The query into f; the organisation decides the default grouping (by
 * building when it has [meter] sections, else by site). A meter measures
 * a resource when one of its channels is mapped to it now, or, unmapped,
 * is in a unit that says it alone (kWh and an electricity meter's W, kW, V,
 * A; sheets, pages, reams; not m3, L or kg, which more than one resource
 * uses). */
void meter_groups_filter(const struct org *o, const struct group_query *q,
    struct group_filter *f);
/* The groups of s at now: GM_OK, or GM_ENOMEM (nothing to free). */
int meter_groups_build(const struct meter_snap *s, const struct org *o,
    const struct group_filter *f, enum lang l, double now, struct ov *out);
void meter_groups_free(struct ov *ov);

/* The meter's name in l: its [meter] section's, else "site/meter". */
void meter_groups_name(const struct ov_meter *m, enum lang l, char *buf, size_t len);
/* Where it is in l ("อาคารรัฐสภา ชั้น B1 ห้องไฟฟ้า"), "" when not said. */
void meter_groups_place(const struct ov_meter *m, enum lang l, char *buf, size_t len);

#endif
