/*
 * page.h - what every dashboard page shares: the frame (title, the
 * page's own refresh, navigation, the Thai/English switch) and how ages,
 * statuses, readings and amounts are written, so every page says them alike.
 * Every text that came from a file or the network is escaped (html.h).
 */
#ifndef GM_PAGE_H
#define GM_PAGE_H

#include <stdio.h>

#include "dash.h"

/* "" for Thai, "?lang=en" for English: what links carry. */
const char *page_lang_query(enum lang l);

/* <html> .. <main>: title, refresh every `refresh` s (0: none), navigation. */
void page_begin(FILE *f, const struct http_req *rq, enum lang l, const char *title,
    int refresh);
void page_end(FILE *f, enum lang l, double now);

/* "5 s", "3 min", "2 h", "4 d" (Thai words in Thai); NAN: "never". */
void page_age(FILE *f, double age_s, enum lang l);
/* A status badge: <span class="st st-stale">…</span>. */
void page_status(FILE *f, enum chan_status s, enum lang l);
/* A reading as the meter showed it, with its unit. */
void page_reading(FILE *f, double v, const char *unit, enum lang l);
/* An amount used, its unit, and "incomplete 87 %" / "to review" when so. */
void page_use(FILE *f, const struct meter_use *u, const char *unit, enum lang l);
/* A moment as the page's reader writes it: "7 ธ.ค. 2569 08:41:27 น."
 * (Buddhist Era), "7 Dec 2026 08:41:27"; local time. */
void page_time(FILE *f, double t, enum lang l);
/* <a href="/meter/s/m/c">s/m/c</a> */
void page_chan_link(FILE *f, const struct chan_id *id, enum lang l);
/* The same link, its text the channel's name alone (under its meter's). */
void page_chan_short_link(FILE *f, const struct chan_id *id, enum lang l);
/* The page for a request that names nothing we have. */
void page_not_found(struct http_reply *rp, const struct http_req *rq, enum lang l,
    const char *what);

/* A warning paragraph <p class="warn" id="id">: text (trusted), then detail
 * (escaped, small) when not NULL. */
void page_warn(FILE *f, const char *id, const char *text, const char *detail);
/* Fiscal years newest down to oldest as <option>s, selected marked: B.E.
 * on a Thai page, C.E. on an English one. */
void page_fy_options(FILE *f, int newest, int oldest, int selected, enum lang l);

#endif
