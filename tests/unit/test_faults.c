/*
 * test_faults.c - one alert per fault (faults.c), on snapshots built by
 * hand: 100 meters behind one gateway, 2 on another, a lone meter.
 * - a gateway that stops answering: its meters go stale over a poll cycle,
 *   and once settled there is one "opened" naming the gateway and its 100
 *   meters, never a meter fault each; one "resolved" when all are back;
 * - a fault the dashboard already said survives a restart (the state
 *   file): nothing new; one that ended while it was down is resolved;
 * - a lone meter's fault names its one channel; a reminder while it lasts;
 * - the collector not writing its status file: one fault, not a meter each;
 * - a damaged state file is set aside, not fatal.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "faults.h"
#include "org.h"
#include "testutil.h"

#define GW_METERS 100
#define NROWS (GW_METERS + 2 + 1)
#define T0 1800000000.0
#define EVERY 10.0        /* each meter read every 10 s */

static struct meter_snap snap;
static struct meter_row rows[NROWS];
static struct org org;
static struct org_meter reg[NROWS];
static double last[NROWS];   /* each meter's last reading */

struct seen {
	int opened, reminders, resolved;
	char key[FAULT_KEY_MAX];
	size_t nmeters;
	const struct meter_row *row;
	enum chan_status status;
};

static void record(void *user, const struct fault_event *e)
{
	struct seen *s = user;

	if (e->kind == FE_OPENED)
		s->opened++;
	else if (e->kind == FE_REMINDER)
		s->reminders++;
	else
		s->resolved++;
	snprintf(s->key, sizeof(s->key), "%s", e->f->key);
	s->nmeters = e->f->nmeters;
	if (e->kind == FE_OPENED)
		s->row = e->row;
	s->status = e->f->status;
}

/* One site p: meters m000..m099 (gateway gw-a), x0, x1 (gateway gw-b) and
 * zlone (no gateway), one channel each; rows in name order. */
static void build(void)
{
	memset(&org, 0, sizeof(org));
	org.meters = reg;
	for (int i = 0; i < NROWS; i++) {
		struct meter_row *r = &rows[i];
		struct org_meter *m = &reg[i];

		memset(r, 0, sizeof(*r));
		memset(m, 0, sizeof(*m));
		snprintf(m->site, sizeof(m->site), "p");
		if (i < GW_METERS) {
			snprintf(m->meter, sizeof(m->meter), "m%03d", i);
			snprintf(m->gateway, sizeof(m->gateway), "gw-a");
		} else if (i < GW_METERS + 2) {
			snprintf(m->meter, sizeof(m->meter), "x%d", i - GW_METERS);
			snprintf(m->gateway, sizeof(m->gateway), "gw-b");
		} else {
			snprintf(m->meter, sizeof(m->meter), "zlone");
		}
		snprintf(m->name_th, sizeof(m->name_th), "มิเตอร์ %d", i);
		assert_int_equal(chan_id_set(&r->st.id, m->site, m->meter, "kwh", NULL, 0), 0);
		r->st.have_last = true;
		r->st.interval = EVERY;
		r->st.kind = KIND_COUNTER;
		r->in_status = false;   /* judged at the moment asked */
		last[i] = T0;
	}
	org.nmeters = NROWS;   /* already in site, meter order */
	snap.rows = rows;
	snap.n = NROWS;
	snap.status_mtime = 0;   /* no collector status file: no collector faults */
	snap.status_err[0] = '\0';
}

/* Meters i in [from, to) answer at t (their last reading is t). */
static void answer(int from, int to, double t)
{
	for (int i = from; i < to; i++)
		rows[i].st.last_t = last[i] = t;
}

/* Every 5 s from t to t + span, scanning; the gateway's meters answer
 * until `dead` (each at its own moment of the 10 s poll cycle). */
static void run(struct faults *fs, double t, double span, double dead, struct seen *s)
{
	for (double now = t; now <= t + span; now += 5) {
		for (int i = 0; i < GW_METERS; i++) {
			double at = floor((now - i * 0.1) / EVERY) * EVERY + i * 0.1;   /* its poll */

			if (at <= dead && at > last[i])
				rows[i].st.last_t = last[i] = at;
		}
		answer(GW_METERS, NROWS, now);   /* the others keep answering */
		faults_scan(fs, &snap, &org, now, 5, record, s);
	}
}

