/*
 * http/route.h and req_query(): which handler runs for a method and path,
 * what it gets as parameters, and which status class a miss maps to;
 * form_values() and its limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "http/route.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What the dummy handlers saw. */
struct record {
	const char *ran;
	size_t nparams;
	const char *params[LIM_ROUTE_PARAMS];
	int calls;
};

static void
record(void *ctx, struct req *r, struct resp *rs, const char *name)
{
	struct record *rec = ctx;

	rec->ran = name;
	rec->calls++;
	rec->nparams = r->nparams;
	for (size_t i = 0; i < r->nparams; i++)
		rec->params[i] = r->params[i];
	rs->status = 299;
}

#define HANDLER(name)                                                          \
	static void h_##name(void *ctx, struct req *r, struct resp *rs)        \
	{                                                                      \
		record(ctx, r, rs, #name);                                     \
	}
HANDLER(home)
HANDLER(post)
HANDLER(page)
HANDLER(comment)
HANDLER(about)
HANDLER(tag)
HANDLER(admin)
HANDLER(news)
HANDLER(section)
#undef HANDLER

static const struct route routes[] = {
	{ROUTE_GET, "/", h_home},
	/* a post permalink, /2022/04/27/my-slug/ (captures may be unnamed) */
	{ROUTE_GET, "/#/#/#/:/", h_post},
	{ROUTE_GET, "/page/#n/", h_page},
	{ROUTE_POST, "/comments/#id/", h_comment},
	{ROUTE_GET, "/about/", h_about},
	{ROUTE_GET, "/tag/:tag/", h_tag},
	{ROUTE_GET | ROUTE_POST, "/admin/", h_admin},
	/* the first route that matches wins */
	{ROUTE_GET, "/section/news/", h_news},
	{ROUTE_GET, "/section/:s/", h_section},
};

/* Method + path -> result, handler and decoded captures. */
static const struct {
	enum http_method method;
	const char *path;
	enum route_result want;
	const char *handler; /* NULL: none ran */
	const char *params[4];
} dispatch_cases[] = {
	{HTTP_GET, "/", ROUTE_OK, "home", {NULL}},
	{HTTP_HEAD, "/", ROUTE_OK, "home", {NULL}},
	{HTTP_GET,
         "/2022/04/27/my-slug/",
         ROUTE_OK,
         "post",
         {"2022", "04", "27", "my-slug"}},
	{HTTP_HEAD,
         "/2022/04/27/my-slug/",
         ROUTE_OK,
         "post",
         {"2022", "04", "27", "my-slug"}},
	/* captures are percent-decoded, after the path is split */
	{HTTP_GET,
         "/2022/04/27/%D0%BF%D1%80/",
         ROUTE_OK,
         "post",
         {"2022", "04", "27", "\xD0\xBF\xD1\x80"}},
	{HTTP_GET,
         "/2022/04/27/a%2Fb/",
         ROUTE_OK,
         "post",
         {"2022", "04", "27", "a/b"}},
	{HTTP_GET,
         "/2022/04/27/a+b/",
         ROUTE_OK,
         "post",
         {"2022", "04", "27", "a+b"}},
	/* the trailing slash is significant */
	{HTTP_GET, "/2022/04/27/my-slug", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/2022/04/27/my-slug//", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/2022/04/27/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/2022/04/27//", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/2022/04/27/my-slug/extra/", ROUTE_NO_MATCH, NULL, {NULL}},
	/* '#' segments are digits only */
	{HTTP_GET, "/2022/0a/27/my-slug/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/2022/%30%34/27/my-slug/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/page/2/", ROUTE_OK, "page", {"2"}},
	{HTTP_GET, "/page/two/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/page/-1/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/page//", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/about/", ROUTE_OK, "about", {NULL}},
	{HTTP_GET, "/about", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/About/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/about/x", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "/tag/caf%C3%A9/", ROUTE_OK, "tag", {"caf\xC3\xA9"}},
	{HTTP_GET, "/section/news/", ROUTE_OK, "news", {NULL}},
	{HTTP_GET, "/section/sport/", ROUTE_OK, "section", {"sport"}},
	/* only the method differs: 405, not 404 */
	{HTTP_POST, "/", ROUTE_BAD_METHOD, NULL, {NULL}},
	{HTTP_POST, "/2022/04/27/my-slug/", ROUTE_BAD_METHOD, NULL, {NULL}},
	{HTTP_GET, "/comments/5/", ROUTE_BAD_METHOD, NULL, {NULL}},
	{HTTP_HEAD, "/comments/5/", ROUTE_BAD_METHOD, NULL, {NULL}},
	{HTTP_POST, "/comments/5/", ROUTE_OK, "comment", {"5"}},
	{HTTP_POST, "/admin/", ROUTE_OK, "admin", {NULL}},
	{HTTP_DELETE, "/admin/", ROUTE_BAD_METHOD, NULL, {NULL}},
	{HTTP_OTHER, "/admin/", ROUTE_BAD_METHOD, NULL, {NULL}},
	/* no path matches: 404 whatever the method */
	{HTTP_GET, "/nowhere/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_POST, "/nowhere/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_POST, "/comments/x/", ROUTE_NO_MATCH, NULL, {NULL}},
	{HTTP_GET, "", ROUTE_NO_MATCH, NULL, {NULL}},
	/* bad percent-encoding: 400, before any route is tried */
	{HTTP_GET, "/%zz", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/%", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/%0", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/%00", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/tag/%00/", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/tag/a%2/", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_POST, "/%zz", ROUTE_BAD_PATH, NULL, {NULL}},
	{HTTP_GET, "/2022/04/27/%zz/", ROUTE_BAD_PATH, NULL, {NULL}},
};

static void
dispatch_table(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(dispatch_cases); i++) {
		struct req r;
		struct resp rs;
		struct record rec;
		enum route_result got;
		size_t want_n = 0;

		memset(&r, 0, sizeof(r));
		memset(&rec, 0, sizeof(rec));
		r.method = dispatch_cases[i].method;
		r.path = dispatch_cases[i].path;
		r.query = "";
		r.body = "";
		r.arena = a;
		resp_init(&rs);

		got = route_dispatch(routes, NELEM(routes), &rec, &r, &rs);
		if (got != dispatch_cases[i].want)
			fail_msg(
				"case %zu: method %d \"%s\": result %d, want %d",
				i, (int)r.method, r.path, (int)got,
				(int)dispatch_cases[i].want);
		while (want_n < 4 && dispatch_cases[i].params[want_n] != NULL)
			want_n++;
		if (dispatch_cases[i].handler == NULL) {
			/* Nothing ran, the response is untouched, and no
			 * stale captures are left in the request. */
			if (rec.calls != 0)
				fail_msg("case %zu \"%s\": handler %s ran", i,
				         r.path, rec.ran);
			assert_int_equal(rs.status, 200);
			assert_int_equal(r.nparams, 0);
		} else {
			assert_int_equal(rec.calls, 1);
			if (strcmp(rec.ran, dispatch_cases[i].handler) != 0)
				fail_msg("case %zu \"%s\": ran %s, want %s", i,
				         r.path, rec.ran,
				         dispatch_cases[i].handler);
			assert_int_equal(rs.status, 299);
			assert_int_equal(rec.nparams, want_n);
			assert_int_equal(r.nparams, want_n);
			for (size_t k = 0; k < want_n; k++)
				if (strcmp(rec.params[k],
				           dispatch_cases[i].params[k]) != 0)
					fail_msg("case %zu \"%s\": param %zu = "
					         "\"%s\", want \"%s\"",
					         i, r.path, k, rec.params[k],
					         dispatch_cases[i].params[k]);
		}
		buf_release(&rs.body);
		arena_reset(a);
	}
	arena_free(a);
}

/* An empty table matches nothing, but still refuses a bad path. */
static void
dispatch_empty_table(void **state)
{
	struct arena *a = arena_new();
	struct req r;
	struct resp rs;
	struct record rec;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&rec, 0, sizeof(rec));
	r.method = HTTP_GET;
	r.path = "/";
	r.query = "";
	r.arena = a;
	resp_init(&rs);
	assert_int_equal(route_dispatch(routes, 0, &rec, &r, &rs),
	                 ROUTE_NO_MATCH);
	r.path = "/%zz";
	assert_int_equal(route_dispatch(routes, 0, &rec, &r, &rs),
	                 ROUTE_BAD_PATH);
	assert_int_equal(rec.calls, 0);
	buf_release(&rs.body);
	arena_free(a);
}

/* A query argument that is badly escaped or not UTF-8 once decoded is
 * refused before any route runs (400), whatever the path. */
static void
dispatch_bad_query(void **state)
{
	static const struct {
		const char *query;
		enum route_result want;
	} t[] = {
		{"", ROUTE_OK},
		{"s=hello+world&p=12", ROUTE_OK},
		{"s=caf%C3%A9", ROUTE_OK},
		{"flag&empty=", ROUTE_OK},
		{"s=%zz", ROUTE_BAD_QUERY},
		{"s=%", ROUTE_BAD_QUERY},
		{"s=%00", ROUTE_BAD_QUERY},
		{"s=%ff%fe", ROUTE_BAD_QUERY},     /* not UTF-8 */
		{"a=1&s=%C0%AF", ROUTE_BAD_QUERY}, /* overlong */
		{"%ED%A0%80=1", ROUTE_BAD_QUERY},  /* a surrogate, in a name */
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		struct req r;
		struct resp rs;
		struct record rec;

		memset(&r, 0, sizeof(r));
		memset(&rec, 0, sizeof(rec));
		r.method = HTTP_GET;
		r.path = "/about/";
		r.query = t[i].query;
		r.arena = a;
		resp_init(&rs);
		if (route_dispatch(routes, NELEM(routes), &rec, &r, &rs) !=
		    t[i].want)
			fail_msg("query \"%s\": want %d", t[i].query,
			         (int)t[i].want);
		assert_int_equal(rec.calls, t[i].want == ROUTE_OK ? 1 : 0);
		buf_release(&rs.body);
		arena_reset(a);
	}
	arena_free(a);
}

static void
route_path_valid_table(void **state)
{
	static const struct {
		const char *s;
		size_t n; /* 0: strlen(s) */
		int ok;
	} t[] = {
		{"", 0, 1},
		{"/", 0, 1},
		{"/2022/04/27/my-slug/", 0, 1},
		{"/%41", 0, 1},
		{"/%aF%2f", 0, 1},
		{"/%D0%BF", 0, 1},
		{"/a+b", 0, 1},
		{"%zz", 0, 0},
		{"%", 0, 0},
		{"%0", 0, 0},
		{"%00", 0, 0},
		{"/a%4", 0, 0},
		{"/a%4G", 0, 0},
		{"/a%G4", 0, 0},
		{"/%%41", 0, 0},
		{"/a\0b", 4, 0}, /* a raw NUL */
		/* only n bytes count */
		{"/ok%zz", 3, 1},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		size_t n = t[i].n ? t[i].n : strlen(t[i].s);

		if (route_path_valid(t[i].s, n) != t[i].ok)
			fail_msg("route_path_valid(\"%s\", %zu) = %d, want %d",
			         t[i].s, n, !t[i].ok, t[i].ok);
	}
}

static void
req_query_table(void **state)
{
	static const struct {
		const char *query, *name;
		const char *want; /* NULL: absent or refused */
	} t[] = {
		{"s=hello+world&p=12&empty=&flag", "s", "hello world"},
		{"s=hello+world&p=12&empty=&flag", "p", "12"},
		{"s=hello+world&p=12&empty=&flag", "empty", ""},
		{"s=hello+world&p=12&empty=&flag", "flag", ""},
		{"s=hello+world&p=12&empty=&flag", "missing", NULL},
		{"s=hello+world&p=12&empty=&flag", "S", NULL},
		{"s=hello+world&p=12&empty=&flag", "fla", NULL},
		{"s=hello+world&p=12&empty=&flag", "", NULL},
		{"", "s", NULL},
		{"s=caf%C3%A9%20au+lait", "s", "caf\xC3\xA9 au lait"},
		{"s=a%2Bb%26c%3Dd", "s", "a+b&c=d"},
		{"s=a=b", "s", "a=b"},
		{"a=1&a=2", "a", "1"},
		{"p=12&", "p", "12"},
		{"&&p=3", "p", "3"},
		/* a bad escape or an encoded NUL: no value */
		{"a=%zz&b=1", "a", NULL},
		{"a=%zz&b=1", "b", "1"},
		{"a=%4", "a", NULL},
		{"a=%00", "a", NULL},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		struct req r;
		const char *got;

		memset(&r, 0, sizeof(r));
		r.method = HTTP_GET;
		r.path = "/";
		r.query = t[i].query;
		r.arena = a;
		got = req_query(&r, t[i].name);
		if (t[i].want == NULL && got != NULL)
			fail_msg(
				"req_query(\"%s\", \"%s\") = \"%s\", want NULL",
				t[i].query, t[i].name, got);
		if (t[i].want != NULL &&
		    (got == NULL || strcmp(got, t[i].want) != 0))
			fail_msg("req_query(\"%s\", \"%s\") = %s, want \"%s\"",
			         t[i].query, t[i].name, got ? got : "NULL",
			         t[i].want);
	}
	arena_free(a);
}

/* Only the first LIM_QUERY_ARGS arguments are looked at. */
static void
req_query_arg_limit(void **state)
{
	struct arena *a = arena_new();
	struct buf q;
	struct req r;
	char name[32];

	(void)state;
	buf_init(&q, 4096);
	for (int i = 0; i < LIM_QUERY_ARGS; i++)
		assert_int_equal(buf_printf(&q, "k%d=%d&", i, i), 0);
	assert_int_equal(buf_puts(&q, "last=1"), 0);
	memset(&r, 0, sizeof(r));
	r.query = buf_str(&q);
	r.arena = a;
	snprintf(name, sizeof(name), "k%d", LIM_QUERY_ARGS - 1);
	assert_string_equal(req_query(&r, "k0"), "0");
	assert_non_null(req_query(&r, name));
	assert_null(req_query(&r, "last"));
	buf_release(&q);
	arena_free(a);
}

/*
 * The first pattern the path matches decides the method: /admin/ takes no
 * POST, and a catch-all after it that takes POST (password-protected
 * pages) must not take it over; routes of one pattern split by method
 * still work.
 */
static void
dispatch_first_pattern_decides(void **state)
{
	static const struct route table[] = {
		{ROUTE_GET, "/admin/", h_admin},
		{ROUTE_GET, "/login", h_home},
		{ROUTE_POST, "/login", h_news},
		{ROUTE_GET | ROUTE_POST, "/:page/", h_about},
	};
	static const struct {
		enum http_method method;
		const char *path;
		enum route_result want;
		const char *handler;
	} cases[] = {
		{HTTP_POST, "/admin/", ROUTE_BAD_METHOD, NULL},
		{HTTP_GET, "/admin/", ROUTE_OK, "admin"},
		{HTTP_POST, "/contact/", ROUTE_OK, "about"},
		{HTTP_GET, "/login", ROUTE_OK, "home"},
		{HTTP_POST, "/login", ROUTE_OK, "news"},
		{HTTP_DELETE, "/login", ROUTE_BAD_METHOD, NULL},
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct req r;
		struct resp rs;
		struct record rec;

		memset(&r, 0, sizeof(r));
		memset(&rec, 0, sizeof(rec));
		r.method = cases[i].method;
		r.path = cases[i].path;
		r.query = "";
		r.body = "";
		r.arena = a;
		resp_init(&rs);
		if (route_dispatch(table, NELEM(table), &rec, &r, &rs) !=
		    cases[i].want)
			fail_msg("case %zu \"%s\"", i, cases[i].path);
		if (cases[i].handler == NULL)
			assert_int_equal(rec.calls, 0);
		else
			assert_string_equal(rec.ran, cases[i].handler);
		resp_release(&rs);
	}
	arena_free(a);
}

/*
 * A pattern may capture LIM_ROUTE_PARAMS segments; a path needing one
 * more matches nothing (no handler, no write past params[]).
 */
static void
route_params_limit(void **state)
{
	struct arena *a = arena_new();
	static const struct route table[] = {
		{ROUTE_GET, "/:/:/:/:/:/:/:/:/", h_home},
		{ROUTE_GET, "/:/:/:/:/:/:/:/:/:/", h_page},
	};
	char path[64];
	size_t len = 0;

	(void)state;
	assert_int_equal(LIM_ROUTE_PARAMS, 8); /* the first pattern's */
	for (int n = 1; n <= LIM_ROUTE_PARAMS + 1; n++) {
		struct req r;
		struct resp rs;
		struct record rec;

		len += (size_t)snprintf(path + len, sizeof(path) - len, "/%d",
		                        n);
		if (n < LIM_ROUTE_PARAMS)
			continue;
		memset(&r, 0, sizeof(r));
		memset(&rec, 0, sizeof(rec));
		r.method = HTTP_GET;
		r.path = arena_printf(a, "%s/", path);
		r.query = "";
		r.body = "";
		r.arena = a;
		resp_init(&rs);
		if (n == LIM_ROUTE_PARAMS) {
			assert_int_equal(route_dispatch(table, NELEM(table),
			                                &rec, &r, &rs),
			                 ROUTE_OK);
			assert_string_equal(rec.ran, "home");
			assert_int_equal(rec.nparams, LIM_ROUTE_PARAMS);
			assert_string_equal(rec.params[LIM_ROUTE_PARAMS - 1],
			                    arena_printf(a, "%d",
			                                 LIM_ROUTE_PARAMS));
		} else {
			assert_int_equal(route_dispatch(table, NELEM(table),
			                                &rec, &r, &rs),
			                 ROUTE_NO_MATCH);
			assert_int_equal(rec.calls, 0);
		}
		resp_release(&rs);
	}
	arena_free(a);
}

/*
 * A repeated field (a bulk action's checkboxes) takes LIM_FORM_VALUES
 * values, and one more is refused; so is a body of more than
 * LIM_FORM_VALUES + LIM_FORM_FIELDS pairs in all.
 */
static void
form_values_limit(void **state)
{
	struct arena *a = arena_new();
	struct buf body;
	struct req r;
	struct error e;
	const char **v;
	size_t n;

	(void)state;
	buf_init(&body, 1 << 20);
	memset(&r, 0, sizeof(r));
	r.arena = a;
	for (int i = 1; i <= LIM_FORM_VALUES; i++)
		assert_int_equal(buf_printf(&body, "%sid=%d", i > 1 ? "&" : "",
		                            i),
		                 0);
	r.body = buf_str(&body);
	r.body_len = body.len;
	assert_int_equal(form_values(&r, "id", 20, &v, &n, &e), 0);
	assert_int_equal(n, LIM_FORM_VALUES);
	assert_string_equal(v[LIM_FORM_VALUES - 1],
	                    arena_printf(a, "%d", LIM_FORM_VALUES));
	assert_null(v[LIM_FORM_VALUES]);

	assert_int_equal(buf_printf(&body, "&id=%d", LIM_FORM_VALUES + 1), 0);
	r.body = buf_str(&body);
	r.body_len = body.len;
	assert_int_equal(form_values(&r, "id", 20, &v, &n, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.msg, arena_printf(a, "id: more than %d values",
	                                        LIM_FORM_VALUES));

	/* LIM_FORM_FIELDS other pairs beside the 500 pass; one more not */
	buf_reset(&body);
	assert_int_equal(buf_puts(&body, "id=1"), 0);
	for (int i = 1; i < LIM_FORM_VALUES + LIM_FORM_FIELDS; i++)
		assert_int_equal(buf_printf(&body, "&x%d=y", i), 0);
	r.body = buf_str(&body);
	r.body_len = body.len;
	assert_int_equal(form_values(&r, "id", 20, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(buf_puts(&body, "&x=y"), 0);
	r.body = buf_str(&body);
	r.body_len = body.len;
	assert_int_equal(form_values(&r, "id", 20, &v, &n, &e), -1);
	assert_string_equal(e.msg,
	                    arena_printf(a, "form: more than %d fields",
	                                 LIM_FORM_VALUES + LIM_FORM_FIELDS));
	buf_release(&body);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dispatch_table),
		cmocka_unit_test(dispatch_first_pattern_decides),
		cmocka_unit_test(dispatch_empty_table),
		cmocka_unit_test(dispatch_bad_query),
		cmocka_unit_test(route_path_valid_table),
		cmocka_unit_test(req_query_table),
		cmocka_unit_test(req_query_arg_limit),
		cmocka_unit_test(route_params_limit),
		cmocka_unit_test(form_values_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
