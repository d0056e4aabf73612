/* pdf_queue.c - a report set's PDFs, made on a few threads (pdf_queue.h).
 * Pango, cairo and fontconfig may be used from several threads at once,
 * each PDF with its own surface; the font is looked up before they start. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "gm_err.h"
#include "pdf_page.h"
#include "pdf_queue.h"
#include "pdf_shaper.h"

struct pdf_job {
	char name[256];
	char *html;
	size_t len;
};

struct pdf_queue {
	char dir[4096];
	struct pdf_job *job;
	int n, cap;
	int next;          /* the next job a thread takes */
	int failed;
	pthread_mutex_t lock;
};

struct pdf_queue *pdf_queue_new(const char *dir)
{
	struct pdf_queue *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	snprintf(q->dir, sizeof(q->dir), "%s", dir);
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

int pdf_queue_add(struct pdf_queue *q, const char *name, char *html, size_t len)
{
	if (q->n == q->cap) {
		int cap = q->cap ? 2 * q->cap : 64;
		struct pdf_job *j = realloc(q->job, (size_t)cap * sizeof(*j));

		if (j == NULL) {
			free(html);
			return -1;
		}
		q->job = j;
		q->cap = cap;
	}
	snprintf(q->job[q->n].name, sizeof(q->job[q->n].name), "%s", name);
	q->job[q->n].html = html;
	q->job[q->n++].len = len;
	return 0;
}

/* Made in memory, then written whole as the pages are (fileio_replace). */
static int write_pdf(const struct pdf_queue *q, const struct pdf_job *j, struct pdf_shaper *sh)
{
	char path[4400], err[4600], *pdf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&pdf, &len);
	bool bad;

	snprintf(path, sizeof(path), "%s/%s", q->dir, j->name);
	if (m == NULL) {
		fprintf(stderr, "gm-report: %s: out of memory\n", path);
		return -1;
	}
	if ((bad = pdf_page_write(sh, j->html, j->len, m, NULL, err, sizeof(err)) != 0))
		fprintf(stderr, "gm-report: cannot write %s: %s\n", path, err);
	if (fclose(m) != 0 && !bad) {
		fprintf(stderr, "gm-report: %s: out of memory\n", path);
		bad = true;
	}
	if (!bad && fileio_replace(path, pdf, len, 0644, false, err, sizeof(err)) != GM_OK) {
		fprintf(stderr, "gm-report: cannot write %s\n", err);
		bad = true;
	}
	free(pdf);
	return bad ? -1 : 0;
}

/* Each thread shapes with its own shaper: the texts the pages repeat are
 * shaped once a thread, not once a page. */
static void *worker(void *arg)
{
	struct pdf_queue *q = arg;
	struct pdf_shaper *sh = pdf_shaper_new(pdf_page_font());

	for (;;) {
		int i, bad;

		pthread_mutex_lock(&q->lock);
		i = q->next < q->n ? q->next++ : -1;
		pthread_mutex_unlock(&q->lock);
		if (i < 0) {
			pdf_shaper_free(sh);
			return NULL;
		}
		bad = write_pdf(q, &q->job[i], sh);
		free(q->job[i].html);
		q->job[i].html = NULL;
		pthread_mutex_lock(&q->lock);
		q->failed += bad != 0;
		pthread_mutex_unlock(&q->lock);
	}
}

int pdf_queue_run(struct pdf_queue *q, int threads)
{
	pthread_t t[8];
	int started = 0, failed;

	(void)pdf_page_font();   /* looked up once, before any thread */
	for (int i = 1; i < threads && i < 8; i++)
		if (pthread_create(&t[started], NULL, worker, q) == 0)
			started++;
	worker(q);   /* this thread works too */
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	failed = q->failed;
	for (int i = 0; i < q->n; i++)
		free(q->job[i].html);
	free(q->job);
	pthread_mutex_destroy(&q->lock);
	free(q);
	return failed ? -1 : 0;
}
