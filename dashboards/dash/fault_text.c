/* fault_text.c - a fault event in words (fault_text.h). */
#include <stdio.h>
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
	char site[ID_MAX + 1];
	const char *slash = strchr(id, '/');
	const struct org_meter *m;

	if (slash == NULL || (size_t)(slash - id) > ID_MAX)
		return id;
	memcpy(site, id, (size_t)(slash - id));
	site[slash - id] = '\0';
	m = org_meter_find(o, site, slash + 1);
	return m == NULL ? id : l == LANG_EN ? m->name_en : m->name_th;
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

void fault_text(const struct fault_event *e, const struct org *o, enum lang l, double now,
    char *buf, size_t len)
{
	static const char *const scope_key[] = { "f_collector", "f_site", "f_gateway", "f_meter" };
	const struct fault *f = e->f;
	char since[96], count[32], minutes[32];
	size_t at = 0;

	when(f->since, l, since, sizeof(since));
	snprintf(count, sizeof(count), "%zu", f->nmeters);
	snprintf(minutes, sizeof(minutes), "%.0f", (now - f->since) / 60);
	at = add(buf, len, at, "[%s] %s", tr(l, e->kind == FE_RESOLVED ? "f_resolved" :
	    f->status == STATUS_FAULT ? "st_fault" : "st_stale"), tr(l, scope_key[f->scope]));
	if (f->scope == FAULT_METER)
		at = add(buf, len, at, " %s%s", meter_name(o, f->what, l), "");
	else if (f->scope != FAULT_COLLECTOR)
		at = add(buf, len, at, " %s%s", f->what, "");
	if (e->kind == FE_RESOLVED) {
		add(buf, len, at, tr(l, "f_was_down"), minutes, "");
		return;
	}
	if (e->kind == FE_REMINDER)
		at = add(buf, len, at, " (%s)%s", tr(l, "f_still"), "");
	if (f->scope != FAULT_METER)
		at = add(buf, len, at, tr(l, "f_meters"), count, "");
	at = add(buf, len, at, " %s %s", tr(l, "f_since"), since);
	if (e->row != NULL)
		at = add(buf, len, at, " (%s)%s", e->row->st.id.channel, "");
	for (size_t k = 0; f->scope != FAULT_METER && k < f->nmeters && k < FAULT_TEXT_NAMED; k++)
		at = add(buf, len, at, "%s%s", k == 0 ? ": " : ", ", meter_name(o, f->meters[k], l));
	if (f->scope != FAULT_METER && f->nmeters > FAULT_TEXT_NAMED) {
		snprintf(count, sizeof(count), "%zu", f->nmeters - FAULT_TEXT_NAMED);
		add(buf, len, at, tr(l, "f_more"), count, "");
	}
}
