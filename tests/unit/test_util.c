/*
 * util/: buf, arena, num, text, clock.  Table-driven where only the input
 * varies; the buffer and arena tests re-check their invariants after every
 * operation, as git's t/unit-tests/u-strbuf.c does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/netaddr.h"
#include "util/num.h"
#include "util/text.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- buf ----------------------------------------------------------------- */

/* The invariants of buf.h, checked after every operation. */
static void
check_buf(const struct buf *b)
{
	assert_true(b->len <= b->max);
	if (b->p == NULL) {
		assert_int_equal(b->len, 0);
		assert_int_equal(b->cap, 0);
		assert_string_equal(buf_str(b), "");
		return;
	}
	assert_true(b->len < b->cap);
	assert_int_equal(b->p[b->len], '\0');
	assert_ptr_equal(buf_str(b), b->p);
}

static void
check_buf_is(const struct buf *b, const char *want)
{
	check_buf(b);
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(buf_str(b), want, strlen(want) + 1);
}

static void
buf_starts_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	check_buf_is(&b, "");
	assert_null(b.p);
	assert_int_equal(b.max, 16);
	buf_reset(&b);
	check_buf_is(&b, "");
	buf_release(&b);
	check_buf_is(&b, "");
}

static void
buf_add_appends(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_add(&b, "abc", 3), 0);
	check_buf_is(&b, "abc");
	assert_int_equal(buf_puts(&b, "def"), 0);
	check_buf_is(&b, "abcdef");
	assert_int_equal(buf_putc(&b, '!'), 0);
	check_buf_is(&b, "abcdef!");
	assert_int_equal(buf_add(&b, "ignored", 0), 0);
	check_buf_is(&b, "abcdef!");
	/* Bytes are bytes: an embedded NUL is kept and counted. */
	assert_int_equal(buf_add(&b, "x\0y", 3), 0);
	check_buf(&b);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.p, "abcdef!x\0y", 11);
	buf_release(&b);
	check_buf_is(&b, "");
	assert_int_equal(b.max, 1024);
}

static void
buf_cap_is_respected(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_add(&b, "12345", 5), 0);
	check_buf_is(&b, "12345");

	/* One byte too many: refused, and nothing changes. */
	assert_int_equal(buf_add(&b, "6789", 4), -1);
	check_buf_is(&b, "12345");
	assert_int_equal(buf_puts(&b, "6789"), -1);
	check_buf_is(&b, "12345");
	assert_int_equal(buf_printf(&b, "%d", 6789), -1);
	check_buf_is(&b, "12345");

	/* Exactly up to max is fine. */
	assert_int_equal(buf_add(&b, "678", 3), 0);
	check_buf_is(&b, "12345678");
	assert_int_equal(buf_putc(&b, '9'), -1);
	check_buf_is(&b, "12345678");
	assert_int_equal(buf_add(&b, "", 0), 0);
	check_buf_is(&b, "12345678");
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	check_buf_is(&b, "12345678");

	/* A length from outside that would overflow len + n is still refused
	 * (the cap is checked by comparing, not by adding). */
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	check_buf_is(&b, "12345678");
	assert_int_equal(buf_grow(&b, SIZE_MAX), -1);
	check_buf_is(&b, "12345678");

	/* After a reset the whole cap is available again. */
	buf_reset(&b);
	check_buf_is(&b, "");
	assert_int_equal(buf_puts(&b, "abcdefgh"), 0);
	check_buf_is(&b, "abcdefgh");
	buf_release(&b);
}

static void
buf_zero_max_refuses_everything(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_putc(&b, 'a'), -1);
	check_buf_is(&b, "");
	assert_int_equal(buf_printf(&b, "x"), -1);
	check_buf_is(&b, "");
	buf_release(&b);
}

static void
buf_grows_past_first_block(void **state)
{
	struct buf b;
	size_t cap;

	(void)state;
	buf_init(&b, 100000);
	for (size_t i = 0; i < 100000; i++) {
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), 0);
		check_buf(&b);
		assert_int_equal(b.len, i + 1);
	}
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.p[i], 'a' + i % 26);
	assert_int_equal(buf_putc(&b, 'z'), -1);
	check_buf(&b);
	assert_int_equal(b.len, 100000);

	/* buf_reset keeps the memory. */
	cap = b.cap;
	buf_reset(&b);
	check_buf_is(&b, "");
	assert_int_equal(b.cap, cap);
	assert_non_null(b.p);
	buf_release(&b);
}

static void
buf_grow_keeps_len(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	assert_int_equal(buf_grow(&b, 90), 0);
	check_buf_is(&b, "ab");
	assert_true(b.cap >= 93);
	assert_int_equal(buf_grow(&b, 99), -1);
	check_buf_is(&b, "ab");
	buf_release(&b);
}

static void
buf_printf_formats(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "%s=%d", "n", 42), 0);
	check_buf_is(&b, "n=42");
	assert_int_equal(buf_printf(&b, ";%05.1f;%x;%%", 3.14159, 255u), 0);
	check_buf_is(&b, "n=42;003.1;ff;%");
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	check_buf_is(&b, "n=42;003.1;ff;%");
	/* Longer than the first allocation: still exact. */
	assert_int_equal(buf_printf(&b, "%300s", "r"), 0);
	check_buf(&b);
	assert_int_equal(b.len, 15 + 300);
	assert_int_equal(b.p[b.len - 1], 'r');
	assert_int_equal(b.p[b.len - 2], ' ');
	buf_release(&b);
}

