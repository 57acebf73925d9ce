/*
 * import/front.h: the front-matter block of a Markdown file.  Good files
 * give every value trimmed and unquoted and the body after the block; bad
 * ones give ERR_INVALID and the line to fix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "import/front.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ALL_KEYS                                                               \
	"title:   \"Hello, World\"  \n"                                        \
	"slug: hello-world\n"                                                  \
	"section:\tNews \n"                                                    \
	"tags: a, b, c\n"                                                      \
	"source: 'https://example.com/x?a=1:2'\n"                              \
	"date: 2022-04-27T10:30:00Z\n"                                         \
	"status: published\n"                                                  \
	"type: post\n"

#define ALL_KEYS_CRLF                                                          \
	"title:   \"Hello, World\"  \r\n"                                      \
	"slug: hello-world\r\n"                                                \
	"section:\tNews \r\n"                                                  \
	"tags: a, b, c\r\n"                                                    \
	"source: 'https://example.com/x?a=1:2'\r\n"                            \
	"date: 2022-04-27T10:30:00Z\r\n"                                       \
	"status: published\r\n"                                                \
	"type: post\r\n"

#define ALL_VALUES                                                             \
	{                                                                      \
		"Hello, World", "hello-world", "News", "a, b, c",              \
			"https://example.com/x?a=1:2", "2022-04-27T10:30:00Z", \
			"published", "post"                                    \
	}
#define ALL_LINES                                                              \
	{                                                                      \
		2, 3, 4, 5, 6, 7, 8, 9                                         \
	}

static const struct {
	const char *name;
	const char *src;
	const char *value[FRONT__MAX]; /* NULL: absent */
	int line[FRONT__MAX];
	const char *body;
	int end_line;
} good[] = {
	{"all keys", "---\n" ALL_KEYS "---\nBody *text*.\n\nMore.\n",
         ALL_VALUES, ALL_LINES, "Body *text*.\n\nMore.\n", 10},
	{"CRLF", "---\r\n" ALL_KEYS_CRLF "---\r\nBody.\r\n", ALL_VALUES,
         ALL_LINES, "Body.\r\n", 10},
	{"BOM", "\xEF\xBB\xBF---\n" ALL_KEYS "---\nBody.\n", ALL_VALUES,
         ALL_LINES, "Body.\n", 10},
	{"BOM and CRLF", "\xEF\xBB\xBF---\r\n" ALL_KEYS_CRLF "---\r\n",
         ALL_VALUES, ALL_LINES, "", 10},
	{"comments and blank lines",
         "---\n# a comment\n\ntitle: T\n   # indented comment\n  \t\n"
         "slug: s # not a comment\n---\nB\n",
         {[FRONT_TITLE] = "T", [FRONT_SLUG] = "s # not a comment"},
         {[FRONT_TITLE] = 4, [FRONT_SLUG] = 7},
         "B\n",
         8},
	{"empty block",
         "---\n---\nJust a body.\n",
         {NULL},
         {0},
         "Just a body.\n",
         2},
	{"closing fence is the last byte",
         "---\ntitle: x\n---",
         {"x"},
         {2},
         "",
         3},
	{"fences may have trailing blanks",
         "---  \ntitle: x\n--- \t\nB",
         {"x"},
         {2},
         "B",
         3},
	{"spaces around the key",
         "---\n  title   :  x y  \n---\n",
         {"x y"},
         {2},
         "",
         3},
	{"quotes only when they match",
         "---\ntitle: \"a'\nslug: '\"\nsection: \"\"\ntags: 'x'y'\n"
         "source: \"\n---\n",
         {"\"a'", "'\"", "", "x'y", "\""},
         {2, 3, 4, 5, 6},
         "",
         7},
	{"empty value",
         "---\ntitle:\nslug:   \n---\n",
         {"", ""},
         {2, 3},
         "",
         4},
	{"a '---' in the body is body",
         "---\ntitle: x\n---\n---\nB\n",
         {"x"},
         {2},
         "---\nB\n",
         3},
	{"UTF-8 values",
         "---\ntitle: \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5"
         "\xD1\x82 \xE2\x80\x93 \xF0\x9F\x98\x80\n---\n",
         {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE2\x80\x93 "
          "\xF0\x9F\x98\x80"},
         {2},
         "",
         3},
};

