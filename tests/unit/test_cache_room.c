/*
 * site/cache.c and site/cache_pack.c: where the page cache's bytes go.
 * Copies as sent take the budget's spare room and give it back first; a
 * ready response's buffer is the entry's copy, freed only once neither
 * holds it; a packed page costs its packed size, and a page that does
 * not pack comes back as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_fx.h"
#include "http/mhd.h"
#include "site/cache_pack.h"
#include "util/banned.h"

/* What cache.c counts beside a block's usable size (MALLOC_OVERHEAD), and
 * the share of the budget copies as sent have of their own
 * (UNPACKED_SHARE). */
#define OVERHEAD 16
#define SHARE    8

/* The bytes the cache holds, never past its budget; entries in *n. */
static size_t
usage(struct fx *f, size_t budget, size_t *entries)
{
	size_t bytes, n;

	cache_usage(f->site, &bytes, &n, NULL);
	if (entries != NULL)
		*entries = n;
	assert_true(bytes <= budget);
	return bytes;
}

/* How many of the pages PREFIX0.. PREFIX(n-1) hold a copy as sent. */
static int
copies_of(struct fx *f, const char *prefix, int n)
{
	char key[32];
	int k = 0;

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/%s%d/", prefix, i);
		k += (cache_forms(f->site, key) & CACHE_AS_SENT) != 0;
	}
	return k;
}

/* How many of those are held at all. */
static int
held_of(struct fx *f, const char *prefix, int n)
{
	char key[32];
	int k = 0;

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/%s%d/", prefix, i);
		k += cache_forms(f->site, key) != 0;
	}
	return k;
}

/*
 * Pages as sent until the cache is pressed (PACK_FROM_PCT): the number
 * put, the last of them the first packed.
 */
static int
fill_pressed(struct fx *f, const char *prefix)
{
	static char page[32768];
	char key[32];
	size_t len;

	for (int n = 0; n < 10000; n++) {
		snprintf(key, sizeof(key), "/%s%d/", prefix, n);
		len = site_page(page, sizeof(page), n);
		put_body(f, key, page, len, 0);
		if (cache_forms(f->site, key) == CACHE_PACKED)
			return n + 1;
	}
	fail_msg("the cache never packed a page");
	return 0;
}

/*
 * fill_pressed(), then each of its pages again: the cache then holds that many
 * pages packed, in little of its budget.  Their number.
 */
static int
fill_packed(struct fx *f, const char *prefix)
{
	static char page[32768];
	char key[32];
	size_t len;
	int n = fill_pressed(f, prefix) - 1;

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/%s%d/", prefix, i);
		len = site_page(page, sizeof(page), i);
		put_body(f, key, page, len, 0);
		assert_int_equal(cache_forms(f->site, key), CACHE_PACKED);
	}
	return n + 1;
}

/*
 * Pages packed and read twice (/h0/...), each kept as sent too, until the
 * budget's spare room is nearly gone: their number.
 */
static int
read_hot(struct fx *f)
{
	static char page[32768], got[32768];
	char key[32];
	size_t len = site_page(page, sizeof(page), 0);
	size_t copy = len + 1 + OVERHEAD;
	int hot;

	for (hot = 0;; hot++) {
		if (SITE_BUDGET - usage(f, SITE_BUDGET, NULL) <
		    2 * (copy + 2048))
			break;
		snprintf(key, sizeof(key), "/h%d/", hot);
		len = site_page(page, sizeof(page), 100000 + hot);
		put_body(f, key, page, len, 0);
		assert_int_equal(cache_forms(f->site, key), CACHE_PACKED);
		assert_int_equal(get_page(f, key, 0, got, sizeof(got)), len);
		assert_int_equal(get_page(f, key, 0, got, sizeof(got)), len);
		assert_memory_equal(got, page, len);
		assert_int_equal(cache_forms(f->site, key),
		                 CACHE_PACKED | CACHE_AS_SENT);
	}
	return hot;
}

/*
 * Copies as sent beside packed pages (pages read twice) may take the
 * budget's spare room, past their own share (an eighth): while the packed
 * pages fill little of it, every page read again is kept ready to send.
 * A fill that then needs room takes it from those copies first: no page
 * is evicted while a copy past the share is left, and the cache never
 * holds more than its budget.
 */
