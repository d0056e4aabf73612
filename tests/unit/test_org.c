/*
 * test_org.c - the organisation file (dashboards/green/org.c, org_units.c,
 * org_meters.c): units, shares, dated mappings, emission factors by date,
 * every kind of mistake with its line, and the shipped Senate file.
 *
 * Files are written into a fresh temporary directory; reports are compared,
 * as "org.ini:line: message" with the directory left out, with text written
 * here by hand. Times are Asia/Bangkok local midnight, i.e. midnight UTC
 * minus 7 h: 2026-01-01T00:00Z = 20454 days * 86400 = 1767225600, minus
 * 25200 s = 1767200400.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "org.h"
#include "gm_err.h"
#include "testutil.h"
#include "timeutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

#define JAN_2023 1672506000   /* 2023-01-01 00:00 +07 (19358 days, minus 7 h) */
#define OCT_2023 1696093200   /* 2023-10-01 00:00 +07 */
#define APR_2024 1711904400   /* 2024-04-01 00:00 +07 */
#define OCT_2024 1727715600   /* 2024-10-01 00:00 +07 */
#define JAN_2026 1767200400   /* 2026-01-01 00:00 +07 */
#define JAN_2024 1704042000   /* 2024-01-01 00:00 +07 */
#define JAN_2025 1735664400   /* 2025-01-01 00:00 +07 */

static struct org org;   /* ~150 kB: not on the stack */

/* The [meters] section comes first: its units are defined further down. */
static const char small_org[] =
    "; a small organisation for the tests\n"                                    /* 1 */
    "[meters]\n"
    "p/b2-main/import_kwh = electricity from 2023-10-01 central-admin 60 finance-budget 40\n"
    "p/b2-main/import_kwh = electricity from 2024-04-01 legal\n"                 /* 4 */
    "p/stores/reams = paper_reams from 2023-10-01 finance-budget 3 legal 2\n"
    "p/water/total = water from 2023-10-01 legal finance-budget\n"
    "p/b2-main/import_kwh = electricity from 2024-10-01 central-admin 0.6 finance-budget 0.4\n"
    "[organisation]\n"                                                          /* 8 */
    "th = สำนักงานทดสอบ\n"
    "en = Test Office\n"
    "baseline = 2568\n"
    "paper_basis = printed\n"
    "criteria = criteria-2567.ini\n"
    "checklists = checklists\n"
    "[kpi]\n"
    "paper_levels = 1 2 3 4 5.5\n"
    "below = 1\n"
    "grades = 85 75 50\n"
    "[factors]\n"
    "water 2023-01-01 = 0.5410\n"
    "electricity 2026-01-01 = 0.4750 | TGO grid electricity, from 1 Jan 2026 ; note\n"
    "electricity 2023-01-01 = 0.5986 | ค่าเดิม | earlier\n"
    "[unit central-admin]\n"
    "th = สำนักบริหารงานกลาง\n"
    "en = Bureau of Central Administration\n"
    "[unit finance-budget]\n"
    "th = สำนักการคลังและงบประมาณ\n"
    "en = Bureau of Finance and Budget\n"
    "cohort = 2568 target\n"
    "per = person\n"
    "headcount 2568 = 42\n"
    "area 2568 = 350\n"
    "target electricity = 5\n"
    "target paper_reams = 10\n"
    "[unit legal]\n"
    "per = m2\n"
    "baseline = 2569\n"
    "headcount 2569 = 20\n"
    "area 2569 = 200\n";

static int group_setup(void **state)
{
	(void)state;
	return tz_set(TZ_DEFAULT) == GM_OK ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	return tmpdir_make("org");
}

static int teardown(void **state)
{
	org_free(&org);
	return tmpdir_teardown(state);
}

/* Write <tmpdir>/org.ini and load it; the number of mistakes. */
static int load_text(const char *text)
{
	org_free(&org);
	reports.n = 0;
	return org_load(fixture("org.ini", text), &org, collect, NULL);
}

static void load_small(void)
{
	if (load_text(small_org) != 0) {
		expect_reports(NULL, 0);   /* prints what was reported */
		fail();
	}
}

static int unit(const char *id)
{
	int u = org_unit_find(&org, id);

	assert_true(u >= 0);
	return u;
}

/* The kgCO2e per unit of the factor in force at t; fails when none is. */
static double factor(enum resource r, time_t t)
{
	const struct emission_factor *f = org_factor_at(&org, r, t);

	assert_non_null(f);
	return f->kg_per_unit;
}

