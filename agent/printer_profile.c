/* printer_profile.c - load a printer profile, devices/<profile>.conf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gm_err.h"
#include "printer_profile.h"

struct profile_parse {
	struct printer_profile *p;
	struct printer_chan *cur;   /* the channel whose keys are being read */
	int cur_line;               /* its [channel] header */
	bool have_unit, have_unit_oid, have_oid;
	int printer_line;           /* the [printer] header, 0: none */
};

int printer_profile_oid_parse(const char *text, struct printer_oid *out, char *why,
    size_t whylen)
{
	const char *s = text;

	memset(out, 0, sizeof(*out));
	if (*s == '.')
		s++;
	for (;;) {
		unsigned long long v = 0;
		const char *start = s;
		while (*s >= '0' && *s <= '9' && s - start < 11)
			v = v * 10 + (unsigned long long)(*s++ - '0');
		if (s == start || (*s >= '0' && *s <= '9') || v > UINT32_MAX)
			return gm_errf(why, whylen, GM_EINVAL, "expected a numeric OID such as "
			    "1.3.6.1.2.1.43.10.2.1.4.1.1 (each number 0..4294967295)");
		if (s - start > 1 && *start == '0')
			return gm_errf(why, whylen, GM_EINVAL, "a number with a leading zero");
		if (out->len == PRINTER_OID_MAX)
			return gm_errf(why, whylen, GM_EINVAL, "more than %d numbers", PRINTER_OID_MAX);
		out->sub[out->len++] = (uint32_t)v;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return gm_errf(why, whylen, GM_EINVAL, "expected a numeric OID such as "
			    "1.3.6.1.2.1.43.10.2.1.4.1.1 (each number 0..4294967295)");
	}
	if (out->len < 2 || out->sub[0] > 2)
		return gm_errf(why, whylen, GM_EINVAL, "an OID has 2 numbers or more, the first "
		    "0, 1 or 2");
	return GM_OK;
}

void printer_profile_oid_text(const struct printer_oid *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < o->len && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, i ? ".%u" : "%u", (unsigned)o->sub[i]);
}

const struct printer_chan *printer_profile_channel(const struct printer_profile *p,
    const char *name)
{
	for (int i = 0; i < p->nchannels; i++) {
		if (strcmp(p->channels[i].name, name) == 0)
			return &p->channels[i];
	}
	return NULL;
}

static void oid_key(struct conf *c, const char *key, const char *value, struct printer_oid *o)
{
	char why[160];

	if (printer_profile_oid_parse(value, o, why, sizeof(why)) != GM_OK) {
		conf_error(c, "%s = \"%s\": %s", key, value, why);
		memset(o, 0, sizeof(*o));
	}
}

/* Check the channel just read: what it lacks is reported at its header. */
static void finish_channel(struct conf *c, struct profile_parse *pp)
{
	struct printer_chan *ch = pp->cur;

	if (ch == NULL)
		return;
	if (!pp->have_oid)
		conf_error_at(c, pp->cur_line, "[channel %s]: \"oid\" is required", ch->name);
	if (pp->have_unit == pp->have_unit_oid)
		conf_error_at(c, pp->cur_line, "[channel %s]: give either \"unit\" or \"unit_oid\"",
		    ch->name);
	pp->cur = NULL;
}

static void start_channel(struct conf *c, struct profile_parse *pp, const char *name)
{
	struct printer_profile *p = pp->p;

	pp->cur_line = c->section_line;
	if (!id_valid(name)) {
		conf_error_at(c, c->section_line, "[channel %s]: channel ids are 1-64 characters "
		    "[a-z0-9_-]", name);
		return;
	}
	if (p->nchannels == PRINTER_MAX_CHANNELS) {
		conf_error_at(c, c->section_line, "[channel %s]: more than %d channels", name,
		    PRINTER_MAX_CHANNELS);
		return;
	}
	pp->cur = &p->channels[p->nchannels++];
	memset(pp->cur, 0, sizeof(*pp->cur));
	strcpy(pp->cur->name, name);
	pp->cur->kind = KIND_COUNTER;
	pp->have_unit = pp->have_unit_oid = pp->have_oid = false;
}

static void channel_key(struct conf *c, struct profile_parse *pp, const char *key,
    const char *value)
{
	struct printer_chan *ch = pp->cur;

	if (strcmp(key, "oid") == 0) {
		oid_key(c, key, value, &ch->oid);
		pp->have_oid = true;
	} else if (strcmp(key, "unit_oid") == 0) {
		oid_key(c, key, value, &ch->unit_oid);
		pp->have_unit_oid = true;
	} else if (strcmp(key, "unit") == 0) {
		conf_unit(c, key, value, ch->unit);
		pp->have_unit = true;
	} else if (strcmp(key, "kind") == 0) {
		if (conf_kind(c, key, value, &ch->kind) && ch->kind == KIND_DELTA) {
			conf_error(c, "kind = delta: a printer's counters are counters (or gauges)");
			ch->kind = KIND_COUNTER;
		}
	} else {
		conf_error(c, "unknown key \"%s\" in [channel %s]", key, ch->name);
	}
}

static void profile_handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	struct profile_parse *pp = c->user;
	char type[32], name[128];

	if (pp->cur != NULL && pp->cur_line != c->section_line)
		finish_channel(c, pp);
	if (!conf_section_split(section, type, sizeof(type), name, sizeof(name))) {
		conf_error(c, "bad section [%s]", section);
	} else if (strcmp(type, "printer") == 0 && name[0] == '\0') {
		pp->printer_line = c->section_line;
		if (strcmp(key, "description") == 0)
			conf_str(c, key, value, pp->p->description, sizeof(pp->p->description));
		else
			conf_error(c, "unknown key \"%s\" in [printer]", key);
	} else if (strcmp(type, "channel") == 0) {
		if (pp->cur_line != c->section_line)
			start_channel(c, pp, name);
		if (pp->cur != NULL)
			channel_key(c, pp, key, value);
	} else {
		conf_error(c, "unknown section [%s] (expected [printer] or [channel <id>])", section);
	}
}

int printer_profile_load(const char *devices_dir, const char *name,
    struct printer_profile *out, conf_report report, void *report_user)
{
	struct profile_parse pp = { .p = out, .cur_line = -1 };
	struct conf c = { .report = report, .report_user = report_user };
	char path[4096];
	int errors;

	memset(out, 0, sizeof(*out));
	if (!id_valid(name)) {
		snprintf(path, sizeof(path), "profile \"%s\" is not a valid id", name);
		if (report)
			report(report_user, path);
		return 1;
	}
	strcpy(out->name, name);
	snprintf(path, sizeof(path), "%s/%s.conf", devices_dir, name);
	c.path = path;
	errors = conf_parse(path, profile_handler, &pp, report, report_user);
	finish_channel(&c, &pp);
	errors += c.errors;
	if (errors == 0 && out->nchannels == 0) {
		conf_error_at(&c, 0, "no [channel] sections");
		errors++;
	}
	return errors;
}