static void
copies_take_the_spare_room_and_give_it_back_first(void **state)
{
	struct fx *f = *state;
	static char page[32768], got[32768];
	char key[32];
	size_t len, n, copy;
	int cold, hot = 0, fresh = 0, copies;

	cold = fill_packed(f, "c");
	/* Read twice each: kept as sent too, while the spare room lasts. */
	copy = site_page(page, sizeof(page), 0) + 1 + OVERHEAD;
	hot = read_hot(f);
	/* far past their share, and nothing was let go for them */
	copies = copies_of(f, "h", hot);
	assert_int_equal(copies, hot);
	assert_true((size_t)copies * copy > 3 * (SITE_BUDGET / SHARE));
	assert_int_equal(held_of(f, "c", cold), cold);
	usage(f, SITE_BUDGET, &n);
	assert_int_equal(n, (size_t)(cold + hot));

	/* New pages, packed, never read: the room they need comes from the
	 * copies, down to their share, and every page stays. */
	while ((size_t)copies * copy > SITE_BUDGET / SHARE + 64 * 1024) {
		for (int k = 0; k < 16; k++, fresh++) {
			snprintf(key, sizeof(key), "/n%d/", fresh);
			len = site_page(page, sizeof(page), 200000 + fresh);
			put_body(f, key, page, len, 0);
			assert_int_equal(cache_forms(f->site, key),
			                 CACHE_PACKED);
			usage(f, SITE_BUDGET, &n);
			assert_int_equal(n, (size_t)(cold + hot + fresh + 1));
		}
		copies = copies_of(f, "h", hot);
		assert_true(fresh < 100000);
	}
	assert_true(copies < hot);
	assert_int_equal(held_of(f, "c", cold), cold);
	assert_int_equal(held_of(f, "h", hot), hot);
	assert_int_equal(held_of(f, "n", fresh), fresh);
	/* a page whose copy was given back is still whole */
	for (int i = 0; i < hot; i++) {
		snprintf(key, sizeof(key), "/h%d/", i);
		if (cache_forms(f->site, key) != CACHE_PACKED)
			continue;
		len = site_page(page, sizeof(page), 100000 + i);
		assert_int_equal(get_page(f, key, 0, got, sizeof(got)), len);
		assert_memory_equal(got, page, len);
		break;
	}
}

/*
 * A page that needs more room than the copies hold past their share
 * still takes that much from them first, and the rest from the pages
 * not read: the copies end at their share.
 */
static void
a_large_page_takes_the_copies_room_too(void **state)
{
	struct fx *f = *state;
	static char page[32768];
	size_t copy = site_page(page, sizeof(page), 0) + 1 + OVERHEAD;
	size_t big = 3 * 1024 * 1024;
	int hot, copies;

	fill_pressed(f, "c");
	hot = read_hot(f);
	copies = copies_of(f, "h", hot);
	assert_int_equal(copies, hot);
	assert_true((size_t)copies * copy > SITE_BUDGET / SHARE + 4 * copy);
	assert_true((size_t)copies * copy < big);
	put_page_as(f, "/big/", big, 'b', 0, 0);
	assert_int_equal(cache_forms(f->site, "/big/"), CACHE_AS_SENT);
	usage(f, SITE_BUDGET, NULL);
	copies = copies_of(f, "h", hot);
	assert_true((size_t)copies * copy <= SITE_BUDGET / SHARE + copy);
	assert_int_equal(held_of(f, "h", hot), hot);
}

/* What ready_new() reads of the server: no headers of its own. */
static struct server srv;

/* A GET on a connection that stays open, through a server: a page read
 * again is handed over as rs->ready, with the reference the server holds
 * while the library sends it (released by the caller). */
static int
get_ready(struct fx *f, const char *key, int gzip, struct resp *rs)
{
	struct req r = {.method = HTTP_GET, .arena = f->a, .srv = &srv};

	resp_init(rs);
	return cache_get(f->site, &r, key, store_generation(f->st), gzip, rs);
}

/* key read until it is handed over ready, in the gzip variant if gzip
 * (made on the way); the response, with the server's reference. */
static struct ready *
ready_of(struct fx *f, const char *key, int gzip)
{
	struct resp rs;
	struct ready *rd = NULL;

	for (int i = 0; i < 4 && rd == NULL; i++) {
		assert_true(get_ready(f, key, gzip, &rs));
		rd = rs.ready;
		assert_int_equal(rs.ready_gzip, rd != NULL && gzip);
		resp_release(&rs);
	}
	assert_non_null(rd);
	return rd;
}