static void test_small_org(void **state)
{
	char want[256];

	(void)state;
	load_small();
	assert_string_equal(org.name_th, "สำนักงานทดสอบ");
	assert_string_equal(org.name_en, "Test Office");
	assert_int_equal(org.baseline_fy, 2568);
	assert_int_equal(org.paper_basis, PAPER_BASIS_PRINTED);
	/* relative to the file's directory, not to where the program runs */
	snprintf(want, sizeof(want), "%s/criteria-2567.ini", tmpdir);
	assert_string_equal(org.criteria, want);
	snprintf(want, sizeof(want), "%s/checklists", tmpdir);
	assert_string_equal(org.checklists, want);
	assert_true(org.kpi_levels[0] == 1 && org.kpi_levels[4] == 5.5);
	assert_true(org.kpi_below == 1);
	assert_true(org.grades[0] == 85 && org.grades[1] == 75 && org.grades[2] == 50);
	assert_int_equal(org.nunits, 3);
	assert_string_equal(org.units[0].id, "central-admin");   /* in file order */
	assert_string_equal(org.units[1].name_en, "Bureau of Finance and Budget");
	assert_string_equal(org.units[1].cohort, "2568 target");
	assert_true(org.units[1].target_pct[RES_ELECTRICITY] == 5);
	assert_true(org.units[1].target_pct[RES_PAPER_REAMS] == 10);
	assert_true(isnan(org.units[1].target_pct[RES_WATER]));   /* not set */
	assert_int_equal(org.units[2].per, NORM_M2);
	assert_int_equal(org_unit_find(&org, "nobody"), -1);

	/* map: by site, meter, channel ("b2-main" < "stores" < "water"), then date */
	assert_int_equal(org.nmap, 5);
	assert_string_equal(org.map[0].id.meter, "b2-main");
	assert_int_equal(org.map[0].from, OCT_2023);
	assert_int_equal(org.map[0].line, 3);
	assert_int_equal(org.map[1].from, APR_2024);
	assert_int_equal(org.map[2].from, OCT_2024);
	assert_int_equal(org.map[2].line, 7);
	assert_string_equal(org.map[3].id.meter, "stores");
	assert_int_equal(org.map[3].res, RES_PAPER_REAMS);
	assert_string_equal(org.map[4].id.meter, "water");

	/* factors: by resource (enum order: electricity before water), then date */
	assert_int_equal(org.nfactors, 3);
	assert_int_equal(org.factors[0].res, RES_ELECTRICITY);
	assert_int_equal(org.factors[0].from, JAN_2023);
	assert_int_equal(org.factors[1].from, JAN_2026);
	assert_int_equal(org.factors[2].res, RES_WATER);
	/* a source in Thai and English, or one for both */
	assert_string_equal(org.factors[0].source_th, "ค่าเดิม");
	assert_string_equal(org.factors[0].source, "earlier");
	assert_string_equal(org.factors[1].source, "TGO grid electricity, from 1 Jan 2026");
	assert_string_equal(org.factors[1].source_th, org.factors[1].source);
	assert_string_equal(org.factors[2].source, "");
}

/* The meters as people know them, joined to the units their channels serve. */
static void test_registry(void **state)
{
	static const char text[] =
	    "[organisation]\nbaseline = 2568\n"
	    "[unit a]\nth = หน่วยเอ\n[unit b]\nth = หน่วยบี\n[unit c]\nth = หน่วยซี\n"
	    "[meter p/main]\n"
	    "th = มิเตอร์ไฟฟ้าหลัก\nen = Main power\n"
	    "building = อาคารรัฐสภา | Parliament House\nfloor = B1\nroom = ห้องไฟฟ้า\n"
	    "model = sdm630\nserial = 2312-0042\ngateway = gw-b1\n"
	    "photo = https://intranet.example/meters/main.jpg\n"
	    "limits = voltage 200..250, power_w -10..6e4\n"
	    "[meter p/annex]\nth = มิเตอร์อาคารส่วนต่อขยาย\nread = hand\n"
	    "[meters]\n"
	    "p/main/import_kwh = electricity from 2024-10-01 a 60 b 40\n"
	    "p/main/import_kwh = electricity from 2025-10-01 c\n"
	    "p/main/export_kwh = electricity from 2024-10-01 b\n"
	    "p/annex/kwh = electricity from 2024-10-01 a\n";
	const struct org_meter *m;
	int units[ORG_MAX_UNITS], n;

	(void)state;
	assert_int_equal(load_text(text), 0);
	assert_int_equal(org.nmeters, 2);
	assert_string_equal(org.meters[0].meter, "annex");   /* sorted */
	m = org_meter_find(&org, "p", "main");
	assert_non_null(m);
	assert_string_equal(m->name_en, "Main power");
	assert_string_equal(m->building_th, "อาคารรัฐสภา");
	assert_string_equal(m->building_en, "Parliament House");
	assert_string_equal(m->room_th, "ห้องไฟฟ้า");
	assert_string_equal(m->room_en, "ห้องไฟฟ้า");   /* one text for both */
	assert_string_equal(m->floor, "B1");
	assert_string_equal(m->gateway, "gw-b1");
	assert_string_equal(m->photo, "https://intranet.example/meters/main.jpg");
	assert_int_equal(m->nlimits, 2);
	assert_true(org_meter_limit(m, "voltage")->lo == 200 && org_meter_limit(m, "voltage")->hi == 250);
	assert_true(org_meter_limit(m, "power_w")->lo == -10 && org_meter_limit(m, "power_w")->hi == 6e4);
	assert_null(org_meter_limit(m, "import_kwh"));
	assert_null(org_meter_limit(NULL, "voltage"));
	/* no English name: the Thai one */
	assert_string_equal(org_meter_find(&org, "p", "annex")->name_en, "มิเตอร์อาคารส่วนต่อขยาย");
	/* a dial read by hand; read by an agent unless said */
	assert_true(org_meter_find(&org, "p", "annex")->by_hand);
	assert_false(m->by_hand);
	assert_null(org_meter_find(&org, "p", "nope"));
	assert_null(org_meter_find(&org, "q", "main"));
	/* the units its channels serve, then and now */
	n = org_meter_units(&org, "p", "main", JAN_2025, units, ORG_MAX_UNITS);
	assert_int_equal(n, 2);
	assert_int_equal(units[0], org_unit_find(&org, "a"));
	assert_int_equal(units[1], org_unit_find(&org, "b"));
	n = org_meter_units(&org, "p", "main", JAN_2026, units, ORG_MAX_UNITS);
	assert_int_equal(n, 2);   /* import to c, export still to b */
	assert_int_equal(units[0], org_unit_find(&org, "b"));
	assert_int_equal(units[1], org_unit_find(&org, "c"));
	assert_int_equal(org_meter_units(&org, "p", "main", JAN_2024, units, 8), 0);
}

