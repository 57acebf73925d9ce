#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>

#include "fixtures.h"
#include "render/tmpl.h"
#include "util/limits.h"
#include "util/banned.h"

/* JSON -> tval; strings point into the JSON, which outlives the render. */
static struct tval *
from_json(struct arena *a, json_t *j)
{
	struct tval *v;
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = tval_map(a);
		json_object_foreach(j, key, item)
		{
			tval_set(a, v, key, from_json(a, item));
		}
		return v;
	case JSON_ARRAY:
		v = tval_list(a);
		json_array_foreach(j, i, item)
		{
			tval_push(a, v, from_json(a, item));
		}
		return v;
	case JSON_STRING:
		return tval_strn(a, json_string_value(j),
		                 json_string_length(j));
	case JSON_INTEGER:
		return tval_int(a, (int64_t)json_integer_value(j));
	case JSON_REAL:
		return tval_real(a, json_real_value(j));
	case JSON_TRUE:
		return tval_bool(a, 1);
	case JSON_FALSE:
		return tval_bool(a, 0);
	default:
		return tval_null(a);
	}
}

/* 0 when the case renders exactly as expected; prints why not. */
static int
run_case(const char *file, json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	json_t *tmpl = json_object_get(tc, "template");
	json_t *expected = json_object_get(tc, "expected");
	json_t *partials = json_object_get(tc, "partials");
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct error e;
	struct buf out;
	const char *key;
	json_t *p;
	int rc = -1;

	buf_init(&out, LIM_RESPONSE_BYTES);
	if (name == NULL || !json_is_string(tmpl) ||
	    !json_is_string(expected)) {
		printf("FAIL %s: malformed case\n", file);
		goto out;
	}
	if (tmpl_set_add(set, "test", json_string_value(tmpl),
	                 json_string_length(tmpl), &e) == -1) {
		printf("FAIL %s: %s: %s\n", file, name, e.msg);
		goto out;
	}
	json_object_foreach(partials, key, p)
	{
		if (tmpl_set_add(set, key, json_string_value(p),
		                 json_string_length(p), &e) == -1) {
			printf("FAIL %s: %s: partial: %s\n", file, name, e.msg);
			goto out;
		}
	}
	if (tmpl_render(set, "test", from_json(a, json_object_get(tc, "data")),
	                &out, &e) == -1) {
		printf("FAIL %s: %s: render: %s\n", file, name, e.msg);
		goto out;
	}
	if (out.len != json_string_length(expected) ||
	    memcmp(buf_str(&out), json_string_value(expected), out.len) != 0) {
		printf("FAIL %s: %s\n  expected: [%s]\n  got:      [%s]\n",
		       file, name, json_string_value(expected), buf_str(&out));
		goto out;
	}
	rc = 0;
out:
	buf_release(&out);
	arena_free(a);
	tmpl_set_free(set);
	return rc;
}

static void
run_spec(const char *file)
{
	char path[4096];
	json_error_t jerr;
	json_t *root, *tests, *tc;
	size_t i, failed = 0;

	FIXTURE(dir, "mustache-spec");
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    (int)sizeof(path))
		fail_msg("fixtures path too long");
	root = json_load_file(path, 0, &jerr);
	if (root == NULL)
		fail_msg("%s: %s (line %d)", path, jerr.text, jerr.line);
	tests = json_object_get(root, "tests");
	assert_true(json_is_array(tests));
	assert_true(json_array_size(tests) > 0);
	json_array_foreach(tests, i, tc)
	{
		if (run_case(file, tc) == -1)
			failed++;
	}
	printf("%s: %zu/%zu spec cases pass\n", file,
	       json_array_size(tests) - failed, json_array_size(tests));
	json_decref(root);
	if (failed > 0)
		fail_msg("%s: %zu spec cases fail", file, failed);
}

static void
spec_comments(void **state)
{
	(void)state;
	run_spec("comments.json");
}

static void
spec_delimiters(void **state)
{
	(void)state;
	run_spec("delimiters.json");
}

