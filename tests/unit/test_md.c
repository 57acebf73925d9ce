/*
 * render/md.h: GFM features render, and hostile Markdown (raw HTML,
 * script URLs, data: URLs) never reaches the page as markup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "render/md.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Render src with flags; the caller releases the buffer. */
static void
render(const char *src, enum md_flags flags, struct buf *out)
{
	struct error e;

	buf_init(out, 1024 * 1024);
	error_clear(&e);
	if (md_render(src, strlen(src), flags, out, &e) != 0)
		fail_msg("md_render(\"%s\") failed: %s", src, e.msg);
	assert_int_equal(e.code, ERR_OK);
	/* buf invariants: NUL-terminated at len. */
	assert_non_null(out->p);
	assert_int_equal(out->p[out->len], '\0');
	assert_int_equal(strlen(out->p), out->len);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL;
	     p = strstr(p + 1, needle))
		n++;
	return n;
}

static const char *
strcasestr_ascii(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/*
 * The URL schemes of every href= and src= attribute in html are safe:
 * none is javascript:, vbscript:, file: or data: (in any case, after any
 * leading blanks a browser would skip).
 */
static void
check_urls_safe(const char *src, const char *html)
{
	static const char *const attrs[] = {"href=\"", "src=\""};
	static const char *const bad[] = {"javascript:", "vbscript:", "file:",
	                                  "data:"};

	for (size_t i = 0; i < NELEM(attrs); i++) {
		for (const char *p = strstr(html, attrs[i]); p != NULL;
		     p = strstr(p + 1, attrs[i])) {
			const char *v = p + strlen(attrs[i]);

			while (*v != '\0' && *v != '"' &&
			       (isspace((unsigned char)*v) ||
			        iscntrl((unsigned char)*v)))
				v++;
			for (size_t k = 0; k < NELEM(bad); k++)
				if (strncasecmp(v, bad[k], strlen(bad[k])) == 0)
					fail_msg("\"%s\" rendered a %s URL: %s",
					         src, bad[k], html);
		}
	}
}

static const struct {
	const char *src;
	const char *has[3];   /* each must appear */
	const char *hasnt[3]; /* none may appear (case-insensitive) */
} cases[] = {
	{"**b**", {"<strong>b</strong>"}, {NULL}},
	{"*i* and `c<d`", {"<em>i</em>", "<code>c&lt;d</code>"}, {NULL}},
	{"| a | b |\n|---|---|\n| 1 | 2 |\n",
         {"<table>", "<th>a</th>", "<td>2</td>"},
         {NULL}},
	{"~~x~~", {"<del>x</del>"}, {NULL}},
	{"a < b & c", {"a &lt; b &amp; c"}, {NULL}},
	{"don't", {"don\xE2\x80\x99t"}, {NULL}}, /* smart punctuation */
	{"www.example.com", {"href=\"http://www.example.com\">"}, {NULL}},
	{"[ok](https://example.com/a?b=1)",
         {"href=\"https://example.com/a?b=1\">ok</a>"},
         {NULL}},
	{"![ok](https://example.com/a.png)",
         {"<img src=\"https://example.com/a.png\" alt=\"ok\""},
         {NULL}},
	/* raw HTML is omitted */
	{"<script>alert(1)</script>", {NULL}, {"<script", "alert(1)"}},
	{"text <script>alert(1)</script> more", {"text"}, {"<script"}},
	{"<img src=x onerror=alert(1)>", {NULL}, {"<img src=x", "onerror"}},
	{"a <img src=x onerror=alert(1)> b", {NULL}, {"<img src=x", "onerror"}},
	{"<a href=\"javascript:alert(1)\">x</a>",
         {NULL},
         {"javascript:", "<a href=\"j"}},
	{"<iframe src=\"https://evil.example/\"></iframe>",
         {NULL},
         {"<iframe"}},
	/* script URLs are emptied */
	{"[x](javascript:alert(1))", {">x</a>"}, {"javascript:"}},
	{"[x](JaVaScRiPt:alert(1))", {">x</a>"}, {"javascript:"}},
	{"[x](javascript&#58;alert(1))", {">x</a>"}, {"javascript:"}},
	{"[x](vbscript:foo)", {">x</a>"}, {"vbscript:"}},
	{"[x](file:///etc/passwd)", {">x</a>"}, {"file:"}},
	{"![x](javascript:alert(1))", {"alt=\"x\""}, {"javascript:"}},
	/* and so is every data: URL, images included */
	{"[x](data:text/html;base64,AAAA)", {">x</a>"}, {"data:"}},
	{"![x](data:image/png;base64,AAAA)", {"alt=\"x\""}, {"data:"}},
	{"![x](DATA:image/png;base64,AAAA)", {"alt=\"x\""}, {"data:"}},
	{"[x](<data:text/html,hi>)", {">x</a>"}, {"data:"}},
	{"[x][r]\n\n[r]: data:text/html,hi\n", {">x</a>"}, {"data:"}},
	{"![x][r]\n\n[r]: data:image/gif;base64,AAAA \"t\"\n",
         {"alt=\"x\""},
         {"data:"}},
	{"| a |\n|---|\n| [x](data:text/html,hi) |\n", {"<td>"}, {"data:"}},
	{"[![i](data:image/png;base64,AA)](javascript:alert(1))",
         {NULL},
         {"data:", "javascript:"}},
	/* an autolink shows its text, but links nowhere harmful */
	{"<javascript:alert(1)>", {NULL}, {"href=\"javascript"}},
	{"<data:text/html,hi>", {NULL}, {"href=\"data"}},
};

static void
render_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct buf out;

		for (int ugc = 0; ugc <= 1; ugc++) {
			render(cases[i].src, ugc ? MD_UGC : 0, &out);
			for (size_t k = 0; k < 3 && cases[i].has[k]; k++)
				if (strstr(out.p, cases[i].has[k]) == NULL)
					fail_msg("\"%s\": output lacks "
					         "\"%s\": %s",
					         cases[i].src, cases[i].has[k],
					         out.p);
			for (size_t k = 0; k < 3 && cases[i].hasnt[k]; k++)
				if (strcasestr_ascii(out.p,
				                     cases[i].hasnt[k]) != NULL)
					fail_msg("\"%s\": output has \"%s\": "
					         "%s",
					         cases[i].src,
					         cases[i].hasnt[k], out.p);
			check_urls_safe(cases[i].src, out.p);
			buf_release(&out);
		}
	}
}

