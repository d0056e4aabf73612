/*
 * fuzz_conf_printer.c - libFuzzer target over a printer profile,
 * devices/<profile>.conf (agent/printer_profile.c), which tells gm-agent
 * what to ask a printer over SNMP. Besides the rules of fuzz_conf.h, an
 * accepted profile keeps what the poller relies on: 1..16 channels with
 * valid, distinct ids; each an OID of 2..64 numbers, the first 0..2, that
 * reads back as written (printer_profile_oid_text, then _parse, gives the
 * same numbers); a unit of the wire contract or a unit OID of the same
 * kind, never both and never neither; kind counter or gauge.
 */
#include "fuzz_conf.h"
#include "gm_err.h"
#include "printer_profile.h"

static void check_oid(const char *ch, const struct printer_oid *o)
{
	struct printer_oid again;
	char text[PRINTER_OID_TEXT], why[200];

	if (o->len < 2 || o->len > PRINTER_OID_MAX || o->sub[0] > 2)
		fuzz_broken("channel %s: an OID of %d numbers, the first %u", ch, o->len,
		    (unsigned)o->sub[0]);
	printer_profile_oid_text(o, text, sizeof(text));
	if (printer_profile_oid_parse(text, &again, why, sizeof(why)) != GM_OK ||
	    memcmp(&again, o, sizeof(again)) != 0)
		fuzz_broken("channel %s: OID %s does not read back (%s)", ch, text, why);
}

static void check_profile(const struct printer_profile *p)
{
	if (p->nchannels < 1 || p->nchannels > PRINTER_MAX_CHANNELS)
		fuzz_broken("%d channels", p->nchannels);
	for (int i = 0; i < p->nchannels; i++) {
		const struct printer_chan *ch = &p->channels[i];
		if (!id_valid(ch->name) || (ch->kind != KIND_COUNTER && ch->kind != KIND_GAUGE))
			fuzz_broken("channel \"%s\" kind %d", ch->name, (int)ch->kind);
		check_oid(ch->name, &ch->oid);
		if ((ch->unit_oid.len > 0) == (ch->unit[0] != '\0'))
			fuzz_broken("channel %s: unit \"%s\" and a unit OID of %d numbers", ch->name,
			    ch->unit, ch->unit_oid.len);
		if (ch->unit_oid.len > 0)
			check_oid(ch->name, &ch->unit_oid);
		else if (!unit_valid(ch->unit))
			fuzz_broken("channel %s: unit \"%s\"", ch->name, ch->unit);
		for (int j = 0; j < i; j++) {
			if (strcmp(ch->name, p->channels[j].name) == 0)
				fuzz_broken("channel %s twice", ch->name);
		}
		if (printer_profile_channel(p, ch->name) != ch)
			fuzz_broken("channel %s not found by its name", ch->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	struct printer_profile p;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_printer";
	if (path == NULL)
		path = fuzz_path("fuzz.conf");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = printer_profile_load(fuzz_scratch(), "fuzz", &p, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_profile(&p);
	return 0;
}
