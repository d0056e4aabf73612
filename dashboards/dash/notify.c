/* notify.c - alerts to LINE, e-mail and a webhook, from an outbox (notify.h). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "fileio.h"
#include "gm_err.h"
#include "log.h"
#include "notify.h"
#include "timeutil.h"

#define RETRY_MAX_S 600
#define LINE_TEXT_MAX 4900      /* LINE takes 5,000 characters a text message */
#define OUTBOX_ITEM_MAX (1 << 20)

enum target { T_LINE, T_MAIL, T_WEBHOOK };
static const char *const target_name[] = { "line", "mail", "webhook" };

/* One message for one target (and, for LINE, one recipient). */
struct item {
	char file[64];              /* its name in the outbox; "" in memory only */
	enum target target;
	char to[256];               /* LINE: the recipient; else "" (all of the section's) */
	char key[40];               /* a UUID: LINE's retry key, the mail's Message-ID */
	char *subject, *text, *json;
	int tries;
	double next;                /* not before (wall clock) */
	struct item *nextp;
};

struct notify {
	struct notify_config cfg;
	char dir[4096];
	double retry_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item *head, *tail;
	unsigned seq;
	bool stop, busy;
	struct notify_stats st;
};

/* ---- items and the outbox -------------------------------------------------- */

static void item_free(struct item *it)
{
	if (it == NULL)
		return;
	free(it->subject);
	free(it->text);
	free(it->json);
	free(it);
}

static void uuid(char *buf, size_t len)
{
	unsigned char b[16] = { 0 };

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		uint64_t t = (uint64_t)mono_ms() ^ (uint64_t)getpid() << 32;

		memcpy(b, &t, sizeof(t));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
}

static void outbox_path(const struct notify *n, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", n->dir, name);
}

