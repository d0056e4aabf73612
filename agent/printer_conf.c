/* printer_conf.c - the keys of a [printer <id>] section. */
#include <stdio.h>
#include <string.h>

#include "printer_conf.h"

#define PASS_MIN 8   /* RFC 3414: a USM passphrase has 8 characters or more */

static const char *const auth_names[] = {
	[PRINTER_AUTH_NONE] = "none", [PRINTER_AUTH_SHA] = "SHA",
	[PRINTER_AUTH_SHA224] = "SHA-224", [PRINTER_AUTH_SHA256] = "SHA-256",
	[PRINTER_AUTH_SHA384] = "SHA-384", [PRINTER_AUTH_SHA512] = "SHA-512",
};

const char *printer_conf_auth_name(enum printer_auth a)
{
	return auth_names[a];
}

void printer_conf_init(struct printer *p, const char *id, int line)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	strcpy(p->profile_name, "printer-mib");
	p->port = 161;
	p->version = PRINTER_V2C;
	p->interval_ms = 300000;
	p->timeout_ms = 1000;
	p->retries = 1;
	p->line = line;
}

/* A passphrase given inline or from a file: at least PASS_MIN characters. */
static void pass_key(struct conf *c, const char *key, const char *value, bool from_file,
    char *dst, size_t len)
{
	bool ok = from_file ? conf_secret(c, key, value, dst, len, true) :
	    conf_str(c, key, value, dst, len);

	if (ok && strlen(dst) < PASS_MIN) {
		conf_error(c, "%s: a passphrase has %d characters or more (RFC 3414)", key, PASS_MIN);
		dst[0] = '\0';
	}
}

static void mark(struct conf *c, int *line)
{
	if (*line == 0)
		*line = c->line;
}

static bool v3_key(struct conf *c, struct printer *p, const char *key, const char *value)
{
	if (strcmp(key, "user") == 0) {
		conf_str(c, key, value, p->user, sizeof(p->user));
		p->has_user = true;
	} else if (strcmp(key, "auth_protocol") == 0) {
		p->auth = PRINTER_AUTH_NONE;
		p->has_auth = true;
		for (int a = PRINTER_AUTH_SHA; a <= PRINTER_AUTH_SHA512; a++) {
			if (strcmp(value, auth_names[a]) == 0)
				p->auth = (enum printer_auth)a;
		}
		if (p->auth == PRINTER_AUTH_NONE)
			conf_error(c, "auth_protocol = \"%s\": expected SHA, SHA-224, SHA-256, "
			    "SHA-384 or SHA-512", value);
	} else if (strcmp(key, "auth_pass") == 0 || strcmp(key, "auth_pass_file") == 0) {
		pass_key(c, key, value, key[9] == '_', p->auth_pass, sizeof(p->auth_pass));
		p->has_auth_pass = true;
	} else if (strcmp(key, "priv_protocol") == 0) {
		if (strcmp(value, "AES") != 0 && strcmp(value, "AES-128") != 0)
			conf_error(c, "priv_protocol = \"%s\": expected AES (AES-128)", value);
	} else if (strcmp(key, "priv_pass") == 0 || strcmp(key, "priv_pass_file") == 0) {
		pass_key(c, key, value, key[9] == '_', p->priv_pass, sizeof(p->priv_pass));
		p->has_priv_pass = true;
	} else {
		return false;
	}
	mark(c, &p->v3_line);
	return true;
}

void printer_conf_key(struct conf *c, struct printer *p, const char *key, const char *value)
{
	double d;
	long l;

	if (strcmp(key, "profile") == 0) {
		conf_id(c, key, value, p->profile_name);
		p->profile_line = c->line;
	} else if (strcmp(key, "host") == 0) {
		conf_hostport(c, key, value, p->host, sizeof(p->host), &p->port, 161);
		p->has_host = true;
	} else if (strcmp(key, "version") == 0) {
		if (strcmp(value, "2c") == 0)
			p->version = PRINTER_V2C;
		else if (strcmp(value, "3") == 0)
			p->version = PRINTER_V3;
		else
			conf_error(c, "version = \"%s\": expected 2c or 3", value);
	} else if (strcmp(key, "community") == 0) {
		conf_str(c, key, value, p->community, sizeof(p->community));
		p->has_community = true;
		mark(c, &p->v2_line);
	} else if (strcmp(key, "community_file") == 0) {
		conf_secret(c, key, value, p->community, sizeof(p->community), true);
		p->has_community = true;
		mark(c, &p->v2_line);
	} else if (v3_key(c, p, key, value)) {
		;
	} else if (strcmp(key, "timeout") == 0) {
		if (conf_double(c, key, value, 0.01, 60, &d))
			p->timeout_ms = (int)(d * 1000 + 0.5);
	} else if (strcmp(key, "retries") == 0) {
		if (conf_long(c, key, value, 0, 10, &l))
			p->retries = (int)l;
	} else {
		conf_error(c, "unknown key \"%s\" in [printer %s]", key, p->id);
	}
}

/* A key the version needs, missing (one given but refused was reported
 * where it was given). */
static void need(struct conf *c, const struct printer *p, bool given, const char *what)
{
	if (!given)
		conf_error_at(c, p->line, "[printer %s]: version %s needs %s", p->id,
		    p->version == PRINTER_V3 ? "3 (security level authPriv)" : "2c", what);
}

void printer_conf_check(struct conf *c, struct printer *p)
{
	const char *id = p->id;

	if (!p->has_host)
		conf_error_at(c, p->line, "[printer %s]: \"host\" is required", id);
	snprintf(p->name, sizeof(p->name), strchr(p->host, ':') ? "[%s]:%d" : "%s:%d", p->host,
	    p->port);
	if (p->version == PRINTER_V2C) {
		if (p->v3_line)
			conf_error_at(c, p->v3_line, "[printer %s]: user, auth_* and priv_* are for "
			    "version = 3", id);
		need(c, p, p->has_community, "\"community\" (or community_file)");
	} else {
		if (p->v2_line)
			conf_error_at(c, p->v2_line, "[printer %s]: community is for version = 2c", id);
		need(c, p, p->has_user, "\"user\"");
		need(c, p, p->has_auth, "\"auth_protocol\"");
		need(c, p, p->has_auth_pass, "\"auth_pass\" (or auth_pass_file)");
		need(c, p, p->has_priv_pass, "\"priv_pass\" (or priv_pass_file)");
	}
	if ((long)p->timeout_ms * (p->retries + 1) >= p->interval_ms)
		conf_error_at(c, p->line, "[printer %s]: timeout x (retries + 1) must be shorter "
		    "than interval", id);
}
