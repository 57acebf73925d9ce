/*
 * site/sidebar.c as the page cache sees it: a post's page kept past the
 * minute names the sidebar it shows (sidebar_serial()), and stays while
 * that sidebar is the one a render would show.  The sidebar is made again
 * when due by its age, by the scheduler's thread (site_tick()), while
 * pages made with it stay; its serial moves only if the HTML changed; and
 * a tick never makes it for settings a request has not applied yet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache_fx.h"
#include "set_clock.h"
#include "store/site.h"
#include "util/tz.h"
#include "util/banned.h"

/* SIDEBAR_SECONDS, PAGE_CACHE_SECONDS and the grace, just past. */
#define DUE   61
#define GRACE 5

/* Put a sidebar block of kind into f's store. */
static void
add_block(struct fx *f, const char *kind)
{
	struct error e;

	if (store_block_add(f->st, "sidebar", 1, kind, "{}", &e) == -1)
		fail_msg("block %s: %s", kind, e.msg);
}

static void *
refresh_main(void *arg)
{
	sidebar_refresh(arg);
	return NULL;
}

/*
 * The page of a post not viewed outlives the minute while the sidebar is
 * the one it shows; once the sidebar is due by its age, the page goes,
 * except while the sidebar is being made again (the popular list may
 * take a while to sum): pages made meanwhile would show the same one.
 * Made again the same, it leaves the page where it was.
 */
static void
a_page_stays_while_its_sidebar_is_made_again(void **state)
{
	struct fx *f = *state;
	int64_t c = add_post(f->st, "c");
	uint64_t serial;
	struct error e;
	pthread_t t;
	int served = 0;

	site_refresh(f->site);
	serial = sidebar_serial(f->site);
	put_page(f, "/c/", PAGE, 'c', c);
	cache_backdate(f->site, DUE);
	sidebar_backdate(f->site, DUE);
	assert_false(hit(f, "/c/", 0, NULL, NULL)); /* due, not being made */
	/* A rebuild, held in its first read of the store by this thread's
	 * write transaction.  The page is served once the rebuild has begun
	 * (the loop's bound is only a guard against a hang). */
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(pthread_create(&t, NULL, refresh_main, f->site), 0);
	for (int i = 0; i < 20000 && !served; i++) {
		served = hit(f, "/c/", 0, NULL, NULL);
		if (!served)
			usleep(1000);
	}
	assert_true(served);
	store_rollback(f->st);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sidebar_serial(f->site), serial);
	cache_backdate(f->site, DUE);
	assert_true(hit(f, "/c/", 0, NULL, NULL));
}

/*
 * site_tick() makes a sidebar due by its age again: made the same, its
 * serial stays and a post's page made with it stays; changed (a view
 * enters the popular list), the serial moves and the page goes.  Once the
 * thread keeps the sidebar, a request leaves it a few seconds more.
 */
static void
site_tick_makes_a_due_sidebar_again(void **state)
{
	struct fx *f = *state;
	const int64_t t0 = 1800000000;
	int64_t a, c;
	uint64_t serial;
	struct error e;

	set_clock(t0);
	add_block(f, "popular");
	a = add_post(f->st, "a");
	c = add_post(f->st, "c");
	site_refresh(f->site);
	serial = sidebar_serial(f->site);
	put_page(f, "/c/", PAGE, 'c', c);
	cache_backdate(f->site, DUE);
	sidebar_backdate(f->site, DUE + GRACE); /* past any request's wait */
	assert_false(hit(f, "/c/", 0, NULL, NULL));
	site_tick(f->site);
	assert_int_equal(sidebar_serial(f->site), serial);
	assert_true(hit(f, "/c/", 0, NULL, NULL));

	/* a view of another post: the popular list has it, past its minute */
	view(f, a, "192.0.2.1");
	assert_int_equal(views_flush(f->views, &e), 0);
	set_clock(t0 + VIEWS_POPULAR_SECONDS);
	sidebar_backdate(f->site, DUE);
	cache_backdate(f->site, DUE);
	/* due, but the thread keeps it: a request waits the grace */
	assert_true(hit(f, "/c/", 0, NULL, NULL));
	assert_int_equal(sidebar_serial(f->site), serial);
	sidebar_backdate(f->site, GRACE);
	cache_backdate(f->site, DUE);
	assert_false(hit(f, "/c/", 0, NULL, NULL));
	site_tick(f->site);
	assert_true(sidebar_serial(f->site) != serial);
	assert_non_null(strstr(sidebar_html(f->site, f->a), "href=\"/2022/"));
	assert_false(hit(f, "/c/", 0, NULL, NULL));
	real_clock();
}

