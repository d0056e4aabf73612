/*
 * test_confparse.c - INI files with file:line in every error (common/confparse.c).
 *
 * Each test writes its INI file into a fresh temporary directory and
 * compares every report, as "file:line: message" with the directory left
 * out, with the text written here by hand.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "confparse.h"
#include "testutil.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* 4 x 16 = 64 characters: the longest id. */
#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* What the test handler was called with, and the values it parsed. */
static struct {
	struct textlog calls;   /* "line [section] key=value" */
	int section_line[TEXTLOG_MAX];
	char name[16];
	long count;
	double ratio;
	bool debug;
	char host[64];
	int port;
} seen;

/* [main] has a fixed set of keys; any other section is only recorded. */
static void handler(struct conf *c, const char *section, const char *key,
    const char *value)
{
	if (seen.calls.n < TEXTLOG_MAX)
		seen.section_line[seen.calls.n] = c->section_line;
	textlog_add(&seen.calls, "%d [%s] %s=%s", c->line, section, key, value);
	if (strcmp(section, "main") != 0)
		return;
	if (strcmp(key, "name") == 0)
		conf_str(c, key, value, seen.name, sizeof(seen.name));
	else if (strcmp(key, "count") == 0)
		conf_long(c, key, value, 0, 100, &seen.count);
	else if (strcmp(key, "ratio") == 0)
		conf_double(c, key, value, 0, 1, &seen.ratio);
	else if (strcmp(key, "debug") == 0)
		conf_bool(c, key, value, &seen.debug);
	else if (strcmp(key, "broker") == 0)
		conf_hostport(c, key, value, seen.host, sizeof(seen.host), &seen.port, 1883);
	else
		conf_error(c, "unknown key \"%s\" in [main]", key);
}

static void expect_calls(const char *const *want, int n)
{
	expect_texts(&seen.calls, "handler calls", want, n);
}

static int parse(const char *path)
{
	return conf_parse(path, handler, NULL, collect, NULL);
}

static int setup(void **state)
{
	(void)state;
	memset(&reports, 0, sizeof(reports));
	memset(&seen, 0, sizeof(seen));
	return tmpdir_make("confparse");
}

static void test_good_file(void **state)
{
	static const char *const calls[] = {
		"5 [main] name=office",
		"6 [main] count=42",           /* the inline comment is gone */
		"7 [main] ratio=0.5",
		"8 [main] debug=yes",
		"9 [main] broker=[::1]:1884",
		"11 [item a] key=value with spaces",
		"12 [item a] indented=x",
	};
	const char *path = fixture("good.ini",
	    "; comment\n"                  /* 1 */
	    "# another comment\n"          /* 2 */
	    "\n"                           /* 3 */
	    "[main]\n"                     /* 4 */
	    "name = office\n"              /* 5 */
	    "count = 42        ; inline\n" /* 6 */
	    "ratio = 0.5\n"                /* 7 */
	    "debug = yes\n"                /* 8 */
	    "broker = [::1]:1884\n"        /* 9 */
	    "[item a]\n"                   /* 10 */
	    "key: value with spaces\n"     /* 11 */
	    "  indented = x");             /* 12, no final newline */

	(void)state;
	assert_int_equal(parse(path), 0);
	expect_reports(NULL, 0);
	expect_calls(calls, NCASES(calls));
	assert_string_equal(seen.name, "office");
	assert_int_equal(seen.count, 42);
	assert_true(seen.ratio == 0.5);
	assert_true(seen.debug);
	assert_string_equal(seen.host, "::1");
	assert_int_equal(seen.port, 1884);
}

static void test_unknown_key_typo(void **state)
{
	static const char *const want[] = { "typo.ini:3: unknown key \"cuont\" in [main]" };
	const char *path = fixture("typo.ini",
	    "[main]\n"        /* 1 */
	    "name = x\n"      /* 2 */
	    "cuont = 5\n"     /* 3 */
	    "count = 6\n");   /* 4 */

	(void)state;
	assert_int_equal(parse(path), 1);
	expect_reports(want, NCASES(want));
	assert_int_equal(seen.count, 6);   /* parsing went on */
}