/* The item as its outbox file holds it (cJSON_free it); NULL: out of memory. */
static char *item_text(const struct item *it)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(o, "target", target_name[it->target]);
	cJSON_AddStringToObject(o, "to", it->to);
	cJSON_AddStringToObject(o, "key", it->key);
	cJSON_AddStringToObject(o, "subject", it->subject ? it->subject : "");
	cJSON_AddStringToObject(o, "text", it->text ? it->text : "");
	cJSON_AddStringToObject(o, "json", it->json ? it->json : "");
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* Written (fsync'd) before it is queued: GM_OK, or why not in the log. */
static int outbox_write(struct notify *n, struct item *it)
{
	char path[4200], err[4400], *text = item_text(it);
	int rc;

	if (text == NULL)
		return GM_ENOMEM;
	/* names sort in the order they were made: the order they go in */
	snprintf(it->file, sizeof(it->file), "%013.0f-%06u-%s.json", now_wall() * 1000,
	    n->seq++ % 1000000, target_name[it->target]);
	outbox_path(n, it->file, path, sizeof(path));
	rc = fileio_replace(path, text, strlen(text), 0600, true, err, sizeof(err));
	cJSON_free(text);
	if (rc != GM_OK) {
		log_err("alert outbox: %s; the alert goes from memory only", err);
		it->file[0] = '\0';
	}
	return rc;
}

static void outbox_done(struct notify *n, const struct item *it, bool failed)
{
	char path[4200], to[4300];

	if (it->file[0] == '\0')
		return;
	outbox_path(n, it->file, path, sizeof(path));
	if (failed) {
		snprintf(to, sizeof(to), "%s/failed/%s", n->dir, it->file);
		if (rename(path, to) == 0)
			return;
	}
	unlink(path);
}

static void enqueue(struct notify *n, struct item *it)
{
	it->nextp = NULL;
	if (n->tail != NULL)
		n->tail->nextp = it;
	else
		n->head = it;
	n->tail = it;
	n->st.waiting++;
}

static char *json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

/* A retry key as we make them (uuid): it goes into a request header, so
 * anything else read back is replaced. */
static bool key_ok(const char *k)
{
	size_t n = strlen(k);

	return n == 36 && strspn(k, "0123456789abcdef-") == n;
}

/* An outbox file's text back into an item; NULL when it is not one of ours. */
static struct item *item_of_text(const char *text, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(text, len);
	struct item *it = calloc(1, sizeof(*it));
	char *t = o != NULL ? json_str(o, "target") : NULL;
	int k;

	bool named = t != NULL;

	for (k = 0; named && k < 3 && strcmp(t, target_name[k]) != 0; k++)
		;
	free(t);
	if (it == NULL || !named || k == 3) {
		cJSON_Delete(o);
		free(it);
		return NULL;
	}
	it->target = (enum target)k;
	t = json_str(o, "to");
	snprintf(it->to, sizeof(it->to), "%s", t ? t : "");
	free(t);
	t = json_str(o, "key");
	snprintf(it->key, sizeof(it->key), "%s", t ? t : "");
	free(t);
	if (!key_ok(it->key))
		uuid(it->key, sizeof(it->key));
	it->subject = json_str(o, "subject");
	it->text = json_str(o, "text");
	it->json = json_str(o, "json");
	cJSON_Delete(o);
	return it;
}

char *notify_outbox_reread(const char *text, size_t len)
{
	struct item *it = item_of_text(text, len);
	char *s = it != NULL ? item_text(it) : NULL;

	item_free(it);
	return s;
}

/* An outbox file back into an item; NULL (and the file moved to failed/,
 * logged) when it is not one. */
static struct item *outbox_read(struct notify *n, const char *name)
{
	char path[4200], to[4300], err[256], *text = NULL;
	size_t len;
	struct item *it = NULL;

	outbox_path(n, name, path, sizeof(path));
	if (fileio_read_regular(path, OUTBOX_ITEM_MAX, &text, &len, err, sizeof(err)) == GM_OK &&
	    (it = item_of_text(text, len)) != NULL &&
	    snprintf(it->file, sizeof(it->file), "%s", name) >= (int)sizeof(it->file)) {
		item_free(it);
		it = NULL;
	}
	free(text);
	if (it != NULL)
		return it;
	log_warn("alert outbox: %s is not an alert of ours; moved to failed/", path);
	snprintf(to, sizeof(to), "%s/failed/%s", n->dir, name);
	rename(path, to);
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a stopped dashboard left, in order, before anything new. */
static void outbox_load(struct notify *n)
{
	DIR *d = opendir(n->dir);
	struct dirent *e;
	char **names = NULL;
	size_t cnt = 0, cap = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char **v;

		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 || e->d_name[0] == '.')
			continue;
		if (cnt == cap) {
			size_t want = cap ? 2 * cap : 16;

			if ((v = realloc(names, want * sizeof(*v))) == NULL)
				break;   /* the rest wait for the next start */
			names = v;
			cap = want;
		}
		if ((names[cnt] = strdup(e->d_name)) != NULL)
			cnt++;
	}
	closedir(d);
	if (cnt > 0)
		qsort(names, cnt, sizeof(*names), name_cmp);
	for (size_t i = 0; i < cnt; i++) {
		struct item *it = outbox_read(n, names[i]);

		if (it != NULL)
			enqueue(n, it);
		free(names[i]);
	}
	free(names);
	if (n->st.waiting > 0)
		log_info("alert outbox: %zu alert(s) left from before, sending them", n->st.waiting);
}

/* ---- sending ------------------------------------------------------------------- */

enum outcome { SENT, RETRY, REFUSED };

struct body {
	const char *p;
	size_t left;
};

static size_t read_body(char *buf, size_t size, size_t nmemb, void *user)
{
	struct body *b = user;
	size_t n = size * nmemb < b->left ? size * nmemb : b->left;

	memcpy(buf, b->p, n);
	b->p += n;
	b->left -= n;
	return n;
}

static size_t discard(char *buf, size_t size, size_t nmemb, void *user)
{
	(void)buf;
	(void)user;
	return size * nmemb;
}

static void common_opts(CURL *c, const char *ca_file, double timeout_s)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_s * 1000));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_s * 1000));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
	if (ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
}

/* An HTTP answer: 2xx taken; 429 and 5xx (and no answer) may pass; the
 * rest will not. LINE answers 409 to a retry key it has seen: taken. */
