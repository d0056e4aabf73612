/* printer_value.c - an SNMP varbind as a reading, and a counter's steps. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gm_err.h"
#include "printer_value.h"

#define TWO_32 4294967296.0
#define TWO_53 9007199254740992.0

static const char *type_name(u_char type)
{
	switch (type) {
	case ASN_OCTET_STR: return "an OCTET STRING";
	case ASN_NULL: return "NULL";
	case ASN_OBJECT_ID: return "an OBJECT IDENTIFIER";
	case ASN_IPADDRESS: return "an IpAddress";
	case ASN_TIMETICKS: return "TimeTicks";
	case ASN_OPAQUE: return "Opaque";
	case ASN_BIT_STR: return "a BIT STRING";
	default: return NULL;
	}
}

int printer_value_read(const netsnmp_variable_list *vb, enum reading_kind kind,
    double *ret_value, double *ret_wrap, char *why, size_t whylen)
{
	double v, wrap = 0;
	const char *name;

	switch (vb->type) {
	case SNMP_NOSUCHOBJECT:
		return gm_errf(why, whylen, GM_ERANGE, "the printer has no such object "
		    "(noSuchObject): check the profile's OID");
	case SNMP_NOSUCHINSTANCE:
		return gm_errf(why, whylen, GM_ERANGE, "the printer has no such instance "
		    "(noSuchInstance): check the profile's OID (the marker's index?)");
	case SNMP_ENDOFMIBVIEW:
		return gm_errf(why, whylen, GM_ERANGE, "the printer has nothing there "
		    "(endOfMibView)");
	case ASN_COUNTER:
		v = (double)(*vb->val.integer & 0xffffffffUL);
		wrap = TWO_32;
		break;
	case ASN_GAUGE:   /* also Unsigned32 */
		v = (double)(*vb->val.integer & 0xffffffffUL);
		break;
	case ASN_INTEGER:
		v = (double)*vb->val.integer;
		if (kind == KIND_COUNTER && v < 0)
			return gm_errf(why, whylen, GM_ERANGE, "%.0f is no count (the Printer MIB's "
			    "-1 other, -2 unknown, -3 at least one): a counter cannot be negative", v);
		break;
	case ASN_COUNTER64:
		v = (double)vb->val.counter64->high * TWO_32 + (double)vb->val.counter64->low;
		if (v > TWO_53)
			return gm_errf(why, whylen, GM_ERANGE, "Counter64 %.0f is beyond 2^53, more "
			    "than a double holds exactly", v);
		break;
	default:
		name = type_name(vb->type);
		if (name != NULL)
			return gm_errf(why, whylen, GM_ERANGE, "is %s, not a number", name);
		return gm_errf(why, whylen, GM_ERANGE, "is of ASN.1 type 0x%02x, not a number",
		    (unsigned)vb->type);
	}
	*ret_value = v;
	*ret_wrap = wrap;
	return GM_OK;
}

int printer_value_unit(const netsnmp_variable_list *vb, char *unit, char *why, size_t whylen)
{
	/* PrtMarkerCounterUnitTC, RFC 3805 */
	static const char *const names[] = { [3] = "tenThousandthsOfInches",
		[4] = "micrometers", [5] = "characters", [6] = "lines", [7] = "impressions",
		[8] = "sheets", [9] = "dotRow", [11] = "hours", [16] = "feet", [17] = "meters" };
	long u;

	if (vb->type != ASN_INTEGER) {
		char vwhy[120];
		double v, w;
		if (printer_value_read(vb, KIND_GAUGE, &v, &w, vwhy, sizeof(vwhy)) != GM_OK)
			return gm_errf(why, whylen, GM_ERANGE, "its unit: %s", vwhy);
		return gm_errf(why, whylen, GM_ERANGE, "its unit is not an INTEGER "
		    "(prtMarkerCounterUnit)");
	}
	u = *vb->val.integer;
	if (u == 7) {
		strcpy(unit, "pages");
		return GM_OK;
	}
	if (u == 8) {
		strcpy(unit, "sheets");
		return GM_OK;
	}
	return gm_errf(why, whylen, GM_ERANGE, "counts in %s (prtMarkerCounterUnit %ld), "
	    "not impressions (7) or sheets (8)",
	    u >= 0 && u < (long)(sizeof(names) / sizeof(names[0])) && names[u] ? names[u] :
	    "an unknown unit", u);
}

enum printer_step printer_value_step(struct printer_last *last, double v, double wrap)
{
	double prev = last->v;
	bool had = last->have;

	last->have = true;
	last->v = v;
	if (!had)
		return PRINTER_STEP_FIRST;
	if (v >= prev)
		return PRINTER_STEP_UP;
	/* collector/counter.c's rule: a wrap is the shorter way round */
	if (wrap > 0 && prev < wrap && wrap - prev + v < wrap / 2)
		return PRINTER_STEP_WRAP;
	return PRINTER_STEP_BACK;
}
