/*
 * hash.h - FNV-1a, the one string hash of greenmeter's hash tables (the
 * collector's channels and queue, rrdcached's held files, the agent's
 * message numbers). Not for anything an attacker chooses the keys of in bulk:
 * every key here is a validated id or a path made of them.
 */
#ifndef GM_HASH_H
#define GM_HASH_H

#include <stdint.h>

#define FNV1A_BASIS 14695981039346656037ULL
#define FNV1A_PRIME 1099511628211ULL

/* h with the bytes of s (NUL-terminated) hashed in. */
static inline uint64_t fnv1a(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * FNV1A_PRIME;
	return h;
}

#endif