static void test_gateway_down_one_alert(void **state)
{
	struct faults *fs = faults_new(NULL, 0, 0);
	struct seen s = { 0 };

	(void)state;
	build();
	run(fs, T0, 60, T0 + 1000, &s);   /* all well */
	assert_int_equal(s.opened + s.resolved, 0);
	run(fs, T0 + 65, 120, T0 + 70, &s);   /* gw-a dies at T0 + 70 */
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "gateway:gw-a");
	assert_int_equal(s.nmeters, GW_METERS);
	assert_int_equal(faults_open(fs), 1);
	run(fs, T0 + 190, 60, T0 + 1000, &s);   /* back */
	assert_int_equal(s.resolved, 1);
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "gateway:gw-a");
	assert_int_equal(faults_open(fs), 0);
	faults_free(fs);
}

static void test_restart_says_nothing_new(void **state)
{
	char path[512];
	struct faults *fs;
	struct seen s = { 0 };

	(void)state;
	build();
	snprintf(path, sizeof(path), "%s/faults.json", tmpdir);
	fs = faults_new(path, 0, 0);
	run(fs, T0, 30, T0 + 1000, &s);
	run(fs, T0 + 35, 120, T0 + 40, &s);
	assert_int_equal(s.opened, 1);
	faults_free(fs);   /* the dashboard stops during the fault ... */
	fs = faults_new(path, 0, 0);   /* ... and starts again */
	assert_int_equal(faults_open(fs), 1);
	run(fs, T0 + 160, 60, T0 + 40, &s);
	assert_int_equal(s.opened, 1);   /* nothing new */
	assert_int_equal(s.resolved, 0);
	faults_free(fs);
	fs = faults_new(path, 0, 0);   /* it came back while we were away */
	run(fs, T0 + 300, 10, T0 + 1000, &s);
	assert_int_equal(s.resolved, 1);
	assert_int_equal(s.opened, 1);
	faults_free(fs);
}

static void test_lone_meter_and_reminder(void **state)
{
	struct faults *fs = faults_new(NULL, 0, 60);
	struct seen s = { 0 };

	(void)state;
	build();
	for (double now = T0; now <= T0 + 200; now += 5) {
		answer(0, NROWS - 1, now);   /* all but the lone meter */
		faults_scan(fs, &snap, &org, now, 5, record, &s);
	}
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "meter:p/zlone");
	assert_ptr_equal(s.row, &rows[NROWS - 1]);   /* its one channel */
	assert_int_equal(s.status, STATUS_STALE);
	assert_true(s.reminders >= 2);   /* stale from ~T0 + 30: at +60 s and +120 s */
	faults_free(fs);
}

static void test_two_meters_of_gateway(void **state)
{
	struct faults *fs = faults_new(NULL, 0, 0);
	struct seen s = { 0 };

	(void)state;
	build();
	for (double now = T0; now <= T0 + 200; now += 5) {
		answer(0, GW_METERS, now);
		answer(NROWS - 1, NROWS, now);   /* gw-b's two meters silent */
		faults_scan(fs, &snap, &org, now, 5, record, &s);
	}
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "gateway:gw-b");
	assert_int_equal(s.nmeters, 2);
	faults_free(fs);
}

/* Every meter of the site silent, across gateways: its agent. */
static void test_site_down(void **state)
{
	struct faults *fs = faults_new(NULL, 0, 0);
	struct seen s = { 0 };

	(void)state;
	build();
	for (double now = T0; now <= T0 + 200; now += 5)
		faults_scan(fs, &snap, &org, now, 5, record, &s);
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "site:p");
	assert_int_equal(s.nmeters, NROWS);
	faults_free(fs);
}

static void test_collector_down_one_fault(void **state)
{
	struct faults *fs = faults_new(NULL, 0, 0);
	struct seen s = { 0 };

	(void)state;
	build();
	snap.status_mtime = T0;
	for (double now = T0; now <= T0 + 200; now += 5) {
		if (now <= T0 + 30) {
			answer(0, NROWS, now);
			snap.status_mtime = now;
		}
		faults_scan(fs, &snap, &org, now, 5, record, &s);
	}
	assert_int_equal(s.opened, 1);
	assert_string_equal(s.key, "collector");
	assert_int_equal(faults_open(fs), 1);
	faults_free(fs);
}

static void test_damaged_state(void **state)
{
	char path[512];
	struct faults *fs;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"faults\": [{\"key\": 3}], \"x\"", f);
	fclose(f);
	fs = faults_new(path, 0, 0);
	assert_non_null(fs);
	assert_int_equal(faults_open(fs), 0);
	faults_free(fs);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("faults");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gateway_down_one_alert),
		cmocka_unit_test(test_restart_says_nothing_new),
		cmocka_unit_test(test_lone_meter_and_reminder),
		cmocka_unit_test(test_two_meters_of_gateway),
		cmocka_unit_test(test_site_down),
		cmocka_unit_test(test_collector_down_one_fault),
		cmocka_unit_test(test_damaged_state),
	};

	return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
