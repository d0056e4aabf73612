/*
 * topic.h - the ids and MQTT topics of the wire contract (v1).
 *
 * Topic of a reading: greenmeter/v1/<site>/<meter>/<channel>
 * Topic of an event:  greenmeter/v1/<site>/<meter>/<channel>/event
 * Every id matches [a-z0-9][a-z0-9_-]{0,63}. Only ids that passed
 * id_valid() may become part of a file path; this is the one place that
 * decides, shared by agent, collector, reports and gm-sim.
 */
#ifndef GM_TOPIC_H
#define GM_TOPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

#define ID_MAX 64
#define TOPIC_PREFIX "greenmeter/v1/"
#define TOPIC_MAX (sizeof(TOPIC_PREFIX) + 3 * (ID_MAX + 1) + sizeof("/event"))

/* A meter channel: the unit everything is stored, counted and reported by. */
struct chan_id {
	char site[ID_MAX + 1];
	char meter[ID_MAX + 1];
	char channel[ID_MAX + 1];
};

enum topic_kind { TOPIC_READING, TOPIC_EVENT };

bool id_valid(const char *id);

/* Copy a valid id into dst (ID_MAX + 1 bytes); GM_EINVAL with a reason naming
 * `what` ("site", "meter" ...) otherwise. */
int id_copy(char *dst, const char *id, const char *what, char *err, size_t errlen);

/* "site/meter" (a meter's name across the organisation file, the alerts and
 * their state) into its two ids, each at most ID_MAX: true, or false
 * (neither touched) when it is not two such parts. Not validated. */
bool chan_id_split_meter(const char *site_meter, char site[ID_MAX + 1], char meter[ID_MAX + 1]);

int chan_id_set(struct chan_id *c, const char *site, const char *meter,
    const char *channel, char *err, size_t errlen);

/* Writes the topic into buf (at least TOPIC_MAX bytes). */
void topic_build(char *buf, size_t len, const struct chan_id *c, enum topic_kind kind);

/* Parse and validate a topic; GM_EINVAL with the reason in err otherwise. */
int topic_parse(const char *topic, struct chan_id *out, enum topic_kind *kind,
    char *err, size_t errlen);

/* Whether topic is greenmeter/v1/<site>/<meter>, two valid ids and no
 * more: with an empty payload, an agent's access check (gm-agent --check,
 * docs/wire-contract.md), which a collector takes and ignores. */
bool topic_is_access_check(const char *topic);

/* "site/meter/channel", for log messages and file names. */
void chan_id_str(const struct chan_id *c, char *buf, size_t len);
/* Order (site, meter, channel), sameness and a hash of ids, by name: the
 * bytes after an id's NUL are not looked at. */
int chan_id_cmp(const struct chan_id *a, const struct chan_id *b);
bool chan_id_eq(const struct chan_id *a, const struct chan_id *b);
uint64_t chan_id_hash(const struct chan_id *id);
/* The same two, for a table keyed by channel (hmap.h). */
extern const struct hmap_keys chan_id_keys;
/* And back: len bytes of "site/meter/channel" into c, each id checked;
 * GM_EINVAL with the reason otherwise. */
int chan_id_parse(const char *s, size_t len, struct chan_id *c, char *err, size_t errlen);

#endif