/* Pages of noise put until key is evicted. */
static void
evict(struct fx *f, const char *key)
{
	char k[32];

	for (int i = 0; cache_forms(f->site, key) != 0; i++) {
		assert_true(i < 100);
		snprintf(k, sizeof(k), "/evict%d/", i);
		put_page_as(f, k, PAGE, 'e', 0, 0);
	}
}

/*
 * A hot page's ready response is its entry's copy as sent, not a second
 * one: made ready, the page costs the budget its response's headers, not
 * its size again.  Evicted while a connection is still sending that
 * response, the entry leaves the bytes to the response, which frees them
 * once sent (ASan: a use after free below, a leak at exit); released
 * first, the response leaves them to the entry.
 */
static void
a_page_being_sent_outlives_its_eviction(void **state)
{
	struct fx *f = *state;
	char *page = arena_alloc(f->a, PAGE), *gz;
	struct ready *plain, *zipped;
	struct resp rs;
	size_t before, after, gzlen;

	memset(page, 'a', PAGE);
	put_body(f, "/a/", page, PAGE, 0);
	assert_true(get_ready(f, "/a/", 0, &rs));
	assert_null(rs.ready); /* read once: a copy */
	resp_release(&rs);
	before = usage(f, BUDGET, NULL);
	plain = ready_of(f, "/a/", 0);
	after = usage(f, BUDGET, NULL);
	assert_true(after - before < PAGE / 4);
	assert_int_equal(ready_len(plain), PAGE);
	/* the gzip variant, made ready too: kept as those bytes */
	assert_true(get_ready(f, "/a/", 1, &rs));
	resp_release(&rs);
	assert_true(get_ready(f, "/a/", 1, &rs));
	assert_true(rs.gz.len > 0 && rs.gz.len < PAGE);
	gzlen = rs.gz.len;
	gz = arena_alloc(f->a, gzlen);
	memcpy(gz, rs.gz.p, gzlen);
	resp_release(&rs);
	ready_unref(rs.ready);
	zipped = ready_of(f, "/a/", 1);
	assert_int_equal(ready_len(zipped), gzlen);
	assert_int_equal(cache_forms(f->site, "/a/"),
	                 CACHE_AS_SENT | CACHE_GZIP);

	/* evicted while both are being sent: their bytes stay theirs */
	evict(f, "/a/");
	/* memcmp, not cmocka's compare: ASan checks what it reads */
	assert_int_equal(memcmp(ready_body(plain), page, PAGE), 0);
	assert_int_equal(memcmp(ready_body(zipped), gz, gzlen), 0);
	ready_unref(plain);
	ready_unref(zipped);

	/* sent first, then evicted */
	put_body(f, "/a/", page, PAGE, 0);
	plain = ready_of(f, "/a/", 0);
	assert_int_equal(memcmp(ready_body(plain), page, PAGE), 0);
	ready_unref(plain);
	assert_true(get_ready(f, "/a/", 0, &rs));
	assert_non_null(rs.ready); /* still the entry's */
	assert_int_equal(memcmp(ready_body(rs.ready), page, PAGE), 0);
	resp_release(&rs);
	ready_unref(rs.ready);
	evict(f, "/a/");

	/* replaced by a new render while being sent */
	put_body(f, "/a/", page, PAGE, 0);
	plain = ready_of(f, "/a/", 0);
	memset(page, 'b', PAGE);
	put_body(f, "/a/", page, PAGE, 0);
	assert_true(get_ready(f, "/a/", 0, &rs));
	assert_null(rs.ready);
	assert_int_equal(rs.body.p[0], 'b');
	resp_release(&rs);
	memset(page, 'a', PAGE);
	assert_int_equal(memcmp(ready_body(plain), page, PAGE), 0);
	ready_unref(plain);
}

/* The cost a packed page of len bytes adds to the cache under key, and
 * the size zstd packs it to with d (the cache's dictionary). */
static size_t
packed_cost(struct fx *f, const struct zdict *d, const char *key,
            const char *page, size_t len, size_t *zlen)
{
	size_t before = usage(f, SITE_BUDGET, NULL), after;
	char *z = zpack(d, page, len, zlen);

	assert_non_null(z);
	free(z);
	put_body(f, key, page, len, 0);
	assert_int_equal(cache_forms(f->site, key), CACHE_PACKED);
	after = usage(f, SITE_BUDGET, NULL);
	assert_true(after > before);
	return after - before;
}

