/*
 * test_printer_value.c - a printer's SNMP answer as a reading
 * (agent/printer_value.c): which types are numbers, the unit a
 * prtMarkerCounterUnit names, and how a counter's steps are told apart
 * (up, a Counter32 wrap, a fall). The varbinds are net-snmp's own, made
 * with its API as a response would carry them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gm_err.h"
#include "printer_value.h"

#define TWO_32 4294967296.0

static const oid some_oid[] = { 1, 3, 6, 1, 2, 1, 43, 10, 2, 1, 4, 1, 1 };

/* A varbind of type and value, as net-snmp builds one; free with snmp_free_varbind. */
static netsnmp_variable_list *vb_new(u_char type, const void *value, size_t len)
{
	netsnmp_variable_list *vb = NULL;

	assert_non_null(snmp_varlist_add_variable(&vb, some_oid, sizeof(some_oid) / sizeof(oid),
	    type, value, len));
	return vb;
}

static netsnmp_variable_list *vb_long(u_char type, long v)
{
	return vb_new(type, &v, sizeof(v));
}

/* GM_OK and the value, or GM_ERANGE and why. */
static int read_as(netsnmp_variable_list *vb, enum reading_kind kind, double *v, double *wrap,
    char *why)
{
	int rc = printer_value_read(vb, kind, v, wrap, why, 200);

	snmp_free_varbind(vb);
	return rc;
}

static void test_numbers(void **state)
{
	struct counter64 c64 = { .high = 1, .low = 5 };
	double v = -1, wrap = -1;
	char why[200];

	(void)state;
	assert_int_equal(read_as(vb_long(ASN_COUNTER, 123456), KIND_COUNTER, &v, &wrap, why), GM_OK);
	assert_true(v == 123456 && wrap == TWO_32);
	assert_int_equal(read_as(vb_long(ASN_COUNTER, 4294967295L), KIND_COUNTER, &v, &wrap, why),
	    GM_OK);
	assert_true(v == 4294967295.0);
	assert_int_equal(read_as(vb_long(ASN_GAUGE, 77), KIND_GAUGE, &v, &wrap, why), GM_OK);
	assert_true(v == 77 && wrap == 0);
	assert_int_equal(read_as(vb_long(ASN_INTEGER, 9), KIND_COUNTER, &v, &wrap, why), GM_OK);
	assert_true(v == 9 && wrap == 0);
	/* a gauge may be below zero (a temperature); a count may not */
	assert_int_equal(read_as(vb_long(ASN_INTEGER, -2), KIND_GAUGE, &v, &wrap, why), GM_OK);
	assert_true(v == -2);
	assert_int_equal(read_as(vb_new(ASN_COUNTER64, &c64, sizeof(c64)), KIND_COUNTER, &v, &wrap,
	    why), GM_OK);
	assert_true(v == TWO_32 + 5 && wrap == 0);
}

static void test_refused(void **state)
{
	struct counter64 huge = { .high = 0x200001, .low = 0 };
	const u_char ip[4] = { 10, 0, 0, 1 };
	double v = 42, wrap = 42;
	char why[200];

	(void)state;
	assert_int_equal(read_as(vb_long(ASN_INTEGER, -2), KIND_COUNTER, &v, &wrap, why), GM_ERANGE);
	assert_string_equal(why, "-2 is no count (the Printer MIB's -1 other, -2 unknown, -3 at "
	    "least one): a counter cannot be negative");
	assert_int_equal(read_as(vb_new(ASN_COUNTER64, &huge, sizeof(huge)), KIND_COUNTER, &v,
	    &wrap, why), GM_ERANGE);
	assert_string_equal(why, "Counter64 9007203549708288 is beyond 2^53, more than a double "
	    "holds exactly");
	assert_int_equal(read_as(vb_new(SNMP_NOSUCHOBJECT, NULL, 0), KIND_COUNTER, &v, &wrap, why),
	    GM_ERANGE);
	assert_string_equal(why, "the printer has no such object (noSuchObject): check the "
	    "profile's OID");
	assert_int_equal(read_as(vb_new(SNMP_NOSUCHINSTANCE, NULL, 0), KIND_COUNTER, &v, &wrap,
	    why), GM_ERANGE);
	assert_string_equal(why, "the printer has no such instance (noSuchInstance): check the "
	    "profile's OID (the marker's index?)");
	assert_int_equal(read_as(vb_new(SNMP_ENDOFMIBVIEW, NULL, 0), KIND_COUNTER, &v, &wrap, why),
	    GM_ERANGE);
	assert_string_equal(why, "the printer has nothing there (endOfMibView)");
	assert_int_equal(read_as(vb_new(ASN_OCTET_STR, "1234", 4), KIND_COUNTER, &v, &wrap, why),
	    GM_ERANGE);
	assert_string_equal(why, "is an OCTET STRING, not a number");
	assert_int_equal(read_as(vb_long(ASN_TIMETICKS, 5), KIND_COUNTER, &v, &wrap, why),
	    GM_ERANGE);
	assert_string_equal(why, "is TimeTicks, not a number");
	assert_int_equal(read_as(vb_new(ASN_IPADDRESS, ip, 4), KIND_GAUGE, &v, &wrap, why),
	    GM_ERANGE);
	assert_string_equal(why, "is an IpAddress, not a number");
	assert_int_equal(read_as(vb_new(ASN_NULL, NULL, 0), KIND_GAUGE, &v, &wrap, why), GM_ERANGE);
	assert_string_equal(why, "is NULL, not a number");
	/* nothing refused was written out */
	assert_true(v == 42 && wrap == 42);
}

