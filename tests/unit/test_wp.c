/*
 * import/wp.h: wpautop as WordPress documents and tests it
 * (tests/phpunit/tests/formatting/wpautop.php), each shortcode, block
 * comments, bare video URLs, and that whatever comes in, what comes out
 * has been through the sanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/wp.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char *
autop(const char *in)
{
	struct buf b;
	char *out;

	buf_init(&b, 1 << 20);
	assert_int_equal(wp_autop(&b, in, strlen(in)), 0);
	out = strdup(buf_str(&b));
	buf_release(&b);
	return out;
}

static int
fake_media(void *ctx, struct arena *a, int64_t id, struct wp_media *out)
{
	(void)ctx;
	if (id > 100)
		return 0;
	out->url =
		arena_printf(a, "https://img.example/%lld.jpg", (long long)id);
	out->title = arena_printf(a, "Image %lld", (long long)id);
	return 1;
}

static size_t
fake_children(void *ctx, struct arena *a, int64_t post, struct wp_media *out,
              size_t max)
{
	(void)ctx;
	if (post != 7 || max < 2)
		return 0;
	fake_media(NULL, a, 1, &out[0]);
	fake_media(NULL, a, 2, &out[1]);
	return 2;
}

static char *
render(const char *in, unsigned flags)
{
	struct wp_options o = {flags, fake_media, fake_children, NULL, 7};
	struct arena *a = arena_new();
	struct buf b;
	char *out;

	buf_init(&b, 1 << 20);
	assert_int_equal(wp_render(&b, a, in, strlen(in), &o), 0);
	out = strdup(buf_str(&b));
	buf_release(&b);
	arena_free(a);
	return out;
}

static void
autop_cases(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"  \n\t\n", ""},
		{"a\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"a\n\n\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"a\n \nb", "<p>a</p>\n<p>b</p>\n"},
		{"line1\nline2", "<p>line1<br />\nline2</p>\n"},
		{"line1  \nline2", "<p>line1<br />\nline2</p>\n"},
		{"a\r\n\r\nb\rc", "<p>a</p>\n<p>b<br />\nc</p>\n"},
		{"one<br />\ntwo", "<p>one<br />\ntwo</p>\n"},
		/* block elements are not wrapped, and no <br /> beside them */
		{"<div>x</div>", "<div>x</div>\n"},
		{"text\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\nmore",
	         "<p>text</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
	         "<p>more</p>\n"},
		{"<h2>Title</h2>\nBody", "<h2>Title</h2>\n<p>Body</p>\n"},
		{"<blockquote>quote\n\nmore</blockquote>",
	         "<blockquote><p>quote</p>\n<p>more</p></blockquote>\n"},
		{"a <em>b</em>\nc", "<p>a <em>b</em><br />\nc</p>\n"},
		{"x\n<hr />\ny", "<p>x</p>\n<hr />\n<p>y</p>\n"},
		/* <pre> keeps its newlines and blank lines */
		{"<pre>a\n\nb\nc</pre>", "<pre>a\n\nb\nc</pre>\n"},
		{"t\n<pre>\nx\n</pre>\nu",
	         "<p>t</p>\n<pre>\nx\n</pre>\n<p>u</p>\n"},
		/* newlines inside a tag are not line breaks */
		{"<a\nhref=\"x\">l</a>", "<p><a href=\"x\">l</a></p>\n"},
		{"<table>\n<tr>\n<td>c</td>\n</tr>\n</table>",
	         "<table>\n<tr>\n<td>c</td>\n</tr>\n</table>\n"},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		char *out = autop(cases[i].in);

		if (strcmp(out, cases[i].out) != 0)
			print_message("case %zu: %s\n", i, cases[i].in);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

