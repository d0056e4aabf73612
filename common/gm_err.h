/*
 * gm_err.h - greenmeter's error codes (named so that it cannot be taken for
 * the system's <err.h> when an -I is missing).
 *
 * Code in common/ never prints and never exits: it returns 0 on success or a
 * negative GM_E* code, and where a caller needs the details it fills a
 * caller-owned message buffer. Programs decide what to log and whether to stop.
 */
#ifndef GM_ERR_H
#define GM_ERR_H

#include <stddef.h>

enum gm_err {
	GM_OK = 0,
	GM_EINVAL = -1,     /* malformed input: bad id, bad payload, bad config value */
	GM_ERANGE = -2,     /* a number out of its allowed range */
	GM_ENOMEM = -3,     /* allocation failed */
	GM_EIO = -4,        /* read/write/network failure; errno says more */
	GM_ENOTFOUND = -5,  /* unknown meter, model, channel or file */
	GM_EDUP = -6,       /* already stored (duplicate reading) */
	GM_ESTALE = -7,     /* older than what is already stored */
	GM_ELIB = -8,       /* a library call failed; its message was copied out */
	GM_EBUSY = -9,      /* someone else holds it for a moment (a file lock): try again soon */
	GM_EDAMAGED = -10,  /* a file is damaged or not a file: trying again will not help */
	GM_EPERM = -11,     /* refused: wrong credentials, or not allowed */
};

/* Room for one message about one thing (what, where and why: a channel's
 * name, a path, librrd's words), for the callers' buffers. */
#define GM_ERR_MAX 512

const char *gm_strerror(int code);

/* Format into a caller-owned buffer; always NUL-terminates. Returns `code`
 * so a failing path can be written as `return gm_errf(err, n, GM_EINVAL, ...)`.
 * The message is made printable (gm_printable): it ends up in logs and on
 * terminals, and may quote bytes from a file or the network. */
int gm_errf(char *buf, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* In place: each control character (C0 including tab and newline, DEL, C1)
 * and each byte that does not begin a UTF-8 character becomes '?', so the
 * text is printable UTF-8 (Thai stays Thai). */
void gm_printable(char *msg);

/* The length of the UTF-8 character at s (n bytes there), 1..4, or 0 if it
 * is not one (RFC 3629: no overlong forms, surrogates or code points past
 * U+10FFFF); *cp gets its code point. */
size_t gm_utf8_char(const unsigned char *s, size_t n, unsigned long *cp);
/* C0 and C1 controls and DEL: what a terminal or a log may act upon. */
int gm_control(unsigned long cp);
/* The 95 printable ASCII characters, for strspn(). */
extern const char gm_ascii_printable[];

#endif
