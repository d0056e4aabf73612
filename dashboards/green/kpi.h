/*
 * kpi.h - the arithmetic of the paper-reduction KPI and the Green Office
 * grade, kept apart so that every report and the dashboard use one copy.
 *
 * kpi_reduction_pct: (baseline - current) / baseline * 100; NAN when the
 * baseline is 0, negative or unknown (a reduction from nothing is not a
 * number), or the current figure is unknown.
 * kpi_level: the thresholds t[0..4] are the values reaching levels 1..5
 * (ascending). Between two thresholds the level is interpolated linearly:
 * x = t[i] + f (t[i+1] - t[i]) gives level i + 1 + f. At or above t[4]: 5.
 * Below t[0]: `below` (0 by default in org.h: "level 1 not reached").
 * x NAN (no reduction to judge): NAN.
 * kpi_grade_of: half-open bands, lower bounds bands[0] gold, [1] silver,
 * [2] bronze: 89.99 is silver, 90 gold, 59.99 not certified.
 */
#ifndef GM_KPI_H
#define GM_KPI_H

enum grade { GRADE_NONE, GRADE_BRONZE, GRADE_SILVER, GRADE_GOLD };

double kpi_reduction_pct(double baseline, double current);
double kpi_level(const double t[5], double below, double x);
enum grade kpi_grade_of(const double bands[3], double pct);
/* The lower bound of the next grade above g, or NAN at gold. */
double kpi_grade_next_bound(const double bands[3], enum grade g);
const char *kpi_grade_name(enum grade g, int thai);   /* "Gold" / "ระดับดีเยี่ยม (ทอง)" ... */

#endif