static void
buf_detach_hands_over(void **state)
{
	struct buf b;
	char *p;
	size_t len = 99;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "owned"), 0);
	p = buf_detach(&b, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	free(p);
	/* The buffer is empty and usable, with the same cap. */
	check_buf_is(&b, "");
	assert_null(b.p);
	assert_int_equal(b.max, 64);
	assert_int_equal(buf_puts(&b, "again"), 0);
	check_buf_is(&b, "again");
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "again");
	free(p);

	/* An empty buffer detaches as a freeable "". */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	check_buf_is(&b, "");
	buf_release(&b);
}

/* ---- arena --------------------------------------------------------------- */

static void
check_aligned(const void *p)
{
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
}

/* Thousands of allocations, some bigger than a block: each one aligned,
 * writable, and not overlapping any other. */
static void
arena_many_allocations(void **state)
{
	enum { N = 5000 };
	static const size_t big[] = {32 * 1024 + 1, 100 * 1024,
	                             32 * 1024 / 4 + 1, 0};
	struct arena *a = arena_new();
	unsigned char *p[N + NELEM(big)];
	size_t len[N + NELEM(big)];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		len[i] = 1 + (i * 7919) % 200;
		p[i] = arena_alloc(a, len[i]);
		check_aligned(p[i]);
		memset(p[i], (int)(i & 0xFF), len[i]);
		/* Drop a large one-off allocation in among the small ones. */
		if (i % 1000 == 500) {
			size_t k = N + i / 1000;

			if (k < N + NELEM(big)) {
				len[k] = big[k - N];
				p[k] = arena_alloc(a, len[k]);
				check_aligned(p[k]);
				memset(p[k], (int)(k & 0xFF), len[k]);
			}
		}
	}
	for (size_t i = 0; i < N + NELEM(big); i++)
		for (size_t j = 0; j < len[i]; j++)
			if (p[i][j] != (unsigned char)(i & 0xFF))
				fail_msg(
					"allocation %zu (%zu bytes) overwritten "
					"at byte %zu",
					i, len[i], j);

	/* A zero-byte allocation still gives a distinct usable pointer. */
	check_aligned(arena_alloc(a, 0));
	arena_free(a);
	arena_free(NULL);
}

static void
arena_reset_reuses(void **state)
{
	struct arena *a = arena_new();
	unsigned char *first, *z;

	(void)state;
	first = arena_alloc(a, 100);
	check_aligned(first);
	memset(first, 0xAB, 100);
	for (int i = 0; i < 50; i++)
		check_aligned(arena_alloc(a, 4000)); /* several blocks */
	check_aligned(arena_alloc(a, 200 * 1024));

	arena_reset(a);
	/* The first block is kept and starts again from the beginning. */
	z = arena_zalloc(a, 100);
	assert_ptr_equal(z, first);
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);

	/* And the arena still works for more than a block. */
	for (int i = 0; i < 50; i++) {
		unsigned char *q = arena_zalloc(a, 4000);

		check_aligned(q);
		assert_int_equal(q[0], 0);
		assert_int_equal(q[3999], 0);
	}
	arena_reset(a);
	arena_reset(a);
	check_aligned(arena_alloc(a, 1));
	arena_free(a);
}

/*
 * A big allocation made while the first block is still the current one
 * must be released by arena_reset() too (LeakSanitizer checks this in the
 * asan build): a long-lived arena that is reset per request would
 * otherwise grow without bound.
 */
static void
arena_reset_frees_big_allocations(void **state)
{
	struct arena *a = arena_new();
	unsigned char *p;

	(void)state;
	for (int round = 0; round < 3; round++) {
		p = arena_alloc(a, 64 * 1024);
		check_aligned(p);
		memset(p, 0x5A, 64 * 1024);
		p = arena_alloc(a, 16);
		check_aligned(p);
		arena_reset(a);
	}
	arena_free(a);
}

static void
arena_strings(void **state)
{
	struct arena *a = arena_new();
	char *big = malloc(40001);
	char *s;

	(void)state;
	assert_string_equal(arena_strdup(a, "hello"), "hello");
	assert_string_equal(arena_strdup(a, ""), "");
	assert_string_equal(arena_strndup(a, "hello", 3), "hel");
	assert_string_equal(arena_strndup(a, "hello", 0), "");
	assert_string_equal(arena_printf(a, "%s=%d", "page", 12), "page=12");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	s = arena_printf(a, "%lld/%s", (long long)INT64_MIN, "é");
	assert_string_equal(s, "-9223372036854775808/é");

	/* Bigger than a block. */
	memset(big, 'q', 40000);
	big[40000] = '\0';
	s = arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(s), 40002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[40001], '>');
	assert_memory_equal(s + 1, big, 40000);
	s = arena_strdup(a, big);
	check_aligned(s);
	assert_string_equal(s, big);
	free(big);
	arena_free(a);
}

/* ---- num ----------------------------------------------------------------- */

