/*
 * kpi.c - the paper-reduction KPI's percentage and level, and the Green
 * Office grade. Worked examples (tests/unit/test_kpi.c has them all):
 *
 *   kpi_reduction_pct(1200, 1050) = 150 / 1200 * 100 = 12.5 (% less paper)
 *   kpi_reduction_pct(1000, 1584.7) = -58.47 (a rise is a negative reduction)
 *   kpi_level({0, 2.5, 5, 7.5, 10}, 0, 6.25): 6.25 lies half way from
 *     t[2] = 5 (level 3) to t[3] = 7.5 (level 4), so 3.5
 *   kpi_grade_of({90, 80, 60}, 89.99) = silver; 90 = gold (half-open bands)
 */
#include <math.h>

#include "kpi.h"

double kpi_reduction_pct(double baseline, double current)
{
	/* !(baseline > 0) is also true for NAN */
	if (!(baseline > 0) || isnan(current))
		return NAN;
	return (baseline - current) / baseline * 100;
}

double kpi_level(const double t[5], double below, double x)
{
	int i;

	if (isnan(x))
		return NAN;
	if (x < t[0])
		return below;
	if (x >= t[4])
		return 5;
	/* Find t[i] <= x < t[i + 1]: x >= t[0] and each pass showed x >= t[i].
	 * Equal neighbouring thresholds are stepped over, so no division by 0. */
	for (i = 0; i < 3; i++)
		if (x < t[i + 1])
			break;
	return i + 1 + (x - t[i]) / (t[i + 1] - t[i]);
}

enum grade kpi_grade_of(const double bands[3], double pct)
{
	if (pct >= bands[0])
		return GRADE_GOLD;
	if (pct >= bands[1])
		return GRADE_SILVER;
	if (pct >= bands[2])
		return GRADE_BRONZE;
	return GRADE_NONE;   /* also NAN: nothing to certify */
}

double kpi_grade_next_bound(const double bands[3], enum grade g)
{
	switch (g) {
	case GRADE_NONE:
		return bands[2];
	case GRADE_BRONZE:
		return bands[1];
	case GRADE_SILVER:
		return bands[0];
	case GRADE_GOLD:
		break;
	}
	return NAN;
}

const char *kpi_grade_name(enum grade g, int thai)
{
	switch (g) {
	case GRADE_GOLD:
		return thai ? "ระดับดีเยี่ยม (ทอง)" : "Gold";
	case GRADE_SILVER:
		return thai ? "ระดับดีมาก (เงิน)" : "Silver";
	case GRADE_BRONZE:
		return thai ? "ระดับดี (ทองแดง)" : "Bronze";
	case GRADE_NONE:
		break;
	}
	return thai ? "ไม่ผ่านการรับรอง" : "Not certified";
}
