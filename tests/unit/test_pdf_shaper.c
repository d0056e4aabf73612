/*
 * test_pdf_shaper.c - text shaped once per thread (pdf_shaper.c):
 * - the same text at the same size, width and alignment is the same
 *   layout; another width or alignment is another, wrapped as asked;
 * - its size is Pango's for the text laid out on its own;
 * - the least width: a Thai phrase breaks between words, a figure never;
 * - memory stays bounded over many PDFs' texts, and a text still used
 *   survives a trim;
 * - a PDF made with a shaper kept from earlier PDFs is the PDF made
 *   without one.
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

#include "pango_fixture.h"
#include "pdf_page.h"
#include "pdf_shaper.h"

static void test_same_text_once(void **state)
{
	struct pdf_shaper *sh = pdf_shaper_new(pdf_page_font());
	const char *text = "ปริมาณการใช้ไฟฟ้า <b>ต่อคน</b> ลดลงร้อยละ 5.3";
	struct shaped *a = pdf_shaper_get(sh, text, 12, -1, PANGO_ALIGN_LEFT);
	struct shaped *b, *narrow, *right;

	(void)state;
	assert_non_null(a);
	assert_float_equal(a->w, pango_fixture_width(text, 12), 0.01);
	b = pdf_shaper_get(sh, text, 12, -1, PANGO_ALIGN_LEFT);
	assert_ptr_equal(a, b);
	assert_int_equal(pdf_shaper_size(sh), 1);
	narrow = pdf_shaper_get(sh, text, 12, a->w / 2, PANGO_ALIGN_LEFT);
	assert_ptr_not_equal(narrow, a);
	assert_true(narrow->w <= a->w / 2 + 0.5);
	assert_true(narrow->h > 1.5 * a->h);          /* wrapped onto more lines */
	right = pdf_shaper_get(sh, text, 12, a->w / 2, PANGO_ALIGN_RIGHT);
	assert_ptr_not_equal(right, narrow);
	assert_ptr_not_equal(pdf_shaper_get(sh, text, 13, -1, PANGO_ALIGN_LEFT), a);
	assert_int_equal(pdf_shaper_size(sh), 4);
	pdf_shaper_free(sh);
}

static void test_min_width(void **state)
{
	struct pdf_shaper *sh = pdf_shaper_new(pdf_page_font());
	struct shaped *phrase = pdf_shaper_get(sh, "ความครบถ้วนของข้อมูล", 12, -1,
	    PANGO_ALIGN_LEFT);
	struct shaped *fig = pdf_shaper_get(sh, "15,739,968.00", 12, -1, PANGO_ALIGN_LEFT);

	(void)state;
	/* Thai breaks between words, with no space: narrower than the whole */
	assert_true(pdf_shaper_min_width(phrase) > 5);
	assert_true(pdf_shaper_min_width(phrase) < phrase->w * 0.8);
	/* a figure is one piece */
	assert_float_equal(pdf_shaper_min_width(fig), fig->w, 0.01);
	assert_float_equal(fig->min_w, fig->w, 0.01);   /* kept once asked */
	pdf_shaper_free(sh);
}

static void test_bounded(void **state)
{
	struct pdf_shaper *sh = pdf_shaper_new(pdf_page_font());
	struct shaped *kept = pdf_shaper_get(sh, "หน้า", 12, -1, PANGO_ALIGN_LEFT);
	char text[32];

	(void)state;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < SHAPER_KEEP; i++) {
			snprintf(text, sizeof(text), "%d.%d", round, i);
			pdf_shaper_get(sh, text, 12, -1, PANGO_ALIGN_LEFT);
		}
		/* used on every "PDF": never dropped, never shaped again */
		assert_ptr_equal(pdf_shaper_get(sh, "หน้า", 12, -1, PANGO_ALIGN_LEFT), kept);
		pdf_shaper_trim(sh);
		assert_true(pdf_shaper_size(sh) <= SHAPER_KEEP + 1 + SHAPER_KEEP + 1);
	}
	assert_true(pdf_shaper_size(sh) > SHAPER_KEEP);   /* the last generation is there */
	pdf_shaper_free(sh);
}

static const char page[] =
    "<html lang=\"th\"><h1>รายงานผลการประเมินตนเอง</h1>"
    "<table><thead><tr><th>ข้อ</th><th>ตัวชี้วัด</th><th>คะแนน</th></tr></thead><tbody>"
    "<tr><td>1.1.1</td><td>มีบริบทองค์กรและขอบเขตการจัดการสิ่งแวดล้อมของสำนักงาน</td>"
    "<td class=\"n\">1.00 / 1</td></tr>"
    "<tr><td>1.1.2</td><td>มีนโยบายสิ่งแวดล้อมที่ครอบคลุมประเด็นตามเกณฑ์</td>"
    "<td class=\"n\">0.00 / 1</td></tr></tbody></table>"
    "<p class=\"meta\">ข้อมูล ณ วันที่ 7 ธ.ค. 2569</p></html>";

static size_t pdf_len(struct pdf_shaper *sh, int *pages)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	assert_int_equal(pdf_page_write(sh, page, strlen(page), m, pages, err, sizeof(err)), 0);
	assert_int_equal(fclose(m), 0);
	assert_true(len > 1000 && memcmp(buf, "%PDF-", 5) == 0);
	free(buf);
	return len;
}

static void test_same_pdf(void **state)
{
	struct pdf_shaper *sh = pdf_shaper_new(pdf_page_font());
	int alone_pages, kept_pages;
	size_t alone = pdf_len(NULL, &alone_pages), first, second;

	(void)state;
	first = pdf_len(sh, &kept_pages);
	assert_true(pdf_shaper_size(sh) > 5);
	second = pdf_len(sh, &kept_pages);   /* every text from the shaper now */
	assert_int_equal(kept_pages, alone_pages);
	assert_int_equal(first, alone);
	assert_int_equal(second, alone);
	pdf_shaper_free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_text_once),
		cmocka_unit_test(test_min_width),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_same_pdf),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_page_cleanup();
	return failed;
}
