/* green_text.c - the words and date labels of a Green Office report, in
 * Thai and English. Thai comes first: it is what the assessors read. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fiscal.h"
#include "green_text.h"

static const char *const month_th[12] = {
	"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
	"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
};
static const char *const month_en[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Calendar year (C.E.) and month 1-12 of month m (0 = October) of fy. */
static void cal_month(int fy, int m, int *year, int *mon)
{
	struct period p;

	fiscal_month(fy, m, &p, year, mon);
}

void green_month_label(const struct green_period *p, int m, char *buf, size_t len)
{
	int year, mon;

	cal_month(p->fy, m, &year, &mon);
	snprintf(buf, len, "%04d-%02d", year, mon);
}

void green_month_name(const struct green_period *p, int m, enum lang lang, char *buf, size_t len)
{
	int year, mon;

	cal_month(p->fy, m, &year, &mon);
	if (lang == LANG_TH)
		snprintf(buf, len, "%s %d", month_th[mon - 1], be_year(year));
	else
		snprintf(buf, len, "%s %d", month_en[mon - 1], year);
}

/* Append to buf[*at..len), never past its end. */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	*at = n < 0 ? len : *at + (size_t)n;
}

static void month_short(int fy, int m, enum lang lang, const char **name, int *year)
{
	int ce, mon;

	cal_month(fy, m, &ce, &mon);
	*name = lang == LANG_TH ? month_th[mon - 1] : month_en[mon - 1];
	*year = lang == LANG_TH ? be_year(ce) : ce;
}

/* Months a..b of a run; the year said once when both are in it. */
static void run_words(int fy, int a, int b, enum lang lang, char *buf, size_t len, size_t *at)
{
	const char *na, *nb;
	int ya, yb;

	month_short(fy, a, lang, &na, &ya);
	month_short(fy, b, lang, &nb, &yb);
	if (a == b)
		add(buf, len, at, "%s %d", na, ya);
	else if (ya == yb)
		add(buf, len, at, "%s–%s %d", na, nb, yb);
	else
		add(buf, len, at, "%s %d–%s %d", na, ya, nb, yb);
}

static void runs_at(int fy, unsigned months, enum lang lang, char *buf, size_t len,
    size_t *at)
{
	const char *sep = "";

	for (int m = 0; m < 12; m++) {
		int end = m;

		if (!(months & 1u << m))
			continue;
		while (end + 1 < 12 && months & 1u << (end + 1))
			end++;
		add(buf, len, at, "%s", sep);
		run_words(fy, m, end, lang, buf, len, at);
		sep = ", ";
		m = end;
	}
}

void green_month_runs(int fy, unsigned months, enum lang lang, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	runs_at(fy, months, lang, buf, len, &at);
}

void green_month_list(int fy, unsigned months, char *buf, size_t len)
{
	size_t at = 0;
	char ym[16];
	int year, mon;

	buf[0] = '\0';
	for (int m = 0; m < 12; m++) {
		if (!(months & 1u << m))
			continue;
		cal_month(fy, m, &year, &mon);
		snprintf(ym, sizeof(ym), "%04d-%02d", year, mon);
		add(buf, len, &at, "%s%s", at == 0 ? "" : " ", ym);
	}
}

void green_compared_words(const struct compared *c, int baseline_fy, enum lang lang, char *buf,
    size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (c->n == 0) {
		add(buf, len, &at, "%s", tr(lang, "none_compared"));
		return;
	}
	add(buf, len, &at, "%s ", tr(lang, "compared"));
	runs_at(c->fy, c->months, lang, buf, len, &at);
	add(buf, len, &at, " %s ", tr(lang, "compared_with"));
	runs_at(baseline_fy, c->months, lang, buf, len, &at);
}

const char *green_why_words(enum cmp_why w, enum lang lang)
{
	static const char *const key[CMP_WHY_N] = {
		NULL, "why_in_progress", "why_not_yet", "why_no_data", "why_no_baseline",
	};

	return (unsigned)w < CMP_WHY_N && key[w] != NULL ? tr(lang, key[w]) : "";
}

void green_not_compared_words(const struct compared *c, enum lang lang, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	/* in month order, each run of months left out for the same reason */
	for (int m = c->m0; m < c->m1; m++) {
		enum cmp_why w = c->why[m];
		unsigned months = 0;

		if (w == CMP_YES)
			continue;
		while (m < c->m1 && c->why[m] == w)
			months |= 1u << m++;
		m--;
		if (at == 0)
			add(buf, len, &at, "%s: ", tr(lang, "not_compared"));
		else
			add(buf, len, &at, "; ");
		runs_at(c->fy, months, lang, buf, len, &at);
		add(buf, len, &at, " (%s)", green_why_words(w, lang));
	}
}

void green_date_name(time_t t, enum lang lang, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	if (lang == LANG_TH)
		snprintf(buf, len, "%d %s %d", tm.tm_mday, month_th[tm.tm_mon],
		    be_year(tm.tm_year + 1900));
	else
		snprintf(buf, len, "%d %s %d", tm.tm_mday, month_en[tm.tm_mon], tm.tm_year + 1900);
}