static void
num_parse_table(void **state)
{
	static const struct {
		const char *in;
		int64_t min, max;
		int rc;
		int64_t want;
	} t[] = {
		{"0", INT64_MIN, INT64_MAX, 0, 0},
		{"-1", INT64_MIN, INT64_MAX, 0, -1},
		{"-1", 0, 10, -1, 0},
		{"42", 0, 100, 0, 42},
		{"007", 0, 100, 0, 7},
		{"12a", INT64_MIN, INT64_MAX, -1, 0},
		{"1 ", INT64_MIN, INT64_MAX, -1, 0},
		{"", INT64_MIN, INT64_MAX, -1, 0},
		{" 1", INT64_MIN, INT64_MAX, -1, 0},
		{"\n1", INT64_MIN, INT64_MAX, -1, 0},
		{"\r1", INT64_MIN, INT64_MAX, -1, 0},
		{"\v1", INT64_MIN, INT64_MAX, -1, 0},
		{"\t1", INT64_MIN, INT64_MAX, -1, 0},
		{"+1", INT64_MIN, INT64_MAX, -1, 0},
		{"-", INT64_MIN, INT64_MAX, -1, 0},
		{"--1", INT64_MIN, INT64_MAX, -1, 0},
		{"0x10", INT64_MIN, INT64_MAX, -1, 0},
		{"1e3", INT64_MIN, INT64_MAX, -1, 0},
		{"1.0", INT64_MIN, INT64_MAX, -1, 0},
		/* range, both ends inclusive (e.g. /page/N/) */
		{"1", 1, 100000, 0, 1},
		{"100000", 1, 100000, 0, 100000},
		{"100001", 1, 100000, -1, 0},
		{"0", 1, 100000, -1, 0},
		/* INT64 extremes, and one past them */
		{"9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX},
		{"-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN},
		{"9223372036854775808", INT64_MIN, INT64_MAX, -1, 0},
		{"-9223372036854775809", INT64_MIN, INT64_MAX, -1, 0},
		{"99999999999999999999999", INT64_MIN, INT64_MAX, -1, 0},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		int64_t out = 12345;
		int rc = num_parse(t[i].in, t[i].min, t[i].max, &out);

		if (rc != t[i].rc)
			fail_msg("num_parse(\"%s\", %lld, %lld) = %d, want %d",
			         t[i].in, (long long)t[i].min,
			         (long long)t[i].max, rc, t[i].rc);
		/* On failure *out is left alone. */
		if (out != (rc == 0 ? t[i].want : 12345))
			fail_msg("num_parse(\"%s\"): out = %lld", t[i].in,
			         (long long)out);
	}
	{
		int64_t out = 5;

		assert_int_equal(num_parse(NULL, 0, 10, &out), -1);
		assert_int_equal(out, 5);
	}
}

/* ---- text ---------------------------------------------------------------- */

static void
slug_from_title_table(void **state)
{
	static const struct {
		const char *title, *slug;
	} t[] = {
		{"Hello, World!", "hello-world"},
		{"Don't Stop", "dont-stop"},
		/* U+2013 en dash is a separator, like WordPress */
		{"Briefing: Shipping \xE2\x80\x93 Questions",
	         "briefing-shipping-questions"},
		{"Shipping\xE2\x80\x94Questions", "shipping-questions"},
		/* typographic quotes, ellipsis, no-break space, guillemets */
		{"\xE2\x80\x9CQuoted\xE2\x80\x9D title\xE2\x80\xA6",
	         "quoted-title"},
		{"a\xC2\xA0"
	         "b",
	         "a-b"},
		{"\xC2\xABLes\xC2\xBB", "les"},
		/* as WordPress (mb_strtolower, remove_accents): every script
	         * lower-cased, Latin letters without accents; other scripts
	         * keep their letters whole (percent-encoded in URLs) */
		{"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "
	         "\xD0\xBC\xD0\xB8\xD1\x80",
	         "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-"
	         "\xD0\xBC\xD0\xB8\xD1\x80"},
		{"Caf\xC3\xA9 Cr\xC3\xA8me", "cafe-creme"},
		{"Caf\xC3\xA9 \xC3\x9C"
	         "ber",
	         "cafe-uber"},
		/* decomposed input (e + U+0301) is the same title */
		{"Cafe\xCC\x81", "cafe"},
		{"Stra\xC3\x9F"
	         "e \xC3\x86r\xC3\xB8 \xC5\x81\xC3\xB3"
	         "d\xC5\xBA",
	         "strasse-aero-lodz"},
		/* Cyrillic \xD0\xB9 is a letter of its own, not an accented
	         * one: kept (NFD would make it i + breve) */
		{"\xD0\x99\xD0\xBE\xD0\xB3\xD0\xB0",
	         "\xD0\xB9\xD0\xBE\xD0\xB3\xD0\xB0"},
		/* Hangul syllables come back whole, not as jamo */
		{"\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4",
	         "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4"},
		/* Greek keeps its tonos; capitals lower-cased */
		{"\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1",
	         "\xCE\xB5\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1"},
		/* not UTF-8: nothing */
		{"caf\xE9", ""},
		{"Version 2.0 (beta)", "version-2-0-beta"},
		{"  --Leading and trailing--  ", "leading-and-trailing"},
		{"a   b___c", "a-b-c"},
		{"ALLCAPS", "allcaps"},
		{"!!!", ""},
		{"''", ""},
		{"", ""},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		const char *got = slug_from_title(a, t[i].title);

		if (strcmp(got, t[i].slug) != 0)
			fail_msg("slug_from_title(\"%s\") = \"%s\", want "
			         "\"%s\"",
			         t[i].title, got, t[i].slug);
		/* Whatever comes out is a valid slug (or nothing). */
		if (*got != '\0' && !slug_valid(got))
			fail_msg("slug_from_title(\"%s\") = \"%s\" is not "
			         "slug_valid",
			         t[i].title, got);
	}
	arena_free(a);
}

static void
slug_from_long_title_is_cut(void **state)
{
	struct arena *a = arena_new();
	char title[400];
	const char *slug;
	size_t n = 0;

	(void)state;
	/* 300 bytes of ASCII: cut to exactly the limit. */
	memset(title, 'a', 300);
	title[300] = '\0';
	slug = slug_from_title(a, title);
	assert_int_equal(strlen(slug), LIM_SLUG_BYTES);
	assert_true(slug_valid(slug));

	/* "a" then 150 two-byte letters (Cyrillic small de, which neither
	 * case mapping nor accent folding changes): byte 200 is in the
	 * middle of one, so the cut steps back to a character boundary. */
	title[n++] = 'a';
	for (int i = 0; i < 150; i++) {
		title[n++] = '\xD0';
		title[n++] = '\xB4';
	}
	title[n] = '\0';
	assert_int_equal(n, 301);
	slug = slug_from_title(a, title);
	assert_int_equal(strlen(slug), LIM_SLUG_BYTES - 1);
	assert_true(utf8_valid(slug, strlen(slug)));
	assert_memory_equal(slug, title, strlen(slug));
	assert_true(slug_valid(slug));

	/* A cut that lands just after a separator drops the dangling '-'. */
	memset(title, 'b', LIM_SLUG_BYTES - 1);
	memcpy(title + LIM_SLUG_BYTES - 1, " word and more", 15);
	slug = slug_from_title(a, title);
	assert_int_equal(strlen(slug), LIM_SLUG_BYTES - 1);
	assert_int_not_equal(slug[strlen(slug) - 1], '-');
	assert_true(slug_valid(slug));
	arena_free(a);
}

static void
slug_valid_table(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} t[] = {
		{"hello-world", 1},
		{"a_b.c~d-1", 1},
		{"About", 1},
		{"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", 1},
		{"...", 1},
		{"", 0},
		{".", 0},
		{"..", 0},
		{"a/b", 0},
		{"a b", 0},
		{"a\tb", 0},
		{"a\x7f", 0},
		{"a?b", 0},
		{"a#b", 0},
		{"a%20b", 0},
		{"a&b", 0},
		{"a+b", 0},
		{"a:b", 0},
		{"\xC0\xAF", 0}, /* overlong '/' */
		{"abc\xC3", 0},  /* truncated */
	};
	char lim[LIM_SLUG_BYTES + 2];

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++)
		if (slug_valid(t[i].s) != t[i].ok)
			fail_msg("slug_valid(\"%s\") = %d, want %d", t[i].s,
			         !t[i].ok, t[i].ok);
	memset(lim, 'x', sizeof(lim));
	lim[LIM_SLUG_BYTES] = '\0';
	assert_true(slug_valid(lim));
	lim[LIM_SLUG_BYTES] = 'x';
	lim[LIM_SLUG_BYTES + 1] = '\0';
	assert_false(slug_valid(lim));
}

