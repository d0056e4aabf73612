/*
 * printer_profile.h - what to ask a printer over SNMP, as data: a profile is
 * devices/<profile>.conf, as a Modbus meter's model is (devmap.h).
 *
 *   [printer]
 *   description = Any printer with the standard Printer MIB (RFC 3805)
 *   [channel pages]
 *   oid = 1.3.6.1.2.1.43.10.2.1.4.1.1       ; prtMarkerLifeCount, marker 1
 *   unit_oid = 1.3.6.1.2.1.43.10.2.1.3.1.1  ; its prtMarkerCounterUnit: 7
 *                                           ; (impressions) -> pages, 8 -> sheets
 *   [channel colour_pages]
 *   oid = 1.3.6.1.4.1.1347.42.3.1.1.1.1.2   ; a vendor's own counter
 *   unit = pages                            ; a fixed unit instead of unit_oid
 *   kind = counter                          ; counter (the default) or gauge
 *
 * An OID is numeric, dotted (a leading dot is allowed): no MIB is read, so
 * nothing depends on which MIB files a machine has. Every channel is asked
 * in one GET. Mistakes are reported as "file:line: ..." and counted.
 */
#ifndef GM_PRINTER_PROFILE_H
#define GM_PRINTER_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "confparse.h"
#include "payload.h"
#include "topic.h"

#define PRINTER_MAX_CHANNELS 16
#define PRINTER_OID_MAX 64      /* sub-identifiers; SNMP allows 128, printers use ~20 */
#define PRINTER_OID_TEXT (PRINTER_OID_MAX * 11 + 1)

struct printer_oid {
	uint32_t sub[PRINTER_OID_MAX];
	int len;                    /* 0: none */
};

struct printer_chan {
	char name[ID_MAX + 1];
	struct printer_oid oid;
	struct printer_oid unit_oid;   /* len 0: the unit is `unit` */
	char unit[UNIT_MAX + 1];
	enum reading_kind kind;        /* counter or gauge */
};

struct printer_profile {
	char name[ID_MAX + 1];
	char description[128];
	int nchannels;
	struct printer_chan channels[PRINTER_MAX_CHANNELS];
};

/* Load devices_dir/<name>.conf (name must be a valid id). Returns the
 * number of mistakes, each reported through `report`. */
int printer_profile_load(const char *devices_dir, const char *name,
    struct printer_profile *out, conf_report report, void *report_user);

/* "1.3.6.1.2.1.43.10.2.1.4.1.1" (or with a leading '.'): 2..PRINTER_OID_MAX
 * sub-identifiers of 0..4294967295, the first 0..2. GM_OK, or GM_EINVAL
 * with why (printable) filled. */
int printer_profile_oid_parse(const char *text, struct printer_oid *out, char *why,
    size_t whylen);
/* The OID back as dotted text. */
void printer_profile_oid_text(const struct printer_oid *o, char *buf, size_t len);

const struct printer_chan *printer_profile_channel(const struct printer_profile *p,
    const char *name);

#endif