static void
render_cases(void **state)
{
	static const struct {
		const char *in, *out;
		unsigned flags;
	} cases[] = {
		/* [caption] with the caption as text after the image */
		{"[caption id=\"attachment_9\" align=\"aligncenter\" width=\"640\"]"
	         "<a href=\"https://x.org/a.jpg\"><img src=\"https://x.org/a.jpg\" "
	         "alt=\"A\" width=\"640\" height=\"480\" /></a> The caption"
	         "[/caption]",
	         "<figure class=\"wp-caption aligncenter\"><a "
	         "href=\"https://x.org/a.jpg\"><img src=\"https://x.org/a.jpg\" "
	         "alt=\"A\" width=\"640\" height=\"480\"></a><figcaption "
	         "class=\"wp-caption-text\">The caption</figcaption></figure>\n",
	         0},
		/* [caption] with caption="" in the attributes */
		{"[caption align=\"alignleft\" caption=\"Cap <em>x</em>\"]"
	         "<img src=\"b.png\">[/caption]",
	         "<figure class=\"wp-caption alignleft\"><img src=\"b.png\">"
	         "<figcaption class=\"wp-caption-text\">Cap <em>x</em>"
	         "</figcaption></figure>\n",
	         0},
		/* [gallery] from ids, unknown ids skipped */
		{"[gallery columns=\"2\" ids=\"3,4,999\"]",
	         "<ul class=\"gallery gallery-columns-2\">\n<li "
	         "class=\"gallery-item\"><img src=\"https://img.example/3.jpg\" "
	         "alt=\"Image 3\"></li>\n<li class=\"gallery-item\"><img "
	         "src=\"https://img.example/4.jpg\" alt=\"Image "
	         "4\"></li>\n</ul>\n",
	         0},
		/* [gallery] without ids: the post's attachments */
		{"[gallery]",
	         "<ul class=\"gallery\">\n<li class=\"gallery-item\"><img "
	         "src=\"https://img.example/1.jpg\" alt=\"Image 1\"></li>\n<li "
	         "class=\"gallery-item\"><img src=\"https://img.example/2.jpg\" "
	         "alt=\"Image 2\"></li>\n</ul>\n",
	         0},
		/* an empty gallery renders nothing */
		{"before\n\n[gallery ids=\"500\"]\n\nafter",
	         "<p>before</p>\n<p>after</p>\n", 0},
		{"[embed]https://www.youtube.com/watch?v=O_HyZ5aW76c&amp;t=1[/embed]",
	         "<div class=\"embed video\"><iframe "
	         "src=\"https://www.youtube-nocookie.com/embed/O_HyZ5aW76c\" "
	         "width=\"640\" height=\"360\" title=\"Video\" loading=\"lazy\" "
	         "allowfullscreen "
	         "referrerpolicy=\"strict-origin-when-cross-origin\" "
	         "sandbox=\"allow-scripts allow-same-origin allow-presentation "
	         "allow-popups\"></iframe></div>\n",
	         0},
		{"[embed]https://example.com/page[/embed]",
	         "<p><a href=\"https://example.com/page\">"
	         "https://example.com/page</a></p>\n",
	         0},
		{"[youtube=https://youtu.be/ex8fMxXJDJw]",
	         "<div class=\"embed video\"><iframe "
	         "src=\"https://www.youtube-nocookie.com/embed/ex8fMxXJDJw\" "
	         "width=\"640\" height=\"360\" title=\"Video\" loading=\"lazy\" "
	         "allowfullscreen "
	         "referrerpolicy=\"strict-origin-when-cross-origin\" "
	         "sandbox=\"allow-scripts allow-same-origin allow-presentation "
	         "allow-popups\"></iframe></div>\n",
	         0},
		{"[youtube https://vimeo.com/22439234]",
	         "<div class=\"embed video\"><iframe "
	         "src=\"https://player.vimeo.com/video/22439234\" width=\"640\" "
	         "height=\"360\" title=\"Video\" loading=\"lazy\" "
	         "allowfullscreen "
	         "referrerpolicy=\"strict-origin-when-cross-origin\" "
	         "sandbox=\"allow-scripts allow-same-origin allow-presentation "
	         "allow-popups\"></iframe></div>\n",
	         0},
		/* a video URL alone on its line */
		{"Watch:\n\nhttps://youtu.be/ex8fMxXJDJw\n\nDone.",
	         "<p>Watch:</p>\n<div class=\"embed video\"><iframe "
	         "src=\"https://www.youtube-nocookie.com/embed/ex8fMxXJDJw\" "
	         "width=\"640\" height=\"360\" title=\"Video\" loading=\"lazy\" "
	         "allowfullscreen "
	         "referrerpolicy=\"strict-origin-when-cross-origin\" "
	         "sandbox=\"allow-scripts allow-same-origin allow-presentation "
	         "allow-popups\"></iframe></div>\n<p>Done.</p>\n",
	         0},
		{"[audio https://x.org/a.mp3]",
	         "<div class=\"wp-audio\"><audio controls preload=\"none\" "
	         "src=\"https://x.org/a.mp3\"></audio></div>\n",
	         0},
		{"[audio]", "", 0},
		/* unknown shortcodes stay text; [[caption]] is literal */
		{"[contact-form id=\"1\"] and [[caption]]",
	         "<p>[contact-form id=&quot;1&quot;] and [caption]</p>\n", 0},
		{"[caption]unclosed <b>x</b>",
	         "<p>[caption]unclosed <b>x</b></p>\n", 0},
		/* block comments go, their content stays, no wpautop */
		{"<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
	         "<!-- wp:separator /-->\n<!-- wp:paragraph {\"a\":\"--\"} -->\n"
	         "<p>Two</p>\n<!-- /wp:paragraph -->",
	         "\n<p>One</p>\n\n\n\n\n<p>Two</p>\n", 0},
		/* and it is all sanitized */
		{"<script>alert(1)</script>Hi <a href=\"javascript:x\" "
	         "onclick=\"y\">l</a>",
	         "\n<p>Hi <a>l</a></p>\n", 0},
		{"[caption caption=\"<img src=x onerror=alert(1)>\"]"
	         "<img src=\"a.png\">[/caption]",
	         "<figure class=\"wp-caption\"><img src=\"a.png\"><figcaption "
	         "class=\"wp-caption-text\"><img src=\"x\"></figcaption>"
	         "</figure>\n",
	         0},
		/* comments: wpautop, no shortcodes, links nofollow ugc */
		{"See <a href=\"https://x.org/\">this</a>\n\n[gallery]",
	         "<p>See <a href=\"https://x.org/\" rel=\"nofollow "
	         "ugc\">this</a></p>\n<p>[gallery]</p>\n",
	         WP_COMMENT},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		char *out = render(cases[i].in, cases[i].flags);

		if (strcmp(out, cases[i].out) != 0)
			print_message("case %zu: %s\n", i, cases[i].in);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(autop_cases),
		cmocka_unit_test(render_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
