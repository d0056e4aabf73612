/* topic.c - id validation, topic building and parsing (wire contract v1). */
#include <stdio.h>
#include <string.h>

#include "gm_err.h"
#include "hash.h"
#include "topic.h"

static bool id_char(char ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
		return true;
	return !first && (ch == '_' || ch == '-');
}

bool id_valid(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0')
		return false;
	for (i = 0; id[i] != '\0'; i++) {
		if (i >= ID_MAX || !id_char(id[i], i == 0))
			return false;
	}
	return true;
}

/* Show a rejected id safely: printable ASCII only, cut at 40 characters. */
static void id_show(char *dst, size_t len, const char *id, size_t idlen)
{
	size_t i, o = 0;

	for (i = 0; i < idlen && o + 5 < len && i < 40; i++) {
		unsigned char ch = (unsigned char)id[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			dst[o++] = (char)ch;
		else
			o += (size_t)snprintf(dst + o, len - o, "\\x%02x", ch);
	}
	if (i < idlen && o + 4 < len) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static int id_copy_n(char *dst, const char *id, size_t idlen, const char *what,
    char *err, size_t errlen)
{
	char shown[200];
	char tmp[ID_MAX + 1];

	if (idlen == 0)
		return gm_errf(err, errlen, GM_EINVAL, "%s id is empty", what);
	if (idlen > ID_MAX) {
		id_show(shown, sizeof(shown), id, idlen);
		return gm_errf(err, errlen, GM_EINVAL,
		    "%s id \"%s\" is longer than %d characters", what, shown, ID_MAX);
	}
	memcpy(tmp, id, idlen);
	tmp[idlen] = '\0';
	if (strlen(tmp) != idlen || !id_valid(tmp)) {
		id_show(shown, sizeof(shown), id, idlen);
		return gm_errf(err, errlen, GM_EINVAL,
		    "%s id \"%s\" does not match [a-z0-9][a-z0-9_-]{0,63}", what, shown);
	}
	memcpy(dst, tmp, idlen + 1);
	return GM_OK;
}

int id_copy(char *dst, const char *id, const char *what, char *err, size_t errlen)
{
	if (id == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "%s id is missing", what);
	return id_copy_n(dst, id, strnlen(id, ID_MAX + 1), what, err, errlen);
}

bool chan_id_split_meter(const char *site_meter, char site[ID_MAX + 1], char meter[ID_MAX + 1])
{
	const char *slash = strchr(site_meter, '/');

	if (slash == NULL || (size_t)(slash - site_meter) > ID_MAX || strlen(slash + 1) > ID_MAX)
		return false;
	memcpy(site, site_meter, (size_t)(slash - site_meter));
	site[slash - site_meter] = '\0';
	strcpy(meter, slash + 1);
	return true;
}

int chan_id_set(struct chan_id *c, const char *site, const char *meter,
    const char *channel, char *err, size_t errlen)
{
	int rc;

	if ((rc = id_copy(c->site, site, "site", err, errlen)) != GM_OK ||
	    (rc = id_copy(c->meter, meter, "meter", err, errlen)) != GM_OK ||
	    (rc = id_copy(c->channel, channel, "channel", err, errlen)) != GM_OK)
		return rc;
	return GM_OK;
}

void topic_build(char *buf, size_t len, const struct chan_id *c, enum topic_kind kind)
{
	snprintf(buf, len, TOPIC_PREFIX "%s/%s/%s%s", c->site, c->meter, c->channel,
	    kind == TOPIC_EVENT ? "/event" : "");
}

int topic_parse(const char *topic, struct chan_id *out, enum topic_kind *kind,
    char *err, size_t errlen)
{
	static const char *const what[] = { "site", "meter", "channel" };
	char *const dst[] = { out->site, out->meter, out->channel };
	const char *p, *slash;
	int rc;

	if (strncmp(topic, TOPIC_PREFIX, strlen(TOPIC_PREFIX)) != 0)
		return gm_errf(err, errlen, GM_EINVAL,
		    "topic does not start with \"" TOPIC_PREFIX "\"");
	p = topic + strlen(TOPIC_PREFIX);
	for (int i = 0; i < 3; i++) {
		slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (i < 2 && slash == NULL)
			return gm_errf(err, errlen, GM_EINVAL,
			    "topic has no %s level (want " TOPIC_PREFIX
			    "<site>/<meter>/<channel>)", what[i + 1]);
		if ((rc = id_copy_n(dst[i], p, n, what[i], err, errlen)) != GM_OK)
			return rc;
		p = slash ? slash + 1 : p + n;
		if (i == 2 && slash == NULL) {
			*kind = TOPIC_READING;
			return GM_OK;
		}
	}
	if (strcmp(p, "event") == 0) {
		*kind = TOPIC_EVENT;
		return GM_OK;
	}
	return gm_errf(err, errlen, GM_EINVAL,
	    "topic has extra levels after the channel (only \"/event\" may follow)");
}

bool topic_is_access_check(const char *topic)
{
	char site[ID_MAX + 1], meter[ID_MAX + 1];
	const char *p, *slash;

	if (strncmp(topic, TOPIC_PREFIX, strlen(TOPIC_PREFIX)) != 0)
		return false;
	p = topic + strlen(TOPIC_PREFIX);
	if ((slash = strchr(p, '/')) == NULL || strchr(slash + 1, '/') != NULL)
		return false;
	return id_copy_n(site, p, (size_t)(slash - p), "site", NULL, 0) == GM_OK &&
	    id_copy_n(meter, slash + 1, strlen(slash + 1), "meter", NULL, 0) == GM_OK;
}

void chan_id_str(const struct chan_id *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s", c->site, c->meter, c->channel);
}

int chan_id_parse(const char *s, size_t len, struct chan_id *id, char *err, size_t errlen)
{
	char buf[3 * (ID_MAX + 1)], *meter, *channel;

	if (len >= sizeof(buf))
		return gm_errf(err, errlen, GM_EINVAL, "channel too long");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strlen(buf) != len || (meter = strchr(buf, '/')) == NULL ||
	    (channel = strchr(meter + 1, '/')) == NULL)
		return gm_errf(err, errlen, GM_EINVAL, "not site/meter/channel");
	*meter++ = '\0';
	*channel++ = '\0';
	return chan_id_set(id, buf, meter, channel, err, errlen);
}

int chan_id_cmp(const struct chan_id *a, const struct chan_id *b)
{
	int c = strcmp(a->site, b->site);

	if (c == 0)
		c = strcmp(a->meter, b->meter);
	return c != 0 ? c : strcmp(a->channel, b->channel);
}

bool chan_id_eq(const struct chan_id *a, const struct chan_id *b)
{
	return strcmp(a->channel, b->channel) == 0 && strcmp(a->meter, b->meter) == 0 &&
	    strcmp(a->site, b->site) == 0;
}

/* '/' between the ids, as in the topic: "a/bc" and "ab/c" differ. */
uint64_t chan_id_hash(const struct chan_id *id)
{
	uint64_t h = fnv1a(FNV1A_BASIS, id->site);

	h = fnv1a((h ^ '/') * FNV1A_PRIME, id->meter);
	return fnv1a((h ^ '/') * FNV1A_PRIME, id->channel);
}

static uint64_t key_hash(const void *key)
{
	return chan_id_hash(key);
}

static bool key_eq(const void *a, const void *b)
{
	return chan_id_eq(a, b);
}

const struct hmap_keys chan_id_keys = { key_hash, key_eq };
