/*
 * fuzz_conf_devmap.c - libFuzzer target over a meter model file,
 * devices/<model>.conf (common/devmap.c), which gm-agent decodes with and
 * gm-sim encodes with. Besides the rules of fuzz_conf.h, an accepted model
 * keeps what both rely on: 1..32 channels with valid, distinct ids;
 * function 3 or 4; registers that end by address 0xffff; a valid unit and
 * kind; scale finite and not 0, offset and sim_scale finite; max_gap
 * 0..120. And a value encoded into a channel's registers decodes to a
 * value that encodes to the same registers (gm-sim and gm-agent agree),
 * for integer and float32 registers and a scale and offset of sane size
 * (1e-6 .. 1e6, |offset| <= 1e6) and a raw count within 2^53: outside that,
 * or in float64, dividing by the scale again may move the last bit.
 */
#include <math.h>

#include "devmap.h"
#include "fuzz_conf.h"

static void check_roundtrip(const struct channel_def *ch)
{
	uint16_t a[4] = { 0 }, b[4] = { 0 };
	double v, s = fabs(ch->scale);

	if (ch->type == REG_FLOAT64 || s < 1e-6 || s > 1e6 || fabs(ch->offset) > 1e6)
		return;
	/* 12.5 in the channel's unit: into registers, out, and in again */
	devmap_encode(ch, 12.5, a);
	v = devmap_value(ch, a);
	/* a raw count past 2^53 (12.5 below an unsigned register's zero wraps
	 * to near 2^64) is no exact double: the agent refuses to read one */
	if (fabs((v - ch->offset) / ch->scale) > 9007199254740992.0)
		return;
	devmap_encode(ch, v, b);
	if (memcmp(a, b, sizeof(a)) != 0)
		fuzz_broken("channel %s: registers %04x %04x %04x %04x read %.17g, written back "
		    "%04x %04x %04x %04x", ch->name, a[0], a[1], a[2], a[3], v, b[0], b[1], b[2],
		    b[3]);
}

static void check_model(const struct device_model *m)
{
	if (m->nchannels < 1 || m->nchannels > DEVMAP_MAX_CHANNELS || m->max_gap < 0 ||
	    m->max_gap > 120)
		fuzz_broken("%d channels, max_gap %d", m->nchannels, m->max_gap);
	for (int i = 0; i < m->nchannels; i++) {
		const struct channel_def *ch = &m->channels[i];
		if (!id_valid(ch->name) || (ch->function != 3 && ch->function != 4) ||
		    ch->address + registers_words(ch->type) > 65536 || !unit_valid(ch->unit) ||
		    (unsigned)ch->kind > KIND_DELTA)
			fuzz_broken("channel \"%s\": function %d address %u unit \"%s\"", ch->name,
			    ch->function, ch->address, ch->unit);
		if (!isfinite(ch->scale) || ch->scale == 0 || !isfinite(ch->offset) ||
		    !isfinite(ch->sim_scale))
			fuzz_broken("channel %s: scale %g offset %g sim_scale %g", ch->name,
			    ch->scale, ch->offset, ch->sim_scale);
		for (int j = 0; j < i; j++) {
			if (strcmp(ch->name, m->channels[j].name) == 0)
				fuzz_broken("channel %s twice", ch->name);
		}
		if (devmap_channel(m, ch->name) != ch)
			fuzz_broken("channel %s not found by its name", ch->name);
		check_roundtrip(ch);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	struct device_model m;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_devmap";
	if (path == NULL)
		path = fuzz_path("fuzz.conf");
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = devmap_load(fuzz_scratch(), "fuzz", &m, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_model(&m);
	return 0;
}
