/*
 * printer_conf.h - printers read over SNMP, configured in gm-agent's file:
 *
 *   [printer mfp-2f]              ; the id is the meter id in every topic
 *   profile = printer-mib         ; devices/<profile>.conf (printer_profile.h);
 *                                 ; printer-mib, the standard Printer MIB, is the default
 *   host = 10.20.3.41             ; host or host:port (161 if absent)
 *   version = 2c                  ; 2c (the default) or 3
 *   community = public            ; 2c: the community, or
 *   community_file = /etc/greenmeter/mfp.community   ; its first line (owner-only file)
 *   user = greenmeter             ; 3: the USM user, security level authPriv
 *   auth_protocol = SHA-256       ; SHA, SHA-224, SHA-256, SHA-384 or SHA-512
 *   auth_pass_file = /etc/greenmeter/mfp.auth   ; or auth_pass = ... (8 characters or more)
 *   priv_protocol = AES           ; AES (AES-128, RFC 3826), the default
 *   priv_pass_file = /etc/greenmeter/mfp.priv   ; or priv_pass = ...
 *   interval = 300                ; seconds between polls (0.1 .. 86400; default 300)
 *   timeout = 1                   ; seconds one attempt may take (default 1)
 *   retries = 1                   ; further attempts after no answer (0..10; default 1)
 *
 * A secret read from a file must be a plain file others cannot read. Every
 * mistake is reported as file:line through the conf (confparse.h).
 */
#ifndef GM_PRINTER_CONF_H
#define GM_PRINTER_CONF_H

#include <stdbool.h>

#include "confparse.h"
#include "printer_profile.h"
#include "topic.h"

#define PRINTER_SECRET_MAX 128

enum printer_version { PRINTER_V2C, PRINTER_V3 };
enum printer_auth { PRINTER_AUTH_NONE, PRINTER_AUTH_SHA, PRINTER_AUTH_SHA224,
	PRINTER_AUTH_SHA256, PRINTER_AUTH_SHA384, PRINTER_AUTH_SHA512 };

struct printer {
	char id[ID_MAX + 1];
	char host[256];
	int port;
	char name[300];                 /* "host:port", for logs */
	enum printer_version version;
	char community[PRINTER_SECRET_MAX];
	char user[64];
	enum printer_auth auth;
	char auth_pass[PRINTER_SECRET_MAX];
	char priv_pass[PRINTER_SECRET_MAX];
	char profile_name[ID_MAX + 1];
	const struct printer_profile *profile;   /* set by agent_config_load */
	int interval_ms, timeout_ms, retries;
	int line;                       /* its [printer] header */
	int profile_line;               /* where profile = was set; 0: the default */
	/* which keys were given, for the checks after the file */
	bool has_host, has_community, has_user, has_auth, has_auth_pass, has_priv_pass;
	int v2_line, v3_line;           /* the first key of each version's set, 0: none */
};

/* A fresh [printer <id>] at the conf's section line, with the defaults. */
void printer_conf_init(struct printer *p, const char *id, int line);
/* One key of its section (`interval`, which every meter has, is agent_config.c's). */
void printer_conf_key(struct conf *c, struct printer *p, const char *key, const char *value);
/* After the file: what is missing or does not go together, at the header. */
void printer_conf_check(struct conf *c, struct printer *p);
/* The protocol's name as written ("SHA-256"). */
const char *printer_conf_auth_name(enum printer_auth a);

#endif