void green_day_label(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

void green_period_days(const struct green_period *p, char *from, char *to, size_t len)
{
	struct period first, last;

	fiscal_month(p->fy, p->m0, &first, NULL, NULL);
	fiscal_month(p->fy, p->m1 - 1, &last, NULL, NULL);
	green_day_label(first.start, from, len);
	green_day_label(last.end - 1, to, len);   /* the last second: the last day */
}

void green_period_span(const struct green_period *p, enum lang lang, char *buf, size_t len)
{
	struct period first, last;
	char a[48], b[48];

	fiscal_month(p->fy, p->m0, &first, NULL, NULL);
	fiscal_month(p->fy, p->m1 - 1, &last, NULL, NULL);
	green_date_name(first.start, lang, a, sizeof(a));
	green_date_name(last.end - 1, lang, b, sizeof(b));
	snprintf(buf, len, "%s – %s", a, b);
}

void green_period_name(const struct green_period *p, enum lang lang, char *buf, size_t len)
{
	char month[48];

	switch (p->kind) {
	case PERIOD_ROUND:
		snprintf(buf, len, lang == LANG_TH ? "รอบ %d เดือน" : "%d-month round", p->n);
		break;
	case PERIOD_QUARTER:
		snprintf(buf, len, lang == LANG_TH ? "ไตรมาสที่ %d" : "quarter %d", p->n);
		break;
	default:
		green_month_name(p, p->m0, lang, month, sizeof(month));
		snprintf(buf, len, "%s", month);
	}
}

struct word {
	const char *key, *th, *en;
};

static const struct word words[] = {
	{ "summary", "สรุปผลการดำเนินงานสำนักงานสีเขียว ทุกหน่วยงาน", "Green Office summary, all units" },
	{ "resources", "รายงานการใช้ทรัพยากรและพลังงาน", "Resource and energy use" },
	{ "self_eval", "รายงานผลการประเมินตนเองตามเกณฑ์สำนักงานสีเขียว", "Green Office self-evaluation" },
	{ "fy", "ปีงบประมาณ พ.ศ.", "Fiscal year" },
	{ "period", "ช่วงเวลา", "Period" },
	{ "unit", "หน่วยงาน", "Unit" },
	{ "cohort", "รุ่นการประเมิน", "Cohort" },
	{ "grade", "ระดับผลการประเมิน", "Grade" },
	{ "total", "คะแนนรวม (ร้อยละ)", "Total (%)" },
	{ "paper_change", "ร้อยละการใช้กระดาษที่ลดลง", "Paper reduction (%)" },
	{ "kpi_level", "ระดับคะแนน KPI", "KPI level" },
	{ "rank", "ลำดับ", "Rank" },
	{ "kwh_per", "ไฟฟ้า (กิโลวัตต์ชั่วโมง ต่อคน)", "kWh per person" },
	{ "completeness", "ความครบถ้วนของข้อมูล", "Data completeness" },
	{ "incomplete", "ข้อมูลไม่ครบ", "incomplete" },
	{ "to_review", "ต้องตรวจสอบ", "to review" },
	{ "month", "เดือน", "Month" },
	{ "amount", "ปริมาณ", "Amount" },
	{ "baseline", "ปีฐาน", "Baseline" },
	{ "change", "เปลี่ยนแปลง (ร้อยละที่ลดลง)", "Change (% less)" },
	{ "per", "ต่อหน่วย", "Per unit" },
	{ "per_person", "ต่อคน", "per person" },
	{ "per_m2", "ต่อ ตร.ม.", "per m²" },
	{ "target", "เป้าหมาย", "Target" },
	{ "target_pct", "เป้าหมายลดลง (ร้อยละ)", "Target reduction (%)" },
	{ "met", "บรรลุเป้าหมาย", "target met" },
	{ "kpi14", "ตัวชี้วัดที่ 1.4 ระดับความสำเร็จของการขับเคลื่อนสู่การเป็น Green Parliament",
	    "KPI 1.4 Progress towards a Green Parliament" },
	{ "results_report", "รายงานผลการดำเนินการตามแผนปฏิบัติการขับเคลื่อนสู่การเป็นสำนักงานสีเขียว",
	    "Results of the Green Office action plan" },
	{ "kpi14_l1", "มีแผนปฏิบัติการดำเนินการขับเคลื่อนสู่การเป็นสำนักงานสีเขียว ประจำปีงบประมาณ",
	    "The fiscal year's Green Office action plan exists" },
	{ "kpi14_l2", "ดำเนินการตามแผนปฏิบัติการได้ร้อยละ 80", "80 % of the action plan carried out" },
	{ "kpi14_l3", "ดำเนินการตามแผนปฏิบัติการได้ร้อยละ 100", "All of the action plan carried out" },
	{ "kpi14_l4", "มีรายงานผลการประเมินตนเองตามเกณฑ์การประเมินสำนักงานสีเขียวของกรมการเปลี่ยนแปลง"
	    "สภาพภูมิอากาศและสิ่งแวดล้อม ครบทุกหน่วยงาน",
	    "A self-assessment against DCCE's Green Office criteria for every unit" },
	{ "kpi14_l5", "มีรายงานผลการดำเนินการตามแผนปฏิบัติการ พร้อมผลลัพธ์ ผลกระทบ ปัญหา อุปสรรค "
	    "และข้อเสนอแนะ เสนอต่อหัวหน้าส่วนราชการ",
	    "A results report with outcomes, impacts, problems, obstacles and recommendations "
	    "submitted to the head of agency" },
	{ "kpi14_weight", "น้ำหนักร้อยละ 15", "weight 15 %" },
	{ "level_reached", "ผลการดำเนินงานอยู่ที่ระดับ", "Level reached" },
	{ "criterion", "เกณฑ์การให้คะแนน", "Criterion" },
	{ "shown_by", "หลักฐาน/ผลการดำเนินงาน", "Shown by" },
	{ "level_met", "ผ่าน", "met" },
	{ "level_not_met", "ยังไม่ผ่าน", "not met" },
	{ "action_plan", "แผนปฏิบัติการ", "Action plan" },
	{ "activity", "กิจกรรม", "Activity" },
	{ "owner", "ผู้รับผิดชอบ", "Owner" },
	{ "due", "กำหนดแล้วเสร็จ", "Due" },
	{ "act_done", "ดำเนินการแล้ว", "done" },
	{ "act_in_progress", "อยู่ระหว่างดำเนินการ", "in progress" },
	{ "act_not_started", "ยังไม่ได้ดำเนินการ", "not started" },
	{ "no_plan", "ยังไม่มีแผนปฏิบัติการของปีงบประมาณนี้ในข้อมูลขององค์กร (ไฟล์ plans/<ปีงบประมาณ>.ini)",
	    "no action plan for this fiscal year in the organisation data (plans/<fy>.ini)" },
	{ "approved_on", "อนุมัติแผนเมื่อ", "approved on" },
	{ "activities_done", "กิจกรรมที่ดำเนินการแล้ว", "activities done" },
	{ "of", "จาก", "of" },
	{ "units_assessed", "หน่วยงานที่ประเมินตนเองแล้ว", "units self-assessed" },
	{ "submitted_on", "เสนอหัวหน้าส่วนราชการเมื่อ", "submitted to the head of agency on" },
	{ "not_submitted", "ยังไม่ได้เสนอหัวหน้าส่วนราชการ", "not yet submitted to the head of agency" },
	{ "texts_missing", "ยังไม่ได้ระบุผลกระทบ ปัญหา อุปสรรค หรือข้อเสนอแนะ",
	    "impacts, problems, obstacles or recommendations not written yet" },
	{ "outcomes", "ผลลัพธ์", "Outcomes" },
	{ "impacts", "ผลกระทบ", "Impacts" },
	{ "plan_problems", "ปัญหา", "Problems" },
	{ "obstacles", "อุปสรรค", "Obstacles" },
	{ "recommendations", "ข้อเสนอแนะ", "Recommendations" },
	{ "not_written", "ยังไม่ได้ระบุ (ระบุในหมวด [plan] ของไฟล์แผนปฏิบัติการ)",
	    "not written yet (in the plan file's [plan] section)" },
	{ "plan_progress", "ผลการดำเนินการตามแผน", "Progress of the plan" },
	{ "units_graded", "ผลการประเมินตนเองของหน่วยงาน", "Units' self-evaluations" },
	{ "judged_per", "พิจารณาจากปริมาณต่อหน่วย", "judged per unit" },
	{ "judged_total", "พิจารณาจากปริมาณรวม", "judged on the total" },
	{ "not_assessed", "ยังไม่ได้ประเมินตนเอง", "not self-assessed yet" },
	{ "not_met", "ไม่บรรลุเป้าหมาย", "target not met" },
	{ "unknown", "ยังประเมินไม่ได้", "cannot tell yet" },
	{ "ghg", "ก๊าซเรือนกระจก (กก. คาร์บอนไดออกไซด์เทียบเท่า)", "Greenhouse gas (kgCO2e)" },
	{ "fc_title", "คาดการณ์ถึงสิ้นปีงบประมาณ (ประมาณการ ไม่ใช่ผลจริง)",
	    "Forecast to the fiscal year's end (an estimate, not a result)" },
	{ "fc_basis", "ประมาณจากเดือนที่เปรียบเทียบแล้ว และรูปแบบรายเดือนของปีฐาน; จำนวนเดือนที่ใช้",
	    "from the months compared so far and the baseline year's monthly shape; months used" },
	{ "fc_case", "กรณี", "Case" },
	{ "fc_met", "คาดว่าบรรลุเป้าหมาย", "expected to meet the target" },
	{ "fc_not_met", "คาดว่าไม่บรรลุเป้าหมาย", "expected to miss the target" },
	{ "fc_expected", "คาดการณ์", "expected" },
	{ "fc_best", "ดีที่สุด (เดือนที่เหลือเหมือนเดือนที่ดีที่สุด)", "best (the rest like the best month so far)" },
	{ "fc_worst", "แย่ที่สุด (เดือนที่เหลือเหมือนเดือนที่แย่ที่สุด)", "worst (the rest like the worst month so far)" },
	{ "fc_year_total", "ปริมาณทั้งปี", "Whole year" },
	{ "fc_base_year", "ปีฐานทั้งปี", "Baseline, whole year" },
	{ "fc_target_year", "เป้าหมายทั้งปี", "Target, whole year" },
	{ "chart_months", "ปีนี้เทียบกับปีฐาน รายเดือน", "this year against the baseline, month by month" },
	{ "chart_paper", "ร้อยละการใช้กระดาษที่ลดลงสะสม รายเดือน เทียบกับเกณฑ์ระดับคะแนน KPI",
	    "Paper reduction so far, month by month, against the KPI levels" },
	{ "chart_pct", "ร้อยละ", "%" },
	{ "chart_tonnes", "ตันคาร์บอนไดออกไซด์เทียบเท่า", "tCO2e" },
	{ "ghg_by_scope", "ก๊าซเรือนกระจกแยกตามขอบเขต (ตันคาร์บอนไดออกไซด์เทียบเท่า)",
	    "Greenhouse gas by scope (tCO2e)" },
	{ "ghg_t", "ก๊าซเรือนกระจก (ตันคาร์บอนไดออกไซด์เทียบเท่า)", "Greenhouse gas (tCO2e)" },
	{ "scope1", "ขอบเขตที่ 1 การเผาไหม้เชื้อเพลิงของยานพาหนะ", "Scope 1, fuel burnt in vehicles" },
	{ "scope2", "ขอบเขตที่ 2 การใช้ไฟฟ้า", "Scope 2, electricity bought" },
	{ "scope3", "ขอบเขตที่ 3 กระดาษ น้ำประปา และของเสีย", "Scope 3, paper, water and waste" },
	{ "scope_n", "ขอบเขตที่", "Scope" },
	{ "scope_total", "รวมทุกขอบเขต", "All scopes" },
	{ "not_measured", "ไม่มีข้อมูล", "not measured" },
	{ "kgco2e_per", "กก. คาร์บอนไดออกไซด์เทียบเท่า ต่อ", "kgCO2e per" },
	{ "factors", "ค่าสัมประสิทธิ์การปล่อยก๊าซเรือนกระจกที่ใช้", "Emission factors used" },
	{ "factor_from", "ใช้ตั้งแต่", "from" },
	{ "source", "แหล่งที่มา", "source" },
	{ "meters", "มิเตอร์ที่ใช้", "Meters used" },
	{ "meter_unit", "เครื่อง", "meter" },
	{ "meters_unit", "เครื่อง", "meters" },
	{ "and_more", "และอีก", "and" },
	{ "more_meters", "เครื่อง ตามที่กำหนดในแฟ้มข้อมูลหน่วยงาน",
	    "more, as the organisation file maps them" },
	{ "share", "สัดส่วน", "share" },
	{ "cause", "การวิเคราะห์สาเหตุ", "Cause analysis" },
	{ "plan", "แนวทางแก้ไข", "Corrective plan" },
	{ "cause_met", "สาเหตุที่นำไปสู่การบรรลุเป้าหมาย", "Why the target was met" },
	{ "cause_missed", "สาเหตุที่ไม่บรรลุเป้าหมายและแนวทางแก้ไข", "Why the target was missed, and the plan" },
	{ "no_cause", "หน่วยงานยังไม่ได้ระบุสาเหตุ (ข้อ 4 ของตัวชี้วัดจึงยังไม่ได้คะแนน)",
	    "the unit has not given its cause yet (so the indicator's item 4 scores nothing)" },
	{ "category", "หมวด", "Category" },
	{ "edition", "เกณฑ์ฉบับปี", "Criteria edition" },
	{ "weight", "น้ำหนัก", "Weight" },
	{ "score", "คะแนน", "Score" },
	{ "indicator", "ตัวชี้วัด", "Indicator" },
	{ "ind_no", "ข้อ", "No." },
	{ "points", "คะแนนเต็ม", "Points" },
	{ "evidence", "หลักฐาน", "Evidence" },
	{ "note", "หมายเหตุ", "Note" },
	{ "from_meters", "จากข้อมูลมิเตอร์", "from the meter data" },
	{ "items_met", "ข้อที่ผ่าน (จาก 4)", "items met (of 4)" },
	{ "no_data", "ไม่มีข้อมูล", "no data" },
	{ "p_reset", "มิเตอร์รีเซ็ตโดยไม่แจ้ง", "an unannounced counter reset" },
	{ "p_other_unit", "ได้รับค่าที่หน่วยหรือชนิดไม่ตรงกับที่บันทึกไว้", "a reading of another unit or kind" },
	{ "p_refused", "ข้อความถูกปฏิเสธ", "a message refused" },
	{ "p_aside", "แฟ้มข้อมูลเสียหาย พักการบันทึกไว้", "its file is damaged: set aside" },
	{ "out_of_range", "นอกช่วงที่กำหนด %s–%s", "outside its limits %s..%s" },
	{ "signin", "เข้าสู่ระบบ", "Sign in" },
	{ "signout", "ออกจากระบบ", "Sign out" },
	{ "signin_name", "ชื่อผู้ใช้", "User name" },
	{ "signin_password", "รหัสผ่าน", "Password" },
	{ "signin_wrong", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong user name or password" },
	{ "signin_locked", "บัญชีนี้ถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ได้หลังเวลา %s น.",
	  "This account is locked after too many wrong passwords; try again after %s" },
	{ "signin_address", "มีการลองเข้าสู่ระบบผิดจากเครื่องนี้มากเกินไป กรุณารอ 15 นาที",
	  "Too many wrong sign-ins from this machine; wait 15 minutes" },
	{ "signin_stale", "แบบฟอร์มหมดอายุ กรุณาลองอีกครั้ง", "The form had expired; please try again" },
	{ "signin_error", "ระบบบัญชีผู้ใช้ขัดข้อง กรุณาแจ้งผู้ดูแลระบบ",
	  "The accounts database is out of order; tell the administrator" },
	{ "audit", "บันทึกการเปลี่ยนแปลง (audit log)", "Audit log" },
	{ "audit_who", "ผู้ดำเนินการ", "Who" },
	{ "audit_from", "จากเครื่อง", "From" },
	{ "audit_what", "รายการ", "What" },
	{ "audit_old", "ค่าเดิม", "Old value" },
	{ "audit_new", "ค่าใหม่", "New value" },
	{ "audit:sign in", "เข้าสู่ระบบ", "sign in" },
	{ "audit:sign out", "ออกจากระบบ", "sign out" },
	{ "audit:sign-in refused: wrong password", "เข้าสู่ระบบไม่สำเร็จ: รหัสผ่านไม่ถูกต้อง",
	  "sign-in refused: wrong password" },
	{ "audit:account locked", "ระงับบัญชีชั่วคราว (ใส่รหัสผ่านผิดหลายครั้ง)",
	  "account locked (too many wrong passwords)" },
	{ "audit:add user", "เพิ่มผู้ใช้", "add user" },
	{ "audit:set password", "ตั้งรหัสผ่านใหม่", "set password" },
	{ "audit:command line", "คำสั่งบนเครื่องแม่ข่าย", "command line" },
	{ "entries", "บันทึกข้อมูลรายเดือน", "Monthly entries" },
	{ "e_resource", "ประเภท", "Resource" },
	{ "e_channel", "ช่องข้อมูล", "Channel" },
	{ "e_stored", "ค่าที่บันทึกไว้", "Stored" },
	{ "e_new", "ค่าใหม่", "New amount" },
	{ "e_reason", "เหตุผลของการแก้ไข (ต้องระบุเมื่อแก้ค่าที่บันทึกไว้แล้ว)",
	  "Why it changes (needed to correct a stored amount)" },
	{ "e_save", "บันทึก", "Save" },
	{ "e_saved", "บันทึกแล้ว และส่งเข้าระบบเก็บข้อมูลแล้ว", "Saved, and sent to the collector" },
	{ "e_saved_pending", "บันทึกแล้ว แต่ยังส่งเข้าระบบเก็บข้อมูลไม่ได้ ระบบจะส่งให้อีกครั้งโดยอัตโนมัติ",
	  "Saved; not sent to the collector yet: it will be, by itself" },
	{ "e_locked", "เดือนนี้ปิดรับข้อมูลแล้ว โดย", "This month is locked, by" },
	{ "e_lock", "ปิดรับข้อมูลเดือนนี้", "Lock this month" },
	{ "e_unlock", "เปิดรับข้อมูลเดือนนี้อีกครั้ง", "Unlock this month" },
	{ "e_none", "หน่วยงานนี้ไม่มีช่องข้อมูลที่บันทึกรายเดือน", "This unit has no channel entered by month" },
	{ "e_month", "เดือนต้องเป็นเดือนที่ผ่านไปแล้ว ในรูปแบบ ปปปป-ดด (ค.ศ.)",
	  "The month must be one that is over, as YYYY-MM" },
	{ "e_not_yours", "บัญชีนี้บันทึกข้อมูลของหน่วยงานนี้ไม่ได้", "This account may not enter this unit's data" },
	{ "e_bad_amount", "ค่าต้องเป็นตัวเลขไม่ติดลบ เช่น 40 หรือ 12.5 ไม่มีการบันทึกใด ๆ",
	  "An amount is a number of 0 or more, such as 40 or 12.5: nothing was saved" },
	{ "e_need_reason", "การแก้ค่าที่บันทึกไว้แล้วต้องระบุเหตุผล ไม่มีการบันทึกใด ๆ",
	  "Correcting a stored amount needs a reason: nothing was saved" },
	{ "e_bad_reason", "เหตุผลมีอักขระที่ใช้ไม่ได้ ไม่มีการบันทึกใด ๆ",
	  "The reason has characters that cannot be taken: nothing was saved" },
	{ "audit_older", "รายการก่อนหน้า", "Older entries" },
	{ "c_progress_all", "ความคืบหน้าการประเมินตนเองของทุกหน่วยงาน", "Every unit's self-evaluation progress" },
	{ "c_causes", "ระบุสาเหตุแล้ว", "Causes given" },
	{ "c_files_count", "ไฟล์หลักฐาน", "Evidence files" },
	{ "c_remove_file", "ลบไฟล์นี้", "Remove this file" },
	{ "c_removed", "ลบไฟล์หลักฐานแล้ว", "The evidence file is removed" },
	{ "c_too_many_files", "ตัวชี้วัดนี้มีไฟล์หลักฐานครบ 20 ไฟล์แล้ว จึงไม่ได้แนบ", "This indicator has 20 evidence files already: not attached" },
	{ "c_stale", "มีผู้บันทึกข้อมูลนี้หลังจากที่ท่านเปิดหน้านี้ จึงยังไม่ได้บันทึกข้อมูลของท่าน ด้านล่างคือข้อมูลล่าสุด กรุณาตรวจสอบแล้วบันทึกอีกครั้ง",
	  "Someone saved this after you opened the page, so yours was not saved: below is the latest; check it and save again" },
	{ "users", "ผู้ใช้งานระบบ", "Accounts" },
	{ "u_viewer", "ผู้ดูข้อมูล", "viewer" },
	{ "u_editor", "ผู้บันทึกข้อมูลของสำนัก", "bureau editor" },
	{ "u_coordinator", "ผู้ประสานงานสำนักงานสีเขียว", "Green Office coordinator" },
	{ "u_admin", "ผู้ดูแลระบบ", "administrator" },
	{ "u_units", "หน่วยงานที่บันทึกข้อมูลได้ (สำหรับผู้บันทึกข้อมูล)", "Units it enters data for (an editor)" },
	{ "u_directory", "เข้าสู่ระบบด้วยบัญชีของหน่วยงาน (LDAP)", "signs in through the directory (LDAP)" },
	{ "u_directory_signin", "ใช้รหัสผ่านของบัญชีหน่วยงาน (LDAP) แทน", "use the directory's password (LDAP) instead" },
	{ "u_set_role", "บันทึกบทบาท", "Save the role" },
	{ "u_new_password", "รหัสผ่านใหม่ อย่างน้อย 8 ตัวอักษร", "new password, 8 characters or more" },
	{ "u_set_password", "ตั้งรหัสผ่านใหม่", "Set the password" },
	{ "u_locked", "ถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง", "locked after too many wrong passwords" },
	{ "u_unlock", "ปลดการระงับ", "Unlock" },
	{ "u_add", "เพิ่มผู้ใช้", "Add an account" },
	{ "u_name", "ชื่อเข้าระบบ (a-z 0-9 . _ -)", "Sign-in name (a-z 0-9 . _ -)" },
	{ "u_display", "ชื่อ-นามสกุล", "Full name" },
	{ "u_password", "รหัสผ่าน อย่างน้อย 8 ตัวอักษร", "Password, 8 characters or more" },
	{ "u_add_button", "เพิ่มผู้ใช้", "Add" },
	{ "u_saved", "บันทึกแล้ว", "Saved" },
	{ "u_bad_role", "บทบาทไม่ถูกต้อง ไม่มีการบันทึกใด ๆ", "Not a role: nothing was saved" },
	{ "u_bad_unit", "หน่วยงานไม่อยู่ในผังองค์กร ไม่มีการบันทึกใด ๆ", "Not a unit of the organisation: nothing was saved" },
	{ "u_need_unit", "ผู้บันทึกข้อมูลต้องมีหน่วยงานอย่างน้อยหนึ่งหน่วย ไม่มีการบันทึกใด ๆ", "An editor needs at least one unit: nothing was saved" },
	{ "u_bad_name", "ชื่อเข้าระบบหรือชื่อ-นามสกุลไม่ถูกต้อง ไม่มีการบันทึกใด ๆ", "The sign-in name or full name cannot be taken: nothing was saved" },
	{ "u_not_added", "เพิ่มผู้ใช้ไม่ได้", "The account was not added" },
	{ "u_not_saved", "บันทึกไม่ได้", "Not saved" },
	{ "u_self", "ผู้ดูแลระบบยกเลิกบทบาทผู้ดูแลระบบของตนเองไม่ได้ (ต้องมีผู้ดูแลระบบเหลืออยู่เสมอ) ไม่มีการบันทึกใด ๆ",
	  "An administrator cannot take away their own role (someone must be left to give it back): nothing was saved" },
	{ "audit:set role", "เปลี่ยนบทบาท", "set role" },
	{ "audit:unlock", "ปลดการระงับบัญชี", "unlock" },
	{ "e_dials", "ค่าที่อ่านจากหน้าปัดมาตร (จดด้วยมือ)", "Dials read by hand" },
	{ "e_last_reading", "ค่าล่าสุดที่บันทึกไว้", "Last reading stored" },
	{ "e_read_on", "วันที่อ่าน", "Read on" },
	{ "e_reading", "ค่าที่อ่านได้", "Reading" },
	{ "e_dial_rule", "บันทึกค่าตัวเลขบนหน้าปัดตามที่อ่านได้ (ไม่ใช่ปริมาณที่ใช้) เดือนละหนึ่งครั้ง ค่าต้องไม่น้อยกว่าครั้งก่อน หากเปลี่ยนมาตรใหม่ให้แจ้งผู้ดูแลระบบ",
	  "Write the number the dial shows (not the amount used), once a month, never lower than the last; a replaced meter is announced by the administrator" },
	{ "e_dial_day", "วันที่อ่านต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว และไม่เกินวันนี้ ไม่มีการบันทึกใด ๆ",
	  "The day it was read is YYYY-MM-DD, today at the latest: nothing was saved" },
	{ "e_dial_month", "มาตรนี้มีค่าที่อ่านของเดือนนั้นหรือเดือนหลังจากนั้นแล้ว (บันทึกได้เดือนละหนึ่งครั้ง) ไม่มีการบันทึกใด ๆ",
	  "This dial already has a reading of that month or a later one (one a month): nothing was saved" },
	{ "e_dial_back", "ค่าที่อ่านได้น้อยกว่าครั้งก่อน หน้าปัดมาตรไม่นับถอยหลัง หากเปลี่ยนมาตรใหม่ให้แจ้งผู้ดูแลระบบ ไม่มีการบันทึกใด ๆ",
	  "The reading is lower than the last: a dial does not run back; if the meter was replaced, tell the administrator: nothing was saved" },
	{ "plan_title", "แผนปฏิบัติการขับเคลื่อนสู่การเป็นสำนักงานสีเขียว", "Green Office action plan" },
	{ "plan_nav", "แผนปฏิบัติการ", "Action plan" },
	{ "p_owner", "หน่วยงานผู้รับผิดชอบ", "Owner" },
	{ "p_due", "กำหนดเสร็จ", "Due" },
	{ "p_not_started", "ยังไม่เริ่ม", "not started" },
	{ "p_in_progress", "กำลังดำเนินการ", "in progress" },
	{ "p_done", "ดำเนินการแล้ว", "done" },
	{ "p_new", "กิจกรรมใหม่", "A new activity" },
	{ "p_remove", "ลบกิจกรรมนี้", "remove this activity" },
	{ "p_activity", "กิจกรรมที่", "activity" },
	{ "p_activities", "กิจกรรม", "Activities" },
	{ "p_approved", "วันที่อนุมัติแผน", "Approved on" },
	{ "p_submitted", "วันที่เสนอรายงานผลต่อหัวหน้าส่วนราชการ", "Results report submitted on" },
	{ "p_impacts", "ผลกระทบ", "Impacts" },
	{ "p_problems", "ปัญหา", "Problems" },
	{ "p_obstacles", "อุปสรรค", "Obstacles" },
	{ "p_recommendations", "ข้อเสนอแนะ", "Recommendations" },
	{ "p_done_of", "ดำเนินการแล้ว", "Done:" },
	{ "p_saved", "บันทึกแล้ว และปรับปรุงไฟล์แผนปฏิบัติการสำหรับจัดทำรายงานแล้ว",
	  "Saved, and the action plan file the reports read is updated" },
	{ "p_need_names", "กิจกรรมต้องมีชื่อทั้งภาษาไทยและภาษาอังกฤษ ไม่มีการบันทึกใด ๆ",
	  "An activity needs its Thai and English names: nothing was saved" },
	{ "p_bad_owner", "หน่วยงานผู้รับผิดชอบไม่อยู่ในผังองค์กร ไม่มีการบันทึกใด ๆ",
	  "The owner is not a unit of the organisation: nothing was saved" },
	{ "p_bad_date", "วันที่ต้องอยู่ในรูปแบบ ค.ศ. ปปปป-ดด-วว ไม่มีการบันทึกใด ๆ",
	  "A date is YYYY-MM-DD: nothing was saved" },
	{ "p_bad_status", "สถานะต้องเป็น ยังไม่เริ่ม กำลังดำเนินการ หรือ ดำเนินการแล้ว ไม่มีการบันทึกใด ๆ",
	  "The status is not started, in progress or done: nothing was saved" },
	{ "r_title", "จัดทำรายงานสำนักงานสีเขียวใหม่", "Make the Green Office reports again" },
	{ "r_what", "จัดทำชุดรายงานของปีงบประมาณใหม่จากข้อมูลล่าสุด (ข้อมูลรายเดือน แบบประเมินตนเอง และแผนปฏิบัติการ) ใช้เวลาไม่กี่นาที",
	  "Make a fiscal year's report set again from the latest data (monthly entries, checklists, the action plan): it takes a few minutes" },
	{ "r_button", "จัดทำรายงานใหม่", "Make the reports again" },
	{ "r_running", "กำลังจัดทำรายงาน", "Making the reports of" },
	{ "r_last", "จัดทำรายงานครั้งล่าสุด", "Last made:" },
	{ "r_done", "เสร็จแล้ว", "done" },
	{ "r_failed", "ไม่สำเร็จ (ดูบันทึกของระบบ)", "failed (see the log)" },
	{ "r_busy", "กำลังจัดทำรายงานอยู่ โปรดรอให้เสร็จก่อน", "A run is under way: wait for it to end" },
	{ "r_cannot", "เริ่มจัดทำรายงานไม่ได้ (ดูบันทึกของระบบ)", "The run could not start (see the log)" },
	{ "checklist", "แบบประเมินตนเองสำนักงานสีเขียว", "Green Office self-evaluation checklist" },
	{ "checklist_nav", "แบบประเมินตนเอง", "Checklist" },
	{ "c_fy", "ปีงบประมาณ", "Fiscal year" },
	{ "c_bad_fy", "ปีงบประมาณต้องเป็น พ.ศ. 4 หลัก ไม่เกินปีหน้า", "The fiscal year is a Buddhist-Era year, at most next year's" },
	{ "c_scored", "ให้คะแนนแล้ว", "Scored" },
	{ "c_of_all", "จากทั้งหมด", "Of" },
	{ "c_all", "รวมทุกหมวด", "All categories" },
	{ "c_not_scored", "ยังไม่ให้คะแนน", "not scored" },
	{ "c_from_meter", "คะแนนคำนวณจากข้อมูลมิเตอร์", "Scored from the meter data" },
	{ "c_cause_text", "สาเหตุ", "Cause" },
	{ "c_cause_plan", "แนวทางแก้ไข", "Plan" },
	{ "c_files", "แนบไฟล์หลักฐาน", "Attach an evidence file" },
	{ "c_indicator", "ตัวชี้วัด", "Indicator" },
	{ "c_attach", "แนบไฟล์", "Attach" },
	{ "c_file_rule", "ไฟล์ PDF, JPEG หรือ PNG (ตรวจจากเนื้อไฟล์) ขนาดไม่เกิน",
	  "A PDF, JPEG or PNG file (judged by its content), at most" },
	{ "c_saved", "บันทึกแล้ว และปรับปรุงไฟล์แบบประเมินสำหรับจัดทำรายงานแล้ว",
	  "Saved, and the checklist file the reports read is updated" },
	{ "c_uploaded", "แนบไฟล์หลักฐานแล้ว", "The evidence file is attached" },
	{ "c_bad_score", "คะแนนต้องอยู่ระหว่าง 0 ถึงคะแนนเต็มของตัวชี้วัด ไม่มีการบันทึกใด ๆ",
	  "A score is from 0 to the indicator's points: nothing was saved" },
	{ "c_bad_text", "ข้อความมีอักขระที่ใช้ไม่ได้ ยาวเกินไป ขึ้นบรรทัดใหม่ หรือมีเครื่องหมาย ; ต่อจากช่องว่าง ไม่มีการบันทึกใด ๆ",
	  "A text has characters that cannot be taken, is too long, has a line break, or a ; after a space: nothing was saved" },
	{ "c_need_text", "เมื่อระบุแนวทางแก้ไขต้องระบุสาเหตุด้วย ไม่มีการบันทึกใด ๆ",
	  "A plan needs its cause: nothing was saved" },
	{ "c_bad_file", "ไฟล์นี้ไม่ใช่ PDF, JPEG หรือ PNG (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์) จึงไม่ได้แนบ",
	  "This file is not a PDF, JPEG or PNG (judged by its content, not its name): not attached" },
	{ "c_no_file", "ยังไม่ได้เลือกไฟล์", "No file was chosen" },
	{ "c_bad_indicator", "ไม่มีตัวชี้วัดนี้ในเกณฑ์", "No such indicator in the criteria" },
	{ "c_not_saved", "บันทึกไม่ได้", "Not saved" },
	{ "c_file_mistakes", "ไฟล์แบบประเมินที่แก้ไขด้วยมือมีข้อผิดพลาด จึงยังไม่ได้นำเข้า (ไฟล์เดิมจะเก็บสำรองไว้เมื่อบันทึกจากหน้านี้):",
	  "The checklist file written by hand has mistakes, so it was not read in (it is kept aside when this page saves):" },
	{ "account", "บัญชีผู้ใช้", "Account" },
	{ "signed_in_as", "เข้าสู่ระบบในชื่อ", "Signed in as" },
	{ "all_resources", "ทุกประเภท", "every resource" },
	{ "none_yet", "ยังไม่มีข้อมูลของเดือนนี้", "none yet this month" },
	{ "sign_prepared", "ผู้จัดทำ", "Prepared by" },
	{ "sign_checked", "ผู้ตรวจสอบ", "Checked by" },
	{ "sign_approved", "ผู้อนุมัติ", "Approved by" },
	{ "sign_signed", "ลงชื่อ", "Signed" },
	{ "sign_position", "ตำแหน่ง", "Position" },
	{ "sign_date", "วันที่ ...... เดือน ............ พ.ศ. ......",
	    "Date ...................................." },
	{ "kpi_scale", "เกณฑ์การให้คะแนนตัวชี้วัด (ระดับ)", "KPI scale (level)" },
	{ "grade_scale", "เกณฑ์ระดับผลการประเมิน", "Grade bands" },
	{ "level", "ระดับ", "level" },
	{ "crit_reconstruction", "เกณฑ์ฉบับนี้เรียบเรียงขึ้นจากแหล่งข้อมูลสาธารณะ ยังไม่ได้ตรวจทานกับเอกสาร"
	    "เกณฑ์ฉบับทางการ คะแนนและระดับผลการประเมินจึงเป็นผลเบื้องต้นเท่านั้น",
	    "This criteria edition is a reconstruction from public sources, not checked "
	    "against the official document: scores and grades are indicative only." },
	{ "no_data_enter", "ยังไม่มีมิเตอร์หรือรายการบันทึกรายเดือนของหน่วยงานนี้ ให้บันทึกข้อมูล",
	    "no meter or monthly entry maps to this unit yet; enter the monthly figures of " },
	{ "readiness", "สิ่งที่ต้องทำเพื่อเลื่อนระดับ", "What the next grade needs" },
	{ "gain_needed", "คะแนนที่ต้องเพิ่ม", "points needed" },
	{ "at_top", "อยู่ในระดับสูงสุดแล้ว", "already at the highest grade" },
	{ "no_checklist", "ยังไม่มีแบบประเมินตนเองของหน่วยงาน (คะแนนตามแบบประเมินเป็น 0)",
	  "the unit has not filled its checklist (its indicators score 0)" },
	{ "whole", "ภาพรวมสำนักงาน", "Whole organisation" },
	{ "formula", "สูตร", "Formula" },
	{ "formula_change", "(ปีฐาน − ปีปัจจุบัน) ÷ ปีฐาน × 100 ในช่วงเดือนเดียวกัน เฉพาะเดือนที่สิ้นสุดแล้ว"
	  "และมีข้อมูลทั้งสองปี", "(baseline − current) ÷ baseline × 100 over the same months, "
	  "whole months closed and with data in both years only" },
	{ "generated", "จัดทำโดย greenmeter", "Made by greenmeter" },
	{ "problems", "ปัญหาที่พบในข้อมูล", "Problems in the data" },
	{ "more", "รายการเพิ่มเติม (ดู gm-report บนเครื่อง)", "more (see gm-report's messages)" },
	{ "trend", "แนวโน้มตามรอบ", "Trend across rounds" },
	{ "compared", "เปรียบเทียบ", "compared" },
	{ "compared_with", "กับ", "with" },
	{ "none_compared", "ยังไม่มีเดือนที่เปรียบเทียบได้", "no month to compare yet" },
	{ "not_compared", "ไม่นำมาเปรียบเทียบ", "not compared" },
	{ "why_in_progress", "ยังไม่สิ้นเดือน", "in progress" },
	{ "why_not_yet", "ยังไม่ถึง", "not begun" },
	{ "why_no_data", "ไม่มีข้อมูลของปีนี้", "no data this year" },
	{ "why_no_baseline", "ไม่มีข้อมูลของปีฐาน", "no baseline data" },
	{ "amount_compared", "ปริมาณ (เดือนที่เปรียบเทียบ)", "Amount (months compared)" },
	{ "same_months", "เดือนเดียวกัน", "same months" },
	{ "period_so_far", "ปริมาณทั้งช่วง (รวมเดือนที่ไม่ได้เปรียบเทียบ)",
	  "Use in the whole period (months not compared too)" },
	{ "compared_col", "การเปรียบเทียบ", "Compared" },
	{ "as_of", "ข้อมูล ณ วันที่", "data as of" },
	/* the dashboard */
	{ "dash_title", "greenmeter: มิเตอร์และหน่วยงาน", "greenmeter: meters and units" },
	{ "overview", "ภาพรวมมิเตอร์", "Meters" },
	{ "units", "หน่วยงาน", "Units" },
	{ "reports", "รายงาน", "Reports" },
	{ "meter", "มิเตอร์", "Meter" },
	{ "status", "สถานะ", "Status" },
	{ "st_ok", "ปกติ", "ok" },
	{ "st_stale", "ขาดการส่งข้อมูล", "stale" },
	{ "st_fault", "ผิดปกติ", "fault" },
	{ "last_value", "ค่าล่าสุด", "Last value" },
	{ "last_reading", "อ่านค่าล่าสุดเมื่อ", "Last reading" },
	{ "age", "ผ่านมาแล้ว", "Age" },
	{ "today", "ใช้วันนี้", "Today" },
	{ "this_month", "ใช้เดือนนี้", "This month" },
	{ "chart_hours", "การใช้รายชั่วโมง วันนี้", "Use by the hour, today" },
	{ "chart_days", "การใช้รายวัน เดือนนี้", "Use by the day, this month" },
	{ "week_before", "วันเดียวกันของสัปดาห์ก่อน", "The same day a week before" },
	{ "base_same_month", "เดือนเดียวกันของปีฐาน (ปีงบประมาณ %d)",
	  "The same month of the baseline year (FY %d)" },
	{ "never", "ยังไม่เคยได้รับ", "never" },
	{ "interval", "รอบการอ่านค่า", "Interval" },
	{ "quality", "คุณภาพข้อมูล", "Data quality" },
	{ "received", "ได้รับ", "received" },
	{ "stored", "บันทึกแล้ว", "stored" },
	{ "lost", "สูญหาย", "lost" },
	{ "duplicates", "ซ้ำ", "duplicated" },
	{ "late", "มาช้า (ต้องตรวจสอบ)", "late (to review)" },
	{ "resets", "มิเตอร์รีเซ็ตโดยไม่แจ้ง", "unannounced resets" },
	{ "wraps", "ตัวนับวนรอบ", "counter wraps" },
	{ "replaced", "เปลี่ยน/รีเซ็ตมิเตอร์ที่แจ้งไว้", "announced replacements" },
	{ "rejected", "ข้อความที่ถูกปฏิเสธ", "messages refused" },
	{ "quarantined", "ค่าที่กักไว้ (บันทึกไม่ได้)", "readings quarantined (not stored)" },
	{ "requeued", "ค่าที่นำกลับมาบันทึกแล้ว", "readings requeued" },
	{ "set_aside", "พักการบันทึก: แฟ้มข้อมูลเสียหาย ต้องซ่อมแล้วสั่ง --requeue",
	  "set aside: its file is damaged; mend it, then run gm-collector --requeue" },
	{ "problem", "ปัญหาล่าสุด", "Last problem" },
	{ "graphs", "กราฟ", "Graphs" },
	{ "recent", "ค่าที่อ่านได้ล่าสุด", "Recent readings" },
	{ "tab_arrived", "ค่าที่ได้รับ", "Readings as they came" },
	{ "tab_stored", "ข้อมูลที่บันทึก (รายนาที)", "Stored rows (a minute each)" },
	{ "arrived_none", "ยังไม่มีค่าที่ได้รับตั้งแต่ตัวเก็บข้อมูลเริ่มจดบันทึก",
	  "No reading has come since the collector began keeping them" },
	{ "arrived_at", "ได้รับเมื่อ", "Came" },
	{ "arrived_fate", "ผล", "What became of it" },
	{ "arr_s", "บันทึกแล้ว", "stored" },
	{ "arr_d", "ซ้ำ (มีอยู่แล้ว)", "duplicate (had it)" },
	{ "arr_l", "มาช้า (เก็บไว้ตรวจสอบ)", "late (kept to review)" },
	{ "arr_r", "มิเตอร์รีเซ็ตโดยไม่แจ้ง", "unannounced reset" },
	{ "arr_w", "ตัวนับวนรอบ", "counter wrapped" },
	{ "arr_q", "กักไว้ (บันทึกไม่ได้)", "quarantined (not stored)" },
	{ "after", "หลังเวลาอ่าน %s วินาที", "%s s after it was read" },
	{ "time", "เวลา", "Time" },
	{ "value", "ค่า", "Value" },
	{ "r_24h", "24 ชั่วโมง", "24 hours" },
	{ "r_7d", "7 วัน", "7 days" },
	{ "r_30d", "30 วัน", "30 days" },
	{ "r_1y", "1 ปี", "1 year" },
	{ "use_per_hour", "การใช้ต่อชั่วโมง", "use per hour" },
	{ "reading", "ค่าที่อ่านได้", "reading" },
	{ "month_vs", "เดือนนี้เทียบกับเดือนเดียวกันของปีฐาน", "This month against the same month of the baseline year" },
	{ "month_so_far", "เดือนนี้ (ถึงปัจจุบัน)", "This month so far" },
	{ "base_month", "เดือนเดียวกันของปีฐาน (ทั้งเดือน)", "Baseline month (whole)" },
	{ "base_pro", "ปีฐานตามสัดส่วนวันที่ผ่านมา", "Baseline pro rata" },
	{ "month_gone", "ผ่านไปแล้วของเดือน", "of the month gone" },
	{ "paper_fy", "ร้อยละการใช้กระดาษที่ลดลง ปีงบประมาณนี้ (เดือนที่ปิดแล้ว)",
	  "Paper reduction this fiscal year (closed months)" },
	{ "no_closed", "ยังไม่มีเดือนที่ปิดแล้วในปีงบประมาณนี้", "no closed month yet this fiscal year" },
	{ "months_closed", "เดือนที่ปิดแล้ว", "closed months" },
	{ "latest_reports", "รายงานล่าสุดของหน่วยงาน", "The unit's latest reports" },
	{ "no_reports", "ยังไม่มีรายงาน", "no reports yet" },
	{ "no_org", "ยังไม่ได้กำหนดไฟล์ข้อมูลหน่วยงาน (org)", "no organisation file configured (org)" },
	{ "not_ready", "กำลังคำนวณ โปรดรอสักครู่", "being computed; try again in a moment" },
	{ "file", "ไฟล์", "File" },
	{ "set_green", "รายงานสำนักงานสีเขียว", "Green Office reports," },
	{ "set_fy", "ปีงบประมาณ พ.ศ.", "fiscal year" },
	{ "set_quarter", "ไตรมาสที่", "quarter" },
	{ "made", "จัดทำเมื่อ", "made" },
	{ "other_files", "ไฟล์อื่น (CSV, JSON, อีกภาษาหนึ่ง)", "Other files (CSV, JSON, the other language)" },
	{ "size", "ขนาด", "Size" },
	{ "modified", "แก้ไขล่าสุด", "Modified" },
	{ "collector_status", "ไฟล์สถานะของตัวเก็บข้อมูล", "Collector status file" },
	{ "updated", "ปรับปรุงเมื่อ", "updated" },
	{ "refreshes", "หน้านี้ปรับปรุงตัวเองทุก", "This page refreshes itself every" },
	{ "seconds", "วินาที", "s" },
	{ "minutes", "นาที", "min" },
	{ "hours", "ชั่วโมง", "h" },
	{ "days", "วัน", "d" },
	{ "not_found", "ไม่พบ", "Not found" },
	{ "counts", "มิเตอร์ทั้งหมด", "Meters" },
	{ "channels", "ช่องข้อมูล", "channels" },
	{ "channels_head", "ช่องข้อมูล", "Channels" },
	{ "floor", "ชั้น", "floor" },
	{ "serves", "ใช้กับหน่วยงาน", "Serves" },
	{ "shared_by", "ใช้ร่วมกัน", "shared by" },
	{ "units_word", "หน่วยงาน", "units" },
	{ "no_building", "ไม่ระบุอาคาร", "No building given" },
	{ "no_unit", "ยังไม่ได้กำหนดหน่วยงาน", "Not mapped to a unit" },
	{ "search", "ค้นหา", "Search" },
	{ "search_hint", "ชื่อมิเตอร์ อาคาร ห้อง หน่วยงาน", "meter name, building, room, unit" },
	{ "group_by", "จัดกลุ่มตาม", "Group by" },
	{ "by_building", "อาคาร", "building" },
	{ "by_unit", "หน่วยงาน", "unit" },
	{ "by_site", "ไซต์", "site" },
	{ "only_problems", "เฉพาะที่มีปัญหา", "problems only" },
	{ "all_units", "ทุกหน่วยงาน", "all units" },
	{ "show", "แสดง", "Show" },
	{ "shown", "แสดง", "shown" },
	{ "no_match", "ไม่พบมิเตอร์ที่ตรงกับการค้นหา", "No meter matches the search" },
	{ "model", "รุ่นและหมายเลขเครื่อง", "Model and serial" },
	{ "serial", "หมายเลขเครื่อง", "serial" },
	{ "gateway", "อ่านผ่าน", "Read through" },
	{ "place", "ที่ตั้ง", "Where" },
	/* alerts (fault_text.c): format strings take at most two %s */
	{ "f_collector", "ตัวเก็บข้อมูลไม่บันทึกสถานะ", "the collector is not writing its status" },
	{ "f_site", "ไซต์ไม่ส่งข้อมูล (ตัวอ่านค่า)", "site not publishing (its agent)" },
	{ "f_gateway", "เกตเวย์ไม่ตอบ", "gateway not answering" },
	{ "f_meter", "มิเตอร์", "meter" },
	{ "f_resolved", "กลับมาปกติ", "resolved" },
	{ "f_still", "ยังไม่แก้ไข", "still" },
	{ "f_meters", ": มิเตอร์ %s เครื่อง%s", ": %s meters%s" },
	{ "f_since", "ตั้งแต่", "since" },
	{ "f_more", " และอีก %s เครื่อง%s", " and %s more%s" },
	{ "f_was_down", " (ขัดข้องนาน %s %s)", " (down for %s %s)" },
	{ "u_sec", "วินาที", "s" },
	{ "u_min", "นาที", "min" },
	{ "u_hour", "ชั่วโมง", "h" },
	{ "photo", "รูปถ่าย", "Photo" },
	{ "usage_at", "คำนวณการใช้เมื่อ", "use computed at" },
	{ "no_graph", "ช่องนี้เป็นการบันทึกด้วยมือ ไม่มีกราฟ", "a channel of manual entries: no graph" },
};

const char *green_month_short(int m, enum lang lang)
{
	int i = (m + 9) % 12;   /* October is the calendar's tenth */

	return lang == LANG_TH ? month_th[i] : month_en[i];
}

const char *green_text_duplicate(void)
{
	size_t n = sizeof(words) / sizeof(words[0]);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(words[i].key, words[j].key) == 0)
				return words[i].key;
	return NULL;
}

const char *tr(enum lang lang, const char *key)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].key, key) == 0)
			return lang == LANG_TH ? words[i].th : words[i].en;
	}
	return key;
}