static void
single_tilde_is_not_strikethrough(void **state)
{
	struct buf out;

	(void)state;
	render("~x~", 0, &out);
	assert_null(strstr(out.p, "<del>"));
	assert_non_null(strstr(out.p, "~x~"));
	buf_release(&out);
}

static void
ugc_links_get_rel(void **state)
{
	static const char src[] =
		"[a](https://a.example/) and <https://b.example/> and "
		"www.c.example and [t](https://d.example/ \"title\") and "
		"[r][ref] and ![img](https://e.example/i.png)\n\n"
		"| col |\n|---|\n| [cell](https://f.example/) |\n\n"
		"[ref]: https://g.example/\n";
	struct buf out;

	(void)state;
	render(src, MD_UGC, &out);
	assert_int_equal(count(out.p, "<a "), 6);
	assert_int_equal(count(out.p, "<a rel=\"nofollow ugc\" href=\""), 6);
	/* Only links get it. */
	assert_int_equal(count(out.p, "rel="), 6);
	assert_non_null(strstr(out.p, "<img src=\"https://e.example/i.png\""));
	buf_release(&out);

	render(src, 0, &out);
	assert_int_equal(count(out.p, "<a href=\""), 6);
	assert_null(strstr(out.p, "rel="));
	assert_null(strstr(out.p, "nofollow"));
	buf_release(&out);
}

/* Text that only looks like a link is escaped, and left alone by UGC. */
static void
ugc_does_not_touch_text(void **state)
{
	struct buf out;

	(void)state;
	render("`<a href=\"x\">` and \\<a href=\"y\">", MD_UGC, &out);
	assert_null(strstr(out.p, "rel="));
	assert_null(strstr(out.p, "<a href"));
	assert_non_null(strstr(out.p, "&lt;a href=&quot;x&quot;&gt;"));
	buf_release(&out);
}

static void
render_appends(void **state)
{
	struct buf out;
	struct error e;

	(void)state;
	buf_init(&out, 4096);
	assert_int_equal(buf_puts(&out, "<article>"), 0);
	assert_int_equal(md_render("# T", 3, 0, &out, &e), 0);
	assert_int_equal(md_render("p", 1, MD_UGC, &out, &e), 0);
	assert_string_equal(out.p, "<article><h1>T</h1>\n<p>p</p>\n");
	/* Only n bytes are read. */
	assert_int_equal(md_render("**x** trailing", 5, 0, &out, &e), 0);
	assert_string_equal(out.p, "<article><h1>T</h1>\n<p>p</p>\n<p><strong>x"
	                           "</strong></p>\n");
	buf_release(&out);

	/* Empty input renders nothing. */
	buf_init(&out, 16);
	assert_int_equal(md_render("", 0, 0, &out, &e), 0);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

static void
output_cap_is_too_big(void **state)
{
	static const char src[] = "**hello world** and [a link](https://x/)";
	struct buf out;
	struct error e;

	(void)state;
	for (int ugc = 0; ugc <= 1; ugc++) {
		buf_init(&out, 16);
		error_clear(&e);
		assert_int_equal(md_render(src, strlen(src), ugc ? MD_UGC : 0,
		                           &out, &e),
		                 -1);
		assert_int_equal(e.code, ERR_TOO_BIG);
		/* Nothing half-written is left, and the cap still holds. */
		assert_int_equal(out.len, 0);
		assert_true(out.len <= out.max);
		assert_int_equal(strlen(buf_str(&out)), out.len);
		buf_release(&out);
	}

	/* A cap that fits exactly is enough. */
	buf_init(&out, strlen("<p><strong>b</strong></p>\n"));
	assert_int_equal(md_render("**b**", 5, 0, &out, &e), 0);
	assert_string_equal(out.p, "<p><strong>b</strong></p>\n");
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_table),
		cmocka_unit_test(single_tilde_is_not_strikethrough),
		cmocka_unit_test(ugc_links_get_rel),
		cmocka_unit_test(ugc_does_not_touch_text),
		cmocka_unit_test(render_appends),
		cmocka_unit_test(output_cap_is_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
