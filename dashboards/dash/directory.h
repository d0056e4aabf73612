/*
 * directory.h - signing in against the office's directory (LDAP, or
 * Active Directory over LDAP) through OpenLDAP's libldap: a simple bind as
 * the person, with their password, and nothing kept. An account made with
 * `--add-user NAME --directory` has no password of its own and signs in
 * this way; its role and units are still the dashboard's (accounts.h), and
 * wrong passwords lock it the same.
 *
 *   [ldap]
 *   uri = ldaps://dc1.senate.go.th       ; or ldap://... with starttls
 *   user_dn = uid=%s,ou=people,dc=senate,dc=go,dc=th   ; %s: the sign-in name
 *                                        ; (AD: %s@senate.go.th)
 *   starttls = yes        ; on an ldap:// address: refuse to bind in clear
 *   ca_file = /etc/greenmeter/directory-ca.pem   ; the directory's CA
 *   timeout = 5           ; seconds a bind may take
 *
 * An empty password is refused before the directory is asked: a simple
 * bind with none is an anonymous bind, which a directory accepts.
 */
#ifndef GM_DIRECTORY_H
#define GM_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "confparse.h"

struct directory_config {
	bool on;
	char uri[512];
	char user_dn[512];
	bool starttls;
	char ca_file[1024];
	double timeout_s;
};

void directory_config_defaults(struct directory_config *c);
void directory_config_key(struct conf *c, struct directory_config *d, const char *key,
    const char *value);
/* Missing keys, said through report: the number of mistakes. */
int directory_config_check(const struct directory_config *d, conf_report report, void *user);

/* Bind as name with password: GM_OK; GM_EPERM (the directory says no, or
 * the password is empty); GM_EIO (it cannot be reached, or TLS failed)
 * with the reason in err. */
int directory_bind(const struct directory_config *d, const char *name, const char *password,
    char *err, size_t errlen);

#endif
