/* fault_text.c - a fault event in words (fault_text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fault_text.h"

/* "7 ธ.ค. 2569 08:41 น." or "7 Dec 2026 08:41". */
static void when(double t, enum lang l, char *buf, size_t len)
{
	char day[64];
	time_t tt = (time_t)t;
	struct tm tm;

	green_date_name(tt, l, day, sizeof(day));
	localtime_r(&tt, &tm);
	snprintf(buf, len, "%s %02d:%02d%s", day, tm.tm_hour, tm.tm_min, l == LANG_TH ? " น." : "");
}

/* "site/meter" by its [meter] name in l, else as it is. */
static const char *meter_name(const struct org *o, const char *id, enum lang l)
{
	const struct org_meter *m = org_meter_named(o, id);

	return m == NULL ? id : l == LANG_EN ? m->name_en : m->name_th;
}

/* How long a fault lasted, in the unit that reads best: "40" s, "12" min,
 * "3.5" h. */
static void lasted(double s, enum lang l, char *buf, size_t len, const char **unit)
{
	if (s < 0)
		s = 0;
	if (s < 90) {
		snprintf(buf, len, "%.0f", s);
		*unit = tr(l, "u_sec");
	} else if (s < 5400) {
		snprintf(buf, len, "%.0f", s / 60);
		*unit = tr(l, "u_min");
	} else {
		snprintf(buf, len, "%.1f", s / 3600);
		*unit = tr(l, "u_hour");
	}
}

static size_t add(char *buf, size_t len, size_t at, const char *fmt, const char *a,
    const char *b)
{
	int n;

	if (at >= len)
		return at;
	n = snprintf(buf + at, len - at, fmt, a, b);
	return n < 0 ? at : at + (size_t)n;
}

const char *fault_problem_key(const char *problem)
{
	static const struct { const char *prefix, *key; } known[] = {
		{ "unannounced_counter_reset", "p_reset" },
		{ "rejected:_a_reading_of_another_unit", "p_other_unit" },
		{ "payload_rejected", "p_refused" },
		{ "rejected:", "p_refused" },
		{ "set_aside", "p_aside" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(problem, known[i].prefix, strlen(known[i].prefix)) == 0)
			return known[i].key;
	return NULL;
}

/* The headline into buf; its length. */
static size_t headline(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len)
{
	static const char *const scope_key[] = { "f_collector", "f_site", "f_gateway", "f_meter" };
	const struct fault *f = e->f;
	char since[96], count[32], minutes[32];
	const char *unit;
	size_t at = 0;

	when(f->since, l, since, sizeof(since));
	snprintf(count, sizeof(count), "%zu", f->nmeters);
	lasted(now - f->since, l, minutes, sizeof(minutes), &unit);
	at = add(buf, len, at, "[%s] %s", tr(l, e->kind == FE_RESOLVED ? "f_resolved" :
	    f->status == STATUS_FAULT ? "st_fault" : "st_stale"), tr(l, scope_key[f->scope]));
	if (f->scope == FAULT_METER)
		at = add(buf, len, at, " %s%s", meter_name(o, f->what, l), "");
	else if (f->scope != FAULT_COLLECTOR)
		at = add(buf, len, at, " %s%s", f->what, "");
	if (e->kind == FE_RESOLVED)
		return add(buf, len, at, tr(l, "f_was_down"), minutes, unit);
	if (e->kind == FE_REMINDER)
		at = add(buf, len, at, " (%s)%s", tr(l, "f_still"), "");
	if (f->scope != FAULT_METER)
		at = add(buf, len, at, tr(l, "f_meters"), count, "");
	at = add(buf, len, at, " %s %s", tr(l, "f_since"), since);
	if (e->row != NULL && e->row->out_of_range) {
		char v[64], lo[32], hi[32], why[160];

		snprintf(v, sizeof(v), "%.10g %s", e->row->st.last_v, unit_words(e->row->st.unit, l));
		snprintf(lo, sizeof(lo), "%.10g", e->row->limit->lo);
		snprintf(hi, sizeof(hi), "%.10g", e->row->limit->hi);
		snprintf(why, sizeof(why), tr(l, "out_of_range"), lo, hi);
		at = add(buf, len, at, " (%s: ", e->row->st.id.channel, "");
		at = add(buf, len, at, "%s %s)", v, why);
	} else if (e->row != NULL && f->status == STATUS_FAULT &&
	    fault_problem_key(e->row->st.problem) != NULL) {
		at = add(buf, len, at, " (%s: ", e->row->st.id.channel, "");
		at = add(buf, len, at, "%s)%s", tr(l, fault_problem_key(e->row->st.problem)), "");
	} else if (e->row != NULL)
		at = add(buf, len, at, " (%s)%s", e->row->st.id.channel, "");
	return at;
}

void fault_headline(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len)
{
	headline(e, o, l, now, buf, len);
}

void fault_text(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len)
{
	const struct fault *f = e->f;
	char count[32];
	size_t at = headline(e, o, l, now, buf, len);

	if (e->kind == FE_RESOLVED)
		return;
	for (size_t k = 0; f->scope != FAULT_METER && k < f->nmeters && k < FAULT_TEXT_NAMED; k++)
		at = add(buf, len, at, "%s%s", k == 0 ? ": " : ", ", meter_name(o, f->meters[k], l));
	if (f->scope != FAULT_METER && f->nmeters > FAULT_TEXT_NAMED) {
		snprintf(count, sizeof(count), "%zu", f->nmeters - FAULT_TEXT_NAMED);
		add(buf, len, at, tr(l, "f_more"), count, "");
	}
}

/* " · building room" in Thai, then English, of what the file says. */
static void place(FILE *out, const struct org_meter *m)
{
	if (m->building_th[0] != '\0' || m->room_th[0] != '\0')
		fprintf(out, " · %s %s", m->building_th, m->room_th);
	if (m->building_en[0] != '\0' || m->room_en[0] != '\0')
		fprintf(out, " · %s %s", m->building_en, m->room_en);
}

char *fault_meter_lines(const struct fault *f, const struct org *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (f->scope == FAULT_METER || f->nmeters == 0 || (out = open_memstream(&text, &len)) == NULL)
		return NULL;
	for (size_t k = 0; k < f->nmeters && k < FAULT_MAIL_NAMED; k++) {
		const char *id = f->meters[k];
		const struct org_meter *m = org_meter_named(o, id);

		fprintf(out, "%zu. %s", k + 1, id);
		if (m != NULL) {
			fprintf(out, " · %s · %s", m->name_th, m->name_en);
			place(out, m);
		}
		fputs("\r\n", out);
	}
	if (f->nmeters > FAULT_MAIL_NAMED)
		fprintf(out, "... %zu more / และอีก %zu เครื่อง\r\n", f->nmeters - FAULT_MAIL_NAMED,
		    f->nmeters - FAULT_MAIL_NAMED);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
