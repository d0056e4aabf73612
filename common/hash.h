/*
 * hash.h - FNV-1a, the one hash of greenmeter: its hash tables' (hmap.h)
 * and the usage cache's checksum; and splitmix64, its one mix of a number
 * into one that looks random (the simulator's jitter, a new RRD's ring
 * slots). Not for anything an attacker chooses the keys of in bulk: every
 * key here is a validated id or a path made of them.
 */
#ifndef GM_HASH_H
#define GM_HASH_H

#include <stddef.h>
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

/* h with the n bytes at p hashed in. */
static inline uint64_t fnv1a_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV1A_PRIME;
	return h;
}

/* splitmix64 (Steele, Lea, Flood 2014): a good 64-bit mix in three lines. */
static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

#endif
