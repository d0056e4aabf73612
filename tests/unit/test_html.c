/*
 * test_html.c - figures and text as the report and dashboard pages write
 * them (dashboards/green/html.c): thousands grouped, decimals fixed, a
 * dash for no number; text escaped; Thai digits for Thai documents that
 * use them, in the text only (not markup, attributes, style, <code>, entities).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"

/* What html_num writes for v, as a string (freed by the caller). */
static char *num(double v, int dec)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_num(f, v, dec);
	fclose(f);
	return buf;
}

static void test_num(void **state)
{
	static const struct { double v; int dec; const char *want; } cases[] = {
		{ 0, 2, "0.00" },
		{ 999.5, 1, "999.5" },
		{ 999.96, 1, "1,000.0" },          /* rounding makes the fourth digit */
		{ 1000, 0, "1,000" },
		{ 519296, 2, "519,296.00" },
		{ 31809.03, 2, "31,809.03" },
		{ -1234567.891, 2, "-1,234,567.89" },
		{ -999, 0, "-999" },
		{ 100000, 0, "100,000" },
		{ 1e21, 0, "1,000,000,000,000,000,000,000" },
		{ NAN, 2, "—" },
		{ INFINITY, 2, "—" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = num(cases[i].v, cases[i].dec);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("html_num(%g, %d) = \"%s\", want \"%s\"", cases[i].v, cases[i].dec,
			    got, cases[i].want);
		free(got);
	}
}

static void test_esc(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	html_esc(f, "<a href=\"x\">'ไฟฟ้า' & co</a>");
	fclose(f);
	assert_string_equal(buf, "&lt;a href=&quot;x&quot;&gt;&#39;ไฟฟ้า&#39; &amp; co&lt;/a&gt;");
	free(buf);
}

static void test_thai_digits(void **state)
{
	static const char page[] =
	    "<html lang=\"th\"><style>@page { margin: 15mm; }</style>"
	    "<td class=\"n\" data-fig=\"x2\">1,234.50</td> พ.ศ. 2569 "
	    "<code>p/b2-main/kwh</code> &#39;9&#39; <a href=\"u1.html\">ข้อ 3</a>";
	static const char want[] =
	    "<html lang=\"th\"><style>@page { margin: 15mm; }</style>"
	    "<td class=\"n\" data-fig=\"x2\">๑,๒๓๔.๕๐</td> พ.ศ. ๒๕๖๙ "
	    "<code>p/b2-main/kwh</code> &#39;๙&#39; <a href=\"u1.html\">ข้อ ๓</a>";
	char *buf = NULL, text[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	html_thai_digits(f, page, sizeof(page) - 1);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	thai_digits_text("หน้า 1 / 12", text, sizeof(text));
	assert_string_equal(text, "หน้า ๑ / ๑๒");
	thai_digits_text("1234567890", text, 8);   /* cut whole: never half a digit */
	assert_string_equal(text, "๑๒");   /* 6 bytes and the NUL of 8 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_thai_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
