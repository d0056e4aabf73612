/* meter_event.c - meter events on the wire and in the events journal. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "gm_err.h"
#include "fileio.h"
#include "json_in.h"
#include "meter_event.h"
#include "numtext.h"

static const char *const kind_names[EV_NKINDS] = {
	[EV_REPLACED] = "replaced",
	[EV_RESET] = "reset",
	[EV_RESET_DETECTED] = "reset-detected",
	[EV_RESET_UNCOUNTED] = "reset-uncounted",
	[EV_LATE] = "late",
};

const char *meter_event_kind_name(enum event_kind k)
{
	return k < EV_NKINDS ? kind_names[k] : "?";
}

bool meter_event_flagged(enum event_kind k)
{
	return k == EV_RESET_DETECTED || k == EV_RESET_UNCOUNTED || k == EV_LATE;
}

static int kind_from(const char *s, enum event_kind *k)
{
	for (int i = 0; i < EV_NKINDS; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum event_kind)i;
			return 0;
		}
	}
	return -1;
}

void meter_event_clear(struct meter_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->old_final = ev->new_start = ev->from = ev->to = ev->counted = ev->v = NAN;
}

/* Printable text only: a note ends up in logs, journals and web pages. */
static bool text_ok(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

/* An optional finite number: GM_OK and *out untouched when absent. */
static int opt_number(const cJSON *o, const char *field, double *out, char *err,
    size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, field);

	if (it == NULL)
		return GM_OK;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return gm_errf(err, errlen, GM_EINVAL, "field \"%s\" is not a finite number",
		    field);
	*out = it->valuedouble;
	return GM_OK;
}

static int decode_strings(const cJSON *o, struct meter_event *ev, char *err, size_t errlen)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "event");
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(o, "unit");
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(o, "note");

	if (!cJSON_IsString(kind) || kind_from(kind->valuestring, &ev->kind) != 0 ||
	    (ev->kind != EV_REPLACED && ev->kind != EV_RESET))
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"event\" must be \"replaced\" or \"reset\"");
	if (unit != NULL) {
		if (!cJSON_IsString(unit) || !unit_valid(unit->valuestring))
			return gm_errf(err, errlen, GM_EINVAL, "field \"unit\" is not a unit");
		strcpy(ev->unit, unit->valuestring);
	}
	if (note != NULL) {
		if (!cJSON_IsString(note) || strlen(note->valuestring) > EVENT_NOTE_MAX ||
		    !text_ok(note->valuestring))
			return gm_errf(err, errlen, GM_EINVAL, "field \"note\" must be text of "
			    "at most %d bytes without control characters", EVENT_NOTE_MAX);
		strcpy(ev->note, note->valuestring);
	}
	return GM_OK;
}

static int decode_numbers(const cJSON *o, struct meter_event *ev, char *err, size_t errlen)
{
	int rc;

	ev->t = NAN;
	if ((rc = opt_number(o, "t", &ev->t, err, errlen)) != GM_OK)
		return rc;
	if (isnan(ev->t) || ev->t < T_MIN || ev->t >= T_MAX)
		return gm_errf(err, errlen, GM_EINVAL,
		    "field \"t\" must be a time from 2000-01-01 to 2100-01-01");
	if (ev->kind == EV_RESET)
		ev->new_start = 0;
	if ((rc = opt_number(o, "new_start", &ev->new_start, err, errlen)) != GM_OK ||
	    (rc = opt_number(o, "old_final", &ev->old_final, err, errlen)) != GM_OK)
		return rc;
	if (isnan(ev->new_start))
		return gm_errf(err, errlen, GM_EINVAL, "field \"new_start\" is missing: the "
		    "new meter's first count is needed to count on from it");
	if (ev->new_start < 0 || ev->old_final < 0)
		return gm_errf(err, errlen, GM_EINVAL, "a counter reading cannot be negative");
	return GM_OK;
}

int meter_event_decode(const char *json, size_t len, struct meter_event *ev, char *err,
    size_t errlen)
{
	cJSON *o;
	int rc;

	meter_event_clear(ev);
	if ((rc = json_object_parse(json, len, 4096, &o, err, errlen)) != GM_OK)
		return rc;
	rc = decode_strings(o, ev, err, errlen);
	if (rc == GM_OK)
		rc = decode_numbers(o, ev, err, errlen);
	cJSON_Delete(o);
	return rc;
}