const char *resource_label(enum resource r, enum lang lang)
{
	static const char *const th[RES_N] = {
		"ไฟฟ้า", "น้ำประปา", "กระดาษ (พิมพ์, แผ่น)", "กระดาษ (เบิก, รีม)", "น้ำมันเชื้อเพลิง", "ขยะฝังกลบ",
	};
	static const char *const en[RES_N] = {
		"Electricity", "Water", "Paper printed (sheets)", "Paper issued (reams)", "Fuel", "Waste landfilled",
	};

	return lang == LANG_TH ? th[r] : en[r];
}

void green_cohort_words(const char *cohort, enum lang lang, char *buf, size_t len)
{
	static const struct { const char *en; enum grade g; } grades[] = {
		{ "Gold", GRADE_GOLD }, { "Silver", GRADE_SILVER }, { "Bronze", GRADE_BRONZE },
	};
	int year, n = 0;
	char rest[16];

	if (sscanf(cohort, "%4d target%n", &year, &n) == 1 && n > 0 && cohort[n] == '\0') {
		snprintf(buf, len, lang == LANG_TH ? "เป้าหมายปี %d" : "target for %d", year);
		return;
	}
	if (sscanf(cohort, "%4d: %15s%n", &year, rest, &n) == 2 && cohort[n] == '\0') {
		for (size_t i = 0; i < sizeof(grades) / sizeof(grades[0]); i++) {
			if (strcmp(rest, grades[i].en) != 0)
				continue;
			if (lang == LANG_TH)
				snprintf(buf, len, "ได้รับการรับรองปี %d %s", year,
				    kpi_grade_name(grades[i].g, 1));
			else
				snprintf(buf, len, "certified %s in %d", grades[i].en, year);
			return;
		}
	}
	snprintf(buf, len, "%s", cohort);
}

