#ifndef GAZETTE_TEST_CACHE_FX_H
#define GAZETTE_TEST_CACHE_FX_H
/*
 * The page cache's tests (test_cache*.c): a real store on ":memory:" and
 * the site as serve makes it, with a page cache of a given budget, and
 * the pages they fill it with.  Include after cmocka.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "site/internal.h"
#include "util/arena.h"
#include "util/error.h"
#include "tmp_site.h"

#define BUDGET      (256 * 1024)
#define PAGE        (20 * 1024)
#define SITE_BUDGET (8 * 1024 * 1024)

struct fx {
	struct store *st;
	struct views *views;
	struct site *site;
	struct arena *a;
};

/* A store on ":memory:" and the site as serve makes it, with a page
 * cache of budget bytes. */
static inline int
setup_budget(void **state, size_t budget)
{
	static struct fx f;
	struct site_services svc = {.cache_bytes = budget};
	struct error e;

	f.st = store_open(":memory:", 1, &e);
	if (f.st == NULL)
		return -1;
	f.views = svc.views = views_new(f.st, &e);
	if (f.views == NULL)
		return -1;
	f.site = site_new(f.st, &svc, "/nonexistent", "http://x.test", &e);
	if (f.site == NULL)
		return -1;
	f.a = arena_new();
	*state = &f;
	return 0;
}

static inline int
setup(void **state)
{
	return setup_budget(state, BUDGET);
}

static inline int
setup_large(void **state)
{
	return setup_budget(state, SITE_BUDGET);
}

static inline int
teardown(void **state)
{
	struct fx *f = *state;

	site_free(f->site);
	views_free(f->views);
	store_close(f->st);
	arena_free(f->a);
	return 0;
}

static inline int64_t
add_post(struct store *st, const char *slug)
{
	struct post p =
		tmp_site_post_in(POST_POST, POST_PUBLISHED, slug, 1651017600);
	struct error e;
	int64_t id = 0;

	assert_int_equal(store_post_add(st, &p, &id, &e), 0);
	return id;
}

/* A reader's view of post, from its own address. */
static inline void
view(struct fx *f, int64_t post, const char *ip)
{
	struct error e;
	int64_t total;
	int counted;

	assert_int_equal(views_hit(f->views, post, ip, "Mozilla/5.0 (X11)",
	                           &total, &counted, &e),
	                 0);
	assert_int_equal(counted, 1);
}

/* Bytes no compressor shrinks (xorshift), so that a page costs its size. */
static inline void
noise(char *p, size_t n)
{
	static uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (char)(x & 0xff);
	}
}

/* The store's numbers now, as site_handle() reads them before a render. */
static inline struct cache_stamp
stamp_now(struct fx *f)
{
	struct cache_stamp st = {store_generation(f->st),
	                         store_post_clock(f->st),
	                         views_serial(f->views),
	                         sidebar_serial(f->site)};

	return st;
}

/* A 200 text/html response of body[0..n), depending on post dep. */
static inline void
put_body(struct fx *f, const char *key, const char *body, size_t n, int64_t dep)
{
	struct cache_stamp st = stamp_now(f);
	struct resp rs;

	resp_init(&rs);
	assert_int_equal(buf_add(&rs.body, body, n), 0);
	rs.cache_dep = dep;
	resp_prepare(&rs, 0);
	cache_put(f->site, key, &st, &rs);
	resp_release(&rs);
}

/* A page of n bytes starting with c, depending on post dep: all c when
 * packable, else noise after the first byte. */
static inline void
put_page_as(struct fx *f, const char *key, size_t n, char c, int64_t dep,
            int packable)
{
	char *body = arena_alloc(f->a, n);

	if (packable)
		memset(body, c, n);
	else {
		noise(body, n);
		body[0] = c;
	}
	put_body(f, key, body, n, dep);
}

static inline void
put_page(struct fx *f, const char *key, size_t n, char c, int64_t dep)
{
	put_page_as(f, key, n, c, dep, 1);
}

/* 1 when key is a hit now; its body's first byte in *c. */
static inline int
hit(struct fx *f, const char *key, int gzip, char *c, int *gzipped)
{
	struct resp rs;
	int h;

	resp_init(&rs);
	h = cache_get(f->site, &(struct req){.arena = f->a}, key,
	              store_generation(f->st), gzip, &rs);
	if (h && c != NULL)
		*c = rs.body.len ? rs.body.p[0] : 0;
	if (h && gzipped != NULL)
		*gzipped = rs.gz.len > 0;
	resp_release(&rs);
	return h;
}

/* The page held for key, byte for byte, into out; its length or 0. */
static inline size_t
get_page(struct fx *f, const char *key, int gzip, char *out, size_t cap)
{
	struct resp rs;
	size_t n = 0;

	resp_init(&rs);
	if (cache_get(f->site, &(struct req){.arena = f->a}, key,
	              store_generation(f->st), gzip, &rs) &&
	    rs.body.len < cap) {
		memcpy(out, rs.body.p, rs.body.len);
		n = rs.body.len;
	}
	resp_release(&rs);
	return n;
}

/* A site's page: the layout every page repeats around a text of its own
 * of `words` words. */
static inline size_t
site_page_of(char *out, size_t cap, int i, int words)
{
	static const char *const w[] = {"minister", "port",   "grain",  "vote",
	                                "hearing",  "border", "supply", "audit",
	                                "fund",     "report", "said",   "the",
	                                "of",       "a",      "to",     "and",
	                                "council",  "on"};
	size_t n = 0;
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);

	n += (size_t)snprintf(out + n, cap - n,
	                      "<!doctype html><html lang=en><head><title>Post "
	                      "%d</title></head><body><nav>",
	                      i);
	for (int k = 0; k < 120; k++)
		n += (size_t)snprintf(out + n, cap - n,
		                      "<a href=\"/section-%d/\">Section %d</a>",
		                      k, k);
	n += (size_t)snprintf(out + n, cap - n, "</nav><article><p>");
	for (int k = 0; k < words; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n += (size_t)snprintf(out + n, cap - n, "%s ",
		                      w[x % (sizeof(w) / sizeof(*w))]);
	}
	n += (size_t)snprintf(out + n, cap - n,
	                      "</p></article><footer>gazette</footer></body>"
	                      "</html>");
	return n;
}

static inline size_t
site_page(char *out, size_t cap, int i)
{
	return site_page_of(out, cap, i, 300);
}

#endif
