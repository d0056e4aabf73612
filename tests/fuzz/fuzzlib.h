/*
 * fuzzlib.h - what the fuzz targets of tests/fuzz/ share: a broken rule
 * reported as a crash (libFuzzer then saves the input), and a scratch
 * directory of the target's own, made once and removed at exit, for the
 * targets whose parser reads a file.
 */
#ifndef GM_FUZZLIB_H
#define GM_FUZZLIB_H

#include <stddef.h>
#include <stdint.h>

/* Print "<target>: rule broken: ..." and abort. */
void fuzz_broken(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* "/tmp/gm-fuzz-<name>-<pid>" (in /dev/shm when there is one), made on
 * the first call; the same path after. */
const char *fuzz_scratch(const char *name);

/* Replace the file at path with size bytes of data, or break. */
void fuzz_write(const char *path, const uint8_t *data, size_t size);

/* Remove everything below dir (dir stays). */
void fuzz_empty(const char *dir);

/* A reason a parser gave: non-empty, terminated within len, printable. */
void fuzz_check_reason(const char *err, size_t len, const char *what);

#endif