/* What is not written takes its default. */
static void test_defaults(void **state)
{
	static const double levels[KPI_LEVELS] = { 0, 2.5, 5, 7.5, 10 };
	const struct org_unit *u;

	(void)state;
	assert_int_equal(load_text("[organisation]\nbaseline = 2568\n[unit a]\nth = ก\n"), 0);
	assert_int_equal(org.paper_basis, PAPER_BASIS_REAMS);
	assert_false(org.thai_digits);   /* Arabic digits unless the file says thai */
	assert_memory_equal(org.kpi_levels, levels, sizeof(levels));
	assert_true(org.kpi_below == 0);
	assert_true(org.grades[0] == 90 && org.grades[1] == 80 && org.grades[2] == 60);
	assert_string_equal(org.criteria, "");
	assert_int_equal(org.nmap, 0);
	assert_null(org.map);
	u = &org.units[0];
	assert_int_equal(u->per, NORM_PERSON);
	assert_int_equal(u->baseline_fy, 0);
	for (int r = 0; r < RES_N; r++)
		assert_true(isnan(u->target_pct[r]));
	/* a list with commas, as every list may be written */
	assert_int_equal(load_text("[organisation]\nbaseline = 2568\n[kpi]\n"
	    "paper_levels = 1, 2, 3, 4, 5\n[unit a]\nth = ก\n"), 0);
	assert_true(org.kpi_levels[4] == 5);
}

/* Weights divided by their sum, exactly: 60 / 100 is the double 0.6. */
static void test_shares(void **state)
{
	const struct meter_map *m;
	struct chan_id kwh = id3("p", "b2-main", "import_kwh");
	struct chan_id reams = id3("p", "stores", "reams");
	struct chan_id water = id3("p", "water", "total");

	(void)state;
	load_small();
	m = org_map_at(&org, &kwh, OCT_2023);                       /* 60 40 */
	assert_non_null(m);
	assert_int_equal(m->nshares, 2);
	assert_int_equal(m->shares[0].unit, unit("central-admin"));
	assert_true(m->shares[0].share == 0.6);
	assert_int_equal(m->shares[1].unit, unit("finance-budget"));
	assert_true(m->shares[1].share == 0.4);
	m = org_map_at(&org, &kwh, OCT_2024);                       /* 0.6 0.4 */
	assert_true(m->shares[0].share == 0.6 && m->shares[1].share == 0.4);
	m = org_map_at(&org, &reams, OCT_2023);                     /* 3 2 */
	assert_true(m->shares[0].share == 0.6 && m->shares[1].share == 0.4);
	m = org_map_at(&org, &water, OCT_2023);                     /* no shares: 1 each */
	assert_int_equal(m->nshares, 2);
	assert_int_equal(m->shares[0].unit, unit("legal"));
	assert_true(m->shares[0].share == 0.5 && m->shares[1].share == 0.5);
	m = org_map_at(&org, &kwh, APR_2024);                       /* one unit: all of it */
	assert_int_equal(m->nshares, 1);
	assert_true(m->shares[0].share == 1.0);
}

/* legal takes the meter over on 1 Apr 2024 at local midnight; 31 Mar 23:59:59
 * +07 still belongs to the 60/40 split. */
static void test_map_at_midyear(void **state)
{
	struct chan_id kwh = id3("p", "b2-main", "import_kwh");
	struct chan_id other = id3("p", "b2-main", "export_kwh");
	const struct meter_map *m;

	(void)state;
	load_small();
	assert_null(org_map_at(&org, &kwh, OCT_2023 - 1));          /* before the first */
	m = org_map_at(&org, &kwh, OCT_2023);
	assert_non_null(m);
	assert_int_equal(m->line, 3);
	assert_int_equal(m->res, RES_ELECTRICITY);
	m = org_map_at(&org, &kwh, APR_2024 - 1);
	assert_int_equal(m->line, 3);
	m = org_map_at(&org, &kwh, APR_2024);
	assert_int_equal(m->line, 4);
	assert_int_equal(m->shares[0].unit, unit("legal"));
	assert_int_equal(org_map_at(&org, &kwh, OCT_2024 - 1)->line, 4);
	assert_int_equal(org_map_at(&org, &kwh, OCT_2024)->line, 7);
	assert_int_equal(org_map_at(&org, &kwh, JAN_2026)->line, 7);   /* holds on */
	assert_null(org_map_at(&org, &other, APR_2024));            /* not mapped */
}

