#ifndef GAZETTE_VIEWS_H
#define GAZETTE_VIEWS_H
/*
 * Live view counts (DESIGN.md section 2).  A view is counted in memory:
 * bots are filtered by User-Agent, and one IP (IPv6: its /64) counts once
 * per post per LIM_VIEW_WINDOW_SECONDS; the IP is kept only as a keyed
 * hash, in memory.  A flush thread writes the sums every second into
 * post_views(post_id, day, n) and posts.views_total in one transaction;
 * views_free() flushes before it returns.  "Popular in the last N days"
 * sums the daily buckets and is recomputed at most once a minute per N
 * into a cached list.  Thread-safe.
 */
#include <stdint.h>

#include "../store/posts.h"
#include "../util/arena.h"
#include "../util/error.h"

/* How often pending counts are written, and how long a popular list is
 * served before it is recomputed. */
#define VIEWS_FLUSH_SECONDS   1
#define VIEWS_POPULAR_SECONDS 60

struct views;

struct popular {
	struct post post; /* all but the body ("") and the tags */
	int64_t views;    /* inside the window */
};

struct views *views_new(struct store *st, struct error *e);
/* Start the flush thread (the server does; the CLI need not). */
int views_start(struct views *v, struct error *e);
/* Stop the flush thread, flush what is pending, free. */
void views_free(struct views *v);

/*
 * One reader's view of post_id from address ip (text, as the server
 * gives it).  0 with *total (the all-time count, pending views included)
 * and *counted (0 when filtered: a bot, a repeat within the window, or
 * memory for counting full); -1 with ERR_NOT_FOUND when the post is
 * unknown, not published or scheduled for later (nothing is counted).
 */
int views_hit(struct views *v, int64_t post_id, const char *ip,
              const char *user_agent, int64_t *total, int *counted,
              struct error *e);
/*
 * A download of a book's free file ("epub" or "pdf"), counted as a view
 * is: not for a bot, once per address per book and file per
 * LIM_VIEW_WINDOW_SECONDS, the address kept only as a keyed hash in
 * memory.  A counted download is written at once (book_downloads, one
 * row per book, file and day; books.downloads): downloads are rare next
 * to views.  *counted says whether this one counted.
 */
int views_download(struct views *v, int64_t book_id, const char *file,
                   const char *ip, const char *user_agent, int *counted,
                   struct error *e);
/* The all-time total of a post including views not yet flushed (v NULL:
 * stored_total). */
int64_t views_total(struct views *v, int64_t post_id, int64_t stored_total);
/*
 * A number that grows by one with each view counted; views_moved() is 1
 * when a view of post_id was counted after views_serial() said since
 * (and so a page showing its count made before then shows an old one).
 * v NULL: 0 and never moved.
 */
uint64_t views_serial(struct views *v);
int views_moved(struct views *v, int64_t post_id, uint64_t since);
/*
 * The most viewed published posts (type post) of the last days days (today
 * and the days - 1 before it, UTC), at most limit, from a list at most
 * VIEWS_POPULAR_SECONDS old; strings in a.  ERR_INVALID unless days is 1
 * to LIM_POPULAR_DAYS and limit 1 to LIM_POPULAR_LIMIT.
 */
int views_popular(struct views *v, struct arena *a, int days, int limit,
                  struct popular **out, size_t *n, struct error *e);
/* Write pending counts now (the flush thread calls it every second).
 * Nothing is written when nothing is pending; on failure the counts stay
 * pending for the next flush. */
int views_flush(struct views *v, struct error *e);
/*
 * 1 when a User-Agent is not a reader's browser: missing, not starting
 * with "Mozilla/" (curl, wget, Node's fetch "node", python-requests, Go's
 * client...), or naming a crawler, preview fetcher or headless browser
 * (the list is in views.c).
 */
int views_is_bot(const char *user_agent);

#endif