static enum outcome http_outcome(CURL *c, CURLcode rc, const struct item *it, char *why,
    size_t len)
{
	long code = 0;

	if (rc != CURLE_OK) {
		snprintf(why, len, "%s", curl_easy_strerror(rc));
		return RETRY;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	snprintf(why, len, "HTTP %ld", code);
	if ((code >= 200 && code < 300) || (it->target == T_LINE && code == 409))
		return SENT;
	return code == 429 || code >= 500 ? RETRY : REFUSED;
}

static enum outcome post_json(const struct item *it, const char *url, const char *body,
    const char *bearer, const char *ca_file, double timeout_s, char *why, size_t len)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[600], retry[80];
	enum outcome out;
	CURLcode rc;

	if (c == NULL) {
		snprintf(why, len, "out of memory");
		return RETRY;
	}
	h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
	if (bearer[0] != '\0') {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
	}
	if (it->target == T_LINE) {
		snprintf(retry, sizeof(retry), "X-Line-Retry-Key: %s", it->key);
		h = curl_slist_append(h, retry);
	}
	common_opts(c, ca_file, timeout_s);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = curl_easy_perform(c);
	out = http_outcome(c, rc, it, why, len);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return out;
}

/* At most max bytes of s, not cut inside a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

static enum outcome send_line(const struct notify *n, const struct item *it, char *why,
    size_t len)
{
	cJSON *o = cJSON_CreateObject(), *msgs = cJSON_AddArrayToObject(o, "messages");
	cJSON *m = cJSON_CreateObject();
	const char *text = it->text ? it->text : "";
	char url[600], *cut = strndup(text, utf8_cut(text, LINE_TEXT_MAX)), *body;
	enum outcome out;

	cJSON_AddStringToObject(o, "to", it->to);
	cJSON_AddStringToObject(m, "type", "text");
	cJSON_AddStringToObject(m, "text", cut ? cut : "");
	cJSON_AddItemToArray(msgs, m);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	free(cut);
	if (body == NULL) {
		snprintf(why, len, "out of memory");
		return RETRY;
	}
	snprintf(url, sizeof(url), "%s/v2/bot/message/push", n->cfg.line.api);
	out = post_json(it, url, body, n->cfg.line.token, n->cfg.line.ca_file,
	    n->cfg.line.timeout_s, why, len);
	cJSON_free(body);
	return out;
}

static enum outcome send_webhook(const struct notify *n, const struct item *it, char *why,
    size_t len)
{
	return post_json(it, n->cfg.webhook.url, it->json ? it->json : "{}", n->cfg.webhook.bearer,
	    n->cfg.webhook.ca_file, n->cfg.webhook.timeout_s, why, len);
}

static void base64(FILE *f, const unsigned char *p, size_t n, bool wrap)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0, col = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);

		fputc(a[v >> 18 & 63], f);
		fputc(a[v >> 12 & 63], f);
		fputc(i + 1 < n ? a[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? a[v & 63] : '=', f);
		if (wrap && (col += 4) >= 76 && i + 3 < n) {
			fputs("\r\n", f);
			col = 0;
		}
	}
}

/* The message as RFC 5322 has it: the subject as a UTF-8 encoded word,
 * the body (Thai, then English) in base64. */
