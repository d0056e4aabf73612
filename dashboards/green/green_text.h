/*
 * green_text.h - the words of the Green Office pages, for gm-report and the
 * dashboard alike: labels for months and days (Thai: month names and B.E.
 * years), periods and compared spans in words, and every phrase in Thai
 * and English (tr).
 */
#ifndef GM_GREEN_TEXT_H
#define GM_GREEN_TEXT_H

#include <stdio.h>

#include "green.h"

enum lang { LANG_TH, LANG_EN };

/* "2025-10" for month m (0 = October) of the period's year. */
void green_month_label(const struct green_period *p, int m, char *buf, size_t len);
/* Thai "ต.ค. 2568" / English "Oct 2025". */
void green_month_name(const struct green_period *p, int m, enum lang lang, char *buf, size_t len);
/* Month m of a fiscal year (0 = October) alone: "ต.ค." / "Oct". */
const char *green_month_short(int m, enum lang lang);
/* "รอบ 6 เดือน" / "6-month round", "ไตรมาสที่ 2", or the month's name. */
void green_period_name(const struct green_period *p, enum lang lang, char *buf, size_t len);
/* Months of fiscal year fy (bit m of `months` = month m, 0 = October) as
 * runs: Thai "ต.ค.–พ.ย. 2569, ม.ค. 2570", English "Oct–Nov 2026, Jan 2027". */
void green_month_runs(int fy, unsigned months, enum lang lang, char *buf, size_t len);
/* The same months as labels, "2026-10 2026-11" (CSV). */
void green_month_list(int fy, unsigned months, char *buf, size_t len);
/* The compared span (compare.h) in words: "เปรียบเทียบ ต.ค.–พ.ย. 2569 กับ
 * ต.ค.–พ.ย. 2567" / "compared Oct–Nov 2026 with Oct–Nov 2024", or that no
 * month can be compared yet. */
void green_compared_words(const struct compared *c, int baseline_fy, enum lang lang, char *buf,
    size_t len);
/* The months of the period not compared, and why: "ไม่นำมาเปรียบเทียบ:
 * ธ.ค. 2569 (ยังไม่สิ้นเดือน)" / "not compared: Dec 2026 (in progress)";
 * "" when every month is compared. */
void green_not_compared_words(const struct compared *c, enum lang lang, char *buf, size_t len);
/* Why a month is not compared, in words ("" for a compared month). */
const char *green_why_words(enum cmp_why w, enum lang lang);
/* "6 ธ.ค. 2569" / "6 Dec 2026", local. */
void green_date_name(time_t t, enum lang lang, char *buf, size_t len);
/* "2025-10-01", local. */
void green_day_label(time_t t, char *buf, size_t len);
/* The period's first day and its last day (inclusive), local, "2025-10-01"
 * (for machines: JSON, CSV). */
void green_period_days(const struct green_period *p, char *from, char *to, size_t len);
/* The same for people: "1 ต.ค. 2568 – 30 ก.ย. 2569" (B.E.) / "1 Oct 2025 –
 * 30 Sep 2026". */
void green_period_span(const struct green_period *p, enum lang lang, char *buf, size_t len);

/* A word or phrase of the report in the language (a key from green_text.c;
 * an unknown key comes back as itself, so a missing word shows, not crashes). */
const char *tr(enum lang lang, const char *key);
/* A key the table holds twice (tr() would only ever find the first), or
 * NULL: for the tests. */
const char *green_text_duplicate(void);
const char *resource_label(enum resource r, enum lang lang);
/* The unit a resource is counted in, as the page's language names it:
 * "กิโลวัตต์ชั่วโมง", "แผ่น" ... on Thai pages; "kWh", "sheets" ... on English
 * ones (resource_unit(), which CSV and JSON keep in both). */
const char *resource_unit_words(enum resource r, enum lang lang);
/* A wire-contract unit as a Thai page writes it beside a figure, short
 * ("kWh" -> "หน่วย", "m3" -> "ลบ.ม."); English pages, and units it does
 * not know, as they are. */
const char *unit_words(const char *unit, enum lang lang);
/* How many decimals a page shows of an amount of r, the same everywhere:
 * paper is counted (sheets, reams: none), the rest measured (two). */
int resource_decimals(enum resource r);
/* The grade a self-evaluation earns, or, while the unit has scored no line
 * of its checklist, "ยังไม่ได้ประเมินตนเอง" / "not self-assessed yet": its
 * total then holds only what the meters give, not a grade. */
const char *green_grade_words(const struct self_eval *e, enum lang lang);
/* A unit's Green Office round (org.h cohort) in the page's language: the
 * two forms docs/organisation.md gives, "2568 target" and "2566: Gold"
 * (Silver, Bronze), become "เป้าหมายปี 2568" and "ได้รับการรับรองปี 2566
 * ระดับดีเยี่ยม (ทอง)" on Thai pages, "target for 2568" and "certified Gold
 * in 2566" on English ones; anything else is shown as written. */
void green_cohort_words(const char *cohort, enum lang lang, char *buf, size_t len);

#endif
