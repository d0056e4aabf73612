/*
 * fuzz_fault_state.c - libFuzzer target over gm-dashboard's fault state
 * file (dashboards/dash/faults.c: the open faults, kept across restarts,
 * which a power cut may leave damaged). The input is the file. Besides no
 * crash, undefined behaviour or leak:
 *   - what is read is whole: each open fault has a key, a known scope, a
 *     status of stale or fault, and meter names terminated within their
 *     room; a damaged file gives none, never a half;
 *   - on a snapshot with no meter at all every fault read is over: one
 *     "resolved" each, and none is left open;
 *   - the file written back after that is read again as empty.
 */
#include <string.h>

#include "faults.h"
#include "fuzzlib.h"

static int resolved;

static void count(void *user, const struct fault_event *e)
{
	const struct fault *f = e->f;

	(void)user;
	if (e->kind != FE_RESOLVED)
		fuzz_broken("a %s event with no meter", fault_event_name(e->kind));
	if (f->key[0] == '\0' || memchr(f->key, '\0', sizeof(f->key)) == NULL)
		fuzz_broken("a fault without a key");
	if ((unsigned)f->scope > FAULT_METER ||
	    (f->status != STATUS_STALE && f->status != STATUS_FAULT))
		fuzz_broken("%s: scope %d, status %d", f->key, (int)f->scope, (int)f->status);
	for (size_t k = 0; k < f->nmeters; k++)
		if (memchr(f->meters[k], '\0', sizeof(f->meters[k])) == NULL)
			fuzz_broken("%s: a meter name not terminated", f->key);
	resolved++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	struct meter_snap none = { 0 };
	struct faults *fs;
	size_t open;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/faults.json", fuzz_scratch("fault_state"));
	fuzz_write(path, data, size);
	if ((fs = faults_new(path, 0, 0)) == NULL)
		return 0;
	open = faults_open(fs);
	resolved = 0;
	faults_scan(fs, &none, NULL, 1.8e9, 5, count, NULL);
	if ((size_t)resolved != open || faults_open(fs) != 0)
		fuzz_broken("%zu read, %d resolved, %zu still open", open, resolved, faults_open(fs));
	faults_free(fs);
	if ((fs = faults_new(path, 0, 0)) == NULL)
		return 0;
	if (open > 0 && faults_open(fs) != 0)
		fuzz_broken("the state written back holds %zu faults", faults_open(fs));
	faults_free(fs);
	return 0;
}