/*
 * A packed page costs the budget its packed size and a head the same for
 * every page (its key, headers and malloc's rounding), not the room it
 * was packed in (that is the bound of its size as sent): a page three
 * times the size costs only what it packs to more.  And what zpack()
 * hands back is a block of that size.
 */
static void
a_packed_page_costs_its_packed_size(void **state)
{
	struct fx *f = *state;
	static char dict[32768], small[65536], large[65536];
	size_t dlen, slen, llen, szlen, lzlen, scost, lcost;
	struct zdict *d;
	char *z;
	int n;

	n = fill_packed(f, "c");
	/* the page the cache made its dictionary of: the first one packed */
	dlen = site_page(dict, sizeof(dict), n - 1);
	d = zdict_new(dict, dlen, store_generation(f->st), 0);
	assert_non_null(d);
	slen = site_page_of(small, sizeof(small), 7, 300);
	llen = site_page_of(large, sizeof(large), 8, 3000);
	assert_true(llen > 3 * slen);
	scost = packed_cost(f, d, "/small/", small, slen, &szlen);
	lcost = packed_cost(f, d, "/large/", large, llen, &lzlen);
	assert_true(lzlen > szlen);
	/* the same head, give or take malloc's rounding of each block */
	assert_true(scost > szlen && lcost > lzlen);
	assert_true(lcost - lzlen + 32 > scost - szlen &&
	            scost - szlen + 32 > lcost - lzlen);
	assert_true(lcost < llen / 2);
	/* zpack's block: its size, not the bound's */
	z = zpack(d, large, llen, &lzlen);
	assert_non_null(z);
	assert_true(malloc_usable_size(z) < lzlen + 32);
	free(z);
	/* both come back as they were */
	assert_int_equal(get_page(f, "/small/", 0, dict, sizeof(dict)), slen);
	assert_memory_equal(dict, small, slen);
	assert_int_equal(get_page(f, "/large/", 0, large + llen + 1,
	                          sizeof(large) - llen - 1),
	                 llen);
	assert_memory_equal(large + llen + 1, large, llen);
	zdict_unref(d);
}

/*
 * Once the cache packs new pages, a page zstd cannot shrink to half
 * (noise: an image inlined, an encrypted blob) is kept as sent, and
 * every page comes back byte for byte, whichever form it is kept in.
 */
static void
a_page_that_does_not_pack_comes_back_whole(void **state)
{
	struct fx *f = *state;
	static char page[32768], got[32768];
	static const struct {
		const char *key;
		int noise_pct, forms;
	} cases[] = {
		{"/noise/", 100, CACHE_AS_SENT},
		{"/half/", 60, CACHE_AS_SENT},
		{"/some/", 10, CACHE_PACKED},
		{"/none/", 0, CACHE_PACKED},
	};
	struct zdict *d;
	size_t len, zlen;

	fill_packed(f, "c");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t cut;

		len = site_page(page, sizeof(page), 1000 + (int)i);
		cut = len - len * (size_t)cases[i].noise_pct / 100;
		noise(page + cut, len - cut);
		put_body(f, cases[i].key, page, len, 0);
		assert_int_equal(cache_forms(f->site, cases[i].key),
		                 cases[i].forms);
		assert_int_equal(get_page(f, cases[i].key, 0, got, sizeof(got)),
		                 len);
		assert_memory_equal(got, page, len);
		/* read again: as sent too, and still the same bytes */
		assert_int_equal(get_page(f, cases[i].key, 0, got, sizeof(got)),
		                 len);
		assert_memory_equal(got, page, len);
		assert_true(cache_forms(f->site, cases[i].key) & CACHE_AS_SENT);
	}
	/* zpack() itself: nothing made of noise */
	len = site_page(page, sizeof(page), 1);
	d = zdict_new(page, len, 0, 0);
	assert_non_null(d);
	noise(page, len);
	assert_null(zpack(d, page, len, &zlen));
	assert_int_equal(zlen, 0);
	zdict_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			copies_take_the_spare_room_and_give_it_back_first,
			setup_large, teardown),
		cmocka_unit_test_setup_teardown(
			a_large_page_takes_the_copies_room_too, setup_large,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_page_being_sent_outlives_its_eviction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_packed_page_costs_its_packed_size, setup_large,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_page_that_does_not_pack_comes_back_whole, setup_large,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