char *meter_event_encode(const struct meter_event *ev)
{
	char buf[EVENT_LINE_MAX + 64], t[32], ns[32], of[32];
	cJSON *note = NULL;
	char *out, *quoted = NULL;

	numtext_shortest(t, sizeof(t), ev->t);
	numtext_shortest(ns, sizeof(ns), ev->new_start);
	numtext_shortest(of, sizeof(of), ev->old_final);
	if (ev->note[0] && ((note = cJSON_CreateString(ev->note)) == NULL ||
	    (quoted = cJSON_PrintUnformatted(note)) == NULL)) {
		cJSON_Delete(note);
		return NULL;
	}
	snprintf(buf, sizeof(buf), "{\"t\":%s,\"event\":\"%s\",\"new_start\":%s%s%s%s%s%s%s%s}",
	    t, meter_event_kind_name(ev->kind), ns,
	    isnan(ev->old_final) ? "" : ",\"old_final\":", isnan(ev->old_final) ? "" : of,
	    ev->unit[0] ? ",\"unit\":\"" : "", ev->unit, ev->unit[0] ? "\"" : "",
	    quoted ? ",\"note\":" : "", quoted ? quoted : "");
	cJSON_Delete(note);
	free(quoted);
	out = strdup(buf);
	return out;
}

void meter_event_journal_path(char *buf, size_t len, const char *datadir, const struct chan_id *id)
{
	snprintf(buf, len, "%s/%s/%s/%s" EVENTS_SUFFIX, datadir, id->site, id->meter,
	    id->channel);
}

const char *meter_event_journal_header(size_t *len)
{
	static const char header[] = EVENTS_MAGIC " 1\n";

	*len = sizeof(header) - 1;
	return header;
}

/* " key=value" for a number that is set. */
static size_t put_num(char *buf, size_t len, size_t o, const char *key, double x)
{
	char num[32];
	int n;

	if (isnan(x) || o >= len)
		return o;
	numtext_shortest(num, sizeof(num), x);
	n = snprintf(buf + o, len - o, " %s=%s", key, num);
	return n < 0 ? len : o + (size_t)n;
}

size_t meter_event_journal_format(char *buf, size_t len, const struct meter_event *ev)
{
	char t[32];
	size_t o;
	int n;

	numtext_shortest(t, sizeof(t), ev->t);
	n = snprintf(buf, len, "%s %s", t, meter_event_kind_name(ev->kind));
	o = n < 0 ? len : (size_t)n;
	o = put_num(buf, len, o, "old_final", ev->old_final);
	o = put_num(buf, len, o, "new_start", ev->new_start);
	o = put_num(buf, len, o, "from", ev->from);
	o = put_num(buf, len, o, "to", ev->to);
	o = put_num(buf, len, o, "counted", ev->counted);
	o = put_num(buf, len, o, "v", ev->v);
	if (ev->kind == EV_LATE)
		o = put_num(buf, len, o, "seq", (double)ev->seq);
	o = put_num(buf, len, o, "at", ev->at);
	if (ev->note[0] && o < len) {
		n = snprintf(buf + o, len - o, " note=%s", ev->note);
		o = n < 0 ? len : o + (size_t)n;
	}
	if (o + 1 >= len)
		return 0;
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}

static double *field_of(struct meter_event *ev, const char *key, size_t k)
{
	static const struct { const char *name; size_t off; } keys[] = {
		{ "old_final", offsetof(struct meter_event, old_final) },
		{ "new_start", offsetof(struct meter_event, new_start) },
		{ "from", offsetof(struct meter_event, from) },
		{ "to", offsetof(struct meter_event, to) },
		{ "counted", offsetof(struct meter_event, counted) },
		{ "v", offsetof(struct meter_event, v) },
		{ "at", offsetof(struct meter_event, at) },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].name) == k && strncmp(keys[i].name, key, k) == 0)
			return (double *)((char *)ev + keys[i].off);
	}
	return NULL;
}

