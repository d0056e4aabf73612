/*
 * numtext.h - numbers in the project's text files (journals), written so
 * that they read back as the same double and read as plain decimals only.
 */
#ifndef GM_NUMTEXT_H
#define GM_NUMTEXT_H

#include <stddef.h>

/* The shortest of %.15g .. %.17g that reads back as x: "0.1", not
 * "0.10000000000000001", and still exact. Returns snprintf's count. */
int numtext_shortest(char *buf, size_t len, double x);

/* A plain decimal ([0-9+-.eE], finite; no "nan", "inf" or hex, which strtod
 * would take) at *p, ending at a space or the end; *p moves past it and the
 * space. 0, or -1 if there is none. */
int numtext_field(const char **p, double *out);

#endif
