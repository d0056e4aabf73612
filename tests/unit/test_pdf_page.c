/*
 * test_pdf_page.c - a report page read back into blocks (page_doc.c) and
 * laid out as a PDF (pdf_page.c):
 * - the blocks: the h1 as the title, the screen-only nav dropped, a
 *   table's head rows, colspan and figure cells, inline markup and the
 *   entities html_esc writes, landscape from the page's style;
 * - Thai is shaped: a tone mark and a vowel above take no width of their
 *   own (ที่ is as wide as ท), as they would not if the text were drawn
 *   character by character;
 * - the PDF: a real one, one page for a short page, more for a long table,
 *   each with "หน้า n / N"; an empty page still a valid PDF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pango/pangocairo.h>

#include "page_doc.h"
#include "pango_fixture.h"
#include "pdf_page.h"

static const char page[] =
    "<!DOCTYPE html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>t</title>\n<style>\n@page { size: A4; }\n</style>\n"
    "<style>@page { size: A4 landscape; } body { max-width: 273mm; }</style>\n"
    "</head>\n<body>\n<h1>สรุปผล &amp; ภาพรวม</h1>\n"
    "<p><b>สำนักงาน</b><br>ปีงบประมาณ</p>\n"
    "<p class=\"nav\"><a href=\"x.html\">ลิงก์</a></p>\n"
    "<table>\n<thead><tr><th>หน่วยงาน</th><th>ร้อยละ</th></tr></thead>\n<tbody>\n"
    "<tr><td colspan=\"2\" data-fig=\"span\">เปรียบเทียบ</td></tr>\n"
    "<tr><td>สำนัก <span class=\"warn\">ข้อมูลไม่ครบ</span></td><td class=\"n\">1,234.50</td></tr>\n"
    "</tbody>\n</table>\n<p class=\"meta\">สูตร</p>\n<ul>\n<li>ข้อ <code>a/b</code></li>\n</ul>\n"
    "<table class=\"signoff\">\n<tr><td><b>ผู้จัดทำ</b></td></tr>\n</table>\n</body>\n</html>\n";

static void test_blocks(void **state)
{
	struct page_doc d;
	const struct doc_block *t;

	(void)state;
	assert_int_equal(page_doc_read(page, sizeof(page) - 1, &d), 0);
	assert_true(d.thai);
	assert_true(d.landscape);
	assert_string_equal(d.title, "สรุปผล &amp; ภาพรวม");
	assert_int_equal(d.nblk, 6);   /* h1, p, table, meta, li, signoff: no nav */
	assert_int_equal(d.blk[0].kind, BLK_H1);
	assert_string_equal(d.blk[1].markup, "<b>สำนักงาน</b>\nปีงบประมาณ");
	t = &d.blk[2];
	assert_int_equal(t->kind, BLK_TABLE);
	assert_int_equal(t->nrow, 3);
	assert_true(t->row[0].head && !t->row[1].head);
	assert_int_equal(t->row[0].ncell, 2);
	assert_true(t->row[0].cell[0].th);
	assert_int_equal(t->row[1].cell[0].colspan, 2);
	assert_true(t->row[2].cell[1].num && !t->row[2].cell[0].num);
	assert_string_equal(t->row[2].cell[0].markup,
	    "สำนัก <span foreground=\"#aa4400\" weight=\"bold\">ข้อมูลไม่ครบ</span>");
	assert_int_equal(d.blk[3].kind, BLK_META);
	assert_int_equal(d.blk[4].kind, BLK_LI);
	assert_string_equal(d.blk[4].markup, "ข้อ <tt>a/b</tt>");
	assert_true(d.blk[5].signoff);
	page_doc_free(&d);
}

static double width_of(const char *text)
{
	return pango_fixture_width(text, 20);
}

static void test_shaping(void **state)
{
	(void)state;
	/* the government's face or its Debian relative, not a fallback */
	assert_true(strcmp(pdf_page_font(), "Laksaman") == 0 ||
	    strncmp(pdf_page_font(), "TH Sarabun", 10) == 0);
	/* ท with ี and ่ above it: the marks sit on the consonant */
	assert_true(width_of("ท") > 5);
	assert_float_equal(width_of("ที่"), width_of("ท"), 0.01);
	/* each mark alone would take room (a dotted circle as its base) */
	assert_true(width_of("ที่") + 5 < width_of("ท") + width_of("ี") + width_of("่"));
	/* and a line is its consonants' and vowels' width, its marks none */
	assert_float_equal(width_of("ร้อยละที่ลดลง"), width_of("รอยละทลดลง"), 0.01);
}

/* The PDF of html in memory: its bytes and pages. */
static char *pdf_of(const char *html, size_t *len, int *pages)
{
	char *buf = NULL, err[256];
	FILE *m = open_memstream(&buf, len);

	assert_non_null(m);
	assert_int_equal(pdf_page_write(NULL, html, strlen(html), m, pages, err, sizeof(err)), 0);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static void test_pdf(void **state)
{
	char *pdf, *long_page;
	size_t len, n = 0, cap = 200000;
	int pages;

	(void)state;
	pdf = pdf_of(page, &len, &pages);
	assert_true(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	assert_int_equal(pages, 1);
	free(pdf);
	/* 300 rows do not fit one page: the table breaks between rows */
	long_page = malloc(cap);
	assert_non_null(long_page);
	n += (size_t)snprintf(long_page + n, cap - n, "<html lang=\"en\"><h1>Long</h1><table>"
	    "<thead><tr><th>month</th><th>kWh</th></tr></thead><tbody>");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(long_page + n, cap - n,
		    "<tr><td>row %d</td><td class=\"n\">%d.00</td></tr>", i, i * 10);
	snprintf(long_page + n, cap - n, "</tbody></table></html>");
	pdf = pdf_of(long_page, &len, &pages);
	assert_true(pages >= 5 && pages < 30);
	free(pdf);
	free(long_page);
	/* nothing to lay out: still one valid page */
	pdf = pdf_of("", &len, &pages);
	assert_int_equal(pages, 1);
	assert_true(memcmp(pdf, "%PDF-", 5) == 0);
	free(pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_shaping),
		cmocka_unit_test(test_pdf),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_page_cleanup();
	return failed;
}