static void test_map_changes(void **state)
{
	struct chan_id kwh = id3("p", "b2-main", "import_kwh");
	struct chan_id reams = id3("p", "stores", "reams");
	struct chan_id none = id3("p", "x", "y");
	time_t t[4];

	(void)state;
	load_small();
	/* FY2567: the 1 October start is not strictly inside; 1 April is */
	assert_int_equal(org_map_changes(&org, &kwh, OCT_2023, OCT_2024, t, 4), 1);
	assert_int_equal(t[0], APR_2024);
	assert_int_equal(org_map_changes(&org, &kwh, OCT_2023 - 1, OCT_2024 + 1, t, 4), 3);
	assert_int_equal(t[0], OCT_2023);
	assert_int_equal(t[1], APR_2024);
	assert_int_equal(t[2], OCT_2024);
	assert_int_equal(org_map_changes(&org, &kwh, APR_2024, OCT_2024, t, 4), 0);
	assert_int_equal(org_map_changes(&org, &kwh, OCT_2023 - 1, OCT_2024 + 1, t, 2), 2);
	assert_int_equal(t[1], APR_2024);                           /* the first two */
	assert_int_equal(org_map_changes(&org, &reams, OCT_2023, OCT_2024, t, 4), 0);
	assert_int_equal(org_map_changes(&org, &none, 0, JAN_2026, t, 4), 0);
}

/* The factor in force on 31 Dec 2025 23:59 local is the earlier one. */
static void test_factors_by_date(void **state)
{
	const struct emission_factor *f;

	(void)state;
	load_small();
	f = org_factor_at(&org, RES_ELECTRICITY, JAN_2026 - 60);
	assert_non_null(f);
	assert_true(f->kg_per_unit == 0.5986);
	assert_string_equal(f->source, "earlier");
	f = org_factor_at(&org, RES_ELECTRICITY, JAN_2026);
	assert_true(f->kg_per_unit == 0.4750);
	/* the inline "; note" is a comment, the spaces around the source go */
	assert_string_equal(f->source, "TGO grid electricity, from 1 Jan 2026");
	assert_true(factor(RES_ELECTRICITY, OCT_2024) == 0.5986);
	assert_null(org_factor_at(&org, RES_ELECTRICITY, JAN_2023 - 1));
	assert_true(factor(RES_ELECTRICITY, JAN_2023) == 0.5986);
	f = org_factor_at(&org, RES_WATER, JAN_2026);
	assert_true(f->kg_per_unit == 0.5410);
	assert_string_equal(f->source, "");
	assert_null(org_factor_at(&org, RES_PAPER_REAMS, JAN_2026));   /* none given */
}

static void test_units_per_year(void **state)
{
	const struct org_unit *fb, *legal, *ca;

	(void)state;
	load_small();
	fb = &org.units[unit("finance-budget")];
	legal = &org.units[unit("legal")];
	ca = &org.units[unit("central-admin")];
	assert_true(org_headcount(fb, 2568) == 42);
	assert_true(org_area(fb, 2568) == 350);
	assert_true(org_per(fb, 2568) == 42);                       /* per person */
	assert_true(isnan(org_headcount(fb, 2569)));                /* not given */
	assert_true(isnan(org_area(fb, 2569)));
	assert_true(isnan(org_per(fb, 2569)));
	assert_true(org_per(legal, 2569) == 200);                   /* per m2 */
	assert_true(isnan(org_per(legal, 2568)));
	assert_true(isnan(org_headcount(ca, 2568)));                /* no years at all */
	/* baselines: the unit's own, else the organisation's */
	assert_int_equal(org_baseline(&org, unit("legal")), 2569);
	assert_int_equal(org_baseline(&org, unit("finance-budget")), 2568);
	assert_int_equal(org_baseline(&org, -1), 2568);
}

static void test_resources(void **state)
{
	enum resource r;

	(void)state;
	assert_string_equal(resource_name(RES_PAPER_REAMS), "paper_reams");
	assert_string_equal(resource_unit(RES_PAPER_PRINTED), "sheets");
	assert_string_equal(resource_unit(RES_WATER), "m3");
	assert_string_equal(resource_unit(RES_FUEL), "L");
	for (int i = 0; i < RES_N; i++) {
		assert_int_equal(resource_parse(resource_name((enum resource)i), &r), 0);
		assert_int_equal(r, i);
	}
	assert_int_equal(resource_parse("paper", &r), -1);
	assert_int_equal(resource_parse("Electricity", &r), -1);
}

/*
 * One mistake a case, after five good lines: lines 6 and on are the case's.
 * The whole message is compared, so its line and its words both count.
 */
