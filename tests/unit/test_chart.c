/*
 * test_chart.c - the report's charts (chart.c): the model written into the
 * HTML figure comes back whole from its data-chart (what the PDF is drawn
 * from), gaps included; labels never split a character nor carry the
 * field separators; the SVG draws a bar for each known value and none for a
 * gap or a zero; the line chart's bands are labelled by level; the cairo
 * painter draws the same model without error.
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

#include "chart_cairo.h"
#include "pdf_page.h"

/* The HTML of c, NUL-terminated (free it). */
static char *html_of(const struct chart *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	chart_write_html(m, c, 520);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* data-chart's value, its entities decoded as page_doc.c does. */
static void spec_of(const char *html, char *out, size_t len)
{
	const char *v = strstr(html, "data-chart=\""), *e;
	size_t n = 0;

	assert_non_null(v);
	v += strlen("data-chart=\"");
	e = strchr(v, '"');
	assert_non_null(e);
	while (v < e && n + 1 < len) {
		if (strncmp(v, "&amp;", 5) == 0)
			out[n++] = '&', v += 5;
		else if (strncmp(v, "&quot;", 6) == 0)
			out[n++] = '"', v += 6;
		else if (strncmp(v, "&lt;", 4) == 0)
			out[n++] = '<', v += 4;
		else if (strncmp(v, "&gt;", 4) == 0)
			out[n++] = '>', v += 4;
		else
			out[n++] = *v++;
	}
	out[n] = '\0';
}

static void bars(struct chart *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_BARS;
	c->nx = 12;
	c->ns = 2;
	chart_text(c->title, "ไฟฟ้า: ปีนี้เทียบกับปีฐาน \"รายเดือน\" & <ทดสอบ>");
	chart_text(c->unit, "กิโลวัตต์ชั่วโมง");
	chart_text(c->sname[0], "ปีงบประมาณ พ.ศ. 2569");
	chart_text(c->sname[1], "ปีฐาน 2568");
	for (int i = 0; i < 12; i++) {
		snprintf(c->x[i], sizeof(c->x[i]), "m%d", i);
		c->v[0][i] = 1000.5 + i;
		c->v[1][i] = i == 3 ? NAN : i == 4 ? 0 : 1200.25 - i;
	}
}

static void test_round_trip(void **state)
{
	struct chart c, back;
	char spec[16384], *html;

	(void)state;
	bars(&c);
	html = html_of(&c);
	spec_of(html, spec, sizeof(spec));
	assert_int_equal(chart_parse(spec, &back), 0);
	assert_int_equal(back.kind, CHART_BARS);
	assert_string_equal(back.title, c.title);
	assert_string_equal(back.unit, c.unit);
	assert_int_equal(back.nx, 12);
	assert_int_equal(back.ns, 2);
	assert_string_equal(back.sname[1], "ปีฐาน 2568");
	assert_string_equal(back.x[11], "m11");
	for (int i = 0; i < 12; i++) {
		assert_true(back.v[0][i] == c.v[0][i]);   /* %.17g: every bit */
		if (i == 3)
			assert_true(isnan(back.v[1][i]));
		else
			assert_true(back.v[1][i] == c.v[1][i]);
	}
	/* 12 + 10 bars (a gap and a zero draw none), 2 legend squares */
	assert_int_equal(count(html, "<rect "), 12 + 10 + 2);
	assert_non_null(strstr(html, "<figcaption>ไฟฟ้า: ปีนี้เทียบกับปีฐาน &quot;รายเดือน&quot; "
	    "&amp; &lt;ทดสอบ&gt;</figcaption>"));
	free(html);
	/* a broken spec is refused, not half read */
	assert_int_equal(chart_parse("7;x", &back), -1);
	assert_int_equal(chart_parse("0;t;u;l;2;a|b;1;s|1", &back), -1);   /* 1 value of 2 */
	assert_int_equal(chart_parse("0;t;u;l;2;a|b;1;s|1|2;0;", &back), 0);
}

static void test_labels(void **state)
{
	char label[CHART_TEXT], long_thai[3 * CHART_TEXT];
	size_t n = 0;

	(void)state;
	chart_text(label, "a;b|c");
	assert_string_equal(label, "a,b,c");
	/* Thai is 3 bytes a character: cut at a character's start */
	while (n + 3 < sizeof(long_thai)) {
		memcpy(long_thai + n, "ก", 3);
		n += 3;
	}
	long_thai[n] = '\0';
	chart_text(label, long_thai);
	assert_true(strlen(label) < CHART_TEXT && strlen(label) % 3 == 0);
	assert_int_equal(strlen(label), (CHART_TEXT - 1) / 3 * 3);
}

static void test_line_and_cairo(void **state)
{
	struct chart c = { .kind = CHART_LINE, .nx = 6, .ns = 1, .nbands = 5 };
	const double levels[5] = { 0, 2.5, 5, 7.5, 10 };
	cairo_surface_t *s;
	cairo_t *cr;
	char *html;

	(void)state;
	chart_text(c.band_label, "ระดับ");
	memcpy(c.band, levels, sizeof(levels));
	for (int i = 0; i < 6; i++) {
		snprintf(c.x[i], sizeof(c.x[i]), "%d", i);
		c.v[0][i] = i == 2 ? NAN : 4 + i;
	}
	html = html_of(&c);
	/* five shaded bands; every level labelled (each band is tall enough) */
	for (int b = 1; b <= 5; b++) {
		char want[64];

		snprintf(want, sizeof(want), ">ระดับ %d</text>", b);
		assert_non_null(strstr(html, want));
	}
	/* the line is broken at the gap: 5 points, 3 segments (0-1, 3-4, 4-5) */
	assert_int_equal(count(html, "stroke-width=\"1.8\""), 3);
	free(html);
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cr = cairo_create(s);
	chart_draw_cairo(cr, &c, 0, 0, 520, "Laksaman", true);
	assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_line_and_cairo),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	pdf_page_cleanup();   /* fontconfig's caches: not a leak of ours */
	return failed;
}
