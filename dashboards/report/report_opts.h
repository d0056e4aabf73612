/*
 * report_opts.h - gm-report's command line: which mode, and every option it
 * was given checked against that mode. An option is honoured or refused,
 * never ignored: one that does not apply to the mode, a combination that
 * names the period twice, a value out of its range or given twice is
 * refused with a message that names it (gm-report exits 2).
 *
 * Plain mode (no --org, --out): a table or CSV of every channel over
 *   --from TIME --to TIME, or --fy FY [--round 6|9|12 | --quarter 1-4 |
 *   --month 1-12]; --site, --meter, --csv, --lang th|en (text only),
 *   --rrdcached. Not --cache (it keeps what the Green Office set reads),
 *   nor --pdf.
 * Green Office mode (--org FILE --out DIR): --fy FY [--round | --quarter |
 *   --month], --lang th|en|both, --cache, --rrdcached, --pdf. Not --from,
 *   --to, --site, --meter, --csv.
 * --month counts from October (1) to September (12) in both modes; fiscal
 * years are FY_MIN..FY_MAX (fiscal.h) in both.
 * -h or --help, with anything else: REPORT_HELP, the usage on stdout.
 */
#ifndef GM_REPORT_OPTS_H
#define GM_REPORT_OPTS_H

#include <stddef.h>
#include <time.h>

#include "green.h"
#include "green_text.h"

enum report_mode { REPORT_PLAIN, REPORT_GREEN, REPORT_HELP };

struct report_cmd {
	enum report_mode mode;
	const char *datadir, *rrdcached;
	/* plain */
	const char *site, *meter;    /* NULL: all */
	time_t from, to;             /* [from, to) */
	int csv;
	enum lang lang;              /* of the text table; English by default */
	/* Green Office */
	const char *org, *out, *cache;
	struct green_period period;
	int langs;                   /* bit 0 Thai, bit 1 English; both by default */
	int pdf;                     /* also an A4 PDF of every HTML page */
};

/* argv into *cmd (its strings point into argv). GM_OK, or GM_EINVAL with
 * the message in err. Local times are read in the process's time zone. */
int report_opts_parse(int argc, char **argv, struct report_cmd *cmd, char *err, size_t errlen);

/* The usage text. */
void report_opts_usage(FILE *f);

#endif