static void
check_good(const char *name, const char *src, size_t n,
           const char *const *value, const int *line, const char *body,
           int end_line)
{
	struct arena *a = arena_new();
	struct front f;
	struct error e;
	int ln = -1;

	error_clear(&e);
	if (front_parse(a, src, n, &f, &ln, &e) != 0)
		fail_msg("%s: refused at line %d: %s", name, ln, e.msg);
	for (int k = 0; k < FRONT__MAX; k++) {
		if (value[k] == NULL) {
			if (f.value[k] != NULL)
				fail_msg("%s: %s = \"%s\", want absent", name,
				         front_key_names[k], f.value[k]);
			continue;
		}
		if (f.value[k] == NULL || strcmp(f.value[k], value[k]) != 0)
			fail_msg("%s: %s = \"%s\", want \"%s\"", name,
			         front_key_names[k],
			         f.value[k] ? f.value[k] : "(absent)",
			         value[k]);
		if (f.line[k] != line[k])
			fail_msg("%s: %s on line %d, want %d", name,
			         front_key_names[k], f.line[k], line[k]);
	}
	if (f.body_len != strlen(body) || memcmp(f.body, body, f.body_len) != 0)
		fail_msg("%s: body \"%.*s\", want \"%s\"", name,
		         (int)f.body_len, f.body, body);
	/* The body points into src, ending where src ends. */
	assert_true(f.body >= src && f.body + f.body_len == src + n);
	if (f.end_line != end_line)
		fail_msg("%s: end_line %d, want %d", name, f.end_line,
		         end_line);
	arena_free(a);
}

static void
parse_good_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(good); i++)
		check_good(good[i].name, good[i].src, strlen(good[i].src),
		           good[i].value, good[i].line, good[i].body,
		           good[i].end_line);
}

static const struct {
	const char *name;
	const char *src;
	size_t n; /* 0: strlen(src) */
	int line;
	const char *msg; /* a part of the message */
} bad[] = {
	{"empty file", "", 0, 1, "missing front matter"},
	{"no leading ---", "title: x\n---\nBody\n", 0, 1,
         "missing front matter"},
	{"leading blank line", "\n---\ntitle: x\n---\n", 0, 1,
         "missing front matter"},
	{"BOM without a fence", "\xEF\xBB\xBFtitle: x\n", 0, 1,
         "missing front matter"},
	{"four dashes", "----\ntitle: x\n---\n", 0, 1, "missing front matter"},
	{"unclosed", "---\ntitle: x\nslug: y\n", 0, 1, "not closed"},
	{"unclosed, no newline", "---\ntitle: x", 0, 1, "not closed"},
	{"only the fence", "---\n", 0, 1, "not closed"},
	{"line without colon", "---\ntitle: x\nno colon here\n---\n", 0, 3,
         "no colon here"},
	{"unknown key", "---\ntitle: x\nslug: s\nauthor: me\n---\n", 0, 4,
         "unknown key 'author'"},
	{"key case matters", "---\nTitle: x\n---\n", 0, 2, "unknown key"},
	{"empty key", "---\n: x\n---\n", 0, 2, "unknown key"},
	{"duplicate key", "---\ntitle: x\nslug: s\n\ntitle: y\n---\n", 0, 5,
         "first on line 2"},
	{"duplicate key, CRLF", "---\r\ntitle: x\r\ntitle: y\r\n---\r\n", 0, 3,
         "given twice"},
	{"invalid UTF-8 on line 4",
         "---\ntitle: x\nslug: y\nsection: \xFF\n---\nBody\n", 0, 4, "UTF-8"},
	{"overlong UTF-8 on line 2", "---\ntitle: \xC0\xAF\n---\n", 0, 2,
         "UTF-8"},
	{"invalid UTF-8 in the body, line 6",
         "---\ntitle: x\n---\nfine\n\n\xED\xA0\x80\n", 0, 6, "UTF-8"},
	{"NUL in a value", "---\ntitle: a\0b\n---\n", 19, 2, "NUL"},
};

