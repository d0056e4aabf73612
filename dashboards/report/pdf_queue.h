/*
 * pdf_queue.h - the PDFs of a report set's pages, made on the machine's
 * cores: the set writer queues each page's HTML as it writes the page, and
 * runs the queue once every page is written. Each PDF is written whole
 * through a temporary name (fileio.h), as the HTML is; a page that cannot
 * be made is said on stderr with its path, and the others still are.
 */
#ifndef GM_PDF_QUEUE_H
#define GM_PDF_QUEUE_H

#include <stddef.h>

struct pdf_queue;

/* A queue of PDFs to write into dir; NULL when out of memory. */
struct pdf_queue *pdf_queue_new(const char *dir);
/* dir/name from html (len bytes, NUL-terminated), which the queue now
 * owns; 0, or -1 when out of memory (html is freed). */
int pdf_queue_add(struct pdf_queue *q, const char *name, char *html, size_t len);
/* Make them all on up to `threads` threads, and free the queue: 0, or -1
 * when any could not be written. */
int pdf_queue_run(struct pdf_queue *q, int threads);

#endif
