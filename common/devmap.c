/* devmap.c - load a meter model's register map from devices/<model>.conf. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "devmap.h"
#include "gm_err.h"
#include "scale.h"

struct devmap_parse {
	struct device_model *m;
	struct channel_def *cur;   /* NULL outside a [channel] section */
	int cur_line;
	int section_line;          /* header line of the section being read */
	struct {
		bool address, type, unit, kind, function, sim;
	} have;
};

static void finish_channel(struct conf *c, struct devmap_parse *p)
{
	struct channel_def *ch = p->cur;
	int line = c->line;

	if (ch == NULL)
		return;
	c->line = p->cur_line;
	if (!p->have.address)
		conf_error(c, "channel %s: \"address\" is required", ch->name);
	if (!p->have.type)
		conf_error(c, "channel %s: \"type\" is required", ch->name);
	if (!p->have.unit)
		conf_error(c, "channel %s: \"unit\" is required", ch->name);
	if (!p->have.kind)
		conf_error(c, "channel %s: \"kind\" is required", ch->name);
	if (!p->have.function)
		conf_error(c, "channel %s: \"function\" is required", ch->name);
	if (p->have.address && p->have.type &&
	    ch->address + registers_words(ch->type) > 65536)
		conf_error(c, "channel %s: registers run past address 0xffff", ch->name);
	if (!p->have.sim)
		ch->sim = ch->kind == KIND_GAUGE ? SIM_RATE : SIM_COUNTER;
	c->line = line;
	p->cur = NULL;
}

/* At the first key of a [channel] section; errors go to its header line.
 * A section given twice never gets here: confparse refuses it. */
static void start_channel(struct conf *c, struct devmap_parse *p, const char *name)
{
	struct device_model *m = p->m;
	struct channel_def *ch;

	if (!id_valid(name)) {
		conf_error(c, "[channel %s]: channel ids are 1-64 characters [a-z0-9_-]", name);
		return;
	}
	if (m->nchannels == DEVMAP_MAX_CHANNELS) {
		conf_error(c, "more than %d channels", DEVMAP_MAX_CHANNELS);
		return;
	}
	ch = &m->channels[m->nchannels++];
	memset(ch, 0, sizeof(*ch));
	strcpy(ch->name, name);
	ch->scale = 1;
	ch->sim_scale = 1;
	ch->order = ORDER_ABCD;
	memset(&p->have, 0, sizeof(p->have));
	p->cur = ch;
	p->cur_line = c->line;
}

static void channel_key(struct conf *c, struct channel_def *ch, struct devmap_parse *p,
    const char *key, const char *value)
{
	long l;

	if (strcmp(key, "function") == 0) {
		if (conf_long(c, key, value, 3, 4, &l))
			ch->function = (int)l;
		p->have.function = true;
	} else if (strcmp(key, "address") == 0) {
		if (conf_long(c, key, value, 0, 65535, &l))
			ch->address = (uint16_t)l;
		p->have.address = true;
	} else if (strcmp(key, "type") == 0) {
		if (registers_type_parse(value, &ch->type) != GM_OK)
			conf_error(c, "type = \"%s\": expected int16, uint16, int32, uint32, "
			    "int64, uint64, float32 or float64", value);
		p->have.type = true;
	} else if (strcmp(key, "order") == 0) {
		if (registers_order_parse(value, &ch->order) != GM_OK)
			conf_error(c, "order = \"%s\": expected abcd, cdab, badc or dcba", value);
	} else if (strcmp(key, "unit") == 0) {
		conf_unit(c, key, value, ch->unit);
		p->have.unit = true;
	} else if (strcmp(key, "kind") == 0) {
		conf_kind(c, key, value, &ch->kind);
		p->have.kind = true;
	} else if (strcmp(key, "scale") == 0) {
		conf_double(c, key, value, -1e12, 1e12, &ch->scale);
		if (ch->scale == 0)
			conf_error(c, "scale = 0: a scale of zero hides every reading");
	} else if (strcmp(key, "offset") == 0) {
		conf_double(c, key, value, -1e12, 1e12, &ch->offset);
	} else if (strcmp(key, "sim") == 0) {
		if (strcmp(value, "counter") == 0)
			ch->sim = SIM_COUNTER;
		else if (strcmp(value, "rate") == 0)
			ch->sim = SIM_RATE;
		else if (strcmp(value, "constant") == 0)
			ch->sim = SIM_CONSTANT;
		else
			conf_error(c, "sim = \"%s\": expected counter, rate or constant", value);
		p->have.sim = true;
	} else if (strcmp(key, "sim_scale") == 0) {
		conf_double(c, key, value, -1e12, 1e12, &ch->sim_scale);
	} else {
		conf_error(c, "unknown key \"%s\" in [channel %s]", key, ch->name);
	}
}

