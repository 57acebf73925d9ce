#ifndef GAZETTE_METRICS_H
#define GAZETTE_METRICS_H
/*
 * Process-wide counters for /metrics, cheap enough for every request:
 * each thread counts in a block of its own (no lock, no shared cache line,
 * no allocation after the thread's first count), and metrics_sum() adds
 * the blocks up when /metrics is read.  A block is registered once per
 * thread, lock-free, and outlives the thread (its counts stay in the
 * sums).  Counts are relaxed atomics: a sum may miss a count made at the
 * same instant, never tear one.
 */
#include <stdint.h>

enum metric {
	METRIC_CACHE_HITS,
	METRIC_CACHE_MISSES,
	METRIC_CACHE_EVICTIONS,
	METRIC_VIEWS_COUNTED,
	METRIC_VIEWS_FLUSHED,
	METRIC_FEED_FETCHES,
	METRIC_FEED_ERRORS,
	METRIC_MAIL_SENT,
	METRIC_MAIL_FAILED,
	METRIC__MAX
};

/* What kind of request, for requests by route class. */
enum metric_route {
	ROUTE_CLASS_PAGE,    /* posts, pages, lists, search: HTML for readers */
	ROUTE_CLASS_FEED,    /* feeds, sitemaps, robots.txt */
	ROUTE_CLASS_API,     /* /api/ */
	ROUTE_CLASS_ADMIN,   /* /admin/, /login, /logout, /invite */
	ROUTE_CLASS_FORM,    /* POSTs of readers' forms: comments, submit */
	ROUTE_CLASS_ASSET,   /* /static/, /media/, /favicon.ico */
	ROUTE_CLASS_HEALTH,  /* /healthz, /metrics */
	ROUTE_CLASS_REFUSED, /* refused before a handler ran (413, 431...) */
	ROUTE_CLASS__MAX
};
extern const char *const metric_route_names[ROUTE_CLASS__MAX];

/* Upper bounds of the latency histogram's buckets, in microseconds; a
 * last bucket (+Inf) follows. */
#define METRIC_LATENCY_BUCKETS 13
extern const uint64_t metric_latency_us[METRIC_LATENCY_BUCKETS];

void metrics_add(enum metric m, uint64_t n);
/* One request answered with status (100..599) after us microseconds. */
void metrics_request(enum metric_route rc, int status, uint64_t us);

uint64_t metrics_sum(enum metric m);
/* Requests of route class rc answered with status, so far. */
uint64_t metrics_requests(enum metric_route rc, int status);
/* The histogram: counts per bucket (not cumulative; the last is +Inf),
 * the sum of the latencies in microseconds and the count. */
void metrics_latency(uint64_t buckets[METRIC_LATENCY_BUCKETS + 1],
                     uint64_t *sum_us, uint64_t *count);

#endif