static void
url_encode_table(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{"", ""},
		{"plain-Text_1.2~", "plain-Text_1.2~"},
		{"a b", "a%20b"},
		{"a/b?c#d", "a%2Fb%3Fc%23d"},
		{"&=+%:@!$'()*,;[]",
	         "%26%3D%2B%25%3A%40%21%24%27%28%29%2A%2C%3B"
	         "%5B%5D"},
		{"caf\xC3\xA9", "caf%C3%A9"},
		{"\xD0\xBF\xD1\x80", "%D0%BF%D1%80"},
		{"\xF0\x9F\x98\x80", "%F0%9F%98%80"},
		{"\x01\x7f", "%01%7F"},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		struct buf b;
		const char *back;

		buf_init(&b, 1024);
		assert_int_equal(url_encode(&b, t[i].in, strlen(t[i].in)), 0);
		check_buf(&b);
		if (strcmp(buf_str(&b), t[i].out) != 0)
			fail_msg("url_encode(\"%s\") = \"%s\", want \"%s\"",
			         t[i].in, buf_str(&b), t[i].out);
		/* And it decodes back to the input. */
		back = url_decode(a, b.p ? b.p : "", b.len, 0);
		assert_non_null(back);
		assert_string_equal(back, t[i].in);
		buf_release(&b);
	}
	arena_free(a);
}

static void
url_encode_respects_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 5);
	/* "ab" fits; the escape for ' ' would need 3 more bytes. */
	assert_int_equal(url_encode(&b, "ab  ", 4), -1);
	check_buf(&b);
	assert_true(b.len <= 5);
	assert_memory_equal(buf_str(&b), "ab%20", b.len);
	buf_release(&b);
}

static void
url_decode_table(void **state)
{
	static const struct {
		const char *in;
		size_t n; /* 0: strlen(in) */
		int plus;
		const char *out; /* NULL: refused */
	} t[] = {
		{"%41", 0, 0, "A"},
		{"plain", 0, 0, "plain"},
		{"", 0, 0, ""},
		{"a%20b", 0, 0, "a b"},
		{"%e2%80%93", 0, 0, "\xE2\x80\x93"},
		{"%D0%BF%D1%80", 0, 0, "\xD0\xBF\xD1\x80"},
		{"%zz", 0, 0, NULL},
		{"%4", 0, 0, NULL},
		{"%", 0, 0, NULL},
		{"ab%", 0, 0, NULL},
		{"%4g", 0, 0, NULL},
		{"%00", 0, 0, NULL},
		{"a\0b", 3, 0, NULL}, /* a raw NUL */
		{"a+b", 0, 1, "a b"},
		{"a+b", 0, 0, "a+b"},
		{"%2B+%2b", 0, 1, "+ +"},
		{"100%25", 0, 0, "100%"},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		size_t n = t[i].n ? t[i].n : strlen(t[i].in);
		const char *got = url_decode(a, t[i].in, n, t[i].plus);

		if (t[i].out == NULL && got != NULL)
			fail_msg("url_decode(\"%s\") = \"%s\", want NULL",
			         t[i].in, got);
		if (t[i].out != NULL &&
		    (got == NULL || strcmp(got, t[i].out) != 0))
			fail_msg("url_decode(\"%s\", plus=%d) = %s%s%s, want "
			         "\"%s\"",
			         t[i].in, t[i].plus, got ? "\"" : "",
			         got ? got : "NULL", got ? "\"" : "", t[i].out);
	}
	/* Only n bytes are read. */
	assert_string_equal(url_decode(a, "%41%42", 3, 0), "A");
	arena_free(a);
}

