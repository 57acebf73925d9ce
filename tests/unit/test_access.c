/*
 * http/access.c: the combined-format line (escaping, secrets redacted,
 * never cut short of its closing quote) and the route classes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/access.h"
#include "util/banned.h"

static struct access_entry
entry(const char *path, const char *query)
{
	struct access_entry a;

	memset(&a, 0, sizeof(a));
	a.ip = "198.51.100.7";
	a.method = "GET";
	a.path = path;
	a.query = query;
	a.version = "HTTP/1.1";
	a.status = 200;
	a.bytes = 512;
	a.at = 1651017600; /* 2022-04-27T00:00:00Z */
	return a;
}

static void
line_is_combined(void **state)
{
	struct access_entry a = entry("/2022/04/27/x/", "");
	char out[1024];
	size_t n;

	(void)state;
	a.referer = "https://example.org/";
	a.agent = "curl/8";
	n = access_format(out, sizeof(out), &a);
	out[n] = '\0';
	assert_string_equal(out,
	                    "198.51.100.7 - - [27/Apr/2022:00:00:00 +0000] "
	                    "\"GET /2022/04/27/x/ HTTP/1.1\" 200 512 "
	                    "\"https://example.org/\" \"curl/8\"\n");
}

/* A forged line needs a newline or a quote: both come out escaped. */
static void
hostile_fields_escaped(void **state)
{
	struct access_entry a = entry("/a\"b", "q=1\r\nfake");
	char out[1024];
	size_t n;

	(void)state;
	a.agent = "x\" 200 1 \"-\" \"y\n127.0.0.1 - - [";
	a.referer = NULL;
	a.bytes = 0;
	n = access_format(out, sizeof(out), &a);
	out[n] = '\0';
	assert_string_equal(out,
	                    "198.51.100.7 - - [27/Apr/2022:00:00:00 +0000] "
	                    "\"GET /a\\x22b?q=1\\x0D\\x0Afake HTTP/1.1\" "
	                    "200 - \"-\" \"x\\x22 200 1 \\x22-\\x22 "
	                    "\\x22y\\x0A127.0.0.1 - - [\"\n");
	assert_non_null(strchr(out, '\n'));
	assert_true(strchr(out, '\n') == out + n - 1);
}

static void
secrets_redacted(void **state)
{
	static const struct {
		const char *query, *want;
	} cases[] = {
		{"c=12&t=abc", "c=12&t=REDACTED"},
		{"token=abc&x=1", "token=REDACTED&x=1"},
		{"t", "t"},
		{"tt=1&t=", "tt=1&t=REDACTED"},
		{"&&csrf=zz&", "&&csrf=REDACTED&"},
		{"password=a%20b", "password=REDACTED"},
	};
	char out[1024], want[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct access_entry a = entry("/u", cases[i].query);
		size_t n = access_format(out, sizeof(out), &a);

		out[n] = '\0';
		snprintf(want, sizeof(want), "\"GET /u?%s HTTP/1.1\"",
		         cases[i].want);
		if (strstr(out, want) == NULL)
			fail_msg("%s: %s", cases[i].query, out);
	}
	{
		struct access_entry a = entry("/", "");
		size_t n;

		a.referer = "https://site.example/invite?token=s3cret#top";
		n = access_format(out, sizeof(out), &a);
		out[n] = '\0';
		assert_non_null(strstr(
			out,
			"\"https://site.example/invite?token=REDACTED#top\""));
		assert_null(strstr(out, "s3cret"));
	}
}

/* Too small a buffer cuts the text, never the final newline. */
static void
cut_keeps_newline(void **state)
{
	struct access_entry a = entry("/long", "");
	char out[40];
	size_t n;

	(void)state;
	n = access_format(out, sizeof(out), &a);
	assert_int_equal(n, sizeof(out) - 1);
	assert_int_equal(out[n - 1], '\n');
}

static void
route_classes(void **state)
{
	(void)state;
	assert_int_equal(access_route_class(HTTP_GET, "/"), ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, "/2022/04/27/x/"),
	                 ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, "/feed/"),
	                 ROUTE_CLASS_FEED);
	assert_int_equal(access_route_class(HTTP_GET, "/category/a/feed/atom/"),
	                 ROUTE_CLASS_FEED);
	assert_int_equal(access_route_class(HTTP_POST, "/api/v1/views/3"),
	                 ROUTE_CLASS_API);
	assert_int_equal(access_route_class(HTTP_GET, "/admin/posts/"),
	                 ROUTE_CLASS_ADMIN);
	assert_int_equal(access_route_class(HTTP_POST, "/comments"),
	                 ROUTE_CLASS_FORM);
	assert_int_equal(access_route_class(HTTP_GET, "/media/a.jpg"),
	                 ROUTE_CLASS_ASSET);
	assert_int_equal(access_route_class(HTTP_GET, "/metrics"),
	                 ROUTE_CLASS_HEALTH);
	assert_int_equal(access_route_class(HTTP_GET, "/healthz"),
	                 ROUTE_CLASS_HEALTH);
	assert_int_equal(access_route_class(HTTP_POST, "/login"),
	                 ROUTE_CLASS_ADMIN);
	assert_int_equal(access_route_class(HTTP_GET, "/invite"),
	                 ROUTE_CLASS_ADMIN);
	assert_int_equal(access_route_class(HTTP_GET, "/favicon.ico"),
	                 ROUTE_CLASS_ASSET);
	assert_int_equal(access_route_class(HTTP_GET, "/static/site.css"),
	                 ROUTE_CLASS_ASSET);
	assert_int_equal(access_route_class(HTTP_GET, "/robots.txt"),
	                 ROUTE_CLASS_FEED);
	assert_int_equal(access_route_class(HTTP_GET, "/sitemap-1.xml"),
	                 ROUTE_CLASS_FEED);
	assert_int_equal(access_route_class(HTTP_POST, "/submit"),
	                 ROUTE_CLASS_FORM);
	assert_int_equal(access_route_class(HTTP_GET, "/submit/"),
	                 ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, "/comments"),
	                 ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, "/search"),
	                 ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, ""), ROUTE_CLASS_PAGE);
	assert_int_equal(access_route_class(HTTP_GET, "/mediaX"),
	                 ROUTE_CLASS_PAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_is_combined),
		cmocka_unit_test(hostile_fields_escaped),
		cmocka_unit_test(secrets_redacted),
		cmocka_unit_test(cut_keeps_newline),
		cmocka_unit_test(route_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
