/*
 * /metrics in Prometheus' text exposition format (version 0.0.4): the
 * counters util/metrics.c keeps per thread, summed, and a few numbers
 * read when it is asked (comments by status, the outbox, the page cache's
 * size, the database's bytes).  Only for the machine itself: a reader
 * whose address (req_client_ip: behind a trusted proxy, the forwarded
 * one) is loopback, or anyone with gazette.conf's metrics_token as
 * "Authorization: Bearer TOKEN".  Never cached.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../store/comments.h"
#include "../store/notify.h"
#include "../util/log.h"
#include "../util/metrics.h"
#include "../util/netaddr.h"
#include "../util/banned.h"

static int
loopback(const char *ip)
{
	struct netset lo;
	struct netaddr a;
	struct error e;

	memset(&lo, 0, sizeof(lo));
	if (ip == NULL || netset_add(&lo, "127.0.0.0/8, ::1", &e) == -1 ||
	    netaddr_parse(ip, strlen(ip), &a) == -1)
		return 0;
	return netset_has(&lo, &a);
}

static int
token_ok(const struct site *s, const struct req *r)
{
	const char *h = req_header(r, "Authorization");
	const char *token = site_metrics_token(s);

	if (token == NULL || *token == '\0' || h == NULL ||
	    strncmp(h, "Bearer ", 7) != 0)
		return 0;
	return auth_equal(h + 7, token);
}

static int line(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
line(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	return buf_add(b, tmp, (size_t)n);
}

static int
counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	if (line(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
	         name, name, (unsigned long long)v) == -1)
		return -1;
	return 0;
}

static int
gauge(struct buf *b, const char *name, const char *help, int64_t v)
{
	return line(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help,
	            name, name, (long long)v);
}

static int
requests(struct buf *b)
{
	uint64_t buckets[METRIC_LATENCY_BUCKETS + 1], sum, count, cum = 0;

	if (line(b, "# HELP gazette_http_requests_total Requests answered, "
	            "by route class and status.\n"
	            "# TYPE gazette_http_requests_total counter\n") == -1)
		return -1;
	for (int c = 0; c < ROUTE_CLASS__MAX; c++)
		for (int st = 100; st < 600; st++) {
			uint64_t n = metrics_requests(c, st);

			if (n > 0 &&
			    line(b,
			         "gazette_http_requests_total{route=\"%s\","
			         "status=\"%d\"} %llu\n",
			         metric_route_names[c], st,
			         (unsigned long long)n) == -1)
				return -1;
		}
	metrics_latency(buckets, &sum, &count);
	if (line(b, "# HELP gazette_http_request_duration_seconds From the "
	            "request head to the answer queued.\n"
	            "# TYPE gazette_http_request_duration_seconds "
	            "histogram\n") == -1)
		return -1;
	for (int i = 0; i < METRIC_LATENCY_BUCKETS; i++) {
		cum += buckets[i];
		if (line(b,
		         "gazette_http_request_duration_seconds_bucket{le=\"%g\"}"
		         " %llu\n",
		         (double)metric_latency_us[i] / 1e6,
		         (unsigned long long)cum) == -1)
			return -1;
	}
	return line(b,
	            "gazette_http_request_duration_seconds_bucket{le=\"+Inf\"} "
	            "%llu\n"
	            "gazette_http_request_duration_seconds_sum %.6f\n"
	            "gazette_http_request_duration_seconds_count %llu\n",
	            (unsigned long long)count, (double)sum / 1e6,
	            (unsigned long long)count);
}

static int
from_store(struct site *s, struct buf *b, struct error *e)
{
	int64_t n, waiting, given_up, bytes;

	if (line(b, "# HELP gazette_comments Comments stored, by status.\n"
	            "# TYPE gazette_comments gauge\n") == -1)
		return error_set(e, ERR_TOO_BIG, "metrics too long");
	for (int st = 0; st < COMMENT_STATUS__MAX; st++) {
		if (store_comment_count(s->store, st, &n, e) == -1)
			return -1;
		if (line(b, "gazette_comments{status=\"%s\"} %lld\n",
		         comment_status_names[st], (long long)n) == -1)
			return error_set(e, ERR_TOO_BIG, "metrics too long");
	}
	if (store_outbox_counts(s->store, LIM_MAIL_ATTEMPTS, &waiting,
	                        &given_up, e) == -1)
		return -1;
	if (store_size(s->store, &bytes) == -1)
		bytes = 0;
	if (gauge(b, "gazette_outbox_waiting",
	          "Reply notifications waiting to be sent.", waiting) == -1 ||
	    gauge(b, "gazette_outbox_given_up",
	          "Reply notifications given up on after every attempt.",
	          given_up) == -1 ||
	    gauge(b, "gazette_database_bytes",
	          "The database file and its -wal, in bytes.", bytes) == -1)
		return error_set(e, ERR_TOO_BIG, "metrics too long");
	return 0;
}

static void
fail(struct resp *rs, const char *why)
{
	buf_reset(&rs->body);
	rs->status = 500;
	rs->content_type = "text/plain; charset=utf-8";
	log_error("metrics: %s", why);
	if (buf_puts(&rs->body, "metrics unavailable\n") == -1)
		return;
}

void
metrics_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct error e;
	size_t bytes, entries, packed;

	rs->cache_control = "no-store";
	if (!loopback(req_client_ip(r)) && !token_ok(s, r)) {
		rs->status = 403;
		rs->content_type = "text/plain; charset=utf-8";
		if (buf_puts(&rs->body, "metrics are for loopback, or with "
		                        "metrics_token\n") == -1)
			return;
		return;
	}
	cache_usage(s, &bytes, &entries, &packed);
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	if (requests(&rs->body) == -1 ||
	    counter(&rs->body, "gazette_page_cache_hits_total",
	            "Pages answered from the page cache.",
	            metrics_sum(METRIC_CACHE_HITS)) == -1 ||
	    counter(&rs->body, "gazette_page_cache_misses_total",
	            "Cacheable requests the page cache did not hold.",
	            metrics_sum(METRIC_CACHE_MISSES)) == -1 ||
	    counter(&rs->body, "gazette_page_cache_evictions_total",
	            "Pages dropped from the page cache to make room.",
	            metrics_sum(METRIC_CACHE_EVICTIONS)) == -1 ||
	    gauge(&rs->body, "gazette_page_cache_bytes",
	          "Memory the page cache holds.", (int64_t)bytes) == -1 ||
	    gauge(&rs->body, "gazette_page_cache_entries",
	          "Pages the page cache holds.", (int64_t)entries) == -1 ||
	    counter(&rs->body, "gazette_views_counted_total",
	            "Views counted (one per reader per post per window).",
	            metrics_sum(METRIC_VIEWS_COUNTED)) == -1 ||
	    counter(&rs->body, "gazette_views_flushed_total",
	            "Views written to the database.",
	            metrics_sum(METRIC_VIEWS_FLUSHED)) == -1 ||
	    counter(&rs->body, "gazette_feed_fetches_total",
	            "Fetches of the river's feeds.",
	            metrics_sum(METRIC_FEED_FETCHES)) == -1 ||
	    counter(&rs->body, "gazette_feed_fetch_errors_total",
	            "Fetches of the river's feeds that failed.",
	            metrics_sum(METRIC_FEED_ERRORS)) == -1 ||
	    counter(&rs->body, "gazette_mail_sent_total",
	            "Reply notifications sent.",
	            metrics_sum(METRIC_MAIL_SENT)) == -1 ||
	    counter(&rs->body, "gazette_mail_failed_total",
	            "Attempts to send a reply notification that failed.",
	            metrics_sum(METRIC_MAIL_FAILED)) == -1) {
		fail(rs, "too long");
		return;
	}
	if (from_store(s, &rs->body, &e) == -1)
		fail(rs, e.msg);
}
