/* report_table.c - the plain report's text table (report_table.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_table.h"
#include "textwidth.h"
#include "timeutil.h"

enum col { C_SITE, C_METER, C_CHANNEL, C_AMOUNT, C_UNIT, C_COVERAGE, C_GAPS, C_N };

#define CELL 352   /* the widest cell: DBL_MAX printed "%.6f" is 316 characters */
#define SEP "  "

static const bool right[C_N] = { false, false, false, true, false, true, true };

static const char *const head_en[C_N] = {
	"site", "meter", "channel", "amount / mean", "unit", "coverage", "gaps",
};
static const char *const head_th[C_N] = {
	"ที่ตั้ง", "มิเตอร์", "ช่องข้อมูล", "ปริมาณ / ค่าเฉลี่ย", "หน่วย", "ความครบถ้วน", "ช่วงขาด",
};

static bool is_gauge(const struct plain_row *r)
{
	return r->c->meta.kind == KIND_GAUGE;
}

/* The row's figure: the amount used, or a gauge's mean; NAN for none. */
static double shown(const struct plain_row *r)
{
	return is_gauge(r) ? r->u.mean : r->u.amount;
}

static const char *no_data(const struct plain_row *r, enum lang lang)
{
	if (r->c->journal)
		return lang == LANG_TH ? "ไม่มีรายการบันทึกในช่วงนี้" : "no entry this period";
	return lang == LANG_TH ? "ไม่มีค่าที่อ่านได้ในช่วงนี้" : "no readings this period";
}

/* The row's cells; false when it has no figure (only the first three). */
static bool cells(const struct plain_row *r, char cell[C_N][CELL])
{
	snprintf(cell[C_SITE], CELL, "%s", r->c->id.site);
	snprintf(cell[C_METER], CELL, "%s", r->c->id.meter);
	snprintf(cell[C_CHANNEL], CELL, "%s", r->c->id.channel);
	if (isnan(shown(r)))
		return false;
	snprintf(cell[C_AMOUNT], CELL, "%.6f", shown(r));
	snprintf(cell[C_UNIT], CELL, "%s", r->c->meta.unit);
	snprintf(cell[C_COVERAGE], CELL, "%.1f%%", r->u.coverage * 100.0);
	snprintf(cell[C_GAPS], CELL, "%d", r->u.ngaps);
	return true;
}

static void widths(const struct plain_row *rows, int n, enum lang lang, size_t w[C_N])
{
	char cell[C_N][CELL];

	for (int c = 0; c < C_N; c++)
		w[c] = textwidth_of(lang == LANG_TH ? head_th[c] : head_en[c]);
	for (int i = 0; i < n; i++) {
		int last = cells(&rows[i], cell) ? C_N : C_AMOUNT;

		for (int c = 0; c < last; c++) {
			size_t cw = textwidth_of(cell[c]);
			w[c] = cw > w[c] ? cw : w[c];
		}
	}
}

static void print_cells(FILE *f, const char *const *cell, int ncells, const size_t w[C_N])
{
	for (int c = 0; c < ncells; c++) {
		if (c > 0)
			fputs(SEP, f);
		textwidth_pad(f, cell[c], w[c], right[c]);
	}
}

static void print_flags(FILE *f, const struct plain_row *r, bool figure, enum lang lang)
{
	if (figure && is_gauge(r))
		fputs(lang == LANG_TH ? " (ค่าเฉลี่ย)" : " (mean)", f);
	if (figure && r->u.coverage < 1.0)
		fprintf(f, " %s", tr(lang, "incomplete"));
	if (usage_flagged(&r->u))
		fprintf(f, " %s", tr(lang, "to_review"));
}

static void print_gaps(FILE *f, const struct usage *u, enum lang lang)
{
	char a[32];

	for (int i = 0; i < u->ngaps; i++) {
		long len = (long)(u->gaps[i].end - u->gaps[i].start);

		time_format_local(u->gaps[i].start, a, sizeof(a));
		fprintf(f, lang == LANG_TH ? "    ขาดข้อมูลตั้งแต่ %s นาน %ldh%02ldm%02lds\n" :
		    "    gap from %s for %ldh%02ldm%02lds\n", a, len / 3600, len / 60 % 60, len % 60);
	}
	if (u->more_gaps)
		fputs(lang == LANG_TH ? "    ... และยังมีช่วงขาดข้อมูลอีก\n" : "    ... and more gaps\n",
		    f);
}