/* " key=value ..." up to the end or " note=". Unknown keys are skipped. */
static int parse_fields(const char *s, struct meter_event *ev, const char **why)
{
	double seq = 0;

	while (*s) {
		const char *eq = strchr(s, '=');
		double *f;

		if (eq == NULL || eq == s) {
			*why = "expected key=value fields after the kind";
			return -1;
		}
		if (eq - s == 4 && strncmp(s, "note", 4) == 0) {
			/* as on the wire: a writer never puts anything else here */
			if (strlen(eq + 1) > EVENT_NOTE_MAX || !text_ok(eq + 1)) {
				*why = "the note is not text of at most 200 bytes";
				return -1;
			}
			strcpy(ev->note, eq + 1);
			return 0;
		}
		f = field_of(ev, s, (size_t)(eq - s));
		if (eq - s == 3 && strncmp(s, "seq", 3) == 0)
			f = &seq;
		s = eq + 1;
		if (f == NULL) {   /* a field added later: skip its value */
			s += strcspn(s, " ");
			s += *s == ' ';
		} else if (numtext_field(&s, f) != 0) {
			*why = "a field's value is not a plain number";
			return -1;
		}
	}
	if (seq < 0 || seq > 9007199254740992.0 || seq != floor(seq)) {
		*why = "seq is not an integer from 0 to 2^53";
		return -1;
	}
	ev->seq = (uint64_t)seq;
	return 0;
}

int meter_event_journal_parse_line(const char *line, struct meter_event *ev, const char **why)
{
	char kind[32];
	size_t k;

	meter_event_clear(ev);
	if (numtext_field(&line, &ev->t) != 0 || ev->t < T_MIN || ev->t >= T_MAX) {
		*why = "expected a time (unix seconds, 2000..2100) first";
		return -1;
	}
	k = strcspn(line, " ");
	if (k == 0 || k >= sizeof(kind)) {
		*why = "expected the event's kind after the time";
		return -1;
	}
	memcpy(kind, line, k);
	kind[k] = '\0';
	if (kind_from(kind, &ev->kind) != 0)
		return 1;
	line += k + (line[k] == ' ');
	return parse_fields(line, ev, why) == 0 ? 0 : -1;
}

/* One whole line of the journal (its '\n' cut), after the header: an event
 * handed on, a kind skipped, or a bad line counted. A line with a NUL byte
 * (a block a crash left zeroed) or longer than any writer makes is bad too,
 * and costs that line only. */
static void one_line(const char *p, size_t n, double from, double to,
    void (*fn)(const struct meter_event *, void *), void *user, size_t *nbad)
{
	char line[EVENT_LINE_MAX];
	struct meter_event ev;
	const char *why;
	int rc = -1;

	if (n < sizeof(line) && memchr(p, '\0', n) == NULL) {
		memcpy(line, p, n);
		line[n] = '\0';
		rc = meter_event_journal_parse_line(line, &ev, &why);
	}
	if (rc == 0 && ev.t >= from && ev.t < to)
		fn(&ev, user);
	if (rc < 0 && nbad != NULL)
		(*nbad)++;
}

int meter_event_journal_each(const char *path, double from, double to,
    void (*fn)(const struct meter_event *ev, void *user), void *user, size_t *nbad,
    char *err, size_t errlen)
{
	static const char header[] = EVENTS_MAGIC " 1";
	const char *p, *end, *eol;
	char *buf, why[160];
	size_t len;
	int rc;

	if ((rc = fileio_read_regular(path, 0, &buf, &len, why, sizeof(why))) != GM_OK)
		return rc == GM_ENOTFOUND ? GM_OK : gm_errf(err, errlen, rc, "%s: %s", path, why);
	/* what follows the last newline was torn by a crash: not an event */
	for (end = buf + len; end > buf && end[-1] != '\n'; end--)
		;
	for (p = buf; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (p == buf && ((size_t)(eol - p) != sizeof(header) - 1 ||
		    memcmp(p, header, sizeof(header) - 1) != 0)) {
			rc = gm_errf(err, errlen, GM_EINVAL, "%s:1: not a greenmeter events "
			    "journal of version 1", path);
			break;
		}
		if (p != buf)
			one_line(p, (size_t)(eol - p), from, to, fn, user, nbad);
	}
	free(buf);
	return rc;
}
