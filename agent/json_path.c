/* json_path.c - JSON paths of [mqtt_meter] channels: checked, then walked. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gm_err.h"
#include "json_path.h"

/* Digits at s (n of them, n > 0) as an index, or -1 past JSON_INDEX_MAX. */
static int index_of(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (v > JSON_INDEX_MAX)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= JSON_INDEX_MAX ? v : -1;
}

static int add_step(struct json_path *p, enum json_step_kind kind, size_t at, size_t len,
    size_t end, int index, char *err, size_t errlen)
{
	struct json_step *st;

	if (p->n == JSON_PATH_STEPS)
		return gm_errf(err, errlen, GM_EINVAL, "more than %d steps", JSON_PATH_STEPS);
	st = &p->step[p->n++];
	st->kind = kind;
	st->at = (unsigned char)at;
	st->len = (unsigned char)len;
	st->end = (unsigned char)end;
	st->index = index;
	return GM_OK;
}

/* "[n]" at *i, after the text[0 .. *i) already read. */
static int parse_index(struct json_path *p, size_t *i, char *err, size_t errlen)
{
	const char *t = p->text;
	size_t d = *i + 1, n = strspn(t + d, "0123456789");
	int v;

	if (n == 0 || t[d + n] != ']')
		return gm_errf(err, errlen, GM_EINVAL, "expected [<index>] after \"%.*s\"",
		    (int)*i, t);
	if ((v = index_of(t + d, n)) < 0)
		return gm_errf(err, errlen, GM_EINVAL, "index %.*s is over %d", (int)n, t + d,
		    JSON_INDEX_MAX);
	*i = d + n + 1;
	return add_step(p, STEP_INDEX, 0, 0, *i, v, err, errlen);
}

/* One dot-separated part at *i: a key (or a bare number), then any [n]. */
static int parse_part(struct json_path *p, size_t *i, char *err, size_t errlen)
{
	const char *t = p->text;
	size_t at = *i, len = strcspn(t + at, ".[]");
	int rc = GM_OK;

	if (len > 0) {
		bool digits = strspn(t + at, "0123456789") == len;
		rc = add_step(p, digits ? STEP_KEY_OR_INDEX : STEP_KEY, at, len, at + len,
		    digits ? index_of(t + at, len) : 0, err, errlen);
	} else if (at > 0 || t[at] != '[') {
		return gm_errf(err, errlen, GM_EINVAL, "an empty step (two dots, or a dot at "
		    "one end)");
	}
	*i = at + len;
	while (rc == GM_OK && t[*i] == '[')
		rc = parse_index(p, i, err, errlen);
	if (rc == GM_OK && t[*i] != '\0' && t[*i] != '.')
		return gm_errf(err, errlen, GM_EINVAL, "\"%c\" after \"%.*s\" (expected . or "
		    "[<index>])", t[*i], (int)*i, t);
	return rc;
}

int json_path_parse(const char *text, struct json_path *p, char *err, size_t errlen)
{
	size_t i = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (strlen(text) >= sizeof(p->text))
		return gm_errf(err, errlen, GM_EINVAL, "longer than %zu characters",
		    sizeof(p->text) - 1);
	strcpy(p->text, text);
	if (strcmp(text, ".") == 0)
		return GM_OK;
	if (text[0] == '\0')
		return gm_errf(err, errlen, GM_EINVAL, "an empty path (give keys, or \".\" "
		    "for a payload that is a bare number)");
	for (;;) {
		if ((rc = parse_part(p, &i, err, errlen)) != GM_OK)
			return rc;
		if (p->text[i] == '\0')
			return GM_OK;
		i++;   /* the dot */
	}
}

/* "a number", "an array of 2 elements", ... for messages. */
static const char *describe(const cJSON *n, char *buf, size_t len)
{
	int k;

	if (cJSON_IsNumber(n))
		return "a number";
	if (cJSON_IsString(n))
		return "a string";
	if (cJSON_IsBool(n))
		return cJSON_IsTrue(n) ? "true" : "false";
	if (cJSON_IsNull(n))
		return "null";
	if (cJSON_IsObject(n))
		return "an object";
	if (cJSON_IsArray(n)) {
		k = cJSON_GetArraySize(n);
		snprintf(buf, len, "an array of %d element%s", k, k == 1 ? "" : "s");
		return buf;
	}
	return "not a JSON value";
}

/* The path up to and including step k, or "the payload" before step 0. */
static void name_upto(const struct json_path *p, int k, char *buf, size_t len)
{
	if (k < 0)
		snprintf(buf, len, "the payload");
	else
		snprintf(buf, len, "%.*s", p->step[k].end, p->text);
}

static const cJSON *by_key(const cJSON *o, const struct json_path *p, int k, char *err,
    size_t errlen)
{
	const struct json_step *st = &p->step[k];
	const cJSON *found = NULL;
	int times = 0;
	char here[JSON_PATH_MAX];

	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		if (strlen(c->string) != st->len || memcmp(c->string, p->text + st->at, st->len))
			continue;
		if (times++ == 0)
			found = c;
	}
	if (times == 1)
		return found;
	name_upto(p, k, here, sizeof(here));
	if (times == 0)
		gm_errf(err, errlen, GM_EINVAL, "payload has no %s", here);
	else   /* readers disagree on which one wins, so neither does */
		gm_errf(err, errlen, GM_EINVAL, "%s appears %d times", here, times);
	return NULL;
}

static const cJSON *by_index(const cJSON *a, const struct json_path *p, int k, char *err,
    size_t errlen)
{
	int size = cJSON_GetArraySize(a), i = p->step[k].index;
	char here[JSON_PATH_MAX], there[JSON_PATH_MAX];

	if (i >= 0 && i < size)
		return cJSON_GetArrayItem(a, i);
	name_upto(p, k, here, sizeof(here));
	name_upto(p, k - 1, there, sizeof(there));
	gm_errf(err, errlen, GM_EINVAL, "payload has no %s: %s has %d element%s", here, there,
	    size, size == 1 ? "" : "s");
	return NULL;
}

/* Step k from node: the value there, or NULL with the reason in err. */
static const cJSON *step(const cJSON *node, const struct json_path *p, int k, char *err,
    size_t errlen)
{
	enum json_step_kind kind = p->step[k].kind;
	char there[JSON_PATH_MAX], what[48];

	if (cJSON_IsObject(node) && kind != STEP_INDEX)
		return by_key(node, p, k, err, errlen);
	if (cJSON_IsArray(node) && kind != STEP_KEY)
		return by_index(node, p, k, err, errlen);
	name_upto(p, k - 1, there, sizeof(there));
	gm_errf(err, errlen, GM_EINVAL, "%s is %s, not %s", there,
	    describe(node, what, sizeof(what)), kind == STEP_KEY ? "an object" :
	    kind == STEP_INDEX ? "an array" : "an object or an array");
	return NULL;
}

int json_path_number(const cJSON *root, const struct json_path *p, double *out, char *err,
    size_t errlen)
{
	const cJSON *node = root;
	char here[JSON_PATH_MAX], what[48];

	for (int k = 0; k < p->n; k++) {
		if ((node = step(node, p, k, err, errlen)) == NULL)
			return GM_EINVAL;
	}
	name_upto(p, p->n - 1, here, sizeof(here));
	if (!cJSON_IsNumber(node))
		return gm_errf(err, errlen, GM_EINVAL, "%s is %s, not a number", here,
		    describe(node, what, sizeof(what)));
	if (!isfinite(node->valuedouble))
		return gm_errf(err, errlen, GM_EINVAL, "%s is out of range", here);
	*out = node->valuedouble;
	return GM_OK;
}
