/*
 * criteria.h - a Green Office criteria edition and a unit's self-evaluation
 * against it. criteria.c reads the edition; checklist.c reads a unit's
 * checklist and scores it.
 *
 * The edition is a data file (its wording changes yearly; docs/organisation.md):
 * categories (หมวด) with weights that sum to 100, and indicators with the
 * points each can score and where the score comes from: the unit's checklist
 * (a file the unit fills: score, evidence reference, note per indicator) or
 * the meter data (indicators 3.1.2 water, 3.2.2 electricity, 3.2.5 fuel,
 * 3.3.2 paper in the usual edition).
 *
 * A meter indicator scores points * (items met / 4), the items being the
 * four the criteria ask of a resource: (1) a figure for every month of the
 * period, (2) a per-unit figure (per person or per m2) computed, (3) the
 * target met, (4) the cause given: why the target was met or missed (the
 * criteria ask for both, "สรุปสาเหตุที่นำไปสู่การบรรลุ/ไม่บรรลุ"), so a met
 * target without its cause scores 3 of 4. With no target set, (3) is not
 * met. The target is judged on the quantity the indicator's text names:
 * `measure = per_unit` (the default: the usual edition's "ต่อหน่วย", per
 * person or per m2 as the unit's `per` says, each year by its own divisor)
 * or `measure = total`.
 *
 * Paper: the edition's "source = meter paper" and a checklist's
 * "[cause paper]" mean the organisation's paper basis (org.h paper_basis).
 * The indicator is stored with res = RES_PAPER_REAMS and the caller
 * substitutes the basis; [cause paper] fills the cause of both paper
 * resources, so it is found whichever the basis is.
 *
 * A category scores weight * sum(scores) / sum(points); the total is the sum
 * of the categories, in % of 100, rounded to a millionth of a point so that
 * sums of thirds grade as exact arithmetic would (checklist.c, ARITHMETIC);
 * the grade comes from kpi.h's bands.
 * Readiness: the indicators not at full points, largest gain to the total
 * first (gain = weight * missing points / the category's points; equal
 * gains in edition order), taken until they add up to the gain the next
 * grade needs, or all of them if even that is not enough; none at gold.
 */
#ifndef GM_CRITERIA_H
#define GM_CRITERIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kpi.h"
#include "org.h"

#define CRIT_CODE_MAX 16
#define CRIT_TEXT_MAX 512
#define CRIT_MAX_CATEGORIES 12
#define CRIT_MAX_INDICATORS 128

enum crit_source { SRC_CHECKLIST, SRC_METER };

struct crit_category {
	int number;                       /* หมวด: 1..6 in the usual edition, at most 99 */
	char th[CRIT_TEXT_MAX], en[CRIT_TEXT_MAX];
	double weight;
};

struct crit_indicator {
	char code[CRIT_CODE_MAX];         /* "3.2.2" */
	int category;                     /* index into categories */
	char th[CRIT_TEXT_MAX], en[CRIT_TEXT_MAX];
	double points;                    /* the most it can score */
	enum crit_source source;
	enum resource res;                /* SRC_METER: which resource (paper: the org's basis) */
	bool total;                       /* measure = total: judged on the amount, not per unit */
};

struct criteria {
	char edition[64];                 /* "2567" */
	char th[CRIT_TEXT_MAX], en[CRIT_TEXT_MAX];
	bool official;                    /* status = official: the edition's own text
	                                   * (else a reconstruction, labelled so) */
	char source[CRIT_TEXT_MAX];       /* where the official document is */
	struct crit_category cat[CRIT_MAX_CATEGORIES];
	int ncat;
	struct crit_indicator ind[CRIT_MAX_INDICATORS];
	int nind;
};

/* One line of a unit's checklist. */
struct check_entry {
	char code[CRIT_CODE_MAX];
	double score;                     /* NAN: not filled */
	char evidence[CRIT_TEXT_MAX], note[CRIT_TEXT_MAX];
};

/* A cause analysis for a missed target, per resource. */
struct cause {
	char text[CRIT_TEXT_MAX * 2], plan[CRIT_TEXT_MAX * 2];
};

struct checklist {
	struct check_entry e[CRIT_MAX_INDICATORS];
	int n;
	struct cause cause[RES_N];        /* empty text: none given */
	bool found;                       /* false: no file (every score 0) */
};

/* What the meter data says of a meter indicator's resource for the period. */
struct meter_items {
	bool every_month;                 /* (1) */
	bool per_unit;                    /* (2) */
	bool target_set, target_met;      /* (3) */
	bool cause_given;                 /* (4), when missed */
};

struct ind_score {
	double score, points;
	int items_met;                    /* meter indicators: 0..4 */
	const struct check_entry *check;  /* checklist indicators: the line, or NULL */
};

struct self_eval {
	struct ind_score ind[CRIT_MAX_INDICATORS];
	double cat_pct[CRIT_MAX_CATEGORIES];   /* each out of its weight */
	double total;                          /* % of 100 */
	enum grade grade;
	int ready[CRIT_MAX_INDICATORS];        /* readiness: indicator indexes */
	int nready;
	double gain_needed;                    /* to the next grade; 0 at gold */
	int answered;                          /* checklist lines scored; 0: the unit has
	                                        * not assessed itself yet */
};

typedef void (*crit_report_fn)(void *user, const char *msg);

/* Both return the number of mistakes reported ("path:line: ..."); 0: filled.
 * On mistakes the struct is left empty (a checklist with found = true).
 * A missing checklist file is not a mistake: found = false. An indicator code
 * not in the edition is, and so is a score outside 0..points or a score for
 * a meter indicator (its evidence and note are welcome). */
int criteria_load(const char *path, struct criteria *c, crit_report_fn report, void *user);
int checklist_load(const char *path, const struct criteria *c, struct checklist *cl,
    crit_report_fn report, void *user);

/* cl as the file checklist_load reads back into the same answers: the
 * indicators in the edition's order (those with nothing in them left
 * out), then the causes ([cause paper] when both paper figures have the
 * same). head is the opening comment's first line. Values must be
 * conf_writable (confparse.h). */
void checklist_write(FILE *f, const struct criteria *c, const struct checklist *cl,
    const char *head);

/* items[i] is used for meter indicator i (indexes as in c->ind); items NULL:
 * no meter item met. cl NULL: no checklist. out->ind[].check points into
 * *cl, which must outlive *out. */
void checklist_self_evaluate(const struct criteria *c, const struct checklist *cl,
    const struct meter_items *items, const double bands[3], struct self_eval *out);

int checklist_meter_items_met(const struct meter_items *m);   /* 0..4 */

/* The meter indicator of resource res (either paper resource finds the
 * edition's paper indicator), or NULL. */
const struct crit_indicator *criteria_meter_indicator(const struct criteria *c,
    enum resource res);

/* The index of indicator `code` in c->ind, or -1. */
int criteria_find(const struct criteria *c, const char *code);
/* A resource as the edition and checklists name it: resource_parse()'s
 * names, and "paper" for the organisation's paper basis (RES_PAPER_REAMS;
 * see Paper above). 0, or -1. */
int criteria_resource(const char *s, enum resource *out);
/* Those names, comma-separated, for messages. */
void criteria_resources(char *buf, size_t len);

#endif