static void
parse_bad_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(bad); i++) {
		struct arena *a = arena_new();
		struct front f;
		struct error e;
		int line = -1;
		size_t n = bad[i].n ? bad[i].n : strlen(bad[i].src);

		error_clear(&e);
		if (front_parse(a, bad[i].src, n, &f, &line, &e) != -1)
			fail_msg("%s: accepted", bad[i].name);
		if (e.code != ERR_INVALID)
			fail_msg("%s: code %d, want ERR_INVALID", bad[i].name,
			         (int)e.code);
		if (line != bad[i].line)
			fail_msg("%s: line %d, want %d (%s)", bad[i].name, line,
			         bad[i].line, e.msg);
		if (strstr(e.msg, bad[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].name,
			         e.msg, bad[i].msg);
		arena_free(a);
	}
}

/* A value line of exactly len bytes (key included) on line 3. */
static void
long_line(struct buf *b, size_t len)
{
	buf_reset(b);
	assert_int_equal(buf_puts(b, "---\ntitle: x\nsource: "), 0);
	for (size_t i = strlen("source: "); i < len; i++)
		assert_int_equal(buf_putc(b, 'a'), 0);
	assert_int_equal(buf_puts(b, "\n---\nBody\n"), 0);
}

static void
line_length_limit(void **state)
{
	struct arena *a = arena_new();
	struct buf b;
	struct front f;
	struct error e;
	int line;

	(void)state;
	buf_init(&b, 2 * LIM_FRONT_LINE_BYTES);

	long_line(&b, LIM_FRONT_LINE_BYTES);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), 0);
	assert_int_equal(strlen(f.value[FRONT_SOURCE]),
	                 LIM_FRONT_LINE_BYTES - strlen("source: "));
	assert_int_equal(f.line[FRONT_SOURCE], 3);

	long_line(&b, LIM_FRONT_LINE_BYTES + 1);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(line, 3);
	assert_non_null(strstr(e.msg, "longer than"));

	/* The limit is on the block: a long line in the body is fine. */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "---\ntitle: x\n---\n"), 0);
	for (size_t i = 0; i < LIM_FRONT_LINE_BYTES + 100; i++)
		assert_int_equal(buf_putc(&b, 'z'), 0);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), 0);
	assert_int_equal(f.body_len, LIM_FRONT_LINE_BYTES + 100);

	buf_release(&b);
	arena_free(a);
}

/* A block of nlines lines between the fences (comments and one title). */
static void
many_lines(struct buf *b, int nlines, int closed)
{
	buf_reset(b);
	assert_int_equal(buf_puts(b, "---\ntitle: x\n"), 0);
	for (int i = 1; i < nlines; i++)
		assert_int_equal(buf_printf(b, "# comment %d\n", i), 0);
	if (closed)
		assert_int_equal(buf_puts(b, "---\nBody\n"), 0);
}

static void
line_count_limit(void **state)
{
	struct arena *a = arena_new();
	struct buf b;
	struct front f;
	struct error e;
	int line;

	(void)state;
	buf_init(&b, 64 * 1024);

	many_lines(&b, LIM_FRONT_LINES - 1, 1);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), 0);
	assert_string_equal(f.value[FRONT_TITLE], "x");
	assert_int_equal(f.end_line, LIM_FRONT_LINES + 1);

	many_lines(&b, LIM_FRONT_LINES + 1, 1);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(line > LIM_FRONT_LINES && line <= LIM_FRONT_LINES + 2);
	assert_non_null(strstr(e.msg, "lines"));

	/* A file that never closes its block stops at the limit too, rather
	 * than reading all of it. */
	many_lines(&b, 1000, 0);
	assert_int_equal(front_parse(a, b.p, b.len, &f, &line, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(line > LIM_FRONT_LINES && line <= LIM_FRONT_LINES + 2);

	buf_release(&b);
	arena_free(a);
}

/* Values outlive the source: they are copies in the arena. */
static void
values_are_copies(void **state)
{
	struct arena *a = arena_new();
	char src[] = "---\ntitle: Original\n---\n";
	struct front f;
	struct error e;
	int line;

	(void)state;
	assert_int_equal(front_parse(a, src, strlen(src), &f, &line, &e), 0);
	memset(src, 'X', strlen(src));
	assert_string_equal(f.value[FRONT_TITLE], "Original");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_table),
		cmocka_unit_test(parse_bad_table),
		cmocka_unit_test(line_length_limit),
		cmocka_unit_test(line_count_limit),
		cmocka_unit_test(values_are_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
