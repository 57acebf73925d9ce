/*
 * site/cache.c: the page cache's rules of validity (the generation, a
 * post's version, the age) and its byte budget, over a real store on
 * ":memory:" and the site as serve makes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "site/internal.h"
#include "util/arena.h"
#include "util/error.h"
#include "tmp_site.h"
#include "util/banned.h"

#define BUDGET (256 * 1024)
#define PAGE   (20 * 1024)

struct fx {
	struct store *st;
	struct site *site;
	struct arena *a;
};

static int
setup(void **state)
{
	static struct fx f;
	struct site_services svc = {.cache_bytes = BUDGET};
	struct error e;

	f.st = store_open(":memory:", 1, &e);
	if (f.st == NULL)
		return -1;
	f.site = site_new(f.st, &svc, "/nonexistent", "http://x.test", &e);
	if (f.site == NULL)
		return -1;
	f.a = arena_new();
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	site_free(f->site);
	store_close(f->st);
	arena_free(f->a);
	return 0;
}

static int64_t
add_post(struct store *st, const char *slug)
{
	struct post p =
		tmp_site_post_in(POST_POST, POST_PUBLISHED, slug, 1651017600);
	struct error e;
	int64_t id = 0;

	assert_int_equal(store_post_add(st, &p, &id, &e), 0);
	return id;
}

static void
comment_on(struct store *st, int64_t post)
{
	tmp_site_comment(st, post, COMMENT_APPROVED, 1651017600);
}

/* A 200 text/html response of n bytes of c, depending on post dep. */
static void
put_page(struct fx *f, const char *key, size_t n, char c, int64_t dep)
{
	struct cache_stamp st = {store_generation(f->st),
	                         store_post_clock(f->st)};
	struct resp rs;
	char *body = arena_alloc(f->a, n);

	memset(body, c, n);
	resp_init(&rs);
	assert_int_equal(buf_add(&rs.body, body, n), 0);
	rs.cache_dep = dep;
	resp_prepare(&rs, 0);
	cache_put(f->site, key, &st, &rs);
	resp_release(&rs);
}

/* 1 when key is a hit now; its body's first byte in *c. */
static int
hit(struct fx *f, const char *key, int gzip, char *c, int *gzipped)
{
	struct resp rs;
	int h;

	resp_init(&rs);
	h = cache_get(f->site, f->a, key, store_generation(f->st), gzip, &rs);
	if (h && c != NULL)
		*c = rs.body.len ? rs.body.p[0] : 0;
	if (h && gzipped != NULL)
		*gzipped = rs.gz.len > 0;
	resp_release(&rs);
	return h;
}

static void
a_comment_drops_only_its_posts_pages(void **state)
{
	struct fx *f = *state;
	int64_t a = add_post(f->st, "a"), b = add_post(f->st, "b");

	put_page(f, "/a/", PAGE, 'a', a);
	put_page(f, "/b/", PAGE, 'b', b);
	put_page(f, "/", PAGE, 'h', 0);
	put_page(f, "/comments/feed/", PAGE, 'f', STORE_ANY_POST);
	assert_true(hit(f, "/a/", 0, NULL, NULL));
	comment_on(f->st, a);
	assert_false(hit(f, "/a/", 0, NULL, NULL));
	assert_false(hit(f, "/comments/feed/", 0, NULL, NULL));
	assert_true(hit(f, "/b/", 0, NULL, NULL));
	assert_true(hit(f, "/", 0, NULL, NULL));
	/* a change of content drops them all */
	add_post(f->st, "c");
	assert_false(hit(f, "/b/", 0, NULL, NULL));
	assert_false(hit(f, "/", 0, NULL, NULL));
}

static void
gzip_made_when_first_asked_and_kept(void **state)
{
	struct fx *f = *state;
	int gz = -1;
	char c;
	size_t before, after, n;

	put_page(f, "/g/", PAGE, 'g', 0);
	cache_usage(f->site, &before, &n);
	assert_true(hit(f, "/g/", 0, &c, &gz));
	assert_int_equal(gz, 0);
	cache_usage(f->site, &after, &n);
	assert_int_equal(after, before); /* identity readers cost no gzip */
	assert_true(hit(f, "/g/", 1, NULL, &gz));
	assert_int_equal(gz, 1);
	cache_usage(f->site, &after, &n);
	assert_true(after > before); /* the variant is kept */
	assert_true(hit(f, "/g/", 1, NULL, &gz));
	assert_int_equal(gz, 1);
	assert_true(hit(f, "/g/", 0, &c, &gz));
	assert_int_equal(c, 'g');
	assert_int_equal(gz, 0);
}

/*
 * Past the budget the cache evicts, never holding more than it; a page
 * read since the hand last passed it survives a round (CLOCK).
 */
static void
budget_is_kept(void **state)
{
	struct fx *f = *state;
	char key[32];
	size_t bytes, n;
	int kept = 0;

	put_page(f, "/hot/", PAGE, 'h', 0);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "/p%d/", i);
		put_page(f, key, PAGE, 'p', 0);
		cache_usage(f->site, &bytes, &n);
		assert_true(bytes <= BUDGET);
		if (hit(f, "/hot/", 0, NULL, NULL))
			kept++;
	}
	assert_true(n < 100 && n >= BUDGET / (2 * PAGE));
	assert_int_equal(kept, 100);
	/* a body over the whole budget is not cached at all */
	put_page(f, "/huge/", BUDGET + 1, 'x', 0);
	assert_false(hit(f, "/huge/", 0, NULL, NULL));
	cache_usage(f->site, &bytes, &n);
	assert_true(bytes <= BUDGET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_comment_drops_only_its_posts_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(
			gzip_made_when_first_asked_and_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(budget_is_kept, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