#define BASE "[organisation]\nbaseline = 2568\n[unit a]\nth = ก\nen = A\n"

static void test_mistakes(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		/* unknown keys and sections */
		{ "[organisation]\nen = again\n",
		  "org.ini:6: [organisation] is given twice (first at line 1)" },
		{ "[kpis]\nx = 1\n",
		  "org.ini:6: unknown section [kpis] (expected [organisation], [kpi], "
		  "[factors], [unit <id>], [meter <site>/<meter>], [meters] or [signoff])" },
		{ "[organisation extra]\nx = 1\n",
		  "org.ini:6: unknown section [organisation extra] (expected [organisation], "
		  "[kpi], [factors], [unit <id>], [meter <site>/<meter>], [meters] or [signoff])" },
		{ "colour = green\n",
		  "org.ini:6: unknown key \"colour\" in [unit a]" },
		{ "[kpi]\nlevels = 1 2 3 4 5\n",
		  "org.ini:7: unknown key \"levels\" in [kpi]" },
		/* units */
		{ "[unit a]\nth = again\n",
		  "org.ini:6: [unit a] is given twice (first at line 3)" },
		{ "[unit Bad]\nth = x\n",
		  "org.ini:6: [unit Bad]: unit ids are 1-64 characters [a-z0-9_-], starting "
		  "with a letter or digit" },
		{ "[unit 2568]\nth = x\n",
		  "org.ini:6: [unit 2568]: a unit id cannot be a number (in [meters] it would "
		  "read as a share)" },
		{ "[unit whole]\nth = x\n",
		  "org.ini:6: [unit whole]: the id is taken by the organisation's own reports "
		  "(whole, summary, report)" },
		{ "[unit]\nth = x\n", "org.ini:6: [unit] needs an id: [unit <id>]" },
		{ "per = desk\n", "org.ini:6: per = \"desk\": expected person or m2" },
		/* numbers and fiscal years */
		{ "headcount 2568 = 4x\n",
		  "org.ini:6: headcount 2568 = \"4x\": expected a number from 0 to 1e+07" },
		{ "headcount 2568 = 0\n",
		  "org.ini:6: headcount 2568 = \"0\": must be more than 0 (figures are divided "
		  "by it)" },
		{ "headcount 2800 = 40\n",
		  "org.ini:6: headcount 2800: \"2800\" is not a fiscal year (B.E. 2500 to 2700)" },
		{ "area 2499 = 40\n",
		  "org.ini:6: area 2499: \"2499\" is not a fiscal year (B.E. 2500 to 2700)" },
		{ "baseline = 2400\n",
		  "org.ini:6: baseline: \"2400\" is not a fiscal year (B.E. 2500 to 2700)" },
		{ "headcount 2568 = 40\narea 2568 = 300\nheadcount 2568 = 41\n",
		  "org.ini:8: \"headcount 2568\" is given twice in [unit a] (first at line 6)" },
		{ "headcount 2568 = 40\narea 2568 = 300\nheadcount 02568 = 41\n",
		  "org.ini:8: headcount 02568 is given twice in [unit a]" },
		{ "target water = 5\ntarget  water = 6\n",
		  "org.ini:7: \"target water\" is given twice in [unit a] (first at line 6)" },
		{ "target paper = 5\n",
		  "org.ini:6: target paper: unknown resource \"paper\" (expected electricity, "
		  "water, paper_printed, paper_reams, fuel or waste)" },
		{ "target water = five\n",
		  "org.ini:6: target water = \"five\": expected a number from -100 to 100" },

		/* the KPI table and grade bands */
		{ "[kpi]\npaper_levels = 0 5 2.5 7.5 10\n",
		  "org.ini:7: paper_levels = \"0 5 2.5 7.5 10\": each level's threshold must be "
		  "above the one before" },
		{ "[kpi]\npaper_levels = 0 2.5 2.5 7.5 10\n",
		  "org.ini:7: paper_levels = \"0 2.5 2.5 7.5 10\": \"2.5\" is listed twice" },
		{ "[kpi]\npaper_levels = 0 2.5 2.50 7.5 10\n",
		  "org.ini:7: paper_levels = \"0 2.5 2.50 7.5 10\": each level's threshold must "
		  "be above the one before" },
		{ "[kpi]\npaper_levels = 0, 2.5,, 5, 7.5, 10\n",
		  "org.ini:7: paper_levels = \"0, 2.5,, 5, 7.5, 10\": an empty item in the list "
		  "(two commas, or a comma at one end)" },
		{ "[kpi]\ngrades = 90 80 60 50\n",
		  "org.ini:7: grades = \"90 80 60 50\": expected 3 numbers from 0 to 100" },
		{ "[kpi]\npaper_levels = 0 2.5 5\n",
		  "org.ini:7: paper_levels = \"0 2.5 5\": expected 5 numbers from -100 to 100" },
		{ "[kpi]\ngrades = 80 90 60\n",
		  "org.ini:7: grades = \"80 90 60\": the gold, silver and bronze bounds must "
		  "descend" },
		{ "[kpi]\ngrades = 90 80 80\n",
		  "org.ini:7: grades = \"90 80 80\": \"80\" is listed twice" },
		{ "[kpi]\nbelow = 2\n", "org.ini:7: below = \"2\": expected a number from 0 to 1" },
		/* factors */
		{ "[factors]\nelectricity 2026-02-30 = 0.475\n",
		  "org.ini:7: electricity 2026-02-30: \"2026-02-30\" is not a date (YYYY-MM-DD)" },
		{ "[factors]\nelectricity 2026-1-1 = 0.475\n",
		  "org.ini:7: electricity 2026-1-1: \"2026-1-1\" is not a date (YYYY-MM-DD)" },
		{ "[factors]\nelectricity @1767200400 = 0.475\n",
		  "org.ini:7: electricity @1767200400: \"@1767200400\" is not a date "
		  "(YYYY-MM-DD)" },
		{ "[factors]\nelectricity 2026-01-01 = 0,475\n",
		  "org.ini:7: electricity 2026-01-01 = \"0,475\": expected a number from 0 to "
		  "1e+06" },
		{ "[factors]\ngas 2026-01-01 = 2\n",
		  "org.ini:7: gas 2026-01-01: unknown resource \"gas\" (expected electricity, "
		  "water, paper_printed, paper_reams, fuel or waste)" },
		{ "[factors]\nelectricity = 0.475\n",
		  "org.ini:7: \"electricity\": expected \"<resource> <YYYY-MM-DD> = <kgCO2e per "
		  "unit> [| source] or [| Thai source | English source]\"" },
		{ "[factors]\nelectricity 2026-01-01 = 0.475 | ไฟฟ้า | grid | more\n",
		  "org.ini:7: electricity 2026-01-01: expected one text, or two (Thai | English)" },
		{ "[factors]\nelectricity 2026-01-01 = 0.475\nelectricity 2026-01-01 = 0.5\n",
		  "org.ini:8: \"electricity 2026-01-01\" is given twice in [factors] (first at "
		  "line 7)" },
		/* meters */
		{ "[meters]\np/m = electricity from 2024-01-01 a\n",
		  "org.ini:7: \"p/m\": expected <site>/<meter>/<channel>" },
		{ "[meters]\np/m/c/d = electricity from 2024-01-01 a\n",
		  "org.ini:7: \"p/m/c/d\": expected <site>/<meter>/<channel>" },
		{ "[meters]\np/M/c = electricity from 2024-01-01 a\n",
		  "org.ini:7: \"p/M/c\": meter id \"M\" does not match [a-z0-9][a-z0-9_-]{0,63}" },
		{ "[meters]\np//c = electricity from 2024-01-01 a\n",
		  "org.ini:7: \"p//c\": meter id is empty" },
		{ "[meters]\np/m/c = electricity from 2024-02-30 a\n",
		  "org.ini:7: p/m/c: \"2024-02-30\" is not a date (YYYY-MM-DD)" },
		{ "[meters]\np/m/c = electricity 2024-01-01 a\n",
		  "org.ini:7: p/m/c = \"electricity 2024-01-01 a\": expected \"<resource> from "
		  "<YYYY-MM-DD> <unit> [share] [<unit> [share] ...]\"" },
		{ "[meters]\np/m/c = electricity from 2024-01-01\n",
		  "org.ini:7: p/m/c = \"electricity from 2024-01-01\": expected \"<resource> "
		  "from <YYYY-MM-DD> <unit> [share] [<unit> [share] ...]\"" },
		{ "[meters]\np/m/c = power from 2024-01-01 a\n",
		  "org.ini:7: p/m/c: unknown resource \"power\" (expected electricity, water, "
		  "paper_printed, paper_reams, fuel or waste)" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a 0\n",
		  "org.ini:7: share \"0\" of a: expected a number above 0, up to 1e+06" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 60 a\n",
		  "org.ini:7: share \"60\" does not follow a unit" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a 60 40\n",
		  "org.ini:7: share \"40\" does not follow a unit" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a A\n",
		  "org.ini:7: \"A\" is neither a unit id nor a share" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a 1 a 2\n",
		  "org.ini:7: unit a is named twice in one mapping" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 nobody\n",
		  "org.ini:7: unknown unit \"nobody\" (there is no [unit nobody])" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a\n"
		  "p/m/c = electricity from 2024-06-01 a\n"
		  "p/m/c = electricity from 2024-01-01 a\n",
		  "org.ini:9: p/m/c is mapped twice from 2024-01-01 (also at line 7)" },
		{ "[meters]\np/m/c = electricity from 2024-01-01 a\n"
		  "p/m/c = water from 2024-06-01 a\n",
		  "org.ini:8: p/m/c measures water here but electricity at line 7: a channel "
		  "measures one resource" },
		/* the meter registry */
		{ "[meter p]\nth = ก\n",
		  "org.ini:6: [meter p]: expected [meter <site>/<meter>], each id 1-64 "
		  "characters [a-z0-9_-] as the agent publishes it" },
		{ "[meter p/../x]\nth = ก\n",
		  "org.ini:6: [meter p/../x]: expected [meter <site>/<meter>], each id 1-64 "
		  "characters [a-z0-9_-] as the agent publishes it" },
		{ "[meter p/m]\nen = Main\n", "org.ini:6: [meter p/m] needs th (its Thai name)" },
		{ "[meter p/m]\nth = ก\ncolour = red\n",
		  "org.ini:8: unknown key \"colour\" in [meter p/m] (th, en, building, floor, room, "
		  "model, serial, gateway, photo, limits, read)" },
		{ "[meter p/m]\nth = ก\nread = eyes\n",
		  "org.ini:8: read = \"eyes\": expected hand (a dial a person reads) or meter" },
		{ "[meter p/m]\nth = ก\ngateway = gw 1\n",
		  "org.ini:8: gateway: \"gw 1\" is not an id (1-64 characters [a-z0-9_-])" },
		{ "[meter p/m]\nth = ก\nphoto = file:///etc/passwd\n",
		  "org.ini:8: photo: \"file:///etc/passwd\" is not an http:// or https:// address" },
		{ "[meter p/m]\nth = ก\nbuilding = ก | B | C\n",
		  "org.ini:8: building: expected one text, or two (Thai | English)" },
		{ "[meter p/m]\nth = ก\nlimits = voltage 250..200\n",
		  "org.ini:8: limits: \"voltage 250..200\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = voltage 200, power_w 0..1\n",
		  "org.ini:8: limits: \"voltage 200\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = Voltage 1..2\n",
		  "org.ini:8: limits: \"Voltage 1..2\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = v nan..2\n",
		  "org.ini:8: limits: \"v nan..2\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = v 1..2 x\n",
		  "org.ini:8: limits: \"v 1..2 x\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = v 0...5\n",
		  "org.ini:8: limits: \"v 0...5\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = v 0x10..0x20\n",
		  "org.ini:8: limits: \"v 0x10..0x20\": expected <channel> <lowest>..<highest>, "
		  "lowest below highest" },
		{ "[meter p/m]\nth = ก\nlimits = v 1..2, v 3..4\n",
		  "org.ini:8: limits: v given twice" },
		{ "[meter p/m]\nth = ก\nlimits = a 1..2,b 1..2,c 1..2,d 1..2,e 1..2,f 1..2,g 1..2,"
		  "h 1..2,i 1..2\n",
		  "org.ini:8: limits: more than 8 channels" },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		char text[1024];
		int errors;

		snprintf(text, sizeof(text), "%s%s", BASE, cases[i].text);
		errors = load_text(text);
		expect_reports(&cases[i].want, 1);   /* prints both on a difference */
		assert_int_equal(errors, 1);
		/* nothing half-read is kept */
		assert_int_equal(org.nunits, 0);
		assert_null(org.map);
		assert_null(org.meters);
		assert_int_equal(org.nfactors, 0);
	}
}

