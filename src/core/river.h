#ifndef GAZETTE_CORE_RIVER_H
#define GAZETTE_CORE_RIVER_H
/*
 * The river's rules (issue 15): following a feed (by its URL or a page's,
 * through autodiscovery), fetching feeds (feed/fetch.h) and storing what
 * they hold (store/river.h) as feed/schedule.h plans, pruning, and the
 * server's feed thread.  `gazette feeds` and the thread run the same
 * code.
 */
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

struct store;
struct feed_doc;

/* What one fetch of one feed did. */
struct river_report {
	int64_t id;
	const char *url;   /* the feed's URL after the fetch */
	long status;       /* HTTP status; 0 when no response came */
	int added;         /* new headlines shown */
	const char *error; /* "" when none */
};

struct river_opts {
	const char *site_url; /* named in the User-Agent */
	/* Non-zero stops a batch (shutdown); may be NULL. */
	int (*stop)(void *arg);
	void *stop_arg;
	/* Called once per feed fetched (r's strings last only as long as
	 * the call); may be NULL. */
	void (*report)(const struct river_report *r, void *arg);
	void *report_arg;
};

enum river_which {
	RIVER_DUE, /* enabled feeds due at now */
	RIVER_ALL, /* every enabled feed */
	RIVER_ONE, /* feed id, enabled or not */
};

/*
 * Fetch the feeds which says, LIM_RIVER_BATCH at a time, and store what
 * they hold: new entries (filtered ones hidden), the validators, the
 * status and error, the next fetch.  *fetched counts them.  0, or -1 when
 * the store or a batch failed (a feed's own failure is its report's).
 */
int river_fetch(struct store *st, const struct river_opts *o,
                enum river_which which, int64_t id, int64_t now, int *fetched,
                struct error *e);

/* Prune entries older than the setting river_keep_days (0: none);
 * *n: how many. */
int river_prune(struct store *st, int64_t now, int64_t *n, struct error *e);

/*
 * Follow url: a feed as it is, or the first feed a page announces
 * (<link rel="alternate">).  name: the feed's title when NULL or "";
 * section: a section's slug (an aggregator), or NULL for the site's first
 * aggregator section (none: no section).  *id and *feed_url (in a) say
 * what was added.  ERR_INVALID: not fetched, not a feed, no feed
 * announced, not an aggregator; ERR_CONFLICT: followed already;
 * ERR_NOT_FOUND: no such section.
 */
int river_follow(struct store *st, struct arena *a, const char *site_url,
                 const char *url, const char *name, const char *section,
                 int64_t now, int64_t *id, const char **feed_url,
                 struct error *e);

/*
 * The section a feed goes in: slug's (an aggregator's), or with slug
 * NULL the first aggregator section, or 0 when there is none.
 */
int river_section(struct store *st, struct arena *a, const char *slug,
                  int64_t now, int64_t *id, struct error *e);

/* The server's feed thread: fetches due feeds, prunes hourly. */
struct river_thread;
struct river_thread *river_thread_start(struct store *st, const char *site_url,
                                        struct error *e);
void river_thread_stop(struct river_thread *t);
#endif
