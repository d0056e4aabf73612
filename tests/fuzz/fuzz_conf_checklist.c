/*
 * fuzz_conf_checklist.c - libFuzzer target over a unit's Green Office
 * checklist (dashboards/green/checklist.c), read against the shipped criteria
 * edition (dashboards/org/senate/criteria-2567.ini, loaded once). Besides
 * the rules of fuzz_conf.h:
 *   - a refused checklist is empty (found, no entries, no causes);
 *   - an accepted one has entries only for indicators of the edition, none
 *     twice; a score only for checklist indicators, within 0..points; a
 *     cause with a plan has its text;
 *   - scored, it grades: a total within 0..100 and each category within
 *     0..its weight, an indicator's score within 0..its points, and a list
 *     of what to do next that is empty exactly at gold;
 *   - written back (checklist_write, as gm-dashboard saves a checklist) and
 *     read again, it is the same checklist: every answer, every cause.
 */
#include <math.h>

#include "confparse.h"
#include "criteria.h"
#include "fuzz_conf.h"

static struct criteria crit;

static void check_checklist(const struct checklist *cl)
{
	for (int e = 0; e < cl->n; e++) {
		const struct check_entry *en = &cl->e[e];
		int i = criteria_find(&crit, en->code);

		if (i < 0)
			fuzz_broken("an entry for %s, not in the edition", en->code);
		for (int f = 0; f < e; f++) {
			if (strcmp(cl->e[f].code, en->code) == 0)
				fuzz_broken("two entries for %s", en->code);
		}
		if (!isnan(en->score) && (crit.ind[i].source == SRC_METER ||
		    !(en->score >= 0 && en->score <= crit.ind[i].points)))
			fuzz_broken("%s scores %g of %g", en->code, en->score, crit.ind[i].points);
	}
	for (int r = 0; r < RES_N; r++) {
		if (cl->cause[r].plan[0] != '\0' && cl->cause[r].text[0] == '\0')
			fuzz_broken("a cause for %s with a plan and no text", resource_name(r));
	}
}

static void check_score(const struct checklist *cl)
{
	static const double bands[3] = { 90, 80, 60 };
	static struct self_eval ev;

	checklist_self_evaluate(&crit, cl, NULL, bands, &ev);
	if (!(ev.total >= 0 && ev.total <= 100))
		fuzz_broken("a total of %g", ev.total);
	for (int k = 0; k < crit.ncat; k++) {
		if (!(ev.cat_pct[k] >= 0 && ev.cat_pct[k] <= crit.cat[k].weight + 1e-9))
			fuzz_broken("category %d scores %g", crit.cat[k].number, ev.cat_pct[k]);
	}
	for (int i = 0; i < crit.nind; i++) {
		if (!(ev.ind[i].score >= 0 && ev.ind[i].score <= ev.ind[i].points))
			fuzz_broken("%s scores %g of %g", crit.ind[i].code, ev.ind[i].score,
			    ev.ind[i].points);
	}
	if ((ev.grade == GRADE_GOLD) != (ev.nready == 0 && ev.gain_needed == 0))
		fuzz_broken("grade %d with %d indicators to do, %g to gain", ev.grade, ev.nready,
		    ev.gain_needed);
}

static bool same_entry(const struct check_entry *a, const struct check_entry *b)
{
	return (isnan(a->score) ? isnan(b->score) : a->score == b->score) &&
	    strcmp(a->evidence, b->evidence) == 0 && strcmp(a->note, b->note) == 0;
}

static const struct check_entry *entry_in(const struct checklist *cl, const char *code)
{
	for (int e = 0; e < cl->n; e++)
		if (strcmp(cl->e[e].code, code) == 0)
			return &cl->e[e];
	return NULL;
}

static bool has_answer(const struct check_entry *e)
{
	return e != NULL && (!isnan(e->score) || e->evidence[0] != '\0' || e->note[0] != '\0');
}

static bool writable(const struct checklist *cl)
{
	bool ok = true;

	for (int e = 0; ok && e < cl->n; e++)
		ok = conf_writable(cl->e[e].evidence) && conf_writable(cl->e[e].note);
	for (int r = 0; ok && r < RES_N; r++)
		ok = conf_writable(cl->cause[r].text) && conf_writable(cl->cause[r].plan);
	return ok;
}

/* Written back and read again: the same answers and causes (when its
 * values can be written: "note =;x" reads as ";x", which no file can say
 * after "note = "; the dashboard refuses such a value). */
static void check_round_trip(const struct checklist *cl, const char *path)
{
	static struct checklist back;
	FILE *f;

	if (!writable(cl))
		return;
	if ((f = fopen(path, "w")) == NULL)
		fuzz_broken("cannot write %s", path);
	checklist_write(f, &crit, cl, "round trip");
	fclose(f);
	if (checklist_load(path, &crit, &back, NULL, NULL) != 0)
		fuzz_broken("an accepted checklist, written back, is refused");
	for (int i = 0; i < crit.nind; i++) {
		const struct check_entry *a = entry_in(cl, crit.ind[i].code);
		const struct check_entry *b = entry_in(&back, crit.ind[i].code);

		if (has_answer(a) != has_answer(b) || (has_answer(a) && !same_entry(a, b)))
			fuzz_broken("%s is not the same written back", crit.ind[i].code);
	}
	for (int r = 0; r < RES_N; r++) {
		if (strcmp(cl->cause[r].text, back.cause[r].text) != 0 ||
		    strcmp(cl->cause[r].plan, back.cause[r].plan) != 0)
			fuzz_broken("the cause of %s is not the same written back", resource_name(r));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *path, *path2;
	static struct checklist cl;
	struct fuzz_files ff = { .n = 1 };
	int errors;

	fuzz_name = "fuzz_conf_checklist";
	if (path == NULL) {
		path = fuzz_path("unit.ini");
		path2 = fuzz_path("written.ini");
		if (criteria_load(GM_ROOT "/dashboards/org/senate/criteria-2567.ini", &crit, NULL,
		    NULL) != 0)
			fuzz_broken("the shipped criteria edition does not load");
	}
	fuzz_write(path, data, size);
	ff.path[0] = path;
	ff.lines[0] = fuzz_count_lines(data, size);
	errors = checklist_load(path, &crit, &cl, fuzz_report, &ff);
	fuzz_check_count(&ff, errors);
	if (!cl.found)
		fuzz_broken("a checklist that is there not found");
	if (errors == 0) {
		check_checklist(&cl);
		check_score(&cl);
		check_round_trip(&cl, path2);
	} else if (cl.n != 0) {
		fuzz_broken("a refused checklist left %d entries", cl.n);
	}
	return 0;
}
