/*
 * meter_events.h - announced replacements and resets of a counter
 * (common/meter_event.h), as the collector applies them.
 *
 * An event at time te arms the channel: the first reading after te counts
 * from the event's new_start instead of the reading before it, plus, when
 * the old counter's final reading is given, what the old counter ran from
 * the last reading to old_final. So consumption across a replacement is
 * exact. The event is written to the channel's events journal first, which
 * is also how an armed channel survives a restart of the collector
 * (meter_events_rearm). An event older than the readings already stored is
 * recorded but changes nothing (logged: the use stored with those readings
 * was decided without it). The same event delivered twice counts once.
 */
#ifndef GM_METER_EVENTS_H
#define GM_METER_EVENTS_H

#include <stddef.h>

#include "ingest.h"
#include "registry.h"
#include "topic.h"

/* One message on a channel's event topic. */
enum ingest_result meter_events_take(struct ingest *ig, const struct chan_id *id,
    const void *payload, size_t len, const char *where);

/* After the channel's last reading was loaded: arm it again from the
 * journal if an announced event came after that reading. */
/* GM_OK; GM_EIO, logged; GM_EDAMAGED with why in err (the journal is not a file). */
int meter_events_rearm(struct ingest *ig, struct chan_state *cs, char *err, size_t errlen);

#endif