static void devmap_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct devmap_parse *p = c->user;
	char type[16], name[128];

	/* The first key of a section ends the channel before it; inih does not
	 * tell us about a section without keys, so [channel x] twice in a row
	 * looks like one section unless we go by the header's line. */
	bool first = c->section_line != p->section_line;

	if (first) {
		finish_channel(c, p);
		p->section_line = c->section_line;
	}
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name))) {
		conf_error(c, "bad section [%s]", section);
		return;
	}
	if (strcmp(type, "model") == 0 && name[0] == '\0') {
		if (strcmp(key, "description") == 0)
			conf_str(c, key, value, p->m->description, sizeof(p->m->description));
		else if (strcmp(key, "max_gap") == 0) {
			long l;
			if (conf_long(c, key, value, 0, 120, &l))
				p->m->max_gap = (int)l;
		} else
			conf_error(c, "unknown key \"%s\" in [model]", key);
		return;
	}
	if (strcmp(type, "channel") == 0) {
		if (first) {  /* reported once, at the [channel] line */
			int line = c->line;
			c->line = c->section_line;
			start_channel(c, p, name);
			c->line = line;
		}
		if (p->cur != NULL)
			channel_key(c, p->cur, p, key, value);
		return;
	}
	conf_error(c, "unknown section [%s] (expected [model] or [channel <id>])", section);
}

int devmap_load(const char *devices_dir, const char *model, struct device_model *out,
    conf_report report, void *report_user)
{
	struct devmap_parse p = { .m = out, .section_line = -1 };
	char path[4096];
	int errors;

	memset(out, 0, sizeof(*out));
	if (!id_valid(model)) {
		snprintf(path, sizeof(path), "model \"%s\" is not a valid id", model);
		if (report)
			report(report_user, path);
		return 1;
	}
	strcpy(out->name, model);
	snprintf(path, sizeof(path), "%s/%s.conf", devices_dir, model);
	errors = conf_parse(path, devmap_handler, &p, report, report_user);
	if (p.cur != NULL) {
		struct conf c = { .path = path, .report = report, .report_user = report_user };
		finish_channel(&c, &p);
		errors += c.errors;
	}
	if (errors == 0 && out->nchannels == 0) {
		snprintf(path, sizeof(path), "%s/%s.conf: no [channel] sections",
		    devices_dir, model);
		if (report)
			report(report_user, path);
		errors++;
	}
	return errors;
}

const struct channel_def *devmap_channel(const struct device_model *m, const char *name)
{
	for (int i = 0; i < m->nchannels; i++) {
		if (strcmp(m->channels[i].name, name) == 0)
			return &m->channels[i];
	}
	return NULL;
}

double devmap_value(const struct channel_def *ch, const uint16_t *regs)
{
	return scale_apply(scale_times(ch->scale), registers_decode(regs, ch->type, ch->order)) +
	    ch->offset;
}

int devmap_read(const struct channel_def *ch, const uint16_t *regs, double *ret_value,
    char *why, size_t whylen)
{
	double v;

	if (registers_check(regs, ch->type, ch->order, why, whylen) != GM_OK)
		return GM_ERANGE;
	v = devmap_value(ch, regs);
	if (!isfinite(v))
		return gm_errf(why, whylen, GM_ERANGE, "%.17g x scale %.17g + offset %.17g "
		    "is not a finite number", registers_decode(regs, ch->type, ch->order),
		        ch->scale,
		    ch->offset);
	if (ch->kind == KIND_COUNTER && v < 0)
		return gm_errf(why, whylen, GM_ERANGE, "a counter cannot be negative (%.17g)", v);
	*ret_value = v;
	return GM_OK;
}

void devmap_encode(const struct channel_def *ch, double value, uint16_t *regs)
{
	registers_encode(scale_undo(scale_times(ch->scale), value - ch->offset), ch->type,
	    ch->order,
	    regs);
}

double devmap_wrap(const struct channel_def *ch)
{
	return fabs(scale_apply(scale_times(ch->scale), registers_modulus(ch->type)));
}