/*
 * Redirect targets taken from a request: the attacks of issue 13 (TAB and
 * other controls that browsers drop, backslashes they read as '/', the
 * same percent-encoded) and the shapes of other hosts and schemes.
 */
static void
url_local_path_table(void **state)
{
	static const struct {
		const char *in;
		int ok;
	} t[] = {
		{"/", 1},
		{"/admin/", 1},
		{"/admin/posts/?type=page", 1},
		{"/admin/blocks/?saved=1#block-3", 1},
		{"/caf\xC3\xA9/", 1},
		{"/caf%C3%A9/", 1},
		{"/a%20b/", 1},
		{"/a/%2F/b", 1}, /* an encoded '/' past the start is a path */
		{"/%2e%2e/admin/", 1},
		{"/@evil.example", 1},
		{"/%09/evil.example/", 0},
		{"/\t/evil.example/", 0},
		{"/\r\n/evil.example/", 0},
		{"/\n/evil.example", 0},
		{"/\r/evil.example", 0},
		{"/\x0b/evil.example", 0},
		{"/\x7f/evil.example", 0},
		{"/%0d%0a/evil.example", 0},
		{"/%00/evil.example", 0},
		{"/%7F", 0},
		{"/%7f", 0},
		{"//evil.example", 0},
		{"//evil.example/", 0},
		{"/\\evil.example", 0},
		{"\\\\evil.example", 0},
		{"/%2Fevil.example", 0},
		{"/%2fevil.example", 0},
		{"/%5Cevil.example", 0},
		{"/%5cevil.example", 0},
		{"/a\\b", 0},
		{"/a%5Cb", 0},
		{" /admin/", 0},
		{"\t/admin/", 0},
		{"/ /evil.example", 0},
		{"http://evil.example/", 0},
		{"https://evil.example/", 0},
		{"http:/evil.example", 0},
		{"javascript:alert(1)", 0},
		{"JavaScript:alert(1)", 0},
		{"data:text/html,x", 0},
		{"evil.example", 0},
		{"admin/", 0},
		{"", 0},
		{"/%", 0},
		{"/%4", 0},
		{"/%zz", 0},
		{"/%4g/", 0},
		{"/\xC3", 0},       /* cut UTF-8 */
		{"/\xC0\xAF", 0},   /* an overlong '/' */
		{"/%252F", 1},      /* "%2F" once decoded: a path */
		{"/%2509/evil", 1}, /* "%09" once decoded: a path */
	};
	char raw[4], enc[8], big[LIM_URL_BYTES + 2];

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++)
		if (url_local_path(t[i].in) != t[i].ok)
			fail_msg("url_local_path(\"%s\") = %d, want %d",
			         t[i].in, !t[i].ok, t[i].ok);
	assert_false(url_local_path(NULL));
	/* Every C0 control and DEL, raw and encoded, anywhere. */
	for (int c = 1; c < 0x80; c++) {
		int bad = c < 0x20 || c == 0x7f;

		if (!bad)
			continue;
		snprintf(raw, sizeof(raw), "/%c", c);
		snprintf(enc, sizeof(enc), "/a%%%02X", c);
		assert_false(url_local_path(raw));
		assert_false(url_local_path(enc));
	}
	/* Up to LIM_URL_BYTES, and not a byte more. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[LIM_URL_BYTES] = '\0';
	assert_true(url_local_path(big));
	big[LIM_URL_BYTES] = 'a';
	big[LIM_URL_BYTES + 1] = '\0';
	assert_false(url_local_path(big));
}

static void
utf8_valid_table(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		size_t valid_len; /* == n when valid */
	} t[] = {
#define S(lit) lit, sizeof(lit) - 1
		{S(""), 0},
		{S("ascii"), 5},
		{S("caf\xC3\xA9"), 5},
		{S("\xE2\x80\x93"), 3},
		{S("\xF0\x9F\x98\x80"), 4}, /* U+1F600 emoji */
		{S("\xF4\x8F\xBF\xBF"), 4}, /* U+10FFFF */
		{S("\xED\x9F\xBF"), 3},     /* U+D7FF */
		{S("\xEE\x80\x80"), 3},     /* U+E000 */
		{S("\xC0\xAF"), 0},         /* overlong '/' */
		{S("\xC1\xBF"), 0},         /* overlong */
		{S("\xE0\x80\xAF"), 0},     /* overlong, 3 bytes */
		{S("\xF0\x80\x80\xAF"), 0}, /* overlong, 4 bytes */
		{S("\xED\xA0\x80"), 0},     /* surrogate U+D800 */
		{S("\xED\xBF\xBF"), 0},     /* surrogate U+DFFF */
		{S("\xF4\x90\x80\x80"), 0}, /* U+110000 */
		{S("\xF5\x80\x80\x80"), 0},
		{S("\xFF"), 0},
		{S("\x80"), 0},              /* lone continuation */
		{S("ab\xC3"), 2},            /* truncated 2-byte */
		{S("ab\xE2\x80"), 2},        /* truncated 3-byte */
		{S("ab\xF0\x9F\x98"), 2},    /* truncated 4-byte */
		{S("\xC3\xA9\xC3(\xA9"), 2}, /* bad continuation */
		{S("a\0b"), 3},              /* NUL is a character */
#undef S
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		size_t got = utf8_valid_len(t[i].s, t[i].n);

		if (got != t[i].valid_len)
			fail_msg("utf8_valid_len(case %zu) = %zu, want %zu", i,
			         got, t[i].valid_len);
		if (utf8_valid(t[i].s, t[i].n) != (t[i].valid_len == t[i].n))
			fail_msg("utf8_valid(case %zu) wrong", i);
	}
}

