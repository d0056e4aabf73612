/* page_doc.c - a report page's HTML read back into blocks (page_doc.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart.h"
#include "page_doc.h"

struct scan {
	const char *p, *end;
	bool oom;
};

/* The tag at s->p ('<'): its name lowered into name, its attributes'
 * text into attrs; s->p moves past '>'. false at the end of the text. */
static bool next_tag(struct scan *s, char *name, size_t nlen, char *attrs, size_t alen)
{
	const char *p = s->p, *gt;
	size_t n = 0, a;

	p = memchr(p, '<', (size_t)(s->end - p));
	if (p == NULL || (gt = memchr(p, '>', (size_t)(s->end - p))) == NULL)
		return false;
	p++;
	while (p < gt && n + 1 < nlen && !isspace((unsigned char)*p))
		name[n++] = (char)tolower((unsigned char)*p++);
	name[n] = '\0';
	a = (size_t)(gt - p) < alen - 1 ? (size_t)(gt - p) : alen - 1;
	memcpy(attrs, p, a);
	attrs[a] = '\0';
	s->p = gt + 1;
	return true;
}

/* The value of attribute key in attrs ("" when absent). */
static void attr(const char *attrs, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *v, *q;
	size_t n;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "%s=\"", key);
	if ((v = strstr(attrs, pat)) == NULL || (q = strchr(v += strlen(pat), '"')) == NULL)
		return;
	n = (size_t)(q - v) < len - 1 ? (size_t)(q - v) : len - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

