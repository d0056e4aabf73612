/*
 * ingest_fixture.h - a collector's ingest over <tmpdir>/data, for the tests
 * that feed it messages (test_ingest, test_chan_files, test_additivity):
 * the real store through librrd, a registry and the quarantine, opened as
 * the collector opens them, the clock fixed at `now`; datadir is in the
 * test's tmpdir (testutil.h). There is no
 * write-ahead queue unless a test opens one into ig.queue; whatever is
 * open is closed by ingest_fixture_close().
 */
#ifndef GM_INGEST_FIXTURE_H
#define GM_INGEST_FIXTURE_H

#include <stddef.h>

#include "ingest.h"

extern char datadir[96];
extern struct ingest ig;

/* The ingest, in the tmpdir made already; 0, or -1 with the reason
 * printed (what a cmocka setup answers). */
int ingest_fixture_open(long now);
/* Whatever of it is open closed; the files stay. */
void ingest_fixture_close(void);

/* Send, and expect it handled for good (INGEST_DONE), or fail the test. */
void done(const char *topic, const char *payload);

/* Records in the quarantine; with `prefix`, *with_prefix is how many give
 * a reason that starts with it. */
size_t quarantined(const char *prefix, size_t *with_prefix);

#endif