static void
spec_interpolation(void **state)
{
	(void)state;
	run_spec("interpolation.json");
}

static void
spec_inverted(void **state)
{
	(void)state;
	run_spec("inverted.json");
}

static void
spec_partials(void **state)
{
	(void)state;
	run_spec("partials.json");
}

static void
spec_sections(void **state)
{
	(void)state;
	run_spec("sections.json");
}

/* Compile errors name the template and the line. */
static void
compile_errors(void **state)
{
	static const struct {
		const char *src, *msg;
	} cases[] = {
		{"a\nb\n{{#items}}\nc\n",
	         "template 'post.html' line 3: unclosed section 'items'"},
		{"{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}",
	         "template 'post.html' line 3: end tag 'a' does not match "
	         "section 'b'"},
		{"x\n{{/a}}",
	         "template 'post.html' line 2: end tag 'a' without a section"},
		{"x\n\ny {{name",
	         "template 'post.html' line 3: unclosed tag '{{name'"},
		{"{{{name}}",
	         "template 'post.html' line 1: unclosed tag '{{{name}}'"},
		{"{{=<% %>=}}\n<%x}}",
	         "template 'post.html' line 2: unclosed tag '<%x}}'"},
		{"{{=<%=}}",
	         "template 'post.html' line 1: bad delimiter change '<%'"},
		{"{{= a b c =}}",
	         "template 'post.html' line 1: bad delimiter change 'a b c'"},
		{"{{a b}}", "template 'post.html' line 1: bad tag name 'a b'"},
		{"{{}}", "template 'post.html' line 1: bad tag name ''"},
		{"{{#a..b}}{{/a..b}}",
	         "template 'post.html' line 1: bad section name 'a..b'"},
		{"{{>}}", "template 'post.html' line 1: bad partial name ''"},
	};
	struct tmpl_set *set = tmpl_set_new();
	struct error e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error_clear(&e);
		assert_int_equal(tmpl_set_add(set, "post.html", cases[i].src,
		                              strlen(cases[i].src), &e),
		                 -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.msg, cases[i].msg);
		assert_false(tmpl_set_has(set, "post.html"));
	}
	tmpl_set_free(set);
}

static void
tag_too_long(void **state)
{
	char src[LIM_TMPL_TAG_BYTES + 16];
	struct tmpl_set *set = tmpl_set_new();
	struct error e;
	size_t n;

	(void)state;
	/* A name of exactly the limit is fine, one byte more is not. */
	src[0] = src[1] = '{';
	memset(src + 2, 'x', LIM_TMPL_TAG_BYTES);
	memcpy(src + 2 + LIM_TMPL_TAG_BYTES, "}}", 2);
	n = LIM_TMPL_TAG_BYTES + 4;
	assert_int_equal(tmpl_set_add(set, "t", src, n, &e), 0);
	memset(src + 2, 'x', LIM_TMPL_TAG_BYTES + 1);
	memcpy(src + 3 + LIM_TMPL_TAG_BYTES, "}}", 2);
	assert_int_equal(tmpl_set_add(set, "t", src, n + 1, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "line 1: tag longer than"));
	/* Comments may be long. */
	memcpy(src, "{{!", 3);
	assert_int_equal(tmpl_set_add(set, "c", src, n + 1, &e), 0);
	tmpl_set_free(set);
}

