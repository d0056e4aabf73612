/*
 * signin_limit.h - wrong sign-ins counted per client address, so that one
 * machine guessing at many accounts is slowed as one account is locked
 * (accounts.h): more than `max` in a window of SIGNIN_WINDOW_S seconds and
 * that address is refused until its window ends. In memory (a restart
 * forgets; the accounts' own counts are in the database); SIGNIN_ADDRESSES
 * addresses at most, the oldest window forgotten first. Thread-safe.
 */
#ifndef GM_SIGNIN_LIMIT_H
#define GM_SIGNIN_LIMIT_H

#include <stdbool.h>

#define SIGNIN_WINDOW_S 900
#define SIGNIN_ADDRESSES 512

struct signin_limit;

struct signin_limit *signin_limit_new(int max);
void signin_limit_free(struct signin_limit *l);   /* NULL-safe */
/* May address try now? false: it has used up its window. */
bool signin_limit_allows(struct signin_limit *l, const char *address, double now);
/* A wrong sign-in from address. */
void signin_limit_failed(struct signin_limit *l, const char *address, double now);

#endif