const char *green_grade_words(const struct self_eval *e, enum lang lang)
{
	if (e->answered == 0)
		return tr(lang, "not_assessed");
	return kpi_grade_name(e->grade, lang == LANG_TH);
}

int resource_decimals(enum resource r)
{
	return r == RES_PAPER_PRINTED || r == RES_PAPER_REAMS ? 0 : 2;
}

const char *unit_words(const char *unit, enum lang lang)
{
	static const struct { const char *unit, *th; } short_th[] = {
		{ "kWh", "หน่วย" }, { "Wh", "วัตต์ชั่วโมง" }, { "m3", "ลบ.ม." }, { "L", "ลิตร" },
		{ "reams", "รีม" }, { "sheets", "แผ่น" }, { "pages", "หน้า" }, { "kg", "กก." },
		{ "W", "วัตต์" }, { "kW", "กิโลวัตต์" }, { "V", "โวลต์" }, { "A", "แอมแปร์" },
	};

	for (size_t i = 0; lang == LANG_TH && i < sizeof(short_th) / sizeof(short_th[0]); i++)
		if (strcmp(unit, short_th[i].unit) == 0)
			return short_th[i].th;
	return unit;
}

const char *resource_unit_words(enum resource r, enum lang lang)
{
	static const char *const th[RES_N] = {
		"กิโลวัตต์ชั่วโมง", "ลูกบาศก์เมตร", "แผ่น", "รีม", "ลิตร", "กิโลกรัม",
	};

	if ((unsigned)r >= RES_N)
		return "?";
	return lang == LANG_TH ? th[r] : resource_unit(r);
}
