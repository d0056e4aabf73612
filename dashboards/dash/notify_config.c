/* notify_config.c - the [line], [mail] and [webhook] sections (notify_config.h). */
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "notify_config.h"

void notify_config_defaults(struct notify_config *n)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->line.api, "https://api.line.me");
	n->line.timeout_s = n->mail.timeout_s = n->webhook.timeout_s = 10;
}

/* "a b c" into to[] (each at most len - 1 bytes), at most NOTIFY_TO_MAX. */
static void recipients(struct conf *c, const char *key, const char *value, char *to,
    size_t len, int *nto)
{
	char buf[CONF_LINE_MAX + 1], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", value);
	*nto = 0;
	for (char *w = strtok_r(buf, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		if (*nto == NOTIFY_TO_MAX || strlen(w) >= len) {
			conf_error(c, "%s: at most %d recipients of under %zu characters each", key,
			    NOTIFY_TO_MAX, len);
			return;
		}
		strcpy(to + (size_t)(*nto)++ * len, w);
	}
}

static bool https_or_http(struct conf *c, const char *key, const char *value, char *dst,
    size_t len)
{
	if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) {
		conf_error(c, "%s = \"%s\": expected an http:// or https:// address", key, value);
		return false;
	}
	return conf_str(c, key, value, dst, len);
}

static void line_key(struct conf *c, struct notify_line *l, const char *key, const char *value)
{
	if (strcmp(key, "token_file") == 0)
		conf_secret(c, key, value, l->token, sizeof(l->token), true);
	else if (strcmp(key, "to") == 0)
		recipients(c, key, value, l->to[0], sizeof(l->to[0]), &l->nto);
	else if (strcmp(key, "api") == 0)
		https_or_http(c, key, value, l->api, sizeof(l->api));
	else if (strcmp(key, "ca_file") == 0)
		conf_str(c, key, value, l->ca_file, sizeof(l->ca_file));
	else if (strcmp(key, "timeout") == 0)
		conf_double(c, key, value, 1, 300, &l->timeout_s);
	else
		conf_error(c, "unknown key \"%s\" in [line] (token_file, to, api, ca_file, timeout)",
		    key);
}

static void mail_key(struct conf *c, struct notify_mail *m, const char *key, const char *value)
{
	if (strcmp(key, "url") == 0) {
		if (strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
			conf_error(c, "url = \"%s\": expected smtp://host:port (STARTTLS) or "
			    "smtps://host:port", value);
		else
			conf_str(c, key, value, m->url, sizeof(m->url));
	} else if (strcmp(key, "from") == 0) {
		conf_str(c, key, value, m->from, sizeof(m->from));
	} else if (strcmp(key, "to") == 0) {
		recipients(c, key, value, m->to[0], sizeof(m->to[0]), &m->nto);
	} else if (strcmp(key, "username") == 0) {
		conf_str(c, key, value, m->username, sizeof(m->username));
	} else if (strcmp(key, "password_file") == 0) {
		conf_secret(c, key, value, m->password, sizeof(m->password), true);
	} else if (strcmp(key, "ca_file") == 0) {
		conf_str(c, key, value, m->ca_file, sizeof(m->ca_file));
	} else if (strcmp(key, "timeout") == 0) {
		conf_double(c, key, value, 1, 300, &m->timeout_s);
	} else {
		conf_error(c, "unknown key \"%s\" in [mail] (url, from, to, username, "
		    "password_file, ca_file, timeout)", key);
	}
}

static void webhook_key(struct conf *c, struct notify_webhook *w, const char *key,
    const char *value)
{
	if (strcmp(key, "url") == 0)
		https_or_http(c, key, value, w->url, sizeof(w->url));
	else if (strcmp(key, "bearer_file") == 0)
		conf_secret(c, key, value, w->bearer, sizeof(w->bearer), true);
	else if (strcmp(key, "ca_file") == 0)
		conf_str(c, key, value, w->ca_file, sizeof(w->ca_file));
	else if (strcmp(key, "timeout") == 0)
		conf_double(c, key, value, 1, 300, &w->timeout_s);
	else
		conf_error(c, "unknown key \"%s\" in [webhook] (url, bearer_file, ca_file, timeout)",
		    key);
}

bool notify_config_key(struct conf *c, struct notify_config *n, const char *section,
    const char *key, const char *value)
{
	if (strcmp(section, "line") == 0) {
		n->line.on = true;
		line_key(c, &n->line, key, value);
	} else if (strcmp(section, "mail") == 0) {
		n->mail.on = true;
		mail_key(c, &n->mail, key, value);
	} else if (strcmp(section, "webhook") == 0) {
		n->webhook.on = true;
		webhook_key(c, &n->webhook, key, value);
	} else {
		return false;
	}
	return true;
}

void notify_config_quiet(struct conf *c, struct notify_config *n, const char *key,
    const char *value)
{
	int h1, m1, h2, m2, used = 0;

	if (sscanf(value, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 ||
	    value[used] != '\0' || h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 ||
	    m1 < 0 || m2 < 0) {
		conf_error(c, "%s = \"%s\": expected HH:MM-HH:MM (22:00-07:00)", key, value);
		return;
	}
	n->quiet_from = h1 * 60 + m1;
	n->quiet_to = h2 * 60 + m2;
}

double notify_quiet_until(const struct notify_config *n, double now)
{
	time_t t = (time_t)now;
	struct tm tm;
	int m, left;

	if (n->quiet_from == n->quiet_to)
		return 0;
	localtime_r(&t, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (n->quiet_from < n->quiet_to ? (m < n->quiet_from || m >= n->quiet_to) :
	    (m < n->quiet_from && m >= n->quiet_to))
		return 0;
	left = (n->quiet_to - m + 24 * 60) % (24 * 60);   /* minutes to its end */
	return floor(now / 60) * 60 + left * 60.0;
}

static int need(conf_report report, void *user, bool ok, const char *msg)
{
	if (!ok && report != NULL)
		report(user, msg);
	return !ok;
}

int notify_config_check(const struct notify_config *n, conf_report report, void *user)
{
	int e = 0;

	if (n->line.on) {
		e += need(report, user, n->line.token[0] != '\0', "[line] needs token_file");
		e += need(report, user, n->line.nto > 0, "[line] needs to (user or group ids)");
	}
	if (n->mail.on) {
		e += need(report, user, n->mail.url[0] != '\0', "[mail] needs url");
		e += need(report, user, n->mail.from[0] != '\0', "[mail] needs from");
		e += need(report, user, n->mail.nto > 0, "[mail] needs to");
		e += need(report, user, (n->mail.username[0] == '\0') == (n->mail.password[0] == '\0'),
		    "[mail] username and password_file go together");
	}
	if (n->webhook.on)
		e += need(report, user, n->webhook.url[0] != '\0', "[webhook] needs url");
	return e;
}
