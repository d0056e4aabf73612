/*
 * form.h - a POSTed form's fields (application/x-www-form-urlencoded), as
 * the pages read them: each value %-decoded, '+' a space, and refused when
 * it would surprise the code that takes it (a NUL or control byte other
 * than tab and line breaks, text that is not UTF-8, longer than asked).
 */
#ifndef GM_FORM_H
#define GM_FORM_H

#include <stddef.h>
#include <stdint.h>

/* The first field key of body into out (len bytes, NUL included): GM_OK;
 * GM_ENOTFOUND when there is none; GM_EINVAL when its value is bad
 * (out holds ""). */
int form_value(const char *body, const char *key, char *out, size_t len);
/* The same for the index-th field key (from 0): a list of checkboxes sends
 * one field a box. */
int form_value_at(const char *body, const char *key, int index, char *out, size_t len);

/* The hidden "version" field (16 hex digits) of a form that edits a saved
 * whole (web_export.h), or 0. */
uint64_t form_version(const char *body);

/* A form's first mistake and where it is (an indicator, an activity):
 * the page is shown again with what was typed and this one said. */
struct form_mistake {
	const char *say;
	char where[64];
};
/* Keep say and where unless a mistake is kept already. */
void form_mistake(struct form_mistake *m, const char *say, const char *where);

#endif
