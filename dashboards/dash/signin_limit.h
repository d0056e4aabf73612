/*
 * signin_limit.h - sign-in tries counted per client address, so that one
 * machine guessing at many accounts is slowed as one account is locked
 * (accounts.h): `max` tries that did not succeed in a window of
 * SIGNIN_WINDOW_S seconds and that address is refused until its window
 * ends. A try is taken before the password is checked (so a burst cannot
 * slip past the count) and given back when it succeeds. An IPv6 address
 * counts by its /64, which one machine commonly holds whole. In memory (a
 * restart forgets; the accounts' own counts are in the database);
 * SIGNIN_ADDRESSES addresses at most, the oldest window forgotten first.
 * Thread-safe.
 */
#ifndef GM_SIGNIN_LIMIT_H
#define GM_SIGNIN_LIMIT_H

#include <stdbool.h>

#define SIGNIN_WINDOW_S 900
#define SIGNIN_ADDRESSES 512

struct signin_limit;

struct signin_limit *signin_limit_new(int max);
void signin_limit_free(struct signin_limit *l);   /* NULL-safe */
/* Take a try for address: false when it has used up its window. */
bool signin_limit_take(struct signin_limit *l, const char *address, double now);
/* The try succeeded: it does not count. */
void signin_limit_gave_back(struct signin_limit *l, const char *address, double now);

#endif