/*
 * The scheduler's thread, once it watches the site, makes the sidebar
 * again when it is due: no request has to.  (The loop's bound is only a
 * guard against a hang: the thread ticks twice a second.)
 */
static void
the_scheduler_keeps_the_sidebar(void **state)
{
	struct fx *f = *state;
	int64_t c = add_post(f->st, "c");
	struct scheduler *sc;
	struct error e;
	int served = 0;

	site_refresh(f->site);
	put_page(f, "/c/", PAGE, 'c', c);
	cache_backdate(f->site, DUE);
	sidebar_backdate(f->site, DUE + GRACE);
	assert_false(hit(f, "/c/", 0, NULL, NULL));
	sc = scheduler_start(f->st, &e);
	assert_non_null(sc);
	scheduler_watch(sc, f->site);
	for (int i = 0; i < 20000 && !served; i++) {
		served = hit(f, "/c/", 0, NULL, NULL);
		if (!served)
			usleep(1000);
	}
	scheduler_stop(sc);
	assert_true(served);
}

/*
 * After a change of settings, the sidebar is made by the next request,
 * which applies them first (the archive months are counted in the site's
 * time zone), not by a tick that comes before it: made then, it kept the
 * old zone's months for the new generation (timezone.test.mjs failed
 * once).  A post at 20:00 UTC on June 30, 2026 is in July in Auckland and
 * in June in Los Angeles.
 */
static void
a_tick_leaves_new_settings_to_a_request(void **state)
{
	struct fx *f = *state;
	struct post p =
		tmp_site_post_in(POST_POST, POST_PUBLISHED, "kiwi", 1782849600);
	struct error e;
	const char *html;
	int64_t id;

	set_clock(1800000000);
	add_block(f, "archives");
	assert_int_equal(store_post_add(f->st, &p, &id, &e), 0);
	assert_int_equal(store_setting_set(f->st, "timezone",
	                                   "Pacific/Auckland", &e),
	                 0);
	site_refresh(f->site);
	html = sidebar_html(f->site, f->a);
	assert_non_null(strstr(html, "href=\"/2026/07/\""));
	assert_null(strstr(html, "href=\"/2026/06/\""));

	assert_int_equal(store_setting_set(f->st, "timezone",
	                                   "America/Los_Angeles", &e),
	                 0);
	site_tick(f->site); /* the thread's tick, before any request */
	site_refresh(f->site);
	html = sidebar_html(f->site, f->a);
	assert_non_null(strstr(html, "href=\"/2026/06/\""));
	assert_null(strstr(html, "href=\"/2026/07/\""));

	/* and due by its age, the tick makes it in the zone in force */
	sidebar_backdate(f->site, DUE);
	site_tick(f->site);
	html = sidebar_html(f->site, f->a);
	assert_non_null(strstr(html, "href=\"/2026/06/\""));
	tz_use("UTC", &e);
	real_clock();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_page_stays_while_its_sidebar_is_made_again, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			site_tick_makes_a_due_sidebar_again, setup, teardown),
		cmocka_unit_test_setup_teardown(the_scheduler_keeps_the_sidebar,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_tick_leaves_new_settings_to_a_request, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
