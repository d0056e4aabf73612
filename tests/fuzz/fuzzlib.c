/* fuzzlib.c - helpers of the fuzz targets (fuzzlib.h). */
#define _GNU_SOURCE   /* nftw's FTW_DEPTH and FTW_PHYS */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzzlib.h"

static char scratch[128];

void fuzz_broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: rule broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

void fuzz_empty(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(void)
{
	if (scratch[0] != '\0') {
		fuzz_empty(scratch);
		rmdir(scratch);
	}
}

const char *fuzz_scratch(const char *name)
{
	struct stat st;

	if (scratch[0] != '\0')
		return scratch;
	snprintf(scratch, sizeof(scratch), "%s/gm-fuzz-%s-%ld",
	    stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp", name,
	    (long)getpid());
	if (mkdir(scratch, 0700) != 0)
		fuzz_broken("cannot make %s", scratch);
	atexit(remove_scratch);
	return scratch;
}

void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		fuzz_broken("cannot write %s", path);
}

void fuzz_check_reason(const char *err, size_t len, const char *what)
{
	size_t n = strnlen(err, len);

	if (n == 0 || n == len)
		fuzz_broken("%s: reason empty or not terminated", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err[i];

		if (c < 0x20 || c > 0x7e)
			fuzz_broken("%s: reason has byte 0x%02x at %zu: %s", what, c, i, err);
	}
}