static void
utf8_cut_table(void **state)
{
	static const struct {
		const char *s;
		size_t max, want;
	} t[] = {
		{"abc", 10, 3},
		{"abc", 3, 3},
		{"abc", 2, 2},
		{"a\xC3\xA9", 2, 1},
		{"a\xC3\xA9", 3, 3},
		{"\xF0\x9F\x98\x80z", 3, 0},
		{"\xF0\x9F\x98\x80z", 4, 4},
		{"abc", 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		size_t got = utf8_cut(t[i].s, strlen(t[i].s), t[i].max);

		if (got != t[i].want)
			fail_msg("utf8_cut(\"%s\", %zu) = %zu, want %zu",
			         t[i].s, t[i].max, got, t[i].want);
		assert_true(utf8_valid(t[i].s, got));
	}
}

/* ---- clock --------------------------------------------------------------- */

static void
time_parse_iso_table(void **state)
{
	static const struct {
		const char *in;
		int rc;
		int64_t want;
	} t[] = {
		{"2022-04-27", 0, 1651017600},
		{"2022-04-27T10:30:00Z", 0, 1651055400},
		{"2022-04-27T10:30:00", 0, 1651055400},
		{"2022-04-27T10:30", 0, 1651055400},
		{"2022-04-27 10:30", 0, 1651055400},
		{"2022-04-27T10:30Z", 0, 1651055400},
		{"2022-04-27T10:30:00+02:00", 0, 1651048200},
		{"2022-04-27T10:30:00+0200", 0, 1651048200},
		{"2022-04-27T10:30:00-01:30", 0, 1651060800},
		{"2022-04-27T00:30:00+02:00", 0, 1651012200}, /* day before */
		{"1970-01-01", 0, 0},
		{"2024-02-29", 0, 1709164800},
		{"2022-12-31T23:59:59Z", 0, 1672531199},
		{"2022-02-31", -1, 0},
		{"2023-02-29", -1, 0},
		{"2022-04-31", -1, 0},
		{"2022-13-01", -1, 0},
		{"2022-00-10", -1, 0},
		{"2022-04-00", -1, 0},
		{"22-04-27", -1, 0},
		{"2022-4-27", -1, 0},
		{"2022/04/27", -1, 0},
		{"2022-04-27x", -1, 0},
		{"2022-04-27 ", -1, 0},
		{"2022-04-27T", -1, 0},
		{"2022-04-27T10", -1, 0},
		{"2022-04-27T10:30:00Zjunk", -1, 0},
		{"2022-04-27T10:30:00+02", -1, 0},
		{"2022-04-27T24:00", -1, 0},
		{"2022-04-27T10:60", -1, 0},
		{"2022-04-27T10:30:00+24:00", -1, 0},
		{"", -1, 0},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		int64_t out = -777;
		int rc = time_parse_iso(t[i].in, &out);

		if (rc != t[i].rc)
			fail_msg("time_parse_iso(\"%s\") = %d, want %d",
			         t[i].in, rc, t[i].rc);
		if (rc == 0 && out != t[i].want)
			fail_msg("time_parse_iso(\"%s\") = %lld, want %lld",
			         t[i].in, (long long)out, (long long)t[i].want);
		if (rc == -1 && out != -777)
			fail_msg("time_parse_iso(\"%s\") wrote out on failure",
			         t[i].in);
	}
}

/* time_utc is gmtime_r without its lock: the same fields for every
 * second tried, from year 0 to 9999, and -1 outside. */
static void
time_utc_is_gmtime(void **state)
{
	const int64_t lo = -62167219200LL, hi = 253402300799LL;
	int64_t t;
	uint64_t x = 88172645463325252ULL;
	struct tm a, b;
	int n = 0;

	(void)state;
	/* Every day's last and first second, 1896 to 2104 (leap days,
	 * 1900 and 2100, 2000, the epoch), then random ones. */
	for (t = -2329171200LL; t < 4260211200LL; t += 43200, n++) {
		int64_t u = t + (n % 2 == 0 ? 0 : 43199);
		time_t tt = (time_t)u;

		assert_non_null(gmtime_r(&tt, &b));
		assert_int_equal(time_utc(u, &a), 0);
		if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon ||
		    a.tm_mday != b.tm_mday || a.tm_hour != b.tm_hour ||
		    a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday)
			fail_msg("time_utc(%lld) differs from gmtime_r",
			         (long long)u);
	}
	for (int i = 0; i < 200000; i++) {
		time_t tt;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &b));
		assert_int_equal(time_utc(t, &a), 0);
		if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon ||
		    a.tm_mday != b.tm_mday || a.tm_hour != b.tm_hour ||
		    a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday)
			fail_msg("time_utc(%lld) differs from gmtime_r",
			         (long long)t);
	}
	assert_int_equal(time_utc(lo, &a), 0);
	assert_int_equal(a.tm_year + 1900, 0);
	assert_int_equal(time_utc(hi, &a), 0);
	assert_int_equal(a.tm_year + 1900, 9999);
	assert_int_equal(time_utc(lo - 1, &a), -1);
	assert_int_equal(time_utc(hi + 1, &a), -1);
}

