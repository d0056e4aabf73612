/*
 * fuzz_conf_org.c - libFuzzer target over organisation.ini
 * (dashboards/green/org.c, org_units.c, org_meters.c), which every Green Office
 * figure is divided up by. Besides the rules of fuzz_conf.h:
 *   - a refused file leaves nothing behind (no units, no map, no factors);
 *   - an accepted one has a baseline and unit baselines within B.E.
 *     2500..2700; 1..64 units with valid, distinct ids that are neither
 *     numbers nor the names of the organisation's own reports; per fiscal
 *     year one headcount and area, each NAN or above 0; targets NAN or
 *     within -100..100 %;
 *   - the map sorted by channel then date, no channel mapped twice from one
 *     date nor to two resources, each mapping's units distinct and known,
 *     its shares above 0 and summing to 1 (so no kWh is lost or counted
 *     twice), and org_map_at() finding each entry from its own date;
 *   - the emission factors sorted by resource then date, distinct, finite;
 *   - the KPI levels rising, the grade bounds falling, within range.
 */
#include <math.h>

#include "org.h"
#include "timeutil.h"
#include "fuzz_conf.h"

static void check_units(const struct org *o)
{
	if (o->nunits > ORG_MAX_UNITS)
		fuzz_broken("%d units", o->nunits);
	for (int i = 0; i < o->nunits; i++) {
		const struct org_unit *u = &o->units[i];
		if (!id_valid(u->id) || strspn(u->id, "0123456789.") == strlen(u->id) ||
		    strcmp(u->id, "whole") == 0 || strcmp(u->id, "summary") == 0 ||
		    strcmp(u->id, "report") == 0)
			fuzz_broken("unit id \"%s\" accepted", u->id);
		if (org_unit_find(o, u->id) != i)
			fuzz_broken("unit %s twice", u->id);
		if (u->baseline_fy != 0 && (u->baseline_fy < 2500 || u->baseline_fy > 2700))
			fuzz_broken("unit %s: baseline %d", u->id, u->baseline_fy);
		for (int y = 0; y < u->nyears; y++) {
			const struct unit_year *uy = &u->years[y];
			if (uy->fy < 2500 || uy->fy > 2700 || (!isnan(uy->headcount) &&
			    !(uy->headcount > 0)) || (!isnan(uy->area_m2) && !(uy->area_m2 > 0)))
				fuzz_broken("unit %s: %d: headcount %g area %g", u->id, uy->fy,
				    uy->headcount, uy->area_m2);
			for (int z = 0; z < y; z++) {
				if (u->years[z].fy == uy->fy)
					fuzz_broken("unit %s: year %d twice", u->id, uy->fy);
			}
		}
		for (int r = 0; r < RES_N; r++) {
			if (!isnan(u->target_pct[r]) && !(fabs(u->target_pct[r]) <= 100))
				fuzz_broken("unit %s: target %g", u->id, u->target_pct[r]);
		}
	}
}

static int chan_cmp(const struct chan_id *a, const struct chan_id *b)
{
	int r = strcmp(a->site, b->site);

	if (r == 0)
		r = strcmp(a->meter, b->meter);
	return r != 0 ? r : strcmp(a->channel, b->channel);
}

static void check_mapping(const struct org *o, size_t i)
{
	const struct meter_map *m = &o->map[i];
	double sum = 0;

	if (m->nshares < 1 || m->nshares > ORG_MAX_SHARES || (unsigned)m->res >= RES_N)
		fuzz_broken("line %d: %d shares, resource %d", m->line, m->nshares, m->res);
	for (int k = 0; k < m->nshares; k++) {
		if (m->shares[k].unit < 0 || m->shares[k].unit >= o->nunits ||
		    !(m->shares[k].share > 0 && m->shares[k].share <= 1))
			fuzz_broken("line %d: unit %d share %g", m->line, m->shares[k].unit,
			    m->shares[k].share);
		for (int j = 0; j < k; j++) {
			if (m->shares[j].unit == m->shares[k].unit)
				fuzz_broken("line %d: a unit twice", m->line);
		}
		sum += m->shares[k].share;
	}
	if (fabs(sum - 1) > 1e-9)
		fuzz_broken("line %d: shares sum to %.17g", m->line, sum);
	if (i > 0 && chan_cmp(&o->map[i - 1].id, &m->id) == 0) {
		if (!(o->map[i - 1].from < m->from) || o->map[i - 1].res != m->res)
			fuzz_broken("lines %d and %d: one channel, same date or two resources",
			    o->map[i - 1].line, m->line);
	} else if (i > 0 && chan_cmp(&o->map[i - 1].id, &m->id) > 0) {
		fuzz_broken("the map is not sorted at line %d", m->line);
	}
	if (org_map_at(o, &m->id, m->from) != m)
		fuzz_broken("line %d: org_map_at does not find it from its own date", m->line);
}

static void check_org(const struct org *o)
{
	if (o->baseline_fy < 2500 || o->baseline_fy > 2700)
		fuzz_broken("baseline %d accepted", o->baseline_fy);
	check_units(o);
	for (size_t i = 0; i < o->nmap; i++)
		check_mapping(o, i);
	for (int i = 0; i < o->nfactors; i++) {
		const struct emission_factor *f = &o->factors[i], *p = f - 1;
		if (!(f->kg_per_unit >= 0 && f->kg_per_unit <= 1e6) || (unsigned)f->res >= RES_N)
			fuzz_broken("factor %d: %g", i, f->kg_per_unit);
		if (i > 0 && (p->res > f->res || (p->res == f->res && !(p->from < f->from))))
			fuzz_broken("factors %d and %d out of order or equal", i - 1, i);
	}
	for (int k = 1; k < KPI_LEVELS; k++) {
		if (!(o->kpi_levels[k] > o->kpi_levels[k - 1]))
			fuzz_broken("KPI levels not rising at %d", k);
	}
	if (!(o->grades[0] > o->grades[1] && o->grades[1] > o->grades[2] && o->grades[2] >= 0 &&
	    o->grades[0] <= 100) || !(o->kpi_below >= 0 && o->kpi_below <= 1))
		fuzz_broken("grades %g %g %g below %g", o->grades[0], o->grades[1], o->grades[2],
		    o->kpi_below);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path;
	static struct org o;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_org";
	if (path == NULL) {
		path = fuzz_path("organisation.ini");
		tz_set(TZ_DEFAULT);   /* dates are local, as gm-report reads them */
	}
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = org_load(path, &o, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (errors == 0)
		check_org(&o);
	else if (o.nunits != 0 || o.map != NULL || o.nfactors != 0)
		fuzz_broken("a refused file left %d units and %zu mappings", o.nunits, o.nmap);
	org_free(&o);
	return 0;
}