static void test_every_error_reported(void **state)
{
	static const char *const want[] = {
		"many.ini:2: count = \"many\": expected a whole number from 0 to 100",
		"many.ini:3: expected \"key = value\" or \"[section]\"",
		"many.ini:4: debug = \"maybe\": expected yes or no",
		"many.ini:6: ratio = \"2\": expected a number from 0 to 1",
		"many.ini:7: broker = \"host:70000\": expected host:port (port 1-65535)",
		"many.ini:8: section header has no closing ']'",
		"many.ini:9: line has a value but no key",
		"many.ini:12: expected \"key = value\" or \"[section]\"",
	};
	static const char *const calls[] = {
		"2 [main] count=many", "4 [main] debug=maybe", "5 [main] name=ok",
		"6 [main] ratio=2", "7 [main] broker=host:70000", "13 [item c] k=1",
	};
	const char *path = fixture("many.ini",
	    "[main]\n"                         /* 1 */
	    "count = many\n"                   /* 2 */
	    "this line has no equals sign\n"   /* 3 */
	    "debug = maybe\n"                  /* 4 */
	    "name = ok\n"                      /* 5 */
	    "ratio = 2\n"                      /* 6 */
	    "broker = host:70000\n"            /* 7 */
	    "[item b\n"                        /* 8: its keys are not read */
	    "= orphan value\n"                 /* 9 */
	    "debug = maybe\n"                  /* 10 */
	    "[item c]\n"                       /* 11 */
	    "key ;= value\n"                   /* 12: the '=' is in a comment */
	    "k = 1\n");                        /* 13 */

	(void)state;
	assert_int_equal(parse(path), 8);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
	assert_string_equal(seen.name, "ok");
}

/* One line of `len` characters: `key`, then `c` repeated; and a newline. */
static char *long_line(const char *key, size_t len, char c)
{
	size_t kl = strlen(key);
	char *s = malloc(len + 2);

	assert_non_null(s);
	memcpy(s, key, kl);
	memset(s + kl, c, len - kl);
	s[len] = '\n';
	s[len + 1] = '\0';
	return s;
}

static void test_long_lines(void **state)
{
	static const char *const want[] = {
		"long.ini:3: line is longer than 1024 characters",
		"long.ini:5: line is longer than 1024 characters",
	};
	/* line 2: 1024 characters, the limit; line 3: 1025; line 5: 5000 */
	char *l2 = long_line("k = ", CONF_LINE_MAX, 'a');
	char *l3 = long_line("k2 = ", CONF_LINE_MAX + 1, 'b');
	char *l5 = long_line("k4 = ", 5000, 'c');
	char *text = malloc(strlen(l2) + strlen(l3) + strlen(l5) + 64);
	const char *path;

	(void)state;
	assert_non_null(text);
	sprintf(text, "[item x]\n%s%sk3 = after\n%sk5 = end\n", l2, l3, l5);
	path = fixture("long.ini", text);
	assert_int_equal(parse(path), 2);
	expect_reports(want, NCASES(want));
	assert_int_equal(seen.calls.n, 3);
	/* "k = " is 4 characters, so the value is 1024 - 4 = 1020 'a's */
	assert_int_equal(strlen(seen.calls.msg[0]), strlen("2 [item x] k=") + 1020);
	assert_memory_equal(seen.calls.msg[0] + strlen("2 [item x] k="), l2 + 4, 1020);
	assert_string_equal(seen.calls.msg[1], "4 [item x] k3=after");
	assert_string_equal(seen.calls.msg[2], "6 [item x] k5=end");
	free(l2);
	free(l3);
	free(l5);
	free(text);
}

/* Section names reach the handler whole, with the line of their header. */
static void test_sections(void **state)
{
	static const char *const calls[] = {
		"1 [] before=any section",
		"4 [item " ID64 "] a=1",        /* "item " + 64 = 69 characters */
		"7 [main] name=here",
		"9 [x ;y] b=2",
	};
	static const int section_lines[] = { 0, 2, 6, 8 };
	const char *path = fixture("sections.ini",
	    "before = any section\n"       /* 1 */
	    "[item " ID64 "]\n"            /* 2 */
	    "; a comment between\n"        /* 3 */
	    "a = 1\n"                      /* 4 */
	    "\n"                           /* 5 */
	    "[main]\n"                     /* 6 */
	    "name = here\n"                /* 7 */
	    "[x ;y]\n"                     /* 8 */
	    "b = 2\n");                    /* 9 */

	(void)state;
	assert_int_equal(parse(path), 0);
	expect_reports(NULL, 0);
	expect_calls(calls, NCASES(calls));
	for (size_t i = 0; i < NCASES(section_lines); i++)
		assert_int_equal(seen.section_line[i], section_lines[i]);
}