/* in parentheses: a concatenation inside an array of strings is a warning */
#define NEEDS_BASELINE \
	("org.ini:1: [organisation] needs a baseline (the fiscal year figures are " \
	 "compared with)")

/* What only the whole file can tell, and every mistake at once. */
static void test_whole_file(void **state)
{
	static const char *const no_baseline[] = {
		NEEDS_BASELINE,
	};
	static const char *const no_org[] = {
		"org.ini: no [organisation] section with a baseline",
	};
	static const char *const before[] = {
		"org.ini:1: \"x\" comes before any [section]",
	};
	static const char *const all[] = {
		"org.ini:3: unknown key \"colour\" in [organisation]",
		"org.ini:5: headcount 2568 = \"many\": expected a number from 0 to 1e+07",
		"org.ini:7: p/m/c: \"2024-13-01\" is not a date (YYYY-MM-DD)",
		NEEDS_BASELINE,
		"org.ini:8: unknown unit \"b\" (there is no [unit b])",
	};
	static const char *const missing[] = {
		"nowhere/org.ini: cannot open: No such file or directory",
	};
	static const char *const org_keys[] = {
		"org.ini:2: baseline: \"2701\" is not a fiscal year (B.E. 2500 to 2700)",
		"org.ini:3: paper_basis = \"sheets\": expected reams or printed",
		"org.ini:4: digits = \"roman\": expected arabic or thai",
	};
	char path[128];

	(void)state;
	assert_int_equal(load_text("[organisation]\nen = X\n[unit a]\nth = x\n"), 1);
	expect_reports(no_baseline, 1);
	assert_int_equal(load_text("[unit a]\nth = x\n"), 1);
	expect_reports(no_org, 1);
	assert_int_equal(load_text("x = 1\n[organisation]\nbaseline = 2568\n"), 1);
	expect_reports(before, 1);
	/* a bad baseline is reported as bad, not as missing too */
	assert_int_equal(load_text("[organisation]\nbaseline = 2701\npaper_basis = sheets\n"
	    "digits = roman\n[unit a]\nth = x\n"), 3);
	expect_reports(org_keys, 3);
	assert_int_equal(load_text("[organisation]\nen = X\ncolour = green\n"
	    "[unit a]\nheadcount 2568 = many\n[meters]\n"
	    "p/m/c = electricity from 2024-13-01 a\n"
	    "p/m/d = electricity from 2024-01-01 a b\n"), 5);
	expect_reports(all, 5);
	assert_int_equal(org.nunits, 0);
	/* an unreadable file is that one mistake, not "no baseline" as well */
	snprintf(path, sizeof(path), "%s/nowhere/org.ini", tmpdir);
	reports.n = 0;
	assert_int_equal(org_load(path, &org, collect, NULL), 1);
	expect_reports(missing, 1);
}

