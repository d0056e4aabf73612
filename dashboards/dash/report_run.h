/*
 * report_run.h - the Green Office report set made again from the
 * dashboard, when a coordinator or a unit's editor asks (after monthly
 * entries or a checklist are saved): gm-report for one fiscal year, into
 * <reports_dir>/green-fy<FY>, in the background, one run at a time. A
 * request while one runs is refused (its page says a run is under way);
 * what gm-report said goes to a log beside the reports (.gm-report.log,
 * a hidden name, so never served). The run is killed after
 * REPORT_RUN_TIMEOUT_S.
 */
#ifndef GM_REPORT_RUN_H
#define GM_REPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define REPORT_RUN_TIMEOUT_S 1800

struct report_run;

struct report_run_args {
	const char *program;     /* gm-report */
	const char *data_dir, *org, *reports_dir;
	const char *rrdcached;   /* "" for none */
	bool pdf;
};

struct report_run *report_run_new(const struct report_run_args *a);
/* A run under way is asked to end (SIGTERM) and waited for. NULL-safe. */
void report_run_free(struct report_run *r);

/* Start a run for fy, asked by who: GM_OK; GM_EBUSY when one runs;
 * GM_EIO with why in err. */
int report_run_start(struct report_run *r, int fy, const char *who, char *err, size_t errlen);

struct report_run_state {
	bool running;
	int fy;
	char who[80];
	double started, ended;   /* 0: never */
	int status;              /* of the last run: its exit code, -1 killed */
};
void report_run_state(struct report_run *r, struct report_run_state *out);

#endif