/* A UTF-8 byte order mark (EF BB BF) may start the file, as inih allows. */
static void test_byte_order_mark(void **state)
{
	static const char *const calls[] = { "2 [main] name=bom" };
	const char *path = fixture("bom.ini", "\xEF\xBB\xBF[main]\nname = bom\n");

	(void)state;
	assert_int_equal(parse(path), 0);
	expect_reports(NULL, 0);
	expect_calls(calls, NCASES(calls));
}

static void test_unreadable(void **state)
{
	static const char *const missing[] = {
		"missing.ini: cannot open: No such file or directory",
	};
	static const char *const dir[] = { "adir.ini: cannot read: Is a directory" };
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing.ini", tmpdir);
	assert_int_equal(parse(path), 1);
	expect_reports(missing, NCASES(missing));
	assert_int_equal(seen.calls.n, 0);

	/* fopen() opens a directory for reading; reading it then fails */
	reports.n = 0;
	snprintf(path, sizeof(path), "%s/adir.ini", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(parse(path), 1);
	expect_reports(dir, NCASES(dir));
	assert_int_equal(seen.calls.n, 0);
}

static void test_conf_error(void **state)
{
	static const char *const want[] = {
		"x.ini: no line 5",
		"x.ini:12: at line 12",
		"x.ini:3: at another line",
	};
	struct conf c = { .path = "x.ini", .report = collect };

	(void)state;
	conf_error(&c, "no line %d", 5);
	c.line = 12;
	conf_error(&c, "at line %d", c.line);
	conf_error_at(&c, 3, "at another %s", "line");
	assert_int_equal(c.errors, 3);
	expect_reports(want, NCASES(want));
}

/* The value helpers report at the key's line, here 7 of "t.ini". */
static struct conf value_conf(void)
{
	struct conf c = { .path = "t.ini", .line = 7, .report = collect };

	reports.n = 0;
	return c;
}

#define LONG_WHY(v) "t.ini:7: k = \"" v "\": expected a whole number from 0 to 100"

static void test_conf_long(void **state)
{
	static const struct {
		const char *value;
		long min, max;
		bool ok;
		long out;
		const char *err;
	} cases[] = {
		{ "42", 0, 100, true, 42, NULL },
		{ "0", 0, 100, true, 0, NULL },
		{ "100", 0, 100, true, 100, NULL },
		{ "0x48", 0, 100, true, 72, NULL },            /* 4 * 16 + 8 */
		{ "0x0048", 0, 100, true, 72, NULL },
		{ "0X1f", 0, 100, true, 31, NULL },            /* 16 + 15 */
		{ "010", 0, 100, true, 10, NULL },             /* decimal, not octal 8 */
		{ "0048", 0, 100, true, 48, NULL },            /* not a bad octal */
		{ "-5", -10, 10, true, -5, NULL },
		{ "101", 0, 100, false, 0, LONG_WHY("101") },
		{ "-1", 0, 100, false, 0, LONG_WHY("-1") },
		{ "", 0, 100, false, 0, LONG_WHY("") },
		{ "12abc", 0, 100, false, 0, LONG_WHY("12abc") },
		{ "1.5", 0, 100, false, 0, LONG_WHY("1.5") },
		{ "0x", 0, 100, false, 0, LONG_WHY("0x") },
		{ "ten", 0, 100, false, 0, LONG_WHY("ten") },
		/* 10^20 > 2^63: strtol overflows */
		{ "100000000000000000000", 0, 100, false, 0, LONG_WHY("100000000000000000000") },
		{ "70000", 1, 65535, false, 0,
		  "t.ini:7: k = \"70000\": expected a whole number from 1 to 65535" },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct conf c = value_conf();
		long out = -999;
		bool ok = conf_long(&c, "k", cases[i].value, cases[i].min, cases[i].max, &out);

		if (ok != cases[i].ok)
			fail_msg("conf_long(\"%s\") = %d", cases[i].value, ok);
		if (ok) {
			assert_int_equal(out, cases[i].out);
			assert_int_equal(reports.n, 0);
		} else {
			assert_int_equal(out, -999);
			assert_int_equal(reports.n, 1);
			assert_string_equal(reports.msg[0], cases[i].err);
			assert_int_equal(c.errors, 1);
		}
	}
}

#define DOUBLE_WHY(v) "t.ini:7: k = \"" v "\": expected a number from 0 to 100"

static void test_conf_double(void **state)
{
	static const struct {
		const char *value;
		bool ok;
		double out;
		const char *err;
	} cases[] = {
		{ "1.5", true, 1.5, NULL },
		{ "0", true, 0, NULL },
		{ "100", true, 100, NULL },
		{ "1e2", true, 100, NULL },        /* 1 * 10^2 */
		{ "0.001", true, 0.001, NULL },
		{ "100.0001", false, 0, DOUBLE_WHY("100.0001") },
		{ "-0.5", false, 0, DOUBLE_WHY("-0.5") },
		{ "", false, 0, DOUBLE_WHY("") },
		{ "2x", false, 0, DOUBLE_WHY("2x") },
		{ "nan", false, 0, DOUBLE_WHY("nan") },
		{ "inf", false, 0, DOUBLE_WHY("inf") },
		{ "1e999", false, 0, DOUBLE_WHY("1e999") },    /* overflows */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct conf c = value_conf();
		double out = -999;
		bool ok = conf_double(&c, "k", cases[i].value, 0, 100, &out);

		if (ok != cases[i].ok)
			fail_msg("conf_double(\"%s\") = %d", cases[i].value, ok);
		if (ok) {
			assert_true(out == cases[i].out);
			assert_int_equal(reports.n, 0);
		} else {
			assert_true(out == -999);
			assert_int_equal(reports.n, 1);
			assert_string_equal(reports.msg[0], cases[i].err);
		}
	}

	/* %g shows wide limits: -1e12 and 1e12 */
	struct conf c = value_conf();
	double out;
	assert_false(conf_double(&c, "scale", "2e12", -1e12, 1e12, &out));
	assert_string_equal(reports.msg[0],
	    "t.ini:7: scale = \"2e12\": expected a number from -1e+12 to 1e+12");
}

static void test_conf_bool(void **state)
{
	static const struct {
		const char *value;
		int want;   /* 1 true, 0 false, -1 rejected */
	} cases[] = {
		{ "yes", 1 }, { "true", 1 }, { "on", 1 }, { "1", 1 },
		{ "no", 0 }, { "false", 0 }, { "off", 0 }, { "0", 0 },
		{ "Yes", -1 }, { "y", -1 }, { "2", -1 }, { "", -1 }, { "yes please", -1 },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct conf c = value_conf();
		bool out = cases[i].want != 1;   /* the opposite of what is expected */
		bool ok = conf_bool(&c, "k", cases[i].value, &out);
		char err[128];

		if (ok != (cases[i].want >= 0))
			fail_msg("conf_bool(\"%s\") = %d", cases[i].value, ok);
		if (ok) {
			assert_int_equal(out, cases[i].want);
		} else {
			snprintf(err, sizeof(err), "t.ini:7: k = \"%s\": expected yes or no",
			    cases[i].value);
			assert_string_equal(reports.msg[0], err);
		}
	}
}

static void test_conf_str_and_id(void **state)
{
	char dst[8];
	char id[65];

	(void)state;
	struct conf c = value_conf();
	assert_true(conf_str(&c, "k", "1234567", dst, sizeof(dst)));   /* 7 + NUL = 8 */
	assert_string_equal(dst, "1234567");
	assert_false(conf_str(&c, "k", "12345678", dst, sizeof(dst)));
	assert_string_equal(reports.msg[0], "t.ini:7: k = \"12345678\": longer than 7 characters");
	assert_string_equal(dst, "1234567");

	c = value_conf();
	assert_true(conf_id(&c, "site", "sdm630-b2", id));
	assert_string_equal(id, "sdm630-b2");
	assert_true(conf_id(&c, "site", ID64, id));
	assert_string_equal(id, ID64);
	assert_false(conf_id(&c, "site", "../x", id));
	assert_string_equal(reports.msg[0], "t.ini:7: site = \"../x\": ids are 1-64 characters "
	    "[a-z0-9_-], starting with a letter or digit");
	assert_false(conf_id(&c, "site", ID64 "x", id));
	assert_int_equal(reports.n, 2);
}

#define HOSTPORT_WHY(v) "t.ini:7: k = \"" v "\": expected host:port (port 1-65535)"

static void test_conf_hostport(void **state)
{
	static const struct {
		const char *value;
		const char *host;   /* NULL: rejected */
		int port;
	} cases[] = {
		{ "host", "host", 502 },                 /* the default port */
		{ "host:502", "host", 502 },
		{ "10.0.0.5:1502", "10.0.0.5", 1502 },
		{ "[::1]:502", "::1", 502 },
		{ "[::1]", "::1", 502 },
		{ "[fe80::1%eth0]:8080", "fe80::1%eth0", 8080 },
		{ "host:1", "host", 1 },
		{ "host:65535", "host", 65535 },
		{ "abcdefghijklmno", "abcdefghijklmno", 502 },   /* 15 + NUL = 16 bytes */
		{ ":502", NULL, 0 },
		{ "host:0", NULL, 0 },
		{ "host:65536", NULL, 0 },
		{ "host:70000", NULL, 0 },
		{ "host:abc", NULL, 0 },
		{ "host:", NULL, 0 },
		{ "host:502x", NULL, 0 },
		{ "", NULL, 0 },
		{ "[::1", NULL, 0 },
		{ "[::1]x", NULL, 0 },
		{ "[::1]:", NULL, 0 },
		{ "[]:502", NULL, 0 },
		{ "::1", NULL, 0 },                      /* IPv6 needs brackets */
		{ "fe80::1:502", NULL, 0 },
		{ "abcdefghijklmnop", NULL, 0 },         /* 16 characters: too long */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct conf c = value_conf();
		char host[16] = "untouched";
		int port = -1;
		bool ok = conf_hostport(&c, "k", cases[i].value, host, sizeof(host), &port, 502);
		char err[128];

		if (ok != (cases[i].host != NULL))
			fail_msg("conf_hostport(\"%s\") = %d (host \"%s\")", cases[i].value, ok,
			    host);
		if (ok) {
			assert_string_equal(host, cases[i].host);
			assert_int_equal(port, cases[i].port);
		} else {
			snprintf(err, sizeof(err), HOSTPORT_WHY("%s"), cases[i].value);
			assert_string_equal(reports.msg[0], err);
			assert_string_equal(host, "untouched");
			assert_int_equal(port, -1);
		}
	}
}

/* A section given twice is refused at its header, and its keys are not
 * read: [meter m1] twice would have made one meter of two. Names count as
 * the same with their spaces squeezed. */
static void test_duplicate_section(void **state)
{
	static const char *const want[] = {
		"dup.ini:5: [main] is given twice (first at line 1)",
		"dup.ini:7: [item a] is given twice (first at line 3)",
	};
	static const char *const calls[] = {
		"2 [main] name=first", "4 [item a] k=1", "10 [item b] k=3",
	};
	const char *path = fixture("dup.ini",
	    "[main]\n"             /* 1 */
	    "name = first\n"       /* 2 */
	    "[item a]\n"           /* 3 */
	    "k = 1\n"              /* 4 */
	    "[main]\n"             /* 5 */
	    "name = second\n"      /* 6: not read */
	    "[item \t a]\n"        /* 7 */
	    "k = 2\n"              /* 8: not read */
	    "[ item  b ]\n"        /* 9: squeezed to "item b" */
	    "k = 3\n");            /* 10 */

	(void)state;
	assert_int_equal(parse(path), 2);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
	assert_string_equal(seen.name, "first");
}

/* A key given twice in one section is refused; the first value stands. */
static void test_duplicate_key(void **state)
{
	static const char *const want[] = {
		"dupkey.ini:2: \"x\" is given twice (first at line 1)",
		"dupkey.ini:5: \"name\" is given twice in [main] (first at line 4)",
		"dupkey.ini:9: \"k j\" is given twice in [item a] (first at line 8)",
	};
	static const char *const calls[] = {
		"1 [] x=1", "4 [main] name=one", "6 [main] count=3", "8 [item a] k j=1",
		"11 [item b] name=one",
	};
	const char *path = fixture("dupkey.ini",
	    "x = 1\n"              /* 1: before any section */
	    "x = 2\n"              /* 2 */
	    "[main]\n"             /* 3 */
	    "name = one\n"         /* 4 */
	    "name = two\n"         /* 5 */
	    "count = 3\n"          /* 6 */
	    "[item a]\n"           /* 7 */
	    "k j = 1\n"            /* 8 */
	    "k  j = 2\n"           /* 9: the same key, spaces squeezed */
	    "[item b]\n"           /* 10 */
	    "name = one\n");       /* 11: another section, another key */

	(void)state;
	assert_int_equal(parse(path), 3);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
	assert_string_equal(seen.name, "one");
}

/* A file's rules may let keys repeat in a section, and only there. */
static void test_repeat_rules(void **state)
{
	static const char *const sections[] = { "list", NULL };
	static const struct conf_rules rules = { .repeat_keys = sections };
	static const char *const want[] = {
		"rep.ini:6: \"k\" is given twice in [other] (first at line 5)",
	};
	static const char *const calls[] = {
		"2 [list] k=1", "3 [list] k=2", "5 [other] k=1",
	};
	const char *path = fixture("rep.ini",
	    "[list]\n"      /* 1 */
	    "k = 1\n"       /* 2 */
	    "k = 2\n"       /* 3 */
	    "[other]\n"     /* 4 */
	    "k = 1\n"       /* 5 */
	    "k = 2\n");     /* 6 */

	(void)state;
	assert_int_equal(conf_parse_rules(path, &rules, handler, NULL, collect, NULL), 1);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
}

/* "key =" means nothing: refused, whatever the key. */
static void test_empty_value(void **state)
{
	static const char *const want[] = {
		"empty.ini:2: \"name\" has no value (give one, or leave the key out)",
		"empty.ini:3: \"subscribe\" has no value (give one, or leave the key out)",
		"empty.ini:4: \"count\" has no value (give one, or leave the key out)",
	};
	static const char *const calls[] = { "5 [main] ratio=0.5" };
	const char *path = fixture("empty.ini",
	    "[main]\n"                     /* 1 */
	    "name =\n"                     /* 2 */
	    "subscribe =   \n"             /* 3 */
	    "count = ; only a comment\n"   /* 4 */
	    "ratio = 0.5\n");              /* 5 */

	(void)state;
	assert_int_equal(parse(path), 3);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
}

/* A section without keys would be silently ignored ([meter m1] with every
 * key commented out): refused at its header. */
static void test_empty_section(void **state)
{
	static const char *const want[] = {
		"nokeys.ini:1: [main] has no keys",
		"nokeys.ini:4: [item b] has no keys",
		"nokeys.ini:6: [item c] has no keys",
	};
	const char *path = fixture("nokeys.ini",
	    "[main]\n"                     /* 1 */
	    "[item a]\n"                   /* 2 */
	    "k = 1\n"                      /* 3 */
	    "[item b]\n"                   /* 4 */
	    "; k = 2\n"                    /* 5 */
	    "[item c]\n");                 /* 6: the last */

	(void)state;
	assert_int_equal(parse(path), 3);
	expect_reports(want, NCASES(want));
}

static void test_bad_headers(void **state)
{
	static const char *const want[] = {
		"hdr.ini:1: text after the section header's ']'",
		"hdr.ini:3: section header without a name",
		"hdr.ini:5: section header without a name",
	};
	static const char *const calls[] = { "8 [main] name=x" };
	const char *path = fixture("hdr.ini",
	    "[main] x\n"          /* 1 */
	    "name = skipped\n"    /* 2 */
	    "[]\n"                /* 3 */
	    "k = 1\n"             /* 4 */
	    "[ \t ]\n"            /* 5 */
	    "k = 2\n"             /* 6 */
	    "[main] ; comment\n"  /* 7: a comment may follow */
	    "name = x\n");        /* 8 */

	(void)state;
	assert_int_equal(parse(path), 3);
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
}

/* inih reads lines with fgets: a NUL byte would end the line there
 * ("unit = 1\0garbage" read as "unit = 1"). The line is refused instead;
 * under a header that has one, no key is read. */
static void test_nul_byte(void **state)
{
	static const char *const want[] = {
		"nul.ini:2: a NUL byte at column 9",
		"nul.ini:4: a NUL byte at column 4",
		"nul.ini:7: a NUL byte at column 1",
	};
	static const char *const calls[] = { "3 [main] count=3", "6 [item b] k=2" };
	const char *path = FIXTURE_BYTES("nul.ini",
	    "[main]\n"                 /* 1 */
	    "name = a\0garbage\n"      /* 2 */
	    "count = 3\n"              /* 3 */
	    "[it\0em a]\n"             /* 4: a header: its keys are skipped */
	    "k = 1\n"                  /* 5 */
	    "[item b]\n"               /* 6 */
	    "\0\n"                     /* 7 */
	    "k = 2\n");                /* 8 */

	(void)state;
	assert_int_equal(parse(path), 3);
	expect_reports(want, NCASES(want));
	/* line 8's key is in [item b], handled at its own line */
	assert_int_equal(seen.calls.n, 2);
	assert_string_equal(seen.calls.msg[0], calls[0]);
	assert_string_equal(seen.calls.msg[1], "8 [item b] k=2");
}

/* Text is UTF-8 (Thai names are). A file saved as TIS-620 / Windows-874,
 * the Thai code page, is refused rather than shown as garbage; so are
 * control characters, which a log or terminal would act upon. */
static void test_text_only(void **state)
{
	static const char *const want[] = {
		"text.ini:3: not UTF-8 text at column 7 (save the file as UTF-8, not TIS-620 "
		    "or Windows-874)",
		"text.ini:4: not UTF-8 text at column 5 (save the file as UTF-8, not TIS-620 "
		    "or Windows-874)",
		"text.ini:5: not UTF-8 text at column 5 (save the file as UTF-8, not TIS-620 "
		    "or Windows-874)",
		"text.ini:6: not UTF-8 text at column 5 (save the file as UTF-8, not TIS-620 "
		    "or Windows-874)",
		"text.ini:7: not UTF-8 text at column 6 (save the file as UTF-8, not TIS-620 "
		    "or Windows-874)",
		"text.ini:8: control character U+001B at column 9",
		"text.ini:9: control character U+007F at column 8",
		"text.ini:10: control character U+009B at column 6",
		"text.ini:11: control character U+000D at column 7",
	};
	static const char *const calls[] = {
		"2 [item t] th=\xE0\xB8\xAA\xE0\xB8\xB3\xE0\xB8\x99\xE0\xB8\xB1\xE0\xB8\x81",
		"12 [item t] tab=a\tb",
		"13 [item t] crlf=yes",
		"14 [item t] last=\xF0\x9F\x99\x82",
	};
	const char *path = FIXTURE_BYTES("text.ini",
	    "[item t]\n"                                      /* 1 */
	    "th = \xE0\xB8\xAA\xE0\xB8\xB3\xE0\xB8\x99\xE0\xB8\xB1\xE0\xB8\x81\n"
	                                                      /* 2: สำนัก in UTF-8 */
	    "th2 = \xCA\xD3\xB9\xD1\xA1\n"                    /* 3: สำนัก in TIS-620 */
	    "a = \xC0\xAF\n"                                  /* 4: overlong '/' */
	    "b = \xED\xA0\x80\n"                              /* 5: a surrogate */
	    "c = \xF4\x90\x80\x80\n"                          /* 6: past U+10FFFF */
	    "dd = \xE0\xB8\n"                                 /* 7: cut short */
	    "color = \x1B[31m\n"                              /* 8: ESC */
	    "del = a\x7F\n"                                   /* 9 */
	    "c1 = \xC2\x9B" "1m\n"                            /* 10: C1 CSI */
	    "cr = a\rb\n"                                     /* 11: a CR inside */
	    "tab = a\tb\n"                                    /* 12 */
	    "crlf = yes\r\n"                                  /* 13 */
	    "last = \xF0\x9F\x99\x82");                       /* 14: U+1F642, no newline */

	int errors = parse(path);

	(void)state;
	expect_reports(want, NCASES(want));
	expect_calls(calls, NCASES(calls));
	assert_int_equal(errors, (int)NCASES(want));
}

static void test_file_too_long(void **state)
{
	static const char *const want[] = {
		"big.ini: longer than 1048576 bytes",
	};
	size_t n = CONF_FILE_MAX + 1;
	char *big = malloc(n + 1);

	(void)state;
	assert_non_null(big);
	memset(big, ';', n);   /* comments, all of it */
	big[n] = '\0';
	for (size_t i = 100; i < n; i += 100)
		big[i] = '\n';
	assert_int_equal(parse(fixture("big.ini", big)), 1);
	expect_reports(want, NCASES(want));
	assert_int_equal(seen.calls.n, 0);
	big[n - 1] = '\0';     /* CONF_FILE_MAX bytes: read */
	reports.n = 0;
	assert_int_equal(parse(fixture("big.ini", big)), 0);
	free(big);
}

/* Whatever a path or a value holds, a message is printable UTF-8. */
static void test_messages_printable(void **state)
{
	static const char *const want[] = {
		"a?b.ini:3: k = \"?x?\": why",
		"a?b.ini: \xE0\xB8\xAA ok, ? and ??",
	};
	struct conf c = { .path = "a\x1b" "b.ini", .line = 3, .report = collect };

	(void)state;
	conf_error(&c, "k = \"%s\": why", "\x07x\xff");
	conf_error_at(&c, 0, "%s ok, %s and %s", "\xE0\xB8\xAA", "\xC2\x9B", "\xE0\xB8");
	expect_reports(want, NCASES(want));
}

/* One list syntax in every file: commas, spaces or both. */
static void test_conf_list(void **state)
{
	static const struct {
		const char *value;
		int n;                 /* -1: refused */
		const char *items;     /* joined by '|', or the message */
	} cases[] = {
		{ "a", 1, "a" },
		{ "a b c", 3, "a|b|c" },
		{ "a,b,c", 3, "a|b|c" },
		{ "a, b ,c", 3, "a|b|c" },
		{ "  a\tb , c  ", 3, "a|b|c" },
		{ "a b, c d", 4, "a|b|c|d" },
		{ ",", -1, "t.ini:7: k = \",\": an empty item in the list (two commas, or a "
		    "comma at one end)" },
		{ "a,,b", -1, "t.ini:7: k = \"a,,b\": an empty item in the list (two commas, or "
		    "a comma at one end)" },
		{ "a, ,b", -1, "t.ini:7: k = \"a, ,b\": an empty item in the list (two commas, "
		    "or a comma at one end)" },
		{ "a,", -1, "t.ini:7: k = \"a,\": an empty item in the list (two commas, or a "
		    "comma at one end)" },
		{ ", a", -1, "t.ini:7: k = \", a\": an empty item in the list (two commas, or "
		    "a comma at one end)" },
		{ "a b a", -1, "t.ini:7: k = \"a b a\": \"a\" is listed twice" },
		{ "x, y,x", -1, "t.ini:7: k = \"x, y,x\": \"x\" is listed twice" },
		{ "a b c d e", -1, "t.ini:7: k = \"a b c d e\": more than 4 items" },
		{ "", -1, "t.ini:7: k = \"\": an empty list" },
		{ " ", -1, "t.ini:7: k = \" \": an empty list" },
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		struct conf c = value_conf();
		char buf[64], *items[4], joined[64] = "";
		int n = conf_list(&c, "k", cases[i].value, buf, sizeof(buf), items, 4);

		if (n != cases[i].n)
			fail_msg("conf_list(\"%s\") = %d, want %d", cases[i].value, n, cases[i].n);
		if (n < 0) {
			assert_int_equal(reports.n, 1);
			assert_string_equal(reports.msg[0], cases[i].items);
			continue;
		}
		assert_int_equal(reports.n, 0);
		for (int k = 0; k < n; k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
			    k ? "|" : "", items[k]);
		assert_string_equal(joined, cases[i].items);
	}
}

static void test_section_split(void **state)
{
	static const struct {
		const char *section;
		bool ok;
		const char *type, *name;
	} cases[] = {
		{ "meter sdm630-b2", true, "meter", "sdm630-b2" },
		{ "model", true, "model", "" },
		{ "", true, "", "" },
		{ "meter  a", true, "meter", "a" },          /* extra spaces skipped */
		{ "meter ", true, "meter", "" },
		{ "1234567 x", true, "1234567", "x" },       /* type: 7 + NUL = 8 bytes */
		{ "meter 0123456789abcde", true, "meter", "0123456789abcde" },  /* 15 */
		{ "meter a b", false, NULL, NULL },          /* three words */
		{ "12345678 x", false, NULL, NULL },         /* type of 8: too long */
		{ "meter 0123456789abcdef", false, NULL, NULL },  /* name of 16: too long */
	};

	(void)state;
	for (size_t i = 0; i < NCASES(cases); i++) {
		char type[8], name[16];
		bool ok = conf_section_split(cases[i].section, type, sizeof(type), name,
		    sizeof(name));

		if (ok != cases[i].ok)
			fail_msg("conf_section_split(\"%s\") = %d", cases[i].section, ok);
		if (ok) {
			assert_string_equal(type, cases[i].type);
			assert_string_equal(name, cases[i].name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_file, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_typo, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_every_error_reported, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_long_lines, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_sections, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_byte_order_mark, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_error, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_long, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_double, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_bool, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_str_and_id, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_hostport, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_section_split, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_section, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_repeat_rules, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_empty_value, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_empty_section, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_text_only, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_file_too_long, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_messages_printable, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_conf_list, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
