/*
 * notify.h - alerts to where people read them: LINE (the Messaging API's
 * push, one a recipient), e-mail (SMTP; STARTTLS required unless smtps://)
 * and a webhook (a JSON POST), through libcurl, on a thread of their own so
 * that neither a scan nor a page ever waits for them (notify_config.h says
 * how each is set up).
 *
 * Never lose one: each event for each target is written to the outbox
 * first (a file each, in outbox_dir, fsync'd), and its file removed only
 * once the target took it. A try that fails for a reason that may pass (no
 * connection, a timeout, HTTP 5xx or 429, SMTP 4xx) is made again after
 * retry_s, then twice that, ... at most 10 minutes apart, for as long as it
 * takes, and a dashboard restarted meanwhile takes the outbox up again;
 * later events for the same recipient wait behind it, so they arrive in
 * order. One refused for good (another HTTP 4xx, SMTP 5xx) is logged and
 * moved to outbox_dir/failed. LINE gets the same X-Line-Retry-Key on every
 * try of one message, so a message LINE took whose answer was lost is not
 * shown twice.
 */
#ifndef GM_NOTIFY_H
#define GM_NOTIFY_H

#include <stddef.h>

#include "notify_config.h"

struct notify;

/* An outbox file's text (a stopped dashboard's, or anyone's) read back as
 * the reader takes it and written again as the writer would (cJSON_free
 * it); NULL when it is not one of ours. Reading what it gives gives it
 * back. For the fuzz target. */
char *notify_outbox_reread(const char *text, size_t len);

/* outbox_dir NULL or "": kept in memory only (lost with the process).
 * NULL with the reason in err. Call curl_global_init first. */
struct notify *notify_new(const struct notify_config *cfg, const char *outbox_dir,
    double retry_s, char *err, size_t errlen);
/* One event to every target: subject (a line), the text in Thai and in
 * English, every meter it affects (fault_meter_lines; the mail lists them
 * under the text; NULL: none) and the event as JSON (the webhook's body). */
void notify_event(struct notify *n, const char *subject, const char *text_th,
    const char *text_en, const char *meters, const char *json);
/* Wait up to wait_s for the outbox to empty, then stop (what is left stays
 * in the outbox for the next start). NULL-safe. */
void notify_free(struct notify *n, double wait_s);

struct notify_stats {
	unsigned long sent, retried, failed;
	size_t waiting;
};
void notify_stats(struct notify *n, struct notify_stats *st);

#endif