/*
 * The shipped file: dashboards/org/senate/organisation.ini at the top of the
 * source tree, found from this file's name (make compiles from the top, so
 * __FILE__ is "tests/unit/test_org.c" or an absolute path).
 */
static void shipped_path(char *path, size_t len)
{
	const char *file = __FILE__;
	const char *tail = strstr(file, "tests/unit/test_org.c");

	snprintf(path, len, "%.*sdashboards/org/senate/organisation.ini",
	    tail ? (int)(tail - file) : 0, file);
}

static void test_shipped_senate(void **state)
{
	static const struct { const char *id, *cohort; } units[] = {
		{ "president-office", "2567 target" }, { "public-relations", "2568 target" },
		{ "central-admin", "2568 target" }, { "finance-budget", "2568 target" },
		{ "foreign-affairs", "2566: Gold" }, { "academic", "2567 target" },
		{ "meetings", "2568 target" }, { "oversight", "2567 target" },
		{ "committee-1", "2568 target" }, { "committee-2", "2568 target" },
		{ "committee-3", "2568 target" }, { "legal", "2567 target" },
		{ "foreign-languages", "2566: Gold" }, { "hrd", "2568 target" },
		{ "ict", "2567 target" }, { "minutes", "2566: Gold" },
		{ "printing", "2566: Gold" }, { "policy-planning", "2566: Gold" },
		{ "internal-audit", "2567 target" },
	};
	char path[512];
	int errors;

	(void)state;
	shipped_path(path, sizeof(path));
	reports.n = 0;
	errors = org_load(path, &org, collect, NULL);
	for (int i = 0; i < reports.n && i < TEXTLOG_MAX; i++)
		print_message("  %s\n", reports.msg[i]);
	assert_int_equal(errors, 0);
	assert_int_equal(org.nunits, 19);
	assert_int_equal(org.baseline_fy, 2568);
	assert_string_equal(org.name_th, "สำนักงานเลขาธิการวุฒิสภา");
	assert_non_null(strstr(org.criteria, "dashboards/org/senate/criteria-2567.ini"));
	for (size_t i = 0; i < NCASES(units); i++) {
		const struct org_unit *u = &org.units[i];
		assert_string_equal(u->id, units[i].id);   /* the table's order */
		assert_string_equal(u->cohort, units[i].cohort);
		assert_true(u->name_th[0] != '\0' && u->name_en[0] != '\0');
		for (int fy = 2568; fy <= 2570; fy++)
			assert_true(org_per(u, fy) > 0);
	}
	assert_string_equal(org.units[8].name_th, "สำนักกรรมาธิการ ๑");
	assert_true(factor(RES_ELECTRICITY, JAN_2026) == 0.4750);
	assert_true(factor(RES_ELECTRICITY, JAN_2026 - 1) != 0.4750);
	for (int r = 0; r < RES_N; r++)   /* every resource has a factor from the baseline on */
		assert_true(factor((enum resource)r, OCT_2024) > 0);
}

