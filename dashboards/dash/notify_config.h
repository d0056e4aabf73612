/*
 * notify_config.h - where alerts go besides the hooks: the [line], [mail]
 * and [webhook] sections of gm-dashboard's configuration (docs/dashboard.md).
 *
 *   [line]                      ; the LINE Messaging API: a push per recipient
 *   token_file = /etc/greenmeter/line.token   ; the channel access token; the
 *                                             ; file must be 0600 (or stricter)
 *   to = Uxxxxxxxx Cxxxxxxxx    ; user and group ids, by spaces (at most 8)
 *   api = https://api.line.me   ; the default; a test points it elsewhere
 *   ca_file = ...               ; a CA to trust besides the system's
 *   [mail]                      ; SMTP: STARTTLS is required unless smtps://
 *   url = smtp://mail.example.go.th:587
 *   from = greenmeter@example.go.th
 *   to = facilities@example.go.th another@example.go.th
 *   username = greenmeter       ; optional, with password_file (0600)
 *   password_file = /etc/greenmeter/mail.pw
 *   ca_file = ...
 *   [webhook]                   ; a JSON POST of each event
 *   url = https://intranet.example/hooks/greenmeter
 *   bearer_file = ...           ; optional: "Authorization: Bearer <first line>" (0600)
 *   ca_file = ...
 *   timeout = 10                ; in each section: seconds a try may take
 * and in [dashboard]: alert_quiet = 22:00-07:00 (people's channels wait)
 */
#ifndef GM_NOTIFY_CONFIG_H
#define GM_NOTIFY_CONFIG_H

#include <stdbool.h>

#include "confparse.h"

#define NOTIFY_TO_MAX 8

struct notify_line {
	bool on;
	char token[512];
	char to[NOTIFY_TO_MAX][64];
	int nto;
	char api[512];
	char ca_file[1024];
	double timeout_s;
};

struct notify_mail {
	bool on;
	char url[512], from[256];
	char to[NOTIFY_TO_MAX][256];
	int nto;
	char username[256], password[256];
	char ca_file[1024];
	double timeout_s;
};

struct notify_webhook {
	bool on;
	char url[512], bearer[512];
	char ca_file[1024];
	double timeout_s;
};

struct notify_config {
	struct notify_line line;
	struct notify_mail mail;
	struct notify_webhook webhook;
	int quiet_from, quiet_to;   /* minutes after local midnight; equal: never quiet */
};

void notify_config_defaults(struct notify_config *n);
/* A key of [line], [mail] or [webhook]: true when section is one of them. */
bool notify_config_key(struct conf *c, struct notify_config *n, const char *section,
    const char *key, const char *value);
/* "HH:MM-HH:MM" (alert_quiet in [dashboard]) into n: while it lasts, LINE
 * and mail hold what they would send (people sleep; the webhook, the
 * command and MQTT are machines and go on). Across midnight when the end is
 * before the start. Mistakes reported through c. */
void notify_config_quiet(struct conf *c, struct notify_config *n, const char *key,
    const char *value);
/* When the quiet hours that hold at now (unix) end, or 0 when they do not. */
double notify_quiet_until(const struct notify_config *n, double now);

/* What only the whole section can tell ([line] without token or to ...):
 * the number of mistakes, each given to report. */
int notify_config_check(const struct notify_config *n, conf_report report, void *user);

#endif
