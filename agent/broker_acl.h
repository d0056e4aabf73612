/*
 * broker_acl.h - what this agent must be allowed on its broker, and whether
 * it is.
 *
 * broker_acl_print writes the block of a mosquitto acl_file the agent
 * needs, from its configuration: its user name; write on
 * greenmeter/v1/<site>/<meter>/# for each of its meters (Modbus, MQTT,
 * printers), nothing wider; read on each topic its MQTT meters publish on.
 *
 * broker_acl_check asks the broker itself. It connects over MQTT 5 with a
 * clean session as "<client_id>-check-<pid>" and publishes, for each meter,
 * an empty message on greenmeter/v1/<site>/<meter> -- the wire contract's
 * access check, which the collector takes and ignores -- then reads each
 * PUBACK's reason code: over MQTT 3.1.1 a broker acknowledges a message it
 * may not pass on and drops it, so an agent publishing for a site its name
 * may not write would lose every reading without a word.
 */
#ifndef GM_BROKER_ACL_H
#define GM_BROKER_ACL_H

#include <stddef.h>
#include <stdio.h>

#include "agent_config.h"

/* GM_OK, or GM_EINVAL when the config has no [mqtt] username to name. */
int broker_acl_print(const struct agent_config *cfg, FILE *out, char *err, size_t errlen);

/* How many meters the broker would refuse (each named in a warning), or -1
 * when it could not be asked within timeout_ms (the reason in err). */
int broker_acl_check(const struct agent_config *cfg, int timeout_ms, char *err, size_t errlen);

#endif
