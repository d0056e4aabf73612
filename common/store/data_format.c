/* data_format.c - the data directory's format version (data_format.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data_format.h"
#include "fileio.h"
#include "gm_err.h"

int data_format_check(const char *datadir, bool create, char *err, size_t errlen)
{
	char path[4200], why[256], line[64], tail;
	char *text = NULL;
	size_t len;
	int n, rc;

	snprintf(path, sizeof(path), "%s/%s", datadir, DATA_FORMAT_FILE);
	rc = fileio_read_all(path, 256, &text, &len, why, sizeof(why));
	if (rc == GM_ENOTFOUND) {
		if (!create)
			return GM_OK;   /* a directory from before the file: format 1 */
		if (mkdir(datadir, 0755) != 0 && errno != EEXIST)   /* a new data directory */
			return gm_errf(err, errlen, GM_EIO, "%s: %s", datadir, strerror(errno));
		snprintf(line, sizeof(line), "greenmeter-data %d\n", DATA_FORMAT);
		if (fileio_replace(path, line, strlen(line), 0644, true, why, sizeof(why)) != GM_OK)
			return gm_errf(err, errlen, GM_EIO, "%s", why);
		return GM_OK;
	}
	if (rc != GM_OK)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", path, why);
	/* exactly the one line: written back from the number, it is the same text */
	rc = GM_EINVAL;
	if (sscanf(text, "greenmeter-data %d%c", &n, &tail) == 2 && tail == '\n' && n >= 1) {
		snprintf(line, sizeof(line), "greenmeter-data %d\n", n);
		rc = strlen(text) == len && strcmp(text, line) == 0 ? GM_OK : GM_EINVAL;
	}
	free(text);
	if (rc != GM_OK)
		return gm_errf(err, errlen, GM_EINVAL, "%s: not a data format line (expected "
		    "\"greenmeter-data <N>\"): nothing was touched", path);
	if (n > DATA_FORMAT)
		return gm_errf(err, errlen, GM_EINVAL, "%s: the data directory is of format %d, "
		    "newer than this greenmeter's %d: install the greenmeter that wrote it (nothing "
		    "was touched)", path, n, DATA_FORMAT);
	/* 1 to 2: the files stay as they are (data_format.h) */
	if (n < DATA_FORMAT && create) {
		snprintf(line, sizeof(line), "greenmeter-data %d\n", DATA_FORMAT);
		if (fileio_replace(path, line, strlen(line), 0644, true, why, sizeof(why)) != GM_OK)
			return gm_errf(err, errlen, GM_EIO, "%s", why);
	}
	return GM_OK;
}
