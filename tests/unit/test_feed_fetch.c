/*
 * feed/fetch.c against a misbehaving server on loopback
 * (tests/unit/feed_server.py, started here), and feed/schedule.c on
 * what came back: 304 with the validators echoed, 429 with Retry-After
 * in seconds and as a date, 301 against 302, 410, 500 backing off, a
 * 1 byte/s drip cut, a gzip bomb stopped at the cap with flat memory, a
 * private address refused (directly and after a redirect), never more
 * than two connections to one host.  Without python3 the test is
 * skipped (77), or fails under CI=true.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "feed/feed.h"
#include "feed/fetch.h"
#include "feed/schedule.h"
#include "util/limits.h"
#include "util/netaddr.h"
#include "feed_server.h"
#include "util/banned.h"

static struct feed_server fs;
static int port;
static struct netset loopback; /* the server's address, allowed */
static int skipped;

static int
start_server(void **state)
{
	struct error e;

	(void)state;
	if (feed_server_start(&fs) == -1)
		return -1;
	port = fs.port;
	if (port == 0)
		return 0; /* each test skips */
	if (netset_add(&loopback, "127.0.0.1", &e) == -1)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
stop_server(void **state)
{
	(void)state;
	feed_server_stop(&fs);
	curl_global_cleanup();
	return 0;
}

static void
need_server(void)
{
	const char *ci = getenv("CI");

	if (port != 0)
		return;
	if (ci != NULL && strcmp(ci, "true") == 0)
		fail_msg("python3 is needed for the fetch tests");
	skipped = 1;
	skip();
}

static const char *
url(const char *path)
{
	static char u[8][128];
	static int k;

	k = (k + 1) % 8;
	snprintf(u[k], sizeof(u[k]), "http://127.0.0.1:%d%s", port, path);
	return u[k];
}

static struct feed_fetch_opts
opts(void)
{
	struct feed_fetch_opts o = {0};

	o.site_url = "https://news.example";
	o.allow = &loopback;
	o.total_seconds = 30;
	return o;
}

/* Fetch one URL. */
static void
get1(const struct feed_fetch_opts *o, const char *u, const char *etag,
     const char *lm, struct feed_result *r)
{
	struct feed_request rq = {u, etag, lm};
	struct error e;

	assert_int_equal(feed_fetch(o, &rq, 1, r, &e), 0);
}

static json_t *
stats(void)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	json_t *j;

	get1(&o, url("/stats"), NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	j = json_loadb(r.body.p, r.body.len, 0, NULL);
	assert_non_null(j);
	feed_result_release(&r);
	return j;
}

static long
hits(const char *path)
{
	json_t *j = stats();
	long n = (long)json_integer_value(
		json_object_get(json_object_get(j, "hits"), path));

	json_decref(j);
	return n;
}

static void
conditional_get(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	struct feed_sched s = {0};
	struct feed_plan p;
	struct arena *a;
	struct feed_doc d;
	struct error e;
	char *etag, *lm;

	(void)state;
	need_server();
	get1(&o, url("/feed"), NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.error.code, ERR_OK);
	assert_string_equal(r.etag, "W/\"v1-\\\"quoted\\\"\"");
	assert_string_equal(r.last_modified, "Sat, 05 Dec 2026 10:00:00 GMT");
	assert_int_equal(r.cache_seconds, 7200);
	assert_non_null(strstr(r.content_type, "rss"));
	a = arena_new();
	assert_int_equal(feed_parse(a, r.body.p, r.body.len, r.content_type,
	                            r.effective_url, &d, &e),
	                 0);
	assert_string_equal(d.entries[0].title, "One");
	/* max-age 7200 over the default hour; <ttl> 120 min agrees */
	feed_plan(&s, &r, d.ttl_minutes, 1000, &p);
	assert_true(p.parse);
	assert_int_equal(p.next_fetch, 1000 + 7200);
	arena_free(a);
	etag = strdup(r.etag);
	lm = strdup(r.last_modified);
	feed_result_release(&r);
	/* the ETag back byte for byte, W/ and escapes included: 304 */
	get1(&o, url("/feed"), etag, lm, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(r.etag, etag);
	assert_string_equal(r.last_modified, lm);
	feed_plan(&s, &r, 0, 1000, &p);
	assert_false(p.parse);
	assert_int_equal(p.errors, 0);
	feed_result_release(&r);
	/* Last-Modified alone */
	get1(&o, url("/feed"), NULL, lm, &r);
	assert_int_equal(r.status, 304);
	feed_result_release(&r);
	/* a changed ETag: the full feed */
	get1(&o, url("/feed"), "\"v1\"", NULL, &r);
	assert_int_equal(r.status, 200);
	feed_result_release(&r);
	/* Expires, without Cache-Control: about 5 h */
	get1(&o, url("/expires"), NULL, NULL, &r);
	assert_true(r.cache_seconds > 5 * 3600 - 60 &&
	            r.cache_seconds <= 5 * 3600);
	feed_result_release(&r);
	free(etag);
	free(lm);
}

static void
retry_after(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_request rq[3] = {
		{url("/429s"), NULL, NULL},
		{url("/429d"), NULL, NULL},
		{url("/503"), NULL, NULL},
	};
	struct feed_result r[3];
	struct feed_sched s = {0};
	struct feed_plan p;
	struct error e;

	(void)state;
	need_server();
	assert_int_equal(feed_fetch(&o, rq, 3, r, &e), 0);
	assert_int_equal(r[0].status, 429);
	assert_int_equal(r[0].retry_after, 120);
	assert_int_equal(r[1].status, 429);
	assert_true(r[1].retry_after > 3 * 3600 - 60 &&
	            r[1].retry_after <= 3 * 3600);
	assert_int_equal(r[2].status, 503);
	/* 120 s is less than the floor of 15 min */
	feed_plan(&s, &r[0], 0, 0, &p);
	assert_int_equal(p.next_fetch, LIM_FEED_INTERVAL_MIN);
	assert_int_equal(p.errors, 1);
	feed_plan(&s, &r[1], 0, 0, &p);
	assert_true(p.next_fetch > 3 * 3600 - 60);
	/* 99999999 s is capped at two days */
	feed_plan(&s, &r[2], 0, 0, &p);
	assert_int_equal(p.next_fetch, LIM_FEED_RETRY_AFTER_MAX);
	for (int i = 0; i < 3; i++)
		feed_result_release(&r[i]);
}

static void
redirects(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	struct feed_sched s = {0};
	struct feed_plan p;
	char chain[32];

	(void)state;
	need_server();
	/* 301 on LIM_FEED_PERMANENT_REDIRECTS fetches moves the URL */
	for (int i = 1; i <= LIM_FEED_PERMANENT_REDIRECTS; i++) {
		get1(&o, url("/301"), NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.redirect, FEED_REDIRECT_PERMANENT);
		assert_string_equal(r.effective_url, url("/feed"));
		feed_plan(&s, &r, 0, 0, &p);
		if (i < LIM_FEED_PERMANENT_REDIRECTS) {
			assert_null(p.move_to);
			assert_int_equal(p.redirects, i);
			s.redirects = p.redirects;
			free((char *)(uintptr_t)s.redirect_to);
			s.redirect_to = strdup(p.redirect_to);
		} else {
			assert_string_equal(p.move_to, url("/feed"));
		}
		feed_result_release(&r);
	}
	free((char *)(uintptr_t)s.redirect_to);
	/* 308 too; 302 and 307 never, nor a 301 then a 302 */
	get1(&o, url("/308"), NULL, NULL, &r);
	assert_int_equal(r.redirect, FEED_REDIRECT_PERMANENT);
	feed_result_release(&r);
	for (int k = 0; k < 3; k++) {
		const char *path = k == 0   ? "/302"
		                   : k == 1 ? "/307"
		                            : "/301-302";
		struct feed_sched t = {0, 0, LIM_FEED_PERMANENT_REDIRECTS,
		                       NULL};

		get1(&o, url(path), NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.redirect, FEED_REDIRECT_TEMPORARY);
		t.redirect_to = r.effective_url;
		feed_plan(&t, &r, 0, 0, &p);
		assert_null(p.move_to);
		assert_int_equal(p.redirects, 0);
		feed_result_release(&r);
	}
	/* LIM_FEED_REDIRECTS hops are followed, one more is not */
	snprintf(chain, sizeof(chain), "/chain/%d", LIM_FEED_REDIRECTS);
	get1(&o, url(chain), NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.effective_url, url("/feed"));
	feed_result_release(&r);
	snprintf(chain, sizeof(chain), "/chain/%d", LIM_FEED_REDIRECTS + 1);
	get1(&o, url(chain), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_IO);
	feed_result_release(&r);
	/* only http and https, after a redirect too */
	get1(&o, url("/to-file"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_IO);
	feed_result_release(&r);
}

static void
gone_and_errors(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	struct feed_sched s = {0};
	struct feed_plan p;
	int64_t last = 0;

	(void)state;
	need_server();
	get1(&o, url("/410"), NULL, NULL, &r);
	assert_int_equal(r.status, 410);
	feed_plan(&s, &r, 0, 0, &p);
	assert_true(p.disable);
	feed_result_release(&r);
	/* 500s: 15 min, doubling, never past a day, never parked */
	get1(&o, url("/500"), NULL, NULL, &r);
	assert_int_equal(r.status, 500);
	for (int i = 0; i < 20; i++) {
		feed_plan(&s, &r, 0, 0, &p);
		assert_int_equal(p.errors, i + 1);
		assert_false(p.disable);
		if (i == 0)
			assert_int_equal(p.next_fetch, LIM_FEED_INTERVAL_MIN);
		else if (i == 1)
			assert_int_equal(p.next_fetch,
			                 2 * LIM_FEED_INTERVAL_MIN);
		assert_true(p.next_fetch >= last);
		assert_true(p.next_fetch <= LIM_FEED_BACKOFF_MAX);
		last = p.next_fetch;
		s.errors = p.errors;
	}
	assert_int_equal(last, LIM_FEED_BACKOFF_MAX);
	/* a success resets the count */
	feed_result_release(&r);
	get1(&o, url("/feed"), NULL, NULL, &r);
	feed_plan(&s, &r, 0, 0, &p);
	assert_int_equal(p.errors, 0);
	feed_result_release(&r);
	/* no server at all, bad URLs, credentials */
	get1(&o, "http://127.0.0.1:1/", NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_IO);
	assert_int_equal(r.status, 0);
	feed_result_release(&r);
	get1(&o, "ftp://127.0.0.1/feed", NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_INVALID);
	feed_result_release(&r);
	get1(&o, "https://user:pw@news.example/feed", NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_INVALID);
	feed_result_release(&r);
}

static void
drip_is_cut(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	time_t t0 = time(NULL);

	(void)state;
	need_server();
	o.low_speed_bytes = 100;
	o.low_speed_seconds = 3;
	get1(&o, url("/drip"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_IO);
	assert_true(time(NULL) - t0 < 15);
	print_message("drip: %s after %lld s\n", r.error.msg,
	              (long long)(time(NULL) - t0));
	feed_result_release(&r);
	/* fast enough, but the whole transfer's deadline cuts it */
	o.low_speed_bytes = 1;
	o.low_speed_seconds = 100;
	o.total_seconds = 2;
	t0 = time(NULL);
	get1(&o, url("/drip"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_IO);
	assert_non_null(strstr(r.error.msg, "timed out"));
	assert_true(time(NULL) - t0 < 10);
	feed_result_release(&r);
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
gzip_bomb_stops_at_the_cap(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	long before;

	(void)state;
	need_server();
	o.max_bytes = 1 << 20;
	before = max_rss_kib();
	get1(&o, url("/bomb"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_TOO_BIG);
	assert_int_equal(r.body.len, 0);
	/* 64 MiB inflated; the peak grew by far less */
	print_message("bomb: peak RSS %ld -> %ld KiB\n", before, max_rss_kib());
	assert_true(max_rss_kib() - before < 16 * 1024);
	feed_result_release(&r);
	/* the default cap is LIM_FEED_BYTES, crossed the same way */
	o.max_bytes = 0;
	get1(&o, url("/bomb"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_TOO_BIG);
	feed_result_release(&r);
}

static void
private_addresses_refused(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_result r;
	long before;
	struct netaddr a;

	(void)state;
	need_server();
	/* directly: no connection is made at all */
	before = hits("/feed");
	o.allow = NULL;
	get1(&o, url("/feed"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_FORBIDDEN);
	assert_non_null(strstr(r.error.msg, "127.0.0.1"));
	feed_result_release(&r);
	assert_int_equal(hits("/feed"), before);
	/* after a redirect from an allowed address */
	o.allow = &loopback;
	get1(&o, url("/to-private"), NULL, NULL, &r);
	assert_int_equal(r.error.code, ERR_FORBIDDEN);
	assert_non_null(strstr(r.error.msg, "127.0.0.2"));
	feed_result_release(&r);
	/* feeds_allow_private lets it through */
	o.allow = NULL;
	o.allow_private = 1;
	get1(&o, url("/feed"), NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	feed_result_release(&r);
	/* the classification */
	static const struct {
		const char *ip;
		int pub;
	} t[] = {
		{"8.8.8.8", 1},
		{"127.0.0.1", 0},
		{"10.1.2.3", 0},
		{"172.16.0.1", 0},
		{"172.32.0.1", 1},
		{"192.168.1.1", 0},
		{"169.254.169.254", 0},
		{"100.64.0.1", 0},
		{"224.0.0.1", 0},
		{"0.0.0.0", 0},
		{"255.255.255.255", 0},
		{"::1", 0},
		{"::", 0},
		{"fe80::1", 0},
		{"fd00::1", 0},
		{"ff02::1", 0},
		{"::ffff:127.0.0.1", 0},
		{"2606:4700::1111", 1},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(netaddr_parse(t[i].ip, strlen(t[i].ip), &a),
		                 0);
		if (feed_addr_public(&a) != t[i].pub)
			fail_msg("%s: public %d", t[i].ip, !t[i].pub);
	}
}

static void
two_connections_per_host(void **state)
{
	struct feed_fetch_opts o = opts();
	struct feed_request rq[6];
	struct feed_result r[6];
	struct error e;
	json_t *j;

	(void)state;
	need_server();
	get1(&o, url("/reset"), NULL, NULL, &r[0]);
	feed_result_release(&r[0]);
	for (int i = 0; i < 6; i++) {
		rq[i].url = url("/slow");
		rq[i].etag = rq[i].last_modified = NULL;
	}
	assert_int_equal(feed_fetch(&o, rq, 6, r, &e), 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r[i].status, 200);
		feed_result_release(&r[i]);
	}
	j = stats();
	print_message("connections opened %lld (with /stats), requests at "
	              "once %lld\n",
	              (long long)json_integer_value(
			      json_object_get(j, "accepted")),
	              (long long)json_integer_value(
			      json_object_get(j, "slow_max")));
	assert_true(json_integer_value(json_object_get(j, "slow_max")) <= 2);
	assert_true(json_integer_value(json_object_get(j, "slow_max")) >= 1);
	/* two for the batch, one for /stats */
	assert_true(json_integer_value(json_object_get(j, "accepted")) <= 3);
	json_decref(j);
}

static void
schedule_rules(void **state)
{
	(void)state;
	/* the interval, clamped to [15 min, 24 h] */
	assert_int_equal(feed_next_interval(0, -1, 0), 3600);
	assert_int_equal(feed_next_interval(60, -1, 0), LIM_FEED_INTERVAL_MIN);
	assert_int_equal(feed_next_interval(7 * 86400, -1, 0),
	                 LIM_FEED_INTERVAL_MAX);
	/* the server may lengthen, never shorten */
	assert_int_equal(feed_next_interval(3600, 0, 0), 3600);
	assert_int_equal(feed_next_interval(3600, 10800, 0), 10800);
	assert_int_equal(feed_next_interval(3600, -1, 300), 18000);
	assert_int_equal(feed_next_interval(3600, 999999, 0),
	                 LIM_FEED_INTERVAL_MAX);
	assert_int_equal(feed_backoff(1), LIM_FEED_INTERVAL_MIN);
	assert_int_equal(feed_backoff(3), 4 * LIM_FEED_INTERVAL_MIN);
	assert_int_equal(feed_backoff(1000), LIM_FEED_BACKOFF_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schedule_rules),
		cmocka_unit_test(conditional_get),
		cmocka_unit_test(retry_after),
		cmocka_unit_test(redirects),
		cmocka_unit_test(gone_and_errors),
		cmocka_unit_test(drip_is_cut),
		cmocka_unit_test(gzip_bomb_stops_at_the_cap),
		cmocka_unit_test(private_addresses_refused),
		cmocka_unit_test(two_connections_per_host),
	};
	int failed = cmocka_run_group_tests(tests, start_server, stop_server);

	return failed != 0 ? 1 : skipped ? 77 : 0;
}
