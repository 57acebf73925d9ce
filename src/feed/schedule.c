/*
 * The next fetch time and the consequences of an outcome; the rules are
 * in schedule.h.  Nothing here reads a clock or does I/O.
 */
#include <string.h>

#include "schedule.h"
#include "../util/limits.h"
#include "../util/banned.h"

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int64_t
feed_next_interval(int64_t interval, int64_t cache_seconds, int ttl_minutes)
{
	int64_t wait = interval > 0 ? interval : FEED_INTERVAL_DEFAULT;

	/* the server's own word may only lengthen the wait: a max-age of
	 * 0 does not make us poll every minute */
	if (cache_seconds > wait)
		wait = cache_seconds;
	if (ttl_minutes > 0 && (int64_t)ttl_minutes * 60 > wait)
		wait = (int64_t)ttl_minutes * 60;
	return clamp(wait, LIM_FEED_INTERVAL_MIN, LIM_FEED_INTERVAL_MAX);
}

int64_t
feed_backoff(int errors)
{
	int64_t wait = LIM_FEED_INTERVAL_MIN;

	for (int i = 1; i < errors && wait < LIM_FEED_BACKOFF_MAX; i++)
		wait *= 2;
	return clamp(wait, LIM_FEED_INTERVAL_MIN, LIM_FEED_BACKOFF_MAX);
}

void
feed_plan(const struct feed_sched *s, const struct feed_result *r,
          int ttl_minutes, int64_t now, struct feed_plan *out)
{
	int ok = r->error.code == ERR_OK &&
	         ((r->status >= 200 && r->status < 300) || r->status == 304);

	memset(out, 0, sizeof(*out));
	out->errors = ok ? 0 : s->errors + 1;
	if (r->status == 410) {
		out->disable = 1;
		out->next_fetch = now + LIM_FEED_INTERVAL_MAX;
		return;
	}
	if ((r->status == 429 || r->status == 503) && r->retry_after >= 0)
		out->next_fetch =
			now + clamp(r->retry_after, LIM_FEED_INTERVAL_MIN,
		                    LIM_FEED_RETRY_AFTER_MAX);
	else if (ok)
		out->next_fetch =
			now + feed_next_interval(s->interval, r->cache_seconds,
		                                 ttl_minutes);
	else
		out->next_fetch = now + feed_backoff(out->errors);
	out->parse = ok && r->status != 304 && r->body.len > 0;
	/* permanent redirects, counted over fetches to the same target */
	if (ok && r->redirect == FEED_REDIRECT_PERMANENT &&
	    r->effective_url != NULL) {
		out->redirect_to = r->effective_url;
		out->redirects =
			s->redirect_to != NULL && strcmp(s->redirect_to,
		                                         r->effective_url) == 0
				? s->redirects + 1
				: 1;
		if (out->redirects >= LIM_FEED_PERMANENT_REDIRECTS) {
			out->move_to = r->effective_url;
			out->redirects = 0;
			out->redirect_to = NULL;
		}
	} else if (!ok && s->redirect_to != NULL) {
		/* an error says nothing about the redirect: keep the count */
		out->redirect_to = s->redirect_to;
		out->redirects = s->redirects;
	}
}