static void
time_format_and_day(void **state)
{
	static const struct {
		int64_t t, day;
	} days[] = {
		{0, 0},
		{86399, 0},
		{86400, 1},
		{1651017600, 19109},
		{1651103999, 19109},
		{1651104000, 19110},
		{-1, -1},
		{-86400, -1},
		{-86401, -2},
	};
	char out[64];
	int64_t back;

	(void)state;
	time_format(1651055400, "%Y-%m-%d %H:%M:%S", out, sizeof(out));
	assert_string_equal(out, "2022-04-27 10:30:00");
	time_format(1651055400, "%Y/%m/%d/", out, sizeof(out));
	assert_string_equal(out, "2022/04/27/");
	/* UTC, whatever TZ says. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	time_format(0, "%Y-%m-%dT%H:%M:%SZ", out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	unsetenv("TZ");
	tzset();
	/* Round trip through the parser. */
	time_format(1672531199, "%Y-%m-%dT%H:%M:%SZ", out, sizeof(out));
	assert_int_equal(time_parse_iso(out, &back), 0);
	assert_int_equal(back, 1672531199);
	/* Too small an output gives "", never a truncated date. */
	memset(out, 'x', sizeof(out));
	time_format(1651055400, "%Y-%m-%d", out, 5);
	assert_string_equal(out, "");

	for (size_t i = 0; i < NELEM(days); i++)
		if (time_day(days[i].t) != days[i].day)
			fail_msg("time_day(%lld) = %lld, want %lld",
			         (long long)days[i].t,
			         (long long)time_day(days[i].t),
			         (long long)days[i].day);
}

/* A caller prefixing the message a callee left: the arguments point into
 * e.msg itself, which error_set must read before it writes. */
static void
error_set_prefixes_its_own_message(void **state)
{
	struct error e;
	char full[sizeof(e.msg) + 1];

	(void)state;
	error_set(&e, ERR_INVALID, "unknown key '%s' (known: title)", "colour");
	assert_int_equal(error_set(&e, ERR_NOT_FOUND, "%s:%d: %s", "bad3.md", 3,
	                           e.msg),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.msg,
	                    "bad3.md:3: unknown key 'colour' (known: title)");

	/* Past the end: cut at the buffer, still NUL-terminated. */
	memset(full, 'x', sizeof(full) - 1);
	full[sizeof(full) - 1] = '\0';
	error_set(&e, ERR_IO, "%s", full);
	error_set(&e, ERR_IO, "f: %s", e.msg);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_memory_equal(e.msg, "f: xxx", 6);
}

static void
clock_follows_gazette_now(void **state)
{
	struct error e;
	int64_t now, real;

	(void)state;
	assert_int_equal(setenv("GAZETTE_NOW", "1651017600", 1), 0);
	error_clear(&e);
	assert_int_equal(clock_init(&e), 0);
	now = clock_now();
	assert_true(now >= 1651017600 && now <= 1651017600 + 2);

	/* Not a number: refused, with the value in the message. */
	assert_int_equal(setenv("GAZETTE_NOW", "yesterday", 1), 0);
	assert_int_equal(clock_init(&e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "yesterday"));
	assert_int_equal(setenv("GAZETTE_NOW", "-5", 1), 0);
	assert_int_equal(clock_init(&e), -1);
	assert_int_equal(setenv("GAZETTE_NOW", "1651017600s", 1), 0);
	assert_int_equal(clock_init(&e), -1);

	/* Empty or unset: the real clock. */
	assert_int_equal(setenv("GAZETTE_NOW", "", 1), 0);
	assert_int_equal(clock_init(&e), 0);
	real = (int64_t)time(NULL);
	now = clock_now();
	assert_true(now >= real && now <= real + 2);
	assert_int_equal(unsetenv("GAZETTE_NOW"), 0);
	assert_int_equal(clock_init(&e), 0);
	real = (int64_t)time(NULL);
	now = clock_now();
	assert_true(now >= real && now <= real + 2);
}

/* ---- netaddr ------------------------------------------------------------- */

static void
netaddr_parse_table(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *same_as; /* parses to the same address, or NULL */
	} cases[] = {
		{"127.0.0.1", 1, "::ffff:127.0.0.1"},
		{"::1", 1, "0:0:0:0:0:0:0:1"},
		{"2001:db8::1", 1, "2001:0db8:0:0:0:0:0:1"},
		{"1.2.3", 0, NULL},
		{"1.2.3.4.5", 0, NULL},
		{"256.1.1.1", 0, NULL},
		{"1.2.3.4 ", 0, NULL},
		{"[::1]", 0, NULL},
		{"1.2.3.4:80", 0, NULL},
		{"unknown", 0, NULL},
		{"", 0, NULL},
		{"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x", 0, NULL},
	};
	struct netaddr a, b;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		int rc = netaddr_parse(cases[i].in, strlen(cases[i].in), &a);

		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (cases[i].same_as == NULL)
			continue;
		assert_int_equal(netaddr_parse(cases[i].same_as,
		                               strlen(cases[i].same_as), &b),
		                 0);
		assert_true(netaddr_equal(&a, &b));
	}
	/* Only the n bytes given are read. */
	assert_int_equal(netaddr_parse("10.0.0.1, 10.0.0.2", 8, &a), 0);
	assert_int_equal(netaddr_parse("10.0.0.1", 8, &b), 0);
	assert_true(netaddr_equal(&a, &b));
}

