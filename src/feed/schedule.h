#ifndef GAZETTE_FEED_SCHEDULE_H
#define GAZETTE_FEED_SCHEDULE_H
/*
 * When to fetch a feed next, and what a fetch's outcome does to it:
 * pure functions of the feed's stored state and the result, so the
 * server's feed thread, `gazette feeds fetch` and the tests agree.
 *
 * - 200 or 304: the feed's interval, or longer when the server asks
 *   (Cache-Control max-age, Expires, RSS <ttl>), clamped to
 *   [LIM_FEED_INTERVAL_MIN, LIM_FEED_INTERVAL_MAX]; errors reset.
 * - 429 or 503 with Retry-After: that long, at most
 *   LIM_FEED_RETRY_AFTER_MAX; counted as an error without one.
 * - any other error: LIM_FEED_INTERVAL_MIN doubled per consecutive
 *   error, at most LIM_FEED_BACKOFF_MAX, so a broken feed is tried
 *   again daily and never parked for good.
 * - 410 Gone: the feed is disabled.
 * - a permanent redirect (every hop 301/308) seen on
 *   LIM_FEED_PERMANENT_REDIRECTS fetches in a row to the same URL moves
 *   the stored URL there; a temporary one (302/303/307) never does.
 */
#include <stdint.h>

#include "fetch.h"

/* What the store keeps between fetches. */
struct feed_sched {
	int64_t interval;        /* the feed's own, seconds; 0: 1 hour */
	int errors;              /* consecutive */
	int redirects;           /* fetches in a row redirected to... */
	const char *redirect_to; /* ...this URL, or NULL */
};

struct feed_plan {
	int64_t next_fetch; /* Unix seconds */
	int errors, redirects;
	const char *redirect_to; /* r's URL or NULL: store it */
	const char *move_to;     /* non-NULL: the feed's URL becomes this */
	int disable;             /* 410 */
	int parse;               /* a 200 with a body: parse it */
};

#define FEED_INTERVAL_DEFAULT 3600

/*
 * The plan after result r (ttl_minutes: the parsed feed's <ttl>, or 0;
 * known only after parsing, so call again with it then).  Strings point
 * into r or s.
 */
void feed_plan(const struct feed_sched *s, const struct feed_result *r,
               int ttl_minutes, int64_t now, struct feed_plan *out);

/* The pieces, for callers and tests. */
int64_t feed_next_interval(int64_t interval, int64_t cache_seconds,
                           int ttl_minutes);
int64_t feed_backoff(int errors);

#endif
