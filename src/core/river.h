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

/* ---- managing the feeds (river_manage.c): the admin and its API ---- */

/* ERR_INVALID unless url is an http(s) URL of at most LIM_FEED_URL_BYTES. */
int river_url_check(const char *url, struct error *e);

/*
 * Follow url (a feed's or a page's) without fetching it: it is due at
 * once, and the feed thread follows the first feed a page announces.
 * name: "" or NULL for the feed's title; section: a slug, or ""/NULL for
 * the first aggregator.  On error *bad names the field ("url", "name",
 * "section"); ERR_CONFLICT when url is followed already.
 */
int river_add(struct store *st, struct arena *a, const char *url,
              const char *name, const char *section, int64_t now, int64_t *id,
              const char **bad, struct error *e);

/* What river_edit changes: NULL or -1 leaves a field as it is. */
struct river_change {
	const char *name;
	int64_t interval;    /* seconds, LIM_FEED_INTERVAL_MIN..MAX */
	const char *section; /* an aggregator section's slug */
	int enabled;
};
/* Change feed id (its entries move with its section); *bad names the
 * field at fault ("" for none); ERR_NOT_FOUND. */
int river_edit(struct store *st, struct arena *a, int64_t id,
               const struct river_change *c, int64_t now, const char **bad,
               struct error *e);

/* Feed id due at now, for the feed thread's next look (about a second);
 * ERR_CONFLICT when it is disabled. */
int river_fetch_soon(struct store *st, struct arena *a, int64_t id, int64_t now,
                     struct error *e);

/* ERR_INVALID unless rule is one line of 1..LIM_FEED_FILTER_LINE_BYTES. */
int river_filter_check(const char *rule, struct error *e);
/*
 * A keyword filter of source_id (0: every feed), applied to the entries
 * stored already as well as to those to come; *changed: entries hidden.
 * ERR_NOT_FOUND when there is no such feed.
 */
int river_filter_add(struct store *st, struct arena *a, int64_t source_id,
                     const char *rule, int64_t now, int64_t *id, int *changed,
                     struct error *e);
/* Remove filter id; entries it alone hid are shown again (*changed). */
int river_filter_remove(struct store *st, struct arena *a, int64_t id,
                        int *changed, struct error *e);
/* Apply the filters again to source_id's stored entries (0: every
 * feed's); *changed: how many changed. */
int river_refilter(struct store *st, int64_t source_id, int *changed,
                   struct error *e);

/* The server's fetch thread: fetches due feeds, prunes hourly, and
 * between batches fetches the providers' thumbnails the admin's editor
 * and API left pending (videos_thumb_step, decision 093); site_dir is the
 * site's folder, where they are stored. */
struct river_thread;
struct river_thread *river_thread_start(struct store *st, const char *site_dir,
                                        const char *site_url, struct error *e);
void river_thread_stop(struct river_thread *t);
#endif