static char *mail_message(const struct notify *n, const struct item *it, size_t *len)
{
	char *buf = NULL, date[64];
	FILE *f = open_memstream(&buf, len);
	time_t now = time(NULL);
	struct tm tm;
	const char *text = it->text ? it->text : "";

	if (f == NULL)
		return NULL;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	fprintf(f, "Date: %s\r\nFrom: %s\r\nTo: ", date, n->cfg.mail.from);
	for (int i = 0; i < n->cfg.mail.nto; i++)
		fprintf(f, "%s%s", i ? ", " : "", n->cfg.mail.to[i]);
	fprintf(f, "\r\nMessage-ID: <%s@greenmeter>\r\nSubject: =?UTF-8?B?", it->key);
	base64(f, (const unsigned char *)(it->subject ? it->subject : ""),
	    strlen(it->subject ? it->subject : ""), false);
	fputs("?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", f);
	base64(f, (const unsigned char *)text, strlen(text), true);
	fputs("\r\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum outcome send_mail(const struct notify *n, const struct item *it, char *why,
    size_t len)
{
	const struct notify_mail *m = &n->cfg.mail;
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char from[300];
	size_t mlen = 0;
	char *msg = mail_message(n, it, &mlen);
	struct body b = { msg, mlen };
	long code = 0;
	CURLcode rc;

	if (c == NULL || msg == NULL) {
		snprintf(why, len, "out of memory");
		curl_easy_cleanup(c);
		free(msg);
		return RETRY;
	}
	snprintf(from, sizeof(from), "<%s>", m->from);
	for (int i = 0; i < m->nto; i++) {
		char to[300];

		snprintf(to, sizeof(to), "<%s>", m->to[i]);
		rcpt = curl_slist_append(rcpt, to);
	}
	common_opts(c, m->ca_file, m->timeout_s);
	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);   /* STARTTLS or nothing */
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(c, CURLOPT_READDATA, &b);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	if (m->username[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	snprintf(why, len, "%s (SMTP %ld)", curl_easy_strerror(rc), code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(msg);
	if (rc == CURLE_OK)
		return SENT;
	return code >= 500 || rc == CURLE_LOGIN_DENIED ? REFUSED : RETRY;
}

static enum outcome send_item(const struct notify *n, const struct item *it, char *why,
    size_t len)
{
	switch (it->target) {
	case T_LINE: return send_line(n, it, why, len);
	case T_MAIL: return send_mail(n, it, why, len);
	case T_WEBHOOK: return send_webhook(n, it, why, len);
	}
	return REFUSED;
}

/* ---- the thread ------------------------------------------------------------------ */

/* The first item due whose recipient has nothing older waiting: an outage
 * holds its own queue back, in order, and no other. */
static struct item *due(struct notify *n, double now, double *wake)
{
	double quiet = notify_quiet_until(&n->cfg, now);

	for (struct item *it = n->head; it != NULL; it = it->nextp) {
		bool behind = false;

		if (quiet > 0 && it->target != T_WEBHOOK) {   /* people sleep */
			*wake = fmin(*wake, quiet);
			continue;
		}

		for (struct item *o = n->head; o != it && !behind; o = o->nextp)
			behind = o->target == it->target && strcmp(o->to, it->to) == 0;
		if (behind)
			continue;
		if (it->next <= now)
			return it;
		*wake = fmin(*wake, it->next);
	}
	return NULL;
}

static void unlink_item(struct notify *n, struct item *it)
{
	struct item **pp = &n->head, *prev = NULL;

	while (*pp != NULL && *pp != it) {
		prev = *pp;
		pp = &(*pp)->nextp;
	}
	if (*pp == NULL)
		return;
	*pp = it->nextp;
	if (n->tail == it)
		n->tail = prev;
	n->st.waiting--;
}

static void wait_until(struct notify *n, double wake)
{
	struct timespec ts;
	double w = fmin(wake, now_wall() + 1);

	ts.tv_sec = (time_t)w;
	ts.tv_nsec = (long)((w - floor(w)) * 1e9);
	pthread_cond_timedwait(&n->cond, &n->lock, &ts);
}

static void *notify_main(void *arg)
{
	struct notify *n = arg;

	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		double wake = INFINITY;
		struct item *it = due(n, now_wall(), &wake);
		char why[300];
		enum outcome out;

		if (it == NULL) {
			wait_until(n, wake);
			continue;
		}
		n->busy = true;
		pthread_mutex_unlock(&n->lock);
		out = send_item(n, it, why, sizeof(why));
		pthread_mutex_lock(&n->lock);
		n->busy = false;
		if (out == RETRY) {
			double wait = fmin(n->retry_s * pow(2, it->tries), RETRY_MAX_S);

			it->tries++;
			it->next = now_wall() + wait;
			n->st.retried++;
			log_warn("alert to %s%s%s: %s; again in %.0f s", target_name[it->target],
			    it->to[0] ? " " : "", it->to, why, wait);
			continue;
		}
		unlink_item(n, it);
		outbox_done(n, it, out == REFUSED);
		if (out == REFUSED) {
			n->st.failed++;
			log_err("alert to %s%s%s refused for good: %s (kept in %s/failed)",
			    target_name[it->target], it->to[0] ? " " : "", it->to, why, n->dir);
		} else {
			n->st.sent++;
		}
		item_free(it);
		pthread_cond_broadcast(&n->cond);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

/* ---- the interface ---------------------------------------------------------------- */

struct notify *notify_new(const struct notify_config *cfg, const char *outbox_dir,
    double retry_s, char *err, size_t errlen)
{
	struct notify *n = calloc(1, sizeof(*n));
	char failed[4200];

	if (n == NULL) {
		gm_errf(err, errlen, GM_ENOMEM, "out of memory");
		return NULL;
	}
	n->cfg = *cfg;
	n->retry_s = retry_s > 0 ? retry_s : 10;
	snprintf(n->dir, sizeof(n->dir), "%s", outbox_dir ? outbox_dir : "");
	if (n->dir[0] != '\0') {
		snprintf(failed, sizeof(failed), "%s/failed", n->dir);
		if ((mkdir(n->dir, 0700) != 0 && errno != EEXIST) ||
		    (mkdir(failed, 0700) != 0 && errno != EEXIST)) {
			gm_errf(err, errlen, GM_EIO, "alert outbox %s: %s", n->dir, strerror(errno));
			free(n);
			return NULL;
		}
		outbox_load(n);
	}
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	if (pthread_create(&n->thread, NULL, notify_main, n) != 0) {
		gm_errf(err, errlen, GM_ENOMEM, "cannot start the notification thread");
		for (struct item *it = n->head, *next; it != NULL; it = next) {
			next = it->nextp;
			item_free(it);
		}
		free(n);
		return NULL;
	}
	return n;
}

static void add(struct notify *n, enum target t, const char *to, const char *subject,
    const char *text, const char *json)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it == NULL || (subject && !(it->subject = strdup(subject))) ||
	    (text && !(it->text = strdup(text))) || (json && !(it->json = strdup(json)))) {
		log_err("alert to %s: out of memory; not sent", target_name[t]);
		item_free(it);
		return;
	}
	it->target = t;
	snprintf(it->to, sizeof(it->to), "%s", to);
	uuid(it->key, sizeof(it->key));
	if (n->dir[0] != '\0')
		outbox_write(n, it);
	pthread_mutex_lock(&n->lock);
	enqueue(n, it);
	pthread_cond_broadcast(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

void notify_event(struct notify *n, const char *subject, const char *text_th,
    const char *text_en, const char *meters, const char *json)
{
	char *both = NULL;
	size_t len = 0;
	FILE *f;

	for (int i = 0; n->cfg.line.on && i < n->cfg.line.nto; i++)
		add(n, T_LINE, n->cfg.line.to[i], subject, text_th, NULL);
	if (n->cfg.mail.on && (f = open_memstream(&both, &len)) != NULL) {
		fprintf(f, "%s\r\n\r\n%s\r\n", text_th, text_en);
		if (meters != NULL)
			fprintf(f, "\r\nมิเตอร์ที่ได้รับผลกระทบ / Meters affected:\r\n%s", meters);
		if (fclose(f) == 0)
			add(n, T_MAIL, "", subject, both, NULL);
		free(both);
	}
	if (n->cfg.webhook.on)
		add(n, T_WEBHOOK, "", subject, NULL, json);
}

void notify_stats(struct notify *n, struct notify_stats *st)
{
	pthread_mutex_lock(&n->lock);
	*st = n->st;
	pthread_mutex_unlock(&n->lock);
}

void notify_free(struct notify *n, double wait_s)
{
	int64_t deadline;

	if (n == NULL)
		return;
	deadline = mono_ms() + (int64_t)(wait_s * 1000);
	pthread_mutex_lock(&n->lock);
	while ((n->head != NULL || n->busy) && mono_ms() < deadline)
		wait_until(n, now_wall() + 0.1);
	n->stop = true;
	pthread_cond_broadcast(&n->cond);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	if (n->head != NULL)
		log_warn("alert outbox: %zu alert(s) not sent yet%s", n->st.waiting,
		    n->dir[0] ? "; they go at the next start" : "; lost (no alert_state)");
	for (struct item *it = n->head, *next; it != NULL; it = next) {
		next = it->nextp;
		item_free(it);
	}
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->cond);
	free(n);
}