static int unit_of(netsnmp_variable_list *vb, char *unit, char *why)
{
	int rc = printer_value_unit(vb, unit, why, 200);

	snmp_free_varbind(vb);
	return rc;
}

static void test_units(void **state)
{
	char unit[UNIT_MAX + 1] = "", why[200];

	(void)state;
	assert_int_equal(unit_of(vb_long(ASN_INTEGER, 7), unit, why), GM_OK);
	assert_string_equal(unit, "pages");
	assert_int_equal(unit_of(vb_long(ASN_INTEGER, 8), unit, why), GM_OK);
	assert_string_equal(unit, "sheets");
	assert_int_equal(unit_of(vb_long(ASN_INTEGER, 3), unit, why), GM_ERANGE);
	assert_string_equal(why, "counts in tenThousandthsOfInches (prtMarkerCounterUnit 3), not "
	    "impressions (7) or sheets (8)");
	assert_int_equal(unit_of(vb_long(ASN_INTEGER, 10), unit, why), GM_ERANGE);
	assert_string_equal(why, "counts in an unknown unit (prtMarkerCounterUnit 10), not "
	    "impressions (7) or sheets (8)");
	assert_int_equal(unit_of(vb_long(ASN_INTEGER, -1), unit, why), GM_ERANGE);
	assert_int_equal(unit_of(vb_long(ASN_GAUGE, 7), unit, why), GM_ERANGE);
	assert_string_equal(why, "its unit is not an INTEGER (prtMarkerCounterUnit)");
	assert_int_equal(unit_of(vb_new(SNMP_NOSUCHINSTANCE, NULL, 0), unit, why), GM_ERANGE);
	assert_string_equal(why, "its unit: the printer has no such instance (noSuchInstance): "
	    "check the profile's OID (the marker's index?)");
	assert_string_equal(unit, "sheets");   /* untouched by a refusal */
}

static void test_steps(void **state)
{
	struct printer_last last = { 0 };

	(void)state;
	assert_int_equal(printer_value_step(&last, 70000, TWO_32), PRINTER_STEP_FIRST);
	assert_int_equal(printer_value_step(&last, 70000, TWO_32), PRINTER_STEP_UP);
	assert_int_equal(printer_value_step(&last, 70003, TWO_32), PRINTER_STEP_UP);
	/* the printer reset: a fall, published, and the next counts from it */
	assert_int_equal(printer_value_step(&last, 26, TWO_32), PRINTER_STEP_BACK);
	assert_int_equal(printer_value_step(&last, 30, TWO_32), PRINTER_STEP_UP);
	/* a Counter32 past 2^32: the shorter way round is a wrap */
	last.v = 4294967290.0;
	assert_int_equal(printer_value_step(&last, 10, TWO_32), PRINTER_STEP_WRAP);
	/* ... but not a fall by more than half the range */
	last.v = 3e9;
	assert_int_equal(printer_value_step(&last, 1e9, TWO_32), PRINTER_STEP_BACK);
	/* without a modulus any fall is one */
	last.v = 4294967290.0;
	assert_int_equal(printer_value_step(&last, 10, 0), PRINTER_STEP_BACK);
	assert_true(last.v == 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
