/*
 * textwidth.h - how many columns UTF-8 text takes on a terminal, so that a
 * text table lines up in Thai as in English. A character takes one column;
 * a combining mark takes none: Thai vowels and tone marks written above or
 * below a consonant (U+0E31, U+0E34-U+0E3A, U+0E47-U+0E4E: in "ที่" three
 * characters, one column), combining accents (U+0300-U+036F) and the zero
 * width characters U+200B-U+200D. Neither bytes (3 a Thai character) nor
 * characters count columns. A byte that begins no UTF-8 character counts
 * one column (gm_printable shows it as '?'). East Asian wide characters
 * count one: nothing greenmeter prints has them.
 */
#ifndef GM_TEXTWIDTH_H
#define GM_TEXTWIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

size_t textwidth_of(const char *s);

/* s padded with spaces to `width` columns: after it, or before it when
 * `right` (right-aligned, for numbers). Text wider than width is written
 * whole. Returns what fprintf returns. */
int textwidth_pad(FILE *f, const char *s, size_t width, bool right);

#endif