/* The entities html_esc() writes, decoded in place. */
static void unescape(char *s)
{
	static const struct { const char *e; char c; } ent[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	char *w = s;

	while (*s != '\0') {
		size_t k;

		for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++)
			if (strncmp(s, ent[k].e, strlen(ent[k].e)) == 0)
				break;
		if (k < sizeof(ent) / sizeof(ent[0])) {
			*w++ = ent[k].c;
			s += strlen(ent[k].e);
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/* Skip past the end tag </name>. */
static void skip_to_end(struct scan *s, const char *name)
{
	char end[32];
	const char *q;

	snprintf(end, sizeof(end), "</%s>", name);
	q = strstr(s->p, end);
	s->p = q != NULL && q < s->end ? q + strlen(end) : s->end;
}

/* The inline tags a block may hold, as Pango markup. */
static const char *inline_markup(const char *name, const char *attrs)
{
	char cls[32];

	if (strcmp(name, "b") == 0)
		return "<b>";
	if (strcmp(name, "/b") == 0)
		return "</b>";
	if (strcmp(name, "br") == 0)
		return "\n";
	if (strcmp(name, "code") == 0)
		return "<tt>";
	if (strcmp(name, "/code") == 0)
		return "</tt>";
	if (strcmp(name, "/span") == 0)
		return "</span>";
	if (strcmp(name, "span") == 0) {
		attr(attrs, "class", cls, sizeof(cls));
		if (strcmp(cls, "warn") == 0)
			return "<span foreground=\"#aa4400\" weight=\"bold\">";
		if (strcmp(cls, "ok") == 0)
			return "<span foreground=\"#006600\">";
		if (strcmp(cls, "bad") == 0)
			return "<span foreground=\"#aa0000\">";
		return "<span>";
	}
	return "";   /* a, cite and the rest: their text only */
}

/* The content up to </end> as Pango markup, white space collapsed as a
 * browser does; s->p moves past the end tag. NULL when out of memory. */
static char *read_inline(struct scan *s, const char *end)
{
	char *out = NULL, name[16], attrs[256];
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	bool space = false, any = false;

	if (m == NULL) {
		s->oom = true;
		return NULL;
	}
	while (s->p < s->end) {
		if (*s->p == '<') {
			if (!next_tag(s, name, sizeof(name), attrs, sizeof(attrs)))
				break;
			if (name[0] == '/' && strcmp(name + 1, end) == 0)
				break;
			if (space && any && strcmp(name, "br") != 0)
				fputc(' ', m);
			space = false;
			fputs(inline_markup(name, attrs), m);
			any = strcmp(name, "br") != 0;
			continue;
		}
		if (isspace((unsigned char)*s->p)) {
			space = true;
		} else {
			if (space && any)
				fputc(' ', m);
			space = false;
			any = true;
			fputc(*s->p, m);
		}
		s->p++;
	}
	if (fclose(m) != 0) {
		free(out);
		s->oom = true;
		return NULL;
	}
	return out;
}

static struct doc_block *new_block(struct page_doc *d, enum blk_kind k, struct scan *s)
{
	struct doc_block *b = realloc(d->blk, (size_t)(d->nblk + 1) * sizeof(*b));

	if (b == NULL) {
		s->oom = true;
		return NULL;
	}
	d->blk = b;
	b = &d->blk[d->nblk++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	return b;
}

static void add_cell(struct doc_block *b, struct scan *s, bool th, const char *attrs)
{
	struct doc_row *r = &b->row[b->nrow - 1];
	struct doc_cell *c = realloc(r->cell, (size_t)(r->ncell + 1) * sizeof(*c));
	char v[32];

	if (c == NULL) {
		s->oom = true;
		return;
	}
	r->cell = c;
	c = &r->cell[r->ncell++];
	c->th = th;
	attr(attrs, "colspan", v, sizeof(v));
	c->colspan = atoi(v) > 0 ? atoi(v) : 1;
	attr(attrs, "class", v, sizeof(v));
	c->num = strcmp(v, "n") == 0;
	c->markup = read_inline(s, th ? "th" : "td");
	/* a cell's own colour (a verdict: met, missed, to check) */
	if (c->markup != NULL && (strcmp(v, "ok") == 0 || strcmp(v, "bad") == 0 ||
	    strcmp(v, "warn") == 0)) {
		char *m = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&m, &len);

		if (f == NULL) {
			s->oom = true;
			return;
		}
		fprintf(f, "<span foreground=\"%s\"%s>%s</span>", v[0] == 'o' ? "#006600" :
		    v[0] == 'b' ? "#aa0000" : "#aa4400", v[0] == 'w' ? " weight=\"bold\"" : "",
		    c->markup);
		if (fclose(f) != 0) {
			free(m);
			s->oom = true;
			return;
		}
		free(c->markup);
		c->markup = m;
	}
}

static void read_table(struct page_doc *d, struct scan *s, const char *attrs)
{
	struct doc_block *b = new_block(d, BLK_TABLE, s);
	char name[16], a[256], cls[32];
	bool head = false;

	if (b == NULL)
		return;
	attr(attrs, "class", cls, sizeof(cls));
	b->signoff = strcmp(cls, "signoff") == 0;
	while (!s->oom && next_tag(s, name, sizeof(name), a, sizeof(a))) {
		if (strcmp(name, "/table") == 0)
			break;
		if (strcmp(name, "thead") == 0 || strcmp(name, "/thead") == 0) {
			head = name[0] != '/';
		} else if (strcmp(name, "tr") == 0) {
			struct doc_row *r = realloc(b->row, (size_t)(b->nrow + 1) * sizeof(*r));

			if (r == NULL) {
				s->oom = true;
				break;
			}
			b->row = r;
			memset(&b->row[b->nrow], 0, sizeof(*r));
			b->row[b->nrow++].head = head;
		} else if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) && b->nrow > 0) {
			add_cell(b, s, name[1] == 'h', a);
		}
	}
}

/* A chart figure: its model from data-chart; the SVG and caption skipped. */
static void read_figure(struct page_doc *d, struct scan *s, const char *attrs)
{
	char spec[16384];
	struct doc_block *b;
	struct chart *c;

	skip_to_end(s, "figure");
	attr(attrs, "data-chart", spec, sizeof(spec));
	unescape(spec);
	if ((c = malloc(sizeof(*c))) == NULL) {
		s->oom = true;
		return;
	}
	if (chart_parse(spec, c) != 0 || (b = new_block(d, BLK_CHART, s)) == NULL) {
		free(c);
		return;
	}
	b->chart = c;
}

static void read_text_block(struct page_doc *d, struct scan *s, enum blk_kind k, const char *end)
{
	struct doc_block *b = new_block(d, k, s);

	if (b != NULL)
		b->markup = read_inline(s, end);
}

/* The h1's text without markup, for the running foot. */
static void plain_title(struct page_doc *d, const char *markup)
{
	size_t n = 0;
	bool tag = false;

	for (const char *p = markup; *p != '\0' && n + 1 < sizeof(d->title); p++) {
		if (*p == '<')
			tag = true;
		else if (*p == '>')
			tag = false;
		else if (!tag)
			d->title[n++] = *p;
	}
	d->title[n] = '\0';
}

int page_doc_read(const char *html, size_t len, struct page_doc *d)
{
	struct scan s = { .p = html, .end = html + len };
	char a[16384];   /* a chart's data-chart is long */
	char name[16], v[64];

	memset(d, 0, sizeof(*d));
	while (!s.oom && next_tag(&s, name, sizeof(name), a, sizeof(a))) {
		if (strcmp(name, "html") == 0) {
			attr(a, "lang", v, sizeof(v));
			d->thai = strcmp(v, "th") == 0;
			attr(a, "data-digits", v, sizeof(v));
			d->thai_digits = strcmp(v, "thai") == 0;
		} else if (strcmp(name, "style") == 0) {
			const char *q = strstr(s.p, "</style>"), *l = strstr(s.p, "A4 landscape");

			if (q != NULL && l != NULL && l < q)
				d->landscape = true;
			skip_to_end(&s, "style");
		} else if (strcmp(name, "title") == 0) {
			skip_to_end(&s, "title");
		} else if (strcmp(name, "h1") == 0 || strcmp(name, "h2") == 0) {
			read_text_block(d, &s, name[1] == '1' ? BLK_H1 : BLK_H2, name);
			if (name[1] == '1' && d->nblk > 0 && d->blk[d->nblk - 1].markup != NULL)
				plain_title(d, d->blk[d->nblk - 1].markup);
		} else if (strcmp(name, "p") == 0) {
			attr(a, "class", v, sizeof(v));
			if (strcmp(v, "nav") == 0)
				skip_to_end(&s, "p");
			else
				read_text_block(d, &s, strcmp(v, "meta") == 0 ? BLK_META : BLK_P, "p");
		} else if (strcmp(name, "li") == 0) {
			read_text_block(d, &s, BLK_LI, "li");
		} else if (strcmp(name, "table") == 0) {
			read_table(d, &s, a);
		} else if (strcmp(name, "figure") == 0) {
			read_figure(d, &s, a);
		}
	}
	return s.oom ? -1 : 0;
}

void page_doc_free(struct page_doc *d)
{
	for (int i = 0; i < d->nblk; i++) {
		struct doc_block *b = &d->blk[i];

		free(b->markup);
		for (int r = 0; r < b->nrow; r++) {
			for (int c = 0; c < b->row[r].ncell; c++)
				free(b->row[r].cell[c].markup);
			free(b->row[r].cell);
		}
		free(b->row);
		free(b->chart);
	}
	free(d->blk);
	memset(d, 0, sizeof(*d));
}