static void
template_too_big(void **state)
{
	char *src = malloc(LIM_TMPL_BYTES + 1);
	struct tmpl_set *set = tmpl_set_new();
	struct error e;

	(void)state;
	assert_non_null(src);
	memset(src, 'a', LIM_TMPL_BYTES + 1);
	assert_int_equal(tmpl_set_add(set, "big", src, LIM_TMPL_BYTES, &e), 0);
	assert_int_equal(tmpl_set_add(set, "big2", src, LIM_TMPL_BYTES + 1, &e),
	                 -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	assert_false(tmpl_set_has(set, "big2"));
	free(src);
	tmpl_set_free(set);
}

static void
self_partial_hits_depth_limit(void **state)
{
	static const char *const srcs[] = {
		"x{{>me}}",              /* inline */
		"x\n  {{>me}}\n",        /* standalone, indentation grows */
		"{{#a}}{{>me}}{{/a}}",   /* via a section */
		"{{^no}}{{>me}}{{/no}}", /* via an inverted section */
	};
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a);
	struct buf out;
	struct error e;

	(void)state;
	tval_set(a, ctx, "a", tval_map(a));
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		buf_init(&out, LIM_RESPONSE_BYTES);
		assert_int_equal(tmpl_set_add(set, "me", srcs[i],
		                              strlen(srcs[i]), &e),
		                 0);
		assert_int_equal(tmpl_render(set, "me", ctx, &out, &e), -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_non_null(
			strstr(e.msg, "template nesting deeper than 32"));
		buf_release(&out);
	}
	arena_free(a);
	tmpl_set_free(set);
}

static void
depth_limit_exact(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a);
	struct buf src, out;
	struct error e;

	(void)state;
	tval_set_bool(a, ctx, "t", 1);
	/* LIM_TMPL_DEPTH nested sections render; one more does not. */
	for (int extra = 0; extra <= 1; extra++) {
		buf_init(&src, LIM_TMPL_BYTES);
		buf_init(&out, LIM_RESPONSE_BYTES);
		for (int i = 0; i < LIM_TMPL_DEPTH + extra; i++)
			assert_int_equal(buf_puts(&src, "{{#t}}"), 0);
		assert_int_equal(buf_puts(&src, "x"), 0);
		for (int i = 0; i < LIM_TMPL_DEPTH + extra; i++)
			assert_int_equal(buf_puts(&src, "{{/t}}"), 0);
		assert_int_equal(tmpl_set_add(set, "d", src.p, src.len, &e), 0);
		if (extra == 0) {
			assert_int_equal(tmpl_render(set, "d", ctx, &out, &e),
			                 0);
			assert_string_equal(buf_str(&out), "x");
		} else {
			assert_int_equal(tmpl_render(set, "d", ctx, &out, &e),
			                 -1);
			assert_int_equal(e.code, ERR_INVALID);
		}
		buf_release(&src);
		buf_release(&out);
	}
	arena_free(a);
	tmpl_set_free(set);
}

