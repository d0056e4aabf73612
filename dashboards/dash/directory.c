/* directory.c - a simple bind against LDAP (directory.h). */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <ldap.h>

#include "directory.h"
#include "gm_err.h"

void directory_config_defaults(struct directory_config *c)
{
	memset(c, 0, sizeof(*c));
	c->starttls = true;
	c->timeout_s = 5;
}

void directory_config_key(struct conf *c, struct directory_config *d, const char *key,
    const char *value)
{
	d->on = true;
	if (strcmp(key, "uri") == 0) {
		if (strncmp(value, "ldap://", 7) != 0 && strncmp(value, "ldaps://", 8) != 0)
			conf_error(c, "uri: \"%s\" is not an ldap:// or ldaps:// address", value);
		else
			conf_str(c, key, value, d->uri, sizeof(d->uri));
	} else if (strcmp(key, "user_dn") == 0) {
		const char *p = strstr(value, "%s");

		if (p == NULL || strstr(p + 2, "%") != NULL || strchr(value, '%') != p)
			conf_error(c, "user_dn: \"%s\" needs one %%s (the sign-in name) and no other %%",
			    value);
		else
			conf_str(c, key, value, d->user_dn, sizeof(d->user_dn));
	} else if (strcmp(key, "starttls") == 0)
		conf_bool(c, key, value, &d->starttls);
	else if (strcmp(key, "ca_file") == 0)
		conf_str(c, key, value, d->ca_file, sizeof(d->ca_file));
	else if (strcmp(key, "timeout") == 0)
		conf_double(c, key, value, 0.5, 60, &d->timeout_s);
	else
		conf_error(c, "unknown key \"%s\" in [ldap] (uri, user_dn, starttls, ca_file, timeout)",
		    key);
}

int directory_config_check(const struct directory_config *d, conf_report report, void *user)
{
	if (!d->on || (d->uri[0] != '\0' && d->user_dn[0] != '\0'))
		return 0;
	if (report != NULL)
		report(user, "[ldap] needs uri and user_dn");
	return 1;
}

static int fail(LDAP *ld, int rc, const char *what, char *err, size_t errlen)
{
	gm_errf(err, errlen, GM_EIO, "directory: %s: %s", what, ldap_err2string(rc));
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return GM_EIO;
}

/* A connection set up to bind: protocol 3, the timeouts, the CA, TLS. */
static int connect_to(const struct directory_config *d, LDAP **out, char *err, size_t errlen)
{
	struct timeval tv = { (time_t)d->timeout_s, (suseconds_t)((d->timeout_s -
	    (double)(time_t)d->timeout_s) * 1e6) };
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0, rc;
	LDAP *ld = NULL;

	if ((rc = ldap_initialize(&ld, d->uri)) != LDAP_SUCCESS)
		return fail(NULL, rc, d->uri, err, errlen);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
	if (d->ca_file[0] != '\0')
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, d->ca_file);
	ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);   /* the options above take effect */
	if (d->starttls && strncmp(d->uri, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS)
		return fail(ld, rc, "STARTTLS", err, errlen);
	*out = ld;
	return GM_OK;
}

int directory_bind(const struct directory_config *d, const char *name, const char *password,
    char *err, size_t errlen)
{
	char dn[1100];
	struct berval cred;
	LDAP *ld;
	int rc;

	if (password[0] == '\0' || strpbrk(name, ",+\"\\\\<>;=#") != NULL)
		return gm_errf(err, errlen, GM_EPERM, "directory: no password, or not a name");
	snprintf(dn, sizeof(dn), d->user_dn, name);
	if (connect_to(d, &ld, err, errlen) != GM_OK)
		return GM_EIO;
	cred.bv_val = (char *)password;
	cred.bv_len = strlen(password);
	rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		return GM_OK;
	if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INVALID_DN_SYNTAX ||
	    rc == LDAP_NO_SUCH_OBJECT || rc == LDAP_UNWILLING_TO_PERFORM)
		return gm_errf(err, errlen, GM_EPERM, "directory: %s", ldap_err2string(rc));
	return gm_errf(err, errlen, GM_EIO, "directory: %s", ldap_err2string(rc));
}