/* What the events journal says a person should know. */
static void print_events(FILE *f, const struct usage_events *ev, enum lang lang)
{
	bool th = lang == LANG_TH;

	if (ev->replaced + ev->reset > 0)
		fprintf(f, th ? "    เปลี่ยนมิเตอร์ %d ครั้ง รีเซ็ตตัวนับ %d ครั้ง (แจ้งไว้แล้ว นับต่อเนื่อง)\n" :
		    "    meter replaced %d time(s), counter reset %d time(s) (announced; "
		    "counted across)\n", ev->replaced, ev->reset);
	if (ev->reset_detected > 0)
		fprintf(f, th ? "    ต้องตรวจสอบ: ตัวนับรีเซ็ตโดยไม่ได้แจ้ง %d ครั้ง นับเป็นการเริ่มใหม่จาก 0\n" :
		    "    REVIEW: %d counter reset(s) nobody announced, counted as restarts "
		    "from 0\n", ev->reset_detected);
	if (ev->reset_uncounted > 0)
		fprintf(f, th ? "    ต้องตรวจสอบ: ตัวนับลดลงโดยไม่ได้แจ้ง %d ครั้ง ไม่ได้นับ "
		    "(หลังจากนั้นตัวนับแสดง %.6g)\n" :
		    "    REVIEW: %d counter fall(s) nobody announced, not counted (the "
		    "counter showed %.6g after them)\n", ev->reset_uncounted, ev->uncounted);
	if (ev->late > 0)
		fprintf(f, th ? "    ต้องตรวจสอบ: ค่าที่อ่านได้ %d ค่ามาถึงหลังค่าที่ใหม่กว่า "
		    "เก็บไว้ในบันทึกเหตุการณ์ ไม่รวมในตัวเลขข้างต้น\n" :
		    "    REVIEW: %d reading(s) came after newer ones and are kept in the "
		    "events journal, not in the figures above\n", ev->late);
	if (ev->bad_lines > 0)
		fprintf(f, th ? "    ต้องตรวจสอบ: บันทึกเหตุการณ์มี %zu บรรทัดที่อ่านไม่ได้\n" :
		    "    REVIEW: %zu unreadable line(s) in the events journal\n", ev->bad_lines);
}

static void print_row(FILE *f, const struct plain_row *r, const size_t w[C_N], enum lang lang)
{
	char cell[C_N][CELL];
	const char *p[C_N];
	bool figure = cells(r, cell);

	for (int c = 0; c < C_N; c++)
		p[c] = cell[c];
	print_cells(f, p, figure ? C_N : C_AMOUNT, w);
	if (!figure)
		fprintf(f, SEP "%s", no_data(r, lang));
	print_flags(f, r, figure, lang);
	fputc('\n', f);
	if (figure)
		print_gaps(f, &r->u, lang);
	print_events(f, &r->u.ev, lang);
}

void report_table(FILE *f, const struct plain_row *rows, int n, time_t from, time_t to,
    bool to_now, enum lang lang)
{
	size_t w[C_N];
	char a[32], b[32];

	time_format_local(from, a, sizeof(a));
	time_format_local(to, b, sizeof(b));
	fprintf(f, lang == LANG_TH ? "greenmeter ปริมาณการใช้ %s .. %s (%s)%s\n" :
	    "greenmeter consumption %s .. %s (%s)%s\n", a, b, TZ_DEFAULT,
	    !to_now ? "" : lang == LANG_TH ? " ถึงขณะนี้" : ", to now");
	widths(rows, n, lang, w);
	print_cells(f, lang == LANG_TH ? head_th : head_en, C_N, w);
	fputc('\n', f);
	for (int i = 0; i < n; i++)
		print_row(f, &rows[i], w, lang);
}