static void
output_cap(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a);
	struct buf out;
	struct error e;

	(void)state;
	tval_set_str(a, ctx, "s", "<<<<");
	assert_int_equal(tmpl_set_add(set, "t", "hello world", 11, &e), 0);
	assert_int_equal(tmpl_set_add(set, "v", "ab{{s}}", 7, &e), 0);

	buf_init(&out, 5);
	assert_int_equal(tmpl_render(set, "t", ctx, &out, &e), -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	assert_true(out.len <= 5);
	buf_release(&out);

	/* Escaping makes the value longer than the cap. */
	buf_init(&out, 8);
	assert_int_equal(tmpl_render(set, "v", ctx, &out, &e), -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	buf_release(&out);

	buf_init(&out, 11);
	assert_int_equal(tmpl_render(set, "t", ctx, &out, &e), 0);
	assert_string_equal(buf_str(&out), "hello world");
	buf_release(&out);
	arena_free(a);
	tmpl_set_free(set);
}

static void
unknown_names(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;
	struct error e;

	(void)state;
	buf_init(&out, 100);
	assert_int_equal(tmpl_render(set, "nope", NULL, &out, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(tmpl_set_add(set, "t", "[{{>nope}}]{{x}}", 16, &e), 0);
	assert_int_equal(tmpl_render(set, "t", NULL, &out, &e), 0);
	assert_string_equal(buf_str(&out), "[]");
	buf_release(&out);
	tmpl_set_free(set);
}

static void
replace_and_keep(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;
	struct error e;

	(void)state;
	buf_init(&out, 100);
	assert_int_equal(tmpl_set_add(set, "t", "one", 3, &e), 0);
	assert_int_equal(tmpl_set_add(set, "t", "two", 3, &e), 0);
	/* A failed compile leaves the old template in place. */
	assert_int_equal(tmpl_set_add(set, "t", "{{#x}}", 6, &e), -1);
	assert_true(tmpl_set_has(set, "t"));
	assert_int_equal(tmpl_render(set, "t", NULL, &out, &e), 0);
	assert_string_equal(buf_str(&out), "two");
	buf_release(&out);
	tmpl_set_free(set);
}

static void
values(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{"{{i}} {{neg}} {{big}}", "42 -7 9223372036854775807"},
		{"{{r1}} {{r2}} {{r3}} {{r4}}",
	         "1 1.21 0.1 0.3333333333333333"},
		{"{{t}} {{f}} [{{n}}] [{{l}}] [{{m}}]", "true false [] [] []"},
		{"{{s}} {{{s}}} {{&s}}",
	         "&lt;a href=&quot;x&quot;&gt;&#39; <a href=\"x\">' <a href=\"x\">'"},
		{"{{#zero}}z{{/zero}}{{^zero}}!z{{/zero}}", "!z"},
		{"{{#e}}e{{/e}}{{^e}}!e{{/e}}", "!e"},
		{"{{#l}}l{{/l}}{{^l}}!l{{/l}}", "!l"},
		{"{{#n}}n{{/n}}{{^n}}!n{{/n}}", "!n"},
		{"{{#m}}m{{/m}}{{^m}}!m{{/m}}", "m"},
		{"{{#i}}{{.}}{{/i}}", "42"},
		{"{{#m.k}}{{.}}{{/m.k}}", ""},
		{"{{#list}}{{.}},{{/list}}", "1,x,true,,"},
	};
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a), *list;
	struct buf out;
	struct error e;

	(void)state;
	tval_set_int(a, ctx, "i", 42);
	tval_set_int(a, ctx, "neg", -7);
	tval_set_int(a, ctx, "big", INT64_MAX);
	tval_set(a, ctx, "r1", tval_real(a, 1.0));
	tval_set(a, ctx, "r2", tval_real(a, 1.21));
	tval_set(a, ctx, "r3", tval_real(a, 0.1));
	tval_set(a, ctx, "r4", tval_real(a, 1.0 / 3.0));
	tval_set_bool(a, ctx, "t", 1);
	tval_set_bool(a, ctx, "f", 0);
	tval_set(a, ctx, "n", tval_null(a));
	tval_set(a, ctx, "l", tval_list(a));
	tval_set(a, ctx, "m", tval_map(a));
	tval_set_str(a, ctx, "s", "<a href=\"x\">'");
	tval_set_int(a, ctx, "zero", 0);
	tval_set_str(a, ctx, "e", NULL);
	list = tval_set(a, ctx, "list", tval_list(a));
	tval_push(a, list, tval_int(a, 1));
	tval_push(a, list, tval_str(a, "x"));
	tval_push(a, list, tval_bool(a, 1));
	tval_push(a, list, tval_null(a));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&out, 1000);
		assert_int_equal(tmpl_set_add(set, "t", cases[i].src,
		                              strlen(cases[i].src), &e),
		                 0);
		assert_int_equal(tmpl_render(set, "t", ctx, &out, &e), 0);
		assert_string_equal(buf_str(&out), cases[i].want);
		buf_release(&out);
	}
	arena_free(a);
	tmpl_set_free(set);
}

/* Builders: later sets win, lists grow past their first block. */
static void
builders(void **state)
{
	struct arena *a = arena_new();
	struct tval *m = tval_map(a), *l = tval_list(a);
	char keys[100][8];

	(void)state;
	tval_set_int(a, m, "k", 1);
	tval_set_int(a, m, "k", 2);
	assert_int_equal(m->u.map.n, 1);
	assert_int_equal(tval_get(m, "k")->u.i, 2);
	assert_null(tval_get(m, "absent"));
	assert_null(tval_get(l, "k"));
	assert_null(tval_get(NULL, "k"));
	for (int i = 0; i < 100; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		tval_set_int(a, m, keys[i], i);
		tval_push(a, l, tval_int(a, i));
	}
	assert_int_equal(l->u.list.n, 100);
	assert_int_equal(m->u.map.n, 101);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(l->u.list.v[i]->u.i, i);
		assert_int_equal(tval_get(m, keys[i])->u.i, i);
	}
	assert_int_equal(tval_strn(a, "abc", 2)->u.s.n, 2);
	assert_int_equal(tval_str(a, NULL)->u.s.n, 0);
	arena_free(a);
}