/* [signoff]: "name / position", "/ position" alone, a name alone; the
 * roles absent stay empty (the page leaves dotted lines). */
static void test_signoff(void **state)
{
	static char text[sizeof(small_org) + 512];

	(void)state;
	load_small();
	for (int i = 0; i < SIGN_N; i++)
		assert_string_equal(org.sign[i].name, "");
	snprintf(text, sizeof(text), "%s\n[signoff]\nprepared = นายสมชาย ใจดี / นักวิชาการ\n"
	    "checked = / ผู้อำนวยการสำนักบริหารงานกลาง\napproved = Jane Doe\n", small_org);
	assert_int_equal(load_text(text), 0);
	assert_string_equal(org.sign[SIGN_PREPARED].name, "นายสมชาย ใจดี");
	assert_string_equal(org.sign[SIGN_PREPARED].position, "นักวิชาการ");
	assert_string_equal(org.sign[SIGN_CHECKED].name, "");
	assert_string_equal(org.sign[SIGN_CHECKED].position, "ผู้อำนวยการสำนักบริหารงานกลาง");
	assert_string_equal(org.sign[SIGN_APPROVED].name, "Jane Doe");
	assert_string_equal(org.sign[SIGN_APPROVED].position, "");
	snprintf(text, sizeof(text), "%s\n[signoff]\nsigned = x\n", small_org);
	assert_int_equal(load_text(text), 1);
	assert_non_null(strstr(reports.msg[0], "unknown key \"signed\" in [signoff]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_org, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shares, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_at_midyear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_factors_by_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_per_year, setup, teardown),
		cmocka_unit_test(test_resources),
		cmocka_unit_test_setup_teardown(test_mistakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_senate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signoff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