static void
netaddr_client_keeps_ipv4_and_an_ipv6_64(void **state)
{
	struct netaddr a, b;

	(void)state;
	assert_int_equal(netaddr_parse("2001:db8:1:2:aaaa::1", 20, &a), 0);
	assert_int_equal(netaddr_parse("2001:db8:1:2:bbbb::2", 20, &b), 0);
	assert_false(netaddr_equal(&a, &b));
	netaddr_client(&a);
	netaddr_client(&b);
	assert_true(netaddr_equal(&a, &b));
	assert_int_equal(netaddr_parse("2001:db8:1:3::1", 15, &b), 0);
	netaddr_client(&b);
	assert_false(netaddr_equal(&a, &b));
	assert_int_equal(netaddr_parse("192.0.2.1", 9, &a), 0);
	assert_int_equal(netaddr_parse("192.0.2.2", 9, &b), 0);
	netaddr_client(&a);
	netaddr_client(&b);
	assert_false(netaddr_equal(&a, &b));
}

static void
netaddr_client_text_table(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"},
		{"2001:db8:1:2::ff", "2001:db8:1:2::"},
		{"::1", "::"},
		{"not an address", "not an address"},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		netaddr_client_text(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
}

static int
has(const struct netset *set, const char *ip)
{
	struct netaddr a;

	assert_int_equal(netaddr_parse(ip, strlen(ip), &a), 0);
	return netset_has(set, &a);
}

static void
netset_matches_addresses_and_networks(void **state)
{
	struct netset set;
	struct error e;

	(void)state;
	memset(&set, 0, sizeof(set));
	assert_false(has(&set, "127.0.0.1"));
	assert_int_equal(netset_add(&set,
	                            " 127.0.0.1,::1 10.0.0.0/8,\t"
	                            "fd00::/8, 192.0.2.128/25",
	                            &e),
	                 0);
	assert_int_equal(set.n, 5);
	assert_true(has(&set, "127.0.0.1"));
	assert_true(has(&set, "::ffff:127.0.0.1"));
	assert_false(has(&set, "127.0.0.2"));
	assert_true(has(&set, "::1"));
	assert_false(has(&set, "::2"));
	assert_true(has(&set, "10.255.1.2"));
	assert_false(has(&set, "11.0.0.1"));
	assert_true(has(&set, "fdab::1"));
	assert_false(has(&set, "fe80::1"));
	assert_true(has(&set, "192.0.2.200"));
	assert_false(has(&set, "192.0.2.127"));
	/* /0 is everything of its family. */
	memset(&set, 0, sizeof(set));
	assert_int_equal(netset_add(&set, "0.0.0.0/0", &e), 0);
	assert_true(has(&set, "203.0.113.1"));
	assert_false(has(&set, "2001:db8::1"));
	/* An empty list adds nothing. */
	memset(&set, 0, sizeof(set));
	assert_int_equal(netset_add(&set, " , ", &e), 0);
	assert_int_equal(set.n, 0);
}

static void
netset_refuses_bad_entries(void **state)
{
	static const char *const bad[] = {
		"localhost",  "10.0.0.0/33", "::/129",
		"10.0.0.0/",  "10.0.0.0/x",  "10.0.0.1/8",
		"1.2.3.4/-1", "fd00::1/8",   "10.0.0.0/8/8",
	};
	struct netset set;
	struct error e;
	char many[LIM_TRUSTED_PROXIES * 16 + 32] = "";

	(void)state;
	for (size_t i = 0; i < NELEM(bad); i++) {
		memset(&set, 0, sizeof(set));
		assert_int_equal(netset_add(&set, bad[i], &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
	}
	memset(&set, 0, sizeof(set));
	for (int i = 0; i < LIM_TRUSTED_PROXIES; i++) {
		size_t n = strlen(many);

		snprintf(many + n, sizeof(many) - n, "10.0.%d.%d ", i / 250,
		         i % 250);
	}
	assert_int_equal(netset_add(&set, many, &e), 0);
	assert_int_equal(set.n, LIM_TRUSTED_PROXIES);
	assert_int_equal(netset_add(&set, "10.1.0.0", &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_starts_empty),
		cmocka_unit_test(buf_add_appends),
		cmocka_unit_test(buf_cap_is_respected),
		cmocka_unit_test(buf_zero_max_refuses_everything),
		cmocka_unit_test(buf_grows_past_first_block),
		cmocka_unit_test(buf_grow_keeps_len),
		cmocka_unit_test(buf_printf_formats),
		cmocka_unit_test(buf_detach_hands_over),
		cmocka_unit_test(arena_many_allocations),
		cmocka_unit_test(arena_reset_reuses),
		cmocka_unit_test(arena_reset_frees_big_allocations),
		cmocka_unit_test(arena_strings),
		cmocka_unit_test(num_parse_table),
		cmocka_unit_test(slug_from_title_table),
		cmocka_unit_test(slug_from_long_title_is_cut),
		cmocka_unit_test(slug_valid_table),
		cmocka_unit_test(url_encode_table),
		cmocka_unit_test(url_encode_respects_cap),
		cmocka_unit_test(url_decode_table),
		cmocka_unit_test(url_local_path_table),
		cmocka_unit_test(utf8_valid_table),
		cmocka_unit_test(utf8_cut_table),
		cmocka_unit_test(time_parse_iso_table),
		cmocka_unit_test(time_utc_is_gmtime),
		cmocka_unit_test(time_format_and_day),
		cmocka_unit_test(error_set_prefixes_its_own_message),
		cmocka_unit_test(clock_follows_gazette_now),
		cmocka_unit_test(netaddr_parse_table),
		cmocka_unit_test(netaddr_client_keeps_ipv4_and_an_ipv6_64),
		cmocka_unit_test(netaddr_client_text_table),
		cmocka_unit_test(netset_matches_addresses_and_networks),
		cmocka_unit_test(netset_refuses_bad_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