/* Nested standalone partials indent by the sum of their indentation. */
static void
partial_indent(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a);
	struct buf out;
	struct error e;
	const char *outer = "<\n  {{>inner}}\n>\n", *inner = "a\n{{v}}\nb\n";

	(void)state;
	tval_set_str(a, ctx, "v", "x\ny");
	buf_init(&out, 1000);
	assert_int_equal(tmpl_set_add(set, "top", " {{>outer}}\n", 12, &e), 0);
	assert_int_equal(tmpl_set_add(set, "outer", outer, strlen(outer), &e),
	                 0);
	assert_int_equal(tmpl_set_add(set, "inner", inner, strlen(inner), &e),
	                 0);
	assert_int_equal(tmpl_render(set, "top", ctx, &out, &e), 0);
	assert_string_equal(buf_str(&out), " <\n   a\n   x\ny\n   b\n >\n");
	buf_release(&out);
	arena_free(a);
	tmpl_set_free(set);
}

#define THREADS 8

struct job {
	const struct tmpl_set *set;
	const struct tval *ctx;
	int ok;
};

static void *
render_many(void *arg)
{
	struct job *j = arg;
	struct buf out;
	struct error e;

	j->ok = 1;
	for (int i = 0; i < 200; i++) {
		buf_init(&out, 1000);
		if (tmpl_render(j->set, "page", j->ctx, &out, &e) == -1 ||
		    strcmp(buf_str(&out),
		           "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n") != 0)
			j->ok = 0;
		buf_release(&out);
	}
	return NULL;
}

/* A built set is read-only: threads render from it at once. */
static void
concurrent_render(void **state)
{
	const char *page = "<ul>\n{{#items}}\n  {{>item}}\n{{/items}}\n</ul>\n";
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new();
	struct tval *ctx = tval_map(a), *items, *it;
	struct job jobs[THREADS];
	pthread_t th[THREADS];
	struct error e;

	(void)state;
	items = tval_set(a, ctx, "items", tval_list(a));
	it = tval_push(a, items, tval_map(a));
	tval_set_str(a, it, "name", "a");
	it = tval_push(a, items, tval_map(a));
	tval_set_str(a, it, "name", "b");
	assert_int_equal(tmpl_set_add(set, "page", page, strlen(page), &e), 0);
	assert_int_equal(tmpl_set_add(set, "item", "<li>{{name}}</li>\n", 18,
	                              &e),
	                 0);
	for (int i = 0; i < THREADS; i++) {
		jobs[i].set = set;
		jobs[i].ctx = ctx;
		assert_int_equal(pthread_create(&th[i], NULL, render_many,
		                                &jobs[i]),
		                 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_true(jobs[i].ok);
	}
	arena_free(a);
	tmpl_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_comments),
		cmocka_unit_test(spec_delimiters),
		cmocka_unit_test(spec_interpolation),
		cmocka_unit_test(spec_inverted),
		cmocka_unit_test(spec_partials),
		cmocka_unit_test(spec_sections),
		cmocka_unit_test(compile_errors),
		cmocka_unit_test(tag_too_long),
		cmocka_unit_test(template_too_big),
		cmocka_unit_test(self_partial_hits_depth_limit),
		cmocka_unit_test(depth_limit_exact),
		cmocka_unit_test(output_cap),
		cmocka_unit_test(unknown_names),
		cmocka_unit_test(replace_and_keep),
		cmocka_unit_test(values),
		cmocka_unit_test(builders),
		cmocka_unit_test(partial_indent),
		cmocka_unit_test(concurrent_render),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
