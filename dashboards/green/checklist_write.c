/*
 * checklist_write.c - a unit's checklist written back as the INI file
 * checklist.c reads (criteria.h checklist_write): what gm-dashboard's
 * checklist page saves becomes the file gm-report scores, so a checklist
 * filled on the web and one written by hand are one format.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "criteria.h"
#include "numtext.h"

static const struct check_entry *entry_of(const struct checklist *cl, const char *code)
{
	for (int e = 0; e < cl->n; e++)
		if (strcmp(cl->e[e].code, code) == 0)
			return &cl->e[e];
	return NULL;
}

static void key(FILE *f, const char *k, const char *v)
{
	if (v[0] != '\0')
		fprintf(f, "%s = %s\n", k, v);
}

static void entry(FILE *f, const struct check_entry *e)
{
	char num[40];

	fprintf(f, "\n[%s]\n", e->code);
	if (!isnan(e->score)) {
		numtext_shortest(num, sizeof(num), e->score);
		key(f, "score", num);
	}
	key(f, "evidence", e->evidence);
	key(f, "note", e->note);
}

static void cause(FILE *f, const char *word, const struct cause *c)
{
	fprintf(f, "\n[cause %s]\n", word);
	key(f, "text", c->text);
	key(f, "plan", c->plan);
}

void checklist_write(FILE *f, const struct criteria *c, const struct checklist *cl,
    const char *head)
{
	const struct cause *pr = &cl->cause[RES_PAPER_REAMS], *pp = &cl->cause[RES_PAPER_PRINTED];
	bool paper = pr->text[0] != '\0' && memcmp(pr, pp, sizeof(*pr)) == 0;

	fprintf(f, "; %s\n; Criteria edition %s. Format: docs/organisation.md, "
	    "\"The criteria edition and checklists\".\n", head, c->edition);
	for (int i = 0; i < c->nind; i++) {
		const struct check_entry *e = entry_of(cl, c->ind[i].code);

		if (e != NULL && (!isnan(e->score) || e->evidence[0] != '\0' || e->note[0] != '\0'))
			entry(f, e);
	}
	for (int r = 0; r < RES_N; r++) {
		if (cl->cause[r].text[0] == '\0' && cl->cause[r].plan[0] == '\0')
			continue;
		if (paper && (r == RES_PAPER_REAMS || r == RES_PAPER_PRINTED)) {
			if (r == RES_PAPER_REAMS)
				cause(f, "paper", pr);
			continue;
		}
		cause(f, resource_name((enum resource)r), &cl->cause[r]);
	}
}
