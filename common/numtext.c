/* numtext.c - exact, plain numbers in text files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numtext.h"

int numtext_shortest(char *buf, size_t len, double x)
{
	int n = 0;

	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return n;
}

int numtext_field(const char **p, double *out)
{
	const char *s = *p;
	size_t k = strspn(s, "0123456789+-.eE");
	char tok[40], *end;

	if (k == 0 || k >= sizeof(tok) || (s[k] != ' ' && s[k] != '\0'))
		return -1;
	memcpy(tok, s, k);
	tok[k] = '\0';
	*out = strtod(tok, &end);
	if (*end != '\0' || !isfinite(*out))
		return -1;
	*p = s + k + (s[k] == ' ');
	return 0;
}
